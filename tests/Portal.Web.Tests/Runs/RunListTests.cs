using System.Net;
using System.Text.RegularExpressions;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Runs;
using Portal.Domain.Scenarios;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Runs;

/// <summary>Finding runs: <c>GET /api/runs</c> and <c>PATCH /api/runs/{id}</c> on both providers, and the runs list and
/// compare pages in Chromium.</summary>
public sealed partial class RunListTests
{
    public static TheoryData<bool> OnPostgres => [false, true];

    /// <summary>Three succeeded runs tagged <c>seeded</c> in the demo team and one in another team; returns their ids by name.</summary>
    private static async Task<Dictionary<string, Guid>> SeedAsync(PortalServer server)
    {
        var factory = server.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var demoTeam = await db.TeamMembers.Where(m => m.User!.Email == PortalServer.DemoEmail).Select(m => m.TeamId).FirstAsync();
        var other = new Team { Name = "Elsewhere" };
        db.Teams.Add(other);
        var t0 = DateTime.UtcNow.AddDays(-1);
        var ids = new Dictionary<string, Guid>();
        void Add(Guid team, string name, Side side, double size, double best, double twap, int minutes)
        {
            var demo = ScenarioPresets.Demo();
            var scenario = demo with { Name = name, Order = demo.Order with { Side = side, SizePctAdv = size } };
            var run = new Run
            {
                TeamId = team, Name = name, ScenarioName = name, ScenarioJson = ScenarioJson.Serialize(scenario), Status = RunStatus.Succeeded,
                Progress = 1, Episodes = scenario.Episodes, Seed = scenario.Seed, CreatedUtc = t0.AddMinutes(minutes), FinishedUtc = t0.AddMinutes(minutes + 1),
                Tags = "|seeded|", CreatedBy = PortalServer.DemoEmail,
            };
            ScenarioFamily.Of(scenario).ApplyTo(run);
            RunHeadline.ApplyScenario(run, scenario);
            run.Strategies =
            [
                new RunStrategyResult { RunId = run.Id, Index = 0, StrategyId = "twap", DisplayName = "TWAP", Episodes = 100, MeanBps = twap, MeanCiLowBps = twap - 1, MeanCiHighBps = twap + 1 },
                new RunStrategyResult { RunId = run.Id, Index = 1, StrategyId = "almgren-chriss", DisplayName = "Almgren–Chriss", Episodes = 100, MeanBps = best, MeanCiLowBps = best - 1, MeanCiHighBps = best + 1 },
            ];
            RunHeadline.ApplyResults(run, run.Strategies);
            db.Runs.Add(run);
            ids[name] = run.Id;
        }
        Add(demoTeam, "Alpha sell 2%", Side.Sell, 2, 11, 12, 1);
        Add(demoTeam, "Bravo buy 5%", Side.Buy, 5, 30, 29, 2);
        Add(demoTeam, "Charlie sell 8%", Side.Sell, 8, 20, 25, 3);
        Add(other.Id, "Other team sell", Side.Sell, 2, 1, 2, 4);
        await db.SaveChangesAsync();
        return ids;
    }

