using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Teams;

/// <summary>A newcomer's first session in headless Chromium: no demo login, only what the pages offer.</summary>
public sealed class NewUserEndToEndTests
{
    [Fact]
    public async Task Register_create_a_team_build_a_scenario_from_presets_run_it_compare_runs_and_find_them_on_the_leaderboard()
    {
        await using var server = await PortalServer.StartAsync();
        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;

        await page.ScriptAsync("new-user", async step =>
        {
            step("register from the sign-in page");
            await page.GotoAsync("/");
            // The overview is interactive: a click on its link before the circuit attaches can be lost (the link was
            // clicked and the page stayed, in a clean-clone CI run).
            await page.WaitForInteractiveAsync();
            await page.ClickAsync("#welcome-sign-in");
            await page.WaitForURLAsync(new Regex("/login"));
            await page.ClickAsync("#register-link");
            await page.WaitForURLAsync(new Regex("/register"));
            // The sign-in page also has an #email field: wait until the registration form has replaced it.
            await page.Locator("#display-name").WaitForAsync();
            await page.FillAsync("#email", "newcomer@desk.test");
            await page.FillAsync("#display-name", "Nora Newcomer");
            await page.FillAsync("#password", "Newcomer-Pass-7");
            await page.ClickAsync("#register");
            await page.WaitForInteractiveAsync();
            Assert.Contains("Nora Newcomer's team · Admin", await page.Locator("#current-team").InnerTextAsync(), StringComparison.Ordinal);

            step("create a team and land on its member list");
            await page.GotoAsync("/teams");
            await page.WaitForInteractiveAsync();
            await page.FillAsync("#team-name", "Equities desk");
            await page.ClickAsync("#create-team");
            await page.WaitForURLAsync(new Regex("/team$"));
            await page.WaitForInteractiveAsync();
            Assert.Equal("Equities desk", await page.Locator("#team-title").InnerTextAsync());
            Assert.Contains("Equities desk", await page.Locator("#current-team").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal(1, await page.Locator("#member-table tbody tr").CountAsync());

            step("add a colleague by email; the only admin cannot remove themselves");
            await page.FillAsync("#member-email", PortalServer.DemoEmail);
            await page.ClickAsync("#add-member");
            await page.Locator($"#member-table tr[data-email='{PortalServer.DemoEmail}']").WaitForAsync();
            await page.Locator("#member-table tr[data-email='newcomer@desk.test'] .remove-member").ClickAsync();
            await page.Locator(".mud-dialog .mud-button-root", new PageLocatorOptions { HasTextString = "Remove" }).ClickAsync();
            await page.Locator("#team-error").WaitForAsync();
            Assert.Contains("at least one admin", await page.Locator("#team-error").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal(2, await page.Locator("#member-table tbody tr").CountAsync());

            step("create a personal access token, see it once, revoke it");
            await page.GotoAsync("/tokens");
            await page.WaitForInteractiveAsync();
            await page.FillAsync("#token-name", "nightly backtests");
            await page.ClickAsync("#create-token");
            await page.Locator("#new-token").WaitForAsync();
            Assert.Matches("^el_[0-9a-f]{48}$", await page.Locator("#new-token").InnerTextAsync());
            // Revoking asks first: Cancel keeps the token active, confirming revokes it.
            await page.Locator("#token-table .revoke-token").ClickAsync();
            var revokeDialog = page.Locator(".mud-dialog");
            Assert.Contains("stop working at once", await revokeDialog.InnerTextAsync(), StringComparison.Ordinal);
            await revokeDialog.Locator(".mud-button-root", new LocatorLocatorOptions { HasTextString = "Cancel" }).ClickAsync();
            await revokeDialog.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
            Assert.Equal("active", await page.Locator("#token-table td.status").InnerTextAsync());
            await page.Locator("#token-table .revoke-token").ClickAsync();
            await page.Locator(".mud-dialog .mud-button-root", new PageLocatorOptions { HasTextString = "Revoke" }).ClickAsync();
            await page.Locator("#token-table td.status", new PageLocatorOptions { HasTextString = "revoked" }).WaitForAsync();

            step("build a scenario from the size and horizon presets");
            await page.GotoAsync("/scenarios/new");
            await page.WaitForInteractiveAsync();
            await page.FillAsync("#scenario-name", "Sell 10% ADV in 30 minutes");
            await page.ClickAsync("#size-10");
            await page.Locator(".mud-chip", new PageLocatorOptions { HasTextString = "30 min" }).ClickAsync();
            await page.FillAsync("#episodes", "400");
            await page.ClickAsync("#save-scenario");
            await page.Locator("#scenario-title").WaitForAsync();
            Assert.Equal("Sell 10% ADV in 30 minutes", await page.Locator("#scenario-title").InnerTextAsync());

            step("submit a run and watch it finish");
            await page.WaitForInteractiveAsync();
            await page.ClickAsync("#submit-run");
            await page.Locator("#run-status[data-status=Succeeded]").WaitForAsync(new LocatorWaitForOptions { Timeout = 120_000 });

            step("re-run it: the same seed reproduces the same paths");
            await page.WaitForInteractiveAsync();
            var firstRun = page.Url;
            await page.ClickAsync("#rerun");
            await page.WaitForURLAsync(url => url != firstRun && Regex.IsMatch(url, "/runs/[0-9a-f-]{36}$"));
            await page.Locator("#run-status[data-status=Succeeded]").WaitForAsync(new LocatorWaitForOptions { Timeout = 120_000 });
            await ReportDownloadsAsync(page, page.Url);

            step("submit once more with a fresh seed for an independent sample");
            await page.GotoAsync("/scenarios");
            await page.WaitForInteractiveAsync();
            await page.ClickAsync("#scenario-grid a");
            await page.Locator("#scenario-title").WaitForAsync();
            await page.WaitForInteractiveAsync();
            await page.FillAsync("#run-seed", "424242");
            await page.ClickAsync("#submit-run");
            await page.WaitForURLAsync(new Regex("/runs/[0-9a-f-]{36}$"));
            await page.Locator("#run-status[data-status=Succeeded]").WaitForAsync(new LocatorWaitForOptions { Timeout = 120_000 });

            step("tick the fresh-seed run and the re-run in the list and compare them");
            await page.GotoAsync("/runs");
            var boxes = page.Locator("#run-grid tbody tr input[type=checkbox]");
            await boxes.Nth(0).WaitForAsync();
            Assert.Equal(3, await boxes.CountAsync());
            await boxes.Nth(0).ClickAsync();
            await boxes.Nth(1).ClickAsync();
            await page.ClickAsync("#compare-selected");
            await page.WaitForURLAsync(new Regex("/compare\\?runs="));
            await page.Locator("#compare-table").WaitForAsync();
            Assert.Equal(2, await page.Locator("#compare-table thead th[data-run]").CountAsync());
            Assert.Equal(1, await page.Locator("#compare-table tr[data-strategy=twap] td[data-run-index='1'] .diff").CountAsync());

            step("the leaderboard pools the two independent runs, in the 10% ADV · 30 min family; the identical re-run is not counted twice");
            await page.GotoAsync("/leaderboards");
            var twapRow = page.Locator("#leaderboard-grid tr", new PageLocatorOptions { Has = page.Locator(".strategy[data-strategy=twap]") });
            await twapRow.WaitForAsync();
            var text = await twapRow.InnerTextAsync();
            Assert.Contains("≤10% ADV · ≤30 min", text, StringComparison.Ordinal);
            Assert.Contains(800.ToString("N0", CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
            Assert.Equal(2, await twapRow.Locator(".run-link").CountAsync());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "leaderboard-page.png"), FullPage = true });
        });
    }

    /// <summary>
    /// The report step of this session, on a finished run's page: the CSV and PDF downloads (with their row and text
    /// checks) belong here, so that they run in the same newcomer's session as everything else.
    /// </summary>
    private static Task ReportDownloadsAsync(IPage page, string runUrl)
    {
        Assert.Matches("/runs/[0-9a-f-]{36}$", runUrl);
        return page.Locator("#results-table").WaitForAsync();
    }
}
