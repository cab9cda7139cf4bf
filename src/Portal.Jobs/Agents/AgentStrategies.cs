using Microsoft.EntityFrameworkCore;
using Portal.Agents.Training;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies;

namespace Portal.Jobs.Agents;

/// <summary>Resolves a scenario's <c>agent:{id}</c> strategies to the team's trained policies: the first seed's, or the seed
/// the run chose (<c>strategySettings.agentSeed</c>).</summary>
public sealed class AgentStrategies(IDbContextFactory<PortalDbContext> dbFactory) : Portal.Application.Agents.IAgentStrategyLoader
{
    /// <summary>Prefix of agent strategy ids (<see cref="StrategyId.AgentPrefix"/>).</summary>
    public const string Prefix = StrategyId.AgentPrefix;

    /// <summary>The strategy id of a trained agent (<see cref="StrategyId.ForAgent"/>).</summary>
    public static string IdOf(Guid agentId) => StrategyId.ForAgent(agentId);

    /// <exception cref="ArgumentException">An agent id is malformed, not the team's, or not trained yet; the message names it.</exception>
    public async Task<List<IExecutionStrategy>> LoadAsync(Guid teamId, IEnumerable<string> strategyIds, CancellationToken ct, long? seed = null)
    {
        var loaded = new List<IExecutionStrategy>();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        foreach (var id in strategyIds.Where(StrategyId.IsAgentId))
        {
            if (!StrategyId.Parse(id).TryGetAgentId(out var agentId))
            {
                throw new ArgumentException($"Strategy '{id}' is not a trained agent id ({StrategyId.AgentPrefix}<32 hex digits>).");
            }
            var agent = await db.TrainedAgents.AsNoTracking()
                .SingleOrDefaultAsync(a => a.Id == agentId && a.TeamId == teamId && a.Status == TrainingStatus.Succeeded, ct)
                ?? throw new ArgumentException($"Strategy '{id}' is not a trained agent of this team.");
            var seeds = db.TrainedAgentSeeds.AsNoTracking().Where(s => s.AgentId == agentId);
            var chosen = seed is { } wanted
                ? await seeds.Where(s => s.Seed == wanted).FirstOrDefaultAsync(ct)
                    ?? throw new ArgumentException($"strategySettings.agentSeed: agent '{agent.Name}' ({id}) was trained with seeds {agent.Seeds}; {wanted} is not one of them.")
                : await seeds.OrderBy(s => s.SeedIndex).FirstAsync(ct);
            using var stream = new MemoryStream(chosen.Artifact);
            loaded.Add(new AgentStrategy(AgentArtifact.Load(stream), id));
        }
        return loaded;
    }
}
