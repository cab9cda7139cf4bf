using Portal.Agents.Common;
using Portal.Agents.Environment;
using Portal.Agents.Training;

namespace Portal.Agents.Dqn;

/// <summary>Registers <see cref="DqnAgent"/> as the <c>dqn</c> algorithm.</summary>
public sealed class DqnAlgorithm : AgentAlgorithm<DqnHyperparameters>
{
    /// <inheritdoc />
    public override string Id => "dqn";

    /// <inheritdoc />
    public override string Name => "DQN";

    /// <inheritdoc />
    public override string Description => "Deep Q-network with experience replay and a target network (Mnih et al., 2015) over discrete trade fractions.";

    /// <inheritdoc />
    public override int Order => 10;

    /// <inheritdoc />
    protected override DqnHyperparameters Defaults => new();

    /// <inheritdoc />
    protected override int ParallelEpisodes(DqnHyperparameters hyperparameters) => hyperparameters.ParallelEpisodes;

    /// <inheritdoc />
    protected override IExecutionAgent TrainAgent(ExecutionEnvironment environment, DqnHyperparameters hyperparameters, TrainingSession session) =>
        DqnAgent.Train(environment, hyperparameters, session);

    /// <inheritdoc />
    protected override IExecutionAgent LoadAgent(DqnHyperparameters hyperparameters, Stream weights) => DqnAgent.Load(hyperparameters, weights);
}