    private static string[] Names(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToArray();

    [Theory]
    [MemberData(nameof(OnPostgres))]
    public async Task Get_api_runs_filters_sorts_and_pages_within_the_team_and_patch_renames_and_tags(bool postgres)
    {
        await using var server = await PortalServer.StartAsync(postgres: postgres, settings: new Dictionary<string, string?> { ["Portal:SeedDemo"] = "true" });
        var ids = await SeedAsync(server);
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/runs")).StatusCode);

        using var client = await server.SignedInClientAsync();
        var all = await client.GetFromJsonAsync<JsonElement>("/api/runs?tag=seeded");
        Assert.Equal(["Charlie sell 8%", "Bravo buy 5%", "Alpha sell 2%"], Names(all));
        Assert.Equal(3, all.GetProperty("total").GetInt32());

        Assert.Equal(["Alpha sell 2%", "Charlie sell 8%"], Names(await client.GetFromJsonAsync<JsonElement>("/api/runs?tag=seeded&side=sell&sort=meanCostBps")));
        Assert.Equal(["Bravo buy 5%", "Charlie sell 8%"], Names(await client.GetFromJsonAsync<JsonElement>("/api/runs?tag=seeded&sizePctAdvMin=4.5&sort=-twapMeanBps")));
        Assert.Equal(["Bravo buy 5%"], Names(await client.GetFromJsonAsync<JsonElement>("/api/runs?tag=seeded&bestStrategy=twap&market=simulated&status=succeeded")));
        var second = await client.GetFromJsonAsync<JsonElement>("/api/runs?tag=seeded&page=2&pageSize=2&sort=created");
        Assert.Equal(("Charlie sell 8%", 3), (string.Join(",", Names(second)), second.GetProperty("total").GetInt32()));
        var item = (await client.GetFromJsonAsync<JsonElement>("/api/runs?q=alpha")).GetProperty("items")[0];
        Assert.Equal((2.0, "sell", "almgren-chriss", 11.0, 12.0), (item.GetProperty("sizePctAdv").GetDouble(), item.GetProperty("side").GetString(),
            item.GetProperty("bestStrategyId").GetString(), item.GetProperty("bestMeanBps").GetDouble(), item.GetProperty("twapMeanBps").GetDouble()));
        Assert.Empty(Names(await client.GetFromJsonAsync<JsonElement>("/api/runs?q=other")));

        foreach (var (query, parameter) in new[] { ("pageSize=101", "pageSize"), ("pageSize=0", "pageSize"), ("page=0", "page"), ("sort=colour", "sort"), ("side=short", "side"), ("sizePctAdvMin=two", "sizePctAdvMin") })
        {
            var bad = await client.GetAsync("/api/runs?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out var messages), query);
            Assert.Contains(parameter, messages[0].GetString(), StringComparison.Ordinal);
        }

        var patched = await client.PatchAsJsonAsync($"/api/runs/{ids["Alpha sell 2%"]}", new { name = "Alpha, renamed", tags = new[] { "Seeded", "Desk-A" }, notes = "kept" });
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var run = await client.GetFromJsonAsync<JsonElement>($"/api/runs/{ids["Alpha sell 2%"]}");
        Assert.Equal(("Alpha, renamed", "desk-a,seeded", "kept"), (run.GetProperty("name").GetString(),
            string.Join(',', run.GetProperty("tags").EnumerateArray().Select(t => t.GetString())), run.GetProperty("notes").GetString()));
        Assert.Equal(["Alpha, renamed"], Names(await client.GetFromJsonAsync<JsonElement>("/api/runs?tag=desk-a")));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PatchAsJsonAsync($"/api/runs/{ids["Alpha sell 2%"]}", new { tags = new[] { "two words" } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PatchAsJsonAsync($"/api/runs/{ids["Other team sell"]}", new { name = "mine" })).StatusCode);
    }

    [GeneratedRegex("class=\"mud-typography mud-link mud-primary-text mud-link-underline-hover run-name\">([^<]*)</a>")]
    private static partial Regex RunName();

    private static string[] NamesIn(string html) => [.. RunName().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))];

