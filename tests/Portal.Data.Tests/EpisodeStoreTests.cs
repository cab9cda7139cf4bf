using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Data.Entities;
using Portal.Data.Runs;
using Portal.Domain.Backtesting;
using Xunit.Abstractions;

namespace Portal.Data.Tests;

/// <summary>Episodes are packed per run and strategy, read back bit for bit, and runs stored as one row per episode still read.</summary>
public sealed class EpisodeStoreTests(ITestOutputHelper output)
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    private const int SizeStrategies = 4;
    private const int SizeEpisodes = 250_000;

    [Fact]
    public void Packing_keeps_every_field_bit_for_bit_including_special_values_and_gaps_in_episode_numbers()
    {
        double[] odd = [0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, double.MaxValue, -1e-300, 12.345678901234567];
        var episodes = Enumerable.Range(0, 50).Select(i => new EpisodeResult(
                i * 3 + (i > 20 ? 1000 : 0), odd[i % odd.Length], i * 0.1, -i, odd[(i + 1) % odd.Length], 1.5, 2.5, 3.5, 4.5, i == 7 ? 12.0 : 0, 0.25)
            { UnfilledQuantity = i == 3 ? 100 : 0, OpportunityCostBps = odd[(i + 2) % odd.Length] })
            .Reverse().ToList();

        var packed = EpisodeColumns.From(episodes).Pack();
        var read = EpisodeColumns.Unpack(packed, episodes.Count);

        var expected = episodes.OrderBy(e => e.Episode).ToList();
        Assert.Equal(expected.Select(e => e.Episode), read.Episodes);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(Bits(expected[i]), Bits(read[i]));
        }
        var front = EpisodeColumns.Unpack(packed, episodes.Count, shortfallOnly: true);
        Assert.Equal(expected.Select(e => BitConverter.DoubleToInt64Bits(e.ShortfallBps)), front.ShortfallBps.Select(BitConverter.DoubleToInt64Bits));
        Assert.False(front.IsComplete);
        Assert.Throws<InvalidOperationException>(() => front[0]);
    }

    [Fact]
    public void A_block_of_another_format_the_wrong_count_or_cut_short_is_refused()
    {
        var packed = EpisodeColumns.From(Synthetic(0, 1000)).Pack();

        var otherVersion = (byte[])packed.Clone();
        otherVersion[0] = 2;
        Assert.Contains("format 2", Assert.Throws<InvalidDataException>(() => EpisodeColumns.Unpack(otherVersion, 1000)).Message);
        Assert.Contains("holds 1000 episodes", Assert.Throws<InvalidDataException>(() => EpisodeColumns.Unpack(packed, 999)).Message);
        Assert.ThrowsAny<InvalidDataException>(() => EpisodeColumns.Unpack(packed[..(packed.Length / 2)], 1000));
        Assert.Throws<ArgumentException>(() => EpisodeColumns.From([Synthetic(0, 2)[0], Synthetic(0, 2)[0]]));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_run_stored_as_one_row_per_episode_reads_exactly_as_the_same_run_stored_packed(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var result = Result(strategies: 3, episodes: 700);
        var packedRun = await SeedRunAsync(store, result.Episodes);
        var legacyRun = await SeedRunAsync(store, result.Episodes);
        await new RunResultStore(store.Factory, NullLogger<RunResultStore>.Instance).SaveAsync(packedRun, result, CancellationToken.None);
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            // As runs were stored before packing: summaries and one row per episode (episode numbers inserted out of order).
            var summaries = await db.RunStrategyResults.AsNoTracking().Where(s => s.RunId == packedRun).ToListAsync();
            foreach (var s in summaries)
            {
                s.RunId = legacyRun;
                db.RunStrategyResults.Add(s);
            }
            for (var i = 0; i < result.Strategies.Count; i++)
            {
                foreach (var e in result.Strategies[i].Episodes.Reverse())
                {
                    db.RunEpisodeResults.Add(new RunEpisodeResult
                    {
                        RunId = legacyRun, StrategyIndex = i, Episode = e.Episode, ShortfallBps = e.ShortfallBps,
                        ShortfallCurrency = e.ShortfallCurrency, ArrivalSlippageBps = e.ArrivalSlippageBps, VwapSlippageBps = e.VwapSlippageBps,
                        SpreadAndFeesBps = e.SpreadAndFeesBps, TemporaryImpactBps = e.TemporaryImpactBps, PermanentImpactBps = e.PermanentImpactBps,
                        TimingBps = e.TimingBps, ForcedQuantity = e.ForcedQuantity, MaxParticipation = e.MaxParticipation,
                    });
                }
            }
            await db.SaveChangesAsync();
        }

        var episodes = new EpisodeStore(store.Factory);
        Assert.Equal(3 * 700, await episodes.CountAsync(packedRun));
        Assert.Equal(3 * 700, await episodes.CountAsync(legacyRun));
        for (var i = 0; i < result.Strategies.Count; i++)
        {
            var packed = await episodes.ReadAsync(packedRun, i);
            var legacy = await episodes.ReadAsync(legacyRun, i);
            Assert.Equal(result.Strategies[i].Episodes, packed.Rows());
            Assert.Equal(packed.Rows(), legacy.Rows());
        }
        var samples = await episodes.ShortfallSamplesAsync(packedRun, stride: 7, max: 50);
        Assert.Equal(samples, await episodes.ShortfallSamplesAsync(legacyRun, stride: 7, max: 50));
        Assert.Equal([0, 1, 2], samples.Keys.Order());
        // Episodes 0, 7, 14, … of strategy 1, the first 50 of them.
        Assert.Equal(result.Strategies[1].Episodes.Where(e => e.Episode % 7 == 0).Take(50).Select(e => e.ShortfallBps), samples[1]);
        Assert.Equal(0, (await episodes.ReadAsync(Guid.NewGuid(), 0)).Count);
    }

    /// <summary>
    /// The fixed workload: 4 strategies × 250,000 episodes = 1,000,000 episode rows of synthetic, full-precision values
    /// (normal costs in bps, their currency amounts, participations, rare forced trades), saved through the run result
    /// store. The values are full-entropy noise, the worst case for compression: only the sign and exponent bytes and
    /// the zero columns pack away, about 6.3 of every 8 bytes stay. The stored growth of the database must stay under
    /// 70 MB (measured: 62.0 MB on SQLite, 64.3 MB on PostgreSQL); the same rows stored one per episode, as before, take
    /// 171.6 MB and 175.0 MB and are measured beside it.
    /// </summary>
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_million_episode_rows_take_under_70_MB_packed_where_rows_took_over_170_MB(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var result = Result(SizeStrategies, SizeEpisodes);
        var runId = await SeedRunAsync(store, SizeEpisodes);
        var legacyRun = await SeedRunAsync(store, SizeEpisodes);

        var before = await StoredBytesAsync(store, "RunEpisodeBlocks");
        await new RunResultStore(store.Factory, NullLogger<RunResultStore>.Instance).SaveAsync(runId, result, CancellationToken.None);
        var packed = await StoredBytesAsync(store, "RunEpisodeBlocks") - before;

        var beforeRows = await StoredBytesAsync(store, "RunEpisodeResults");
        await InsertRowsAsTheyWereStoredAsync(store, runId, legacyRun);
        var rows = await StoredBytesAsync(store, "RunEpisodeResults") - beforeRows;

        output.WriteLine($"{provider}: 1,000,000 episode rows take {packed / 1e6:F1} MB packed, {rows / 1e6:F1} MB as one row per episode");
        Assert.Equal(SizeStrategies * SizeEpisodes, await new EpisodeStore(store.Factory).CountAsync(runId));
        Assert.InRange(packed, 1, 70_000_000);
        Assert.InRange(rows, 170_000_000, long.MaxValue);
    }

    /// <summary>
    /// Bytes a table takes: on PostgreSQL the table with its TOAST and indexes; on SQLite the whole database file
    /// (page count × page size), whose growth is what the table's writes added.
    /// </summary>
    private static async Task<long> StoredBytesAsync(TestStore store, string table)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        if (store.Provider == DatabaseProvider.Postgres)
        {
            return await ScalarAsync(connection, $"SELECT pg_total_relation_size('\"{table}\"')");
        }
        return await ScalarAsync(connection, "PRAGMA page_count") * await ScalarAsync(connection, "PRAGMA page_size");
    }

    /// <summary>The same number of rows, one per episode, in the table runs were stored in before.</summary>
    private static async Task InsertRowsAsTheyWereStoredAsync(TestStore store, Guid fromRun, Guid legacyRun)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        var summaries = await db.RunStrategyResults.AsNoTracking().Where(s => s.RunId == fromRun).ToListAsync();
        foreach (var s in summaries)
        {
            s.RunId = legacyRun;
            db.RunStrategyResults.Add(s);
        }
        await db.SaveChangesAsync();
        var run = store.Provider == DatabaseProvider.Postgres ? $"'{legacyRun}'::uuid" : $"'{legacyRun.ToString().ToUpperInvariant()}'";
        var series = store.Provider == DatabaseProvider.Postgres
            ? $"generate_series(0, {SizeEpisodes - 1}) AS n(x)"
            : $"(WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x < {SizeEpisodes - 1}) SELECT x FROM c) AS n";
        for (var s = 0; s < SizeStrategies; s++)
        {
            // Only numbers and a Guid are spliced in.
            var sql =
                $"""
                INSERT INTO "RunEpisodeResults" ("RunId","StrategyIndex","Episode","ShortfallBps","ShortfallCurrency","ArrivalSlippageBps",
                  "VwapSlippageBps","SpreadAndFeesBps","TemporaryImpactBps","PermanentImpactBps","TimingBps","ForcedQuantity","MaxParticipation")
                SELECT {run}, {s}, x, x * 0.5, x * 1.5, x * 2.5, x * 3.5, x * 4.5, x * 5.5, x * 6.5, x * 7.5, 0.0, x * 0.001 FROM {series}
                """;
            await db.Database.ExecuteSqlRawAsync(sql);
        }
    }

    private static async Task<long> ScalarAsync(DbConnection connection, string sql)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static long[] Bits(EpisodeResult e) =>
    [
        e.Episode, .. new[]
        {
            e.ShortfallBps, e.ShortfallCurrency, e.ArrivalSlippageBps, e.VwapSlippageBps, e.SpreadAndFeesBps, e.TemporaryImpactBps,
            e.PermanentImpactBps, e.TimingBps, e.ForcedQuantity, e.MaxParticipation, e.UnfilledQuantity, e.OpportunityCostBps,
        }.Select(BitConverter.DoubleToInt64Bits),
    ];

    private static BacktestResult Result(int strategies, int episodes) => new()
    {
        Episodes = episodes,
        Strategies = [.. Enumerable.Range(0, strategies).Select(s => new StrategyResult
        {
            StrategyId = $"s{s}",
            DisplayName = $"Strategy {s}",
            Summary = new StrategySummary(episodes, 1, 1, 0, 2, 0, 1, 2, 2, null, 1, 1, null, null),
            Episodes = Synthetic(s, episodes),
        })],
    };

    /// <summary>Seeded, full-precision episode values of the magnitudes a run produces (1 bp = 500 currency units here).</summary>
    private static List<EpisodeResult> Synthetic(int seed, int episodes)
    {
        var random = new Random(1000 + seed);
        double Normal(double mean, double sd) =>
            mean + sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var list = new List<EpisodeResult>(episodes);
        for (var e = 0; e < episodes; e++)
        {
            var spread = Normal(2.5, 0.3);
            var temporary = Normal(8, 2);
            var permanent = Normal(5, 1);
            var timing = Normal(0, 30);
            var shortfall = spread + temporary + permanent + timing;
            var arrival = shortfall - Normal(1, 0.1);
            list.Add(new EpisodeResult(e, shortfall, shortfall * 500, arrival, Normal(3, 10), spread, temporary, permanent, timing,
                random.NextDouble() < 0.05 ? Math.Round(random.NextDouble() * 10_000) : 0, 0.05 + 0.1 * random.NextDouble()));
        }
        return list;
    }

    private static async Task<Guid> SeedRunAsync(TestStore store, int episodes)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        var team = new Team { Name = "Desk" };
        db.Teams.Add(team);
        var run = new Run { TeamId = team.Id, ScenarioName = "size", ScenarioJson = "{}", Episodes = episodes, Seed = 1 };
        db.Runs.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }
}
