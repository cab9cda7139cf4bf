namespace Portal.Domain.Strategies;

/// <summary>
/// What the portal shows of a learning algorithm (the agents project registers one per algorithm folder): id, display
/// name, description and its hyperparameters with defaults. The constructor of each hyperparameter record validates the
/// ranges and names them in its error.
/// </summary>
/// <param name="Id">Stable id, e.g. <c>ppo</c> (training requests and artifacts carry it).</param>
/// <param name="Name">Name shown to users.</param>
/// <param name="Description">One sentence with its source.</param>
/// <param name="Parameters">Hyperparameters in constructor order.</param>
public sealed record AgentAlgorithmInfo(string Id, string Name, string Description, IReadOnlyList<AgentHyperparameter> Parameters)
{
    /// <summary>Whether it learns from a logged offline dataset (BCQ, TD3+BC) instead of interacting with the market.</summary>
    public bool Offline { get; init; }

    /// <summary>The id of a trained agent of this algorithm as the command line names it, <c>agent:ALGORITHM-SEED</c>.</summary>
    public StrategyId StrategyIdFor(long seed) => StrategyId.ForAgentNamed($"{Id}-{seed}");
}

/// <summary>One hyperparameter of a learning algorithm.</summary>
/// <param name="Name">Name as JSON carries it (camelCase).</param>
/// <param name="Type">int, double or bool.</param>
/// <param name="Default">Default value, invariant culture.</param>
public sealed record AgentHyperparameter(string Name, string Type, string Default);
