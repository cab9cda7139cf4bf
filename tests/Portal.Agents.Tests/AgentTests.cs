using Portal.Agents.Common;
using Portal.Agents.Dqn;
using Portal.Agents.Environment;
using Portal.Agents.Ppo;
using Portal.Agents.QLearning;
using Portal.Agents.Sac;
using Portal.Agents.Training;
using TorchSharp;

namespace Portal.Agents.Tests;

/// <summary>Every agent learns from random initialisation, is reproducible, survives a save/load, and respects the mask.</summary>
[Collection(TorchCollection.Name)]
public sealed class AgentTests
{
    private const int EvalEpisodes = 2000;

    public static TheoryData<string> Algorithms => ["qlearning", "dqn", "ppo", "sac"];

    private static TrainRequest SmokeRequest(string algorithm, long steps) => new()
    {
        Algorithm = algorithm,
        Market = MarketSource.For(TestMarkets.Desk()),
        Seeds = [3],
        EnvironmentSteps = steps,
        EvaluationEpisodes = EvalEpisodes,
        Hyperparameters = algorithm switch
        {
            "dqn" => new DqnHyperparameters(parallelEpisodes: 16, batchSize: 64, bufferCapacity: 5_000, learningStarts: 256, gradientStepsPerStep: 1, targetUpdateInterval: 50, explorationFraction: 0.5),
            "sac" => new SacHyperparameters(parallelEpisodes: 16, batchSize: 64, bufferCapacity: 5_000, learningStarts: 256, gradientStepsPerStep: 1),
            "ppo" => new PpoHyperparameters(parallelEpisodes: 64),
            _ => new QLearningHyperparameters(),
        },
    };

    private static long SmokeSteps(string algorithm) => algorithm switch
    {
        "qlearning" => 200_000,
        "ppo" => 30_000,
        "sac" => 20_000,
        _ => 4_000,
    };

