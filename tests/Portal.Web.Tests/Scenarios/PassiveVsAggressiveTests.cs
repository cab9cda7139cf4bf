using Microsoft.Playwright;
using Portal.Testing;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Scenarios;

/// <summary>Limit or market orders from the browser: the builder's limit-order fields, then passive and aggressive variants
/// side by side on a simulated market and on a replayed AMZN day.</summary>
public sealed class PassiveVsAggressiveTests
{
    [Fact]
    public async Task Passive_and_aggressive_variants_run_side_by_side_on_a_simulated_market_and_a_replayed_day()
    {
        await using var server = await PortalServer.StartAsync();
        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;

        await page.ScriptAsync("passive-vs-aggressive", async step =>
        {
            step("sign in and upload the AMZN day");
            await page.SignInAsDemoAsync();
            await page.GotoAsync("/datasets");
            await page.WaitForInteractiveAsync();
            await page.FillAsync("#dataset-name", "AMZN level 1");
            await page.ChooseFilesAsync("input[type=file]", [SharedData.File(SharedData.AmznMessage1), SharedData.File(SharedData.AmznOrderbook1)], "#selected-files:has-text('orderbook')");
            await page.ClickAsync("#upload");
            await page.Locator("#dataset-title").WaitForAsync(new LocatorWaitForOptions { Timeout = 120_000 });

            step("the builder shows the limit-order fields once a passive strategy is chosen, and checks them beside themselves");
            await page.GotoAsync("/scenarios/new");
            await page.WaitForInteractiveAsync();
            await page.FillAsync("#scenario-name", "Passive vs aggressive, simulated");
            Assert.Equal(0, await page.Locator("#queue-share").CountAsync());
            await page.ClickAsync("#strategy-twap-passive");
            await page.ClickAsync("#strategy-pegged");
            await page.Locator("#queue-share").WaitForAsync();
            await page.Locator("text=Offset of the passive strategies").First.WaitForAsync();
            var form = await page.InnerTextAsync("body");
            Assert.Contains("Share of each market order reaching our price that fills us.", form);
            Assert.Contains("Offset of the passive strategies' limit orders beyond the touch", form);
            await page.FillAsync("#queue-share", "2");
            await page.ClickAsync("#save-scenario");
            await page.Locator("#scenario-errors").WaitForAsync();
            var queue = page.Locator(".mud-input-control:has(#queue-share)");
            Assert.True(await queue.Locator(".mud-input-error").CountAsync() > 0, "the queue share field is not marked");
            await page.FillAsync("#queue-share", "0.058");
            // Offset 0 (at the touch) and a whole step's life: the defaults, which the component test edits.
            await page.FillAsync("#episodes", "400");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "builder-limit-orders.png"), FullPage = true });
            await page.ClickAsync("#save-scenario");
            await page.Locator("#scenario-title").WaitForAsync();

            step("the simulated run shows fill rate, passive share, spread captured and markouts beside the shortfall and its interval");
            await RunAndCheckAsync(page, "simulated");

            step("the same variants on the replayed AMZN day");
            await page.GotoAsync("/scenarios/new");
            await page.WaitForInteractiveAsync();
            await page.FillAsync("#scenario-name", "Passive vs aggressive, AMZN replay");
            await page.ClickAsync("#source-replay");
            await page.Locator(".mud-input-control.mud-select", new PageLocatorOptions { Has = page.Locator("#replay-dataset") }).ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new PageLocatorOptions { HasText = "AMZN level 1" }).ClickAsync();
            await page.ClickAsync("#strategy-twap-passive");
            await page.ClickAsync("#strategy-pegged");
            await page.FillAsync("#episodes", "200");
            await page.ClickAsync("#save-scenario");
            await page.Locator("#scenario-title").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
            await RunAndCheckAsync(page, "replay");
        });
    }

    /// <summary>A table cell's value without spaces ("100.0 %" reads "100.0%"), its interval (on the next line) left out.</summary>
    private static string Cell(string text) => text.Split('\n')[0].Replace(" ", "", StringComparison.Ordinal).Trim();

    private static async Task RunAndCheckAsync(IPage page, string name)
    {
        await page.WaitForInteractiveAsync();
        await page.ClickAsync("#submit-run");
        await page.Locator("#run-status[data-status=Succeeded]").WaitForAsync(new LocatorWaitForOptions { Timeout = 300_000 });
        var results = await page.Locator("#results-table").InnerTextAsync();
        Assert.Contains("95% CI", results);
        var passive = page.Locator("#limit-order-table tr[data-strategy=twap-passive]");
        var twap = page.Locator("#limit-order-table tr[data-strategy=twap]");
        Assert.Equal("100.0%", Cell(await passive.Locator(".fill-rate").InnerTextAsync()));
        Assert.NotEqual("0.0%", Cell(await passive.Locator(".passive-share").InnerTextAsync()));
        Assert.Equal("0.0%", Cell(await twap.Locator(".passive-share").InnerTextAsync()));
        Assert.NotEqual("–", Cell(await passive.Locator(".spread-captured").InnerTextAsync()));
        Assert.NotEqual("–", Cell(await passive.Locator(".markout").InnerTextAsync()));
        Assert.Contains("Fill rate and passive share are fractions of the parent quantity", await page.InnerTextAsync("body"));

        // Every limit-order metric carries its 95% interval, and the caption says over which independent units.
        Assert.Equal("[100.0, 100.0]%", (await passive.Locator(".fill-rate-ci").InnerTextAsync()).Trim());
        Assert.Matches(@"^\[\d+\.\d, \d+\.\d\]%$", (await passive.Locator(".passive-share-ci").InnerTextAsync()).Trim());
        Assert.Matches(@"^\[-?\d+\.\d\d, -?\d+\.\d\d\]$", (await passive.Locator(".spread-captured-ci").InnerTextAsync()).Trim());
        Assert.Matches(@"^\[-?\d+\.\d\d, -?\d+\.\d\d\]$", (await passive.Locator(".markout-ci").InnerTextAsync()).Trim());
        var caption = await page.InnerTextAsync("#limit-order-caption");
        Assert.Matches(name == "replay" ? @"\b\d+ independent market windows?\b" : "400 independent episodes", caption);
        if (name == "replay") Assert.Equal(1, await page.Locator("#limit-order-table th", new PageLocatorOptions { HasText = "Markout 10 s" }).CountAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, $"passive-vs-aggressive-{name}.png"), FullPage = true });
    }
}
