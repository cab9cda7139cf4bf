using Microsoft.Playwright;
using Portal.Testing;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Datasets;

/// <summary>Market data from the browser: upload, rejected upload, calibration.</summary>
public sealed class DatasetPageTests
{
    [Fact]
    public async Task Upload_a_lobster_day_in_the_browser_and_calibrate_it()
    {
        await using var server = await PortalServer.StartAsync();
        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;

        await page.ScriptAsync("datasets", async step =>
        {
            step("sign in");
            await page.SignInAsDemoAsync();

            step("a file with a bad row is rejected with its row and column");
            var bad = Path.Combine(Path.GetTempPath(), $"bad-{Guid.NewGuid():N}_trades.csv");
            await File.WriteAllTextAsync(bad, "timestamp,price,size\n2024-08-08T00:00:00Z,100,1\n2024-08-08T00:00:01Z,100,-3\n");
            await page.GotoAsync("/datasets");
            await page.WaitForInteractiveAsync();
            await page.FillAsync("#dataset-name", "bad file");
            await page.FillAsync("#dataset-instrument", "TEST");
            await page.PressAsync("#dataset-instrument", "Tab");
            await page.ChooseFilesAsync("input[type=file]", [bad], "#selected-files");
            await page.ClickAsync("#upload");
            await page.Locator("#upload-errors").WaitForAsync();
            var errors = await page.Locator("#upload-errors").InnerTextAsync();
            Assert.Contains("row 3", errors);
            Assert.Contains("column size", errors);

            step("the LOBSTER pair uploads and opens its page");
            await page.FillAsync("#dataset-name", "AMZN level 1");
            await page.FillAsync("#dataset-instrument", "");
            await page.PressAsync("#dataset-instrument", "Tab");
            await page.ChooseFilesAsync("input[type=file]", [SharedData.File(SharedData.AmznMessage1), SharedData.File(SharedData.AmznOrderbook1)], "#selected-files:has-text('orderbook')");
            await page.ClickAsync("#upload");
            await page.Locator("#dataset-title").WaitForAsync(new LocatorWaitForOptions { Timeout = 120_000 });
            Assert.Equal("AMZN level 1", await page.Locator("#dataset-title").InnerTextAsync());
            Assert.Contains("AMZN", await page.Locator("#dataset-summary").InnerTextAsync());

            step("calibration finishes and shows its figures");
            await page.WaitForInteractiveAsync();
            await page.ClickAsync("#calibrate");
            await page.Locator(".profile[data-status=Succeeded] .profile-figures").WaitForAsync(new LocatorWaitForOptions { Timeout = 120_000 });
            var figures = await page.Locator(".profile-figures").InnerTextAsync();
            Assert.Contains("ADV", figures);
            Assert.Contains("Square-root Y", figures);

            step("the limit-order fit, fill curves and queue depletion are shown");
            var fit = await page.Locator(".passive-fit").InnerTextAsync();
            Assert.Contains("Queue share", fit);
            Assert.Contains("Markout of resting orders after 10 s", fit);
            Assert.Equal(5, await page.Locator(".fill-curves tbody tr").CountAsync());   // offsets 0..4 ticks
            Assert.Equal(2, await page.Locator(".queue-depletion tbody tr").CountAsync()); // level 1 file: one level per side
        });
    }
}
