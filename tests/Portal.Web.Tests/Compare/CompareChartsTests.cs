using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Teams;

namespace Portal.Web.Tests.Compare;

/// <summary>The compare page's charts in Chromium: two runs' cost distributions overlaid, one series per run and strategy,
/// with axis titles and units, the reference the user picks marked, and the CSV export carrying the page's numbers.</summary>
public sealed class CompareChartsTests
{
    private static double[] Costs(double centre, double spread, int n) => [.. Enumerable.Range(0, n).Select(i => centre + spread * (i - (n - 1) / 2.0) / n)];

    private static string Scenario(double size) => ScenarioJson.Serialize(ScenarioPresets.Demo() with
    {
        Name = "compare " + size.ToString(CultureInfo.InvariantCulture),
        Order = ScenarioPresets.Demo().Order with { SizePctAdv = size },
    });

    [Fact]
    public async Task Two_runs_overlay_one_ecdf_per_run_and_strategy_mark_the_chosen_reference_and_export_the_page_numbers()
    {
        await using var server = await PortalServer.StartAsync();
        var team = await server.DemoTeamIdAsync();
        var a = await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour,
            [("twap", Costs(12, 6, 40)), ("ac", Costs(9, 4, 40))], scenarioJson: Scenario(2));
        var b = await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour,
            [("twap", Costs(25, 8, 40)), ("ac", Costs(18, 5, 40))], scenarioJson: Scenario(5));
        await using (var db = await server.Db())
        {
            (await db.Runs.FindAsync(a))!.Name = "Desk order 2%";
            (await db.Runs.FindAsync(b))!.Name = "Desk order 5%";
            await db.SaveChangesAsync();
        }

        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;
        await page.ScriptAsync("compare charts", async step =>
        {
            step("open the comparison of the two runs");
            await page.SignInAsDemoAsync();
            await page.GotoAsync($"/compare?runs={a},{b}");
            await page.WaitForInteractiveAsync();
            await page.Locator("#compare-ecdf-chart").WaitForAsync();

            step("choose the 5% run as the reference");
            await page.Locator(".mud-input-control.mud-select", new PageLocatorOptions { Has = page.Locator("#reference-run") }).ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new PageLocatorOptions { HasText = "Desk order 5%" }).ClickAsync();
            await Assertions.Expect(page.Locator("#compare-table thead th[data-run]").First).ToHaveAttributeAsync("data-run", b.ToString());

            step("the ECDF overlays one series per run for the chosen strategy, the reference marked, with titled axes");
            var ecdf = page.Locator("#compare-ecdf-chart");
            Assert.Equal("Implementation shortfall (bps of arrival value; positive is a cost)", await ecdf.Locator(".x-title").TextContentAsync());
            Assert.Equal("Episodes costing at most x (%)", await ecdf.Locator(".y-title").TextContentAsync());
            Assert.Equal(["Desk order 5% (reference) · TWAP", "Desk order 2% · TWAP"], await SeriesAsync(ecdf));
            var legend = await page.Locator("#compare-charts .plot-legend").Last.Locator(".legend-entry").EvaluateAllAsync<string[]>("es => es.map(e => e.dataset.name)");
            Assert.Equal(["Desk order 5% (reference)", "Desk order 2%"], legend);
            // The axis spans both runs' costs: the reference's dearer TWAP pushes it beyond the other run's highest cost.
            var ticks = (await ecdf.Locator(".x-tick").AllTextContentsAsync()).Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToList();
            Assert.True(ticks.Max() > 15 && ticks.Min() < 12, string.Join(", ", ticks));

            step("pick the other strategy: one series per run again, for that strategy");
            await page.Locator("#compare-ecdf-strategy").SelectOptionAsync("ac");
            await Assertions.Expect(ecdf.Locator("path.series").First).ToHaveAttributeAsync("data-name", "Desk order 5% (reference) · AC");
            Assert.Equal(["Desk order 5% (reference) · AC", "Desk order 2% · AC"], await SeriesAsync(ecdf));

            step("the CSV export, with the same reference, carries the numbers the page shows");
            var href = await page.Locator("#export-compare-csv").GetAttributeAsync("href");
            Assert.Contains($"reference={b}", href);
            var csv = await page.APIRequest.GetAsync(href!);
            Assert.True(csv.Ok, csv.StatusText);
            var lines = (await csv.TextAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).ToList();
            Assert.Equal(["run", "id", b.ToString(), a.ToString()], lines[1]);
            Assert.EndsWith("(reference)", lines[0][2], StringComparison.Ordinal);
            var means = await page.Locator("#compare-means-chart circle.compare-mean title").AllTextContentsAsync();
            Assert.Equal(4, means.Count);
            foreach (var strategy in new[] { "twap", "ac" })
            {
                var cells = page.Locator($"#compare-table tr[data-strategy='{strategy}'] td.num");
                for (var run = 0; run < 2; run++)
                {
                    var mean = double.Parse(lines.Single(l => l[0] == "meanCostBps" && l[1] == strategy)[2 + run], CultureInfo.InvariantCulture);
                    var shown = mean.ToString("F2", CultureInfo.InvariantCulture);
                    Assert.StartsWith(shown, (await cells.Nth(run).Locator(".mean").InnerTextAsync()).Trim());
                    Assert.Contains(means, m => m.Contains($"{strategy.ToUpperInvariant()}: {shown} bps", StringComparison.Ordinal));
                }
                var diff = double.Parse(lines.Single(l => l[0] == "diffVsReferenceBps" && l[1] == strategy)[3], CultureInfo.InvariantCulture);
                var text = await cells.Nth(1).Locator(".diff").InnerTextAsync();
                var shownDiff = double.Parse(Regex.Match(text, @"Δ\s*([+\-−]?[\d.]+)").Groups[1].Value.Replace('−', '-'), CultureInfo.InvariantCulture);
                Assert.Equal(diff, shownDiff, 0.006);
                Assert.True(diff < 0, $"the 2% run's {strategy} is cheaper than the reference's: {diff}");
            }
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "compare-charts.png"), FullPage = true });
        });
    }

    private static async Task<string[]> SeriesAsync(ILocator chart) =>
        await chart.Locator("path.series").EvaluateAllAsync<string[]>("ps => ps.map(p => p.dataset.name)");
}
