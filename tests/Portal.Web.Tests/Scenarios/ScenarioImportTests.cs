using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Portal.Application.Scenarios;
using Portal.Application.Teams;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;
using Portal.Web.Features.Scenarios;
using Portal.Web.Tests.Components;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Teams;

namespace Portal.Web.Tests.Scenarios;

/// <summary>Scenario JSON imported from the browser, the market sources a scenario may use, and pages of unknown ids.</summary>
public sealed class ScenarioImportTests
{
    [Fact]
    public async Task Export_a_scenario_import_it_in_the_browser_and_a_broken_file_is_refused_with_its_field()
    {
        await using var server = await PortalServer.StartAsync();
        var team = await server.DemoTeamIdAsync();
        Guid demoId;
        string demoName;
        await using (var db = await server.Db())
        {
            var demo = await db.Scenarios.AsNoTracking().Where(s => s.TeamId == team).OrderBy(s => s.CreatedUtc).FirstAsync();
            (demoId, demoName) = (demo.Id, demo.Name);
        }
        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;
        var folder = Directory.CreateTempSubdirectory("el-import-");

        await page.ScriptAsync("scenario-import", async step =>
        {
            step("sign in");
            await page.SignInAsDemoAsync();

            step("export the scenario's JSON with its JSON button");
            await page.GotoAsync($"/scenarios/{demoId}");
            var href = await page.Locator($"a[href='/api/scenarios/{demoId}/json']").GetAttributeAsync("href");
            var exported = await (await page.APIRequest.GetAsync(href!)).TextAsync();
            Assert.Equal(demoName, JsonNode.Parse(exported)!["name"]!.GetValue<string>());

            step("a broken file is refused with the field at fault and nothing is stored");
            var broken = JsonNode.Parse(exported)!;
            broken["order"]!["steps"] = 0;
            var brokenPath = Path.Combine(folder.FullName, "broken.json");
            await File.WriteAllTextAsync(brokenPath, broken.ToJsonString());
            var before = await CountAsync(server, team);
            await page.GotoAsync("/scenarios");
            await page.WaitForInteractiveAsync();
            await page.ChooseFilesAsync("#import-file", [brokenPath], "#import-errors");
            var errors = await page.Locator("#import-errors").InnerTextAsync();
            Assert.Contains("order.steps", errors, StringComparison.Ordinal);
            Assert.Contains("nothing was stored", errors, StringComparison.Ordinal);
            Assert.Equal(before, await CountAsync(server, team));

            step("a file that is not JSON names where it breaks");
            var garbledPath = Path.Combine(folder.FullName, "garbled.json");
            await File.WriteAllTextAsync(garbledPath, exported[..(exported.Length / 2)]);
            await page.SetInputFilesAsync("#import-file", [garbledPath]);
            await page.Locator("#import-errors:has-text('garbled.json')").WaitForAsync();
            Assert.Equal(before, await CountAsync(server, team));

            step("the exported file imports and is listed");
            var goodPath = Path.Combine(folder.FullName, "export.json");
            await File.WriteAllTextAsync(goodPath, exported);
            await page.SetInputFilesAsync("#import-file", [goodPath]);
            await page.Locator("#import-notice").WaitForAsync();
            Assert.Contains(demoName, await page.Locator("#import-notice").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Empty(await page.Locator("#import-errors").AllAsync());
            await page.Locator($"#scenario-grid tbody tr:has-text('{demoName}')").Nth(1).WaitForAsync();
            Assert.Equal(before + 1, await CountAsync(server, team));

            step("the imported scenario has the exported definition");
            await page.ClickAsync("#imported-link");
            await page.Locator("#scenario-title").WaitForAsync();
            var importedId = Guid.Parse(page.Url[(page.Url.LastIndexOf('/') + 1)..]);
            Assert.NotEqual(demoId, importedId);
            var again = await (await page.APIRequest.GetAsync($"/api/scenarios/{importedId}/json")).TextAsync();
            Assert.Equal(ScenarioJson.Serialize(ScenarioJson.Parse(exported)), again);

            step("a page for an id that does not exist answers 404 and says so, also once interactive");
            var response = await page.GotoAsync($"/runs/{Guid.NewGuid()}");
            Assert.Equal(404, response!.Status);
            await page.WaitForInteractiveAsync();
            await page.Locator("#not-found").WaitForAsync();
            Assert.Empty(await page.Locator("#run-status").AllAsync());
        });
        folder.Delete(recursive: true);
    }

    [Fact]
    public async Task Only_the_team_datasets_and_their_calibrated_profiles_are_offered_and_imports_may_not_replay_another_team_data()
    {
        await using var server = await PortalServer.StartAsync();
        var teamA = await server.DemoTeamIdAsync();
        var teamB = await server.CreateTeamAsync("Bravo desk");
        var ownId = await AddDatasetAsync(server, teamA, "Alpha data", withProfile: true);
        var otherId = await AddDatasetAsync(server, teamB, "Bravo data", withProfile: true);
        await using (var db = await server.Db())
        {
            db.MarketProfiles.Add(new MarketProfileEntity { TeamId = teamA, DatasetId = ownId, Name = "still running", Status = CalibrationStatus.Running });
            await db.SaveChangesAsync();
        }
        var demoUser = await DemoUserIdAsync(server);
        var access = await server.AccessAsync(demoUser);
        var team = new TeamContext();
        team.Set(access);
        var library = Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<ScenarioStore>(server.Services, team);

        var offered = await library.DatasetsAsync();

        var dataset = Assert.Single(offered);
        Assert.Equal(ownId, dataset.Id);
        Assert.Equal("Alpha data profile", Assert.Single(dataset.Profiles).Name);

        var foreign = ScenarioPresets.Demo() with { Replay = new ReplaySpec { DatasetId = otherId } };
        var before = await CountAsync(server, teamA);
        var refused = await Assert.ThrowsAsync<ScenarioValidationException>(() => library.ImportAsync(ScenarioJson.Serialize(foreign)));
        Assert.Equal("replay.datasetId", Assert.Single(refused.Errors).Field);
        Assert.Equal(before, await CountAsync(server, teamA));

        var own = await library.ImportAsync(ScenarioJson.Serialize(foreign with { Replay = new ReplaySpec { DatasetId = ownId } }));
        Assert.Equal(teamA, own.TeamId);
        Assert.Equal(before + 1, await CountAsync(server, teamA));
    }

    private static async Task<Guid> AddDatasetAsync(PortalServer server, Guid team, string name, bool withProfile)
    {
        await using var db = await server.Db();
        var dataset = new Dataset
        {
            TeamId = team, Name = name, Format = "lobster", Instrument = "AMZN", ContentHash = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"),
            TradingDate = new DateTime(2012, 6, 21, 0, 0, 0, DateTimeKind.Utc), CreatedBy = PortalServer.DemoEmail,
        };
        db.Datasets.Add(dataset);
        if (withProfile)
        {
            db.MarketProfiles.Add(new MarketProfileEntity
            {
                TeamId = team, DatasetId = dataset.Id, Name = $"{name} profile", Status = CalibrationStatus.Succeeded, Json = ScenarioEditorTests.AmznProfile.Value.ToJson(),
            });
        }
        await db.SaveChangesAsync();
        return dataset.Id;
    }

    private static async Task<string> DemoUserIdAsync(PortalServer server)
    {
        await using var db = await server.Db();
        return await db.Users.Where(u => u.Email == PortalServer.DemoEmail).Select(u => u.Id).SingleAsync();
    }

    private static async Task<int> CountAsync(PortalServer server, Guid team)
    {
        await using var db = await server.Db();
        return await db.Scenarios.CountAsync(s => s.TeamId == team);
    }
}