    /// <summary>The runs page is rendered on the server with its rows: a plain GET (no browser, no circuit) already lists
    /// the team's runs, narrowed, sorted and paged by the address as <c>GET /api/runs</c> reads the same query, and never
    /// another team's.</summary>
    [Theory]
    [MemberData(nameof(OnPostgres))]
    public async Task The_first_response_of_the_runs_page_holds_the_rows_the_address_asks_for(bool postgres)
    {
        await using var server = await PortalServer.StartAsync(postgres: postgres, settings: new Dictionary<string, string?> { ["Portal:SeedDemo"] = "true" });
        var ids = await SeedAsync(server);
        using var client = await server.SignedInClientAsync();

        var all = await client.GetStringAsync("/runs");
        Assert.Equal(["Charlie sell 8%", "Bravo buy 5%", "Alpha sell 2%"], NamesIn(all).Where(n => n.Length > 0 && ids.ContainsKey(n)));
        Assert.DoesNotContain("Other team sell", all, StringComparison.Ordinal);
        Assert.DoesNotContain("runs-loading", all, StringComparison.Ordinal);
        Assert.Contains($"value=\"{ids["Alpha sell 2%"]}\"", all, StringComparison.Ordinal);

        foreach (var query in new[] { "tag=seeded&side=sell&sort=meanCostBps", "tag=seeded&sizePctAdvMin=4.5&sort=-twapMeanBps", "tag=seeded&meanCostBpsMin=15", "tag=seeded&page=2&pageSize=2&sort=created" })
        {
            var html = await client.GetStringAsync("/runs?" + query);
            Assert.Equal(Names(await client.GetFromJsonAsync<JsonElement>("/api/runs?" + query)), NamesIn(html));
        }
        var filtered = await client.GetStringAsync("/runs?tag=seeded&side=sell&sort=meanCostBps");
        Assert.Equal(["Alpha sell 2%", "Charlie sell 8%"], NamesIn(filtered));
        // The form carries the address: its fields hold the filters, the hidden sort field the sort.
        Assert.Contains("name=\"side\"", filtered, StringComparison.Ordinal);
        Assert.Matches("<option value=\"sell\" selected", filtered);
        Assert.Contains("name=\"sort\" id=\"sort-value\" value=\"meanCostBps\"", filtered, StringComparison.Ordinal);
        Assert.Contains("1-2 of 2", filtered, StringComparison.Ordinal);
        // A filter the form has no field for is kept as a hidden field and shown.
        var addressOnly = await client.GetStringAsync("/runs?tag=seeded&meanCostBpsMin=15");
        Assert.Contains("<input type=\"hidden\" name=\"meanCostBpsMin\" value=\"15\"", addressOnly, StringComparison.Ordinal);
        Assert.Contains("Also filtered by the address: meanCostBpsMin = 15", addressOnly, StringComparison.Ordinal);
        // The second page links back to the first with the same filters.
        var second = await client.GetStringAsync("/runs?tag=seeded&page=2&pageSize=2&sort=created");
        Assert.Contains("href=\"/runs?tag=seeded&amp;sort=created&amp;pageSize=2\"", second, StringComparison.Ordinal);
        Assert.Contains("3-3 of 3", second, StringComparison.Ordinal);
        // An unreadable address says why and lists every run.
        var bad = await client.GetStringAsync("/runs?side=short");
        Assert.Contains("id=\"filter-error\"", bad, StringComparison.Ordinal);
        Assert.Contains("side must be one of buy, sell.", bad, StringComparison.Ordinal);
        Assert.Equal(3, NamesIn(bad).Count(ids.ContainsKey));
        // Nothing matches: the filtered empty state.
        Assert.Contains("No run matches these filters", await client.GetStringAsync("/runs?q=no+such+run"), StringComparison.Ordinal);
    }

    /// <summary>What a user stored on a run (its name, tags, who submitted it) is text on the runs page, in the cells and in
    /// the tick box's label, never markup: the rows are written as one piece of markup each, with every value encoded.</summary>
    [Fact]
    public async Task A_run_s_stored_name_and_tags_are_text_on_the_runs_page_never_markup()
    {
        await using var server = await PortalServer.StartAsync(settings: new Dictionary<string, string?> { ["Portal:SeedDemo"] = "true" });
        const string name = "<script>alert(\"x\")</script> & 'y' é→ü";
        const string by = "o'brien<x>@example.com";
        Guid id;
        var factory = server.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            var team = await db.TeamMembers.Where(m => m.User!.Email == PortalServer.DemoEmail).Select(m => m.TeamId).FirstAsync();
            var scenario = ScenarioPresets.Demo();
            var run = new Run
            {
                TeamId = team, Name = name, ScenarioName = "hostile", ScenarioJson = ScenarioJson.Serialize(scenario), Status = RunStatus.Running,
                Progress = 0.25, Episodes = scenario.Episodes, Seed = scenario.Seed, CreatedUtc = DateTime.UtcNow, Tags = "|<b>bold</b>|a&b|", CreatedBy = by,
            };
            ScenarioFamily.Of(scenario).ApplyTo(run);
            RunHeadline.ApplyScenario(run, scenario);
            db.Runs.Add(run);
            await db.SaveChangesAsync();
            id = run.Id;
        }
        using var client = await server.SignedInClientAsync();

