using Portal.Agents.Dqn;
using Portal.Agents.Ppo;
using Portal.Agents.QLearning;
using Portal.Agents.Sac;
using Portal.Agents.Training;

namespace Portal.Agents.Tests;

/// <summary>Bad hyperparameters fail at construction with a message naming the field.</summary>
public sealed class HyperparameterTests
{
    public static TheoryData<string, Func<object>> BadRecords => new()
    {
        { "LearningRate", () => new PpoHyperparameters(learningRate: -1e-3) },
        { "LearningRate", () => new DqnHyperparameters(learningRate: 0) },
        { "LearningRate", () => new SacHyperparameters(learningRate: double.NaN) },
        { "LearningRate", () => new QLearningHyperparameters(learningRate: -0.1) },
        { "BatchSize", () => new DqnHyperparameters(batchSize: 1_000, bufferCapacity: 500) },
        { "BatchSize", () => new SacHyperparameters(batchSize: 4_096, bufferCapacity: 1_000) },
        { "Gamma", () => new PpoHyperparameters(gamma: 1.01) },
        { "Gamma", () => new DqnHyperparameters(gamma: -0.5) },
        { "Gamma", () => new SacHyperparameters(gamma: 2) },
        { "Gamma", () => new QLearningHyperparameters(gamma: -1e-9) },
        { "GaeLambda", () => new PpoHyperparameters(gaeLambda: 1.5) },
        { "EpisodesPerPath", () => new PpoHyperparameters(parallelEpisodes: 64, episodesPerPath: 5) },
        { "LearningStarts", () => new DqnHyperparameters(batchSize: 128, learningStarts: 10) },
        { "EpsilonEnd", () => new DqnHyperparameters(epsilonStart: 0.1, epsilonEnd: 0.5) },
        { "Polyak", () => new SacHyperparameters(polyak: 0) },
    };

    [Theory]
    [MemberData(nameof(BadRecords))]
    public void Invalid_value_fails_at_construction_naming_the_field(string field, Func<object> create)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(create);
        Assert.Equal(field, ex.ParamName);
        Assert.Contains(field, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_are_valid_and_records_compare_by_value()
    {
        Assert.Equal(new PpoHyperparameters(), new PpoHyperparameters());
        Assert.NotEqual(new PpoHyperparameters(), new PpoHyperparameters(clipRange: 0.1));
        Assert.Equal(new DqnHyperparameters(), new DqnHyperparameters());
        Assert.Equal(new SacHyperparameters(), new SacHyperparameters());
        Assert.Equal(new QLearningHyperparameters(), new QLearningHyperparameters());
    }

    [Fact]
    public void Train_request_rejects_unknown_algorithm_and_mismatched_hyperparameters()
    {
        var ok = new TrainRequest { Algorithm = "ppo", Market = MarketSource.For(TestMarkets.Desk()) };
        Assert.Equal("Algorithm", Assert.ThrowsAny<ArgumentException>(() => (ok with { Algorithm = "a2c" }).Validated()).ParamName);
        Assert.Equal("Hyperparameters", Assert.ThrowsAny<ArgumentException>(() => (ok with { Hyperparameters = new DqnHyperparameters() }).Validated()).ParamName);
        Assert.Equal("Seeds", Assert.ThrowsAny<ArgumentException>(() => (ok with { Seeds = [1, 1] }).Validated()).ParamName);
    }

    [Fact]
    public void Train_command_reports_bad_arguments_with_exit_code_2()
    {
        var output = new StringWriter();
        Assert.Equal(2, Portal.Agents.Cli.TrainCommand.Run(["train", "--agent", "ppo"], output));
        Assert.Contains("--scenario is required", output.ToString(), StringComparison.Ordinal);
    }
}

/// <summary>The train verb runs end to end: one artifact per seed and a summary covering every seed.</summary>
[Collection(TorchCollection.Name)]
public sealed class TrainCommandTests
{
    [Fact]
    public void Train_verb_writes_an_artifact_per_seed_and_a_summary_of_all_seeds()
    {
        string dir = Path.Combine(Path.GetTempPath(), "train-verb-" + Guid.NewGuid().ToString("N"));
        string scenario = Path.Combine(dir, "ac.json");
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllText(scenario, System.Text.Json.JsonSerializer.Serialize(TestMarkets.Desk(), AgentArtifact.JsonOptions));
            var output = new StringWriter();
            int code = Portal.Agents.Cli.TrainCommand.Run(
                ["train", "--agent", "qlearning", "--scenario", scenario, "--seeds", "2", "--first-seed", "7", "--steps", "20000", "--eval-episodes", "500", "--out", Path.Combine(dir, "out")],
                output);
            Assert.True(code == 0, output.ToString());
            Assert.Contains("all 2 seeds", output.ToString(), StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(dir, "out", "summary.json")));
            foreach (long seed in new long[] { 7, 8 })
            {
                var artifact = AgentArtifact.Load(Path.Combine(dir, "out", $"qlearning-seed-{seed}"));
                Assert.Equal(seed, artifact.Seed);
                Assert.Equal("qlearning", artifact.Algorithm);
                Assert.Equal(TestMarkets.Desk(), artifact.Market.AlmgrenChriss);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