    private static IExecutionAgent Untrained(string algorithm, TrainRequest request)
    {
        torch.manual_seed(3);
        return algorithm switch
        {
            "ppo" => PpoAgent.Create((PpoHyperparameters)request.Hyperparameters!),
            "dqn" => DqnAgent.Create((DqnHyperparameters)request.Hyperparameters!),
            "sac" => SacAgent.Create((SacHyperparameters)request.Hyperparameters!),
            _ => QLearningAgent.Create((QLearningHyperparameters)request.Hyperparameters!, request.Market.Steps - 1),
        };
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Short_training_lowers_the_cost_measurably_from_random_initialisation(string algorithm)
    {
        var request = SmokeRequest(algorithm, SmokeSteps(algorithm));
        var (trained, artifact) = AgentTrainer.TrainOne(request, seed: 3);
        using (trained)
        using (var untrained = Untrained(algorithm, request))
        {
            var before = PolicyEvaluation.RunAgent(untrained, request.Market, artifact.Normalizer, EvalEpisodes, 5);
            var after = PolicyEvaluation.RunAgent(trained, request.Market, artifact.Normalizer, EvalEpisodes, 5);
            var gain = PairedStatistic.Of(before.ObjectiveBps, after.ObjectiveBps);
            Assert.True(gain.CiLowBps > 0.5, $"{algorithm}: cost fell by {gain.MeanBps:F3} bps [{gain.CiLowBps:F3}, {gain.CiHighBps:F3}] (untrained {before.ObjectiveBps.Average():F2}, trained {after.ObjectiveBps.Average():F2})");
            Assert.NotEmpty(artifact.LearningCurve);
            Assert.True(artifact.EnvironmentSteps >= request.EnvironmentSteps);
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Same_seed_gives_identical_weights_and_actions(string algorithm)
    {
        var request = SmokeRequest(algorithm, algorithm == "qlearning" ? 20_000 : 1_500);
        var (a, artifactA) = AgentTrainer.TrainOne(request, seed: 9);
        var (b, artifactB) = AgentTrainer.TrainOne(request, seed: 9);
        using (a)
        using (b)
        {
            Assert.Equal(artifactA.Weights, artifactB.Weights);
            Assert.Equal(artifactA.Normalizer.Mean, artifactB.Normalizer.Mean);
            Assert.Equal(ActionsOnFixedStates(a, artifactA), ActionsOnFixedStates(b, artifactB));
        }

        var (c, artifactC) = AgentTrainer.TrainOne(request, seed: 10);
        using (c)
        {
            Assert.NotEqual(artifactA.Weights, artifactC.Weights);
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Saved_agent_reloads_from_archive_and_directory_and_chooses_identical_actions(string algorithm)
    {
        var request = SmokeRequest(algorithm, algorithm == "qlearning" ? 20_000 : 1_500);
        var (agent, artifact) = AgentTrainer.TrainOne(request, seed: 4);
        using (agent)
        {
            var expected = ActionsOnFixedStates(agent, artifact);
            using var archive = new MemoryStream();
            artifact.Save(archive);
            archive.Position = 0;
            var fromArchive = AgentArtifact.Load(archive);

            string dir = Path.Combine(Path.GetTempPath(), "agent-artifact-" + Guid.NewGuid().ToString("N"));
            try
            {
                artifact.Save(dir);
                var fromDirectory = AgentArtifact.Load(dir);
                foreach (var loaded in new[] { fromArchive, fromDirectory })
                {
                    Assert.Equal(artifact.Algorithm, loaded.Algorithm);
                    Assert.Equal(artifact.Market, loaded.Market);
                    Assert.Equal(artifact.Seed, loaded.Seed);
                    Assert.Equal(artifact.CodeVersion, loaded.CodeVersion);
                    Assert.Equal(artifact.TrainingTime, loaded.TrainingTime);
                    Assert.Equal(artifact.Normalizer.Mean, loaded.Normalizer.Mean);
                    Assert.Equal(artifact.Normalizer.Std, loaded.Normalizer.Std);
                    Assert.Equal(artifact.LearningCurve, loaded.LearningCurve);
                    Assert.Equal(System.Text.Json.JsonSerializer.Serialize(artifact.Hyperparameters), System.Text.Json.JsonSerializer.Serialize(loaded.Hyperparameters));
                    using var reloaded = loaded.CreateAgent();
                    Assert.Equal(request.Hyperparameters, reloaded.Hyperparameters);
                    Assert.Equal(expected, ActionsOnFixedStates(reloaded, loaded));
                }
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Sampled_actions_never_trade_against_the_side_above_the_cap_or_beyond_the_remainder(string algorithm)
    {
        // Cap at 2% of step volume: about a quarter of the uniform rate, so the mask binds at every step but the last.
        var market = TestMarkets.Desk() with { MaxParticipation = 0.02 };
        var request = SmokeRequest(algorithm, 10) with { Market = MarketSource.For(market) };
        using var agent = Untrained(algorithm, request);
        var normalizer = AgentTrainer.FitNormalizer(MarketSource.For(market), 1);
        var m = new AlmgrenChrissMarket(market, 64);
        var env = new ExecutionEnvironment(m, normalizer);
        var fractions = new double[64];
        var random = new Random(1);
        double capShares = market.MaxParticipation!.Value * market.StepVolume;
        for (int round = 0; round < 5; round++)
        {
            env.Reset(round);
            while (!env.Done)
            {
                int stepsLeft = market.Steps - env.DecisionIndex;
                bool lastDecision = env.DecisionIndex == env.Decisions - 1;
                var remainingBefore = Enumerable.Range(0, 64).Select(m.RemainingShares).ToArray();
                Sample(agent, env, random, stepsLeft, fractions);
                for (int i = 0; i < 64; i++)
                {
                    Assert.InRange(fractions[i], 0, env.MaxFraction[i] + 1e-12);
                    Assert.True(env.MaxFraction[i] < 1, "the cap should bind in this set-up");
                }

                env.Step(fractions);
                for (int i = 0; i < 64; i++)
                {
                    double traded = remainingBefore[i] - m.RemainingShares(i);
                    Assert.True(traded >= 0, "never trades against the side");
                    Assert.True(m.RemainingShares(i) >= 0, "never trades beyond the remainder");
                    if (!lastDecision)
                    {
                        Assert.True(traded <= capShares + 1e-6, $"traded {traded} above the cap {capShares}");
                    }
                }
            }

            for (int i = 0; i < 64; i++)
            {
                Assert.Equal(0, m.RemainingShares(i));
            }
        }
    }

    [Fact]
    public void Environment_clamps_garbage_fractions_to_legal_trades()
    {
        var market = TestMarkets.Desk() with { MaxParticipation = 0.05 };
        var m = new AlmgrenChrissMarket(market, 4);
        var cost = new double[4];
        var penalty = new double[4];
        m.Reset(1);
        double capShares = 0.05 * market.StepVolume;
        for (int step = 0; step < market.Steps; step++)
        {
            var before = Enumerable.Range(0, 4).Select(m.RemainingShares).ToArray();
            m.Step([double.NaN, -3, 7, double.PositiveInfinity], cost, penalty);
            for (int i = 0; i < 4; i++)
            {
                double traded = m.LastTradedFraction[i] * market.Quantity;
                Assert.True(traded >= 0);
                Assert.True(traded <= before[i] + 1e-9);
                if (!m.LastStepWasForced)
                {
                    Assert.True(traded <= capShares + 1e-9);
                }
            }
        }

        Assert.Equal(0, m.RemainingShares(2));
    }

    private static void Sample(IExecutionAgent agent, ExecutionEnvironment env, Random random, int stepsLeft, double[] fractions)
    {
        switch (agent)
        {
            case PpoAgent ppo:
                ppo.Sample(env.Observations, env.MaxFraction, fractions);
                break;
            case SacAgent sac:
                sac.Sample(env.Observations, env.MaxFraction, fractions);
                break;
            default:
                // Discrete agents: exploration picks a random legal action, exploitation the masked greedy one.
                agent.Act(env.Observations, env.MaxFraction, env.DecisionIndex, env.Market.Steps, fractions);
                for (int i = 0; i < fractions.Length; i++)
                {
                    Assert.InRange(fractions[i], 0, env.MaxFraction[i] + 1e-12);
                    fractions[i] = DiscreteActions.Fraction(DqnAgent.RandomLegal(random, stepsLeft, env.MaxFraction[i]), stepsLeft);
                }

                break;
        }
    }

    private static double[] ActionsOnFixedStates(IExecutionAgent agent, AgentArtifact artifact)
    {
        var env = new ExecutionEnvironment(artifact.Market.CreateMarket(32, MarketPurpose.Evaluation), artifact.Normalizer);
        env.Reset(-42);
        var all = new List<double>();
        var fractions = new double[32];
        var twap = new double[32];
        while (!env.Done)
        {
            agent.Act(env.Observations, env.MaxFraction, env.DecisionIndex, env.Market.Steps, fractions);
            all.AddRange(fractions);
            Array.Fill(twap, 1.0 / (env.Market.Steps - env.DecisionIndex));
            env.Step(twap);
        }

        return all.ToArray();
    }
}

/// <summary>Tests that seed torch's process-wide generator run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "torch";
}
