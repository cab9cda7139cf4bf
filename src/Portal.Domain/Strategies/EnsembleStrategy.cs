using Portal.Domain.Simulation;

namespace Portal.Domain.Strategies;

/// <summary>
/// Several independently trained policies of one agent (its training seeds) as one strategy: one member (the chosen seed)
/// trades, and the members' disagreement on the action at the current observation is the uncertainty signal
/// (<see cref="IUncertaintySignal"/>) that the confidence-fallback guard reads.
/// </summary>
/// <remarks>
/// <para><b>Source.</b> Deep ensembles (Lakshminarayanan, Pritzel and Blundell, 2017, "Simple and scalable predictive
/// uncertainty estimation using deep ensembles", NeurIPS; §2.4: M networks trained from different random initialisations,
/// their spread is the predictive uncertainty) and bootstrapped DQN (Osband, Blundell, Pritzel and Van Roy, 2016, "Deep
/// exploration via bootstrapped DQN", NeurIPS; §3: K heads whose disagreement measures epistemic uncertainty). Here the M
/// members are the agent's policies trained with M seeds on the same scenario, so they agree where the training data
/// pinned the action down and disagree off it (an observation unlike those seen in training, e.g. a liquidity collapse).</para>
/// <para><b>Definition.</b> With a_m ∈ [0, 1] member m's fraction of the remainder to trade at this step (its decision,
/// clamped as the simulator clamps it), the signal is the population standard deviation
/// u = √((1/M) Σ_m (a_m − ā)²), ā = (1/M) Σ_m a_m, in units of the fraction of the remainder: 0 when every member would
/// trade the same, at most 0.5. The acting member's decision is the strategy's own, so the ensemble trades exactly as
/// that seed's policy does; the other members are asked only when the signal is read.</para>
/// <para>Every member decides from the step's observation and the context only, so the signal keeps the members'
/// information contract (nothing after the start of the step).</para>
/// </remarks>
public sealed class EnsembleStrategy : IExecutionStrategy, IUncertaintySignal, IDisposable
{
    private readonly IExecutionStrategy[] _members;
    private readonly int _acting;

    /// <summary>An ensemble of <paramref name="members"/> in which member <paramref name="acting"/> trades.</summary>
    /// <param name="id">The strategy id (the acting policy's: the ensemble trades as it does).</param>
    /// <param name="displayName">Name shown to users.</param>
    /// <param name="members">At least one policy.</param>
    /// <param name="acting">Index of the member that trades, in [0, members − 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">No members, or <paramref name="acting"/> out of range.</exception>
    public EnsembleStrategy(string id, string displayName, IReadOnlyList<IExecutionStrategy> members, int acting = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(displayName);
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count < 1) throw new ArgumentOutOfRangeException(nameof(members), members.Count, "An ensemble needs at least one member.");
        if (acting < 0 || acting >= members.Count)
            throw new ArgumentOutOfRangeException(nameof(acting), acting, $"The acting member must be in [0, {members.Count - 1}].");
        if (members.Any(m => m is null)) throw new ArgumentNullException(nameof(members), "A member is null.");
        _members = [.. members];
        _acting = acting;
        Id = id;
        DisplayName = displayName;
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public string DisplayName { get; }

    /// <summary>The members, in order.</summary>
    public IReadOnlyList<IExecutionStrategy> Members => _members;

    /// <summary>The member that trades.</summary>
    public IExecutionStrategy Acting => _members[_acting];

    /// <inheritdoc />
    public bool UsesObservations => _members.Any(m => m.UsesObservations);

    /// <inheritdoc />
    public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining)
    {
        var acting = _members[_acting];
        acting.Decide(context, acting.UsesObservations ? observations : [], fractionOfRemaining);
    }

    /// <inheritdoc />
    public void Uncertainty(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> uncertainty)
    {
        int n = uncertainty.Length, m = _members.Length;
        var decisions = new double[m * n];
        for (int k = 0; k < m; k++)
        {
            var member = _members[k];
            var row = decisions.AsSpan(k * n, n);
            member.Decide(context, member.UsesObservations ? observations : [], row);
            for (int e = 0; e < n; e++) row[e] = Clamp(row[e]);
        }

        // Deviations from the first member (the shifted-data form of the variance): identical members give exactly 0,
        // where the mean of equal values can round and leave a spurious 1e-17.
        for (int e = 0; e < n; e++)
        {
            double first = decisions[e], mean = 0;
            for (int k = 1; k < m; k++) mean += decisions[k * n + e] - first;
            mean /= m;
            double ss = mean * mean; // the first member's own deviation, 0 − mean
            for (int k = 1; k < m; k++)
            {
                double d = decisions[k * n + e] - first - mean;
                ss += d * d;
            }
            uncertainty[e] = Math.Sqrt(ss / m);
        }
    }

    /// <summary>The fraction as the simulator applies it: NaN and negatives trade nothing, more than 1 trades the remainder.</summary>
    private static double Clamp(double f) => f > 0 ? (f < 1 ? f : 1) : 0;

    /// <summary>Disposes the members that hold resources (e.g. a network's tensors).</summary>
    public void Dispose()
    {
        foreach (var m in _members) (m as IDisposable)?.Dispose();
    }
}
