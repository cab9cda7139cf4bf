using System.Net;
using System.Text;
using Microsoft.Playwright;
using Portal.Data.Entities;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Teams;

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

    [Fact]
    public async Task Text_in_a_number_field_is_kept_and_explained_and_each_market_model_refuses_horizons_beyond_its_own()
    {
        await using var server = await PortalServer.StartAsync();
        var team = await server.DemoTeamIdAsync();
        var datasetId = Guid.NewGuid();
        await using (var db = await server.Db())
        {
            // A two-hour recording, 09:30 to 11:30: its test segment (the last 30 %) lasts 36 minutes.
            db.Datasets.Add(new Dataset
            {
                Id = datasetId, TeamId = team, Name = "Morning tape", Format = "lobster", Instrument = "AMZN", ContentHash = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"),
                TradingDate = new DateTime(2012, 6, 21, 0, 0, 0, DateTimeKind.Utc), CreatedBy = PortalServer.DemoEmail,
                StartTimeNs = 34_200_000_000_000, EndTimeNs = 41_400_000_000_000,
            });
            await db.SaveChangesAsync();
        }
        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;

        await page.ScriptAsync("builder-horizons", async step =>
        {
            step("text typed into the horizon stays, says what is expected and stops the save");
            await page.SignInAsDemoAsync();
            await page.GotoAsync("/scenarios/new");
            await page.WaitForInteractiveAsync();
            await page.FillAsync("#scenario-name", "Horizon check");
            await page.FillAsync("#horizon", "an hour");
            var horizon = page.Locator(".mud-input-control:has(#horizon)");
            await horizon.Locator(".mud-input-error").First.WaitForAsync();
            Assert.Equal("an hour", await page.InputValueAsync("#horizon"));
            Assert.Contains("enter a number of minutes, e.g. 60; \"an hour\" is not a number", await horizon.InnerTextAsync());
            await page.ClickAsync("#save-scenario");
            await page.Locator("#scenario-errors").WaitForAsync();
            Assert.Contains("Horizon: enter a number of minutes", await page.InnerTextAsync("#scenario-errors"));
            Assert.EndsWith("/scenarios/new", page.Url);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "builder-not-a-number.png"), FullPage = true });

            step("the synthetic market takes up to 30 trading days");
            await page.FillAsync("#horizon", "12000");
            await page.Locator(".mud-input-control:has(#horizon)", new PageLocatorOptions { HasText = "you entered 12,000" }).WaitForAsync();
            Assert.Contains("at most 11,700 minutes; you entered 12,000. (30 trading days of 390 minutes", await horizon.InnerTextAsync());

            step("a replay takes what its recorded segment holds");
            await page.FillAsync("#horizon", "60");
            await page.ClickAsync("#source-replay");
            await page.Locator(".mud-input-control.mud-select", new PageLocatorOptions { Has = page.Locator("#replay-dataset") }).ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new PageLocatorOptions { HasText = "Morning tape" }).ClickAsync();
            await page.Locator(".mud-input-control:has(#horizon)", new PageLocatorOptions { HasText = "you entered 60" }).WaitForAsync();
            Assert.Contains("at most 36 minutes; you entered 60. (the test segment of the replayed recording lasts 36 minutes", await horizon.InnerTextAsync());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "builder-replay-horizon.png"), FullPage = true });
            // The stored recording here is a bare row (no book to replay), so the scenario is not saved: the field clears.
            await page.FillAsync("#horizon", "30");
            await page.Locator(".mud-input-control:has(#horizon)", new PageLocatorOptions { HasText = "at most 36 minutes for the replayed recording" }).WaitForAsync();
            Assert.Equal(0, await horizon.Locator("label.mud-input-error").CountAsync());
        });

        // The API answers the same check in the same words, for a replay and for a market calibrated from a session.
        using var client = await server.SignedInClientAsync();
        var replay = ScenarioPresets.Demo() with { Replay = new ReplaySpec { DatasetId = datasetId, Options = new ReplayOptions { Segment = ReplaySegment.Test } } };
        var refused = await client.PostAsync("/api/scenarios", new StringContent(ScenarioJson.Serialize(replay), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("is 60, allowed range (0, 36] (the test segment of the replayed recording lasts 36 minutes", await refused.Content.ReadAsStringAsync());
        var calibrated = ScenarioPresets.Demo() with
        {
            Order = ScenarioPresets.Demo().Order with { HorizonMinutes = 400 },
            Market = ScenarioPresets.Demo().Market with { CalibratedFrom = "AMZN 2012-06-21" },
        };
        var run = await client.PostAsync("/api/runs", new StringContent($$"""{"scenario":{{ScenarioJson.Serialize(calibrated)}},"episodes":50}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, run.StatusCode);
        Assert.Contains("is 400, allowed range (0, 390] (the market is calibrated from one recorded session (AMZN 2012-06-21) of 390 minutes)", await run.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_transient_models_decay_is_edited_refused_out_of_range_beside_its_field_and_saved_into_the_scenario_json()
    {
        await using var server = await PortalServer.StartAsync();
        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;
        const string decay = "#param-market-impact-decayMinutes";
        Guid scenarioId = Guid.Empty;

        await page.ScriptAsync("builder-transient", async step =>
        {
            step("choosing the transient model shows its own parameters at their defaults");
            await page.SignInAsDemoAsync();
            await page.GotoAsync("/scenarios/new");
            await page.WaitForInteractiveAsync();
            await page.FillAsync("#scenario-name", "Transient decay");
            Assert.Equal(0, await page.Locator(decay).CountAsync());
            await page.Locator(".mud-input-control.mud-select", new PageLocatorOptions { Has = page.Locator("#impact-model") }).ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new PageLocatorOptions { HasText = ImpactModels.Transient }).ClickAsync();
            await page.Locator(decay).WaitForAsync();
            Assert.Equal("1", await page.InputValueAsync(decay));
            Assert.Equal("0.001", await page.InputValueAsync("#param-market-impact-gamma"));
            var field = page.Locator(".mud-input-control:has(" + decay + ")");
            Assert.Contains("Decay time τ of the kernel", await field.InnerTextAsync());

            step("a decay of 0 is refused beside the field in its unit");
            await page.FillAsync(decay, "0");
            await page.Locator(".mud-input-control:has(" + decay + ")", new PageLocatorOptions { HasText = "you entered 0" }).WaitForAsync();
            Assert.Contains("τ decay (min) must be more than 0 and at most 1,000,000 minutes; you entered 0.", await field.InnerTextAsync());
            Assert.True(await field.Locator(".mud-input-error").CountAsync() > 0, "the decay field is not marked");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "builder-transient-decay.png"), FullPage = true });

            step("a valid decay clears the field and the scenario saves");
            await page.FillAsync(decay, "15");
            await page.Locator(".mud-input-control:has(" + decay + ")", new PageLocatorOptions { HasText = "Allowed: more than 0" }).WaitForAsync();
            Assert.Equal(0, await field.Locator(".mud-input-error").CountAsync());
            await page.ClickAsync("#save-scenario");
            await page.Locator("#scenario-title").WaitForAsync();
            scenarioId = Guid.Parse(page.Url.TrimEnd('/').Split('/')[^1]);
        });

        using var client = await server.SignedInClientAsync();
        var json = await client.GetStringAsync($"/api/scenarios/{scenarioId}/json");
        var impact = Assert.IsType<TransientImpactSpec>(ScenarioJson.Parse(json).Market.Impact);
        Assert.Equal(new TransientImpactSpec { DecayMinutes = 15 }, impact);
    }
}
