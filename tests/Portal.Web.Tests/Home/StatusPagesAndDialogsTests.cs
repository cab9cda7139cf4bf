using System.Net;
using Microsoft.Playwright;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Home;

/// <summary>
/// What a browser sees around the pages: the favicon, error statuses as pages in the portal's layout (while the API keeps
/// JSON problem details), confirmations before destructive actions, reasons on disabled buttons, empty states with a next
/// step, and a "saved" message that leaves the page's buttons free.
/// </summary>
public sealed class StatusPagesAndDialogsTests
{
    [Fact]
    public async Task Unknown_and_forbidden_addresses_are_pages_in_the_layout_for_browsers_and_problem_details_for_the_api()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();

        var api = await client.GetAsync("/api/no-such-thing");
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);

        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;
        var missing = new List<string>();
        page.Response += (_, r) =>
        {
            if (r.Status == 404)
            {
                missing.Add(r.Url);
            }
        };
        await page.ScriptAsync("status pages", async step =>
        {
            step("the first page loads its favicon and nothing answers 404");
            await page.GotoAsync("/login");
            var icon = await page.Locator("link[rel=icon]").GetAttributeAsync("href");
            Assert.NotNull(icon);
            var iconResponse = await page.APIRequest.GetAsync(icon);
            Assert.Equal(200, iconResponse.Status);
            Assert.StartsWith("image/svg+xml", iconResponse.Headers["content-type"], StringComparison.Ordinal);
            await page.SignInAsDemoAsync();
            await page.WaitForInteractiveAsync();
            Assert.Empty(missing);

            step("an unknown address is a 404 page in the portal's layout");
            var response = await page.GotoAsync("/no-such-page");
            Assert.Equal(404, response!.Status);
            Assert.StartsWith("text/html", response.Headers["content-type"], StringComparison.Ordinal);
            Assert.Equal("Page not found", await page.Locator("#status-title").InnerTextAsync());
            Assert.True(await page.Locator(".mud-drawer a[href='/runs']").IsVisibleAsync(), "the navigation of the layout is shown");
            Assert.True(await page.Locator("#status-home").IsVisibleAsync());

            step("the operators' dashboard refuses the demo user with a page, not JSON");
            response = await page.GotoAsync("/hangfire");
            Assert.True(response!.Status is 401 or 403, $"status {response.Status}");
            Assert.StartsWith("text/html", response.Headers["content-type"], StringComparison.Ordinal);
            Assert.Contains("operators", await page.Locator("#status-message").InnerTextAsync(), StringComparison.Ordinal);
            // The page stays as served: no interactive router takes over and re-routes the address to a not-found page.
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            Assert.Equal(0, await page.Locator("#interactive-ready").CountAsync());
            Assert.Equal("No access", await page.Locator("#status-title").InnerTextAsync());

            step("the API page is interactive and served by the portal itself");
            var hosts = new List<string>();
            page.Request += (_, r) => hosts.Add(new Uri(r.Url).Authority);
            response = await page.GotoAsync("/api/docs/index.html");
            Assert.Equal(200, response!.Status);
            await page.Locator(".swagger-ui .opblock-summary-path", new PageLocatorOptions { HasTextString = "/api/runs" }).First.WaitForAsync();
            Assert.All(hosts, h => Assert.Equal(server.BaseAddress.Authority, h));
        });
    }

    [Fact]
    public async Task Destructive_actions_ask_first_disabled_buttons_say_why_and_the_saved_message_leaves_the_buttons_free()
    {
        await using var server = await PortalServer.StartAsync();
        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;
        await page.ScriptAsync("dialogs and reasons", async step =>
        {
            step("the tokens page explains its empty table and its disabled button");
            await page.SignInAsDemoAsync();
            await page.GotoAsync("/tokens");
            await page.WaitForInteractiveAsync();
            Assert.Contains("No tokens yet", await page.Locator("#tokens-empty").InnerTextAsync(), StringComparison.Ordinal);
            Assert.True(await page.Locator("#create-token").IsDisabledAsync());
            Assert.Equal("Give the token a name first.", await page.Locator("#create-token").GetAttributeAsync("title"));

            step("saving a scenario shows its message away from the page's buttons");
            await page.GotoAsync("/scenarios/new");
            await page.WaitForInteractiveAsync();
            await page.FillAsync("#scenario-name", "Polish check");
            await page.ClickAsync("#save-scenario");
            await page.Locator("#scenario-title").WaitForAsync();
            var snackbar = page.Locator(".mud-snackbar", new PageLocatorOptions { HasTextString = "Scenario saved" });
            await snackbar.WaitForAsync();
            var box = await snackbar.BoundingBoxAsync();
            Assert.NotNull(box);
            var buttons = page.Locator(".mud-main-content .mud-button-root");
            var count = await buttons.CountAsync();
            Assert.True(count >= 3, "the scenario page shows its action buttons");
            for (var i = 0; i < count; i++)
            {
                if (await buttons.Nth(i).BoundingBoxAsync() is not { } b)
                {
                    continue;
                }
                var overlaps = b.X < box.X + box.Width && box.X < b.X + b.Width && b.Y < box.Y + box.Height && box.Y < b.Y + b.Height;
                Assert.False(overlaps, $"the message covers button '{await buttons.Nth(i).InnerTextAsync()}'");
            }

            step("deleting the scenario asks first; Cancel keeps it, Delete removes it");
            var url = page.Url;
            await page.ClickAsync("#delete-scenario");
            var dialog = page.Locator(".mud-dialog");
            Assert.Contains("Its runs and their reports are kept", await dialog.InnerTextAsync(), StringComparison.Ordinal);
            await dialog.Locator(".mud-button-root", new LocatorLocatorOptions { HasTextString = "Cancel" }).ClickAsync();
            await dialog.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
            Assert.Equal(url, page.Url);
            await page.ClickAsync("#delete-scenario");
            await page.Locator(".mud-dialog .mud-button-root", new PageLocatorOptions { HasTextString = "Delete" }).ClickAsync();
            // Blazor navigates within the document (no load event): wait for the list itself.
            await page.WaitForFunctionAsync("() => location.pathname === '/scenarios' && !document.body.innerText.includes('Polish check')");
        });
    }
}
