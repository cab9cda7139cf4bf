using Portal.Application.Reports;
using Portal.Web.Features.Reports;

namespace Portal.Web.Tests.Reports;

/// <summary>Reports with hand-picked numbers, so tests know exactly what each cell must say.</summary>
internal static class ReportSamples
{
    public static readonly Guid RunId = Guid.Parse("6f1c2b9e-3d4a-4c1e-9a7b-2e5d8c0f1a23");

    public static IReadOnlyList<ReportParameter> Parameters { get; } =
    [
        new("Side", "Sell"),
        new("Order size", "5 % ADV"),
        new("Horizon", "60 min"),
        new("Decision steps", "12"),
        new("Volatility", "25 % annualised"),
        new("Temporary impact η", "0.142"),
        new("Permanent impact γ", "0.0314"),
    ];

    /// <summary>A strategy whose statistics are all derived from <paramref name="mean"/>, so each has a distinct known value.</summary>
    public static ReportStrategySummary Strategy(
        string id, string name, double mean, double? vsTwap, double? regret, double shape = 1, int steps = 12, int sampleSize = 400, int seed = 1)
    {
        var meanPath = Enumerable.Range(0, steps + 1).Select(k => Math.Pow(1.0 - (double)k / steps, shape)).ToArray();
        var random = new Random(seed);
        var sample = Enumerable.Range(0, sampleSize)
            .Select(_ => mean + 4.0 * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))
            .ToArray();
        return new ReportStrategySummary(
            id, name, Episodes: 2000,
            MeanBps: mean, StdBps: 4.0625, MeanCiLowBps: mean - 0.1875, MeanCiHighBps: mean + 0.1875,
            P5Bps: mean - 6.5, P50Bps: mean - 0.0625, P95Bps: mean + 6.75, Cvar95Bps: mean + 8.5, CostSharpe: mean / 4.0625,
            Completion: 0.9875, MeanShortfallCurrency: mean * 1234.5,
            VsTwapMeanBps: vsTwap, VsTwapCiLowBps: vsTwap - 0.25, VsTwapCiHighBps: vsTwap + 0.25, RegretBps: regret,
            MeanInventoryFraction: meanPath,
            InventoryP5Fraction: [.. meanPath.Select(f => Math.Max(0, f - 0.08 * f * (1 - f)))],
            InventoryP95Fraction: [.. meanPath.Select(f => Math.Min(1, f + 0.08 * f * (1 - f)))],
            ShortfallHistogramSampleBps: sample,
            MeanParticipation: [.. Enumerable.Range(0, steps).Select(k => meanPath[k] - meanPath[k + 1])]);
    }

    public static IReadOnlyList<ReportStrategySummary> SixStrategySummaries { get; } =
    [
        Strategy("twap", "TWAP", 12.5, vsTwap: null, regret: 1.25, seed: 1),
        Strategy("vwap", "VWAP", 12.75, vsTwap: 0.25, regret: 1.5, shape: 1.1, seed: 2),
        Strategy("ac-optimal", "Almgren–Chriss optimum", 11.25, vsTwap: -1.25, regret: 0, shape: 1.6, seed: 3),
        Strategy("ppo-seed-7", "PPO agent (seed 7)", 11.625, vsTwap: -0.875, regret: 0.375, shape: 1.4, seed: 4),
        Strategy("random", "Random schedule", 19.875, vsTwap: 7.375, regret: 8.625, shape: 0.8, seed: 5),
        Strategy("passive", "Passive then forced", -3.125, vsTwap: -15.625, regret: -14.375, shape: 0.35, seed: 6),
    ];

    /// <summary><paramref name="s"/> with <paramref name="execution"/> as its execution outcomes.</summary>
    public static ReportStrategySummary WithExecution(ReportStrategySummary s, ReportExecution execution) => new(
        s.StrategyId, s.DisplayName, s.Episodes, s.MeanBps, s.StdBps, s.MeanCiLowBps, s.MeanCiHighBps, s.P5Bps, s.P50Bps, s.P95Bps,
        s.Cvar95Bps, s.CostSharpe, s.Completion, s.MeanShortfallCurrency, s.VsTwapMeanBps, s.VsTwapCiLowBps, s.VsTwapCiHighBps,
        s.RegretBps, s.MeanInventoryFraction, s.InventoryP5Fraction, s.InventoryP95Fraction, s.ShortfallHistogramSampleBps,
        s.MeanParticipation, execution);

    /// <summary>The six-strategy report of the tests, with any part replaced.</summary>
    public static RunReport SixStrategies(
        string title = "Liquid large cap: schedule comparison",
        string team = "Desk Alpha",
        string scenario = "Normal regime, 5% ADV sell",
        IReadOnlyList<ReportParameter>? parameters = null,
        IReadOnlyList<ReportStrategySummary>? strategies = null,
        bool withOptimum = true) => new(
        RunId, title, team, scenario,
        new DateTime(2026, 11, 20, 9, 30, 0, DateTimeKind.Utc), new DateTime(2026, 11, 20, 9, 41, 17, DateTimeKind.Utc),
        "1.4.2+build.77", parameters ?? Parameters, Episodes: 2000, Seed: 20261120,
        OptimumName: withOptimum ? "Almgren–Chriss optimum" : null, OptimumExpectedCostBps: withOptimum ? 11.25 : null,
        strategies ?? SixStrategySummaries);
}
