using Portal.Domain.Simulation;

namespace Portal.Application.Agents;

/// <summary>Turns a scenario's <c>agent:{id}</c> strategies into the team's trained policies, as a run uses them. The jobs
/// project implements it (it knows how agents are stored and loaded); the run page re-simulates episodes through it.</summary>
public interface IAgentStrategyLoader
{
    /// <summary>The trained policies of the agent ids among <paramref name="strategyIds"/> (other ids are ignored): each agent's
    /// policy of training seed <paramref name="seed"/>, or its first seed's when null (<c>strategySettings.agentSeed</c>).</summary>
    /// <exception cref="ArgumentException">An agent id is malformed, not the team's, not trained yet, or not trained with
    /// <paramref name="seed"/>; the message names it.</exception>
    Task<List<IExecutionStrategy>> LoadAsync(Guid teamId, IEnumerable<string> strategyIds, CancellationToken ct, long? seed = null);
}
