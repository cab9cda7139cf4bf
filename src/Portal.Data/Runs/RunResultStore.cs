using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Data.Entities;
using Portal.Domain.Backtesting;

namespace Portal.Data.Runs;

/// <summary>
/// Writes a finished backtest in one transaction: summaries, every episode (packed per strategy, see
/// <see cref="EpisodeStore"/>; a sharded run's shards stored theirs already), the paired statistics of every two strategies (<see cref="RunPairStatistics"/>), and the
/// run's final status. The primary keys (run, strategy) make a second copy impossible,
/// so two workers finishing the same run leave one set of results.
/// </summary>
public sealed class RunResultStore(IDbContextFactory<PortalDbContext> dbFactory, ILogger<RunResultStore> logger)
{
    /// <summary>Stores a run computed as one job, its episodes (<see cref="StrategyResult.Episodes"/>) included.</summary>
    public Task SaveAsync(Guid runId, BacktestResult result, CancellationToken ct) => SaveAsync(runId, result, null, ct);

    /// <summary>
    /// Stores a sharded run's merged result whose episodes its shards already stored as the run's episode blocks: the
    /// blocks are left as they are, and the paired statistics come from <paramref name="shortfalls"/> (per strategy
    /// index, the stored episodes' numbers and shortfalls, as <see cref="EpisodeStore.ReadShortfallsAsync(IReadOnlyCollection{Guid}, CancellationToken)"/>
    /// reads them).
    /// </summary>
    /// <exception cref="ArgumentException">A strategy of the result has no stored episodes.</exception>
    public Task SaveMergedAsync(Guid runId, BacktestResult result, IReadOnlyDictionary<int, EpisodeColumns> shortfalls, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(shortfalls);
        for (var i = 0; i < result.Strategies.Count; i++)
        {
            if (!shortfalls.TryGetValue(i, out var columns) || columns.Count != result.Episodes)
            {
                throw new ArgumentException($"Strategy {i} of run {runId} has {(shortfalls.TryGetValue(i, out var c) ? c.Count : 0)} stored episodes; the merged result has {result.Episodes}.", nameof(shortfalls));
            }
        }
        return SaveAsync(runId, result, shortfalls, ct);
    }

    private async Task SaveAsync(Guid runId, BacktestResult result, IReadOnlyDictionary<int, EpisodeColumns>? storedShortfalls, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var strategy = db.Database.CreateExecutionStrategy();
        try
        {
            await strategy.ExecuteAsync(async () =>
            {
                db.ChangeTracker.Clear();
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var run = await db.Runs.SingleAsync(r => r.Id == runId, ct);
                if (run.Status == RunStatus.Succeeded)
                {
                    logger.LogInformation("Run {RunId} already has its results; this copy is dropped", runId);
                    return;
                }

                if (storedShortfalls is null)
                {
                    await EpisodeStore.DeleteAsync(db, runId, ct);
                }
                await db.RunStrategyResults.Where(e => e.RunId == runId).ExecuteDeleteAsync(ct);

                var summaries = result.Strategies.Select((s, i) => RunStrategyResult.From(runId, i, s, result.Guards.FirstOrDefault(g => g.GuardedId == s.StrategyId))).ToList();
                db.RunStrategyResults.AddRange(summaries);
                RunHeadline.ApplyResults(run, summaries);
                if (storedShortfalls is null)
                {
                    EpisodeStore.Add(db, runId, result);
                }
                // What leaderboards pair on, stored once here instead of read from every episode per request.
                await db.RunStrategyPairs.Where(p => p.RunId == runId).ExecuteDeleteAsync(ct);
                db.RunStrategyPairs.AddRange(RunPairStatistics.Compute(runId, result.Strategies
                    .Select((s, i) => new RunPairStatistics.Strategy(i, s.StrategyId, s.Summary.Episodes,
                        storedShortfalls is null ? EpisodeColumns.From(s.Episodes) : storedShortfalls[i])).ToList()));
                run.PairsStoredUtc = DateTime.UtcNow;
                run.Status = RunStatus.Succeeded;
                run.Progress = 1;
                run.FinishedUtc = DateTime.UtcNow;
                run.FailureReason = null;
                run.OptimumName = result.OptimumName;
                run.OptimumExpectedCostBps = result.OptimumExpectedCostBps;
                run.Warnings = [.. result.Warnings];
                if (run.Shards > 0)
                {
                    // The shards' partial results are in the run's result now.
                    run.ShardsDone = run.Shards;
                    await db.RunShards.Where(s => s.RunId == runId).ExecuteUpdateAsync(s => s.SetProperty(x => x.Data, (byte[]?)null), ct);
                }
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            });
        }
        catch (Exception e) when (e is DbException or DbUpdateException)
        {
            if (!await IsAlreadySucceededAsync(runId, ct))
            {
                throw;
            }
            logger.LogInformation(e, "Another worker stored run {RunId} first; this copy is dropped", runId);
        }
    }

    private async Task<bool> IsAlreadySucceededAsync(Guid runId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Runs.AnyAsync(r => r.Id == runId && r.Status == RunStatus.Succeeded, ct);
    }
}
