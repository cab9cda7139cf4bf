using Portal.Agents.Cli;
using Portal.Agents.Environment;
using Portal.Agents.Ppo;
using Portal.Agents.Training;
using Portal.Domain.Backtesting;
using Portal.Domain.MarketData;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;
using Portal.Testing;

namespace Portal.Agents.Tests;

/// <summary>Agents train on a replayed recording (training segment), are evaluated on its test segment, and run in the replay backtest.</summary>
[Collection(TorchCollection.Name)]
public sealed class ReplayTrainingTests
{
    private static TrainRequest Smoke(MarketSource market, long steps = 3_000) => new()
    {
        Algorithm = "ppo",
        Market = market,
        Seeds = [1],
        EnvironmentSteps = steps,
        EvaluationEpisodes = 200,
        EvaluationSeed = 4,
        Hyperparameters = new PpoHyperparameters(parallelEpisodes: 32),
    };

    [Fact]
    public void Ppo_trains_on_the_amzn_replay_and_costs_the_same_in_the_replay_backtest_as_in_its_environment()
    {
        var scenario = TestMarkets.AmznReplay();
        var set = AgentTrainer.Train(Smoke(MarketSource.For(scenario, TestMarkets.Amzn, riskAversion: 0)));
        var trained = Assert.Single(set.Agents);
        var e = trained.Evaluation;
        Assert.True(double.IsFinite(e.MeanShortfallBps) && double.IsFinite(e.StdShortfallBps) && e.StdShortfallBps > 0);
        Assert.True(double.IsFinite(e.VsTwap.MeanBps) && double.IsFinite(e.VsTwap.CiLowBps) && double.IsFinite(e.VsTwap.CiHighBps));
        Assert.Null(e.OptimumName);
        Assert.NotEmpty(trained.Artifact.LearningCurve);
        Assert.All(trained.Artifact.LearningCurve, p => Assert.True(double.IsFinite(p.MeanShortfallBps)));
        Assert.All(trained.Artifact.Normalizer.Std, s => Assert.True(double.IsFinite(s)));
        Assert.True(trained.Artifact.Normalizer.Std[ExecutionObservation.IndexOf(nameof(ExecutionObservation.BookImbalance))] > 0.05,
            "the normaliser should have seen the imbalance vary");

        // The stored artifact names the recording but does not carry it.
        using var archive = new MemoryStream();
        trained.Artifact.Save(archive);
        archive.Position = 0;
        var loaded = AgentArtifact.Load(archive);
        Assert.Equal(TestMarkets.Amzn.ContentHash, loaded.Market.DatasetContentHash);
        Assert.Equal(scenario.Replay!.DatasetId, loaded.Market.Scenario!.Replay!.DatasetId);
        Assert.Null(loaded.Market.Dataset);
        Assert.Throws<InvalidOperationException>(() => loaded.Market.CreateMarket(4, MarketPurpose.Evaluation));

        // In the replay backtest of the test segment, beside TWAP, episode i costs what the environment charges for window i.
        using var strategy = new AgentStrategy(loaded);
        var options = scenario.Replay.Options;
        var backtest = ReplayRunner.Run(scenario, TestMarkets.Amzn, options, new BacktestOptions { ExtraStrategies = [strategy] });
        var inBacktest = backtest.Strategies.Single(s => s.StrategyId == strategy.Id);
        Assert.NotNull(inBacktest.Summary.VsTwap);

        using var agent = loaded.CreateAgent();
        var market = new ReplayMarket(scenario, TestMarkets.Amzn, options, 48, riskAversion: 0);
        var env = new ExecutionEnvironment(market, loaded.Normalizer);
        env.Reset(7);
        var fractions = new double[48];
        while (!env.Done)
        {
            agent.Act(env.Observations, env.MaxFraction, env.DecisionIndex, market.Steps, fractions);
            env.Step(fractions);
        }

        // The network runs in float32 on batches of different sizes, so decisions agree to about 1e-7, not bit for bit.
        for (int i = 0; i < 48; i++)
        {
            Assert.Equal(inBacktest.Episodes[market.WindowIndex(i)].ShortfallBps, env.EpisodeShortfallBps[i], 5);
        }
    }

