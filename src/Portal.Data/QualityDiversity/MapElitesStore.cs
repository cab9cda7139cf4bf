using System.Runtime.InteropServices;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;

namespace Portal.Data.QualityDiversity;

/// <summary>A search as a worker reads it.</summary>
public sealed record MapElitesWork(Guid TeamId, RunStatus Status, string ScenarioJson, string SettingsJson, int Generations, int ShardsPerGeneration,
    int GenerationsDone, int HoldoutEpisodes, bool HasReport, DateTime? StartedUtc);

/// <summary>A finished shard's objectives.</summary>
public sealed record MapElitesShardResult(int Generation, int Index, int First, int Count, double[] Objectives);

/// <summary>
/// The stored side of a MAP-Elites search cut into jobs (<see cref="MapElitesRun"/>, <see cref="MapElitesShard"/>): planned
/// once, each shard started and finished by any worker and its objectives stored once however often it ran, progress
/// recorded per generation only forwards, and the report stored once.
/// </summary>
public sealed class MapElitesStore(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>The search, or null when there is none.</summary>
    public async Task<MapElitesWork?> ReadAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.MapElitesRuns.AsNoTracking().Where(r => r.Id == id)
            .Select(r => new MapElitesWork(r.TeamId, r.Status, r.ScenarioJson, r.SettingsJson, r.Generations, r.ShardsPerGeneration, r.GenerationsDone,
                r.HoldoutEpisodes, r.ReportJson != null, r.StartedUtc))
            .SingleOrDefaultAsync(ct);
    }

    /// <summary>
    /// Starts a queued search and cuts it into shards, generation g into <paramref name="ranges"/>(g), unless it was cut
    /// already (a re-delivered search keeps its shards).
    /// </summary>
    public async Task PlanAsync(Guid id, Func<int, IReadOnlyList<(int First, int Count)>> ranges, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        try
        {
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                db.ChangeTracker.Clear();
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var run = await db.MapElitesRuns.SingleAsync(r => r.Id == id, ct);
                if (run.Status == RunStatus.Queued)
                {
                    run.Status = RunStatus.Running;
                    run.StartedUtc = run.HeartbeatUtc = DateTime.UtcNow;
                }
                if (!await db.MapElitesShards.AnyAsync(s => s.RunId == id, ct))
                {
                    for (int g = 0; g < run.Generations; g++)
                    {
                        var cut = ranges(g);
                        for (int i = 0; i < cut.Count; i++)
                        {
                            db.MapElitesShards.Add(new MapElitesShard { RunId = id, Generation = g, Index = i, First = cut[i].First, Count = cut[i].Count });
                        }
                    }
                }
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            });
        }
        catch (DbUpdateException)
        {
            // Another worker planned the search at the same moment: its shards (the same ranges) stand.
        }
    }

    /// <summary>The first generation with an unfinished shard (the number of generations when every shard is finished), and
    /// that generation's unfinished shards.</summary>
    public async Task<(int Generation, List<int> Shards)> NextAsync(Guid id, int generations, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var open = db.MapElitesShards.Where(s => s.RunId == id && s.FinishedUtc == null);
        if (!await open.AnyAsync(ct)) return (generations, []);
        int g = await open.MinAsync(s => s.Generation, ct);
        return (g, await open.Where(s => s.Generation == g).OrderBy(s => s.Index).Select(s => s.Index).ToListAsync(ct));
    }

    /// <summary>Unfinished shards of generation <paramref name="generation"/>, in order.</summary>
    public async Task<List<int>> UnfinishedAsync(Guid id, int generation, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.MapElitesShards.Where(s => s.RunId == id && s.Generation == generation && s.FinishedUtc == null)
            .OrderBy(s => s.Index).Select(s => s.Index).ToListAsync(ct);
    }

    /// <summary>Whether every shard of the generations before <paramref name="generation"/> is finished.</summary>
    public async Task<bool> ReadyAsync(Guid id, int generation, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return !await db.MapElitesShards.AnyAsync(s => s.RunId == id && s.Generation < generation && s.FinishedUtc == null, ct);
    }

    /// <summary>Marks a shard as started by <paramref name="worker"/> and returns its candidate range, or null when it does
    /// not exist or is already finished.</summary>
    public async Task<(int First, int Count)?> StartAsync(Guid id, int generation, int index, string worker, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        int started = await db.MapElitesShards.Where(s => s.RunId == id && s.Generation == generation && s.Index == index && s.FinishedUtc == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Attempts, x => x.Attempts + 1)
                .SetProperty(x => x.StartedUtc, now)
                .SetProperty(x => x.HeartbeatUtc, now)
                .SetProperty(x => x.WorkerName, worker), ct);
        if (started == 0) return null;
        await UpdateWorkersAsync(db, id, ct);
        var range = await db.MapElitesShards.Where(s => s.RunId == id && s.Generation == generation && s.Index == index)
            .Select(s => new { s.First, s.Count }).SingleAsync(ct);
        return (range.First, range.Count);
    }

    /// <summary>Whether the search is still running (false once it was cancelled, failed or succeeded, or when it does not exist).</summary>
    public async Task<bool> IsRunningAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.MapElitesRuns.AnyAsync(r => r.Id == id && r.Status == RunStatus.Running, ct);
    }

    /// <summary>Records that the worker of a running shard (and so the search) is alive.</summary>
    public async Task BeatAsync(Guid id, int generation, int index)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var now = DateTime.UtcNow;
        await db.MapElitesShards.Where(s => s.RunId == id && s.Generation == generation && s.Index == index && s.FinishedUtc == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.HeartbeatUtc, now));
        await db.MapElitesRuns.Where(r => r.Id == id && r.Status == RunStatus.Running).ExecuteUpdateAsync(s => s.SetProperty(r => r.HeartbeatUtc, now));
    }

    /// <summary>Stores a shard's objectives unless they are stored already (a shard run twice keeps its first copy, which is
    /// the same), and answers how many of its generation's shards are finished and how many there are.</summary>
    public async Task<(int Done, int Total)> CompleteAsync(Guid id, int generation, int index, double[] objectives, string worker, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(objectives);
        var data = MemoryMarshal.AsBytes(objectives.AsSpan()).ToArray();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        // A cancelled search keeps the archive it had when it was cancelled: a shard that ends later stores nothing. The
        // search's row is locked first (its heartbeat written while it is running), so a cancel either committed before
        // (nothing is stored) or waits for this shard's result and keeps it in the archive it builds; a condition read in
        // the same statement as the shard's write would not wait for a cancel under way, whose archive then missed it.
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            int running = await db.MapElitesRuns.Where(r => r.Id == id && r.Status == RunStatus.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.HeartbeatUtc, now), ct);
            if (running == 1)
            {
                await db.MapElitesShards.Where(s => s.RunId == id && s.Generation == generation && s.Index == index && s.FinishedUtc == null)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(x => x.Data, data)
                        .SetProperty(x => x.FinishedUtc, now)
                        .SetProperty(x => x.HeartbeatUtc, now)
                        .SetProperty(x => x.WorkerName, worker), ct);
            }
            await tx.CommitAsync(ct);
        });
        var shards = db.MapElitesShards.Where(s => s.RunId == id && s.Generation == generation);
        int done = await shards.CountAsync(s => s.FinishedUtc != null, ct);
        int total = await shards.CountAsync(ct);
        await UpdateWorkersAsync(db, id, ct);
        return (done, total);
    }

    /// <summary>The objectives of every finished shard of generations 0 … <paramref name="throughGeneration"/>, in
    /// (generation, shard) order.</summary>
    public async Task<List<MapElitesShardResult>> ResultsAsync(Guid id, int throughGeneration, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.MapElitesShards.AsNoTracking()
            .Where(s => s.RunId == id && s.Generation <= throughGeneration && s.FinishedUtc != null && s.Data != null)
            .OrderBy(s => s.Generation).ThenBy(s => s.Index)
            .Select(s => new { s.Generation, s.Index, s.First, s.Count, s.Data })
            .ToListAsync(ct);
        return [.. rows.Select(r => new MapElitesShardResult(r.Generation, r.Index, r.First, r.Count, MemoryMarshal.Cast<byte, double>(r.Data!).ToArray()))];
    }

    /// <summary>Records the archive's coverage and QD-score through generation <paramref name="generation"/>, only ever
    /// forwards (a late or repeated record of an earlier generation changes nothing). True when this call moved the search
    /// on: of two workers that finish a generation's last shards together, only that one goes on to the next generation.</summary>
    public async Task<bool> RecordGenerationAsync(Guid id, int generation, string iterationsJson, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        return 1 == await db.MapElitesRuns.Where(r => r.Id == id && r.Status == RunStatus.Running && r.GenerationsDone < generation + 1)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.GenerationsDone, generation + 1)
                .SetProperty(r => r.IterationsJson, iterationsJson)
                .SetProperty(r => r.HeartbeatUtc, now), ct);
    }

    /// <summary>Stores the report and marks the search succeeded, unless another worker did first.</summary>
    public async Task SucceedAsync(Guid id, string reportJson, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.MapElitesRuns.Where(r => r.Id == id && r.Status == RunStatus.Running && r.ReportJson == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.ReportJson, reportJson)
                .SetProperty(r => r.Status, RunStatus.Succeeded)
                .SetProperty(r => r.FinishedUtc, DateTime.UtcNow), ct);
    }

    /// <summary>Marks an unfinished search failed with <paramref name="reason"/>.</summary>
    public async Task FailAsync(Guid id, string reason, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.MapElitesRuns.Where(r => r.Id == id && (r.Status == RunStatus.Running || r.Status == RunStatus.Queued))
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RunStatus.Failed)
                .SetProperty(r => r.FailureReason, reason)
                .SetProperty(r => r.FinishedUtc, DateTime.UtcNow), ct);
    }

    private static async Task UpdateWorkersAsync(PortalDbContext db, Guid id, CancellationToken ct)
    {
        var names = await db.MapElitesShards.Where(s => s.RunId == id && s.WorkerName != null)
            .OrderBy(s => s.Generation).ThenBy(s => s.Index).Select(s => s.WorkerName!).ToListAsync(ct);
        string workers = string.Join(", ", names.Distinct(StringComparer.Ordinal));
        if (workers.Length > 1000) workers = workers[..1000];
        await db.MapElitesRuns.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Workers, workers), ct);
    }
}
