using Portal.Agents.Common;
using Portal.Agents.Environment;
using Portal.Agents.Training;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Agents.Tests;

/// <summary>
/// Training, normaliser and evaluation episodes draw from streams whose tags are hashed into every seed, so none of them
/// replays a backtest's paths or another stream's, whatever integer seeds are chosen.
/// </summary>
public sealed class SeedStreamTests
{
    private static Scenario Demo(long seed) => ScenarioPresets.Demo() with
    {
        Order = ScenarioPresets.Demo().Order with { Steps = 6 },
        Episodes = 64,
        Seed = seed,
        Strategies = ["twap"],
    };

    [Fact]
    public void A_training_batch_never_replays_the_paths_of_a_backtest_with_the_same_integer_seed()
    {
        // Before stream tags, training seed 0 gave batch 42 the seed 42: the paths of a backtest with seed 42.
        var scenario = Demo(42);
        var backtest = BacktestRunner.Run(scenario, new BacktestOptions { MaxDegreeOfParallelism = 1 }).Strategies.Single(s => s.StrategyId == "twap");
        var backtestCosts = backtest.Episodes.Select(e => e.ShortfallBps).ToArray();

        // The comparison can fail: the environment reset with the backtest's seed reproduces it episode by episode.
        var same = TwapShortfalls(scenario, scenario.Seed);
        for (int e = 0; e < scenario.Episodes; e++) Assert.Equal(backtestCosts[e], same[e], 6);

        foreach (long trainingSeed in new long[] { 0, 1, 42 })
        {
            var batch = TwapShortfalls(scenario, TrainingSession.TrainingBatchSeed(trainingSeed, 42));
            Assert.DoesNotContain(batch, c => backtestCosts.Any(b => Math.Abs(b - c) < 1e-9));
        }
    }

    [Fact]
    public void Training_normaliser_and_evaluation_seeds_are_disjoint_and_none_is_a_small_integer()
    {
        var training = new HashSet<long>();
        var others = new HashSet<long>();
        for (long seed = 0; seed < 20; seed++)
        {
            for (long batch = 0; batch < 200; batch++)
            {
                training.Add(TrainingSession.TrainingBatchSeed(seed, batch));
                others.Add(TrainingSession.EvaluationSeed(seed, batch));
                others.Add(TrainingSession.EvaluationSeed(TrainingSession.EvaluationKey(1, seed), batch));
            }

            others.Add(TrainingSession.NormalizerSeed(seed));
        }

        Assert.Equal(20 * 200, training.Count);
        Assert.Equal(20 * 200 * 2 + 20, others.Count);
        Assert.False(training.Overlaps(others));
        Assert.DoesNotContain(training.Concat(others), s => s is >= -1_000_000 and <= 1_000_000);
    }

    [Fact]
    public void Two_tags_give_different_streams_and_each_training_seed_has_its_own_evaluation_paths()
    {
        var scenario = Demo(7);
        var a = TwapShortfalls(scenario, RandomStream.TaggedSeed(7, TrainingSession.TrainingStream));
        var b = TwapShortfalls(scenario, RandomStream.TaggedSeed(7, TrainingSession.EvaluationStream));
        Assert.DoesNotContain(a, c => b.Any(d => Math.Abs(c - d) < 1e-9));

        var market = MarketSource.For(scenario, riskAversion: 0);
        double[] twap = [1, 5.0 / 6, 4.0 / 6, 3.0 / 6, 2.0 / 6, 1.0 / 6, 0];
        var seed1 = PolicyEvaluation.RunSchedule(twap, market, 64, TrainingSession.EvaluationKey(1, 1)).ShortfallBps;
        var seed2 = PolicyEvaluation.RunSchedule(twap, market, 64, TrainingSession.EvaluationKey(1, 2)).ShortfallBps;
        var seed1Again = PolicyEvaluation.RunSchedule(twap, market, 64, TrainingSession.EvaluationKey(1, 1)).ShortfallBps;
        Assert.Equal(seed1, seed1Again);
        Assert.DoesNotContain(seed1, c => seed2.Any(d => Math.Abs(c - d) < 1e-9));
    }

    [Fact]
    public void A_negative_training_seed_or_a_zero_tag_is_refused()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => TrainingSession.EvaluationKey(1, -1));
        Assert.Equal("trainingSeed", ex.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomStream.TaggedSeed(1, 0));
    }

    private static double[] TwapShortfalls(Scenario scenario, long resetSeed)
    {
        var market = new ScenarioMarket(scenario, scenario.Episodes, riskAversion: 0);
        var env = new ExecutionEnvironment(market, ObservationNormalizer.Identity);
        env.Reset(resetSeed);
        var fractions = new double[scenario.Episodes];
        while (!env.Done)
        {
            Array.Fill(fractions, 1.0 / (market.Steps - env.DecisionIndex));
            env.Step(fractions);
        }

        return env.EpisodeShortfallBps.ToArray();
    }
}
