using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Runs;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>Reads a run's stored episodes on PostgreSQL through <see cref="EpisodeStore"/>, as the portal does.</summary>
public static class StoredEpisodes
{
    public static EpisodeStore On(string postgresConnectionString) => new(new Factory(postgresConnectionString));

    /// <summary>
    /// What is wrong with the stored results of a finished run that should hold <paramref name="episodes"/> episodes per
    /// strategy exactly once: one summary per strategy and the same blocks for each (one, or one per shard of a sharded
    /// run, each starting at its first episode), which together hold episodes 0 … n−1 once. Null when right.
    /// </summary>
    public static async Task<string?> ExactlyOnceProblemAsync(string postgresConnectionString, Guid runId, int episodes)
    {
        var factory = new Factory(postgresConnectionString);
        await using var db = factory.CreateDbContext();
        var strategies = await db.RunStrategyResults.Where(s => s.RunId == runId).Select(s => s.Index).OrderBy(i => i).ToListAsync();
        var blocks = await db.RunEpisodeBlocks.Where(b => b.RunId == runId).Select(b => new { b.StrategyIndex, b.FirstEpisode }).ToListAsync();
        var rows = await db.RunEpisodeResults.CountAsync(e => e.RunId == runId);
        var firsts = blocks.GroupBy(b => b.StrategyIndex).OrderBy(g => g.Key)
            .Select(g => string.Join(",", g.Select(b => b.FirstEpisode).Order())).ToList();
        if (strategies.Count < 2 || !firsts.Any() || !blocks.Select(b => b.StrategyIndex).Distinct().Order().SequenceEqual(strategies)
            || firsts.Distinct().Count() != 1 || !firsts[0].StartsWith('0') || rows != 0)
        {
            return $"{strategies.Count} strategy summaries, episode blocks starting at {string.Join("; ", firsts)} and {rows} episode rows";
        }
        var store = new EpisodeStore(factory);
        foreach (var index in strategies)
        {
            var stored = await store.ReadAsync(runId, index);
            if (!stored.Episodes.SequenceEqual(Enumerable.Range(0, episodes)))
            {
                return $"strategy {index} holds {stored.Count} episodes, not episodes 0 to {episodes - 1} once each";
            }
        }
        return null;
    }

    private sealed class Factory(string connectionString) : IDbContextFactory<PortalDbContext>
    {
        public PortalDbContext CreateDbContext()
        {
            var options = new DbContextOptionsBuilder<PortalDbContext>();
            DataServiceCollectionExtensions.Configure(options, DatabaseProvider.Postgres, connectionString);
            return new PortalDbContext(options.Options);
        }
    }
}
