using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.Domain.Backtesting;

namespace Portal.Data.Runs;

/// <summary>
/// The one way to the per-episode results of a run: the run page, the report (page, PDF, CSV), comparisons and
/// leaderboards all read through here. Runs are stored as packed blocks of consecutive episodes per strategy
/// (<see cref="RunEpisodeBlock"/>): one block per strategy for a run stored as one job, one per strategy and shard for a
/// sharded run (each shard stores its own). A strategy's blocks are read in first-episode order and laid end to end, so
/// every reader sees the columns one block would hold. Runs stored before as one row per episode
/// (<see cref="RunEpisodeResult"/>) are read from those rows, with the same answers. Callers check that the run is the
/// caller team's before asking.
/// </summary>
public sealed class EpisodeStore(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>Every episode of one strategy of a run, by episode number; empty when none is stored.</summary>
    public async Task<EpisodeColumns> ReadAsync(Guid runId, int strategyIndex, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ReadAsync(db, runId, strategyIndex, shortfallOnly: false, ct);
    }

    /// <summary>Episode numbers and shortfalls (bps) of one strategy of a run, without the other fields.</summary>
    public async Task<EpisodeColumns> ReadShortfallsAsync(Guid runId, int strategyIndex, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await ReadAsync(db, runId, strategyIndex, shortfallOnly: true, ct);
    }

    /// <summary>Episode numbers and shortfalls (bps) of every strategy of several runs, by (run, strategy index), in two
    /// queries (packed blocks, then rows of runs stored one row per episode); strategies without episodes are absent.</summary>
    public async Task<Dictionary<(Guid RunId, int StrategyIndex), EpisodeColumns>> ReadShortfallsAsync(IReadOnlyCollection<Guid> runIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(runIds);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = runIds.ToList();
        var read = new Dictionary<(Guid, int), EpisodeColumns>();
        var blocks = await db.RunEpisodeBlocks.AsNoTracking().Where(b => ids.Contains(b.RunId))
            .Select(b => new { b.RunId, b.StrategyIndex, b.FirstEpisode, b.Count, b.Data }).ToListAsync(ct);
        foreach (var strategy in blocks.GroupBy(b => (b.RunId, b.StrategyIndex)))
        {
            read[strategy.Key] = EpisodeColumns.Concat([.. strategy.OrderBy(b => b.FirstEpisode).Select(b => EpisodeColumns.Unpack(b.Data, b.Count, shortfallOnly: true))]);
        }
        var rows = await db.RunEpisodeResults.AsNoTracking().Where(e => ids.Contains(e.RunId))
            .Select(e => new { e.RunId, e.StrategyIndex, e.Episode, e.ShortfallBps }).ToListAsync(ct);
        foreach (var strategy in rows.GroupBy(e => (e.RunId, e.StrategyIndex)).Where(g => !read.ContainsKey(g.Key)))
        {
            read[strategy.Key] = EpisodeColumns.From(strategy.OrderBy(e => e.Episode).Select(e => new EpisodeResult(e.Episode, e.ShortfallBps, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
        }
        return read;
    }

    /// <summary>
    /// Per strategy index, the shortfalls (bps) of the episodes whose number is a multiple of <paramref name="stride"/>,
    /// at most <paramref name="max"/> each, in episode order: evenly spaced samples for charts.
    /// </summary>
    public async Task<Dictionary<int, double[]>> ShortfallSamplesAsync(Guid runId, int stride, int max, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var samples = new Dictionary<int, double[]>();
        foreach (var index in await StrategyIndexesAsync(db, runId, ct))
        {
            var columns = await ReadAsync(db, runId, index, shortfallOnly: true, ct);
            if (columns.Count > 0)
            {
                samples[index] = columns.ShortfallSample(stride, max);
            }
        }
        return samples;
    }

    /// <summary>Episodes stored for the run, over every strategy and both storage forms.</summary>
    public async Task<long> CountAsync(Guid runId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var packed = await db.RunEpisodeBlocks.Where(b => b.RunId == runId).SumAsync(b => (long)b.Count, ct);
        var rows = await db.RunEpisodeResults.LongCountAsync(e => e.RunId == runId, ct);
        return packed + rows;
    }

    /// <summary>Adds one packed block per strategy of <paramref name="result"/>, from episode 0, to <paramref name="db"/>
    /// (saved with the caller's changes).</summary>
    internal static void Add(PortalDbContext db, Guid runId, BacktestResult result)
    {
        for (var i = 0; i < result.Strategies.Count; i++)
        {
            Add(db, runId, PackedEpisodes.Pack(i, 0, result.Strategies[i].Episodes));
        }
    }

    /// <summary>Adds <paramref name="blocks"/> to <paramref name="db"/> (saved with the caller's changes).</summary>
    internal static void Add(PortalDbContext db, Guid runId, IEnumerable<PackedEpisodes> blocks)
    {
        foreach (var block in blocks)
        {
            Add(db, runId, block);
        }
    }

    /// <summary>
    /// Stores those of <paramref name="blocks"/> the run does not hold yet (by strategy and first episode), in one
    /// transaction: for shards stored with their episodes inside their partial result, before shards stored their own
    /// blocks. A block already stored is the same block (a shard's episodes do not depend on who ran it) and is kept.
    /// </summary>
    public async Task AddMissingAsync(Guid runId, IReadOnlyList<PackedEpisodes> blocks, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count == 0)
        {
            return;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var stored = (await db.RunEpisodeBlocks.Where(b => b.RunId == runId).Select(b => new { b.StrategyIndex, b.FirstEpisode }).ToListAsync(ct))
                .Select(b => (b.StrategyIndex, b.FirstEpisode)).ToHashSet();
            Add(db, runId, blocks.Where(b => !stored.Contains((b.StrategyIndex, b.FirstEpisode))));
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
    }

    private static void Add(PortalDbContext db, Guid runId, PackedEpisodes block) =>
        db.RunEpisodeBlocks.Add(new RunEpisodeBlock { RunId = runId, StrategyIndex = block.StrategyIndex, FirstEpisode = block.FirstEpisode, Count = block.Count, Data = block.Data });

    /// <summary>Deletes every episode of the run, in both storage forms.</summary>
    internal static async Task DeleteAsync(PortalDbContext db, Guid runId, CancellationToken ct)
    {
        await db.RunEpisodeBlocks.Where(b => b.RunId == runId).ExecuteDeleteAsync(ct);
        await db.RunEpisodeResults.Where(e => e.RunId == runId).ExecuteDeleteAsync(ct);
    }

    private static async Task<List<int>> StrategyIndexesAsync(PortalDbContext db, Guid runId, CancellationToken ct) =>
        await db.RunStrategyResults.Where(s => s.RunId == runId).OrderBy(s => s.Index).Select(s => s.Index).ToListAsync(ct);

    private static async Task<EpisodeColumns> ReadAsync(PortalDbContext db, Guid runId, int strategyIndex, bool shortfallOnly, CancellationToken ct)
    {
        var blocks = await db.RunEpisodeBlocks.AsNoTracking()
            .Where(b => b.RunId == runId && b.StrategyIndex == strategyIndex)
            .OrderBy(b => b.FirstEpisode)
            .Select(b => new { b.Count, b.Data })
            .ToListAsync(ct);
        if (blocks.Count > 0)
        {
            return EpisodeColumns.Concat([.. blocks.Select(b => EpisodeColumns.Unpack(b.Data, b.Count, shortfallOnly))]);
        }
        var rows = await db.RunEpisodeResults.AsNoTracking()
            .Where(e => e.RunId == runId && e.StrategyIndex == strategyIndex)
            .OrderBy(e => e.Episode)
            .ToListAsync(ct);
        return rows.Count == 0
            ? EpisodeColumns.Empty
            : EpisodeColumns.From(rows.Select(e => new EpisodeResult(e.Episode, e.ShortfallBps, e.ShortfallCurrency, e.ArrivalSlippageBps,
                e.VwapSlippageBps, e.SpreadAndFeesBps, e.TemporaryImpactBps, e.PermanentImpactBps, e.TimingBps, e.ForcedQuantity, e.MaxParticipation)));
    }
}

/// <summary>One strategy's episodes from <see cref="FirstEpisode"/> on, packed (<see cref="EpisodeColumns.Pack"/>) and ready
/// to store as a <see cref="RunEpisodeBlock"/>.</summary>
/// <param name="StrategyIndex">The strategy's index in the run.</param>
/// <param name="FirstEpisode">First episode of the block.</param>
/// <param name="Count">Episodes in the block.</param>
/// <param name="Data">The packed columns.</param>
public sealed record PackedEpisodes(int StrategyIndex, int FirstEpisode, int Count, byte[] Data)
{
    /// <summary>Packs <paramref name="episodes"/> of strategy <paramref name="strategyIndex"/>, whose first is <paramref name="firstEpisode"/>.</summary>
    /// <exception cref="ArgumentException">An episode comes before <paramref name="firstEpisode"/>, or episode numbers repeat.</exception>
    public static PackedEpisodes Pack(int strategyIndex, int firstEpisode, IEnumerable<EpisodeResult> episodes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(strategyIndex);
        ArgumentOutOfRangeException.ThrowIfNegative(firstEpisode);
        var columns = EpisodeColumns.From(episodes);
        if (columns.Count > 0 && columns.Episodes[0] < firstEpisode)
        {
            throw new ArgumentException($"Episode {columns.Episodes[0]} comes before the block's first episode {firstEpisode}.", nameof(episodes));
        }
        return new PackedEpisodes(strategyIndex, firstEpisode, columns.Count, columns.Pack());
    }
}
