using Microsoft.Playwright;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Scenarios;

/// <summary>The builder in headless Chromium: errors beside their fields in words, presets shown selected.</summary>
public sealed class ScenarioBuilderTests
{
    [Fact]
    public async Task Errors_stand_beside_their_fields_in_plain_words_and_the_chosen_preset_is_marked()
    {
        await using var server = await PortalServer.StartAsync();
        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;

        await page.ScriptAsync("builder", async step =>
        {
            step("a negative size and a million-minute horizon are refused beside their fields");
            await page.SignInAsDemoAsync();
            await page.GotoAsync("/scenarios/new");
            await page.WaitForInteractiveAsync();
            await page.FillAsync("#scenario-name", "Builder check");
            await page.FillAsync("#size-pct", "-5");
            await page.FillAsync("#horizon", "1000000");
            await page.ClickAsync("#save-scenario");
            await page.Locator("#scenario-errors").WaitForAsync();
            var size = page.Locator(".mud-input-control:has(#size-pct)");
            Assert.Contains("Order size must be more than 0 and at most 1,000 % of ADV; you entered -5.", await size.InnerTextAsync());
            Assert.True(await size.Locator(".mud-input-error").CountAsync() > 0, "the size field is not marked");
            var horizon = page.Locator(".mud-input-control:has(#horizon)");
            Assert.Contains("at most 11,700 minutes; you entered 1,000,000.", await horizon.InnerTextAsync());
            var summary = await page.Locator("#scenario-errors").InnerTextAsync();
            // The long horizon also makes each step so long that the market's η falls below γτ/2: three fields in all.
            Assert.Contains("3 fields need attention", summary);
            Assert.DoesNotContain("order.sizePctAdv", summary);
            // The summary sits above the form, not under 1,500 px of fields.
            var top = await page.Locator("#scenario-errors").BoundingBoxAsync();
            var form = await page.Locator("#scenario-form").BoundingBoxAsync();
            Assert.True(top!.Y < form!.Y, $"the summary at y = {top.Y} should be above the form at y = {form.Y}");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "builder-errors.png"), FullPage = true });

            step("a preset chosen is shown selected and fixes the field");
            await page.ClickAsync("#size-10");
            await page.ClickAsync("#horizon-60");
            await page.Locator("#size-10.mud-chip-selected").WaitForAsync();
            Assert.Equal("10", await page.InputValueAsync("#size-pct"));
            Assert.Equal(0, await page.Locator(".mud-input-control:has(#size-pct) .mud-input-error").CountAsync());
        });
    }
}