    [Fact]
    public void Training_is_bit_identical_whatever_the_test_segment_holds_while_evaluation_sees_it()
    {
        var original = TestMarkets.Amzn;
        var scenario = TestMarkets.AmznReplay();
        long split = ReplayRunner.SplitTime(original, scenario.Replay!.Options);
        var altered = ShiftPricesFrom(original, split, factor: 1.05);
        var a = MarketSource.For(scenario, original, riskAversion: 0);
        var b = MarketSource.For(scenario, altered, riskAversion: 0);

        var (agentA, artifactA) = AgentTrainer.TrainOne(Smoke(a, 1_500), seed: 6);
        var (agentB, artifactB) = AgentTrainer.TrainOne(Smoke(b, 1_500), seed: 6);
        agentA.Dispose();
        agentB.Dispose();
        Assert.Equal(artifactA.Normalizer.Mean, artifactB.Normalizer.Mean);
        Assert.Equal(artifactA.Normalizer.Std, artifactB.Normalizer.Std);
        Assert.Equal(artifactA.Weights, artifactB.Weights);
        Assert.Equal(artifactA.LearningCurve.Select(p => p.MeanShortfallBps), artifactB.LearningCurve.Select(p => p.MeanShortfallBps));

        // Not a vacuous comparison: the evaluation does replay the altered part, and its costs change.
        var twap = Enumerable.Range(0, scenario.Order.Steps + 1).Select(k => 1.0 - (double)k / scenario.Order.Steps).ToArray();
        var onA = PolicyEvaluation.RunSchedule(twap, a, 100, 1);
        var onB = PolicyEvaluation.RunSchedule(twap, b, 100, 1);
        Assert.NotEqual(onA.ShortfallBps, onB.ShortfallBps);
    }

    [Fact]
    public void Train_verb_replays_the_lobster_files_given_with_dataset()
    {
        var dir = Directory.CreateTempSubdirectory("replay-train-");
        try
        {
            var scenarioFile = Path.Combine(dir.FullName, "scenario.json");
            File.WriteAllText(scenarioFile, ScenarioJson.Serialize(TestMarkets.AmznReplay()));
            var hyperFile = Path.Combine(dir.FullName, "ppo.json");
            File.WriteAllText(hyperFile, """{ "parallelEpisodes": 16, "episodesPerPath": 4 }""");
            var files = SharedData.File(SharedData.AmznMessage5) + "," + SharedData.File(SharedData.AmznOrderbook5);
            var output = new StringWriter();

            int missing = TrainCommand.Run(["train", "--agent", "ppo", "--scenario", scenarioFile, "--out", dir.FullName], output);
            Assert.Equal(2, missing);
            Assert.Contains("give its files with --dataset", output.ToString());

            output = new StringWriter();
            int code = TrainCommand.Run(
                ["train", "--agent", "ppo", "--scenario", scenarioFile, "--dataset", files, "--out", Path.Combine(dir.FullName, "out"),
                 "--seeds", "1", "--steps", "400", "--eval-episodes", "20", "--hyper", hyperFile], output);
            Assert.True(code == 0, output.ToString());
            var summary = File.ReadAllText(Path.Combine(dir.FullName, "out", "summary.json"));
            Assert.Contains(TestMarkets.Amzn.ContentHash, summary);
            Assert.True(File.Exists(Path.Combine(dir.FullName, "out", "ppo-seed-1", AgentArtifact.WeightsFile)));
            Assert.Contains("no known optimum", output.ToString());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>The same recording with every price at or after <paramref name="from"/> scaled by <paramref name="factor"/>.</summary>
    private static MarketDataset ShiftPricesFrom(MarketDataset source, long from, double factor)
    {
        var book = source.Book;
        int levels = book.Levels;
        var ask = book.AskPrices.ToArray();
        var bid = book.BidPrices.ToArray();
        for (int row = 0; row < book.Count; row++)
        {
            if (book.Times[row] < from)
            {
                continue;
            }

            for (int l = 0; l < levels; l++)
            {
                ask[row * levels + l] *= factor;
                bid[row * levels + l] *= factor;
            }
        }

        var tradePrices = source.Trades.Prices.ToArray();
        for (int i = 0; i < tradePrices.Length; i++)
        {
            if (source.Trades.Times[i] >= from)
            {
                tradePrices[i] *= factor;
            }
        }

        return new MarketDataset(source.Format, source.Instrument,
            new BookSeries(levels, book.Times.ToArray(), ask, book.AskSizes.ToArray(), bid, book.BidSizes.ToArray()),
            new TradeSeries(source.Trades.Times.ToArray(), tradePrices, source.Trades.Sizes.ToArray(), source.Trades.Sides.ToArray()),
            source.Halts, source.ContentHash + "-shifted", source.SourceFiles);
    }
}
