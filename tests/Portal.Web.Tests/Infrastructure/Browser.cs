using Microsoft.Playwright;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>Headless Chromium from Debian's package, driven by Playwright. Never downloads a browser.</summary>
public static class Browser
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new FileNotFoundException($"Chromium is required at {ChromiumPath}: apt-get install -y chromium (scripts/test.sh does it).");
        }
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return (playwright, browser);
    }

    /// <summary>Headless Chromium with one page on the portal's address; dispose it to close the browser.</summary>
    public static async Task<BrowserSession> OpenAsync(PortalServer server)
    {
        var (playwright, browser) = await LaunchAsync();
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = server.BaseAddress.ToString() });
        page.SetDefaultTimeout(30_000);
        return new BrowserSession(playwright, browser, page);
    }

    /// <summary>
    /// Runs a scripted session; on failure saves a screenshot and the page's HTML next to the test output and names the
    /// step and URL in the error.
    /// </summary>
    public static async Task ScriptAsync(this IPage page, string name, Func<Action<string>, Task> script)
    {
        var step = "start";
        try
        {
            await script(s => step = s);
        }
        catch (Exception e) when (e is TimeoutException or PlaywrightException or Xunit.Sdk.XunitException)
        {
            var folder = Path.Combine(AppContext.BaseDirectory, "browser-failures");
            Directory.CreateDirectory(folder);
            var shot = Path.Combine(folder, $"{name}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
            await File.WriteAllTextAsync(Path.Combine(folder, $"{name}.html"), await page.ContentAsync());
            throw new InvalidOperationException($"Browser session '{name}' failed at step '{step}' on {page.Url} (screenshot: {shot}): {e.Message}", e);
        }
    }

    /// <summary>
    /// Chooses files in a file input and waits for <paramref name="outcome"/>. The input only reports a choice once its
    /// script has attached, which can come a moment after the circuit: the choice is repeated until the outcome shows.
    /// Chromium raises no change event when the same files are chosen again, so a repeat first empties the input.
    /// </summary>
    public static async Task ChooseFilesAsync(this IPage page, string input, IEnumerable<string> files, string outcome, int attempts = 5)
    {
        var chosen = files.ToArray();
        for (var attempt = 1; ; attempt++)
        {
            if (attempt > 1)
            {
                await page.SetInputFilesAsync(input, Array.Empty<string>());
            }
            await page.SetInputFilesAsync(input, chosen);
            try
            {
                await page.Locator(outcome).First.WaitForAsync(new LocatorWaitForOptions { Timeout = attempt == attempts ? 60_000 : 3_000 });
                return;
            }
            catch (TimeoutException) when (attempt < attempts)
            {
                // Not attached yet: choose again.
            }
        }
    }

    /// <summary>Signs in as the seeded demo analyst through the login form and waits for the circuit.</summary>
    public static async Task SignInAsDemoAsync(this IPage page)
    {
        await page.GotoAsync("/login");
        await page.FillAsync("#email", PortalServer.DemoEmail);
        await page.FillAsync("#password", PortalServer.DemoPassword);
        await page.ClickAsync("#sign-in");
        await page.WaitForInteractiveAsync();
    }

    /// <summary>Waits until the Blazor circuit is attached (a click before that is lost).</summary>
    public static Task WaitForInteractiveAsync(this IPage page) =>
        page.Locator("#interactive-ready").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 30_000 });
}

/// <summary>A browser with one page; closes both on dispose.</summary>
public sealed class BrowserSession(IPlaywright playwright, IBrowser browser, IPage page) : IAsyncDisposable
{
    public IPage Page { get; } = page;

    public async ValueTask DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
    }
}
