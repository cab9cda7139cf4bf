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

    /// <summary>
    /// Fills the columns the runs list filters and sorts on (<see cref="RunHeadline"/>) and the run's name for runs stored
    /// before they existed: order parameters and dataset from the stored scenario JSON, headline results from the stored
    /// strategy summaries. Returns how many runs were filled; idempotent (a filled run has a name and a size).
    /// </summary>
    public static async Task<int> BackfillTrackingAsync(IDbContextFactory<PortalDbContext> factory, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        List<Guid> ids;
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            ids = await db.Runs.AsNoTracking()
                .Where(r => r.Name == null || r.SizePctAdv == null || (r.Status == RunStatus.Succeeded && r.BestStrategyId == null))
                .Select(r => r.Id).ToListAsync(ct);
        }
        int filled = 0;
        foreach (var chunk in ids.Chunk(200))
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            var runs = await db.Runs.Where(r => chunk.Contains(r.Id)).ToListAsync(ct);
            var summaries = (await db.RunStrategyResults.AsNoTracking().Where(s => chunk.Contains(s.RunId)).ToListAsync(ct))
                .ToLookup(s => s.RunId);
            foreach (var run in runs)
            {
                run.Name ??= run.ScenarioName;
                if (run.SizePctAdv is null)
                {
                    try
                    {
                        RunHeadline.ApplyScenario(run, ScenarioJson.Parse(run.ScenarioJson));
                    }
                    catch (ScenarioValidationException)
                    {
                        // Left unfilled: the run stays listed, without the order columns.
                    }
                }
                if (run.Status == RunStatus.Succeeded && run.BestStrategyId is null)
                {
                    RunHeadline.ApplyResults(run, summaries[run.Id]);
                }
                filled++;
            }
            await db.SaveChangesAsync(ct);
        }
        return filled;
    }
}
