using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Web.Tests.Components;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Teams;

namespace Portal.Web.Tests;

public sealed class ApiTests
{
    [Fact]
    public async Task Post_run_answers_202_and_get_returns_status_then_results()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();
        var scenarios = await client.GetFromJsonAsync<JsonElement>("/api/scenarios");
        var scenarioId = scenarios[0].GetProperty("id").GetGuid();

        var response = await client.PostAsJsonAsync("/api/runs", new { scenarioId, episodes = 500, seed = 3 });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        var runId = accepted.GetProperty("id").GetGuid();
        Assert.Equal($"/api/runs/{runId}", response.Headers.Location?.OriginalString);
        var run = await WaitForFinishAsync(client, runId);
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        var results = run.GetProperty("results");
        Assert.Equal(["twap", "ac", "random", "best-static"], results.EnumerateArray().Select(r => r.GetProperty("strategyId").GetString() ?? "").ToArray());
        Assert.All(results.EnumerateArray(), r => Assert.Equal(500, r.GetProperty("episodes").GetInt32()));
        // Market-order strategies finish the order in every episode: the fill rate's interval is [1, 1] over 500 episodes.
        Assert.All(results.EnumerateArray(), r =>
        {
            Assert.Equal(1, r.GetProperty("fillRateCiLow").GetDouble());
            Assert.Equal(1, r.GetProperty("fillRateCiHigh").GetDouble());
            Assert.Equal(0, r.GetProperty("passiveShareCiHigh").GetDouble());
            Assert.Equal(JsonValueKind.Null, r.GetProperty("spreadCapturedCiLowBps").ValueKind);
            Assert.Equal(500, r.GetProperty("orderIntervalUnits").GetInt32());
            Assert.Equal("episode", r.GetProperty("orderIntervalUnitKind").GetString());
        });
    }

    [Fact]
    public async Task An_invalid_inline_scenario_is_rejected_naming_the_field_and_nothing_is_queued()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();
        var scenario = JsonDocument.Parse("""{"name":"bad","order":{"side":"sell","sizePctAdv":5,"horizonMinutes":0,"steps":10},"market":{}}""").RootElement;

        var response = await client.PostAsJsonAsync("/api/runs", new { scenario });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("order.horizonMinutes", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_scenario_run_or_training_replaying_another_team_dataset_is_refused_naming_the_field_and_nothing_is_stored()
    {
        await using var server = await PortalServer.StartAsync();
        var teamA = await server.DemoTeamIdAsync();
        var teamB = await server.CreateTeamAsync("Bravo desk");
        var foreignDataset = Guid.NewGuid();
        await using (var db = await server.Db())
        {
            db.Datasets.Add(new Portal.Data.Entities.Dataset
            {
                Id = foreignDataset, TeamId = teamB, Name = "Bravo data", Format = "lobster", Instrument = "AMZN",
                ContentHash = Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"), CreatedBy = "bravo@example.com",
            });
            await db.SaveChangesAsync();
        }
        int scenariosBefore, runsBefore;
        await using (var db = await server.Db())
        {
            scenariosBefore = db.Scenarios.Count(s => s.TeamId == teamA);
            runsBefore = db.Runs.Count(r => r.TeamId == teamA);
            Assert.Equal(0, db.TrainedAgents.Count(a => a.TeamId == teamA));
        }
        using var client = await server.SignedInClientAsync();
        var scenario = JsonDocument.Parse(Portal.Domain.Scenarios.ScenarioJson.Serialize(
            Portal.Domain.Scenarios.ScenarioPresets.Demo() with { Replay = new Portal.Domain.Scenarios.ReplaySpec { DatasetId = foreignDataset } })).RootElement;

        var created = await client.PostAsJsonAsync("/api/scenarios", scenario);
        var submitted = await client.PostAsJsonAsync("/api/runs", new { scenario });
        var training = await client.PostAsJsonAsync("/api/agents", new { scenario, algorithm = "qlearning", seeds = 1, environmentSteps = 1000 });

        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        Assert.Contains("replay.datasetId", await created.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, submitted.StatusCode);
        Assert.Contains("replay.datasetId", await submitted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, training.StatusCode);
        Assert.Contains("replay.datasetId", await training.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using (var db = await server.Db())
        {
            Assert.Equal(scenariosBefore, db.Scenarios.Count(s => s.TeamId == teamA));
            Assert.Equal(runsBefore, db.Runs.Count(r => r.TeamId == teamA));
            Assert.Equal(0, db.TrainedAgents.Count(a => a.TeamId == teamA));
        }
    }

    [Fact]
    public async Task Anonymous_callers_get_401_not_a_login_page()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        var response = await client.GetAsync($"/api/runs/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    internal static async Task<JsonElement> WaitForFinishAsync(HttpClient client, Guid runId, int timeoutSeconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var run = await client.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}");
            var status = run.GetProperty("status").GetString();
            if (status is "Succeeded" or "Failed" or "Cancelled")
            {
                return run;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Run {runId} still {status} after {timeoutSeconds} s.");
            }
            await Task.Delay(250);
        }
    }
}
