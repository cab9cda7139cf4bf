using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Studies;

/// <summary>The study flow in Chromium: a 3×3 grid (size × λ) at 200 episodes per cell submitted from the browser, run by
/// the in-process worker, read from the heatmaps and the frontier.</summary>
public sealed class StudyBrowserTests
{
    [Fact]
    public async Task A_three_by_three_grid_submitted_from_the_browser_finishes_and_shows_heatmaps_and_the_frontier()
    {
        await using var server = await PortalServer.StartAsync();
        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;
        await page.ScriptAsync("study-flow", async step =>
        {
            step("sign in");
            await page.SignInAsDemoAsync();
            step("open studies");
            await page.GotoAsync("/studies");
            await page.Locator("#studies-interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
            await page.Locator("#no-studies").WaitForAsync();
            step("fill the grid");
            await page.FillAsync("#study-name", "Size × λ");
            await page.FillAsync("#study-episodes", "200");
            foreach (var id in new[] { "#axis-sizePctAdv-1", "#axis-sizePctAdv-5", "#axis-sizePctAdv-10", "#axis-riskAversion-0", "#axis-riskAversion-1E_06", "#axis-riskAversion-1E_05" })
            {
                await page.CheckAsync(id);
            }
            await Assertions.Expect(page.Locator("#cell-count")).ToContainTextAsync("= 9 cells");
            step("submit");
            await page.ClickAsync("#submit-study");
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/studies/[0-9a-f-]{36}$"));
            await page.Locator("#study-interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
            step("watch it finish");
            await Assertions.Expect(page.Locator("#study-status")).ToHaveAttributeAsync("data-done", "9", new LocatorAssertionsToHaveAttributeOptions { Timeout = 240_000 });
            await Assertions.Expect(page.Locator("#study-status")).ToHaveAttributeAsync("data-status", "Succeeded");

            step("read a heatmap cell");
            var studyId = Guid.Parse(page.Url.Split('/')[^1]);
            using var client = await server.SignedInClientAsync();
            var study = await client.GetFromJsonAsync<JsonElement>($"/api/studies/{studyId}");
            // Rows are sizes (1, 5, 10), columns λ (0, 1e-6, 1e-5): row 1, column 2 is size 5 at λ = 1e-5 (cell 5).
            var cell = study.GetProperty("cells")[5];
            Assert.Equal(5, cell.GetProperty("coordinates").GetProperty("sizePctAdv").GetDouble());
            Assert.Equal(1e-5, cell.GetProperty("coordinates").GetProperty("riskAversion").GetDouble());
            var ac = cell.GetProperty("strategies").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "ac");
            await page.SelectOptionAsync("#heatmap-strategy", "ac");
            // The select re-renders the heatmap over the circuit: wait for the chosen strategy's text before reading the exact value.
            await Assertions.Expect(page.Locator("#heat-cost-1-2")).ToContainTextAsync(ac.GetProperty("meanCostBps").GetDouble().ToString("F2", CultureInfo.InvariantCulture));
            var shown = await page.Locator("#heat-cost-1-2").GetAttributeAsync("data-value");
            Assert.Equal(ac.GetProperty("meanCostBps").GetDouble(), double.Parse(shown!, CultureInfo.InvariantCulture));
            var best = cell.GetProperty("best");
            await Assertions.Expect(page.Locator("#heat-best-1-2")).ToHaveAttributeAsync("data-value", best.GetProperty("id").GetString()!);
            await Assertions.Expect(page.Locator("#heat-best-1-2")).ToHaveAttributeAsync("data-significant", best.GetProperty("significantVsTwap").GetBoolean() ? "true" : "false");
            await Assertions.Expect(page.Locator("#heatmap-vstwap .heat-cell")).ToHaveCountAsync(9);

            step("read the frontier");
            await Assertions.Expect(page.Locator("#frontier-x-title")).ToHaveTextAsync("Standard deviation of cost (bps of arrival notional)");
            await Assertions.Expect(page.Locator("#frontier-y-title")).ToHaveTextAsync("Mean cost (bps of arrival notional)");
            await Assertions.Expect(page.Locator("#frontier-closed-form")).ToHaveCountAsync(1);
            var acPoints = page.Locator("#frontier-chart circle.frontier-point[data-strategy='ac']");
            await Assertions.Expect(acPoints).ToHaveCountAsync(3);
            var frontier = study.GetProperty("frontiers")[0].GetProperty("strategies").GetProperty("ac");
            for (int i = 0; i < 3; i++)
            {
                var mean = double.Parse((await acPoints.Nth(i).GetAttributeAsync("data-mean"))!, CultureInfo.InvariantCulture);
                Assert.Equal(frontier[i].GetProperty("meanCostBps").GetDouble(), mean);
            }
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "study-page.png"), FullPage = true });
            step("list");
            await page.GotoAsync("/studies");
            await Assertions.Expect(page.Locator("#study-table")).ToContainTextAsync("Size × λ");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "studies-page.png"), FullPage = true });
        });
    }
}
