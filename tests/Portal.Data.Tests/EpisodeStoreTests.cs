using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
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
    /// A sharded run: each shard stores its episodes as blocks (run, strategy, first episode) with its completion, in any
    /// order and twice; every reader lays the blocks end to end and answers exactly as for the same episodes stored as one
    /// block per strategy, the merged result stores the same paired statistics without storing episodes again, and a
    /// one-job store of the run replaces every block.
    /// </summary>
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Episodes_stored_by_each_shard_read_exactly_as_one_block_per_strategy(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var result = Result(strategies: 3, episodes: 1500);
        var results = new RunResultStore(store.Factory, NullLogger<RunResultStore>.Instance);
        var oneBlock = await SeedRunAsync(store, result.Episodes);
        await results.SaveAsync(oneBlock, result, CancellationToken.None);

        var sharded = await SeedRunAsync(store, result.Episodes);
        (int First, int Count)[] ranges = [(0, 512), (512, 512), (1024, 476)];
        var shards = new RunShardStore(store.Factory);
        Assert.Equal(3, await shards.PlanAsync(sharded, ranges, "{}", CancellationToken.None));
        List<PackedEpisodes> Blocks(int shard) => [.. Enumerable.Range(0, 3).Select(s =>
            PackedEpisodes.Pack(s, ranges[shard].First, result.Strategies[s].Episodes.Skip(ranges[shard].First).Take(ranges[shard].Count)))];
        var episodes = new EpisodeStore(store.Factory);
        int[] order = [2, 0, 2, 1, 0];
        for (var k = 0; k < order.Length; k++)
        {
            // A second copy of a finished shard stores nothing: neither its partial result nor its blocks.
            await shards.CompleteAsync(sharded, order[k], [(byte)k], Blocks(order[k]), "w", CancellationToken.None);
        }
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var keys = await db.RunEpisodeBlocks.AsNoTracking().Where(b => b.RunId == sharded).OrderBy(b => b.StrategyIndex).ThenBy(b => b.FirstEpisode)
                .Select(b => new { b.StrategyIndex, b.FirstEpisode, b.Count }).ToListAsync();
            Assert.Equal(Enumerable.Range(0, 3).SelectMany(s => ranges.Select(r => (s, r.First, r.Count))), keys.Select(k => (k.StrategyIndex, k.FirstEpisode, k.Count)));
            Assert.Equal([1, 3, 0], (await db.RunShards.AsNoTracking().Where(s => s.RunId == sharded).OrderBy(s => s.Index).Select(s => s.Data).ToListAsync()).Select(d => (int)d![0]));
        }

        Assert.Equal(await episodes.CountAsync(oneBlock), await episodes.CountAsync(sharded));
        var both = await episodes.ReadShortfallsAsync([oneBlock, sharded]);
        for (var i = 0; i < 3; i++)
        {
            var expected = await episodes.ReadAsync(oneBlock, i);
            var actual = await episodes.ReadAsync(sharded, i);
            Assert.Equal(expected.Episodes, actual.Episodes);
            Assert.Equal(expected.Rows().Select(Bits), actual.Rows().Select(Bits));
            Assert.Equal(expected.ShortfallBps.Select(BitConverter.DoubleToInt64Bits), (await episodes.ReadShortfallsAsync(sharded, i)).ShortfallBps.Select(BitConverter.DoubleToInt64Bits));
            Assert.Equal(both[(oneBlock, i)].Episodes, both[(sharded, i)].Episodes);
            Assert.Equal(both[(oneBlock, i)].ShortfallBps.Select(BitConverter.DoubleToInt64Bits), both[(sharded, i)].ShortfallBps.Select(BitConverter.DoubleToInt64Bits));
        }

        // The merged result: episodes not in it and not stored again; the same pairs as the one-block run.
        var shortfalls = (await episodes.ReadShortfallsAsync([sharded])).ToDictionary(e => e.Key.StrategyIndex, e => e.Value);
        var merged = new BacktestResult { Episodes = result.Episodes, Strategies = [.. result.Strategies.Select(s => s with { Episodes = [] })] };
        Assert.Contains("Strategy 2", Assert.Throws<ArgumentException>(() =>
            results.SaveMergedAsync(sharded, merged, shortfalls.Where(e => e.Key < 2).ToDictionary(), CancellationToken.None).GetAwaiter().GetResult()).Message);
        await results.SaveMergedAsync(sharded, merged, shortfalls, CancellationToken.None);
        Assert.Equal(await SamplesAsync(oneBlock), await SamplesAsync(sharded));
        Assert.Equal(await PairsAsync(oneBlock), await PairsAsync(sharded));
        Assert.Equal(9, await BlockCountAsync(sharded));

        // A run stored as one job (the same run again, say) replaces every block of its shards with one per strategy.
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            await db.Runs.Where(r => r.Id == sharded).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatus.Running));
        }
        await results.SaveAsync(sharded, result, CancellationToken.None);
        Assert.Equal(3, await BlockCountAsync(sharded));
        Assert.Equal((await episodes.ReadAsync(oneBlock, 1)).Rows().Select(Bits), (await episodes.ReadAsync(sharded, 1)).Rows().Select(Bits));

        // Blocks a merge adds for shards that carried their episodes: only those missing, the others kept.
        var carried = await SeedRunAsync(store, result.Episodes);
        await episodes.AddMissingAsync(carried, Blocks(1));
        await episodes.AddMissingAsync(carried, [.. Blocks(0), .. Blocks(1), .. Blocks(2)]);
        Assert.Equal(9, await BlockCountAsync(carried));
        Assert.Equal((await episodes.ReadAsync(oneBlock, 2)).Rows().Select(Bits), (await episodes.ReadAsync(carried, 2)).Rows().Select(Bits));

        async Task<int> BlockCountAsync(Guid runId)
        {
            await using var db = await store.Factory.CreateDbContextAsync();
            return await db.RunEpisodeBlocks.CountAsync(b => b.RunId == runId);
        }
        async Task<List<string>> SamplesAsync(Guid runId) =>
            [.. (await episodes.ShortfallSamplesAsync(runId, stride: 5, max: 100)).OrderBy(e => e.Key).Select(e => $"{e.Key}:{string.Join(",", e.Value.Select(BitConverter.DoubleToInt64Bits))}")];
        async Task<List<string>> PairsAsync(Guid runId)
        {
            await using var db = await store.Factory.CreateDbContextAsync();
            var pairs = await db.RunStrategyPairs.AsNoTracking().Where(p => p.RunId == runId).OrderBy(p => p.IndexA).ThenBy(p => p.IndexB).ToListAsync();
            Assert.NotEmpty(pairs);
            return [.. pairs.Select(p => $"{p.IndexA}/{p.IndexB}/{p.Pairs}/{BitConverter.DoubleToInt64Bits(p.Sum)}/{BitConverter.DoubleToInt64Bits(p.SumSquares)}/{BitConverter.DoubleToInt64Bits(p.WeightedVariance)}")];
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_run_stored_before_blocks_had_a_first_episode_reads_as_before_once_migrated(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider, migrate: false);
        var result = Result(strategies: 2, episodes: 600);
        Guid runId;
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var migrations = db.Database.GetMigrations().ToList();
            var at = migrations.FindIndex(m => m.EndsWith("_EpisodeBlocksPerShard", StringComparison.Ordinal));
            Assert.True(at > 0);
            await db.GetService<IMigrator>().MigrateAsync(migrations[at - 1]);
            var team = new Team { Name = "Desk" };
            db.Teams.Add(team);
            var run = new Run { TeamId = team.Id, ScenarioName = "before", ScenarioJson = "{}", Episodes = result.Episodes, Seed = 1 };
            db.Runs.Add(run);
            db.RunStrategyResults.AddRange(result.Strategies.Select((s, i) => RunStrategyResult.From(run.Id, i, s)));
            await db.SaveChangesAsync();
            runId = run.Id;
            // The block as stored then: key (run, strategy), no first episode.
            for (var i = 0; i < result.Strategies.Count; i++)
            {
                var data = EpisodeColumns.From(result.Strategies[i].Episodes).Pack();
                await db.Database.ExecuteSqlAsync($"INSERT INTO \"RunEpisodeBlocks\" (\"RunId\", \"StrategyIndex\", \"Count\", \"Data\") VALUES ({runId}, {i}, {result.Episodes}, {data})");
            }
        }
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
            Assert.Equal([(0, 0), (1, 0)], (await db.RunEpisodeBlocks.AsNoTracking().Where(b => b.RunId == runId).OrderBy(b => b.StrategyIndex)
                .Select(b => new { b.StrategyIndex, b.FirstEpisode }).ToListAsync()).Select(b => (b.StrategyIndex, b.FirstEpisode)));
        }

        var episodes = new EpisodeStore(store.Factory);
        Assert.Equal(2 * 600, await episodes.CountAsync(runId));
        for (var i = 0; i < result.Strategies.Count; i++)
        {
            Assert.Equal(result.Strategies[i].Episodes.Select(Bits), (await episodes.ReadAsync(runId, i)).Rows().Select(Bits));
        }
        // Deleting the run still takes its blocks with it (they belong to the run now).
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            await db.Runs.Where(r => r.Id == runId).ExecuteDeleteAsync();
        }
        Assert.Equal(0, await episodes.CountAsync(runId));
    }

    [Fact]
    public void Blocks_laid_end_to_end_are_the_columns_of_one_block_and_must_not_overlap()
    {
        var all = Synthetic(3, 1300);
        var whole = EpisodeColumns.Unpack(EpisodeColumns.From(all).Pack(), 1300);
        var parts = new[] { (0, 512), (512, 512), (1024, 276) }
            .Select(r => EpisodeColumns.Unpack(EpisodeColumns.From(all.Skip(r.Item1).Take(r.Item2)).Pack(), r.Item2)).ToList();
        var laid = EpisodeColumns.Concat(parts);
        Assert.Equal(whole.Episodes, laid.Episodes);
        Assert.Equal(whole.Rows().Select(Bits), laid.Rows().Select(Bits));
        Assert.Equal(whole.Pack(), laid.Pack());
        Assert.Same(parts[0], EpisodeColumns.Concat([parts[0]]));
        Assert.Equal(0, EpisodeColumns.Concat([]).Count);
        Assert.Contains("episode 512 follows episode 1299", Assert.Throws<ArgumentException>(() => EpisodeColumns.Concat([parts[0], parts[2], parts[1]])).Message);
        var front = EpisodeColumns.Unpack(EpisodeColumns.From(all.Skip(1300)).Pack(), 0, shortfallOnly: true);
        Assert.Throws<ArgumentException>(() => EpisodeColumns.Concat([parts[0], front]));
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
