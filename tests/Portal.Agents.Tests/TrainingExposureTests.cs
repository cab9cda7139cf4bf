using Portal.Agents.Common;
using Portal.Agents.Ppo;
using Portal.Agents.Training;
using Portal.Domain.Backtesting;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;

namespace Portal.Agents.Tests;

/// <summary>A trained agent's artifact records exactly what it saw, and the out-of-sample check reads it back.</summary>
[Collection(TorchCollection.Name)]
public sealed class TrainingExposureTests
{
    private static TrainRequest Smoke(MarketSource market, long seed) => new()
    {
        Algorithm = "ppo",
        Market = market,
        Seeds = [seed],
        EnvironmentSteps = 1_500,
        EvaluationEpisodes = 50,
        EvaluationSeed = 4,
        Hyperparameters = new PpoHyperparameters(parallelEpisodes: 16),
    };

    private static AgentArtifact RoundTrip(AgentArtifact artifact)
    {
        using var archive = new MemoryStream();
        artifact.Save(archive);
        archive.Position = 0;
        return AgentArtifact.Load(archive);
    }

    [Fact]
    public void A_replay_agent_records_its_dataset_and_training_range_and_is_refused_on_an_overlapping_test_segment()
    {
        var scenario = TestMarkets.AmznReplay();
        var trainedOn = scenario with { Replay = scenario.Replay! with { Options = scenario.Replay.Options with { TrainFraction = 0.9 } } };
        var (agent, artifact) = AgentTrainer.TrainOne(Smoke(MarketSource.For(trainedOn, TestMarkets.Amzn, riskAversion: 0), 1), 1);
        agent.Dispose();
        var loaded = RoundTrip(artifact);

        var source = Assert.Single(loaded.Exposure!.Sources);
        Assert.Equal("replay", source.Kind);
        Assert.Equal(TestMarkets.Amzn.ContentHash, source.DatasetContentHash);
        var range = Assert.Single(source.Ranges);
        Assert.Equal(ReplayRunner.SplitTime(TestMarkets.Amzn, new ReplayOptions { TrainFraction = 0.9 }), range.EndNs);
        Assert.Equal(TestMarkets.Amzn.Book.Times[0], range.StartNs);

        // Scored on the test segment of a 0.7 split: [0.7, 0.9) of the day was training data.
        var at07 = OutOfSample.Replay(scenario, TestMarkets.Amzn);
        var check = OutOfSample.Check("agent:ppo", loaded.Exposure, at07);
        Assert.Equal(SampleVerdict.InSample, check.Verdict);
        var overlap = new TimeRangeNs(ReplayRunner.SplitTime(TestMarkets.Amzn, new ReplayOptions { TrainFraction = 0.7 }), range.EndNs);
        Assert.Contains("overlapping " + overlap, check.Reason);

        // On the test segment of its own split it is out-of-sample.
        Assert.Equal(SampleVerdict.OutOfSample, OutOfSample.Check("agent:ppo", loaded.Exposure, OutOfSample.Replay(trainedOn, TestMarkets.Amzn)).Verdict);
    }

    [Fact]
    public void A_simulated_agent_records_the_world_and_the_seed_streams_it_drew()
    {
        var scenario = ScenarioPresets.Demo() with { Order = ScenarioPresets.Demo().Order with { Steps = 6 } };
        var (agent, artifact) = AgentTrainer.TrainOne(Smoke(MarketSource.For(scenario), 0), 0);
        agent.Dispose();
        var loaded = RoundTrip(artifact);

        var source = Assert.Single(loaded.Exposure!.Sources);
        Assert.Equal(OutOfSample.WorldHash(scenario), source.WorldHash);
        var training = source.SeedStreams.Single(s => s.Purpose == "training");
        // A batch is 16 episodes of at most 6 decisions each (an episode that has sold everything stops deciding).
        Assert.True(training.BatchCount * 16 * 6 >= artifact.EnvironmentSteps, $"{training.BatchCount} batches for {artifact.EnvironmentSteps} decisions");
        Assert.True(training.BatchCount < artifact.EnvironmentSteps / 16.0, "each batch takes at least one decision per episode");
        Assert.Equal(0, training.Seed);

        // Training and normaliser streams are tagged: no backtest seed replays them, so every backtest of this world is out-of-sample.
        var normaliser = source.SeedStreams.Single(s => s.Purpose == "normaliser");
        Assert.Equal(TrainingSession.TrainingStream, training.Tag);
        Assert.Equal(TrainingSession.NormalizerStream, normaliser.Tag);
        foreach (long seed in new long[] { 0, 1, 5, training.BatchCount - 1, training.BatchCount, TrainingSession.TrainingBatchSeed(0, 0) })
        {
            Assert.False(training.ContainsBacktestSeed(seed));
            Assert.Equal(SampleVerdict.OutOfSample, OutOfSample.Check("agent:ppo", loaded.Exposure, OutOfSample.Simulated(scenario with { Seed = seed })).Verdict);
        }
    }

    [Fact]
    public void An_artifact_written_before_exposures_were_recorded_loads_with_none()
    {
        var (agent, artifact) = AgentTrainer.TrainOne(Smoke(MarketSource.For(TestMarkets.Desk()), 2), 2);
        agent.Dispose();
        var old = RoundTrip(artifact with { Exposure = null });
        Assert.Null(old.Exposure);
        Assert.Equal(SampleVerdict.Unknown, OutOfSample.Check("agent:old", old.Exposure, OutOfSample.Simulated(ScenarioPresets.Demo())).Verdict);
    }
}
