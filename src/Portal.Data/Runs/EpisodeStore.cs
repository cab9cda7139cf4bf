using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.Domain.Backtesting;

namespace Portal.Data.Runs;

/// <summary>
/// The one way to the per-episode results of a run: the run page, the report (page, PDF, CSV), comparisons and
/// leaderboards all read through here. Runs are stored as one packed block per strategy (<see cref="RunEpisodeBlock"/>);
/// runs stored before as one row per episode (<see cref="RunEpisodeResult"/>) are read from those rows, with the same
/// answers. Callers check that the run is the caller team's before asking.
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
            .Select(b => new { b.RunId, b.StrategyIndex, b.Count, b.Data }).ToListAsync(ct);
        foreach (var b in blocks)
        {
            read[(b.RunId, b.StrategyIndex)] = EpisodeColumns.Unpack(b.Data, b.Count, shortfallOnly: true);
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

    /// <summary>Adds one packed block per strategy of <paramref name="result"/> to <paramref name="db"/> (saved with the caller's changes).</summary>
    internal static void Add(PortalDbContext db, Guid runId, BacktestResult result)
    {
        for (var i = 0; i < result.Strategies.Count; i++)
        {
            var columns = EpisodeColumns.From(result.Strategies[i].Episodes);
            db.RunEpisodeBlocks.Add(new RunEpisodeBlock { RunId = runId, StrategyIndex = i, Count = columns.Count, Data = columns.Pack() });
        }
    }

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
        var block = await db.RunEpisodeBlocks.AsNoTracking()
            .Where(b => b.RunId == runId && b.StrategyIndex == strategyIndex)
            .Select(b => new { b.Count, b.Data })
            .SingleOrDefaultAsync(ct);
        if (block is not null)
        {
            return EpisodeColumns.Unpack(block.Data, block.Count, shortfallOnly);
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
