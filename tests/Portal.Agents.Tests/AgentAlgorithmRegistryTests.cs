using Portal.Agents.Dqn;
using Portal.Agents.Ppo;
using Portal.Agents.Training;

namespace Portal.Agents.Tests;

/// <summary>Learning algorithms register themselves: training, reloading and the portal's lists read one registry.</summary>
public sealed class AgentAlgorithmRegistryTests
{
    [Fact]
    public void The_registry_holds_the_six_algorithms_the_smoke_tests_train_in_their_order()
    {
        // AgentTests.Algorithms trains each online learner, OfflineAgentTests each offline one.
        Assert.Equal(["qlearning", "dqn", "ppo", "sac", "bcq", "td3bc"], AgentAlgorithms.Ids);
        Assert.Equal(["bcq", "td3bc"], AgentAlgorithms.All.Where(a => a.IsOffline).Select(a => a.Id));
        Assert.Equal(AgentAlgorithms.Ids, AgentTrainer.Algorithms);
        Assert.Equal(AgentAlgorithms.All.Count, AgentAlgorithms.All.Select(a => a.Order).Distinct().Count());
    }

    [Fact]
    public void Each_registration_names_its_hyperparameter_record_and_its_defaults()
    {
        Assert.Equal(typeof(PpoHyperparameters), AgentTrainer.HyperparameterType("ppo"));
        Assert.Equal(typeof(DqnHyperparameters), AgentAlgorithms.Get("dqn").HyperparameterType);
        var ppo = AgentAlgorithms.Get("ppo").Info;
        Assert.Equal("PPO", ppo.Name);
        Assert.Equal(new Portal.Domain.Strategies.AgentHyperparameter("parallelEpisodes", "int", new PpoHyperparameters().ParallelEpisodes.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            Spec = PpoHyperparameters.Schema["parallelEpisodes"],
        }, ppo.Parameters[0]);
        Assert.Equal(("episodes", "[1, 100000]"), (ppo.Parameters[0].Unit, ppo.Parameters[0].Range));
        Assert.Contains(ppo.Parameters, p => p.Name == "annealLearningRate" && p.Type == "bool" && p.Default == "True");
        foreach (var algorithm in AgentAlgorithms.All)
        {
            var info = algorithm.Info;
            Assert.False(string.IsNullOrWhiteSpace(info.Description));
            Assert.NotEmpty(info.Parameters);
            Assert.All(info.Parameters, p => Assert.NotNull(algorithm.HyperparameterType.GetProperty(p.Name, System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.IgnoreCase)));
            Assert.Equal($"agent:{info.Id}-7", info.StrategyIdFor(7).Value);
        }
    }

    [Fact]
    public void An_unknown_algorithm_is_refused_with_the_registered_ones()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => AgentAlgorithms.Get("a2c"));
        Assert.Equal("id", ex.ParamName);
        Assert.Contains("qlearning, dqn, ppo, sac, bcq, td3bc", ex.Message, StringComparison.Ordinal);
    }
}
