using Portal.Domain.Simulation;

namespace Portal.Application.Agents;

/// <summary>Turns a scenario's <c>agent:{id}</c> strategies into the team's trained policies, as a run uses them. The jobs
/// project implements it (it knows how agents are stored and loaded); the run page re-simulates episodes through it.</summary>
public interface IAgentStrategyLoader
{
    /// <summary>The trained policies of the agent ids among <paramref name="strategyIds"/> (other ids are ignored).</summary>
    /// <exception cref="ArgumentException">An agent id is malformed, not the team's, or not trained yet; the message names it.</exception>
    Task<List<IExecutionStrategy>> LoadAsync(Guid teamId, IEnumerable<string> strategyIds, CancellationToken ct);
}
