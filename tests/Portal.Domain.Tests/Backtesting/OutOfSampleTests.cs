using Portal.Domain.Backtesting;
using Portal.Domain.MarketData;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;
using Portal.Domain.Tests.MarketData;

namespace Portal.Domain.Tests.Backtesting;

/// <summary>The out-of-sample rule: an agent is never scored on recorded time or simulated streams it trained on.</summary>
public class OutOfSampleTests
{
    // 100 minutes of book, one snapshot every 10 s (09:30:00–11:10:00 on the synthetic day).
    private static readonly Lazy<MarketDataset> Day = new(() => new SyntheticLobster { Seconds = 6000, SnapshotSeconds = 10 }.Read());

    private static Scenario Replayed(int episodes = 50) => new()
    {
        Name = "oos",
        Order = new OrderSpec { Side = Side.Sell, SizePctAdv = 1e-3, HorizonMinutes = 5, Steps = 5 },
        Market = new MarketSpec(),
        Episodes = episodes,
        Strategies = ["twap"],
    };

    private static TrainingExposure TrainedOnReplay(double trainFraction) => new()
    {
        Sources = [OutOfSample.ReplayTraining(Replayed(), Day.Value, new ReplayOptions { TrainFraction = trainFraction, Segment = ReplaySegment.Train })],
    };

    private static EvaluationData TestSegment(double trainFraction) =>
        OutOfSample.Replay(Replayed(), Day.Value, new ReplayOptions { TrainFraction = trainFraction, Segment = ReplaySegment.Test });

    [Fact]
    public void Training_share_0_9_scored_on_a_0_7_test_segment_is_refused_naming_the_overlap()
    {
        var summary = Day.Value.Summary;
        long span = summary.EndTimeNs - summary.StartTimeNs;
        long split07 = summary.StartTimeNs + (long)Math.Round(0.7 * span), split09 = summary.StartTimeNs + (long)Math.Round(0.9 * span);

        var check = OutOfSample.Check("agent:x", TrainedOnReplay(0.9), TestSegment(0.7));

        Assert.Equal(SampleVerdict.InSample, check.Verdict);
        // Training windows end at the 0.9 split and the test windows start at the 0.7 split: they share [0.7, 0.9) of the day.
        var overlap = new TimeRangeNs(split07, split09);
        Assert.Contains("overlapping " + overlap, check.Reason);
        Assert.Equal(70 * 60_000_000_000L, split07 - summary.StartTimeNs);
        Assert.Contains("10:40:00–11:00:00 UTC", check.Reason);
        var e = Assert.Throws<InSampleEvaluationException>(() => OutOfSample.ThrowIfInSample([check]));
        Assert.Contains("agent:x", e.Message);
    }

    [Theory]
    [InlineData(0.7, 0.7)]
    [InlineData(0.5, 0.7)]
    [InlineData(0.7, 0.9)]
    public void Training_that_ends_at_or_before_the_test_split_is_out_of_sample(double trainShare, double testShare)
    {
        var check = OutOfSample.Check("agent:x", TrainedOnReplay(trainShare), TestSegment(testShare));
        Assert.Equal(SampleVerdict.OutOfSample, check.Verdict);
        Assert.Null(check.Reason);
    }

    [Fact]
    public void Another_recording_of_the_same_times_is_out_of_sample()
    {
        var other = new SyntheticLobster { Seconds = 6000, SnapshotSeconds = 10, Seed = 2 }.Read();
        Assert.NotEqual(Day.Value.ContentHash, other.ContentHash);
        var data = OutOfSample.Replay(Replayed(), other, new ReplayOptions { TrainFraction = 0.7, Segment = ReplaySegment.Test });
        Assert.Equal(SampleVerdict.OutOfSample, OutOfSample.Check("agent:x", TrainedOnReplay(0.9), data).Verdict);
    }

    [Fact]
    public void The_whole_dataset_overlaps_any_training_on_it()
    {
        var all = OutOfSample.Replay(Replayed(), Day.Value, new ReplayOptions { Segment = ReplaySegment.All });
        Assert.Equal(SampleVerdict.InSample, OutOfSample.Check("agent:x", TrainedOnReplay(0.2), all).Verdict);
    }

    [Fact]
    public void A_stored_summary_gives_the_range_the_windows_cover()
    {
        var options = new ReplayOptions { TrainFraction = 0.7, Segment = ReplaySegment.Test };
        var s = Day.Value.Summary;
        var exact = OutOfSample.Replay(Replayed(), Day.Value, options);
        var fromSummary = OutOfSample.Replay(Replayed(), Day.Value.ContentHash, s.StartTimeNs, s.EndTimeNs, options);
        Assert.Equal(exact.Range, fromSummary.Range);
        Assert.Equal(s.EndTimeNs, exact.Range!.EndNs);
    }

    [Fact]
    public void Training_ranges_are_the_union_of_the_training_windows()
    {
        var source = OutOfSample.ReplayTraining(Replayed(), Day.Value, new ReplayOptions { TrainFraction = 0.5, Segment = ReplaySegment.Train });
        var s = Day.Value.Summary;
        var range = Assert.Single(source.Ranges);
        Assert.Equal(Day.Value.Book.Times[0], range.StartNs);
        Assert.Equal(s.StartTimeNs + (long)Math.Round(0.5 * (s.EndTimeNs - s.StartTimeNs)), range.EndNs);

        // Two windows far apart stay two ranges.
        var sparse = OutOfSample.ReplayTraining(Replayed(2), Day.Value, new ReplayOptions { TrainFraction = 0.5, Segment = ReplaySegment.Train });
        Assert.Equal(2, sparse.Ranges.Count);
        Assert.All(sparse.Ranges, r => Assert.Equal(5 * 60_000_000_000L, r.EndNs - r.StartNs));
    }

