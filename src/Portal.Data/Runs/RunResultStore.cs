using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Data.Entities;
using Portal.Domain.Backtesting;

namespace Portal.Data.Runs;

/// <summary>
/// Writes a finished backtest in one transaction: summaries, every episode (packed per strategy, see
/// <see cref="EpisodeStore"/>), the paired statistics of every two strategies (<see cref="RunPairStatistics"/>), and the
/// run's final status. The primary keys (run, strategy) make a second copy impossible,
/// so two workers finishing the same run leave one set of results.
/// </summary>
public sealed class RunResultStore(IDbContextFactory<PortalDbContext> dbFactory, ILogger<RunResultStore> logger)
{
    public async Task SaveAsync(Guid runId, BacktestResult result, CancellationToken ct)
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

                await EpisodeStore.DeleteAsync(db, runId, ct);
                await db.RunStrategyResults.Where(e => e.RunId == runId).ExecuteDeleteAsync(ct);

                var summaries = result.Strategies.Select((s, i) => RunStrategyResult.From(runId, i, s, result.Guards.FirstOrDefault(g => g.GuardedId == s.StrategyId))).ToList();
                db.RunStrategyResults.AddRange(summaries);
                RunHeadline.ApplyResults(run, summaries);
                EpisodeStore.Add(db, runId, result);
                // What leaderboards pair on, stored once here instead of read from every episode per request.
                await db.RunStrategyPairs.Where(p => p.RunId == runId).ExecuteDeleteAsync(ct);
                db.RunStrategyPairs.AddRange(RunPairStatistics.Compute(runId, result.Strategies
                    .Select((s, i) => new RunPairStatistics.Strategy(i, s.StrategyId, s.Summary.Episodes, EpisodeColumns.From(s.Episodes))).ToList()));
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
