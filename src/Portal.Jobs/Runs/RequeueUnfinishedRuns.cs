using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Application.Jobs;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Jobs.Runs;

/// <summary>
/// In the embedded mode jobs live in memory, so a restart forgets work that was queued or running: runs, calibrations
/// trainings and MAP-Elites searches. On start this puts all of them back in the queue; the jobs' idempotence makes a duplicate harmless.
/// </summary>
public sealed class RequeueUnfinishedRuns(
    IDbContextFactory<PortalDbContext> dbFactory,
    IJobQueue queue,
    ILogger<RequeueUnfinishedRuns> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var unfinished = await db.Runs
            .Where(r => r.Status == RunStatus.Queued || r.Status == RunStatus.Running)
            .OrderBy(r => r.CreatedUtc)
            .Select(r => r.Id)
            .ToListAsync(cancellationToken);
        foreach (var id in unfinished)
        {
            queue.Enqueue(JobKind.Run, id);
        }
        var calibrations = await db.MarketProfiles
            .Where(p => p.Status == CalibrationStatus.Queued || p.Status == CalibrationStatus.Running)
            .OrderBy(p => p.CreatedUtc).Select(p => p.Id).ToListAsync(cancellationToken);
        foreach (var id in calibrations)
        {
            queue.Enqueue(JobKind.Calibration, id);
        }
        var trainings = await db.TrainedAgents
            .Where(a => a.Status == TrainingStatus.Queued || a.Status == TrainingStatus.Running)
            .OrderBy(a => a.CreatedUtc).Select(a => a.Id).ToListAsync(cancellationToken);
        foreach (var id in trainings)
        {
            queue.Enqueue(JobKind.Training, id);
        }
        // A MAP-Elites search's job resumes where the search stands: it queues the shards its current generation waits for.
        var searches = await db.MapElitesRuns
            .Where(r => r.Status == RunStatus.Queued || r.Status == RunStatus.Running)
            .OrderBy(r => r.CreatedUtc).Select(r => r.Id).ToListAsync(cancellationToken);
        foreach (var id in searches)
        {
            queue.Enqueue(JobKind.MapElites, id);
        }
        if (unfinished.Count + calibrations.Count + trainings.Count + searches.Count > 0)
        {
            logger.LogInformation("Re-queued {Runs} runs, {Calibrations} calibrations, {Trainings} trainings and {Searches} MAP-Elites searches after a restart",
                unfinished.Count, calibrations.Count, trainings.Count, searches.Count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
