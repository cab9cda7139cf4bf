using Portal.Agents.Common;
using Portal.Agents.Environment;
using Portal.Agents.Offline;
using Portal.Agents.Training;

namespace Portal.Agents.Bcq;

/// <summary>Registers <see cref="BcqAgent"/> as the <c>bcq</c> algorithm (offline: learns from a logged dataset).</summary>
public sealed class BcqAlgorithm : OfflineAgentAlgorithm<BcqHyperparameters>
{
    /// <inheritdoc />
    public override string Id => "bcq";

    /// <inheritdoc />
    public override string Name => "BCQ";

    /// <inheritdoc />
    public override string Description => "Offline batch-constrained Q-learning (Fujimoto, Meger & Precup, 2019): a VAE behaviour model, a perturbation network and clipped double Q, learned from logged executions.";

    /// <inheritdoc />
    public override int Order => 40;

    /// <inheritdoc />
    protected override BcqHyperparameters Defaults => new();

    /// <inheritdoc />
    protected override IExecutionAgent TrainOffline(OfflineDataset data, ObservationNormalizer normalizer, BcqHyperparameters hyperparameters, TrainingSession session) =>
        BcqAgent.Train(data, normalizer, hyperparameters, session);

    /// <inheritdoc />
    protected override IExecutionAgent LoadAgent(BcqHyperparameters hyperparameters, Stream weights) => BcqAgent.Load(hyperparameters, weights);
}
