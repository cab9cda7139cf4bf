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
            // LOBSTER counts New York time: the day is shown as exchange time with its zone, never as UTC.
            var summary = await page.Locator("#dataset-summary").InnerTextAsync();
            Assert.Contains("Time range (exchange time, America/New_York)", summary);
            Assert.Matches(@"09:30:\d\d\.\d{3} – 1[56]:\d\d:\d\d\.\d{3} America/New_York", await page.Locator("#dataset-time-range").InnerTextAsync());
            Assert.DoesNotContain("UTC", summary);

            step("calibration finishes and shows its figures");
            await page.WaitForInteractiveAsync();
            await page.ClickAsync("#calibrate");
            await page.Locator(".profile[data-status=Succeeded] .profile-figures").WaitForAsync(new LocatorWaitForOptions { Timeout = 120_000 });
            var figures = await page.Locator(".profile-figures").InnerTextAsync();
            Assert.Contains("ADV", figures);
            Assert.Contains("Square-root Y", figures);

            step("the volume profile reads the session clock: 13 half-hour buckets from 09:30 to 16:00, exchange time");
            var profile = page.Locator(".profile svg.volume-profile");
            Assert.Equal("Exchange time, America/New_York (HH:MM)", await profile.Locator(".x-title").TextContentAsync());
            Assert.Equal("Share of volume (%)", await profile.Locator(".y-title").TextContentAsync());
            var ticks = await profile.Locator(".x-tick").AllTextContentsAsync();
            Assert.Equal("09:30", ticks[0]);
            Assert.Equal("16:00", ticks[^1]);
            Assert.Equal(13, await profile.Locator("rect.column").CountAsync());
            Assert.StartsWith("09:30–10:00: ", await profile.Locator("rect.column title").First.TextContentAsync());
            await page.SetViewportSizeAsync(1440, 900);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "dataset-calibrated.png"), FullPage = true });

            step("the limit-order fit, fill curves and queue depletion are shown");
            var fit = await page.Locator(".passive-fit").InnerTextAsync();
            Assert.Contains("Queue share", fit);
            Assert.Contains("Markout of resting orders after 10 s", fit);
            Assert.Equal(5, await page.Locator(".fill-curves tbody tr").CountAsync());   // offsets 0..4 ticks
            Assert.Equal(2, await page.Locator(".queue-depletion tbody tr").CountAsync()); // level 1 file: one level per side
        });
    }
}
