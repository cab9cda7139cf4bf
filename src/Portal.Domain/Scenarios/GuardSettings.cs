using System.Text.Json.Serialization;

namespace Portal.Domain.Scenarios;

/// <summary>Risk guards wrapped around strategies of a run (<c>strategySettings.guards</c>; absent = no guards). Each
/// guarded strategy runs beside its unguarded self on the same paths, as <c>guarded:ID</c>, so the paired difference is
/// what the guard cost or saved. See docs/guards.md.</summary>
public sealed record GuardSettings
{
    /// <summary>Most strategies one scenario may guard.</summary>
    public const int MaxGuarded = 8;

    /// <summary>Confidence fallback; null = off.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public FallbackGuardSettings? Fallback { get; init; }

    /// <summary>Circuit breaker; null = off.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CircuitBreakerSettings? Breaker { get; init; }

    /// <summary>Ids of the run's strategies to guard; empty = every learned agent (<c>agent:…</c>) of the run.</summary>
    public IReadOnlyList<string> Strategies { get; init; } = [];
}

/// <summary>Confidence fallback: where the guarded strategy's own uncertainty signal (e.g. the disagreement of an ensemble,
/// or one minus a router's confidence) exceeds <see cref="Threshold"/>, the step trades the safe schedule instead.</summary>
public sealed record FallbackGuardSettings
{
    /// <summary>The safe schedules a fallback may trade.</summary>
    public static IReadOnlyList<string> SafeSchedules { get; } = ["twap", "ac"];

    /// <summary>Uncertainty above which the safe schedule trades, in the signal's own unit. Allowed: [0, 10⁶].</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary><c>twap</c> (the remainder in equal slices over the steps left) or <c>ac</c> (the Almgren–Chriss
    /// trajectory's share of the remainder at this step, λ = strategySettings.riskAversion).</summary>
    public string Safe { get; init; } = "twap";

    /// <summary>When set, the threshold is taken from the data instead of <see cref="Threshold"/>: this quantile of the
    /// guarded strategy's own signal over every non-final decision of <see cref="CalibrationEpisodes"/> calibration episodes
    /// of the nominal market (the scenario without its stress events, on calibration paths drawn from a seed other than the
    /// run's), so the fallback fires only where the strategy is less sure than it is on all but the top (1 − q) of ordinary
    /// decisions. Allowed: (0, 1); null = use <see cref="Threshold"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ThresholdQuantile { get; init; }

    /// <summary>Default of <see cref="CalibrationEpisodes"/>.</summary>
    public const int DefaultCalibrationEpisodes = 256;

    /// <summary>Calibration episodes for <see cref="ThresholdQuantile"/> (null = <see cref="DefaultCalibrationEpisodes"/>).
    /// Allowed: [16, 100000].</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? CalibrationEpisodes { get; init; }
}

/// <summary>Circuit breaker: the step is paused (or slowed) while the market is beyond any of the bounds, measured against
/// the scenario's arrival conditions (the nominal spread, liquidity 1, the arrival price, the expected volume), with a
/// completion guarantee that trades at least the equal share of the remainder near the deadline.</summary>
public sealed record CircuitBreakerSettings
{
    /// <summary>Trip when the spread exceeds this multiple of the scenario's nominal spread (<c>market.spread.meanBps</c>).
    /// Allowed: (1, 1000].</summary>
    public double MaxSpreadRatio { get; init; } = 3;

    /// <summary>Trip when the liquidity level falls below this (1 = normal). Allowed: [0, 1).</summary>
    public double MinLiquidity { get; init; } = 0.3;

    /// <summary>Trip when the mid has moved more than this many horizon volatilities σ·S0·√T from arrival, either way.
    /// Allowed: (0, 100].</summary>
    public double MaxMoveSigma { get; init; } = 2;

    /// <summary>Trip when the last step's market volume was below this fraction of its expected volume. Allowed: [0, 1).</summary>
    public double MinVolumeRatio { get; init; } = 0.2;

    /// <summary>While tripped, the strategy's fraction is multiplied by this (0 = pause). Allowed: [0, 1].</summary>
    public double SlowFactor { get; init; }

    /// <summary>Completion guarantee: in the last this-percent of the horizon a tripped step still trades at least
    /// 1/(steps left) of the remainder, so the order finishes evenly rather than in one forced block. Allowed: (0, 100].</summary>
    public double CompletionPct { get; init; } = 25;
}
