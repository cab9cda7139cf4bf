using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Application.Runs;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Runs;
using Portal.Data.Tests;
using Portal.Domain.Scenarios;

namespace Portal.Application.Tests.Runs;

/// <summary>The runs list filters, sorts and pages in the database, within the caller's team, on both providers.</summary>
public sealed class RunListQueryTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    private static Run NewRun(Guid team, string name, Side side, double sizePct, double horizon, double? best, double? twap, DateTime created,
        string? tags = null, string regime = RegimePresets.Normal)
    {
        var demo = ScenarioPresets.Demo();
        var scenario = demo with
        {
            Name = name,
            Order = demo.Order with { Side = side, SizePctAdv = sizePct, HorizonMinutes = horizon },
            Market = regime == RegimePresets.Normal ? demo.Market : RegimePresets.Apply(demo.Market, regime),
        };
        var run = new Run
        {
            TeamId = team, ScenarioName = name, Name = name, ScenarioJson = ScenarioJson.Serialize(scenario), CreatedUtc = created,
            Status = best is null ? RunStatus.Queued : RunStatus.Succeeded, Episodes = 100, Tags = tags,
        };
        ScenarioFamily.Of(scenario).ApplyTo(run);
        RunHeadline.ApplyScenario(run, scenario);
        if (best is { } b && twap is { } t)
        {
            RunHeadline.ApplyResults(run, [
                new RunStrategyResult { RunId = run.Id, Index = 0, StrategyId = "twap", DisplayName = "TWAP", MeanBps = t },
                new RunStrategyResult { RunId = run.Id, Index = 1, StrategyId = "almgren-chriss", DisplayName = "Almgren–Chriss", MeanBps = b, Summary = new RunStrategySummary { RegretBps = b / 10 } },
            ]);
        }
        return run;
    }

    private static async Task<(Guid Team, Guid Other)> SeedAsync(TestStore store)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        var team = new Team { Name = "Desk" };
        var other = new Team { Name = "Other desk" };
        db.Teams.AddRange(team, other);
        var t0 = new DateTime(2026, 11, 1, 9, 0, 0, DateTimeKind.Utc);
        db.Runs.AddRange(
            NewRun(team.Id, "Small sell", Side.Sell, 1, 30, 12.5, 14, t0, "|baseline|"),
            NewRun(team.Id, "Large sell", Side.Sell, 10, 60, 40, 38, t0.AddHours(1), "|baseline|q4|"),
            NewRun(team.Id, "Volatile buy", Side.Buy, 5, 60, 25, 30, t0.AddHours(2), regime: RegimePresets.Volatile),
            NewRun(team.Id, "Queued buy", Side.Buy, 5, 120, null, null, t0.AddHours(3)),
            NewRun(other.Id, "Other team's sell", Side.Sell, 5, 60, 1, 2, t0.AddHours(4), "|baseline|"));
        await db.SaveChangesAsync();
        return (team.Id, other.Id);
    }

    private static IEnumerable<string> Names(RunListPage page) => page.Items.Select(i => i.Name);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Filters_on_scenario_parameters_and_results_match_only_the_teams_runs_that_satisfy_all_of_them(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (team, other) = await SeedAsync(store);
        var query = new RunListQuery(store.Factory);

        var all = await query.ListAsync(team, new RunListFilter());
        Assert.Equal(["Queued buy", "Volatile buy", "Large sell", "Small sell"], Names(all));
        Assert.Equal(4, all.Total);
        Assert.Equal(["Other team's sell"], Names(await query.ListAsync(other, new RunListFilter())));

        Assert.Equal(["Large sell", "Small sell"], Names(await query.ListAsync(team, new RunListFilter { Side = "SELL" })));
        Assert.Equal(["Queued buy", "Volatile buy"], Names(await query.ListAsync(team, new RunListFilter { SizePctAdvMin = 5, SizePctAdvMax = 5 })));
        Assert.Equal(["Queued buy"], Names(await query.ListAsync(team, new RunListFilter { HorizonMinutesMin = 61 })));
        Assert.Equal(["Volatile buy"], Names(await query.ListAsync(team, new RunListFilter { Regime = "volatile" })));
        Assert.Equal(4, (await query.ListAsync(team, new RunListFilter { Market = "simulated", ImpactModel = "almgren-chriss" })).Total);
        Assert.Equal(0, (await query.ListAsync(team, new RunListFilter { Market = "replay" })).Total);
        Assert.Equal(["Large sell", "Small sell"], Names(await query.ListAsync(team, new RunListFilter { Tag = "Baseline" })));
        Assert.Equal(["Large sell"], Names(await query.ListAsync(team, new RunListFilter { Tag = "q4" })));
        Assert.Empty(Names(await query.ListAsync(team, new RunListFilter { Tag = "q" })));
        Assert.Equal(["Volatile buy"], Names(await query.ListAsync(team, new RunListFilter { Text = "VOLATILE" })));
        Assert.Empty(Names(await query.ListAsync(team, new RunListFilter { Text = "%" })));
        Assert.Equal(["Queued buy"], Names(await query.ListAsync(team, new RunListFilter { Status = RunStatus.Queued })));
        Assert.Equal(["Large sell"], Names(await query.ListAsync(team, new RunListFilter { BestStrategy = "twap" })));
        Assert.Equal(["Volatile buy", "Small sell"], Names(await query.ListAsync(team, new RunListFilter { BestMeanBpsMax = 25 })));
        Assert.Equal(["Volatile buy"], Names(await query.ListAsync(team, new RunListFilter { TwapMeanBpsMin = 20, TwapMeanBpsMax = 35 })));
        Assert.Equal(["Small sell"], Names(await query.ListAsync(team, new RunListFilter { RegretBpsMax = 2 })));
        Assert.Equal(["Volatile buy", "Large sell"], Names(await query.ListAsync(team, new RunListFilter
        {
            CreatedFromUtc = new DateTime(2026, 11, 1, 10, 0, 0, DateTimeKind.Utc), CreatedToUtc = new DateTime(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc),
        })));

        var item = Assert.Single((await query.ListAsync(team, new RunListFilter { Tag = "q4" })).Items);
        Assert.Equal(("baseline,q4", "sell", 10.0, 60.0, "twap", 38.0, 38.0), (string.Join(',', item.Tags), item.Side, item.SizePctAdv, item.HorizonMinutes, item.BestStrategyId, item.BestMeanBps, item.TwapMeanBps));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Sorts_put_runs_without_a_value_last_in_either_direction_and_pages_are_1_based(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (team, _) = await SeedAsync(store);
        var query = new RunListQuery(store.Factory);

        Assert.Equal(["Small sell", "Volatile buy", "Large sell", "Queued buy"], Names(await query.ListAsync(team, new RunListFilter(), sort: "meanCostBps")));
        Assert.Equal(["Large sell", "Volatile buy", "Small sell", "Queued buy"], Names(await query.ListAsync(team, new RunListFilter(), sort: "-meanCostBps")));
        Assert.Equal(["Small sell", "Large sell", "Volatile buy", "Queued buy"], Names(await query.ListAsync(team, new RunListFilter(), sort: "created")));
        Assert.Equal(["Large sell", "Queued buy", "Small sell", "Volatile buy"], Names(await query.ListAsync(team, new RunListFilter(), sort: "name")));
        Assert.Equal(["Large sell", "Queued buy", "Volatile buy", "Small sell"], Names(await query.ListAsync(team, new RunListFilter(), sort: "-sizePctAdv")));

        var second = await query.ListAsync(team, new RunListFilter(), page: 2, pageSize: 3, sort: "created");
        Assert.Equal(("Queued buy", 4), (string.Join(',', Names(second)), second.Total));
        var beyond = await query.ListAsync(team, new RunListFilter(), page: 9, pageSize: 3);
        Assert.Equal((0, 4), (beyond.Items.Count, beyond.Total));

        Assert.Equal("pageSize", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => query.ListAsync(team, new RunListFilter(), pageSize: 101))).ParamName);
        Assert.Equal("pageSize", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => query.ListAsync(team, new RunListFilter(), pageSize: 0))).ParamName);
        Assert.Equal("page", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => query.ListAsync(team, new RunListFilter(), page: 0))).ParamName);
        Assert.Equal("sort", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => query.ListAsync(team, new RunListFilter(), sort: "-colour"))).ParamName);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Members_rename_tag_and_annotate_runs_of_their_team_and_viewers_cannot(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (team, other) = await SeedAsync(store);
        var tracking = new RunTracking(store.Factory);
        Guid id;
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            id = await db.Runs.Where(r => r.Name == "Small sell").Select(r => r.Id).SingleAsync();
        }

        var updated = await tracking.UpdateAsync(team, true, id, new RunTrackingUpdate("  Small sell, calm  ", [" Q4 ", "desk-a", "q4"], "why: a baseline"));
        Assert.NotNull(updated);
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var run = await db.Runs.AsNoTracking().SingleAsync(r => r.Id == id);
            Assert.Equal(("Small sell, calm", "|desk-a|q4|", "why: a baseline"), (run.Name, run.Tags, run.Notes));
        }
        // Omitted fields stay; empty ones clear.
        await tracking.UpdateAsync(team, true, id, new RunTrackingUpdate(null, [], null));
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var run = await db.Runs.AsNoTracking().SingleAsync(r => r.Id == id);
            Assert.Equal(("Small sell, calm", null, "why: a baseline"), (run.Name, run.Tags, run.Notes));
        }

        Assert.Null(await tracking.UpdateAsync(other, true, id, new RunTrackingUpdate("stolen", null, null)));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => tracking.UpdateAsync(team, false, id, new RunTrackingUpdate("x", null, null)));
        var invalid = await Assert.ThrowsAsync<ScenarioValidationException>(() => tracking.UpdateAsync(team, true, id, new RunTrackingUpdate(" ", ["no spaces allowed"], new string('n', 4001))));
        Assert.Equal(["name", "notes", "tags"], invalid.Errors.Select(e => e.Field).Order());
    }

    /// <summary>The first pages' size and offset are numbers in the SQL, later pages' parameters (see <c>RunListQuery.Window</c>).</summary>
    [Theory]
    [InlineData(1, 25, "LIMIT 25", null)]
    [InlineData(2, 25, "LIMIT 25 OFFSET 25", null)]
    [InlineData(4, 100, "LIMIT 100 OFFSET 300", null)]
    [InlineData(5, 25, null, "LIMIT 25 OFFSET 100")]
    [InlineData(40, 10, null, "OFFSET 390")]
    public async Task The_first_pages_write_their_window_into_the_SQL_and_later_pages_send_it_as_parameters(int page, int pageSize, string? inlined, string? notInlined)
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Postgres, migrate: false);
        await using var db = await store.Factory.CreateDbContextAsync();
        var sql = RunListQuery.ToSql(db, Guid.NewGuid(), new RunListFilter { Side = "sell" }, "-meanCostBps", page, pageSize);
        if (inlined is not null)
        {
            Assert.True(sql.Contains(inlined, StringComparison.Ordinal), sql);
        }
        if (notInlined is not null)
        {
            Assert.False(sql.Contains(notInlined, StringComparison.Ordinal), sql);
            Assert.Matches(@"LIMIT @\w+ OFFSET @\w+", sql);
        }
    }

    /// <summary>
    /// On PostgreSQL the first pages of the list, prepared on a connection, are planned once there (a generic plan), not
    /// again at every request: with the page size and offset as parameters PostgreSQL costs the generic plan as if a tenth
    /// of the team's runs were read, and plans each execution anew.
    /// </summary>
    private static async Task AssertPlannedOnceAsync(TestStore store, Guid team)
    {
        var single = new NpgsqlConnectionStringBuilder(store.ConnectionString) { MaxPoolSize = 1 }.ConnectionString;
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DataServiceCollectionExtensions.Configure(options, DatabaseProvider.Postgres, single);
        IDbContextFactory<PortalDbContext> factory = new SingleFactory(options.Options);
        var query = new RunListQuery(factory);
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal("run 9998", (await query.ListAsync(team, new RunListFilter(), pageSize: 25)).Items[0].Name);
            Assert.Equal("run 9988", (await query.ListAsync(team, new RunListFilter { Side = "sell" }, page: 2, pageSize: 5)).Items[0].Name);
        }
        await using var db = await factory.CreateDbContextAsync();
        var plans = await db.Database.SqlQueryRaw<PlanCounts>(
            "SELECT statement AS \"Statement\", generic_plans AS \"Generic\", custom_plans AS \"Custom\" FROM pg_prepared_statements WHERE statement LIKE '%FROM \"Runs\"%'").ToListAsync();
        Assert.Equal(2, plans.Count);
        Assert.All(plans, p => Assert.True(p.Generic >= 2, $"generic plans {p.Generic}, custom plans {p.Custom}: {p.Statement}"));
    }

    private sealed record PlanCounts(string Statement, long Generic, long Custom);

    private sealed class SingleFactory(DbContextOptions<PortalDbContext> options) : IDbContextFactory<PortalDbContext>
    {
        public PortalDbContext CreateDbContext() => new(options);
    }

    /// <summary>10,000 runs in one team: the page query reads them through the indexes after the team id, never by scanning the table.</summary>
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task With_10000_runs_the_page_queries_use_the_team_indexes(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        Guid team;
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var desk = new Team { Name = "Desk" };
            var other = new Team { Name = "Other" };
            db.Teams.AddRange(desk, other);
            await db.SaveChangesAsync();
            team = desk.Id;
            var template = NewRun(team, "template", Side.Sell, 5, 60, 20, 22, t0);
            for (var chunk = 0; chunk < 10; chunk++)
            {
                db.ChangeTracker.Clear();
                for (var i = chunk * 1000; i < (chunk + 1) * 1000; i++)
                {
                    db.Runs.Add(new Run
                    {
                        TeamId = i % 10 == 9 ? other.Id : team, ScenarioName = "run " + i, Name = "run " + i, ScenarioJson = template.ScenarioJson,
                        CreatedUtc = t0.AddMinutes(i), Status = RunStatus.Succeeded, Episodes = 100,
                        Side = i % 2 == 0 ? "sell" : "buy", SizePctAdv = 1 + i % 20, HorizonMinutes = 30 + i % 5 * 30, Regime = template.Regime,
                        ImpactFamily = template.ImpactFamily, MarketSource = template.MarketSource,
                        BestStrategyId = "twap", BestMeanBps = i % 997, TwapMeanBps = i % 991, Tags = i % 100 == 0 ? "|round|" : null,
                    });
                }
                await db.SaveChangesAsync();
            }
            if (provider == DatabaseProvider.Postgres)
            {
                await db.Database.ExecuteSqlRawAsync("ANALYZE \"Runs\"");
            }
            else
            {
                await db.Database.ExecuteSqlRawAsync("ANALYZE");
            }
        }

        var query = new RunListQuery(store.Factory);
        var first = await query.ListAsync(team, new RunListFilter(), pageSize: 100);
        Assert.Equal(9000, first.Total);
        Assert.Equal("run 9998", first.Items[0].Name);
        Assert.Equal(100, first.Items.Count);
        var cheapest = await query.ListAsync(team, new RunListFilter { Side = "sell" }, page: 3, pageSize: 10, sort: "meanCostBps");
        Assert.Equal(5000, cheapest.Total);
        Assert.True(cheapest.Items.Zip(cheapest.Items.Skip(1)).All(p => p.First.BestMeanBps <= p.Second.BestMeanBps));
        // The count rides on the page's rows; the last page, a page past it and a filter nothing matches still count right.
        var last = await query.ListAsync(team, new RunListFilter { Side = "sell" }, page: 500, pageSize: 10);
        Assert.Equal((5000, 10), (last.Total, last.Items.Count));
        var past = await query.ListAsync(team, new RunListFilter { Side = "sell" }, page: 501, pageSize: 10);
        Assert.Equal((5000, 0), (past.Total, past.Items.Count));
        var partial = await query.ListAsync(team, new RunListFilter { Tag = "round" }, page: 4, pageSize: 30);
        Assert.Equal((100, 10), (partial.Total, partial.Items.Count));
        var none = await query.ListAsync(team, new RunListFilter { Side = "sell", SizePctAdvMin = 1000 });
        Assert.Equal((0, 0), (none.Total, none.Items.Count));

        if (provider == DatabaseProvider.Postgres)
        {
            await AssertPlannedOnceAsync(store, team);
        }

        await using var ctx = await store.Factory.CreateDbContextAsync();
        // The newest page and a selective filter read an index on both providers.
        foreach (var (filter, index) in new (RunListFilter, string)[]
        {
            (new RunListFilter(), "IX_Runs_TeamId_CreatedUtc"),
            (new RunListFilter { SizePctAdvMin = 19.5 }, "IX_Runs_TeamId_"),
        })
        {
            var plan = await PlanAsync(ctx, RunListQuery.ToSql(ctx, team, filter, null), provider);
            Assert.Contains(index, plan, StringComparison.Ordinal);
            Assert.DoesNotContain(provider == DatabaseProvider.Postgres ? "Seq Scan on \"Runs\"" : "SCAN Runs\n", plan + "\n", StringComparison.Ordinal);
        }

        // Every sort key in both directions, alone and under a filter, reads the team's runs in that order from an index
        // and stops after the page: only the tie-breakers are sorted (PostgreSQL's incremental sort, SQLite's sort of the
        // right part of the order), never every matching run.
        foreach (var key in RunListQuery.SortKeys)
        {
            foreach (var sort in new[] { key, "-" + key })
            {
                foreach (var filter in new[] { new RunListFilter(), new RunListFilter { Side = "sell" } })
                {
                    var plan = await PlanAsync(ctx, RunListQuery.ToSql(ctx, team, filter, sort, page: 3), provider);
                    var what = $"sort={sort} side={filter.Side}:\n{plan}";
                    Assert.True(plan.Contains("IX_Runs_", StringComparison.Ordinal), what);
                    if (provider == DatabaseProvider.Postgres)
                    {
                        Assert.False(plan.Contains("Seq Scan", StringComparison.Ordinal), what);
                        Assert.False(System.Text.RegularExpressions.Regex.IsMatch(plan, @"(^|->  )Sort  \(", System.Text.RegularExpressions.RegexOptions.Multiline), what);
                    }
                    else
                    {
                        Assert.False(plan.Contains("USE TEMP B-TREE FOR ORDER BY", StringComparison.Ordinal), what);
                    }
                }
            }
        }
    }

    private static async Task<string> PlanAsync(PortalDbContext db, string sql, DatabaseProvider provider)
    {
        // ToQueryString declares the parameters first (SQLite: ".param set"; PostgreSQL: "-- @p='…'"): inline them for EXPLAIN.
        var lines = sql.Split('\n');
        var parameters = new Dictionary<string, string>();
        var body = new List<string>();
        foreach (var line in lines)
        {
            if (line.StartsWith(".param set ", StringComparison.Ordinal))
            {
                var parts = line["\u002Eparam set ".Length..].Split(' ', 2);
                parameters[parts[0]] = parts[1].Trim();
            }
            else if (line.StartsWith("-- @", StringComparison.Ordinal))
            {
                var eq = line.IndexOf('=');
                var name = line[3..eq];
                var value = line[(eq + 1)..].Trim();
                // "'value' (Nullable = true) (DbType = …)": keep the literal only.
                parameters[name] = System.Text.RegularExpressions.Regex.Match(value, @"^('[^']*'|\S+)").Value;
            }
            else
            {
                body.Add(line);
            }
        }
        var text = string.Join('\n', body);
        foreach (var (name, value) in parameters.OrderByDescending(p => p.Key.Length))
        {
            text = text.Replace(name, value, StringComparison.Ordinal);
        }
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = (provider == DatabaseProvider.Postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + text;
        var plan = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetValue(reader.FieldCount - 1)?.ToString() ?? "");
        }
        return string.Join('\n', plan);
    }
}
