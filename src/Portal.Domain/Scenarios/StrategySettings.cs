namespace Portal.Domain.Scenarios;

/// <summary>Parameters of the baseline strategies that need one.</summary>
public sealed record StrategySettings
{
    /// <summary>Almgren–Chriss risk aversion λ of the <c>ac</c> strategy, per unit of currency (the paper's units). Allowed: [0, 1].</summary>
    public double RiskAversion { get; init; } = 1e-6;

    /// <summary>Participation rate of the <c>pov</c> strategy in percent of each step's market volume. Allowed: (0, 100].</summary>
    public double PovRatePct { get; init; } = 10;

    /// <summary>Offset of the passive strategies' limit orders beyond the touch (away from the mid) in basis points of the
    /// arrival price; 0 posts at the touch. Allowed: [0, 100].</summary>
    public double LimitOffsetBps { get; init; }

    /// <summary>Time-to-live of a limit order as a percentage of its decision step; what is unfilled then is crossed (passive
    /// TWAP/VWAP) or cancelled and re-pegged (pegged). Allowed: (0, 100].</summary>
    public double LimitTtlPct { get; init; } = 100;

    /// <summary>Catch-up rule of the <c>pegged</c> strategy: when its holdings lag the TWAP schedule by more than this
    /// percentage of the order, it crosses the excess at once. Allowed: [0, 100].</summary>
    public double CatchUpPct { get; init; } = 5;

    /// <summary>Risk guards wrapped around strategies of the run (confidence fallback, circuit breaker); null = none.
    /// Absent from scenarios written before guards existed, which therefore read unchanged.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public GuardSettings? Guards { get; init; }

    /// <summary>Which trained seed's policy the run's <c>agent:</c> strategies use, by its training seed (1 for the first);
    /// null = the first seed (the default: it is fixed before any evaluation, so the choice cannot flatter the agent).
    /// Every agent of the run must have been trained with this seed. Allowed: [1, <see cref="MaxAgentSeed"/>].
    /// Absent from scenarios written before the choice existed, which therefore read unchanged.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public long? AgentSeed { get; init; }

    /// <summary>Largest training seed a run may name in <see cref="AgentSeed"/>.</summary>
    public const long MaxAgentSeed = 1_000_000_000;
}
