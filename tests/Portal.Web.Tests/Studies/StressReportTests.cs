using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.Data.Entities;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Teams;

namespace Portal.Web.Tests.Studies;

/// <summary>Stress reports: <c>POST /api/stress</c> runs each variant as an ordinary run of a study over the stress axis,
/// <c>GET /api/stress/{id}</c> answers the table to the team only, and the study builder submits one from the browser.</summary>
public sealed class StressReportTests
{
    [Fact]
    public async Task A_stress_report_runs_each_variant_as_a_run_and_answers_the_table_to_its_team_only()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();
        var scenarioId = (await client.GetFromJsonAsync<JsonElement>("/api/scenarios"))[0].GetProperty("id").GetGuid();

        var bad = await client.PostAsJsonAsync("/api/stress", new { scenarioId, variants = new[] { "none", "meteor" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("variants[1]", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var response = await client.PostAsJsonAsync("/api/stress", new
        {
            scenarioId,
            name = "api stress",
            variants = new[] { "none", "liquidity-collapse", "extreme-liquidity-drop" },
            strategies = new[] { "twap", "ac", "guarded:ac" },
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = accepted.GetProperty("id").GetGuid();
        Assert.Equal(3, accepted.GetProperty("cellCount").GetInt32());
        Assert.Equal($"/api/stress/{id}", response.Headers.Location?.OriginalString);

        var report = await Polling.UntilAsync(client, $"/api/stress/{id}", s => s.GetProperty("variantsDone").GetInt32() == 3, 180);
        Assert.Equal("Succeeded", report.GetProperty("status").GetString());
        var variants = report.GetProperty("variants").EnumerateArray().ToList();
        Assert.Equal(["none", "liquidity-collapse", "extreme-liquidity-drop"], variants.Select(v => v.GetProperty("variant").GetString()));
        foreach (var v in variants)
        {
            Assert.False(string.IsNullOrWhiteSpace(v.GetProperty("description").GetString()));
            var run = await client.GetFromJsonAsync<JsonElement>($"/api/runs/{v.GetProperty("runId").GetGuid()}");
            foreach (var s in v.GetProperty("strategies").EnumerateArray())
            {
                // Each variant's numbers are its run's stored summaries.
                var stored = run.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("strategyId").GetString() == s.GetProperty("id").GetString());
                Assert.Equal(stored.GetProperty("meanBps").GetDouble(), s.GetProperty("meanCostBps").GetDouble());
                Assert.True(s.GetProperty("cvar95Bps").GetDouble() >= s.GetProperty("meanCostBps").GetDouble());
                Assert.True(s.GetProperty("episodes").GetInt32() > 0);
            }
            Assert.True(v.GetProperty("best").TryGetProperty("significantVsTwap", out _));
        }
        double Twap(int i) => variants[i].GetProperty("strategies").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "twap").GetProperty("meanCostBps").GetDouble();
        Assert.True(Twap(2) > Twap(0), "the same paths under an extreme liquidity drop cost TWAP more");
        // It is a study too, so the study page, heatmap and CSV serve it.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/studies/{id}")).StatusCode);

        // The guarded strategy's comparison with itself unguarded is stored with each variant's run and shown per cell.
        var page = WebUtility.HtmlDecode(await client.GetStringAsync($"/studies/{id}"));
        Assert.Contains("id=\"study-guards\"", page, StringComparison.Ordinal);
        foreach (var v in variants)
        {
            var guarded = v.GetProperty("strategies").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "guarded:ac");
            var guard = guarded.GetProperty("guard");
            Assert.Equal("ac", guard.GetProperty("innerId").GetString());
            Assert.Equal(guarded.GetProperty("episodes").GetInt32(), guard.GetProperty("episodes").GetInt32());
            var diff = guard.GetProperty("guardedMinusUnguarded");
            Assert.True(diff.GetProperty("ciLowBps").GetDouble() <= diff.GetProperty("meanBps").GetDouble());
            var stored = guard.Deserialize<Portal.Domain.Backtesting.GuardResult>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
            Assert.Contains(Portal.Application.Reports.GuardLines.Describe(stored), page, StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Null, v.GetProperty("strategies").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "ac").GetProperty("guard").ValueKind);
        }

        var other = await server.CreateTeamAsync("Other desk");
        await server.CreateUserAsync("other@desk.test", other, TeamRole.Admin);
        using var outsider = await server.SignedInClientAsync("other@desk.test", TeamWorld.Password);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/stress/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsJsonAsync("/api/stress", new { scenarioId })).StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_stress_report_submitted_from_the_study_builder_shows_a_row_per_variant(bool postgres)
    {
        await using var server = await PortalServer.StartWithJobsAsync(postgres);
        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;
        await page.ScriptAsync("stress-flow", async step =>
        {
            step("sign in");
            await page.SignInAsDemoAsync();
            step("open studies");
            await page.GotoAsync("/studies");
            await page.Locator("#studies-interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
            step("tick the stress variants");
            await page.FillAsync("#study-name", "Stress");
            await page.FillAsync("#study-episodes", "200");
            foreach (var id in new[] { "#axis-stress-none", "#axis-stress-volatility_spike", "#axis-stress-extreme_liquidity_drop" }) await page.CheckAsync(id);
            await Assertions.Expect(page.Locator("#cell-count")).ToContainTextAsync("= 3 cells");
            step("submit");
            await page.ClickAsync("#submit-study");
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/studies/[0-9a-f-]{36}$"));
            await page.Locator("#study-interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
            await Assertions.Expect(page.Locator("#study-status")).ToHaveAttributeAsync("data-done", "3", new LocatorAssertionsToHaveAttributeOptions { Timeout = 240_000 });

            step("read the extreme drop's row");
            var studyId = Guid.Parse(page.Url.Split('/')[^1]);
            using var client = await server.SignedInClientAsync();
            var report = await client.GetFromJsonAsync<JsonElement>($"/api/stress/{studyId}");
            var extreme = report.GetProperty("variants")[2];
            Assert.Equal("extreme-liquidity-drop", extreme.GetProperty("variant").GetString());
            var twap = extreme.GetProperty("strategies").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "twap");
            await page.SelectOptionAsync("#heatmap-strategy", "twap");
            await Assertions.Expect(page.Locator("#heat-cost-2-0")).ToContainTextAsync(twap.GetProperty("meanCostBps").GetDouble().ToString("F2", CultureInfo.InvariantCulture));
            await Assertions.Expect(page.Locator("body")).ToContainTextAsync("Stress variant");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "stress-page.png"), FullPage = true });
        });
    }

    private static async Task<Guid> AddAgentAsync(PortalServer server, Guid teamId, string name)
    {
        await using var db = await server.Db();
        var agent = new TrainedAgentEntity
        {
            TeamId = teamId, Name = name, Algorithm = "qlearning", ScenarioName = "demo", ScenarioJson = "{}", Seeds = "1,2,3",
            Status = TrainingStatus.Succeeded,
        };
        db.TrainedAgents.Add(agent);
        await db.SaveChangesAsync();
        return agent.Id;
    }

    [Fact]
    public async Task The_builder_lists_the_teams_agents_with_a_guarded_box_and_the_api_refuses_another_teams_agent_naming_it()
    {
        await using var server = await PortalServer.StartAsync();
        var ours = await AddAgentAsync(server, await server.DemoTeamIdAsync(), "desk ql");
        var theirs = await AddAgentAsync(server, await server.CreateTeamAsync("Rival desk"), "rival ql");
        using var client = await server.SignedInClientAsync();
        var scenarioId = (await client.GetFromJsonAsync<JsonElement>("/api/scenarios"))[0].GetProperty("id").GetGuid();

        var refused = await client.PostAsJsonAsync("/api/stress", new { scenarioId, variants = new[] { "none" }, strategies = new[] { "twap", $"guarded:agent:{theirs:N}" } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var body = await refused.Content.ReadAsStringAsync();
        Assert.Contains("strategies[1]", body, StringComparison.Ordinal);
        Assert.Contains($"agent:{theirs:N}", body, StringComparison.Ordinal);
        Assert.Contains("not a trained agent of this team", body, StringComparison.Ordinal);
        var notStress = await client.PostAsJsonAsync("/api/studies", new { scenarioId, name = "grid", axes = new { sizePctAdv = new[] { 1, 5 } }, strategies = new[] { "twap", $"agent:{ours:N}" } });
        Assert.Equal(HttpStatusCode.BadRequest, notStress.StatusCode);

        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;
        await page.ScriptAsync("stress-agents", async step =>
        {
            step("sign in");
            await page.SignInAsDemoAsync();
            step("open studies");
            await page.GotoAsync("/studies");
            await page.Locator("#studies-interactive").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
            step("the team's agent, not the rival's, with a guarded box");
            await Assertions.Expect(page.Locator("#stress-agents")).ToContainTextAsync("desk ql");
            await Assertions.Expect(page.Locator("#stress-agents")).Not.ToContainTextAsync("rival ql");
            await Assertions.Expect(page.Locator($"#strategy-guarded-agent-{ours:N}")).ToBeVisibleAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "stress-agents.png"), FullPage = true });
        });
    }
}
