using System.Text.Json;
using Portal.Agents.QLearning;
using Portal.Agents.Training;
using Portal.Domain.Agents;

namespace Portal.Agents.Tests;

/// <summary>
/// Requested hyperparameters become an algorithm's record through the one check the portal and the command line share
/// (<see cref="HyperparameterValidator"/> on the record's schema).
/// </summary>
public sealed class HyperparameterRequestTests
{
    public static TheoryData<string> Algorithms => [.. AgentAlgorithms.Ids];

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Every_algorithms_effective_defaults_read_back_into_its_record_field_for_field(string id)
    {
        var algorithm = AgentAlgorithms.Get(id);
        var effective = HyperparameterValidator.Require(algorithm.Info, null);

        var record = algorithm.CreateHyperparameters(null);

        Assert.IsType(algorithm.HyperparameterType, record);
        var written = JsonSerializer.SerializeToElement(record, algorithm.HyperparameterType, AgentArtifact.JsonOptions);
        foreach (var (name, value) in effective.Values)
        {
            Assert.True(written.TryGetProperty(name, out var field), $"{id}.{name} is not a property of its record");
            Assert.Equal(EffectiveHyperparameters.Format(value), field.ValueKind switch
            {
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.String => field.GetString(),
                _ => EffectiveHyperparameters.Format(field.GetDouble()),
            });
        }
    }

    [Fact]
    public void A_qlearning_request_with_limit_orders_builds_the_order_type_record()
    {
        var record = (QLearningHyperparameters)AgentAlgorithms.Get("qlearning").CreateHyperparameters(
            HyperparameterValidator.FromJson("""{ "limitOrders": true, "learningRate": 0.2 }"""));

        Assert.True(record.LimitOrders);
        Assert.Equal(0.2, record.LearningRate);
        Assert.Equal(new QLearningHyperparameters().RemainingBuckets, record.RemainingBuckets);
    }

    [Fact]
    public void The_train_verb_refuses_a_hyper_file_with_an_unknown_name_or_a_value_out_of_range_naming_it()
    {
        string dir = Path.Combine(Path.GetTempPath(), "train-hyper-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string scenario = Path.Combine(dir, "ac.json");
            File.WriteAllText(scenario, JsonSerializer.Serialize(TestMarkets.Desk(), AgentArtifact.JsonOptions));
            string unknown = Path.Combine(dir, "unknown.json");
            File.WriteAllText(unknown, """{ "learningRate": 0.1, "clipRange": 0.2 }""");
            string outOfRange = Path.Combine(dir, "range.json");
            File.WriteAllText(outOfRange, """{ "learningRate": -1 }""");

            var output = new StringWriter();
            int first = Portal.Agents.Cli.TrainCommand.Run(["train", "--agent", "qlearning", "--scenario", scenario, "--hyper", unknown, "--out", Path.Combine(dir, "a")], output);
            int second = Portal.Agents.Cli.TrainCommand.Run(["train", "--agent", "qlearning", "--scenario", scenario, "--hyper", outOfRange, "--out", Path.Combine(dir, "b")], output);

            Assert.Equal(2, first);
            Assert.Equal(2, second);
            Assert.Contains("hyperparameters.clipRange: unknown for qlearning; known: parallelEpisodes,", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("hyperparameters.learningRate: is -1, allowed range (0, 1]", output.ToString(), StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(dir, "a")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
