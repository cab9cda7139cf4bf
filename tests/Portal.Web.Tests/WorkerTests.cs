using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests;

/// <summary>Production topology: the web app only enqueues; separate worker processes share PostgreSQL and execute.</summary>
public sealed class WorkerTests
{
    private static readonly Dictionary<string, string?> WebOnly = new() { ["Jobs:RunServerInProcess"] = "false" };

    [Fact]
    public async Task A_separate_worker_process_executes_a_run_submitted_to_the_web_app()
    {
        await using var server = await PortalServer.StartAsync(postgres: true, WebOnly);
        using var worker = WorkerProcess.Start(server.PostgresConnectionString!, "worker-a");
        using var client = await server.SignedInClientAsync();

        var response = await client.PostAsJsonAsync("/api/runs", new { scenario = Json(Scenario(episodes: 1000, steps: 12)) });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var runId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var run = await ApiTests.WaitForFinishAsync(client, runId, 180);

        Assert.True(run.GetProperty("status").GetString() == "Succeeded", worker.Output);
        Assert.Equal("worker-a", run.GetProperty("workerName").GetString());
    }

    [Fact]
    public async Task A_worker_killed_mid_run_is_replaced_and_the_run_ends_with_exactly_one_set_of_results()
    {
        await using var server = await PortalServer.StartAsync(postgres: true, WebOnly);
        var connection = server.PostgresConnectionString!;
        using var first = WorkerProcess.Start(connection, "worker-a", invisibilityTimeoutSeconds: 5);
        using var client = await server.SignedInClientAsync();
        var scenario = Scenario(episodes: 20_000, steps: 2_000);

        var response = await client.PostAsJsonAsync("/api/runs", new { scenario = Json(scenario) });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var runId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // Kill the first worker once it is visibly part-way through the run.
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var run = await client.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}");
            if (run.GetProperty("status").GetString() == "Running" && run.GetProperty("progress").GetDouble() > 0)
            {
                break;
            }
            Assert.True(run.GetProperty("status").GetString() is "Queued" or "Running", "The run finished before the worker could be killed: make it longer.\n" + first.Output);
            Assert.True(DateTime.UtcNow < deadline, "The run never started.\n" + first.Output);
            await Task.Delay(100);
        }
        first.Kill();

        using var second = WorkerProcess.Start(connection, "worker-b", invisibilityTimeoutSeconds: 5);
        var finished = await ApiTests.WaitForFinishAsync(client, runId, 300);

        Assert.True(finished.GetProperty("status").GetString() == "Succeeded", second.Output);
        Assert.Equal("worker-b", finished.GetProperty("workerName").GetString());
        Assert.True(finished.GetProperty("attempts").GetInt32() >= 2);
        await using var db = CreateContext(connection);
        Assert.Equal(4, await db.RunStrategyResults.CountAsync(s => s.RunId == runId)); // twap, ac, random and best static
        Assert.Equal(4 * scenario.Episodes, await db.RunEpisodeResults.CountAsync(e => e.RunId == runId));
        Assert.Equal(scenario.Episodes, await db.RunEpisodeResults.Where(e => e.RunId == runId).Select(e => e.Episode).Distinct().CountAsync());
    }

    private static Scenario Scenario(int episodes, int steps) => ScenarioPresets.Demo() with
    {
        Name = $"worker test {episodes}×{steps}",
        Episodes = episodes,
        Seed = 11,
        Order = ScenarioPresets.Demo().Order with { Steps = steps, HorizonMinutes = 390 },
        Strategies = ["twap", "ac"],
    };

    private static JsonElement Json(Scenario scenario) => JsonDocument.Parse(ScenarioJson.Serialize(scenario)).RootElement;

    private static PortalDbContext CreateContext(string connectionString)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DataServiceCollectionExtensions.Configure(options, DatabaseProvider.Postgres, connectionString);
        return new PortalDbContext(options.Options);
    }
}
