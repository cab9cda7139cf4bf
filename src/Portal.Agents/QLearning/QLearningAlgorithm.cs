using Portal.Agents.Common;
using Portal.Agents.Environment;
using Portal.Agents.Training;

namespace Portal.Agents.QLearning;

/// <summary>Registers <see cref="QLearningAgent"/> as the <c>qlearning</c> algorithm.</summary>
public sealed class QLearningAlgorithm : AgentAlgorithm<QLearningHyperparameters>
{
    /// <inheritdoc />
    public override string Id => "qlearning";

    /// <inheritdoc />
    public override string Name => "Tabular Q-learning";

    /// <inheritdoc />
    public override string Description => "Tabular Q-learning on a discretised state and action grid (Watkins and Dayan, 1992), as Nevmyvaka, Feng and Kearns (2006) applied it to execution.";

    /// <inheritdoc />
    public override int Order => 0;

    /// <inheritdoc />
    protected override QLearningHyperparameters Defaults => new();

    /// <inheritdoc />
    protected override int ParallelEpisodes(QLearningHyperparameters hyperparameters) => hyperparameters.ParallelEpisodes;

    /// <inheritdoc />
    protected override IExecutionAgent TrainAgent(ExecutionEnvironment environment, QLearningHyperparameters hyperparameters, TrainingSession session) =>
        QLearningAgent.Train(environment, hyperparameters, session);

    /// <inheritdoc />
    protected override IExecutionAgent LoadAgent(QLearningHyperparameters hyperparameters, Stream weights) => QLearningAgent.Load(hyperparameters, weights);
}
