using Portal.Agents.Bcq;
using Portal.Agents.Common;
using Portal.Agents.Environment;
using Portal.Agents.Offline;
using Portal.Agents.Td3Bc;
using Portal.Agents.Training;
using TorchSharp;

namespace Portal.Agents.Tests;

/// <summary>
/// BCQ and TD3+BC on small logged datasets: BCQ stays within the data's support, and both improve on a noisy behaviour
/// policy toward the known optimum (paired on the same evaluation paths, several seeds). Small networks, few updates.
/// </summary>
public sealed class OfflineAgentTests
{
    private static object SmallHyperparameters(string algorithm) => algorithm switch
    {
        "bcq" => new BcqHyperparameters(batchSize: 64, hiddenUnits: 32, selectionSamples: 20),
        // With 1,500 updates the critic's cost-to-go still lags and the paper's α = 2.5 follows it towards trading less
        // (docs/offline-rl.md); a small α keeps TD3+BC near its data, where its cloning term averages the behaviour's noise away.
        "td3bc" => new Td3BcHyperparameters(learningRate: 1e-3, batchSize: 64, hiddenUnits: 32, alpha: 0.02),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    [Fact]
    public void Bcq_trades_only_actions_near_the_logged_ones_where_the_optimum_lies_far_outside_them()
    {
        // Risk-averse world: the closed form front-loads (first child ≈ 0.3 of the order) while the data is TWAP's 1/8.
        var p = OfflineDatasetTests.World(sigma: 2, riskAversion: 2e-4);
        var market = MarketSource.For(p);
        var optimalFirst = AlmgrenChrissSolution.FractionsOfRemaining(AlmgrenChrissSolution.OptimalHoldings(p))[0];
        Assert.True(optimalFirst - 1.0 / 8 > 0.1, $"the optimum's first child {optimalFirst:F3} should lie far from TWAP's");
        var data = OfflineLogger.Log(market, "twap", episodes: 100, seed: 7);
        torch.manual_seed(7);
        var normalizer = AgentTrainer.FitNormalizer(market, 7);
        var session = new TrainingSession(7, 1_500);

        using var agent = BcqAgent.Train(data, normalizer, (BcqHyperparameters)SmallHyperparameters("bcq"), session);

        int f = ExecutionEnvironment.FeatureCount;
        var states = new float[data.Count * f];
        for (int i = 0; i < data.Count; i++) normalizer.Normalize(data.Observations.AsSpan(i * f, f), states.AsSpan(i * f, f));
        var actions = agent.ActionsInUnitRange(states, data.Count);
        var gaps = actions.Select((a, i) => Math.Abs(a - data.Actions[i])).ToArray();
        Assert.True(gaps.Average() < 0.04, $"mean distance to the logged action {gaps.Average():F4}");
        Assert.True(gaps.Max() < 0.1, $"largest distance to the logged action {gaps.Max():F4}");
        Assert.Equal(session.TotalEnvironmentSteps, session.EnvironmentSteps);  // --steps counts gradient updates
    }

