using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.Testing;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Runs;

/// <summary>The run page a desk reads: headline, charts with axis titles, the episode explorer and its blotter; and the
/// replay scenario and run pages naming the data they traded.</summary>
public sealed class RunPageTests
{
    [Fact]
    public async Task The_episode_explorer_shows_the_child_orders_and_a_blotter_that_adds_up_to_the_stored_shortfall()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();
        var scenario = JsonDocument.Parse("""
            {"name":"explore","order":{"side":"sell","sizePctAdv":5,"horizonMinutes":60,"steps":12,"startMinutesAfterOpen":30},"market":{},
             "episodes":300,"seed":9,"strategies":["twap","pov","immediate"]}
            """).RootElement;
        var submitted = await client.PostAsJsonAsync("/api/runs", new { scenario });
        Assert.True(submitted.StatusCode == HttpStatusCode.Accepted, await submitted.Content.ReadAsStringAsync());
        var runId = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal("Succeeded", (await ApiTests.WaitForFinishAsync(client, runId)).GetProperty("status").GetString());
        var stored = (await client.GetStringAsync($"/api/runs/{runId}/episodes.csv"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(','))
            .ToDictionary(c => (c[0], int.Parse(c[1], CultureInfo.InvariantCulture)), c => double.Parse(c[2], CultureInfo.InvariantCulture));

        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;
        await page.ScriptAsync("episode explorer", async step =>
        {
            step("the run page opens with its headline and titled axes");
            await page.SignInAsDemoAsync();
            await page.GotoAsync($"/runs/{runId}");
            await page.WaitForInteractiveAsync();
            await page.Locator("#headline-best").WaitForAsync();
            Assert.Contains("bps", await page.Locator("#headline-chosen").InnerTextAsync());
            // A simulated market has no calendar: the axes count minutes from the order's start, with their unit.
            Assert.Equal("Time from the order's start (min)", await page.Locator("#inventory-chart .x-title").TextContentAsync());
            Assert.Equal("Remaining order (%)", await page.Locator("#inventory-chart .y-title").TextContentAsync());
            Assert.Equal("0", await page.Locator("#inventory-chart .x-tick").First.TextContentAsync());
            Assert.Equal("60", await page.Locator("#inventory-chart .x-tick").Last.TextContentAsync());
            Assert.StartsWith("Time from the order's start (min)", await page.Locator("#participation-chart .x-title").TextContentAsync());
            Assert.Contains("Implementation shortfall (bps", await page.Locator("#cost-chart .x-title").TextContentAsync());
            Assert.True(await page.Locator("#breakdown-chart rect.segment").CountAsync() >= 4);
            Assert.Matches(@"^-?\d+\.\d\d$", await page.Locator("#breakdown-table tr[data-strategy=twap] td.vwap-slippage").InnerTextAsync());

            step("episode 0 is drawn with child orders marked");
            await page.Locator("#explorer[data-episode='0']").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
            Assert.True(await page.Locator("#episode-chart circle.child-marker").CountAsync() > 0);
            Assert.Equal("Price (currency per share)", await page.Locator("#episode-chart .y-title").TextContentAsync());

            step("another episode is re-simulated and its shortfalls are the stored ones");
            await page.FillAsync("#episode-input", "123");
            await page.ClickAsync("#episode-show");
            await page.Locator("#explorer[data-episode='123']").WaitForAsync();
            foreach (var id in new[] { "twap", "pov", "immediate", "random", "best-static" })
            {
                var shown = double.Parse(await page.Locator($"#episode-shortfalls tr[data-strategy={id}] td.episode-shortfall").InnerTextAsync(), CultureInfo.InvariantCulture);
                Assert.Equal(stored[(id, 123)], shown, 1e-4);
            }

            step("the blotter of Immediate holds the whole order at the first step and adds up to its shortfall");
            await page.SelectOptionAsync("#blotter-strategy", "immediate");
            await page.Locator("#blotter[data-strategy=immediate]").WaitForAsync();
            Assert.Equal(12, await page.Locator("#blotter tr.blotter-row").CountAsync());
            Assert.Equal("0", await page.Locator("#blotter tr.blotter-row[data-step='11'] td.child-shares").InnerTextAsync());
            Assert.NotEqual("0", await page.Locator("#blotter tr.blotter-row[data-step='0'] td.child-shares").InnerTextAsync());
            var total = double.Parse(await page.Locator("#blotter .blotter-total").InnerTextAsync(), CultureInfo.InvariantCulture);
            Assert.Equal(stored[("immediate", 123)], total, 1e-3);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "run-page-explorer.png"), FullPage = true });
            foreach (var (selector, file) in new[] { ("#headline", "run-headline"), ("#cost-breakdown", "run-breakdown"), ("#episode-explorer", "run-explorer"), (".mud-paper:has(#cost-chart)", "run-ecdf"), (".mud-paper:has(#inventory-chart)", "run-inventory") })
            {
                await page.Locator(selector).ScreenshotAsync(new LocatorScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, file + ".png") });
            }

            step("an episode outside the run is refused in words");
            await page.FillAsync("#episode-input", "abc");
            await page.ClickAsync("#episode-show");
            Assert.Equal("Episode must be a whole number from 0 to 299.", await page.Locator("#episode-error").InnerTextAsync());
        });
    }

    [Fact]
    public async Task A_replay_scenario_and_its_run_name_the_dataset_window_shares_and_price()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();
        var upload = new MultipartFormDataContent { { new StringContent("auto"), "format" } };
        foreach (var name in new[] { SharedData.AmznMessage1, SharedData.AmznOrderbook1 })
        {
            upload.Add(new StreamContent(File.OpenRead(SharedData.File(name))), "files", name);
        }
        var uploaded = await client.PostAsync("/api/datasets", upload);
        Assert.True(uploaded.StatusCode == HttpStatusCode.Created, await uploaded.Content.ReadAsStringAsync());
        var datasetId = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var json = """
            {"name":"AMZN replay","order":{"side":"sell","sizePctAdv":0.5,"horizonMinutes":5,"steps":10},"market":{},
             "episodes":40,"seed":5,"strategies":["twap","immediate"],
             "replay":{"datasetId":"DATASET","options":{"segment":"test"}}}
            """.Replace("DATASET", datasetId.ToString(), StringComparison.Ordinal);
        var created = await client.PostAsync("/api/scenarios", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var scenarioId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var submitted = await client.PostAsJsonAsync("/api/runs", new { scenarioId });
        Assert.True(submitted.StatusCode == HttpStatusCode.Accepted, await submitted.Content.ReadAsStringAsync());
        var runId = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal("Succeeded", (await ApiTests.WaitForFinishAsync(client, runId)).GetProperty("status").GetString());

        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;
        await page.ScriptAsync("replay pages", async step =>
        {
            step("the scenario page names the dataset, the test window in exchange time, the shares and the recorded price");
            await page.SignInAsDemoAsync();
            await page.GotoAsync($"/scenarios/{scenarioId}");
            await page.Locator("#scenario-title").WaitForAsync();
            var text = await page.Locator(".mud-table, table").First.InnerTextAsync();
            Assert.Contains("AMZN", text);
            Assert.Matches(@"Replay segment \(exchange time\)\s+Test: \d\d:\d\d:\d\d–\d\d:\d\d:\d\d", text);
            Assert.Matches(@"Recorded mid \(currency\)\s+2\d\d\.\d\d at the segment start", text);
            Assert.Matches(@"\(\d{1,3}(,\d{3})* shares of AMZN\)", await page.Locator("#replay-order").InnerTextAsync());
            Assert.DoesNotContain("arrival 50", text);
            Assert.DoesNotContain("ADV 5,000,000", text);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "replay-scenario.png"), FullPage = true });

            step("the run page prints the same, and its explorer replays a window of the recording with its fills");
            await page.GotoAsync($"/runs/{runId}");
            await page.WaitForInteractiveAsync();
            var parameters = await page.Locator("#run-parameters").InnerTextAsync();
            Assert.Contains("AMZN", parameters);
            Assert.Contains("Test: ", parameters);
            Assert.DoesNotContain("Arrival price", parameters);
            Assert.Contains("America/New_York", parameters);
            // Forty windows spread over the test segment share no clock time: the averaged charts count minutes from each window's start.
            Assert.Equal("Time from each window's start (min)", await page.Locator("#inventory-chart .x-title").TextContentAsync());
            await page.Locator("#episode-input").FillAsync("2");
            await page.Locator("#episode-show").ClickAsync();
            await page.Locator("#explorer[data-episode='2']").WaitForAsync();
            Assert.Equal(0, await page.Locator("#explorer-unavailable").CountAsync());
            // Window 3 of 40 is named with its day, its start and end on the exchange's clock and the zone.
            Assert.Matches(@"window 3 of 40, 20\d\d-\d\d-\d\d \d\d:\d\d(:\d\d)?–\d\d:\d\d(:\d\d)? America/New_York", await page.Locator("#explorer-window").InnerTextAsync());
            Assert.Equal("Exchange time, America/New_York (HH:MM)", await page.Locator("#episode-chart .x-title").TextContentAsync());
            Assert.Equal(1, await page.Locator("#episode-chart path.series[data-name='Recorded best bid']").CountAsync());
            Assert.Equal(1, await page.Locator("#episode-chart path.series[data-name='Recorded best ask']").CountAsync());
            Assert.True(await page.Locator("#episode-chart circle.market-marker").CountAsync() > 0);
            // The blotter's rows start at the window's start and add up to the parent order; every row names the levels it walked.
            var rows = page.Locator("#blotter .blotter-row");
            Assert.Equal(10, await rows.CountAsync());
            Assert.Matches(@"^\d\d:\d\d(:\d\d)?$", (await rows.First.Locator(".step-time").InnerTextAsync()).Trim());
            var shares = 0.0;
            foreach (var cell in await page.Locator("#blotter .child-shares").AllInnerTextsAsync())
            {
                shares += double.Parse(cell, NumberStyles.Number, CultureInfo.InvariantCulture);
            }
            var quantity = double.Parse(System.Text.RegularExpressions.Regex.Match(await page.Locator("#explorer .mud-typography-subtitle1").First.InnerTextAsync(), @"([\d,]+) shares").Groups[1].Value,
                NumberStyles.Number, CultureInfo.InvariantCulture);
            Assert.InRange(shares, quantity - 10, quantity + 10);
            Assert.All(await page.Locator("#blotter .levels-walked").AllInnerTextsAsync(), t => Assert.Matches(@"^(\d+|–)$", t.Trim()));
            Assert.Contains(await page.Locator("#blotter .levels-walked").AllInnerTextsAsync(), t => int.TryParse(t, out var n) && n >= 1);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "replay-run.png"), FullPage = true });
        });
    }
}
