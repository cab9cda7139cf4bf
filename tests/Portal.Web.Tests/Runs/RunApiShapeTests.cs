using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Runs;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Strategies;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Runs;

/// <summary>
/// <c>GET /api/runs/{id}</c> is a contract scripts are written against: every field of a stored run, each strategy's
/// included, keeps its name, its order and its value. The expected values are read here straight from the domain result
/// the run stored, field by field, so the test does not share a line of mapping with the code it checks.
/// </summary>
public sealed class RunApiShapeTests
{
    public static TheoryData<bool> OnPostgres => [false, true];

    /// <summary>Every field of a run, in the order the API writes them.</summary>
    private static readonly string[] RunFields =
    [
        "id", "scenarioName", "status", "progress", "failureReason", "episodes", "seed", "attempts", "workerName", "createdUtc",
        "startedUtc", "finishedUtc", "optimumName", "optimumExpectedCostBps", "results", "warnings", "isOutOfSample",
        "inSampleReason", "name", "tags", "notes",
    ];

    /// <summary>Every field of one strategy, in the order the API writes them, with its value read from the domain result.</summary>
    private static List<(string Name, object? Value)> Expected(StrategyResult s, GuardResult? guard)
    {
        var m = s.Summary;
        var o = s.Orders;
        var i = o.Intervals;
        return
        [
            ("strategyId", s.StrategyId), ("displayName", s.DisplayName), ("episodes", m.Episodes), ("meanBps", m.MeanBps),
            ("stdBps", m.StdBps), ("meanCiLowBps", m.MeanCiLowBps), ("meanCiHighBps", m.MeanCiHighBps), ("p5Bps", m.P5Bps),
            ("p50Bps", m.P50Bps), ("p95Bps", m.P95Bps), ("cvar95Bps", m.Cvar95Bps), ("costSharpe", m.CostSharpe),
            ("completion", m.Completion), ("meanShortfallCurrency", m.MeanShortfallCurrency), ("vsTwapMeanBps", m.VsTwap?.MeanBps),
            ("vsTwapCiLowBps", m.VsTwap?.CiLowBps), ("vsTwapCiHighBps", m.VsTwap?.CiHighBps), ("regretBps", m.RegretBps),
            ("meanInventory", s.MeanInventoryFraction), ("meanParticipation", s.MeanParticipation),
            ("independentUnits", m.IndependentUnits), ("unitKind", m.UnitKind),
            ("vsBestStaticBps", m.VsBestStatic?.MeanBps), ("vsBestStaticCiLowBps", m.VsBestStatic?.CiLowBps),
            ("vsBestStaticCiHighBps", m.VsBestStatic?.CiHighBps), ("vsBestStaticObjectiveBps", m.VsBestStaticObjective?.MeanBps),
            ("vsBestStaticObjectiveCiLowBps", m.VsBestStaticObjective?.CiLowBps),
            ("vsBestStaticObjectiveCiHighBps", m.VsBestStaticObjective?.CiHighBps),
            ("fillRate", o.FillRate), ("passiveShare", o.PassiveShare), ("postedFillRatio", o.PostedFillRatio),
            ("spreadCapturedBps", o.SpreadCapturedBps), ("markoutBps", o.MarkoutBps), ("markout1sBps", o.Markout1sBps),
            ("markout10sBps", o.Markout10sBps), ("markout60sBps", o.Markout60sBps),
            ("fillRateCiLow", i?.FillRate?.Low), ("fillRateCiHigh", i?.FillRate?.High),
            ("passiveShareCiLow", i?.PassiveShare?.Low), ("passiveShareCiHigh", i?.PassiveShare?.High),
            ("spreadCapturedCiLowBps", i?.SpreadCapturedBps?.Low), ("spreadCapturedCiHighBps", i?.SpreadCapturedBps?.High),
            ("markoutCiLowBps", i?.MarkoutBps?.Low), ("markoutCiHighBps", i?.MarkoutBps?.High),
            ("markout1sCiLowBps", i?.Markout1sBps?.Low), ("markout1sCiHighBps", i?.Markout1sBps?.High),
            ("markout10sCiLowBps", i?.Markout10sBps?.Low), ("markout10sCiHighBps", i?.Markout10sBps?.High),
            ("markout60sCiLowBps", i?.Markout60sBps?.Low), ("markout60sCiHighBps", i?.Markout60sBps?.High),
            ("orderIntervalUnits", i?.IndependentUnits), ("orderIntervalUnitKind", i?.UnitKind),
            ("maxParticipation", s.MaxParticipation), ("maxParticipationP95", s.MaxParticipationP95), ("p99Bps", m.P99Bps),
            ("guard", guard),
        ];
    }

