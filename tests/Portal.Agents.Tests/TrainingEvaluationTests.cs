using Portal.Agents.Common;
using Portal.Agents.QLearning;
using Portal.Agents.Training;
using Portal.Domain.Scenarios;

namespace Portal.Agents.Tests;

/// <summary>
/// The <c>train</c> evaluation: every seed on paths of its own, TWAP, the best static schedule and the optimum on the
/// same paths, and an across-seed summary with a t interval over seeds.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class TrainingEvaluationTests
{
    [Fact]
    public void Across_seeds_is_the_mean_with_a_student_t_interval_over_seeds()
    {
        var a = AcrossSeeds.Of([1.0, 2.0, 3.0, 4.0, 5.0]);

        // sd = √2.5, t(0.975, 4) = 2.776445, half-width = 2.776445·√2.5/√5 = 1.963243.
        Assert.Equal(3.0, a.MeanBps, 12);
        Assert.Equal(Math.Sqrt(2.5), a.StdBps!.Value, 12);
        Assert.Equal(3.0 - 1.963243, a.CiLowBps!.Value, 5);
        Assert.Equal(3.0 + 1.963243, a.CiHighBps!.Value, 5);
        Assert.Equal(5, a.Seeds);
        Assert.Equal("seed", a.UnitKind);

        var one = AcrossSeeds.Of([2.5]);
        Assert.Equal(2.5, one.MeanBps);
        Assert.Null(one.CiLowBps);
        Assert.Null(one.CiHighBps);
        Assert.Throws<ArgumentOutOfRangeException>(() => AcrossSeeds.Of([]));
    }

    [Fact]
    public void In_the_almgren_chriss_world_each_seed_has_its_own_paths_and_best_static_is_the_closed_form_on_them()
    {
        var request = new TrainRequest
        {
            Algorithm = "qlearning",
            Market = MarketSource.For(TestMarkets.Desk(3e-6, steps: 6)),
            Seeds = [1, 2, 3],
            EnvironmentSteps = 6_000,
            EvaluationEpisodes = 2_000,
            EvaluationSeed = 4,
            Hyperparameters = new QLearningHyperparameters(),
        };
        var set = AgentTrainer.Train(request);

        Assert.NotNull(set.BestStatic);
        Assert.Equal(3, set.Agents.Select(a => a.Evaluation.EvaluationKey).Distinct().Count());
        Assert.Equal(3, set.Agents.Select(a => a.Evaluation.TwapObjectiveBps).Distinct().Count());
        foreach (var agent in set.Agents)
        {
            var e = agent.Evaluation;
            Assert.Equal(TrainingSession.EvaluationKey(4, agent.Artifact.Seed), e.EvaluationKey);

            // Best static is the Almgren–Chriss optimum here, run on the same paths: the two differences are one.
            Assert.NotNull(e.VsBestStatic);
            Assert.Equal(e.RegretVsOptimum!.MeanBps, e.VsBestStatic!.MeanBps, 10);
            Assert.Equal(e.OptimumObjectiveOnPathsBps!.Value, e.BestStaticObjectiveBps!.Value, 10);
            Assert.Equal(e.MeanObjectiveBps - e.TwapObjectiveBps, e.VsTwap.MeanBps, 8);
            Assert.Equal(2_000, e.VsTwap.IndependentUnits);

            // Speed figures: the agent's greedy decisions and the environment under TWAP on the same episodes.
            Assert.True(e.DecisionsPerSecond is > 0 and < double.PositiveInfinity, $"decisions/s {e.DecisionsPerSecond}");
            Assert.True(e.EnvironmentStepsPerSecond is > 0 and < double.PositiveInfinity, $"environment steps/s {e.EnvironmentStepsPerSecond}");
            Assert.True(e.TrainingCpuSeconds > 0, $"training cpu-s {e.TrainingCpuSeconds}");
        }

        var s = set.Summary;
        Assert.Equal(set.Agents.Average(a => a.Evaluation.DecisionsPerSecond), s.MeanDecisionsPerSecond, 9);
        Assert.Equal(set.Agents.Average(a => a.Evaluation.EnvironmentStepsPerSecond), s.MeanEnvironmentStepsPerSecond, 9);
        Assert.Equal(set.Agents.Average(a => a.Evaluation.TrainingCpuSeconds), s.MeanTrainingCpuSeconds, 12);
        Assert.Equal(set.Agents.Average(a => a.Evaluation.VsTwap.MeanBps), s.VsTwapAcrossSeeds!.MeanBps, 12);
        Assert.Equal(s.MeanVsTwapBps, s.VsTwapAcrossSeeds.MeanBps, 12);
        Assert.Equal(3, s.RegretAcrossSeeds!.Seeds);
        Assert.NotNull(s.VsBestStaticAcrossSeeds);
        Assert.Equal(
            set.Agents.Where(a => a.Evaluation.RegretVsOptimum!.CiHighBps < 0).Select(a => a.Artifact.Seed),
            s.SeedsBeatingOptimum!);
    }

    [Fact]
    public void On_a_scenario_without_a_known_optimum_the_best_static_schedule_is_searched_and_compared()
    {
        var demo = ScenarioPresets.Demo();
        var scenario = demo with
        {
            Order = demo.Order with { Steps = 4 },
            Market = demo.Market with { Impact = new TransientImpactSpec() },
        };
        var market = MarketSource.For(scenario, riskAversion: 0);
        Assert.Null(market.Optimum());

        var best = AgentTrainer.BestStatic(market);
        Assert.NotNull(best);
        Assert.Equal(5, best.HoldingsFraction.Length);
        Assert.Equal(1.0, best.HoldingsFraction[0]);
        Assert.Equal(0.0, best.HoldingsFraction[^1]);

        var set = AgentTrainer.Train(new TrainRequest
        {
            Algorithm = "qlearning",
            Market = market,
            Seeds = [1, 2],
            EnvironmentSteps = 2_000,
            EvaluationEpisodes = 500,
            Hyperparameters = new QLearningHyperparameters(),
        });
        Assert.All(set.Agents, a =>
        {
            Assert.Null(a.Evaluation.RegretVsOptimum);
            Assert.NotNull(a.Evaluation.VsBestStatic);
            Assert.Equal(a.Evaluation.MeanObjectiveBps - a.Evaluation.BestStaticObjectiveBps!.Value, a.Evaluation.VsBestStatic!.MeanBps, 8);
        });
        Assert.Null(set.Summary.RegretAcrossSeeds);
        Assert.Null(set.Summary.SeedsBeatingOptimum);
        Assert.Equal(2, set.Summary.VsBestStaticAcrossSeeds!.Seeds);
    }

    [Fact]
    public void The_optimum_is_the_one_of_the_objective_the_market_trains_on_not_of_the_scenario_settings()
    {
        // The block-book world's scenario keeps λ = 1e-6 in its strategy settings; training with λ = 0 must compare with
        // the risk-neutral optimum, whose expected cost is lower than the mean-variance schedule's.
        var scenario = ScenarioJson.Parse(File.ReadAllText(Path.Combine(Portal.Testing.RepositoryPaths.Root, "experiments", "scenarios", "ow-block-book.json")));
        Assert.True(scenario.StrategySettings.RiskAversion > 0);
        var neutral = MarketSource.For(scenario, riskAversion: 0).Optimum();
        var expected = Portal.Domain.Backtesting.KnownOptimum.For(scenario with { StrategySettings = scenario.StrategySettings with { RiskAversion = 0 } });
        Assert.NotNull(neutral);
        Assert.NotNull(expected);
        Assert.Equal(expected.Value.Name, neutral.Value.Name);
        Assert.Equal(expected.Value.HoldingsFraction, neutral.Value.Holdings);
        double notional = scenario.Quantity * scenario.Market.ArrivalPrice;
        Assert.Equal(expected.Value.ExpectedCost / notional * 1e4, neutral.Value.ClosedFormObjectiveBps!.Value, 9);

        var averse = MarketSource.For(scenario).Optimum();
        Assert.NotNull(averse);
        Assert.NotEqual(neutral.Value.Name, averse.Value.Name);
        Assert.Null(averse.Value.ClosedFormObjectiveBps);
    }
}
