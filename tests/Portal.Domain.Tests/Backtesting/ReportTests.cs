using System.Text.Json.Nodes;
using Portal.Domain.Backtesting;
using Portal.Domain.Impact;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Tests.Backtesting;

public class ReportTests
{
    [Fact]
    public void The_99th_percentile_is_type_7_like_the_95th_and_never_below_it()
    {
        // 1, 2, ..., 101: type 7 puts the p-quantile at 1 + 100·p exactly.
        double[] costs = [.. Enumerable.Range(1, 101).Select(i => (double)i).Reverse()];

        var s = Statistics.Summarize(costs, costs, 1, null, null);

        Assert.Equal((96.0, 100.0), (s.P95Bps, s.P99Bps));
        var run = BacktestRunner.Run(ScenarioPresets.Demo() with { Episodes = 200 });
        Assert.All(run.Strategies, r => Assert.True(r.Summary.P99Bps >= r.Summary.P95Bps));
    }

    [Fact]
    public void Json_result_carries_the_documented_fields_with_the_summary_values()
    {
        var result = BacktestRunner.Run(ScenarioPresets.Demo() with { Episodes = 300 });
        var root = JsonNode.Parse(BacktestReport.ToJson(result))!;
        Assert.Equal(result.OptimumExpectedCostBps!.Value, (double)root["optimum"]!["expectedCostBps"]!, 12);
        Assert.Equal(result.OptimumExpectedCostCurrency!.Value, (double)root["optimum"]!["expectedCost"]!, 9);
        var entries = root["strategies"]!.AsArray();
        Assert.Equal(result.Strategies.Count, entries.Count);
        for (int i = 0; i < entries.Count; i++)
        {
            var s = result.Strategies[i].Summary;
            var e = entries[i]!;
            Assert.Equal(result.Strategies[i].DisplayName, (string?)e["name"]);
            Assert.Equal(s.MeanBps, (double)e["meanCostBps"]!);
            Assert.Equal(s.StdBps, (double)e["stdCostBps"]!);
            Assert.Equal(s.P95Bps, (double)e["p95CostBps"]!);
            Assert.Equal(s.P99Bps, (double)e["p99CostBps"]!);
            Assert.Equal(s.Cvar95Bps, (double)e["cvar95CostBps"]!);
            Assert.Equal(s.MeanShortfallCurrency, (double)e["meanCost"]!);
            var paired = e["pairedDiffVsTwapBps"]!;
            Assert.Equal(s.VsTwap?.CiLowBps ?? 0, (double)paired["ciLowBps"]!);
            Assert.Equal(s.VsTwap?.CiHighBps ?? 0, (double)paired["ciHighBps"]!);
        }
    }

    [Fact]
    public void Text_report_lists_every_strategy_and_the_optimum()
    {
        var result = BacktestRunner.Run(ScenarioPresets.Demo() with { Episodes = 200, Strategies = ["twap", "ac", "random"] });
        string text = BacktestReport.ToText(result);
        foreach (var r in result.Strategies) Assert.Contains(r.DisplayName, text, StringComparison.Ordinal);
        Assert.Contains("Known optimum", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Worked_example_simulation_agrees_with_the_closed_form()
    {
        var w = AlmgrenChrissWorkedExample.Run(episodes: 20_000);
        double etaTilde = 2.5e-6 - 0.5 * 2.5e-7;
        double sumN2 = 0, sumX2 = 0;
        for (int k = 1; k <= 5; k++)
        {
            double n = w.HoldingsShares[k - 1] - w.HoldingsShares[k];
            sumN2 += n * n;
            sumX2 += w.HoldingsShares[k] * w.HoldingsShares[k];
        }

        double e = 0.5 * 2.5e-7 * 1e12 + 0.0625 * 1e6 + etaTilde * sumN2;
        Assert.Equal(e, w.ExpectedShortfall, 1e-6 * e);
        Assert.Equal(0.95 * Math.Sqrt(sumX2), w.StdShortfall, 1e-6 * w.StdShortfall);
        Assert.True(w.MeanAgrees, w.ToText());
        double seStd = w.StdShortfall / Math.Sqrt(2.0 * (w.Episodes - 1));
        Assert.InRange(w.SimulatedStd, w.StdShortfall - 3 * seStd, w.StdShortfall + 3 * seStd);
    }
}
