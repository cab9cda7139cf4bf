using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Portal.Data.Entities;
using Portal.Data.Runs;

namespace Portal.Data.Tests;

/// <summary>Strategies stored when every summary figure had its own column read back identically from the JSON summary.</summary>
public sealed class StrategySummaryUpgradeTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    /// <summary>What an old row held: awkward doubles (not exact in 15 digits, extreme exponents), null and not-null
    /// intervals, and inventory paths.</summary>
    private static readonly RunStrategySummary Expected = new()
    {
        P5Bps = 0.1 + 0.2, P50Bps = 1.0 / 3, P95Bps = 12345.678901234567, Cvar95Bps = 2.2250738585072014e-308, CostSharpe = null, Completion = 0.9999999999999999,
        MeanShortfallCurrency = -1234567.891, VsTwapMeanBps = -1e-300, VsTwapCiLowBps = -2.5e-7, VsTwapCiHighBps = 3.14159265358979,
        RegretBps = 0.7, VsBestStaticMeanBps = 1.5, VsBestStaticCiLowBps = 1, VsBestStaticCiHighBps = 2,
        VsBestStaticObjectiveBps = null, VsBestStaticObjectiveCiLowBps = null, VsBestStaticObjectiveCiHighBps = null,
        MeanInventory = [1, 2.0 / 3, 1.0 / 3, 0], InventoryP5 = [1, 0.6, 0.3, 0], InventoryP95 = [1, 0.7000000000000001, 0.4, 0],
        MeanParticipation = [0.01, 0.1 + 0.2, 0.05], ForcedFraction = 0.125, UnfilledFraction = 1e-17, CapBreaches = 9_000_000_000,
        MaxParticipation = 0.2999999999999999, OpportunityCostBps = 6.02214076e23,
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_strategy_stored_in_columns_reads_back_identically_after_the_migration_and_upgrade(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider, migrate: false);
        var runId = Guid.NewGuid();
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            // The schema before the summary was one JSON column, and a strategy stored as it was then.
            var migrations = db.Database.GetMigrations().ToList();
            var summaryMigration = migrations.FindIndex(m => m.EndsWith("_StrategySummaryJson", StringComparison.Ordinal));
            Assert.True(summaryMigration > 0);
            await db.GetService<IMigrator>().MigrateAsync(migrations[summaryMigration - 1]);
            await InsertAsStoredBeforeAsync(db, provider, runId);
        }

        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
            if (provider == DatabaseProvider.Postgres)
            {
                // The run of the row inserted without its foreign key checked (see InsertAsStoredBeforeAsync).
                var team = new Team { Name = "Desk" };
                db.Teams.Add(team);
                db.Runs.Add(new Run { Id = runId, TeamId = team.Id, ScenarioName = "s", ScenarioJson = "{}", Status = RunStatus.Succeeded });
                await db.SaveChangesAsync();
            }
        }
        Assert.Equal(1, await StrategySummaryUpgrade.UpgradeAsync(store.Factory));
        Assert.Equal(0, await StrategySummaryUpgrade.UpgradeAsync(store.Factory));

        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var run = await db.Runs.AsNoTracking().Include(r => r.Strategies).SingleAsync(r => r.Id == runId);
            var s = Assert.Single(run.Strategies);
            Assert.Equal((0, "agent:x", "Agent X", 250, 10.5, 3.25, 9.75, 11.25, 250, "episode"),
                (s.Index, s.StrategyId, s.DisplayName, s.Episodes, s.MeanBps, s.StdBps, s.MeanCiLowBps, s.MeanCiHighBps, s.IndependentUnits, s.UnitKind));
            AssertSameBits(Expected, s.Summary);
        }
    }

    [Fact]
    public void The_json_shape_round_trips_every_double_bit_for_bit_and_names_its_version()
    {
        var json = RunStrategySummary.Serialize(Expected);
        Assert.Contains("\"schemaVersion\":1", json, StringComparison.Ordinal);
        AssertSameBits(Expected, RunStrategySummary.Deserialize(json));
        var odd = RunStrategySummary.Deserialize(RunStrategySummary.Serialize(Expected with { P5Bps = double.NaN, P95Bps = double.PositiveInfinity, Completion = -0.0 }));
        Assert.True(double.IsNaN(odd.P5Bps) && double.IsPositiveInfinity(odd.P95Bps) && double.IsNegative(odd.Completion));
        // A summary stored before a property existed reads it as its default.
        var older = RunStrategySummary.Deserialize("{\"schemaVersion\":1,\"p5Bps\":2.5}");
        Assert.Equal((2.5, 0L, 0), (older.P5Bps, older.CapBreaches, older.MeanParticipation.Length));
    }

    private static void AssertSameBits(RunStrategySummary expected, RunStrategySummary actual)
    {
        foreach (var p in typeof(RunStrategySummary).GetProperties())
        {
            var (e, a) = (p.GetValue(expected), p.GetValue(actual));
            switch (e)
            {
                case double x:
                    Assert.Equal(BitConverter.DoubleToInt64Bits(x), BitConverter.DoubleToInt64Bits((double)a!));
                    break;
                case double[] xs:
                    Assert.Equal(xs.Select(BitConverter.DoubleToInt64Bits), ((double[])a!).Select(BitConverter.DoubleToInt64Bits));
                    break;
                default:
                    Assert.Equal(e, a);
                    break;
            }
        }
    }

    private static async Task InsertAsStoredBeforeAsync(PortalDbContext db, DatabaseProvider provider, Guid runId)
    {
        var e = Expected;
        object Array(double[] values) => provider == DatabaseProvider.Postgres ? values : JsonSerializer.Serialize(values);
        object?[] values =
        [
            runId, 0, "agent:x", "Agent X", 250, 10.5, 3.25, 9.75, 11.25, 250, "episode",
            e.P5Bps, e.P50Bps, e.P95Bps, e.Cvar95Bps, e.CostSharpe, e.Completion, e.MeanShortfallCurrency,
            e.VsTwapMeanBps, e.VsTwapCiLowBps, e.VsTwapCiHighBps, e.RegretBps,
            e.VsBestStaticMeanBps, e.VsBestStaticCiLowBps, e.VsBestStaticCiHighBps,
            e.VsBestStaticObjectiveBps, e.VsBestStaticObjectiveCiLowBps, e.VsBestStaticObjectiveCiHighBps,
            Array(e.MeanInventory), Array(e.InventoryP5), Array(e.InventoryP95), Array(e.MeanParticipation),
            e.ForcedFraction, e.UnfilledFraction, e.CapBreaches, e.MaxParticipation, e.OpportunityCostBps,
        ];
        string[] columns =
        [
            "RunId", "Index", "StrategyId", "DisplayName", "Episodes", "MeanBps", "StdBps", "MeanCiLowBps", "MeanCiHighBps",
            "IndependentUnits", "UnitKind",
            "P5Bps", "P50Bps", "P95Bps", "Cvar95Bps", "CostSharpe", "Completion", "MeanShortfallCurrency",
            "VsTwapMeanBps", "VsTwapCiLowBps", "VsTwapCiHighBps", "RegretBps",
            "VsBestStaticMeanBps", "VsBestStaticCiLowBps", "VsBestStaticCiHighBps",
            "VsBestStaticObjectiveBps", "VsBestStaticObjectiveCiLowBps", "VsBestStaticObjectiveCiHighBps",
            "MeanInventory", "InventoryP5", "InventoryP95", "MeanParticipation",
            "ForcedFraction", "UnfilledFraction", "CapBreaches", "MaxParticipation", "OpportunityCostBps",
        ];
        Assert.Equal(columns.Length, values.Length);
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        if (provider == DatabaseProvider.Postgres)
        {
            // The run is added once migrated (the runs table moves on with later migrations): foreign keys wait until then.
            await db.Database.ExecuteSqlRawAsync("SET session_replication_role = replica");
        }
        else
        {
            // SQLite checks foreign keys when a migration rebuilds a table: the team and run go in now, in the columns
            // they have at this migration (any other required column without a default gets 0, '' or a date).
            var teamId = Guid.NewGuid().ToString().ToUpperInvariant();
            await InsertSqliteRowAsync(connection, "Teams", new() { ["Id"] = teamId, ["Name"] = "Desk" });
            await InsertSqliteRowAsync(connection, "Runs", new()
            {
                ["Id"] = runId.ToString().ToUpperInvariant(), ["TeamId"] = teamId, ["Status"] = nameof(RunStatus.Succeeded),
                ["ScenarioName"] = "s", ["ScenarioJson"] = "{}", ["Warnings"] = "[]",
            });
        }
        await using var command = connection.CreateCommand();
        command.CommandText = $"INSERT INTO \"RunStrategyResults\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) " +
            $"VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})";
        for (var i = 0; i < values.Length; i++)
        {
            var p = command.CreateParameter();
            p.ParameterName = $"@p{i}";
            p.Value = values[i] is Guid g && provider == DatabaseProvider.Sqlite ? g.ToString().ToUpperInvariant() : values[i] ?? DBNull.Value;
            command.Parameters.Add(p);
        }
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
        if (provider == DatabaseProvider.Postgres)
        {
            await db.Database.ExecuteSqlRawAsync("SET session_replication_role = DEFAULT");
        }
    }

    private static async Task InsertSqliteRowAsync(System.Data.Common.DbConnection connection, string table, Dictionary<string, object> values)
    {
        await using (var info = connection.CreateCommand())
        {
            info.CommandText = $"SELECT name, type FROM pragma_table_info('{table}') WHERE \"notnull\" = 1 AND dflt_value IS NULL";
            await using var reader = await info.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var (name, type) = (reader.GetString(0), reader.GetString(1));
                if (!values.ContainsKey(name))
                {
                    values[name] = type is "INTEGER" or "REAL" ? 0 : name.EndsWith("Utc", StringComparison.Ordinal) ? "2026-01-01 00:00:00" : "";
                }
            }
        }
        await using var command = connection.CreateCommand();
        var names = values.Keys.ToList();
        command.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", names.Select(n => $"\"{n}\""))}) VALUES ({string.Join(", ", names.Select((_, i) => $"@v{i}"))})";
        for (var i = 0; i < names.Count; i++)
        {
            var p = command.CreateParameter();
            p.ParameterName = $"@v{i}";
            p.Value = values[names[i]];
            command.Parameters.Add(p);
        }
        await command.ExecuteNonQueryAsync();
    }
}