    private static void AssertValue(string field, object? expected, JsonElement actual)
    {
        switch (expected)
        {
            case null:
                Assert.True(actual.ValueKind == JsonValueKind.Null, $"{field}: expected null, got {actual}");
                break;
            case string text:
                Assert.True(text == actual.GetString(), $"{field}: expected '{text}', got {actual}");
                break;
            case int or long:
                Assert.True(Convert.ToInt64(expected, System.Globalization.CultureInfo.InvariantCulture) == actual.GetInt64(), $"{field}: expected {expected}, got {actual}");
                break;
            case double number:
                // Exact: doubles are stored and written in their shortest round-trip form.
                Assert.True(number.Equals(actual.GetDouble()), $"{field}: expected {number:R}, got {actual}");
                break;
            case GuardResult g:
                var d = g.GuardedMinusUnguarded;
                List<(string, object?)> fields =
                [
                    ("innerId", g.InnerId), ("guardedMinusInnerBps", d.MeanBps), ("ciLowBps", d.CiLowBps), ("ciHighBps", d.CiHighBps),
                    ("independentUnits", d.IndependentUnits), ("unitKind", d.UnitKind), ("fallbackThreshold", g.FallbackThreshold), ("firings", null),
                ];
                Assert.Equal(fields.Select(f => f.Item1), actual.EnumerateObject().Select(p => p.Name));
                foreach (var (name, value) in fields.Where(f => f.Item1 != "firings")) AssertValue($"{field}.{name}", value, actual.GetProperty(name));
                var firings = actual.GetProperty("firings").EnumerateArray().ToList();
                Assert.Equal(g.Firings.Count, firings.Count);
                foreach (var (f, json) in g.Firings.Zip(firings))
                {
                    AssertValue($"{field}.firings.guard", f.Guard, json.GetProperty("guard"));
                    AssertValue($"{field}.firings.episodesFired", f.EpisodesFired, json.GetProperty("episodesFired"));
                    AssertValue($"{field}.firings.episodes", g.Episodes, json.GetProperty("episodes"));
                    AssertValue($"{field}.firings.stepsFired", f.StepsFired, json.GetProperty("stepsFired"));
                    AssertValue($"{field}.firings.decisions", f.Decisions, json.GetProperty("decisions"));
                }
                break;
            case IEnumerable<double> series:
                Assert.True(series.SequenceEqual(actual.EnumerateArray().Select(e => e.GetDouble())), $"{field}: the series differs");
                break;
            default:
                throw new InvalidOperationException($"{field}: no comparison for {expected.GetType()}");
        }
    }

    [Theory]
    [MemberData(nameof(OnPostgres))]
    public async Task Get_api_runs_id_writes_every_field_of_every_strategy_as_stored(bool postgres)
    {
        await using var server = await PortalServer.StartAsync(postgres: postgres);
        var factory = server.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var demo = ScenarioPresets.Demo();
        // A market-order baseline, a passive one (limit-order metrics and their intervals), a guarded one (a second row of
        // the same baseline) and the known optimum (regret), beside the strategies every run carries.
        var scenario = demo with
        {
            Name = "api shape", Episodes = 120, Seed = 11,
            Strategies = ["twap", "twap-passive", "ac"],
            StrategySettings = new StrategySettings
            {
                Guards = new GuardSettings { Breaker = new CircuitBreakerSettings { MaxSpreadRatio = 3, MinLiquidity = 0.3, MaxMoveSigma = 1, MinVolumeRatio = 0.02, SlowFactor = 0, CompletionPct = 25 }, Strategies = ["twap"] },
            },
        };
        var result = BacktestRunner.Run(scenario);
        Guid runId;
        await using (var db = await factory.CreateDbContextAsync())
        {
            var team = await db.TeamMembers.Where(m => m.User!.Email == PortalServer.DemoEmail).Select(m => m.TeamId).FirstAsync();
            var run = new Run
            {
                TeamId = team, ScenarioName = scenario.Name, ScenarioJson = ScenarioJson.Serialize(scenario), Status = RunStatus.Running,
                Episodes = scenario.Episodes, Seed = scenario.Seed, CreatedBy = PortalServer.DemoEmail, Tags = "|shape|", Notes = "pinned",
            };
            db.Runs.Add(run);
            await db.SaveChangesAsync();
            runId = run.Id;
        }
        await new RunResultStore(factory, NullLogger<RunResultStore>.Instance).SaveAsync(runId, result, CancellationToken.None);

        using var client = await server.SignedInClientAsync();
        var json = await client.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}");

