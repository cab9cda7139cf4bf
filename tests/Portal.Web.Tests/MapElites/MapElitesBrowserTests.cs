using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.MapElites;

/// <summary>The MAP-Elites flow in Chromium: a 1,000-candidate search at a tiny per-candidate budget submitted from the
/// browser, run by the in-process worker in jobs of candidate ranges, read from the archive page and the API.</summary>
public sealed class MapElitesBrowserTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_search_submitted_from_the_browser_finishes_and_shows_its_archive(bool postgres)
    {
        await using var server = await PortalServer.StartWithJobsAsync(postgres);
        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;
        await page.ScriptAsync("map-elites-flow", async step =>
        {
            step("sign in");
            await page.SignInAsDemoAsync();
            step("open the archives from the navigation");
            await page.GotoAsync("/");
            await page.ClickAsync("a[href='/map-elites']");
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/map-elites$"));
            await page.Locator("#map-elites-interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
            await page.Locator("#no-searches").WaitForAsync();

            step("a field out of range is named");
            await page.FillAsync("#search-episodes", "1");
            await page.ClickAsync("#submit-search");
            await Assertions.Expect(page.Locator(".search-error")).ToContainTextAsync("episodesPerNiche");

            step("fill and submit");
            await page.FillAsync("#search-name", "CI archive");
            await page.FillAsync("#search-candidates", "1000");
            await page.FillAsync("#search-batch", "250");
            await page.FillAsync("#search-episodes", "2");
            await page.FillAsync("#search-shards", "2");
            await page.FillAsync("#search-holdout", "8");
            await page.ClickAsync("#submit-search");
            // The address is enough (the archive's element below is what the next steps need): the page's "load" event did
            // not always come within 30 s of the navigation on a loaded machine, although the archive page had rendered.
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/map-elites/[0-9a-f-]{36}$"), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
            await page.Locator("#archive-interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

            step("watch it finish");
            await Assertions.Expect(page.Locator("#archive-status")).ToHaveAttributeAsync("data-status", "Succeeded", new LocatorAssertionsToHaveAttributeOptions { Timeout = 240_000 });
            await Assertions.Expect(page.Locator("#archive-status")).ToHaveAttributeAsync("data-done", "4");
            await Assertions.Expect(page.Locator("#archive-status")).ToContainTextAsync("4 of 4 generations merged (1,000 candidates)");

            step("the page shows what the API answers");
            var id = Guid.Parse(page.Url.Split('/')[^1]);
            using var client = await server.SignedInClientAsync();
            var search = await client.GetFromJsonAsync<JsonElement>($"/api/map-elites/{id}");
            Assert.Equal("Succeeded", search.GetProperty("status").GetString());
            Assert.Equal(4, search.GetProperty("iterations").GetArrayLength());
            Assert.Equal(1000, search.GetProperty("iterations")[3].GetProperty("evaluated").GetInt64());
            var niches = search.GetProperty("niches");
            Assert.Equal(9, niches.GetArrayLength());
            await Assertions.Expect(page.Locator("#archive-heatmap .niche-cell")).ToHaveCountAsync(9);
            var centre = niches[4];
            var shown = await page.Locator(".niche-cell[data-niche='4']").GetAttributeAsync("data-improvement");
            Assert.Equal(centre.GetProperty("referenceObjectiveBps").GetDouble() - centre.GetProperty("eliteObjectiveBps").GetDouble(),
                double.Parse(shown!, CultureInfo.InvariantCulture), 9);
            await Assertions.Expect(page.Locator("#coverage-chart circle")).ToHaveCountAsync(4);
            await Assertions.Expect(page.Locator("#qd-chart circle")).ToHaveCountAsync(4);
            double qd = search.GetProperty("qdScore").GetDouble();
            await Assertions.Expect(page.Locator("#archive-headline")).ToContainTextAsync($"QD-score {qd.ToString("F2", CultureInfo.InvariantCulture)} bps");
            await Assertions.Expect(page.Locator("#comparison-table .comparison-row")).ToHaveCountAsync(9);
            await Assertions.Expect(page.Locator("#archive-comparison")).ToContainTextAsync("95% intervals over 8 independent held-out episodes per niche");
            var first = search.GetProperty("comparisons")[0].GetProperty("comparisons")[0];
            Assert.Equal("specialist", first.GetProperty("a").GetString());
            Assert.Equal("generalist", first.GetProperty("b").GetString());
            await Assertions.Expect(page.Locator(".comparison-row[data-niche='0'] td").Nth(2))
                .ToContainTextAsync(first.GetProperty("objective").GetProperty("meanBps").GetDouble().ToString("F2", CultureInfo.InvariantCulture));
            Assert.Contains($"router:{id:N}", search.GetProperty("strategies").EnumerateArray().Select(s => s.GetString()));
            await Assertions.Expect(page.Locator("#archive-strategies")).ToContainTextAsync($"router:{id:N}");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "map-elites-page.png"), FullPage = true });

            step("the builder offers the archive's strategies");
            await page.GotoAsync("/scenarios/new");
            await Assertions.Expect(page.GetByText("MAP-Elites CI archive: regime router")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByText("MAP-Elites CI archive: elite vol 1 × liq 1", new() { Exact = true })).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator($"#strategy-router-{id:N}")).ToHaveCountAsync(1);

            step("listed");
            await page.GotoAsync("/map-elites");
            await Assertions.Expect(page.Locator("#search-table")).ToContainTextAsync("CI archive");
        });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_running_search_is_cancelled_from_its_page_after_a_confirmation_and_keeps_what_it_found(bool postgres)
    {
        await using var server = await PortalServer.StartWithJobsAsync(postgres);
        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;
        await page.ScriptAsync("map-elites-cancel", async step =>
        {
            step("submit a search far too large to finish");
            await page.SignInAsDemoAsync();
            await page.GotoAsync("/map-elites");
            await page.Locator("#map-elites-interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
            await page.FillAsync("#search-name", "To cancel");
            await page.FillAsync("#search-candidates", "200000");
            await page.FillAsync("#search-batch", "100000");
            await page.FillAsync("#search-episodes", "64");
            await page.FillAsync("#search-shards", "1");
            await page.FillAsync("#search-holdout", "0");
            await page.ClickAsync("#submit-search");
            // The address is enough (the archive's element below is what the next steps need): the page's "load" event did
            // not always come within 30 s of the navigation on a loaded machine, although the archive page had rendered.
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/map-elites/[0-9a-f-]{36}$"), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
            await page.Locator("#archive-interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
            await Assertions.Expect(page.Locator("#cancel-search")).ToBeEnabledAsync();
            await Assertions.Expect(page.Locator("#cancel-reason")).ToHaveCountAsync(0);

            step("the confirmation can keep it running");
            await page.ClickAsync("#cancel-search");
            await page.GetByRole(AriaRole.Button, new() { Name = "Keep running" }).ClickAsync();
            await Assertions.Expect(page.Locator("#archive-status")).Not.ToHaveAttributeAsync("data-status", "Cancelled");

            step("cancel it");
            await page.ClickAsync("#cancel-search");
            await page.GetByRole(AriaRole.Button, new() { Name = "Cancel the search" }).ClickAsync();
            await Assertions.Expect(page.Locator("#archive-status")).ToHaveAttributeAsync("data-status", "Cancelled");
            await Assertions.Expect(page.Locator("#archive-failure")).ToContainTextAsync("Cancelled after 0 of 200,000 evaluations by ");
            await Assertions.Expect(page.Locator("#cancel-search")).ToBeDisabledAsync();
            await Assertions.Expect(page.Locator("#cancel-reason")).ToContainTextAsync("The search has already been cancelled: only a queued or running search can be cancelled.");

            step("the API agrees and offers none of its elites to runs");
            var id = Guid.Parse(page.Url.Split('/')[^1]);
            using var client = await server.SignedInClientAsync();
            var search = await client.GetFromJsonAsync<JsonElement>($"/api/map-elites/{id}");
            Assert.Equal("Cancelled", search.GetProperty("status").GetString());
            Assert.Equal(0, search.GetProperty("strategies").GetArrayLength());
        });
    }
}
