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

        // A run cut into shards lives in its shards while any is unfinished (see the shard pass below); once all are
        // finished, a silent run is one whose merge stopped, and queueing the run again merges it.
        var runs = await db.Runs.AsNoTracking()
            .Where(r => r.Status == RunStatus.Running && (r.HeartbeatUtc ?? r.StartedUtc ?? r.CreatedUtc) < stale
                && !db.RunShards.Any(s => s.RunId == r.Id && s.FinishedUtc == null))
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

        // Started shards whose worker stopped heart-beating: queued again (any worker may take them), or after
        // MaxAttempts starts of one shard the run fails with the reason. Shards still waiting in the queue are not orphans.
        var shards = await db.RunShards.AsNoTracking()
            .Where(s => s.FinishedUtc == null && s.StartedUtc != null && (s.HeartbeatUtc ?? s.StartedUtc) < stale
                && db.Runs.Any(r => r.Id == s.RunId && r.Status == RunStatus.Running))
            .Select(s => new { s.RunId, s.Index, s.HeartbeatUtc, s.Attempts, s.WorkerName }).ToListAsync(ct);
        foreach (var shard in shards)
        {
            var claimed = await db.RunShards.Where(s => s.RunId == shard.RunId && s.Index == shard.Index && s.FinishedUtc == null && s.HeartbeatUtc == shard.HeartbeatUtc)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.StartedUtc, (DateTime?)null).SetProperty(x => x.HeartbeatUtc, (DateTime?)null), ct);
            if (claimed != 1)
            {
                continue;
            }
            handled++;
            var cancel = await db.Runs.Where(r => r.Id == shard.RunId).Select(r => r.CancelRequested).SingleAsync(ct);
            var (status, reason) = cancel ? (RunStatus.Cancelled, null)
                : shard.Attempts >= options.MaxAttempts ? (RunStatus.Failed, $"Shard {shard.Index + 1}: " + GiveUp(shard.WorkerName, shard.HeartbeatUtc, shard.Attempts))
                : (RunStatus.Running, (string?)null);
            if (status == RunStatus.Running)
            {
                queue.EnqueueShard(shard.RunId, shard.Index);
            }
            else
            {
                await db.Runs.Where(r => r.Id == shard.RunId && r.Status == RunStatus.Running)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(r => r.Status, status)
                        .SetProperty(r => r.FailureReason, reason)
                        .SetProperty(r => r.FinishedUtc, DateTime.UtcNow), ct);
            }
            logger.LogWarning("Shard {Shard} of run {RunId} had no heartbeat since {Heartbeat} (worker {Worker}): {Action}", shard.Index, shard.RunId,
                shard.HeartbeatUtc, shard.WorkerName, status == RunStatus.Running ? "queued again" : "run " + status);
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

        var datasets = await db.OfflineDatasets.AsNoTracking()
            .Where(d => d.Status == TrainingStatus.Running && (d.HeartbeatUtc ?? d.StartedUtc ?? d.CreatedUtc) < stale)
            .Select(d => new { d.Id, d.HeartbeatUtc, d.Attempts }).ToListAsync(ct);
        foreach (var dataset in datasets)
        {
            var retry = dataset.Attempts < options.MaxAttempts;
            var claimed = await db.OfflineDatasets.Where(d => d.Id == dataset.Id && d.Status == TrainingStatus.Running && d.HeartbeatUtc == dataset.HeartbeatUtc)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.Status, retry ? TrainingStatus.Queued : TrainingStatus.Failed)
                    .SetProperty(d => d.FailureReason, retry ? null : GiveUp(null, dataset.HeartbeatUtc, dataset.Attempts))
                    .SetProperty(d => d.HeartbeatUtc, (DateTime?)null)
                    .SetProperty(d => d.FinishedUtc, retry ? null : DateTime.UtcNow), ct);
            if (claimed == 1)
            {
                handled++;
                if (retry)
                {
                    queue.Enqueue(JobKind.OfflineDataset, dataset.Id);
                }
                logger.LogWarning("Offline dataset {DatasetId} had no heartbeat since {Heartbeat}: {Action}", dataset.Id, dataset.HeartbeatUtc, retry ? "queued again" : "failed");
            }
        }
        return handled;
    }

    private static string GiveUp(string? worker, DateTime? heartbeat, int attempts) =>
        $"The worker{(worker is null ? "" : " " + worker)} stopped sending heartbeats" +
        (heartbeat is { } h ? $" (last at {h:yyyy-MM-dd HH:mm:ss} UTC)" : "") + $"; gave up after {attempts} attempts.";
}
