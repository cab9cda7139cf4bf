using Portal.Agents.Common;
using Portal.Agents.Environment;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies;

namespace Portal.Agents.Training;

/// <summary>
/// A trained agent as a portal strategy: runs in any backtest beside the baselines, on the same market paths (common
/// random numbers). Observations are normalised with the statistics stored with the agent and the participation-cap mask
/// is recomputed from the scenario, so the agent only ever proposes legal child orders. An agent trained with the order-type
/// action is an <see cref="OrderTypeAgentStrategy"/> (build either with <see cref="Create"/>).
/// </summary>
public class AgentStrategy : IExecutionStrategy, IDisposable
{
    private readonly IExecutionAgent _agent;
    private readonly ObservationNormalizer _normalizer;
    private readonly Lock _gate = new();

    /// <summary>The strategy of the agent stored in <paramref name="artifact"/>: an <see cref="OrderTypeAgentStrategy"/>
    /// when the agent chooses the order type, else a market-order <see cref="AgentStrategy"/>.</summary>
    public static AgentStrategy Create(AgentArtifact artifact, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        var agent = artifact.CreateAgent();
        return agent is IOrderTypeAgent { UsesLimitOrders: true } typed
            ? new OrderTypeAgentStrategy(artifact, typed, id)
            : new AgentStrategy(artifact, agent, id);
    }

    /// <summary>Wraps the agent stored in <paramref name="artifact"/> (market orders only; see <see cref="Create"/>).</summary>
    /// <exception cref="ArgumentException">The agent chooses the order type: use <see cref="Create"/>.</exception>
    public AgentStrategy(AgentArtifact artifact, string? id = null)
        : this(artifact, (artifact ?? throw new ArgumentNullException(nameof(artifact))).CreateAgent(), id)
    {
        if (_agent is IOrderTypeAgent { UsesLimitOrders: true })
        {
            _agent.Dispose();
            throw new ArgumentException("The agent chooses the order type: build its strategy with AgentStrategy.Create.", nameof(artifact));
        }
    }

    private protected AgentStrategy(AgentArtifact artifact, IExecutionAgent agent, string? id)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        _agent = agent;
        _normalizer = artifact.Normalizer;
        Id = id ?? StrategyId.ForAgentNamed($"{artifact.Algorithm}-{artifact.Seed}");
        DisplayName = $"{artifact.Algorithm.ToUpperInvariant()} agent (seed {artifact.Seed})";
        Exposure = artifact.Exposure;
    }

    /// <summary>What the agent saw in training (null for an artifact written before it was recorded).</summary>
    public Portal.Domain.Backtesting.TrainingExposure? Exposure { get; }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public string DisplayName { get; }

    /// <summary>Loads an agent saved as a directory or archive.</summary>
    public static AgentStrategy Load(string path, string? id = null) => Create(AgentArtifact.Load(path), id);

    /// <inheritdoc />
    public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining) =>
        Decide(context, observations, fractionOfRemaining, []);

    /// <summary>The agent's decision from start-of-step information only: normalised features, the cap mask and (for an
    /// order-type agent) the previous step's passive fill share; <paramref name="passiveShare"/> is written when not empty.</summary>
    private protected void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining, Span<double> passiveShare)
    {
        int n = observations.Length, f = ExecutionObservation.FeatureCount;
        var features = new float[n * f];
        var mask = new double[n];
        var fills = new double[n];
        double cap = context.Scenario.Constraints.MaxParticipationPct is { } pct ? pct / 100.0 : double.PositiveInfinity;
        for (int i = 0; i < n; i++)
        {
            _normalizer.Normalize(ScenarioMarket.FromSimulator(observations[i]), features.AsSpan(i * f, f));
            mask[i] = ScenarioMarket.MaxFraction(cap, observations[i], context.ExpectedStepVolume, context.Quantity, context.IsLastStep);
            fills[i] = observations[i].LastPassiveFillShare ?? double.NaN;
        }

        lock (_gate)
        {
            if (_agent is IOrderTypeAgent { UsesLimitOrders: true } typed)
            {
                var shares = passiveShare.IsEmpty ? new double[n] : passiveShare;
                typed.Act(features, fills, mask, context.Step, context.Steps, fractionOfRemaining, shares);
            }
            else
            {
                _agent.Act(features, mask, context.Step, context.Steps, fractionOfRemaining);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _agent.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// A trained agent that chooses the order type (<see cref="OrderTypeActions"/>) as a portal strategy: each child is split
/// into a market order and a limit order at the touch for one step, the unfilled rest crossed at the step's end, exactly as
/// in training, on simulated markets and on replays (<c>backtest --dataset</c>), with the same fill models as the passive
/// baselines.
/// </summary>
/// <remarks>The passive share is recomputed from the same start-of-step inputs as the size (the greedy policy is
/// deterministic), so the strategy keeps no state between <see cref="IExecutionStrategy.Decide"/> and
/// <see cref="DecidePassiveShare"/> and is safe in parallel batches.</remarks>
public sealed class OrderTypeAgentStrategy : AgentStrategy, IOrderTypeStrategy
{
    internal OrderTypeAgentStrategy(AgentArtifact artifact, IOrderTypeAgent agent, string? id)
        : base(artifact, agent, id)
    {
    }

    /// <inheritdoc />
    public LimitOrderPlan Limit => OrderTypeActions.Plan;

    /// <inheritdoc />
    public void DecidePassiveShare(in DecisionContext context, ReadOnlySpan<Observation> observations, ReadOnlySpan<double> fractionOfRemaining, Span<double> passiveShare)
    {
        if (context.IsLastStep)
        {
            // The horizon forces a market order for what remains, as in training.
            passiveShare[..observations.Length].Clear();
            return;
        }

        var fractions = new double[observations.Length];
        Decide(context, observations, fractions, passiveShare);
    }
}
