using Microsoft.EntityFrameworkCore;
using Portal.Agents.Training;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Domain.QualityDiversity;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies;

namespace Portal.Jobs.Agents;

/// <summary>Resolves a scenario's <c>agent:{id}</c> strategies to the team's trained policies (the first seed's, or the seed
/// the run chose: <c>strategySettings.agentSeed</c>), and its <c>elite:{archiveId}:{niche}</c>,
/// <c>elite:{archiveId}:generalist</c> and <c>router:{archiveId}</c> strategies to the elites and regime router of the
/// team's finished MAP-Elites archives (<see cref="EliteStrategies"/>).</summary>
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
            var seeds = await db.TrainedAgentSeeds.AsNoTracking().Where(s => s.AgentId == agentId).OrderBy(s => s.SeedIndex).ToListAsync(ct);
            var chosen = seed is { } wanted
                ? seeds.FirstOrDefault(s => s.Seed == wanted)
                    ?? throw new ArgumentException($"strategySettings.agentSeed: agent '{agent.Name}' ({id}) was trained with seeds {agent.Seeds}; {wanted} is not one of them.")
                : seeds[0];
            // Several seeds: their ensemble, in which the chosen seed's policy trades and the seeds' disagreement is the
            // uncertainty signal the confidence fallback reads (EnsembleStrategy).
            var members = seeds.Select(s =>
            {
                using var stream = new MemoryStream(s.Artifact);
                return (IExecutionStrategy)AgentStrategy.Create(AgentArtifact.Load(stream), id);
            }).ToList();
            int acting = seeds.IndexOf(chosen);
            loaded.Add(members.Count == 1 ? members[0] : new EnsembleStrategy(id, members[acting].DisplayName, members, acting));
        }
        loaded.AddRange(await LoadArchiveStrategiesAsync(db, teamId, strategyIds, ct));
        return loaded;
    }

    /// <summary>Whether <paramref name="id"/> names an elite or the router of a MAP-Elites archive.</summary>
    public static bool IsArchiveId(string id) =>
        id.StartsWith(EliteStrategies.ElitePrefix, StringComparison.Ordinal) || id.StartsWith(EliteStrategies.RouterPrefix, StringComparison.Ordinal);

    private static async Task<List<IExecutionStrategy>> LoadArchiveStrategiesAsync(PortalDbContext db, Guid teamId, IEnumerable<string> strategyIds, CancellationToken ct)
    {
        var loaded = new List<IExecutionStrategy>();
        var wanted = strategyIds.Where(IsArchiveId).Distinct(StringComparer.Ordinal).ToList();
        foreach (var group in wanted.GroupBy(ArchiveToken, StringComparer.Ordinal))
        {
            if (!Guid.TryParse(group.Key, out var archiveId))
            {
                throw new ArgumentException($"Strategy '{group.First()}' does not name a MAP-Elites archive id ({EliteStrategies.ElitePrefix}<archive id>:<niche> or {EliteStrategies.RouterPrefix}<archive id>).");
            }
            var json = await db.MapElitesRuns.AsNoTracking()
                .Where(r => r.Id == archiveId && r.TeamId == teamId && r.Status == RunStatus.Succeeded)
                .Select(r => r.ReportJson).SingleOrDefaultAsync(ct)
                ?? throw new ArgumentException($"Strategy '{group.First()}' is not a finished MAP-Elites archive of this team.");
            var report = System.Text.Json.JsonSerializer.Deserialize<MapElitesReport>(json, Portal.Domain.Scenarios.ScenarioJson.Options)
                ?? throw new ArgumentException($"Strategy '{group.First()}': the archive's report is empty.");
            var strategies = EliteStrategies.FromReport(report, group.Key).ToDictionary(s => s.Id, StringComparer.Ordinal);
            foreach (var id in group)
            {
                loaded.Add(strategies.TryGetValue(id, out var strategy)
                    ? strategy
                    : throw new ArgumentException($"Strategy '{id}' is not in the archive: its niches are 0 to {report.Niches.Count - 1}, or 'generalist'."));
            }
        }
        return loaded;
    }

    /// <summary>The archive id of an <c>elite:{archiveId}:…</c> or <c>router:{archiveId}</c> strategy id.</summary>
    private static string ArchiveToken(string id)
    {
        var rest = id.StartsWith(EliteStrategies.RouterPrefix, StringComparison.Ordinal) ? id[EliteStrategies.RouterPrefix.Length..] : id[EliteStrategies.ElitePrefix.Length..];
        int colon = rest.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? rest : rest[..colon];
    }
}