    [Theory]
    [InlineData("bcq")]
    [InlineData("td3bc")]
    public void An_offline_learner_beats_its_noisy_behaviour_toward_the_optimum_on_every_seed(string algorithm)
    {
        // Risk-neutral world: TWAP is the optimum; noisy TWAP pays for its scatter (convex temporary impact).
        var market = MarketSource.For(OfflineDatasetTests.World(sigma: 0.5));
        var request = new TrainRequest
        {
            Algorithm = algorithm,
            Market = market,
            Seeds = [1, 2, 3],
            EnvironmentSteps = 1_500,
            EvaluationEpisodes = 500,
            Hyperparameters = SmallHyperparameters(algorithm),
            Offline = new OfflineDataRequest { Behaviour = "noisy-twap", LoggedEpisodes = 200 },
        };

        var set = AgentTrainer.Train(request);

        Assert.All(set.Agents, a =>
        {
            var e = a.Evaluation;
            Assert.Equal("noisy-twap", e.Behaviour);
            Assert.NotNull(e.VsBehaviour);
            Assert.True(e.VsBehaviour!.CiHighBps < 0, $"seed {a.Artifact.Seed}: agent − behaviour {e.VsBehaviour.MeanBps:F2} [{e.VsBehaviour.CiLowBps:F2}, {e.VsBehaviour.CiHighBps:F2}] bps");
            // Toward the optimum, never past it beyond Monte Carlo error.
            Assert.True(e.RegretVsOptimum!.MeanBps < e.BehaviourObjectiveBps - e.OptimumObjectiveOnPathsBps);
            Assert.True(e.RegretVsOptimum.CiHighBps > 0);
            Assert.Equal(200, a.Artifact.OfflineData!.Episodes);
            Assert.Equal(a.Artifact.Seed, a.Artifact.OfflineData.Seed);
        });
        Assert.NotNull(set.Summary.VsBehaviourAcrossSeeds);
        Assert.True(set.Summary.VsBehaviourAcrossSeeds!.CiHighBps < 0);

        // The stored artifact acts exactly like the trained policy on the same evaluation paths.
        var first = set.Agents[0];
        using var restored = first.Artifact.CreateAgent();
        var rerun = PolicyEvaluation.RunAgent(restored, market, first.Artifact.Normalizer, request.EvaluationEpisodes, first.Evaluation.EvaluationKey);
        Assert.Equal(first.Evaluation.MeanObjectiveBps, rerun.ObjectiveBps.Average(), 9);
    }

    [Fact]
    public void Hyperparameters_outside_their_range_are_refused_naming_the_field()
    {
        Assert.Equal("Perturbation", Assert.Throws<ArgumentOutOfRangeException>(() => new BcqHyperparameters(perturbation: -0.1)).ParamName);
        Assert.Equal("Lambda", Assert.Throws<ArgumentOutOfRangeException>(() => new BcqHyperparameters(lambda: 1.5)).ParamName);
        Assert.Equal("PolicyDelay", Assert.Throws<ArgumentOutOfRangeException>(() => new Td3BcHyperparameters(policyDelay: 0)).ParamName);
        Assert.Equal("Alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new Td3BcHyperparameters(alpha: -1)).ParamName);
        var defaults = (new BcqHyperparameters(), new Td3BcHyperparameters());
        Assert.Equal((0.05, 0.75, 10), (defaults.Item1.Perturbation, defaults.Item1.Lambda, defaults.Item1.SampledActions));
        Assert.Equal((2.5, 0.2, 0.5, 2), (defaults.Item2.Alpha, defaults.Item2.PolicyNoise, defaults.Item2.NoiseClip, defaults.Item2.PolicyDelay));
    }

    [Fact]
    public void Online_learners_refuse_the_offline_options_and_offline_ones_read_them()
    {
        var online = Assert.Throws<ArgumentException>(() => Portal.Agents.Cli.TrainCommand.ReadOffline(new Dictionary<string, string> { ["behaviour"] = "twap" }, "ppo"));
        Assert.Contains("offline learners", online.Message, StringComparison.Ordinal);

        var defaults = Portal.Agents.Cli.TrainCommand.ReadOffline(new Dictionary<string, string>(), "bcq")!;
        var given = Portal.Agents.Cli.TrainCommand.ReadOffline(new Dictionary<string, string> { ["behaviour"] = "agent:/tmp/a.zip", ["logged-episodes"] = "50" }, "td3bc")!;

        Assert.Equal(("noisy-twap", 1_000), (defaults.Behaviour, defaults.LoggedEpisodes));
        Assert.Equal(("agent:/tmp/a.zip", 50), (given.Behaviour, given.LoggedEpisodes));
        Assert.Throws<ArgumentOutOfRangeException>(() => Portal.Agents.Cli.TrainCommand.ReadOffline(new Dictionary<string, string> { ["behaviour"] = "vwap" }, "bcq"));
    }
}