    [Fact]
    public void Union_merges_overlapping_and_touching_ranges_only()
    {
        var union = TimeRangeNs.Union([new(10, 20), new(0, 5), new(5, 8), new(15, 30), new(40, 50)]);
        Assert.Equal([new TimeRangeNs(0, 8), new TimeRangeNs(10, 30), new TimeRangeNs(40, 50)], union);
        Assert.Null(new TimeRangeNs(0, 10).Intersect(new TimeRangeNs(10, 20)));
        Assert.Equal(new TimeRangeNs(5, 10), new TimeRangeNs(0, 10).Intersect(new TimeRangeNs(5, 20)));
    }

    private static Scenario Simulated(long seed = 1) => ScenarioPresets.Demo() with { Seed = seed };

    /// <summary>Untagged training seeding: training seed 0's batch b drew the streams of seed b, the paths of a backtest with seed b.</summary>
    private static TrainingExposure LegacySimulated(long batches) => new()
    {
        Sources =
        [
            OutOfSample.SimulatedTraining(Simulated(), [new SeedStreamRange { Purpose = "training", Seed = 0, BatchCount = batches, FirstPathSeed = 0 }]),
        ],
    };

    [Fact]
    public void A_backtest_seed_that_a_training_batch_drew_is_refused_on_the_same_world()
    {
        var check = OutOfSample.Check("agent:x", LegacySimulated(100), OutOfSample.Simulated(Simulated(42)));
        Assert.Equal(SampleVerdict.InSample, check.Verdict);
        Assert.Contains("seed 42", check.Reason);
        Assert.Contains("batch 42 of training seed 0", check.Reason);
        Assert.Contains("seeds 0–99", check.Reason);

        Assert.Equal(SampleVerdict.OutOfSample, OutOfSample.Check("agent:x", LegacySimulated(100), OutOfSample.Simulated(Simulated(100))).Verdict);
        Assert.Equal(SampleVerdict.OutOfSample, OutOfSample.Check("agent:x", LegacySimulated(100), OutOfSample.Simulated(Simulated(-1))).Verdict);
    }

    [Fact]
    public void Another_world_or_a_tagged_stream_never_replays_backtest_paths()
    {
        var calmer = Simulated(42) with { Market = Simulated().Market with { DailyVolatility = Simulated().Market.DailyVolatility / 2 } };
        Assert.Equal(SampleVerdict.OutOfSample, OutOfSample.Check("agent:x", LegacySimulated(100), OutOfSample.Simulated(calmer)).Verdict);

        var tagged = new TrainingExposure
        {
            Sources = [OutOfSample.SimulatedTraining(Simulated(), [new SeedStreamRange { Purpose = "training", Seed = 0, Tag = 0x7472, BatchCount = 1000 }])],
        };
        Assert.Equal(SampleVerdict.OutOfSample, OutOfSample.Check("agent:x", tagged, OutOfSample.Simulated(Simulated(42))).Verdict);

        // A replay-trained agent scored on a simulated world, and a simulated one on a replay, are out-of-sample.
        Assert.Equal(SampleVerdict.OutOfSample, OutOfSample.Check("agent:x", TrainedOnReplay(0.9), OutOfSample.Simulated(Simulated(42))).Verdict);
        Assert.Equal(SampleVerdict.OutOfSample, OutOfSample.Check("agent:x", LegacySimulated(100), TestSegment(0.7)).Verdict);
    }

    [Fact]
    public void World_hash_ignores_what_does_not_shape_the_paths()
    {
        var a = Simulated(1);
        var b = a with { Name = "other", Seed = 7, Episodes = 3, Strategies = ["twap"], StrategySettings = a.StrategySettings with { RiskAversion = 1e-6 } };
        Assert.Equal(OutOfSample.WorldHash(a), OutOfSample.WorldHash(b));
        Assert.NotEqual(OutOfSample.WorldHash(a), OutOfSample.WorldHash(a with { Order = a.Order with { Steps = a.Order.Steps + 1 } }));
    }

    [Fact]
    public void An_agent_without_a_record_is_unknown_and_not_refused()
    {
        var check = OutOfSample.Check("agent:old", null, TestSegment(0.7));
        Assert.Equal(SampleVerdict.Unknown, check.Verdict);
        Assert.Contains("no record", check.Reason);
        OutOfSample.ThrowIfInSample([check]);
    }

    [Fact]
    public void Exposure_round_trips_through_its_stored_json()
    {
        var exposure = new TrainingExposure { Sources = [.. TrainedOnReplay(0.9).Sources, .. LegacySimulated(10).Sources] };
        var back = TrainingExposure.FromJson(exposure.ToJson())!;
        Assert.Equal(exposure.ToJson(), back.ToJson());
        Assert.Equal(SampleVerdict.InSample, OutOfSample.Check("a", back, TestSegment(0.7)).Verdict);
        Assert.Null(TrainingExposure.FromJson(null));
        Assert.Null(TrainingExposure.FromJson(""));
    }
}
