using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Tests.Backtesting;

public class RunnerTests
{
    [Fact]
    public void Results_are_bit_identical_whatever_the_thread_count()
    {
        var s = ScenarioPresets.Demo() with
        {
            Episodes = 1500,
            Market = RegimePresets.Apply(ScenarioPresets.Demo().Market, RegimePresets.Panic),
            Strategies = ["twap", "ac", "pov", "random", "vwap"],
        };
        var one = BacktestRunner.Run(s, new BacktestOptions { MaxDegreeOfParallelism = 1 });
        var many = BacktestRunner.Run(s, new BacktestOptions { MaxDegreeOfParallelism = 4 });
        for (int i = 0; i < one.Strategies.Count; i++)
        {
            Assert.Equal(one.Strategies[i].Episodes, many.Strategies[i].Episodes);
            Assert.Equal(one.Strategies[i].Summary, many.Strategies[i].Summary);
            Assert.Equal(one.Strategies[i].MeanInventoryFraction, many.Strategies[i].MeanInventoryFraction);
            Assert.Equal(one.Strategies[i].MeanParticipation, many.Strategies[i].MeanParticipation);
        }
    }

    [Fact]
    public void Twap_random_and_best_static_are_always_compared_after_the_scenario_strategies()
    {
        var s = ScenarioPresets.Demo() with { Episodes = 300, Strategies = ["immediate"] };
        var result = BacktestRunner.Run(s);
        Assert.Equal(["immediate", "twap", "random", "best-static"], result.Strategies.Select(r => r.StrategyId));
        var random = result.Strategies.Single(r => r.StrategyId == "random");
        Assert.True(random.Summary.MeanBps > result.Strategies.Single(r => r.StrategyId == "twap").Summary.MeanBps,
            "on the demo market a random schedule costs more than TWAP");

        var listed = BacktestRunner.Run(s with { Strategies = ["random", "vwap"] });
        Assert.Equal(["random", "vwap", "twap", "best-static"], listed.Strategies.Select(r => r.StrategyId));
    }

    [Fact]
    public void Different_seeds_give_different_paths_and_same_seed_the_same()
    {
        var s = ScenarioPresets.Demo() with { Episodes = 200 };
        double a = BacktestRunner.Run(s).Strategies[0].Summary.MeanBps;
        double b = BacktestRunner.Run(s).Strategies[0].Summary.MeanBps;
        double c = BacktestRunner.Run(s with { Seed = s.Seed + 1 }).Strategies[0].Summary.MeanBps;
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Paired_difference_to_twap_is_the_mean_of_episode_differences()
    {
        var s = ScenarioPresets.Demo() with { Episodes = 800 };
        var r = BacktestRunner.Run(s);
        var twap = r.Strategies.Single(x => x.StrategyId == "twap");
        var ac = r.Strategies.Single(x => x.StrategyId == "ac");
        Assert.Null(twap.Summary.VsTwap);
        double expected = ac.Episodes.Zip(twap.Episodes, (a, t) => a.ShortfallBps - t.ShortfallBps).Average();
        Assert.Equal(expected, ac.Summary.VsTwap!.MeanBps, 9);
        Assert.True(ac.Summary.VsTwap.CiLowBps < ac.Summary.VsTwap.MeanBps && ac.Summary.VsTwap.MeanBps < ac.Summary.VsTwap.CiHighBps);
    }

    [Fact]
    public void Cost_components_add_up_to_the_shortfall()
    {
        var s = ScenarioPresets.Demo() with
        {
            Episodes = 300,
            Costs = new CostSpec { FeeBps = 1, FeePerShare = 0.001, SlippageNoiseBps = 2 },
            Market = RegimePresets.Apply(ScenarioPresets.Demo().Market, RegimePresets.Volatile),
        };
        foreach (var strategy in BacktestRunner.Run(s).Strategies)
        {
            foreach (var e in strategy.Episodes)
            {
                double sum = e.SpreadAndFeesBps + e.TemporaryImpactBps + e.PermanentImpactBps + e.TimingBps;
                Assert.Equal(e.ShortfallBps, sum, 9);
            }
        }
    }

    [Fact]
    public void Summary_statistics_match_the_episode_costs()
    {
        var r = BacktestRunner.Run(ScenarioPresets.Demo() with { Episodes = 1000 });
        var twap = r.Strategies.Single(x => x.StrategyId == "twap");
        var costs = twap.Episodes.Select(e => e.ShortfallBps).OrderBy(x => x).ToArray();
        Assert.Equal(costs.Average(), twap.Summary.MeanBps, 9);
        Assert.Equal(costs.Skip(950).Average(), twap.Summary.Cvar95Bps, 9);
        Assert.Equal(costs[499] + 0.5 * (costs[500] - costs[499]), twap.Summary.P50Bps, 9);
        Assert.Equal(-twap.Summary.MeanBps / twap.Summary.StdBps, twap.Summary.CostSharpe!.Value, 12);
        Assert.Equal(1.0, twap.Summary.Completion, 12);
    }

    [Fact]
    public void Progress_reaches_the_episode_count()
    {
        int last = 0;
        var progress = new SyncProgress(v => last = Math.Max(last, v));
        BacktestRunner.Run(ScenarioPresets.Demo() with { Episodes = 2000 }, null, progress);
        Assert.Equal(2000, last);
    }

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        private readonly object _gate = new();

        public void Report(int value)
        {
            lock (_gate) report(value);
        }
    }
}

public class StatisticsTests
{
    [Fact]
    public void Selection_based_percentiles_and_cvar_equal_the_sorted_definitions()
    {
        var rng = new Portal.Domain.Simulation.RandomStream(3, 0);
        foreach (int n in new[] { 1, 2, 3, 10, 101, 1000, 4097 })
        {
            var x = new double[n];
            for (int i = 0; i < n; i++) x[i] = i % 7 == 0 ? 1.0 : rng.NextNormal();
            var sorted = x.OrderBy(v => v).ToArray();
            foreach (double p in new[] { 0.0, 0.05, 0.5, 0.95, 1.0 })
                Assert.Equal(Statistics.PercentileSorted(sorted, p), Statistics.Percentile(x.ToArray(), p));
            Assert.Equal(Statistics.CvarSorted(sorted), Statistics.Cvar(x.ToArray()), 12);
        }
    }

    [Fact]
    public void Pre_cancelled_run_throws_operation_cancelled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => BacktestRunner.Run(ScenarioPresets.Demo(), null, null, cts.Token));
    }
}
