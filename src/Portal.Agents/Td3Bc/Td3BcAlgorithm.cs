using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Agents.Common;
using Portal.Agents.Environment;
using Portal.Agents.Offline;
using Portal.Agents.Training;

namespace Portal.Agents.Td3Bc;

/// <summary>Registers <see cref="Td3BcAgent"/> as the <c>td3bc</c> algorithm (offline: learns from a logged dataset).</summary>
public sealed class Td3BcAlgorithm : OfflineAgentAlgorithm<Td3BcHyperparameters>
{
    /// <inheritdoc />
    public override string Id => "td3bc";

    /// <inheritdoc />
    public override string Name => "TD3+BC";

    /// <inheritdoc />
    public override string Description => "Offline TD3 with a behaviour-cloning term, α = 2.5 and state normalisation (Fujimoto & Gu, 2021), learned from logged executions.";

    /// <inheritdoc />
    public override int Order => 50;

    /// <inheritdoc />
    protected override Td3BcHyperparameters Defaults => new();

    /// <inheritdoc />
    protected override IExecutionAgent TrainOffline(OfflineDataset data, ObservationNormalizer normalizer, Td3BcHyperparameters hyperparameters, TrainingSession session) =>
        Td3BcAgent.Train(data, normalizer, hyperparameters, session);

    /// <summary>Agents stored before <see cref="Td3BcHyperparameters.ActionScale"/> existed were trained on the
    /// <c>fraction</c> scale: a record without the field is read as such, not as today's default.</summary>
    protected internal override Td3BcHyperparameters ReadStoredHyperparameters(JsonElement hyperparameters)
    {
        if (hyperparameters.ValueKind == JsonValueKind.Object && !hyperparameters.EnumerateObject().Any(p => string.Equals(p.Name, "actionScale", StringComparison.OrdinalIgnoreCase)))
        {
            var record = JsonNode.Parse(hyperparameters.GetRawText())!.AsObject();
            record["actionScale"] = OfflineActionScale.Fraction;
            return record.Deserialize<Td3BcHyperparameters>(AgentArtifact.JsonOptions)!;
        }

        return base.ReadStoredHyperparameters(hyperparameters);
    }

    /// <inheritdoc />
    protected override IExecutionAgent LoadAgent(Td3BcHyperparameters hyperparameters, Stream weights) => Td3BcAgent.Load(hyperparameters, weights);
}