        Assert.Equal(RunFields, json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(runId, json.GetProperty("id").GetGuid());
        Assert.Equal("Succeeded", json.GetProperty("status").GetString());
        AssertValue("optimumName", result.OptimumName, json.GetProperty("optimumName"));
        AssertValue("optimumExpectedCostBps", result.OptimumExpectedCostBps, json.GetProperty("optimumExpectedCostBps"));
        Assert.Equal(["shape"], json.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));

        var rows = json.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(result.Strategies.Select(s => s.StrategyId), rows.Select(r => r.GetProperty("strategyId").GetString()));
        foreach (var (s, row) in result.Strategies.Zip(rows))
        {
            var expected = Expected(s, result.Guards.SingleOrDefault(g => g.GuardedId == s.StrategyId));
            Assert.Equal(expected.Select(e => e.Name), row.EnumerateObject().Select(p => p.Name));
            foreach (var (name, value) in expected)
            {
                AssertValue($"{s.StrategyId}.{name}", value, row.GetProperty(name));
            }
        }

        // The run holds the cases the shape must carry: limit-order figures with intervals, a guarded twin, a regret, and
        // the rows whose paired differences are null (TWAP against itself, the best static schedule against itself).
        var passive = rows.Single(r => r.GetProperty("strategyId").GetString() == "twap-passive");
        Assert.True(passive.GetProperty("passiveShare").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Number, passive.GetProperty("passiveShareCiLow").ValueKind);
        var guarded = rows.Single(r => r.GetProperty("strategyId").GetString() == "guarded:twap");
        // The breaker is set to fire (a move of one sigma), so its firings are counted and stored with the run.
        Assert.True(guarded.GetProperty("guard").GetProperty("firings").EnumerateArray().Any(f => f.GetProperty("episodesFired").GetInt32() > 0), guarded.GetProperty("guard").ToString());
        // The run page says it in a "Risk guards" panel, the summary CSV in its guard columns.
        var page = System.Net.WebUtility.HtmlDecode(await client.GetStringAsync($"/runs/{runId}"));
        Assert.Contains("id=\"run-guards\"", page, StringComparison.Ordinal);
        Assert.Contains(Portal.Application.Reports.GuardLines.Describe(result.Guards.Single()), page, StringComparison.Ordinal);
        Assert.DoesNotContain("guarded:ac", page, StringComparison.Ordinal);
        using var csv = CsvHelper.CsvReader.Create(new MemoryStream(await client.GetByteArrayAsync($"/api/runs/{runId}/summary.csv")),
            CsvHelper.CsvReaderOptions.Default with { Separator = ',' });
        var header = csv.Headers.ToArray();
        var guardColumns = new[] { "guard_vs_inner_bps", "guard_vs_inner_ci_low_bps", "guard_vs_inner_ci_high_bps" }.Select(c => Array.IndexOf(header, c)).ToArray();
        int idColumn = Array.IndexOf(header, "strategy_id");
        Assert.True(idColumn >= 0 && guardColumns.All(c => c >= 0), string.Join(",", header));
        var csvGuards = new Dictionary<string, string[]>();
        while (csv.Read()) csvGuards[csv.GetString(idColumn)] = [.. guardColumns.Select(csv.GetString)];
        var d = result.Guards.Single().GuardedMinusUnguarded;
        Assert.Equal([d.MeanBps, d.CiLowBps, d.CiHighBps], csvGuards["guarded:twap"].Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(["", "", ""], csvGuards["twap"]);
        Assert.Equal(JsonValueKind.Number, rows.Single(r => r.GetProperty("strategyId").GetString() == "ac").GetProperty("regretBps").ValueKind);
        Assert.Equal(JsonValueKind.Null, rows.Single(r => r.GetProperty("strategyId").GetString() == "twap").GetProperty("vsTwapMeanBps").ValueKind);
        Assert.Contains(rows, r => r.GetProperty("vsBestStaticBps").ValueKind == JsonValueKind.Null && r.GetProperty("strategyId").GetString() != "twap");
    }
}
