using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Application.Jobs;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Jobs.Hosting;

namespace Portal.Jobs.Runs;

/// <summary>
/// Finds running work whose heartbeat stopped — its worker died, or the job gave up while the database was away — and
/// queues it again, or after <see cref="JobsOptions.MaxAttempts"/> starts marks it Failed with the reason. A run whose
/// cancellation was asked for ends Cancelled. Every job-executing process runs one; a conditional update lets exactly
/// one of them act on each orphan. Jobs are idempotent, so a worker that was merely cut off does no harm when it returns.
/// </summary>
public sealed class JobWatchdog(
    IDbContextFactory<PortalDbContext> dbFactory,
    IJobQueue queue,
    JobsOptions options,
    ILogger<JobWatchdog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(0.5, options.WatchdogIntervalSeconds)));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (Outages.IsTransient(e) && !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Watchdog sweep skipped (database unreachable: {Message})", e.Message);
            }
        }
    }

    /// <summary>One pass over runs, calibrations and trainings; answers how many orphans it handled.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var stale = DateTime.UtcNow - options.HeartbeatTimeout;
        var handled = 0;
        await using var db = await dbFactory.CreateDbContextAsync(ct);

        var runs = await db.Runs.AsNoTracking()
            .Where(r => r.Status == RunStatus.Running && (r.HeartbeatUtc ?? r.StartedUtc ?? r.CreatedUtc) < stale)
            .Select(r => new { r.Id, r.HeartbeatUtc, r.Attempts, r.CancelRequested, r.WorkerName }).ToListAsync(ct);
        foreach (var run in runs)
        {
            var (status, reason) = run.CancelRequested ? (RunStatus.Cancelled, null)
                : run.Attempts >= options.MaxAttempts ? (RunStatus.Failed, GiveUp(run.WorkerName, run.HeartbeatUtc, run.Attempts))
                : (RunStatus.Queued, (string?)null);
            var claimed = await db.Runs.Where(r => r.Id == run.Id && r.Status == RunStatus.Running && r.HeartbeatUtc == run.HeartbeatUtc)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, status)
                    .SetProperty(r => r.FailureReason, reason)
                    .SetProperty(r => r.HeartbeatUtc, (DateTime?)null)
                    .SetProperty(r => r.FinishedUtc, status == RunStatus.Queued ? null : DateTime.UtcNow), ct);
            if (claimed == 1)
            {
                handled++;
                if (status == RunStatus.Queued)
                {
                    queue.Enqueue(JobKind.Run, run.Id);
                }
                logger.LogWarning("Run {RunId} had no heartbeat since {Heartbeat} (worker {Worker}): now {Status}", run.Id, run.HeartbeatUtc, run.WorkerName, status);
            }
        }

        var profiles = await db.MarketProfiles.AsNoTracking()
            .Where(p => p.Status == CalibrationStatus.Running && (p.HeartbeatUtc ?? p.CreatedUtc) < stale)
            .Select(p => new { p.Id, p.HeartbeatUtc, p.Attempts }).ToListAsync(ct);
        foreach (var profile in profiles)
        {
            var retry = profile.Attempts < options.MaxAttempts;
            var claimed = await db.MarketProfiles.Where(p => p.Id == profile.Id && p.Status == CalibrationStatus.Running && p.HeartbeatUtc == profile.HeartbeatUtc)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(p => p.Status, retry ? CalibrationStatus.Queued : CalibrationStatus.Failed)
                    .SetProperty(p => p.FailureReason, retry ? null : GiveUp(null, profile.HeartbeatUtc, profile.Attempts))
                    .SetProperty(p => p.HeartbeatUtc, (DateTime?)null)
                    .SetProperty(p => p.FinishedUtc, retry ? null : DateTime.UtcNow), ct);
            if (claimed == 1)
            {
                handled++;
                if (retry)
                {
                    queue.Enqueue(JobKind.Calibration, profile.Id);
                }
                logger.LogWarning("Calibration {ProfileId} had no heartbeat since {Heartbeat}: {Action}", profile.Id, profile.HeartbeatUtc, retry ? "queued again" : "failed");
            }
        }

        var agents = await db.TrainedAgents.AsNoTracking()
            .Where(a => a.Status == TrainingStatus.Running && (a.HeartbeatUtc ?? a.StartedUtc ?? a.CreatedUtc) < stale)
            .Select(a => new { a.Id, a.HeartbeatUtc, a.Attempts }).ToListAsync(ct);
        foreach (var agent in agents)
        {
            var retry = agent.Attempts < options.MaxAttempts;
            var claimed = await db.TrainedAgents.Where(a => a.Id == agent.Id && a.Status == TrainingStatus.Running && a.HeartbeatUtc == agent.HeartbeatUtc)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(a => a.Status, retry ? TrainingStatus.Queued : TrainingStatus.Failed)
                    .SetProperty(a => a.FailureReason, retry ? null : GiveUp(null, agent.HeartbeatUtc, agent.Attempts))
                    .SetProperty(a => a.HeartbeatUtc, (DateTime?)null)
                    .SetProperty(a => a.FinishedUtc, retry ? null : DateTime.UtcNow), ct);
            if (claimed == 1)
            {
                handled++;
                if (retry)
                {
                    queue.Enqueue(JobKind.Training, agent.Id);
                }
                logger.LogWarning("Training {AgentId} had no heartbeat since {Heartbeat}: {Action}", agent.Id, agent.HeartbeatUtc, retry ? "queued again" : "failed");
            }
        }
        return handled;
    }

    private static string GiveUp(string? worker, DateTime? heartbeat, int attempts) =>
        $"The worker{(worker is null ? "" : " " + worker)} stopped sending heartbeats" +
        (heartbeat is { } h ? $" (last at {h:yyyy-MM-dd HH:mm:ss} UTC)" : "") + $"; gave up after {attempts} attempts.";
}
