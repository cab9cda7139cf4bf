using Portal.Agents.Common;
using Portal.Agents.Environment;
using Portal.Agents.Training;

namespace Portal.Agents.Sac;

/// <summary>Registers <see cref="SacAgent"/> as the <c>sac</c> algorithm.</summary>
public sealed class SacAlgorithm : AgentAlgorithm<SacHyperparameters>
{
    /// <inheritdoc />
    public override string Id => "sac";

    /// <inheritdoc />
    public override string Name => "SAC";

    /// <inheritdoc />
    public override string Description => "Soft actor-critic with twin critics and entropy tuning (Haarnoja et al., 2018) over a continuous trade fraction.";

    /// <inheritdoc />
    public override int Order => 30;

    /// <inheritdoc />
    protected override SacHyperparameters Defaults => new();

    /// <inheritdoc />
    protected override int ParallelEpisodes(SacHyperparameters hyperparameters) => hyperparameters.ParallelEpisodes;

    /// <inheritdoc />
    protected override IExecutionAgent TrainAgent(ExecutionEnvironment environment, SacHyperparameters hyperparameters, TrainingSession session) =>
        SacAgent.Train(environment, hyperparameters, session);

    /// <inheritdoc />
    protected override IExecutionAgent LoadAgent(SacHyperparameters hyperparameters, Stream weights) => SacAgent.Load(hyperparameters, weights);
}
