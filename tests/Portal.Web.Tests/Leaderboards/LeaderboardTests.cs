using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Application.Leaderboards;
using Portal.Data.Entities;
using Microsoft.Playwright;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Teams;

namespace Portal.Web.Tests.Leaderboards;

public sealed class LeaderboardTests
{
    private const double Z95 = 1.959963984540054;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Pooled_mean_std_and_CI_equal_those_of_every_episode_pooled_and_only_the_teams_succeeded_out_of_sample_runs_count(bool postgres)
    {
        await using var server = await PortalServer.StartAsync(postgres);
        var team = await server.DemoTeamIdAsync();
        var other = await server.CreateTeamAsync("Other desk");
        var userId = await server.CreateUserAsync("analyst@test.local", team, TeamRole.Analyst);
        double[] twap1 = [1, 2, 3, 4, 5.5], twap2 = [10, 12, 11], ac1 = [0, 1, 5, 2, 2], ac2 = [3, 3, 4];
        await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour, [("twap", twap1), ("ac", ac1)]);
        await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour, [("twap", twap2), ("ac", ac2)]);
        // None of these may count: a failed run, an in-sample run, another team's run, all in the same family.
        await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour, [("twap", [900.0, 900]), ("ac", [900.0, 900])], RunStatus.Failed);
        await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour, [("twap", [900.0, 900]), ("ac", [900.0, 900])], outOfSample: false);
        await server.AddSucceededRunAsync(other, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour, [("twap", [900.0, 900]), ("ac", [900.0, 900])]);
        // Another family: its own row.
        await server.AddSucceededRunAsync(team, "volatile", SizeBucket.UpTo1Pct, HorizonBucket.UpTo5Min, [("twap", [7.0, 9])]);

        var rows = await server.Create<LeaderboardService>().ComputeAsync(await server.AccessAsync(userId), new LeaderboardFilter());

        Assert.Equal(3, rows.Count);
        var twap = rows.Single(r => r.Regime == "normal" && r.StrategyId == "twap");
        AssertPooled([.. twap1, .. twap2], twap);
        AssertPooled([.. ac1, .. ac2], rows.Single(r => r.Regime == "normal" && r.StrategyId == "ac"));
        Assert.Equal(2, twap.Runs);
        Assert.Equal(8, twap.Episodes);
        var volatileRow = rows.Single(r => r.Regime == "volatile");
        Assert.Equal((SizeBucket.UpTo1Pct, HorizonBucket.UpTo5Min, 1, 8.0), (volatileRow.SizeBucket, volatileRow.HorizonBucket, volatileRow.MeanRank, volatileRow.MeanBps));
    }

    [Fact]
    public async Task Ranks_by_mean_and_by_mean_plus_std_differ_when_the_cheaper_strategy_is_riskier()
    {
        await using var server = await PortalServer.StartAsync();
        var team = await server.DemoTeamIdAsync();
        var userId = await server.CreateUserAsync("analyst@test.local", team, TeamRole.Analyst);
        // cheap: mean 5, std 10·√2 ≈ 14.1 → score 19.1; steady: mean 6, std 1 → score 7.
        await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour, [("cheap", [-5.0, 15, -5, 15]), ("steady", [5.0, 7, 5, 7])]);
        var service = server.Create<LeaderboardService>();
        var access = await server.AccessAsync(userId);

        var byMean = await service.ComputeAsync(access, new LeaderboardFilter());
        var byRisk = await service.ComputeAsync(access, new LeaderboardFilter(), LeaderboardOrder.RiskAdjusted);

        Assert.Equal(["cheap", "steady"], byMean.Select(r => r.StrategyId));
        Assert.Equal(["steady", "cheap"], byRisk.Select(r => r.StrategyId));
        var cheap = byMean[0];
        Assert.Equal((1, 2), (cheap.MeanRank, cheap.RiskRank));
        Assert.Equal(5 + LeaderboardService.RiskAversion * Math.Sqrt(400.0 / 3), cheap.RiskAdjustedBps, 9);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Strategies_whose_paired_difference_to_the_leader_is_not_significant_share_its_rank(bool postgres)
    {
        await using var server = await PortalServer.StartAsync(postgres);
        var team = await server.DemoTeamIdAsync();
        var userId = await server.CreateUserAsync("analyst@test.local", team, TeamRole.Analyst);
        double[] twap = [10, 12, 11, 13, 9, 10, 12, 11];
        // ac: twap ± 0.05 (mean difference 0); vwap: twap + 0.3 ± 0.01 (a small but steady extra cost); immediate: twap + 5.
        var ac = twap.Select((x, i) => x + (i % 2 == 0 ? 0.05 : -0.05)).ToArray();
        var vwap = twap.Select((x, i) => x + 0.3 + (i % 2 == 0 ? 0.01 : -0.01)).ToArray();
        var immediate = twap.Select(x => x + 5).ToArray();
        await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour,
            [("twap", twap), ("ac", ac), ("vwap", vwap), ("immediate", immediate)]);

        var rows = await server.Create<LeaderboardService>().ComputeAsync(await server.AccessAsync(userId), new LeaderboardFilter());

        Assert.Equal(["ac", "twap", "vwap", "immediate"], rows.Select(r => r.StrategyId));
        Assert.Equal(["1=", "1=", "3", "4"], rows.Select(r => r.MeanRankText));
        Assert.All(rows.Skip(1), r => Assert.Equal(r.StrategyId == "twap" ? "paired" : "leader", r.RankBasis));
        var t = rows.Single(r => r.StrategyId == "twap").VsRankLeader!.Value;
        Assert.True(t.Low <= 0 && t.High >= 0);
        // Unpaired, vwap's interval overlaps the leader's; paired on the same paths its extra 0.3 bps is significant.
        var v = rows.Single(r => r.StrategyId == "vwap");
        var a = rows.Single(r => r.StrategyId == "ac");
        Assert.True(v.CiLowBps < a.CiHighBps, "the two intervals overlap");
        var (basis, diff) = await TieRanks.DifferenceAsync(
            new TieRanks.Entry("vwap", v.MeanBps, (v.CiHighBps - v.CiLowBps) / 2, [Guid.Empty], false, 8),
            new TieRanks.Entry("ac", a.MeanBps, (a.CiHighBps - a.CiLowBps) / 2, [Guid.Empty], false, 8),
            (_, _) => throw new InvalidOperationException("not paired"));
        Assert.Equal("intervals", basis);
        Assert.True(diff.Low < 0, "by intervals alone vwap would tie with the leader");
    }

    [Fact]
    public async Task The_api_rows_carry_the_family_and_the_tie_rank_the_page_shows()
    {
        await using var server = await PortalServer.StartAsync();
        var team = await server.DemoTeamIdAsync();
        double[] twap = [10, 12, 11, 13, 9, 10, 12, 11];
        var ac = twap.Select((x, i) => x + (i % 2 == 0 ? 0.05 : -0.05)).ToArray();
        await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour,
            [("twap", twap), ("ac", ac), ("immediate", twap.Select(x => x + 5).ToArray())], impactFamily: "transient", marketSource: "simulated");
        using var client = await server.SignedInClientAsync();

        var board = await client.GetFromJsonAsync<JsonElement>("/api/leaderboards");

        var rows = board.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("strategyId").GetString()!);
        Assert.Equal(["1=", "1=", "3"], new[] { "ac", "twap", "immediate" }.Select(s => rows[s].GetProperty("meanRankText").GetString()));
        Assert.Equal([true, true, false], new[] { "ac", "twap", "immediate" }.Select(s => rows[s].GetProperty("meanTied").GetBoolean()));
        Assert.All(rows.Values, r =>
        {
            Assert.Equal("transient", r.GetProperty("impactFamily").GetString());
            Assert.Equal("simulated", r.GetProperty("marketSource").GetString());
            Assert.Contains("transient", r.GetProperty("family").GetString());
        });
        // The tied strategy's paired difference to the rank's leader, with an interval that contains 0.
        var twapRow = rows["twap"];
        Assert.Equal("paired", twapRow.GetProperty("rankBasis").GetString());
        Assert.True(twapRow.GetProperty("vsRankLeaderCiLowBps").GetDouble() <= 0 && twapRow.GetProperty("vsRankLeaderCiHighBps").GetDouble() >= 0);
        Assert.Equal(JsonValueKind.Null, rows["ac"].GetProperty("vsRankLeaderBps").ValueKind);
    }

    /// <summary><c>GET /api/leaderboards</c> reads its query with the page's parser (<c>LeaderboardAddress.Parse</c>): each
    /// bad key answers 400 problem details whose <c>errors</c> name that key and what it accepts, in Development and in
    /// Production alike; blank values count as absent, as on the page, and the API's default page size stays 100.</summary>
    [Theory]
    [InlineData("Development")]
    [InlineData("Production")]
    public async Task Every_bad_key_of_the_api_query_answers_400_naming_the_key_and_what_it_accepts(string environment)
    {
        await using var server = await PortalServer.StartAsync(environment: environment);
        var team = await server.DemoTeamIdAsync();
        // 101 strategies in one family: the API's default page (100 rows) differs from the page's (50).
        await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour,
            [.. Enumerable.Range(0, 101).Select(i => ($"s{i:D3}", new[] { i, i + 1.0 }))]);
        using var client = await server.SignedInClientAsync();
        const string sizes = "UpTo1Pct, UpTo5Pct, UpTo10Pct, Over10Pct", horizons = "UpTo5Min, UpTo30Min, UpTo1Hour, UpTo1Day, Longer";

        foreach (var (query, key, accepts) in new[]
                 {
                     ("size=huge", "size", sizes), ("size=1", "size", sizes), ("size=UpTo1Pct,UpTo5Pct", "size", sizes),
                     ("horizon=week", "horizon", horizons), ("horizon=4", "horizon", horizons),
                     ("order=best", "order", "MeanShortfall, RiskAdjusted"), ("order=0", "order", "MeanShortfall, RiskAdjusted"),
                     ("page=-1", "page", "from 0"), ("page=two", "page", "from 0"), ("page=1.5", "page", "from 0"),
                     ("pageSize=0", "pageSize", "from 1 to 500"), ("pageSize=501", "pageSize", "from 1 to 500"), ("pageSize=many", "pageSize", "from 1 to 500"),
                 })
        {
            var bad = await client.GetAsync("/api/leaderboards?" + query);
            var body = await bad.Content.ReadAsStringAsync();
            Assert.True(bad.StatusCode == System.Net.HttpStatusCode.BadRequest, $"{query}: {(int)bad.StatusCode} {body}");
            Assert.True(JsonDocument.Parse(body).RootElement.TryGetProperty("errors", out var errors), $"{query}: {body}");
            Assert.Equal([key], errors.EnumerateObject().Select(p => p.Name));
            var message = Assert.Single(errors.GetProperty(key).EnumerateArray()).GetString()!;
            Assert.StartsWith(key + " must be ", message, StringComparison.Ordinal);
            Assert.Contains(accepts, message, StringComparison.Ordinal);
        }

        // Several bad keys at once: each is named.
        var several = await client.GetAsync("/api/leaderboards?size=huge&horizon=week&order=best&page=-1&pageSize=0");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, several.StatusCode);
        var all = (await several.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["horizon", "order", "page", "pageSize", "size"], all.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        // Blank values are left out; names are read regardless of case, values trimmed.
        static async Task<(string[] Rows, int Total)> RowsAsync(HttpClient client, string query)
        {
            var answer = await client.GetFromJsonAsync<JsonElement>("/api/leaderboards" + query);
            return ([.. answer.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("strategyId").GetString()!)], answer.GetProperty("total").GetInt32());
        }
        var everything = await RowsAsync(client, "");
        Assert.Equal((100, 101), (everything.Rows.Length, everything.Total));
        Assert.Equal(everything.Rows, (await RowsAsync(client, "?regime=&size=&horizon=&strategy=&order=&page=&pageSize=")).Rows);
        Assert.Equal(everything.Rows, (await RowsAsync(client, "?size=%20UpTo5Pct%20&ORDER=meanshortfall")).Rows);
        Assert.Empty((await RowsAsync(client, "?Size=UpTo1Pct")).Rows);
        Assert.Equal(["s100"], (await RowsAsync(client, "?page=1")).Rows);
        // A page far beyond the last answers no rows (not the first page again).
        var beyond = await RowsAsync(client, "?page=2147483647&pageSize=500");
        Assert.Empty(beyond.Rows);
        Assert.Equal(101, beyond.Total);
    }

    /// <summary>The leaderboard page is rendered on the server with its rows: a plain GET (no browser, no circuit) already
    /// holds the ranked rows with their ties, families, tooltips and data attributes, narrowed and ordered by the address
    /// (the keys of <c>GET /api/leaderboards</c>), and never another team's rows.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_first_response_of_the_leaderboard_page_holds_the_rows_the_address_asks_for(bool postgres)
    {
        await using var server = await PortalServer.StartAsync(postgres);
        var team = await server.DemoTeamIdAsync();
        double[] twap = [10, 12, 11, 13, 9, 10, 12, 11];
        var ac = twap.Select((x, i) => x + (i % 2 == 0 ? 0.05 : -0.05)).ToArray();
        await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour,
            [("twap", twap), ("ac", ac), ("immediate", twap.Select(x => x + 5).ToArray())], impactFamily: "transient", marketSource: "simulated");
        await server.AddSucceededRunAsync(team, "volatile", SizeBucket.Over10Pct, HorizonBucket.Longer, [("twap", [20.0, 22, 21]), ("immediate", [30.0, 31, 29])]);
        var elsewhere = await server.CreateTeamAsync("Elsewhere");
        await server.AddSucceededRunAsync(elsewhere, "calm", SizeBucket.UpTo1Pct, HorizonBucket.UpTo5Min, [("other-teams-strategy", [1.0, 2])]);
        using var client = await server.SignedInClientAsync();

        static string[] Strategies(string html) =>
            [.. System.Text.RegularExpressions.Regex.Matches(html, "<span class=\"strategy\" data-strategy=\"([^\"]+)\"").Select(m => m.Groups[1].Value)];
        static string[] Ranks(string html) =>
            [.. System.Text.RegularExpressions.Regex.Matches(html, "<b class=\"rank\" data-basis=\"[^\"]*\" title=\"[^\"]*\">([^<]+)</b>").Select(m => m.Groups[1].Value)];

        var all = await client.GetStringAsync("/leaderboards");
        Assert.DoesNotContain("leaderboard-loading", all, StringComparison.Ordinal);
        Assert.DoesNotContain("other-teams-strategy", all, StringComparison.Ordinal);
        var normal = await client.GetStringAsync("/leaderboards?regime=normal");
        Assert.Equal(["ac", "twap", "immediate"], Strategies(normal));
        Assert.Equal(["1=", "1=", "3"], Ranks(normal));
        Assert.Contains("data-basis=\"paired\"", normal, StringComparison.Ordinal);
        Assert.Contains("data-unit-kind=\"episode\"", normal, StringComparison.Ordinal);
        Assert.Contains("contains 0 (paired)", normal, StringComparison.Ordinal);
        Assert.Contains("transient", normal, StringComparison.Ordinal);
        Assert.Contains("⚠ too few to rank", normal, StringComparison.Ordinal);
        Assert.Contains("<option value=\"normal\" selected", normal, StringComparison.Ordinal);

        // The same query to the API answers the same rows.
        foreach (var query in new[]
                 {
                     "regime=normal", "size=Over10Pct", "regime=normal&order=RiskAdjusted", "strategy=immediate", "pageSize=2&page=1",
                     "regime=normal&size=UpTo5Pct&horizon=UpTo1Hour&order=RiskAdjusted", "size=upto5pct&order=riskadjusted&pageSize=2",
                     "horizon=Longer&strategy=twap&order=RiskAdjusted", "regime=&size=UpTo5Pct&order=RiskAdjusted&page=0",
                 })
        {
            var api = await client.GetFromJsonAsync<JsonElement>("/api/leaderboards?" + query + (query.Contains("pageSize", StringComparison.Ordinal) ? "" : "&pageSize=50"));
            var expected = api.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("strategyId").GetString()!).ToArray();
            Assert.NotEmpty(expected);
            var html = await client.GetStringAsync("/leaderboards?" + query);
            Assert.Equal(expected, Strategies(html));
            // The rank column: the risk rank when ordered by risk, the mean rank with its ties otherwise.
            var byRisk = query.Contains("order=risk", StringComparison.OrdinalIgnoreCase);
            Assert.Equal(api.GetProperty("rows").EnumerateArray()
                .Select(r => byRisk ? r.GetProperty("riskRank").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture) : r.GetProperty("meanRankText").GetString()!), Ranks(html));
        }
        // Ordered by risk: the rank column shows the risk rank.
        var risky = await client.GetStringAsync("/leaderboards?regime=normal&order=RiskAdjusted");
        Assert.Contains("value=\"RiskAdjusted\" id=\"order-RiskAdjusted\" checked", risky, StringComparison.Ordinal);
        Assert.DoesNotContain("1=", Ranks(risky));
        // The pager: the second page of two rows per page links back to the first with the same filters.
        var second = await client.GetStringAsync("/leaderboards?pageSize=2&page=1");
        Assert.Contains("3-4 of 5", second, StringComparison.Ordinal);
        Assert.Contains("href=\"/leaderboards?pageSize=2\"", second, StringComparison.Ordinal);
        // An unreadable address says which key is wrong and shows the whole leaderboard.
        var bad = await client.GetStringAsync("/leaderboards?size=huge&order=best");
        Assert.Contains("id=\"filter-error\"", bad, StringComparison.Ordinal);
        Assert.Contains("size must be one of UpTo1Pct", bad, StringComparison.Ordinal);
        Assert.Contains("order must be one of MeanShortfall, RiskAdjusted.", bad, StringComparison.Ordinal);
        Assert.Equal(5, Strategies(bad).Length);
        // A number for a name is refused by both, with the same message: the API reads its query with the page's reader.
        foreach (var (query, key) in new[] { ("size=1", "size"), ("horizon=4", "horizon"), ("order=1", "order") })
        {
            var refused = await client.GetAsync("/api/leaderboards?" + query);
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
            var message = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty(key)[0].GetString()!;
            var shown = await client.GetStringAsync("/leaderboards?" + query);
            Assert.Contains("id=\"filter-error\"", shown, StringComparison.Ordinal);
            Assert.Contains(System.Net.WebUtility.HtmlEncode(message), shown, StringComparison.Ordinal);
            Assert.Equal(5, Strategies(shown).Length);
        }
        // A filter nothing matches: the empty state.
        Assert.Contains("id=\"leaderboard-empty\"", await client.GetStringAsync("/leaderboards?horizon=UpTo5Min"), StringComparison.Ordinal);
    }

    /// <summary>In Chromium: choosing a filter or the order submits the form at once, the address says so, and the rows follow.</summary>
    [Fact]
    public async Task The_leaderboard_page_filters_and_orders_in_the_browser_through_its_address()
    {
        await using var server = await PortalServer.StartAsync();
        var team = await server.DemoTeamIdAsync();
        await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour, [("twap", [10.0, 12, 11, 13]), ("immediate", [15.0, 16, 17, 18])]);
        await server.AddSucceededRunAsync(team, "volatile", SizeBucket.Over10Pct, HorizonBucket.Longer, [("twap", [20.0, 22, 21]), ("immediate", [30.0, 31, 29])]);
        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;
        var rows = page.Locator("#leaderboard-grid tbody tr");

        await page.ScriptAsync("leaderboard-address", async step =>
        {
            step("sign in and open the leaderboard: four rows in two families");
            await page.SignInAsDemoAsync();
            await page.GotoAsync("/leaderboards");
            await Assertions.Expect(rows).ToHaveCountAsync(4);

            step("choose a regime");
            await page.SelectOptionAsync("#filter-regime", "volatile");
            await page.WaitForURLAsync(url => url.EndsWith("/leaderboards?regime=volatile", StringComparison.Ordinal));
            await Assertions.Expect(rows).ToHaveCountAsync(2);
            await Assertions.Expect(rows.First).ToContainTextAsync("volatile");

            step("rank by risk-adjusted score");
            await page.CheckAsync("#order-RiskAdjusted");
            await page.WaitForURLAsync(url => url.Contains("order=RiskAdjusted", StringComparison.Ordinal));
            await Assertions.Expect(page.Locator("#order-RiskAdjusted")).ToBeCheckedAsync();
            await Assertions.Expect(rows).ToHaveCountAsync(2);

            step("clear the regime: both families again");
            await page.SelectOptionAsync("#filter-regime", "");
            await page.WaitForURLAsync(url => !url.Contains("regime=", StringComparison.Ordinal));
            await Assertions.Expect(rows).ToHaveCountAsync(4);
            await page.SetViewportSizeAsync(1440, 900);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "leaderboard-static.png"), FullPage = true });
        });
    }

    [Fact]
    public async Task Transient_obizhaeva_wang_and_replayed_runs_of_one_regime_form_separate_families()
    {
        await using var server = await PortalServer.StartAsync();
        var team = await server.DemoTeamIdAsync();
        var userId = await server.CreateUserAsync("analyst@test.local", team, TeamRole.Analyst);
        await server.AddSucceededRunAsync(team, "volatile", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour, [("twap", [20.0, 22, 21]), ("immediate", [30.0, 31, 29])],
            impactFamily: "transient", marketSource: "simulated");
        await server.AddSucceededRunAsync(team, "volatile", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour, [("twap", [15.0, 16, 17]), ("immediate", [40.0, 41, 39])],
            impactFamily: "obizhaeva-wang", marketSource: "simulated");
        await server.AddSucceededRunAsync(team, "volatile", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour, [("twap", [8.0, 12, 9]), ("immediate", [2.0, 3, 2.5])],
            impactFamily: "recorded book", marketSource: "replay · AMZN", unitKind: "window", units: 3);

        var rows = await server.Create<LeaderboardService>().ComputeAsync(await server.AccessAsync(userId), new LeaderboardFilter(Regime: "volatile"));

        Assert.Equal(3, rows.Select(r => r.Family).Distinct().Count());
        Assert.Equal(6, rows.Count);
        // Immediate leads only in the replayed family: it is not pooled with (and does not rank first among) the simulated worlds.
        var leaders = rows.Where(r => r.MeanRank == 1 && !r.MeanTied).ToDictionary(r => r.MarketSource + "|" + r.ImpactFamily, r => r.StrategyId);
        Assert.Equal("immediate", leaders["replay · AMZN|recorded book"]);
        Assert.Equal("twap", leaders["simulated|transient"]);
        Assert.Equal("twap", leaders["simulated|obizhaeva-wang"]);
        var replayed = rows.Single(r => r.MarketSource == "replay · AMZN" && r.StrategyId == "twap");
        Assert.Equal((3, "window"), (replayed.IndependentUnits, replayed.UnitKind));
        Assert.Contains("replay · AMZN", replayed.Family);
        Assert.Contains("recorded book", replayed.Family);
    }

    [Fact]
    public async Task An_identical_rerun_is_counted_once_but_the_same_scenario_with_another_seed_counts()
    {
        await using var server = await PortalServer.StartAsync();
        var team = await server.DemoTeamIdAsync();
        var userId = await server.CreateUserAsync("analyst@test.local", team, TeamRole.Analyst);
        const string seed1 = "{\"name\":\"s\",\"seed\":1}", seed2 = "{\"name\":\"s\",\"seed\":2}";
        var first = await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour, [("twap", [1.0, 3])], createdUtc: DateTime.UtcNow.AddMinutes(-2), scenarioJson: seed1);
        await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour, [("twap", [1.0, 3])], createdUtc: DateTime.UtcNow.AddMinutes(-1), scenarioJson: seed1);
        var other = await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour, [("twap", [5.0, 7])], scenarioJson: seed2);

        var page = await server.Create<LeaderboardService>().PageAsync(await server.AccessAsync(userId), new LeaderboardFilter(), LeaderboardOrder.MeanShortfall, 0, 10);

        var row = Assert.Single(page.Rows);
        Assert.Equal((2, 4L, 4.0), (row.Runs, row.Episodes, row.MeanBps));
        Assert.Equal([other, first], row.LatestRunIds);
    }

    [Fact]
    public async Task Filters_narrow_to_a_regime_bucket_or_strategy_and_rows_link_to_the_latest_runs()
    {
        await using var server = await PortalServer.StartAsync();
        var team = await server.DemoTeamIdAsync();
        var userId = await server.CreateUserAsync("analyst@test.local", team, TeamRole.Analyst);
        var old = await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour, [("twap", [1.0, 2]), ("ac", [1.0, 2])], createdUtc: DateTime.UtcNow.AddHours(-1));
        var recent = await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour, [("twap", [1.0, 2])]);
        await server.AddSucceededRunAsync(team, "volatile", SizeBucket.Over10Pct, HorizonBucket.Longer, [("twap", [1.0, 2])]);
        var service = server.Create<LeaderboardService>();
        var access = await server.AccessAsync(userId);

        Assert.Equal(["normal"], (await service.ComputeAsync(access, new LeaderboardFilter(Regime: "normal"))).Select(r => r.Regime).Distinct());
        Assert.Equal(["volatile"], (await service.ComputeAsync(access, new LeaderboardFilter(Size: SizeBucket.Over10Pct))).Select(r => r.Regime));
        Assert.Empty(await service.ComputeAsync(access, new LeaderboardFilter(Horizon: HorizonBucket.UpTo5Min)));
        Assert.Equal(["ac"], (await service.ComputeAsync(access, new LeaderboardFilter(Strategy: "ac"))).Select(r => r.StrategyId));
        var page = await service.PageAsync(access, new LeaderboardFilter("normal"), LeaderboardOrder.MeanShortfall, 0, 10);
        Assert.Equal([recent, old], page.Rows.Single(r => r.StrategyId == "twap").LatestRunIds);
        Assert.Equal([old], page.Rows.Single(r => r.StrategyId == "ac").LatestRunIds);
    }

    [Fact]
    public async Task A_run_submitted_through_the_api_appears_under_its_scenario_family_once_it_succeeds()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();
        var scenarios = await client.GetFromJsonAsync<JsonElement>("/api/scenarios");
        var response = await client.PostAsJsonAsync("/api/runs", new { scenarioId = scenarios[0].GetProperty("id").GetGuid(), episodes = 300, seed = 11 });
        var runId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal("Succeeded", (await ApiTests.WaitForFinishAsync(client, runId)).GetProperty("status").GetString());
        await using var db = await server.Db();
        var run = await db.Runs.SingleAsync(r => r.Id == runId);
        var scenario = Portal.Domain.Scenarios.ScenarioJson.Parse(run.ScenarioJson);

        var board = await client.GetFromJsonAsync<JsonElement>("/api/leaderboards");

        var rows = board.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(board.GetProperty("total").GetInt32(), rows.Count);
        // The scenario's strategies plus the baselines every run compares (TWAP, Random).
        Assert.Equal(scenario.Strategies.Union(Portal.Domain.Backtesting.StrategyCatalog.AlwaysCompared).Order(), rows.Select(r => r.GetProperty("strategyId").GetString()).Order());
        Assert.All(rows, r =>
        {
            Assert.Equal(scenario.Market.Regime, r.GetProperty("regime").GetString());
            Assert.Equal(ScenarioFamily.SizeOf(scenario.Order.SizePctAdv).ToString(), r.GetProperty("sizeBucket").GetString());
            Assert.Equal(ScenarioFamily.HorizonOf(scenario.Order.HorizonMinutes).ToString(), r.GetProperty("horizonBucket").GetString());
            Assert.Equal(1, r.GetProperty("runs").GetInt32());
            Assert.Equal(300, r.GetProperty("episodes").GetInt64());
            Assert.Equal([runId], r.GetProperty("latestRunIds").EnumerateArray().Select(x => x.GetGuid()));
        });
        var stored = await db.RunStrategyResults.Where(s => s.RunId == runId).ToDictionaryAsync(s => s.StrategyId, s => s.MeanBps);
        Assert.All(rows, r => Assert.Equal(stored[r.GetProperty("strategyId").GetString()!], r.GetProperty("meanBps").GetDouble(), 9));
    }

    private static void AssertPooled(double[] all, LeaderboardRow row)
    {
        var mean = all.Average();
        var std = Math.Sqrt(all.Sum(x => (x - mean) * (x - mean)) / (all.Length - 1));
        Assert.Equal(mean, row.MeanBps, 9);
        Assert.Equal(std, row.StdBps, 9);
        Assert.Equal(mean - Z95 * std / Math.Sqrt(all.Length), row.CiLowBps, 9);
        Assert.Equal(mean + Z95 * std / Math.Sqrt(all.Length), row.CiHighBps, 9);
        Assert.Equal(mean + LeaderboardService.RiskAversion * std, row.RiskAdjustedBps, 9);
    }
}
