using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;
using Portal.Testing;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests;

/// <summary>
/// The database goes away for 30 seconds while a separate worker process executes a run. The run must end — Succeeded
/// with one set of results, or Failed with its reason — and never stay "Running". The test stops a PostgreSQL cluster
/// of its own, so no other test is disturbed.
/// </summary>
public sealed class OutageTests
{
    [Fact]
    public async Task A_run_in_flight_survives_a_30_second_database_stop_and_ends_with_one_set_of_results_or_a_reason()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        await cluster.CreateDatabaseAsync("executionlab");
        var connection = cluster.ConnectionString("executionlab");
        await using var server = await PortalServer.StartAsync(
            existingPostgres: connection, settings: new Dictionary<string, string?> { ["Jobs:RunServerInProcess"] = "false" });
        using var worker = WorkerProcess.Start(connection, "outage-worker", invisibilityTimeoutSeconds: 20, settings: new Dictionary<string, string>
        {
            ["Jobs__HeartbeatSeconds"] = "2",
            ["Jobs__HeartbeatTimeoutSeconds"] = "45",
            ["Jobs__WatchdogIntervalSeconds"] = "3",
            ["Jobs__OutageToleranceSeconds"] = "120",
        });
        using var client = await server.SignedInClientAsync();
        var scenario = ScenarioPresets.Demo() with
        {
            Name = "outage run", Episodes = 20_000, Seed = 17, Strategies = ["twap", "ac"],
            Order = ScenarioPresets.Demo().Order with { Steps = 1_000, HorizonMinutes = 390 },
        };
        var response = await client.PostAsJsonAsync("/api/runs", new { scenario = JsonDocument.Parse(ScenarioJson.Serialize(scenario)).RootElement });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var runId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var inFlight = await WaitAsync(client, runId, r => r.GetProperty("status").GetString() != "Queued" && r.GetProperty("progress").GetDouble() > 0, 180, worker);
        Assert.True(inFlight.GetProperty("status").GetString() == "Running", "The run ended before the outage: make it longer. " + inFlight);

        await cluster.StopServerAsync();
        await Task.Delay(TimeSpan.FromSeconds(30));
        await cluster.StartServerAsync();

        var finished = await WaitAsync(client, runId, r => r.GetProperty("status").GetString() is "Succeeded" or "Failed" or "Cancelled", 420, worker);
        var status = finished.GetProperty("status").GetString();
        Assert.True(status is "Succeeded" or "Failed", finished.ToString());
        await using var db = Context(connection);
        if (status == "Succeeded")
        {
            var strategies = await db.RunStrategyResults.CountAsync(s => s.RunId == runId);
            Assert.True(strategies >= 2);
            Assert.Null(await StoredEpisodes.ExactlyOnceProblemAsync(connection, runId, scenario.Episodes));
        }
        else
        {
            Assert.False(string.IsNullOrWhiteSpace(finished.GetProperty("failureReason").GetString()), finished.ToString());
        }
        Assert.False(worker.HasExited, "The worker process ended during the outage:\n" + worker.Output);
        Assert.Equal(0, await db.Runs.CountAsync(r => r.Status == RunStatus.Running));
    }

    /// <summary>Polls the run through the web app, which itself fails while the database is down: failed polls are retried.</summary>
    private static async Task<JsonElement> WaitAsync(HttpClient client, Guid runId, Func<JsonElement, bool> done, int timeoutSeconds, WorkerProcess worker)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        JsonElement? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await client.GetAsync($"/api/runs/{runId}");
                if (response.IsSuccessStatusCode)
                {
                    last = await response.Content.ReadFromJsonAsync<JsonElement>();
                    if (done(last.Value))
                    {
                        return last.Value;
                    }
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"Run {runId} not done after {timeoutSeconds} s: {last}\n{worker.Output}");
    }

    private static PortalDbContext Context(string connectionString)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DataServiceCollectionExtensions.Configure(options, DatabaseProvider.Postgres, connectionString);
        return new PortalDbContext(options.Options);
    }
}
