using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests;

/// <summary>The whole slice in headless Chromium, as a new user would try it.</summary>
public sealed class EndToEndTests
{
    [Fact]
    public async Task Sign_in_create_a_scenario_submit_a_run_and_read_its_results()
    {
        await using var server = await PortalServer.StartAsync();
        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;

        await page.ScriptAsync("slice", async step =>
        {
            step("a wrong password is refused with a message");
            await page.GotoAsync("/");
            // The overview is interactive: a click on its link before the circuit attaches can be lost (the link was
            // clicked and the page stayed, in a clean-clone CI run).
            await page.WaitForInteractiveAsync();
            await page.ClickAsync("#welcome-sign-in");
            await page.WaitForURLAsync(new Regex("/login"));
            await page.FillAsync("#email", PortalServer.DemoEmail);
            await page.FillAsync("#password", "wrong-password-1");
            await page.ClickAsync("#sign-in");
            await page.Locator("#login-error").WaitForAsync();

            step("the demo login works");
            await page.FillAsync("#email", PortalServer.DemoEmail);
            await page.FillAsync("#password", PortalServer.DemoPassword);
            await page.ClickAsync("#sign-in");
            await page.WaitForInteractiveAsync();
            Assert.Contains("Demo desk", await page.Locator("#current-team").InnerTextAsync());

            step("an invalid field is named");
            await page.GotoAsync("/scenarios/new");
            await page.WaitForInteractiveAsync();
            await page.FillAsync("#scenario-name", "Sell 5% ADV in an hour");
            await page.FillAsync("#steps", "0");
            await page.ClickAsync("#save-scenario");
            await page.Locator("#scenario-errors").WaitForAsync();
            Assert.Contains("Decision steps must be at least 1", await page.Locator("#scenario-errors").InnerTextAsync());

            step("the fixed scenario is saved");
            await page.FillAsync("#steps", "10");
            await page.FillAsync("#episodes", "2000");
            await page.ClickAsync("#save-scenario");
            await page.Locator("#scenario-title").WaitForAsync();
            Assert.Equal("Sell 5% ADV in an hour", await page.Locator("#scenario-title").InnerTextAsync());
            Assert.Matches("/scenarios/[0-9a-f-]{36}$", page.Url);

            step("a run is submitted and finishes");
            await page.WaitForInteractiveAsync();
            await page.ClickAsync("#submit-run");
            await page.Locator("#run-status").WaitForAsync();
            Assert.Matches("/runs/[0-9a-f-]{36}$", page.Url);
            await page.Locator("#run-status[data-status=Succeeded]").WaitForAsync(new LocatorWaitForOptions { Timeout = 120_000 });

            step("the results table and chart show TWAP and Almgren–Chriss, Random as every run's floor and the best static schedule as its bar");
            Assert.Equal(4, await page.Locator("#results-table tbody tr").CountAsync());
            Assert.Equal("reference", await page.Locator("#results-table tr[data-strategy=best-static] td.vs-best-static").InnerTextAsync());
            // The scenario's Almgren–Chriss trajectory is the best static schedule of this world: no significant difference.
            Assert.EndsWith("n.s.", await page.Locator("#results-table tr[data-strategy=ac] td.vs-best-static").InnerTextAsync(), StringComparison.Ordinal);
            var twapMean = double.Parse(await page.Locator("#results-table tr[data-strategy=twap] td.mean").InnerTextAsync(), CultureInfo.InvariantCulture);
            var acMean = double.Parse(await page.Locator("#results-table tr[data-strategy=ac] td.mean").InnerTextAsync(), CultureInfo.InvariantCulture);
            Assert.True(twapMean > 0, $"TWAP mean shortfall {twapMean} should be a positive cost");
            Assert.True(double.IsFinite(acMean));
            Assert.Equal("baseline", await page.Locator("#results-table tr[data-strategy=twap] td.vs-twap").InnerTextAsync());
            await page.Locator("#inventory-chart svg").WaitForAsync();
            await page.Locator("#cost-chart svg").WaitForAsync();
            await page.Locator("#participation-chart svg").WaitForAsync();
            var twapParticipation = double.Parse(await page.Locator("#participation-table tr[data-strategy=twap] td.mean-participation").InnerTextAsync(), CultureInfo.InvariantCulture);
            Assert.InRange(twapParticipation, 0.1, 100);
            Assert.StartsWith(twapMean.ToString("F2", CultureInfo.InvariantCulture), await page.Locator("#regime-table tr[data-strategy=twap] td.this-run").InnerTextAsync());
            Assert.Empty(await page.Locator("#agent-curves").AllAsync());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "run-page.png"), FullPage = true });

            step("the results table shows the objective difference to the best static schedule and fits inside its card");
            Assert.Matches(@"(better|worse|n\.s\.)$", await page.Locator("#results-table tr[data-strategy=twap] td.vs-best-static-objective").InnerTextAsync());
            Assert.Contains("E[cost] + λ·Var[cost]", await page.Locator("#objective-footnote").InnerTextAsync());
            var overflow = await page.EvaluateAsync<double[]>(
                """
                () => {
                  const holder = document.querySelector('#results-table');
                  const table = holder.tagName === 'TABLE' ? holder : holder.querySelector('table');
                  const card = holder.closest('.mud-paper');
                  return [table.getBoundingClientRect().right, card.getBoundingClientRect().right, table.scrollWidth, holder.clientWidth];
                }
                """);
            Assert.True(overflow[0] <= overflow[1] + 0.5, $"results table ends at x = {overflow[0]}, beyond its card's right edge at {overflow[1]}");

            step("the episodes CSV has one row per strategy and episode");
            var csv = await DownloadTextAsync(page, "#download-episodes");
            var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(1 + 4 * 2000, lines.Length);
            Assert.Equal(2000, lines.Count(l => l.StartsWith("twap,", StringComparison.Ordinal)));
            Assert.Equal(2000, lines.Count(l => l.StartsWith("ac,", StringComparison.Ordinal)));
            Assert.Equal(2000, lines.Count(l => l.StartsWith("random,", StringComparison.Ordinal)));
            Assert.Equal(2000, lines.Count(l => l.StartsWith("best-static,", StringComparison.Ordinal)));

            step("the PDF report carries the scenario and both strategies");
            var pdf = await DownloadAsync(page, "#download-pdf");
            using var document = UglyToad.PdfPig.PdfDocument.Open(pdf);
            var text = string.Join("\n", document.GetPages().Select(p => p.Text));
            Assert.Contains("Sell 5% ADV in an hour", text);
            Assert.Contains("TWAP", text);
            Assert.Contains(twapMean.ToString("F2", CultureInfo.InvariantCulture), text);
            // The best static schedule is in the tables and the chart legends (table headers may wrap, legends do not).
            Assert.Contains("Best static schedule", text);
        });
    }

    private static async Task<byte[]> DownloadAsync(IPage page, string selector)
    {
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync(selector));
        var path = await download.PathAsync();
        return await File.ReadAllBytesAsync(path);
    }

    private static async Task<string> DownloadTextAsync(IPage page, string selector) =>
        System.Text.Encoding.UTF8.GetString(await DownloadAsync(page, selector)).TrimStart('\uFEFF');
}
