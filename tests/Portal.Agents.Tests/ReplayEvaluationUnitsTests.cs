using Portal.Agents.Training;
using Portal.Domain.Backtesting;
using Portal.Domain.Replay;

namespace Portal.Agents.Tests;

/// <summary>Evaluation on a replay counts market windows, not the episodes drawn from them.</summary>
public sealed class ReplayEvaluationUnitsTests
{
    [Fact]
    public void Ten_thousand_replayed_evaluation_episodes_rest_on_the_test_segments_few_windows()
    {
        var scenario = TestMarkets.AmznReplay(episodes: 200);
        var market = MarketSource.For(scenario, TestMarkets.Amzn);
        double[] twap = [1, 5 / 6.0, 4 / 6.0, 3 / 6.0, 2 / 6.0, 1 / 6.0, 0];
        double[] front = [1, 0.6, 0.35, 0.2, 0.1, 0.05, 0];
        var blocks = ReplayRunner.WindowBlocks(scenario, TestMarkets.Amzn, scenario.Replay!.Options).Distinct().Count();

        PairedStatistic Evaluate(int episodes)
        {
            var a = PolicyEvaluation.RunSchedule(front, market, episodes, baseSeed: 11);
            var b = PolicyEvaluation.RunSchedule(twap, market, episodes, baseSeed: 11);
            Assert.NotNull(a.Clusters);
            Assert.Equal(a.Clusters, b.Clusters);
            return PairedStatistic.Of(a.ObjectiveBps, b.ObjectiveBps, a.Clusters);
        }

        var few = Evaluate(400);
        var many = Evaluate(10_000);

        Assert.Equal(UnitKinds.Window, many.UnitKind);
        Assert.Equal(blocks, many.IndependentUnits);
        Assert.InRange(many.IndependentUnits, 2, 4);
        Assert.Equal(10_000, many.Pairs);
        // Twenty-five times the episodes from the same windows: an episode-count interval would be five times narrower.
        double halfFew = (few.CiHighBps - few.CiLowBps) / 2, halfMany = (many.CiHighBps - many.CiLowBps) / 2;
        Assert.True(halfMany > 0.6 * halfFew, $"half-width {halfFew:F3} → {halfMany:F3} bps");
        var naive = PairedStatistic.Of(
            PolicyEvaluation.RunSchedule(front, market, 10_000, baseSeed: 11).ObjectiveBps,
            PolicyEvaluation.RunSchedule(twap, market, 10_000, baseSeed: 11).ObjectiveBps);
        Assert.True(halfMany > 3 * (naive.CiHighBps - naive.CiLowBps) / 2, "the window interval is far wider than the episode-count one");
    }
}