        var html = await client.GetStringAsync("/runs");

        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>bold</b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<x>", html, StringComparison.Ordinal);
        Assert.Contains(name, NamesIn(html));
        Assert.Contains($"data-run=\"{id}\"", html, StringComparison.Ordinal);
        Assert.Equal("Select " + name, WebUtility.HtmlDecode(Regex.Match(html, $"value=\"{id}\" aria-label=\"([^\"]*)\"").Groups[1].Value));
        var tags = Regex.Matches(html, "run-tag\"><span class=\"mud-chip-content\">([^<]*)</span>").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value));
        Assert.Equal(["<b>bold</b>", "a&b"], tags);
        Assert.Contains(">Running 25", html, StringComparison.Ordinal);
        Assert.Contains(by, Regex.Matches(html, "Submitted \\(UTC\\)\" class=\"mud-table-cell\">[^<]* · ([^<]*)</td>").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)));

        // What the address says is text too: the filter fields show it as their value, encoded.
        var searched = await client.GetStringAsync("/runs?q=" + Uri.EscapeDataString(name) + "&regime=" + Uri.EscapeDataString("\"><b>x</b>"));
        Assert.DoesNotContain("<script>alert", searched, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>x</b>", searched, StringComparison.Ordinal);
        Assert.Equal(name, WebUtility.HtmlDecode(Regex.Match(searched, "id=\"filter-text\" name=\"q\" type=\"text\" inputmode=\"text\" value=\"([^\"]*)\"").Groups[1].Value));
        Assert.Equal("\"><b>x</b>", WebUtility.HtmlDecode(Regex.Match(searched, "id=\"filter-regime\" name=\"regime\" type=\"text\" inputmode=\"text\" value=\"([^\"]*)\"").Groups[1].Value));
    }

    [Fact]
    public async Task The_runs_list_filters_and_sorts_in_the_browser_and_compare_shows_what_differs()
    {
        await using var server = await PortalServer.StartAsync();
        var ids = await SeedAsync(server);
        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;

        async Task<string[]> RowNamesAsync(int expected)
        {
            var names = page.Locator("#run-grid .run-name");
            await Assertions.Expect(names).ToHaveCountAsync(expected);
            return [.. (await names.AllInnerTextsAsync()).Select(n => n.Trim())];
        }

        await page.ScriptAsync("runs-list", async step =>
        {
            step("sign in and open the runs list");
            await page.SignInAsDemoAsync();
            await page.GotoAsync("/runs");
            // The page is rendered on the server with its rows: no circuit to wait for.
            Assert.Equal(0, await page.Locator("#interactive-ready").CountAsync());

            step("filter by tag: the form submits after a pause in typing, and the address says so");
            await page.FillAsync("#filter-tag", "seeded");
            await page.WaitForURLAsync(url => url.EndsWith("/runs?tag=seeded", StringComparison.Ordinal));
            Assert.Equal(["Charlie sell 8%", "Bravo buy 5%", "Alpha sell 2%"], await RowNamesAsync(3));

            step("filter by size");
            await page.FillAsync("#filter-size-max", "5");
            await page.WaitForURLAsync(url => url.Contains("sizePctAdvMax=5", StringComparison.Ordinal));
            Assert.Equal(["Bravo buy 5%", "Alpha sell 2%"], await RowNamesAsync(2));
            await page.FillAsync("#filter-size-max", "");
            await page.WaitForURLAsync(url => !url.Contains("sizePctAdvMax", StringComparison.Ordinal));
            await RowNamesAsync(3);

            step("sort by best mean cost: choosing the key submits at once (descending, as before), then the switch turns it ascending");
            await page.SelectOptionAsync("#sort-key", "meanCostBps");
            await page.WaitForURLAsync(url => url.Contains("sort=-meanCostBps", StringComparison.Ordinal));
            await Assertions.Expect(page.Locator("#run-grid .run-name").First).ToHaveTextAsync("Bravo buy 5%");
            await page.ClickAsync("#sort-descending");
            await page.WaitForURLAsync(url => url.Contains("sort=meanCostBps", StringComparison.Ordinal));
            await Assertions.Expect(page.Locator("#run-grid .run-name").First).ToHaveTextAsync("Alpha sell 2%");
            Assert.Equal(["Alpha sell 2%", "Charlie sell 8%", "Bravo buy 5%"], await RowNamesAsync(3));
            await Assertions.Expect(page.Locator("#sort-descending")).Not.ToBeCheckedAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "runs-list.png"), FullPage = true });

            step("the page size and the pager keep the filters and the sort");
            await page.SelectOptionAsync("#run-pager-size", "10");
            await page.WaitForURLAsync(url => url.Contains("pageSize=10", StringComparison.Ordinal));
            await RowNamesAsync(3);
            await page.GotoAsync("/runs?tag=seeded&sort=meanCostBps&pageSize=2");
            Assert.Equal(["Alpha sell 2%", "Charlie sell 8%"], await RowNamesAsync(2));
            await Assertions.Expect(page.Locator("#run-pager .pager-range")).ToHaveTextAsync("1-2 of 3");
            await page.ClickAsync("#run-pager .pager-next");
            await page.WaitForURLAsync(url => url.Contains("page=2", StringComparison.Ordinal));
            Assert.Equal(["Bravo buy 5%"], await RowNamesAsync(1));
            await Assertions.Expect(page.Locator("#run-pager .pager-range")).ToHaveTextAsync("3-3 of 3");
            await page.ClickAsync("#run-pager .pager-first");
            Assert.Equal(["Alpha sell 2%", "Charlie sell 8%"], await RowNamesAsync(2));

            step("tick two runs: the compare button turns on and leads to /compare?runs=ID,ID");
            await Assertions.Expect(page.Locator("#compare-selected")).ToBeDisabledAsync();
            await page.Locator($"#run-grid tr[data-run='{ids["Alpha sell 2%"]}'] input.run-tick").CheckAsync();
            await Assertions.Expect(page.Locator("#compare-selected")).ToBeDisabledAsync();
            await page.Locator($"#run-grid tr[data-run='{ids["Charlie sell 8%"]}'] input.run-tick").CheckAsync();
            await Assertions.Expect(page.Locator("#compare-selected")).ToBeEnabledAsync();
            await Assertions.Expect(page.Locator("#compare-selected")).ToContainTextAsync("Compare 2 runs");
            await page.ClickAsync("#compare-selected");
            await page.WaitForURLAsync(url => url.EndsWith($"/compare?runs={ids["Alpha sell 2%"]},{ids["Charlie sell 8%"]}", StringComparison.Ordinal));
            await page.WaitForInteractiveAsync();
            Assert.Equal(2, await page.Locator("#compare-table thead th[data-run]").CountAsync());

            step("back to the list (an interactive page to a server-rendered one): nothing matches, the empty state says what to do");
            await page.Locator(".mud-navmenu a[href='/runs']").ClickAsync();
            await page.WaitForURLAsync(url => url.EndsWith("/runs", StringComparison.Ordinal));
            await page.FillAsync("#filter-text", "no such run");
            await Assertions.Expect(page.Locator("#runs-empty")).ToContainTextAsync("Clear a filter");

            step("compare two runs: the parameter table lists only what differs, against the first selected run");
            await page.GotoAsync($"/compare?runs={ids["Alpha sell 2%"]},{ids["Bravo buy 5%"]}");
            await page.WaitForInteractiveAsync();
            var fields = await page.Locator("#parameter-differences .parameter-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.field)");
            Assert.Equal(["order.side", "order.sizePctAdv"], fields.Order().ToArray());
            var size = await page.Locator("#parameter-differences .parameter-row[data-field='order.sizePctAdv'] td").AllInnerTextsAsync();
            Assert.Equal(["order.sizePctAdv", "2", "5"], size.Select(s => s.Trim()));
            Assert.Contains("(reference)", await page.Locator("#parameter-differences thead th").Nth(1).InnerTextAsync());
            Assert.Contains("Alpha", await page.Locator("#parameter-differences thead th").Nth(1).InnerTextAsync());

            step("the runs are overlaid: one colour per run, the legend names them and marks the reference");
            var legend = await page.Locator("#compare-charts .legend-entry").First.InnerTextAsync();
            Assert.Contains("Alpha sell 2% (reference)", legend);
            Assert.Equal(2 * await page.Locator("#compare-table tbody tr").CountAsync(), await page.Locator("#compare-means-chart circle.compare-mean").CountAsync());
            Assert.Equal("Mean shortfall (bps)", await page.Locator("#compare-means-chart .y-title").TextContentAsync());
            // These runs were stored without episodes: the distribution panel says so instead of drawing nothing.
            Assert.Contains("recorded episode costs", await page.Locator("#compare-ecdf-empty").InnerTextAsync());
            await page.SetViewportSizeAsync(1440, 900);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "compare.png"), FullPage = true });

            step("the CSV export comes from the API with the page's runs and reference");
            var href = (await page.GetAttributeAsync("#export-compare-csv", "href"))!;
            Assert.StartsWith("/api/compare?", href, StringComparison.Ordinal);
            var response = await page.APIRequest.GetAsync(href);
            Assert.Equal(200, response.Status);
            var csv = await response.TextAsync();
            Assert.Contains("parameter,order.sizePctAdv,2,5", csv, StringComparison.Ordinal);
            Assert.Contains("meanCostBps,twap,12,29", csv, StringComparison.Ordinal);
            Assert.Contains("diffVsReferenceBps,twap,,17", csv, StringComparison.Ordinal);
            var pdf = await page.APIRequest.GetAsync((await page.GetAttributeAsync("#export-compare-pdf", "href"))!);
            Assert.Equal("application/pdf", pdf.Headers["content-type"]);
            Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(await pdf.BodyAsync(), 0, 4), StringComparison.Ordinal);
        });
    }
    [Fact]
    public async Task The_runs_page_reads_its_address_as_the_api_reads_its_query_and_lists_the_same_runs()
    {
        await using var server = await PortalServer.StartAsync();
        await SeedAsync(server);
        using var client = await server.SignedInClientAsync();
        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;

        async Task<string[]> PageNamesAsync(int expected)
        {
            var names = page.Locator("#run-grid .run-name");
            await Assertions.Expect(names).ToHaveCountAsync(expected);
            return [.. (await names.AllInnerTextsAsync()).Select(n => n.Trim())];
        }

        await page.ScriptAsync("runs-list-address", async step =>
        {
            step("sign in");
            await page.SignInAsDemoAsync();
            // Filters the form has fields for, one it has not (meanCostBpsMin), sorts both ways, and a second page.
            foreach (var query in new[]
            {
                "tag=seeded&side=sell&sort=meanCostBps", "tag=seeded&sizePctAdvMin=4.5&sort=-twapMeanBps", "tag=seeded&meanCostBpsMin=15",
                "tag=seeded&page=2&pageSize=2&sort=created", "tag=seeded&market=simulated&status=succeeded&bestStrategy=twap",
            })
            {
                step("open /runs?" + query + " and compare with GET /api/runs?" + query);
                var api = Names(await client.GetFromJsonAsync<JsonElement>("/api/runs?" + query));
                Assert.NotEmpty(api);
                await page.GotoAsync("/runs?" + query);
                Assert.Equal(api, await PageNamesAsync(api.Length));
                if (query.Contains("meanCostBpsMin", StringComparison.Ordinal))
                {
                    // A filter the form has no field for still applies, and the page says so.
                    await Assertions.Expect(page.Locator("#filter-address")).ToContainTextAsync("meanCostBpsMin = 15");
                }
            }

            step("a filter changed on the page is written to the address, which the API answers alike");
            await page.GotoAsync("/runs");
            await page.FillAsync("#filter-tag", "seeded");
            await page.WaitForURLAsync(url => url.Contains("tag=seeded", StringComparison.Ordinal));
            await page.FillAsync("#filter-size-max", "5");
            await page.WaitForURLAsync(url => url.Contains("sizePctAdvMax=5", StringComparison.Ordinal) && url.Contains("tag=seeded", StringComparison.Ordinal));
            var written = new Uri(page.Url).Query;
            var fromApi = Names(await client.GetFromJsonAsync<JsonElement>("/api/runs" + written));
            Assert.Equal(["Bravo buy 5%", "Alpha sell 2%"], fromApi);
            Assert.Equal(fromApi, await PageNamesAsync(2));

            step("a bad address: the page says what the API says, field by field");
            var bad = await client.GetAsync("/api/runs?side=short&pageSize=1000");
            var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            await page.GotoAsync("/runs?side=short&pageSize=1000");
            var shown = await page.Locator("#filter-error").InnerTextAsync();
            foreach (var field in new[] { "side", "pageSize" })
            {
                Assert.Contains(errors.GetProperty(field)[0].GetString()!, shown, StringComparison.Ordinal);
            }
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), "runs-list-address.png"), FullPage = true });
        });
    }
}
