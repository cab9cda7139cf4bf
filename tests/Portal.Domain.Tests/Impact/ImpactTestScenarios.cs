using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Tests.Impact;

/// <summary>Scenarios and schedule helpers shared by the impact model tests.</summary>
internal static class ImpactTestScenarios
{
    /// <summary>The demo market (S0 = 50, ADV = 5·10⁶, σ = 2%, 4 bps spread) with one impact model at its defaults.</summary>
    public static Scenario With(ImpactSpec impact, double pctAdv = 5, double minutes = 60, int steps = 12) => ScenarioPresets.Demo() with
    {
        Order = ScenarioPresets.Demo().Order with { SizePctAdv = pctAdv, HorizonMinutes = minutes, Steps = steps },
        Market = ScenarioPresets.Demo().Market with { Impact = impact },
        Strategies = ["twap", "immediate"],
    };

    public static Scenario With(string model, double pctAdv = 5, double minutes = 60, int steps = 12) =>
        With(ImpactSpec.Default(model), pctAdv, minutes, steps);

    /// <summary>Holdings (fraction of the order) of TWAP over <paramref name="steps"/> steps.</summary>
    public static double[] Twap(int steps) => Enumerable.Range(0, steps + 1).Select(k => 1 - (double)k / steps).ToArray();

    /// <summary>Holdings of trading everything at the first step.</summary>
    public static double[] Immediate(int steps) => Enumerable.Range(0, steps + 1).Select(k => k == 0 ? 1.0 : 0.0).ToArray();

    /// <summary>Expected implementation shortfall of a schedule in bps of the arrival notional.</summary>
    public static double ExpectedBps(Scenario s, double[] holdings) =>
        KnownOptimum.ExpectedCost(s, holdings) / (s.Market.ArrivalPrice * s.Quantity) * 1e4;

    /// <summary>Mean and standard error (bps) of a strategy's shortfall, optionally without its zero-mean timing term.</summary>
    public static (double Mean, double StdErr) Mean(BacktestResult result, string strategy, bool withoutTiming = false)
    {
        var x = result.Strategies.Single(r => r.StrategyId == strategy).Episodes
            .Select(e => withoutTiming ? e.ShortfallBps - e.TimingBps : e.ShortfallBps).ToArray();
        double mean = x.Average();
        double variance = x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1);
        return (mean, Math.Sqrt(variance / x.Length));
    }
}
