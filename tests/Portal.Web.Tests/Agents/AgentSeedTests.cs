using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Agents;

/// <summary>Training progress per seed on the agents pages, and a run choosing which trained seed's policy it uses.</summary>
public sealed class AgentSeedTests
{
    private static string Shot(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "browser-screens");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name + ".png");
    }

    [Fact]
    public async Task The_agents_pages_show_the_running_seed_its_percentage_and_time_left_and_follow_the_worker_without_a_reload()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();
        var factory = server.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var agent = new TrainedAgentEntity
        {
            Name = "PPO in training", Algorithm = "ppo", ScenarioName = "demo", ScenarioJson = ScenarioJson.Serialize(ScenarioPresets.Demo()), Seeds = "1,2,3",
            EnvironmentSteps = 50_000, Status = TrainingStatus.Running, Progress = 0.42, StartedUtc = DateTime.UtcNow, HeartbeatUtc = DateTime.UtcNow,
            // As the worker stores it (TrainAgentJob.StoreProgressAsync): seed 2 of 3, a quarter done, 10 min left of a 13 min 20 s seed.
            CurrentSeedIndex = 1, SeedProgress = 0.25, SeedSecondsLeft = 600, SeedSecondsTotal = 800, ProgressUtc = DateTime.UtcNow,
        };
        await using (var db = await factory.CreateDbContextAsync())
        {
            agent.TeamId = await db.Teams.OrderBy(t => t.CreatedUtc).Select(t => t.Id).FirstAsync();
            db.TrainedAgents.Add(agent);
            await db.SaveChangesAsync();
        }

        var view = await client.GetFromJsonAsync<JsonElement>($"/api/agents/{agent.Id}");
        var training = view.GetProperty("training");
        Assert.Equal((2, 3, 0.25), (training.GetProperty("seed").GetInt32(), training.GetProperty("seeds").GetInt32(), training.GetProperty("seedProgress").GetDouble()));
        Assert.InRange(training.GetProperty("seedSecondsLeft").GetDouble(), 500, 600);
        Assert.InRange(training.GetProperty("totalSecondsLeft").GetDouble(), 1300, 1400); // this seed's rest and one more whole seed

        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;
        await page.ScriptAsync("agent-seed-progress", async step =>
        {
            step("sign in");
            await page.SignInAsDemoAsync();

            step("the list names the seed, its percentage and the time left");
            await page.GotoAsync("/agents");
            await page.WaitForInteractiveAsync();
            var row = page.Locator("#agent-table tr", new() { HasTextString = "PPO in training" });
            var progress = row.Locator(".agent-seed-progress");
            await Assertions.Expect(progress).ToContainTextAsync("Seed 2 of 3 · 25% · about 9 min");
            await Assertions.Expect(progress).ToContainTextAsync("left for this seed, about 2");
            // The disabled Train button says why.
            await Assertions.Expect(page.Locator("#train-disabled-reason")).ToContainTextAsync("scenario");
            await page.ScreenshotAsync(new() { Path = Shot("agents-training-progress"), FullPage = true });

            step("the page follows the worker's next report without a reload");
            await using (var db = await factory.CreateDbContextAsync())
            {
                await db.TrainedAgents.Where(a => a.Id == agent.Id).ExecuteUpdateAsync(u => u
                    .SetProperty(a => a.CurrentSeedIndex, 2).SetProperty(a => a.SeedProgress, 0.5).SetProperty(a => a.SeedSecondsLeft, 150.0)
                    .SetProperty(a => a.Progress, 0.83).SetProperty(a => a.ProgressUtc, DateTime.UtcNow).SetProperty(a => a.HeartbeatUtc, DateTime.UtcNow));
            }
            await Assertions.Expect(progress).ToContainTextAsync("Seed 3 of 3 · 50% · about 2 min");
            await Assertions.Expect(progress).Not.ToContainTextAsync("all seeds");

            step("a reload (any portal instance) reads the same from the database");
            await page.ReloadAsync();
            await page.WaitForInteractiveAsync();
            await Assertions.Expect(page.Locator("#agent-table tr", new() { HasTextString = "PPO in training" }).Locator(".agent-seed-progress")).ToContainTextAsync("Seed 3 of 3 · 50%");

            step("the agent's own page says the same and which seed runs use");
            await page.GotoAsync($"/agents/{agent.Id}");
            await page.WaitForInteractiveAsync();
            await Assertions.Expect(page.Locator("#agent-seed-progress")).ToContainTextAsync("Seed 3 of 3 · 50%");
            Assert.Contains("a run uses the first seed's policy (seed 1) unless it chooses another trained seed", await page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
            await page.ScreenshotAsync(new() { Path = Shot("agent-detail-training-progress"), FullPage = true });
        });
    }

    [Fact]
    public async Task A_run_uses_the_trained_seed_chosen_on_the_scenario_page_or_in_the_api_and_the_run_page_says_which()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();
        var scenario = ScenarioPresets.Demo() with { Name = "seed choice", Episodes = 200, Seed = 5, Order = ScenarioPresets.Demo().Order with { Steps = 6 } };
        var json = JsonDocument.Parse(ScenarioJson.Serialize(scenario)).RootElement;
        var trained = await client.PostAsJsonAsync("/api/agents", new { scenario = json, algorithm = "qlearning", seeds = 2, environmentSteps = 1200 });
        Assert.True(trained.StatusCode == HttpStatusCode.Accepted, await trained.Content.ReadAsStringAsync());
        var accepted = await trained.Content.ReadFromJsonAsync<JsonElement>();
        var agentId = accepted.GetProperty("id").GetGuid();
        var strategyId = accepted.GetProperty("strategyId").GetString()!;
        var agent = await Polling.UntilAsync(client, $"/api/agents/{agentId}", a => a.GetProperty("status").GetString() is "Succeeded" or "Failed");
        Assert.True(agent.GetProperty("status").GetString() == "Succeeded", agent.ToString());

        // The API: an additive agentSeed field; a seed the agent lacks is a validation error naming the field and its seeds.
        var lacking = await client.PostAsJsonAsync("/api/runs", new { scenario = json, strategies = new[] { "twap", strategyId }, agentSeed = 7 });
        Assert.Equal(HttpStatusCode.BadRequest, lacking.StatusCode);
        var problem = await lacking.Content.ReadAsStringAsync();
        Assert.Contains("strategySettings.agentSeed", problem, StringComparison.Ordinal);
        Assert.Contains("its seeds: 1, 2", problem, StringComparison.Ordinal);
        var viaApi = await client.PostAsJsonAsync("/api/runs", new { scenario = json, strategies = new[] { "twap", strategyId }, agentSeed = 2 });
        Assert.True(viaApi.StatusCode == HttpStatusCode.Accepted, await viaApi.Content.ReadAsStringAsync());
        var apiRun = await ApiTests.WaitForFinishAsync(client, (await viaApi.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        Assert.True(apiRun.GetProperty("status").GetString() == "Succeeded", apiRun.ToString());

        // A saved scenario with the agent, for the browser.
        var saved = await client.PostAsJsonAsync("/api/scenarios", JsonDocument.Parse(ScenarioJson.Serialize(scenario with { Strategies = ["twap", strategyId] })).RootElement);
        Assert.True(saved.StatusCode == HttpStatusCode.Created, await saved.Content.ReadAsStringAsync());
        var scenarioId = (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;
        await page.ScriptAsync("agent-seed-choice", async step =>
        {
            step("sign in");
            await page.SignInAsDemoAsync();

            step("the scenario page offers the agent's trained seeds, the first by default");
            await page.GotoAsync($"/scenarios/{scenarioId}");
            await page.WaitForInteractiveAsync();
            var select = page.Locator(".mud-input-control.mud-select", new() { Has = page.Locator("#run-agent-seed") });
            await Assertions.Expect(select).ToContainTextAsync("Seed 1: the first seed (default)");
            await Assertions.Expect(select).ToContainTextAsync("By default the first seed");
            await select.ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new() { HasTextString = "Seed 2" }).ClickAsync();
            await page.ScreenshotAsync(new() { Path = Shot("scenario-agent-seed-choice"), FullPage = true });
            await page.Locator("#submit-run").ClickAsync();

            step("the run page says the run used seed 2's policy, chosen for this run");
            await page.WaitForURLAsync("**/runs/**");
            await page.Locator("#run-status[data-status='Succeeded']").WaitForAsync(new() { Timeout = 120_000 });
            var used = page.Locator($"#agent-curves .agent-curve[data-strategy='{strategyId}'] .agent-used-seed");
            await Assertions.Expect(used).ToHaveAttributeAsync("data-seed", "2");
            await Assertions.Expect(used).ToContainTextAsync("the run used seed 2's policy (chosen for this run)");
            await Assertions.Expect(page.Locator("#run-parameters")).ToContainTextAsync("training seed 2 (chosen for this run)");
            await page.Locator("#headline").ScreenshotAsync(new() { Path = Shot("run-page-headline") });
            await page.Locator("#agent-curves").ScreenshotAsync(new() { Path = Shot("run-page-agent-seed") });
        });
    }
}
