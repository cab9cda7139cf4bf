using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Teams;

namespace Portal.Web.Tests.Authorization;

/// <summary>
/// A viewer of a team walks the portal in Chromium: it reads the team's runs, comparison and leaderboard; every action it
/// may not take is absent or disabled with the reason on the page; and the API refuses the same actions with 403 and
/// a message saying why.
/// </summary>
public sealed class ViewerWalkTests
{
    private const string ViewerEmail = "reader@desk.test";

    private static string Scenario(string name, double size) => ScenarioJson.Serialize(ScenarioPresets.Demo() with
    {
        Name = name,
        Order = ScenarioPresets.Demo().Order with { SizePctAdv = size },
    });

    [Fact]
    public async Task A_viewer_reads_the_team_data_sees_why_each_action_is_withheld_and_the_api_refuses_it_in_words()
    {
        await using var server = await PortalServer.StartAsync();
        var team = await server.DemoTeamIdAsync();
        await server.CreateUserAsync(ViewerEmail, team, TeamRole.Viewer);
        var a = await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour,
            [("twap", [10, 12, 11, 13]), ("ac", [9, 8, 10, 9])], scenarioJson: Scenario("Walk order 2%", 2));
        var b = await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour,
            [("twap", [20, 22, 21, 23]), ("ac", [19, 18, 17, 18])], scenarioJson: Scenario("Walk order 5%", 5));
        await using (var db = await server.Db())
        {
            (await db.Runs.FindAsync(a))!.Name = "Walk order 2%";
            (await db.Runs.FindAsync(b))!.Name = "Walk order 5%";
            await db.SaveChangesAsync();
        }
        Guid scenarioId;
        using (var analyst = await server.SignedInClientAsync())
        {
            var created = await analyst.PostAsync("/api/scenarios", new StringContent(Scenario("Walk scenario", 2), System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            scenarioId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }

        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;
        await page.ScriptAsync("viewer walk", async step =>
        {
            step("sign in as the viewer");
            await page.GotoAsync("/login");
            await page.FillAsync("#email", ViewerEmail);
            await page.FillAsync("#password", TeamWorld.Password);
            await page.ClickAsync("#sign-in");
            await page.WaitForInteractiveAsync();

            step("the runs list shows the team's runs");
            await page.GotoAsync("/runs");
            await Assertions.Expect(page.Locator("#run-grid")).ToContainTextAsync("Walk order 2%");
            await Assertions.Expect(page.Locator("#run-grid")).ToContainTextAsync("Walk order 5%");

            step("a run: its results, no cancel or re-run, and why");
            await page.GotoAsync($"/runs/{a}");
            await page.WaitForInteractiveAsync();
            await Assertions.Expect(page.Locator("#run-name")).ToHaveTextAsync("Walk order 2%");
            Assert.Equal(0, await page.Locator("#cancel-run, #rerun").CountAsync());
            await Assertions.Expect(page.Locator("#edit-run-tracking")).ToBeDisabledAsync();
            await ExpectReasonAsync(page.Locator("#viewer-note"), "cancel, re-run, rename or tag runs");

            step("compare the two runs");
            await page.GotoAsync($"/compare?runs={a},{b}");
            await page.WaitForInteractiveAsync();
            await Assertions.Expect(page.Locator("#compare-table")).ToContainTextAsync("Walk order 5%");
            Assert.Equal(2, await page.Locator("#compare-ecdf-chart path.series").CountAsync());

            step("the leaderboard ranks the team's strategies");
            await page.GotoAsync("/leaderboards");
            await Assertions.Expect(page.Locator("#leaderboard-grid")).ToContainTextAsync("TWAP");

            step("a scenario: submit run is disabled, with the reason beside it");
            await page.GotoAsync($"/scenarios/{scenarioId}");
            await page.WaitForInteractiveAsync();
            await Assertions.Expect(page.Locator("#submit-run")).ToBeDisabledAsync();
            Assert.Equal(0, await page.Locator("#delete-scenario").CountAsync());
            await ExpectReasonAsync(page.Locator("#viewer-note"), "submit runs");
            await page.GotoAsync("/scenarios");
            await page.WaitForInteractiveAsync();
            Assert.Equal(0, await page.Locator("#new-scenario, #scenario-import").CountAsync());
            await ExpectReasonAsync(page.Locator("#viewer-note"), "create or import scenarios");

            step("studies, agents and market data: no way to start one, and why");
            await page.GotoAsync("/studies");
            await page.WaitForInteractiveAsync();
            await ExpectReasonAsync(page.Locator("#viewer-note"), "");
            await page.GotoAsync("/agents");
            await page.WaitForInteractiveAsync();
            Assert.Equal(0, await page.Locator("#train").CountAsync());
            await ExpectReasonAsync(page.Locator("#train-disabled-reason"), "train agents");
            await page.GotoAsync("/datasets");
            await page.WaitForInteractiveAsync();
            Assert.Equal(0, await page.Locator("#upload").CountAsync());
            await ExpectReasonAsync(page.Locator("#viewer-note"), "upload or calibrate market data");

            step("tokens: create is disabled with the reason; team: no invitation form");
            await page.GotoAsync("/tokens");
            await page.WaitForInteractiveAsync();
            await Assertions.Expect(page.Locator("#create-token")).ToBeDisabledAsync();
            await ExpectReasonAsync(page.Locator("#tokens-viewer"), "create tokens");
            await page.GotoAsync("/team");
            await page.WaitForInteractiveAsync();
            Assert.Equal(0, await page.Locator("#add-member, #member-email").CountAsync());
            await Assertions.Expect(page.Locator("body")).ToContainTextAsync("viewers read");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "viewer-team.png"), FullPage = true });
        });

        // The API refuses the same actions with 403 and says why; nothing changes.
        using var viewer = await server.SignedInClientAsync(ViewerEmail, TeamWorld.Password);
        int runsBefore, scenariosBefore;
        await using (var db = await server.Db())
        {
            runsBefore = db.Runs.Count(r => r.TeamId == team);
            scenariosBefore = db.Scenarios.Count(s => s.TeamId == team);
        }
        var refusals = new (string What, Func<Task<HttpResponseMessage>> Call, string Message)[]
        {
            ("submit run", () => viewer.PostAsJsonAsync("/api/runs", new { scenarioId }), "Viewers cannot submit runs."),
            ("cancel run", () => viewer.PostAsync($"/api/runs/{a}/cancel", null), "Viewers cannot cancel runs."),
            ("rename run", () => viewer.PatchAsJsonAsync($"/api/runs/{a}", new { name = "renamed" }), "Viewers cannot change runs."),
            ("create scenario", () => viewer.PostAsync("/api/scenarios", new StringContent(Scenario("viewer's", 2), System.Text.Encoding.UTF8, "application/json")), "Viewers cannot create scenarios."),
            ("train agent", () => viewer.PostAsJsonAsync("/api/agents", new { scenarioId, algorithm = "ppo" }), "Viewers cannot train agents."),
            ("upload dataset", () => viewer.PostAsync("/api/datasets", new MultipartFormDataContent { { new StringContent("auto"), "format" } }), "Viewers cannot upload data."),
            ("invite member", () => viewer.PostAsJsonAsync("/api/team/members", new { email = "someone@desk.test", role = "Viewer" }), "Only the team's admins manage its members."),
            ("create token", () => viewer.PostAsJsonAsync("/api/tokens", new { name = "nightly" }), "Viewers cannot create tokens."),
        };
        foreach (var (what, call, message) in refusals)
        {
            var response = await call();
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(message, problem.GetProperty("detail").GetString());
        }
        await using (var db = await server.Db())
        {
            Assert.Equal("Walk order 2%", (await db.Runs.FindAsync(a))!.Name);
            Assert.Equal(runsBefore, db.Runs.Count(r => r.TeamId == team));
            Assert.Equal(scenariosBefore, db.Scenarios.Count(s => s.TeamId == team));
            Assert.Equal(RunStatus.Succeeded, (await db.Runs.FindAsync(a))!.Status);
        }
    }

    /// <summary>The reason is on the page (not only on hover), names the role and who can change it, and the action withheld.</summary>
    private static async Task ExpectReasonAsync(ILocator reason, string action)
    {
        await Assertions.Expect(reason).ToBeVisibleAsync();
        var text = await reason.InnerTextAsync();
        Assert.Contains("Viewers", text, StringComparison.Ordinal);
        Assert.Contains(action, text, StringComparison.Ordinal);
        Assert.Matches("(admin|analyst)", text);
    }
}
