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
    /// strategy exactly once: one summary and one block per strategy, each holding episodes 0 … n−1 once. Null when right.
    /// </summary>
    public static async Task<string?> ExactlyOnceProblemAsync(string postgresConnectionString, Guid runId, int episodes)
    {
        var factory = new Factory(postgresConnectionString);
        await using var db = factory.CreateDbContext();
        var strategies = await db.RunStrategyResults.Where(s => s.RunId == runId).Select(s => s.Index).OrderBy(i => i).ToListAsync();
        var blocks = await db.RunEpisodeBlocks.CountAsync(b => b.RunId == runId);
        var rows = await db.RunEpisodeResults.CountAsync(e => e.RunId == runId);
        if (strategies.Count < 2 || blocks != strategies.Count || rows != 0)
        {
            return $"{strategies.Count} strategy summaries, {blocks} episode blocks and {rows} episode rows";
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
