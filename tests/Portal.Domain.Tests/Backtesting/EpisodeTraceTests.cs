using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Tests.Backtesting;

public class EpisodeTraceTests
{
    private static Scenario Panic(int episodes) => ScenarioPresets.Demo() with
    {
        Episodes = episodes,
        Market = RegimePresets.Apply(ScenarioPresets.Demo().Market, RegimePresets.Panic),
        Strategies = ["twap", "ac", "pov", "random", "vwap", "immediate"],
    };

    [Theory]
    [InlineData(0)]
    [InlineData(517)]
    [InlineData(1199)]
    public void A_traced_episode_has_the_shortfall_and_breakdown_the_backtest_stored(int episode)
    {
        var scenario = Panic(1200);
        var run = BacktestRunner.Run(scenario);
        var trace = EpisodeTracer.Trace(scenario, episode);

        Assert.Equal(run.Strategies.Select(s => s.StrategyId), trace.Strategies.Select(s => s.StrategyId));
        foreach (var (stored, traced) in run.Strategies.Zip(trace.Strategies))
        {
            var e = stored.Episodes[episode];
            var t = traced.Result;
            Assert.Equal(episode, t.Episode);
            // Batch of one against a batch of 512: the same arithmetic per episode, up to the order of a few additions.
            Assert.Equal(e.ShortfallBps, t.ShortfallBps, 1e-9);
            Assert.Equal(e.TimingBps, t.TimingBps, 1e-9);
            Assert.Equal(e.TemporaryImpactBps, t.TemporaryImpactBps, 1e-9);
            Assert.Equal(e.PermanentImpactBps, t.PermanentImpactBps, 1e-9);
            Assert.Equal(e.SpreadAndFeesBps, t.SpreadAndFeesBps, 1e-9);
            Assert.Equal(e.VwapSlippageBps, t.VwapSlippageBps, 1e-9);
            Assert.Equal(e.MaxParticipation, t.MaxParticipation, 1e-12);
        }
    }

    [Fact]
    public void Children_fill_the_order_and_their_costs_add_up_to_the_shortfall()
    {
        var scenario = Panic(50) with { Costs = new CostSpec { FeeBps = 1.5 } };
        var trace = EpisodeTracer.Trace(scenario, 7);
        Assert.Equal(scenario.Order.Steps + 1, trace.Mid.Count);
        Assert.Equal(scenario.Order.Steps, trace.MarketVolume.Count);
        foreach (var s in trace.Strategies)
        {
            Assert.Equal(scenario.Order.Steps, s.Children.Count);
            Assert.Equal(trace.Quantity, s.Children.Sum(c => c.Shares), 1e-6 * trace.Quantity);
            Assert.Equal(s.Result.ShortfallBps, s.Children.Sum(c => c.CostBps) + s.Result.OpportunityCostBps, 1e-9);
            foreach (var c in s.Children.Where(c => c.Shares > 0))
            {
                // The fill price reproduces the child's cost: (fill − S0)·d·q + fees = cost.
                double d = trace.Side == Side.Buy ? 1 : -1;
                double fees = c.Shares * scenario.Costs.FeeBps * 1e-4 * c.FillPrice;
                Assert.Equal(c.CostCurrency, (c.FillPrice - trace.ArrivalPrice) * d * c.Shares + fees, 1e-6 * Math.Abs(c.CostCurrency) + 1e-9);
                Assert.Equal(c.Shares / trace.MarketVolume[c.Step], c.Participation, 1e-12);
            }
        }
    }

    [Fact]
    public void Immediate_trades_everything_at_the_first_step_and_twap_evenly()
    {
        var trace = EpisodeTracer.Trace(Panic(10), 3);
        var immediate = trace.Strategies.Single(s => s.StrategyId == "immediate");
        Assert.Equal(trace.Quantity, immediate.Children[0].Shares, 1e-6);
        Assert.All(immediate.Children.Skip(1), c => Assert.Equal(0, c.Shares));
        Assert.All(immediate.Children.Skip(1), c => Assert.True(double.IsNaN(c.FillPrice)));
        var twap = trace.Strategies.Single(s => s.StrategyId == "twap");
        Assert.All(twap.Children, c => Assert.Equal(trace.Quantity / twap.Children.Count, c.Shares, 1e-6));
    }

    [Fact]
    public void Episodes_outside_the_run_and_replay_scenarios_are_refused()
    {
        var scenario = Panic(10);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => EpisodeTracer.Trace(scenario, 10));
        Assert.Equal("episode", e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => EpisodeTracer.Trace(scenario, -1));
        Assert.Throws<ArgumentException>(() => EpisodeTracer.Trace(scenario with { Replay = new ReplaySpec { DatasetId = Guid.NewGuid() } }, 0));
    }
}
