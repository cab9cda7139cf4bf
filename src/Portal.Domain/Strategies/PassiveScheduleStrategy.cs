using Portal.Domain.Simulation;

namespace Portal.Domain.Strategies;

/// <summary>A deterministic schedule worked passively: each step's slice is posted as a limit order and what is left when
/// its time-to-live ends is crossed, so the schedule is kept whatever the fills.</summary>
/// <remarks>The slices are those of <see cref="ScheduleStrategy"/> (fractions of what remains), so with every limit order
/// filled or crossed the holdings follow the schedule exactly; only the price each share gets differs.</remarks>
public sealed class PassiveScheduleStrategy : IOrderTypeStrategy
{
    private readonly ScheduleStrategy _schedule;

    /// <summary>Creates the strategy from target holdings (as <see cref="ScheduleStrategy"/>) and a limit-order plan whose
    /// expiry action is <see cref="ExpiryAction.Cross"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The plan cancels at expiry (the schedule would not be kept).</exception>
    public PassiveScheduleStrategy(string id, string displayName, ReadOnlySpan<double> holdings, LimitOrderPlan limit)
    {
        if (limit.OnExpiry != ExpiryAction.Cross)
            throw new ArgumentOutOfRangeException(nameof(limit), limit.OnExpiry, "A passive schedule crosses at expiry (Cross) so that it keeps its schedule.");
        _schedule = new ScheduleStrategy(id, displayName, holdings);
        Limit = limit;
    }

    /// <inheritdoc />
    public string Id => _schedule.Id;

    /// <inheritdoc />
    public string DisplayName => _schedule.DisplayName;

    /// <inheritdoc />
    public bool UsesObservations => false;

    /// <inheritdoc />
    public LimitOrderPlan Limit { get; }

    /// <summary>Target holdings as fractions of the order.</summary>
    public double[] HoldingsFraction => _schedule.HoldingsFraction;

    /// <inheritdoc />
    public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining) =>
        _schedule.Decide(context, observations, fractionOfRemaining);

    /// <inheritdoc />
    public void DecidePassiveShare(in DecisionContext context, ReadOnlySpan<Observation> observations, ReadOnlySpan<double> fractionOfRemaining, Span<double> passiveShare) =>
        passiveShare.Fill(1);
}
