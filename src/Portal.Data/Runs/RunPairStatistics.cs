using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;

namespace Portal.Data.Runs;

/// <summary>
/// The paired statistics of every two strategies of a run (<see cref="RunStrategyPair"/>): computed from the episodes when
/// the run's results are stored (<see cref="RunResultStore"/>), and once at start-up for runs stored before
/// (<see cref="BackfillAsync"/>), so leaderboards never read episodes per request.
/// </summary>
/// <remarks>
/// The differences are taken exactly as the leaderboard took them from the stored episodes: both strategies in episode
/// order, only the episodes both hold, d = a − b, summed in episode order; a pair with no shared episode has no row.
/// </remarks>
public static class RunPairStatistics
{
    /// <summary>One strategy of a run: its index, id, summary episode count and stored episodes.</summary>
    public sealed record Strategy(int Index, string StrategyId, int Episodes, EpisodeColumns Columns);

    /// <summary>One row per two strategies (lower index first) that share at least one episode.</summary>
    public static List<RunStrategyPair> Compute(Guid runId, IReadOnlyList<Strategy> strategies)
    {
        ArgumentNullException.ThrowIfNull(strategies);
        var ordered = strategies.OrderBy(s => s.Index).ToList();
        var rows = new List<RunStrategyPair>();
        for (var i = 0; i < ordered.Count; i++)
        {
            for (var j = i + 1; j < ordered.Count; j++)
            {
                var (a, b) = (ordered[i], ordered[j]);
                var (n, sum, sumSquares) = Differences(a.Columns, b.Columns);
                if (n == 0)
                {
                    continue;
                }
                var variance = 0.0;
                if (n >= 2)
                {
                    var mean = sum / n;
                    variance = n * Math.Max(0, (sumSquares - n * mean * mean) / (n - 1));
                }
                rows.Add(new RunStrategyPair
                {
                    RunId = runId, IndexA = a.Index, IndexB = b.Index, StrategyA = a.StrategyId, StrategyB = b.StrategyId,
                    Pairs = n, EpisodesA = a.Episodes, EpisodesB = b.Episodes, Sum = sum, SumSquares = sumSquares, WeightedVariance = variance,
                });
            }
        }
        return rows;
    }

    /// <summary>Count, sum and sum of squares of x − y over the episodes both hold (both in episode order).</summary>
    public static (int Pairs, double Sum, double SumSquares) Differences(EpisodeColumns x, EpisodeColumns y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var (n, sum, sumSquares) = (0, 0.0, 0.0);
        for (int i = 0, j = 0; i < x.Count && j < y.Count;)
        {
            var (ex, ey) = (x.Episodes[i], y.Episodes[j]);
            if (ex < ey) { i++; continue; }
            if (ey < ex) { j++; continue; }
            var d = x.ShortfallBps[i] - y.ShortfallBps[j];
            (n, sum, sumSquares) = (n + 1, sum + d, sumSquares + d * d);
            i++;
            j++;
        }
        return (n, sum, sumSquares);
    }

    /// <summary>
    /// Stores the paired statistics of every succeeded run that has none yet, a batch of runs per transaction, reading
    /// each batch's episodes in two queries through <see cref="EpisodeStore"/> (a batch holds its runs' packed episodes in
    /// memory at once, hence the modest default); returns how many runs it filled. Idempotent: a run is marked
    /// (<see cref="Run.PairsStoredUtc"/>) in the same transaction that writes its rows, and skipped once marked.
    /// </summary>
    public static async Task<int> BackfillAsync(IDbContextFactory<PortalDbContext> factory, int batch = 50, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        var store = new EpisodeStore(factory);
        var filled = 0;
        while (true)
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            var runIds = await db.Runs.Where(r => r.Status == RunStatus.Succeeded && r.PairsStoredUtc == null)
                .OrderBy(r => r.Id).Select(r => r.Id).Take(batch).ToListAsync(ct);
            if (runIds.Count == 0)
            {
                return filled;
            }
            var summaries = await db.RunStrategyResults.AsNoTracking().Where(s => runIds.Contains(s.RunId))
                .Select(s => new { s.RunId, s.Index, s.StrategyId, s.Episodes }).ToListAsync(ct);
            var episodes = await store.ReadShortfallsAsync(runIds, ct);
            var rows = new List<RunStrategyPair>();
            foreach (var run in summaries.GroupBy(s => s.RunId))
            {
                var strategies = run.OrderBy(s => s.Index)
                    .Select(s => new Strategy(s.Index, s.StrategyId, s.Episodes, episodes.GetValueOrDefault((s.RunId, s.Index), EpisodeColumns.Empty)))
                    .ToList();
                rows.AddRange(Compute(run.Key, strategies));
            }
            var now = DateTime.UtcNow;
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                db.ChangeTracker.Clear();
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                // Only runs still unmarked: another process may have filled some meanwhile.
                var open = (await db.Runs.Where(r => runIds.Contains(r.Id) && r.PairsStoredUtc == null).Select(r => r.Id).ToListAsync(ct)).ToHashSet();
                await db.RunStrategyPairs.Where(p => open.Contains(p.RunId)).ExecuteDeleteAsync(ct);
                db.RunStrategyPairs.AddRange(rows.Where(p => open.Contains(p.RunId)));
                await db.SaveChangesAsync(ct);
                await db.Runs.Where(r => open.Contains(r.Id)).ExecuteUpdateAsync(s => s.SetProperty(r => r.PairsStoredUtc, now), ct);
                await tx.CommitAsync(ct);
            });
            filled += runIds.Count;
        }
    }
}
