using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Domain.Scenarios;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Agents;

public sealed class AgentApiTests
{
    [Fact]
    public async Task An_agent_trained_through_the_api_runs_beside_the_baselines_on_common_paths()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();
        var scenario = ScenarioPresets.Demo() with { Name = "agent world", Episodes = 400, Seed = 77, Order = ScenarioPresets.Demo().Order with { Steps = 8 } };
        var json = JsonDocument.Parse(ScenarioJson.Serialize(scenario)).RootElement;

        var bad = await client.PostAsJsonAsync("/api/agents", new { scenario = json, algorithm = "ppo", seeds = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("seeds", await bad.Content.ReadAsStringAsync());

        var response = await client.PostAsJsonAsync("/api/agents", new { scenario = json, algorithm = "qlearning", seeds = 2, environmentSteps = 4000 });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        var agentId = accepted.GetProperty("id").GetGuid();
        var strategyId = accepted.GetProperty("strategyId").GetString()!;

        var agent = await Polling.UntilAsync(client, $"/api/agents/{agentId}", a => a.GetProperty("status").GetString() is "Succeeded" or "Failed");
        Assert.True(agent.GetProperty("status").GetString() == "Succeeded", agent.ToString());
        var seeds = agent.GetProperty("seedResults").EnumerateArray().ToList();
        Assert.Equal(2, seeds.Count);
        Assert.All(seeds, s => Assert.True(s.GetProperty("learningCurve").GetArrayLength() > 0));
        Assert.Equal(2, agent.GetProperty("summary").GetProperty("seeds").GetInt32());

        var run = await client.PostAsJsonAsync("/api/runs", new { scenario = json, strategies = new[] { "twap", strategyId } });
        Assert.True(run.StatusCode == HttpStatusCode.Accepted, await run.Content.ReadAsStringAsync());
        var finished = await ApiTests.WaitForFinishAsync(client, (await run.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        Assert.True(finished.GetProperty("status").GetString() == "Succeeded", finished.ToString());
        var rows = finished.GetProperty("results").EnumerateArray().ToList();
        var agentRow = rows.Single(r => r.GetProperty("strategyId").GetString() == strategyId);
        Assert.Equal(400, agentRow.GetProperty("episodes").GetInt32());
        // Completion is the share traded by the policy itself; the simulator force-trades the rest at the horizon.
        Assert.InRange(agentRow.GetProperty("completion").GetDouble(), 0.0, 1.0);
        Assert.True(agentRow.GetProperty("vsTwapCiLowBps").GetDouble() <= agentRow.GetProperty("vsTwapCiHighBps").GetDouble());
        Assert.Equal(8, agentRow.GetProperty("meanParticipation").GetArrayLength());

        // The run page shows the agent's learning curves (one line per seed), participation per step and the regime table.
        var runId = finished.GetProperty("id").GetGuid();

        // So does the PDF report.
        var pdfBytes = await client.GetByteArrayAsync($"/api/runs/{runId}/report.pdf");
        using (var pdf = UglyToad.PdfPig.PdfDocument.Open(pdfBytes))
        {
            var text = string.Join("\n", pdf.GetPages().Select(p => p.Text));
            Assert.Contains("Learning curves", text, StringComparison.Ordinal);
            Assert.Contains("agent world", text, StringComparison.Ordinal);
            foreach (var seed in seeds)
            {
                Assert.Contains($"seed {seed.GetProperty("seed").GetInt64()}", text, StringComparison.Ordinal);
            }
            Assert.Contains("Across regimes", text, StringComparison.Ordinal);
        }
        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;
        await page.ScriptAsync("agent-run-page", async step =>
        {
            step("sign in");
            await page.SignInAsDemoAsync();

            step("the run page shows the agent's curves");
            await page.GotoAsync($"/runs/{runId}");
            await page.WaitForInteractiveAsync();
            var curves = page.Locator($"#agent-curves .agent-curve[data-strategy='{strategyId}']");
            await curves.Locator("svg").First.WaitForAsync();
            Assert.Contains("agent world", await page.Locator("#agent-curves").InnerTextAsync(), StringComparison.Ordinal);
            var legend = await curves.InnerTextAsync();
            foreach (var seed in seeds)
            {
                Assert.Contains($"seed {seed.GetProperty("seed").GetInt64()}", legend, StringComparison.Ordinal);
            }

            step("participation and regime sections");
            await page.Locator("#participation-chart svg").WaitForAsync();
            Assert.Equal(5, await page.Locator("#participation-table tbody tr").CountAsync()); // twap, the agent, random, best static, online re-optimisation
            Assert.Equal(1, await page.Locator("#participation-table tbody tr", new() { HasTextString = "re-optimisation" }).CountAsync());
            Assert.Contains("This run", await page.Locator("#regime-table").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal(5, await page.Locator("#regime-table tbody tr").CountAsync());
        });
    }

    [Fact]
    public async Task A_run_naming_an_agent_that_does_not_exist_fails_with_the_id_in_the_reason()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();
        var json = JsonDocument.Parse(ScenarioJson.Serialize(ScenarioPresets.Demo() with { Episodes = 50 })).RootElement;
        var missing = "agent:" + Guid.NewGuid().ToString("N");

        var run = await client.PostAsJsonAsync("/api/runs", new { scenario = json, strategies = new[] { "twap", missing } });
        var finished = await ApiTests.WaitForFinishAsync(client, (await run.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());

        Assert.Equal("Failed", finished.GetProperty("status").GetString());
        Assert.Contains(missing, finished.GetProperty("failureReason").GetString());
    }

    [Fact]
    public async Task An_agent_trained_with_a_curriculum_runs_every_stage_and_a_bad_stage_count_is_refused()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();
        var scenario = ScenarioPresets.Demo() with { Name = "curriculum world", Order = ScenarioPresets.Demo().Order with { Steps = 6 } };
        var json = JsonDocument.Parse(ScenarioJson.Serialize(scenario)).RootElement;

        var bad = await client.PostAsJsonAsync("/api/agents", new { scenario = json, algorithm = "qlearning", seeds = 1, environmentSteps = 3000, curriculumStages = 9 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("curriculumStages", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var response = await client.PostAsJsonAsync("/api/agents", new { scenario = json, algorithm = "qlearning", seeds = 1, environmentSteps = 6000, curriculumStages = 2 });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var agentId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var agent = await Polling.UntilAsync(client, $"/api/agents/{agentId}", a => a.GetProperty("status").GetString() is "Succeeded" or "Failed");
        Assert.True(agent.GetProperty("status").GetString() == "Succeeded", agent.ToString());
        Assert.Equal(2, agent.GetProperty("curriculumStages").GetInt32());
        var stages = agent.GetProperty("seedResults")[0].GetProperty("learningCurve").EnumerateArray().Select(p => p.GetProperty("stage").GetInt32()).ToList();
        Assert.Equal([0, 1, 2], stages.Distinct().ToList());
    }
}
