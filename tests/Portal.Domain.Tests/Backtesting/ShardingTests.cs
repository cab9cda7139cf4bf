using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Strategies;

namespace Portal.Domain.Tests.Backtesting;

public class ShardingTests
{
    private static Scenario Panic(int episodes) => ScenarioPresets.Demo() with
    {
        Episodes = episodes,
        Market = RegimePresets.Apply(ScenarioPresets.Demo().Market, RegimePresets.Panic),
        Strategies = ["twap", "ac", "pov", "vwap"],
    };

    private static void AssertIdentical(BacktestResult expected, BacktestResult actual, Scenario scenario)
    {
        Assert.Equal(BacktestReport.ToJson(expected, scenario), BacktestReport.ToJson(actual, scenario));
        Assert.Equal(expected.Warnings, actual.Warnings);
        Assert.Equal(expected.Strategies.Count, actual.Strategies.Count);
        for (int i = 0; i < expected.Strategies.Count; i++)
        {
            var (e, a) = (expected.Strategies[i], actual.Strategies[i]);
            Assert.Equal(e.StrategyId, a.StrategyId);
            Assert.Equal(e.DisplayName, a.DisplayName);
            Assert.Equal(e.Summary, a.Summary);
            Assert.Equal(e.Episodes, a.Episodes);
            Assert.Equal(e.MeanInventoryFraction, a.MeanInventoryFraction);
            Assert.Equal(e.InventoryP5Fraction, a.InventoryP5Fraction);
            Assert.Equal(e.InventoryP95Fraction, a.InventoryP95Fraction);
            Assert.Equal(e.MeanParticipation, a.MeanParticipation);
            Assert.Equal(e.CapBreaches, a.CapBreaches);
            Assert.Equal(BitConverter.DoubleToInt64Bits(e.MaxParticipation), BitConverter.DoubleToInt64Bits(a.MaxParticipation));
            Assert.Equal(BitConverter.DoubleToInt64Bits(e.MeanForcedFraction), BitConverter.DoubleToInt64Bits(a.MeanForcedFraction));
            Assert.Equal(BitConverter.DoubleToInt64Bits(e.MeanOpportunityCostBps), BitConverter.DoubleToInt64Bits(a.MeanOpportunityCostBps));
            Assert.Equal(e.Orders, a.Orders);
            Assert.Equal(e.Orders.Intervals, a.Orders.Intervals);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void Limit_order_metrics_and_their_intervals_merge_bit_identically(int shards)
    {
        var scenario = ScenarioPresets.Demo() with { Episodes = 2600, Strategies = ["twap", "twap-passive", "vwap-passive", "pegged"] };
        var single = BacktestRunner.Run(scenario);
        var plan = BacktestPlan.Create(scenario);
        var parts = BacktestPlan.ShardRangesByCount(scenario.Episodes, shards).Reverse()
            .Select(r => BacktestPartial.FromBytes(BacktestRunner.RunEpisodes(plan, r.First, r.Count, new BacktestOptions { MaxDegreeOfParallelism = 1 }).ToBytes()))
            .ToList();
        var merged = BacktestRunner.Merge(plan, parts);
        AssertIdentical(single, merged, scenario);
        var passive = merged.Strategies.Single(s => s.StrategyId == "twap-passive").Orders.Intervals!;
        Assert.Equal(2600, passive.IndependentUnits);
        Assert.True(passive.PassiveShare!.High > passive.PassiveShare.Low);
        Assert.Equal(BitConverter.DoubleToInt64Bits(single.Strategies.Single(s => s.StrategyId == "twap-passive").Orders.Intervals!.MarkoutBps!.Low),
            BitConverter.DoubleToInt64Bits(passive.MarkoutBps!.Low));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Merged_shards_are_bit_identical_to_one_process(int shards)
    {
        var scenario = Panic(3400);
        var single = BacktestRunner.Run(scenario);
        var plan = BacktestPlan.Create(scenario);
        var ranges = BacktestPlan.ShardRangesByCount(scenario.Episodes, shards);
        Assert.Equal(shards, ranges.Count);
        // Shards finish in any order and on any worker: run them last first, one thread each, through their stored form.
        var parts = ranges.Reverse()
            .Select(r => BacktestPartial.FromBytes(BacktestRunner.RunEpisodes(plan, r.First, r.Count, new BacktestOptions { MaxDegreeOfParallelism = 1 }).ToBytes()))
            .ToList();
        AssertIdentical(single, BacktestRunner.Merge(plan, parts), scenario);
    }

    [Fact]
    public void A_large_run_sampling_inventory_percentiles_with_a_stride_merges_identically()
    {
        // 40,960 episodes: percentiles sample every second episode, so the stride crosses shard boundaries.
        var scenario = ScenarioPresets.Demo() with { Episodes = 40_960, Strategies = ["twap", "pov"] };
        var single = BacktestRunner.Run(scenario, new BacktestOptions { KeepEpisodes = false });
        var plan = BacktestPlan.Create(scenario, new BacktestOptions { KeepEpisodes = false });
        var parts = BacktestPlan.ShardRanges(scenario.Episodes, 7_000)
            .Select(r => BacktestRunner.RunEpisodes(plan, r.First, r.Count, new BacktestOptions { KeepEpisodes = false }))
            .ToList();
        Assert.Equal(6, parts.Count);
        AssertIdentical(single, BacktestRunner.Merge(plan, parts), scenario);
    }

    [Fact]
    public void A_best_static_schedule_searched_once_and_handed_to_every_shard_keeps_its_place_and_result()
    {
        var scenario = Panic(1200) with { Strategies = ["ac"] };
        var searched = (ScheduleStrategy)StrategyCatalog.Create(StrategyId.BestStatic, scenario);
        // As stored between workers: its holdings and warnings, rebuilt into a schedule.
        var stored = new ScheduleStrategy(searched.Id, searched.DisplayName, searched.HoldingsFraction) { Warnings = searched.Warnings };
        var options = new BacktestOptions { ExtraStrategies = [stored] };
        var single = BacktestRunner.Run(scenario);
        var plan = BacktestPlan.Create(scenario, options);
        Assert.Equal(["ac", "twap", "random", "best-static"], plan.Strategies.Take(plan.VisibleCount).Select(s => s.Id));
        Assert.Same(stored, plan.Strategies.Single(s => s.Id == "best-static"));
        var parts = BacktestPlan.ShardRanges(scenario.Episodes, 512).Select(r => BacktestRunner.RunEpisodes(plan, r.First, r.Count, options)).ToList();
        AssertIdentical(single, BacktestRunner.Merge(plan, parts), scenario);
    }

    [Fact]
    public void A_shard_run_twice_gives_the_same_bytes()
    {
        var scenario = Panic(1100);
        var plan = BacktestPlan.Create(scenario);
        var a = BacktestRunner.RunEpisodes(plan, 512, 512).ToBytes();
        var b = BacktestRunner.RunEpisodes(plan, 512, 512, new BacktestOptions { MaxDegreeOfParallelism = 1 }).ToBytes();
        Assert.Equal(a, b);
    }

    [Fact]
    public void Shards_must_cover_every_episode_once_and_start_on_a_batch()
    {
        var scenario = Panic(1100);
        var plan = BacktestPlan.Create(scenario);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => BacktestRunner.RunEpisodes(plan, 100, 50));
        Assert.Equal("first", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => BacktestRunner.RunEpisodes(plan, 1024, 100));
        var first = BacktestRunner.RunEpisodes(plan, 0, 512);
        var last = BacktestRunner.RunEpisodes(plan, 1024, 76);
        Assert.Contains("episode 512 is missing", Assert.Throws<ArgumentException>(() => BacktestRunner.Merge(plan, [first, last])).Message);
        Assert.Contains("covered twice", Assert.Throws<ArgumentException>(() => BacktestRunner.Merge(plan, [first, first])).Message);
    }

    [Theory]
    [InlineData(10_000, 4096, new[] { 4096, 4096, 1808 })]
    [InlineData(3000, 4096, new[] { 3000 })]
    [InlineData(1500, 600, new[] { 1024, 476 })]
    [InlineData(100, 10, new[] { 100 })]
    public void Shard_ranges_are_whole_batches_that_tile_the_run(int episodes, int perShard, int[] counts)
    {
        var ranges = BacktestPlan.ShardRanges(episodes, perShard);
        Assert.Equal(counts, ranges.Select(r => r.Count));
        Assert.Equal(episodes, ranges.Sum(r => r.Count));
        for (int i = 1; i < ranges.Count; i++) Assert.Equal(ranges[i - 1].First + ranges[i - 1].Count, ranges[i].First);
        Assert.All(ranges, r => Assert.Equal(0, r.First % Math.Min(BacktestRunner.BlockSize, episodes)));
    }

    [Fact]
    public void A_shard_count_splits_the_batches_evenly()
    {
        Assert.Equal([(0, 1536), (1536, 1024), (2560, 840)], BacktestPlan.ShardRangesByCount(3400, 3));
        Assert.Equal(7, BacktestPlan.ShardRangesByCount(3400, 9).Count);
    }

    [Fact]
    public void A_stored_shard_that_is_not_one_is_refused()
    {
        Assert.Throws<InvalidDataException>(() => BacktestPartial.FromBytes(new byte[] { 1, 2, 3, 4, 5 }));
    }
}
