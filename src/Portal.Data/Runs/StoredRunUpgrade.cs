using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;

namespace Portal.Data.Runs;

/// <summary>
/// Brings runs stored before scenario JSON had a <c>schemaVersion</c> to the current version. Their regime column holds
/// the label their scenario claimed, which version 1 never applied (the builder stored <c>volatile</c> on a normal
/// market), so leaderboards ranked them under a regime they did not simulate. Each such run's scenario JSON is rewritten
/// in the current version (every value kept: <see cref="ScenarioSchema.Upgrade"/>) and its family, regime included, is
/// recomputed from the values (<see cref="ScenarioFamily.Of"/>).
/// </summary>
/// <remarks>Idempotent and cheap once done: only runs whose JSON has no <c>schemaVersion</c> are read, and a rewritten run
/// has one. Only the scenario JSON, family and fingerprint columns are written, so a worker updating the same run's
/// progress at the same time loses nothing. JSON that does not parse as a scenario is left as it is.</remarks>
public static class StoredRunUpgrade
{
    /// <summary>Upgrades every version-1 run; returns how many were rewritten.</summary>
    public static async Task<int> UpgradeAsync(IDbContextFactory<PortalDbContext> factory, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        List<Guid> ids;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            ids = await db.Runs.AsNoTracking().Where(r => !r.ScenarioJson.Contains("\"schemaVersion\"")).Select(r => r.Id).ToListAsync(ct);
        }
        int rewritten = 0;
        foreach (var chunk in ids.Chunk(200))
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            foreach (var run in await db.Runs.Where(r => chunk.Contains(r.Id)).ToListAsync(ct))
            {
                Scenario scenario;
                try
                {
                    scenario = ScenarioJson.Parse(run.ScenarioJson);
                }
                catch (ScenarioValidationException)
                {
                    continue;
                }
                run.ScenarioJson = ScenarioJson.Serialize(scenario);
                ScenarioFamily.Of(scenario).ApplyTo(run);
                rewritten++;
            }
            await db.SaveChangesAsync(ct);
        }
        return rewritten;
    }
}
