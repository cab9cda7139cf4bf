using Portal.Agents.Common;
using Portal.Agents.Environment;
using Portal.Agents.Training;

namespace Portal.Agents.Ppo;

/// <summary>Registers <see cref="PpoAgent"/> as the <c>ppo</c> algorithm.</summary>
public sealed class PpoAlgorithm : AgentAlgorithm<PpoHyperparameters>
{
    /// <inheritdoc />
    public override string Id => "ppo";

    /// <inheritdoc />
    public override string Name => "PPO";

    /// <inheritdoc />
    public override string Description => "Proximal policy optimisation with a clipped surrogate and GAE (Schulman et al., 2017) over a continuous trade fraction.";

    /// <inheritdoc />
    public override int Order => 20;

    /// <inheritdoc />
    protected override PpoHyperparameters Defaults => new();

    /// <inheritdoc />
    protected override int ParallelEpisodes(PpoHyperparameters hyperparameters) => hyperparameters.ParallelEpisodes;

    /// <inheritdoc />
    protected override IExecutionAgent TrainAgent(ExecutionEnvironment environment, PpoHyperparameters hyperparameters, TrainingSession session) =>
        PpoAgent.Train(environment, hyperparameters, session);

    /// <inheritdoc />
    protected override IExecutionAgent LoadAgent(PpoHyperparameters hyperparameters, Stream weights) => PpoAgent.Load(hyperparameters, weights);
}
