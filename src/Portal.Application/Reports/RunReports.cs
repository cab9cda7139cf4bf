using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Application.Reports;

/// <summary>
/// A run's report as the run page, the PDF and the CSV show it: the snapshot frozen when the run completed. A run that
/// completed before reports were frozen gets its snapshot on first view (its regime breakdown still as of completion,
/// see <see cref="RegimeBreakdownQuery"/>); from then on every view and download renders the same snapshot.
/// </summary>
public sealed class RunReports(IDbContextFactory<PortalDbContext> dbFactory, RunReportBuilder builder)
{
    /// <summary>The frozen report of a succeeded run of the team (frozen now if it was not yet), or null when the team has no such run.</summary>
    public async Task<RunReport?> GetAsync(Guid teamId, Guid runId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stored = await db.Runs.AsNoTracking()
            .Where(r => r.Id == runId && r.TeamId == teamId && r.Status == RunStatus.Succeeded)
            .Select(r => new { r.ReportJson }).SingleOrDefaultAsync(ct);
        if (stored is null)
        {
            return null;
        }

        return RunReportSnapshot.TryDeserialize(stored.ReportJson) ?? await FreezeAsync(runId, ct);
    }

    /// <summary>
    /// Builds the report of a succeeded run and stores it with the run unless a current snapshot is already there; returns
    /// the stored snapshot (whoever wrote it first), or null when the run has not succeeded. Safe to call twice and from
    /// two processes at once: the write only fills an empty (or outdated) snapshot.
    /// </summary>
    public async Task<RunReport?> FreezeAsync(Guid runId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.Runs.AsNoTracking().Where(r => r.Id == runId && r.Status == RunStatus.Succeeded)
            .Select(r => new { r.TeamId, r.ReportJson }).SingleOrDefaultAsync(ct);
        if (run is null)
        {
            return null;
        }

        if (RunReportSnapshot.TryDeserialize(run.ReportJson) is { } frozen)
        {
            return frozen;
        }

        if (await builder.BuildAsync(run.TeamId, runId, ct) is not { } report)
        {
            return null;
        }

        var json = RunReportSnapshot.Serialize(report);
        var previous = run.ReportJson;
        // Only the snapshot this call found (empty or outdated) is replaced; a concurrent writer that got there first wins.
        var written = previous is null
            ? await db.Runs.Where(r => r.Id == runId && r.ReportJson == null).ExecuteUpdateAsync(s => s.SetProperty(r => r.ReportJson, json), ct)
            : await db.Runs.Where(r => r.Id == runId && r.ReportJson == previous).ExecuteUpdateAsync(s => s.SetProperty(r => r.ReportJson, json), ct);
        if (written == 1)
        {
            return report;
        }

        var winner = await db.Runs.AsNoTracking().Where(r => r.Id == runId).Select(r => r.ReportJson).SingleAsync(ct);
        return RunReportSnapshot.TryDeserialize(winner) ?? report;
    }
}
