using System.Globalization;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Strategies;

/// <summary>
/// A tunable parameter a strategy reads from the scenario's <c>strategySettings</c>: its JSON field, label, default, allowed
/// range and help, so the builder, the API docs and validation all read one definition.
/// </summary>
/// <param name="Field">JSON field under <c>strategySettings</c>, e.g. <c>povRatePct</c>.</param>
/// <param name="Label">Short label for forms.</param>
/// <param name="Default">Value of a new scenario.</param>
/// <param name="Min">Lower end of the allowed range.</param>
/// <param name="Max">Upper end of the allowed range (inclusive).</param>
/// <param name="MinExclusive">True when <paramref name="Min"/> itself is not allowed.</param>
/// <param name="Help">One sentence: what it does and its unit.</param>
/// <param name="Read">Reads the value from a scenario's settings.</param>
public sealed record StrategyParameter(string Field, string Label, double Default, double Min, double Max, bool MinExclusive, string Help, Func<StrategySettings, double> Read)
{
    /// <summary>Almgren–Chriss risk aversion λ, per unit of currency (the paper's units).</summary>
    public static StrategyParameter RiskAversion { get; } = new(
        "riskAversion", "Risk aversion λ", 1e-6, 0, 1, false,
        "Almgren–Chriss risk aversion λ per unit of currency: the weight of the cost variance in E + λ·Var.", s => s.RiskAversion);

    /// <summary>Participation rate of the POV strategy, percent of each step's market volume.</summary>
    public static StrategyParameter PovRatePct { get; } = new(
        "povRatePct", "POV rate %", 10, 0, 100, true,
        "Participation rate of the POV strategy in percent of each step's market volume.", s => s.PovRatePct);

    /// <summary>Offset of passive limit orders beyond the touch, bps of the arrival price.</summary>
    public static StrategyParameter LimitOffsetBps { get; } = new(
        "limitOffsetBps", "Limit offset (bps)", 0, 0, 100, false,
        "Offset of the passive strategies' limit orders beyond the touch, in basis points of the arrival price (0 = at the touch).", s => s.LimitOffsetBps);

    /// <summary>Time-to-live of a limit order, percent of its decision step.</summary>
    public static StrategyParameter LimitTtlPct { get; } = new(
        "limitTtlPct", "Limit TTL %", 100, 0, 100, true,
        "Time-to-live of a limit order in percent of its decision step; then the unfilled rest is crossed or cancelled.", s => s.LimitTtlPct);

    /// <summary>Lag behind the TWAP schedule (percent of the order) beyond which the pegged strategy crosses.</summary>
    public static StrategyParameter CatchUpPct { get; } = new(
        "catchUpPct", "Catch-up lag %", 5, 0, 100, false,
        "The pegged strategy crosses at once whatever its holdings lag the TWAP schedule by beyond this percentage of the order.", s => s.CatchUpPct);

    /// <summary>Full path as validation errors name it, e.g. <c>strategySettings.povRatePct</c>.</summary>
    public string Path => "strategySettings." + Field;

    /// <summary>True when <paramref name="value"/> is in the allowed range.</summary>
    public bool Allows(double value) => (MinExclusive ? value > Min : value >= Min) && value <= Max;

    /// <summary>The allowed range as validation messages write it, e.g. <c>(0, 100]</c>.</summary>
    public string RangeText => string.Create(CultureInfo.InvariantCulture, $"{(MinExclusive ? "(" : "[")}{Min:G10}, {Max:G10}]");
}
