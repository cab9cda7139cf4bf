using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Tests.Backtesting;

public class ColumnPoolTests
{
    private const int Episodes = 1500;

    /// <summary>The run's result computed from shards that went through their stored form: columns never pooled.</summary>
    private static string Unpooled(Scenario scenario, BacktestOptions options)
    {
        var plan = BacktestPlan.Create(scenario, options);
        var parts = BacktestPlan.ShardRanges(scenario.Episodes, 512)
            .Select(r => BacktestPartial.FromBytes(BacktestRunner.RunEpisodes(plan, r.First, r.Count, options).ToBytes()))
            .ToList();
        return BacktestReport.ToJson(BacktestRunner.Merge(plan, parts), scenario);
    }

    [Fact]
    public void A_run_on_columns_reused_from_other_runs_is_the_run_on_fresh_columns()
    {
        var options = new BacktestOptions { KeepEpisodes = false, MaxDegreeOfParallelism = 1 };
        // Limit orders and a binding cap in a panic write passive fills, unfilled rests, breaches and opportunity costs.
        var limits = ScenarioPresets.Demo() with
        {
            Episodes = Episodes,
            Market = RegimePresets.Apply(ScenarioPresets.Demo().Market, RegimePresets.Panic),
            Strategies = ["twap-passive", "pegged", "pov"],
        };
        // Schedules alone on the same number of episodes: the fused kernel, whose unwritten columns must read as zeros.
        var schedules = ScenarioPresets.Demo() with { Episodes = Episodes, Strategies = ["twap", "vwap", "ac", "immediate"] };

        var first = BacktestReport.ToJson(BacktestRunner.Run(limits, options), limits);
        var limitResult = BacktestRunner.Run(limits, options);
        Assert.Contains(limitResult.Strategies, s => s.Orders.PassiveShare > 0);
        Assert.Contains(limitResult.Strategies, s => s.MeanForcedFraction > 0 || s.MeanUnfilledFraction > 0 || s.CapBreaches > 0);

        string schedulesAfterLimits = BacktestReport.ToJson(BacktestRunner.Run(schedules, options), schedules);
        string limitsAfterSchedules = BacktestReport.ToJson(BacktestRunner.Run(limits, options), limits);

        Assert.Equal(Unpooled(schedules, options), schedulesAfterLimits);
        Assert.Equal(Unpooled(limits, options), limitsAfterSchedules);
        Assert.Equal(first, limitsAfterSchedules);
    }
}
