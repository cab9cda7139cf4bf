using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;

namespace Portal.Data.Runs;

/// <summary>What a shard job needs to run its episodes: its range, the run's shard count and the plan shared by every shard.</summary>
/// <param name="FirstEpisode">First episode of the shard.</param>
/// <param name="Episodes">Episodes in the shard.</param>
/// <param name="Shards">Shards of the run.</param>
/// <param name="PlanJson">The run's shard plan (<see cref="Run.ShardPlanJson"/>).</param>
public sealed record ShardWork(int FirstEpisode, int Episodes, int Shards, string? PlanJson);

/// <summary>
/// The shards of runs cut into episode ranges (<see cref="RunShard"/>): planned once per run, started and finished by
/// any worker, each shard's result stored once whatever the number of times it ran.
/// </summary>
public sealed class RunShardStore(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>
    /// Cuts the run into <paramref name="ranges"/> with the plan every shard shares, unless it was already cut: then the
    /// stored shards stand (a re-delivered or re-queued run never changes its shards). Answers the run's shard count.
    /// </summary>
    public async Task<int> PlanAsync(Guid runId, IReadOnlyList<(int First, int Count)> ranges, string planJson, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        if (ranges.Count < 1) throw new ArgumentOutOfRangeException(nameof(ranges), ranges.Count, "A run has at least one shard.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        try
        {
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                db.ChangeTracker.Clear();
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var run = await db.Runs.SingleAsync(r => r.Id == runId, ct);
                if (run.Shards > 0) return;
                for (int i = 0; i < ranges.Count; i++)
                {
                    db.RunShards.Add(new RunShard { RunId = runId, Index = i, FirstEpisode = ranges[i].First, Episodes = ranges[i].Count });
                }
                run.Shards = ranges.Count;
                run.ShardsDone = 0;
                run.ShardPlanJson = planJson;
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            });
        }
        catch (DbUpdateException)
        {
            // Another worker cut the run at the same moment: its shards (the same ranges) stand.
        }
        await using var check = await dbFactory.CreateDbContextAsync(ct);
        return await check.Runs.Where(r => r.Id == runId).Select(r => r.Shards).SingleAsync(ct);
    }

    /// <summary>Indexes of the run's shards not finished yet, in order.</summary>
    public async Task<List<int>> UnfinishedAsync(Guid runId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.RunShards.Where(s => s.RunId == runId && s.FinishedUtc == null).OrderBy(s => s.Index).Select(s => s.Index).ToListAsync(ct);
    }

    /// <summary>
    /// Marks shard <paramref name="index"/> as started by <paramref name="worker"/> and returns its work, or null when it
    /// does not exist or is already finished (nothing to do).
    /// </summary>
    public async Task<ShardWork?> StartAsync(Guid runId, int index, string worker, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        var started = await db.RunShards.Where(s => s.RunId == runId && s.Index == index && s.FinishedUtc == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Attempts, x => x.Attempts + 1)
                .SetProperty(x => x.StartedUtc, now)
                .SetProperty(x => x.HeartbeatUtc, now)
                .SetProperty(x => x.WorkerName, worker), ct);
        if (started == 0) return null;
        await UpdateWorkersAsync(db, runId, ct);
        return await db.RunShards.Where(s => s.RunId == runId && s.Index == index)
            .Join(db.Runs, s => s.RunId, r => r.Id, (s, r) => new ShardWork(s.FirstEpisode, s.Episodes, r.Shards, r.ShardPlanJson))
            .SingleAsync(ct);
    }

    /// <summary>Records that the worker of a running shard (and so of its run) is alive.</summary>
    public async Task BeatAsync(Guid runId, int index)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var now = DateTime.UtcNow;
        await db.RunShards.Where(s => s.RunId == runId && s.Index == index && s.FinishedUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.HeartbeatUtc, now));
        await db.Runs.Where(r => r.Id == runId && r.Status == RunStatus.Running).ExecuteUpdateAsync(s => s.SetProperty(r => r.HeartbeatUtc, now));
    }

    /// <summary>
    /// Stores shard <paramref name="index"/>'s result unless it is already stored (a shard run twice keeps its first copy,
    /// which is the same), and answers how many of the run's shards are finished, how many there are, and whether this
    /// call is the one that found them all finished and so merges them.
    /// </summary>
    /// <remarks>Two shards that finish at the same moment can both count every shard finished; only one of them moves the
    /// run's count of finished shards to the total (a conditional update, serialised by the run's row), and only that one
    /// is told to merge. A merge that never completes is taken up by the watchdog, which queues the run's job again.</remarks>
    public Task<(int Done, int Total, bool Merge)> CompleteAsync(Guid runId, int index, byte[] data, string worker, CancellationToken ct) =>
        CompleteAsync(runId, index, data, [], worker, ct);

    /// <summary>
    /// Stores shard <paramref name="index"/>'s result and its episodes as the run's episode blocks
    /// (<see cref="EpisodeStore"/>), both in one transaction and only if the shard is not finished yet: a shard is finished
    /// with every block of its episodes or not at all, and a shard run twice stores nothing the second time. Answers as
    /// <see cref="CompleteAsync(Guid, int, byte[], string, CancellationToken)"/>.
    /// </summary>
    public async Task<(int Done, int Total, bool Merge)> CompleteAsync(Guid runId, int index, byte[] data, IReadOnlyList<PackedEpisodes> episodes, string worker, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(episodes);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            // The conditional update first: it holds the shard's row until the commit, so a second copy of the shard
            // finishing at the same moment finds it finished and adds no block.
            int finished = await db.RunShards.Where(s => s.RunId == runId && s.Index == index && s.FinishedUtc == null)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.Data, data)
                    .SetProperty(x => x.FinishedUtc, now)
                    .SetProperty(x => x.HeartbeatUtc, now)
                    .SetProperty(x => x.WorkerName, worker), ct);
            if (finished == 1 && episodes.Count > 0)
            {
                EpisodeStore.Add(db, runId, episodes);
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
        });
        int done = await db.RunShards.CountAsync(s => s.RunId == runId && s.FinishedUtc != null, ct);
        int total = await db.Runs.Where(r => r.Id == runId).Select(r => r.Shards).SingleAsync(ct);
        int moved = await db.Runs.Where(r => r.Id == runId && r.Status == RunStatus.Running && r.ShardsDone < done)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.ShardsDone, done)
                .SetProperty(r => r.Progress, Math.Min(0.99, (double)done / Math.Max(1, total)))
                .SetProperty(r => r.HeartbeatUtc, now), ct);
        await UpdateWorkersAsync(db, runId, ct);
        return (done, total, moved == 1 && done == total);
    }

    /// <summary>Every finished shard's stored result, in shard order; null once the run's result is stored (the shards'
    /// results are then cleared).</summary>
    public async Task<List<byte[]>?> ReadAsync(Guid runId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var data = await db.RunShards.AsNoTracking().Where(s => s.RunId == runId && s.FinishedUtc != null).OrderBy(s => s.Index)
            .Select(s => s.Data).ToListAsync(ct);
        return data.Any(d => d is null) ? null : [.. data.Select(d => d!)];
    }

    /// <summary>The workers that started the run's shards, in the order of their first shard.</summary>
    private static async Task UpdateWorkersAsync(PortalDbContext db, Guid runId, CancellationToken ct)
    {
        var names = await db.RunShards.Where(s => s.RunId == runId && s.WorkerName != null).OrderBy(s => s.Index).Select(s => s.WorkerName!).ToListAsync(ct);
        string workers = string.Join(", ", names.Distinct(StringComparer.Ordinal));
        await db.Runs.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s.SetProperty(r => r.ShardWorkers, workers), ct);
    }
}
