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
/// The database goes away for 30 seconds while a separate worker process executes a run, a calibration and a training
/// at once. Each must end — Succeeded (a run with one set of results), or Failed with its reason — and never stay
/// "Running" or "Queued". The test stops a PostgreSQL cluster of its own, so no other test is disturbed.
/// </summary>
public sealed class OutageTests
{
    private static readonly string[] Final = ["Succeeded", "Failed", "Cancelled"];

    [Fact]
    public async Task A_run_a_calibration_and_a_training_in_flight_survive_a_30_second_database_stop_and_each_ends_with_results_or_a_reason()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        await cluster.CreateDatabaseAsync("executionlab");
        var connection = cluster.ConnectionString("executionlab");
        await using var server = await PortalServer.StartAsync(
            existingPostgres: connection, settings: new Dictionary<string, string?> { ["Jobs:RunServerInProcess"] = "false" });
        using var worker = HostProcess.StartWorker(connection, "outage-worker", invisibilityTimeoutSeconds: 20, settings: new Dictionary<string, string>
        {
            ["Jobs__WorkerCount"] = "3",
            // The run stays one job, in flight as a whole through the outage (sharded runs have their own tests).
            ["Jobs__EpisodesPerShard"] = "1000000",
            ["Jobs__HeartbeatSeconds"] = "2",
            ["Jobs__HeartbeatTimeoutSeconds"] = "45",
            ["Jobs__WatchdogIntervalSeconds"] = "3",
            ["Jobs__OutageToleranceSeconds"] = "120",
        });
        using var client = await server.SignedInClientAsync();

        // The dataset is stored before any job starts; its calibration is queued last, once the other two are running.
        var upload = await client.PostAsync("/api/datasets", Upload(SharedData.AmznMessage5, SharedData.AmznOrderbook5));
        Assert.True(upload.IsSuccessStatusCode, await upload.Content.ReadAsStringAsync());
        var datasetId = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var scenario = ScenarioPresets.Demo() with
        {
            Name = "outage run", Episodes = 100_000, Seed = 17, Strategies = ["twap", "ac"],
            Order = ScenarioPresets.Demo().Order with { Steps = 1_000, HorizonMinutes = 390 },
        };
        var response = await client.PostAsJsonAsync("/api/runs", new { scenario = JsonDocument.Parse(ScenarioJson.Serialize(scenario)).RootElement });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var runId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var world = ScenarioPresets.Demo() with { Name = "outage training", Episodes = 200, Seed = 5, Order = ScenarioPresets.Demo().Order with { Steps = 8 } };
        var training = await client.PostAsJsonAsync("/api/agents",
            new { scenario = JsonDocument.Parse(ScenarioJson.Serialize(world)).RootElement, algorithm = "ppo", seeds = 1, environmentSteps = 60_000 });
        Assert.True(training.IsSuccessStatusCode, await training.Content.ReadAsStringAsync());
        var agentId = (await training.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var run = await WaitAsync(client, $"/api/runs/{runId}", r => r.GetProperty("status").GetString() != "Queued" && r.GetProperty("progress").GetDouble() > 0, 300, worker);
        Assert.True(run.GetProperty("status").GetString() == "Running", "The run ended before the outage: make it longer. " + run);
        var agent = await WaitAsync(client, $"/api/agents/{agentId}", a => a.GetProperty("status").GetString() != "Queued", 300, worker);
        Assert.True(agent.GetProperty("status").GetString() == "Running", "The training ended before the outage: make it longer. " + agent);

        var calibrate = await client.PostAsync($"/api/datasets/{datasetId}/calibrate", null);
        Assert.True(calibrate.IsSuccessStatusCode, await calibrate.Content.ReadAsStringAsync());
        var profileId = (await calibrate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var profile = await WaitAsync(client, $"/api/profiles/{profileId}", p => p.GetProperty("status").GetString() != "Queued", 300, worker, pollMilliseconds: 50);
        Assert.True(profile.GetProperty("status").GetString() == "Running", "The calibration ended before the outage: make its input longer. " + profile);

        await cluster.StopServerAsync();
        await Task.Delay(TimeSpan.FromSeconds(30));
        await cluster.StartServerAsync();

        var finishedRun = await WaitAsync(client, $"/api/runs/{runId}", r => Final.Contains(r.GetProperty("status").GetString()), 900, worker);
        var finishedAgent = await WaitAsync(client, $"/api/agents/{agentId}", a => Final.Contains(a.GetProperty("status").GetString()), 900, worker);
        var finishedProfile = await WaitAsync(client, $"/api/profiles/{profileId}", p => Final.Contains(p.GetProperty("status").GetString()), 900, worker);

        await using var db = Context(connection);
        var runStatus = finishedRun.GetProperty("status").GetString();
        Assert.True(runStatus is "Succeeded" or "Failed", finishedRun.ToString());
        if (runStatus == "Succeeded")
        {
            Assert.True(await db.RunStrategyResults.CountAsync(s => s.RunId == runId) >= 2);
            Assert.Null(await StoredEpisodes.ExactlyOnceProblemAsync(connection, runId, scenario.Episodes));
        }
        else
        {
            Assert.False(string.IsNullOrWhiteSpace(finishedRun.GetProperty("failureReason").GetString()), finishedRun.ToString());
        }

        var agentStatus = finishedAgent.GetProperty("status").GetString();
        Assert.True(agentStatus is "Succeeded" or "Failed", finishedAgent.ToString());
        if (agentStatus == "Succeeded")
        {
            Assert.Single(finishedAgent.GetProperty("seedResults").EnumerateArray());
        }
        else
        {
            Assert.False(string.IsNullOrWhiteSpace(finishedAgent.GetProperty("failureReason").GetString()), finishedAgent.ToString());
        }

        var profileStatus = finishedProfile.GetProperty("status").GetString();
        Assert.True(profileStatus is "Succeeded" or "Failed", finishedProfile.ToString());
        if (profileStatus == "Succeeded")
        {
            Assert.True(finishedProfile.GetProperty("profile").GetProperty("adv").GetDouble() > 0, finishedProfile.ToString());
        }
        else
        {
            Assert.False(string.IsNullOrWhiteSpace(finishedProfile.GetProperty("failureReason").GetString()), finishedProfile.ToString());
        }

        Assert.False(worker.HasExited, "The worker process ended during the outage:\n" + worker.Output);
        Assert.Equal(0, await db.Runs.CountAsync(r => r.Status == RunStatus.Running || r.Status == RunStatus.Queued));
        Assert.Equal(0, await db.MarketProfiles.CountAsync(p => p.Status == CalibrationStatus.Running || p.Status == CalibrationStatus.Queued));
        Assert.Equal(0, await db.TrainedAgents.CountAsync(a => a.Status == TrainingStatus.Running || a.Status == TrainingStatus.Queued));
    }

    private static MultipartFormDataContent Upload(params string[] names)
    {
        var content = new MultipartFormDataContent { { new StringContent("auto"), "format" } };
        foreach (var name in names)
        {
            content.Add(new StreamContent(File.OpenRead(SharedData.File(name))), "files", name);
        }
        return content;
    }

    /// <summary>Polls a resource through the web app, which itself fails while the database is down: failed polls are retried.</summary>
    private static async Task<JsonElement> WaitAsync(HttpClient client, string url, Func<JsonElement, bool> done, int timeoutSeconds, HostProcess worker, int pollMilliseconds = 500)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        JsonElement? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await client.GetAsync(url);
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
            await Task.Delay(pollMilliseconds);
        }
        throw new TimeoutException($"{url} not done after {timeoutSeconds} s: {last}\n{worker.Output}");
    }

    private static PortalDbContext Context(string connectionString)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DataServiceCollectionExtensions.Configure(options, DatabaseProvider.Postgres, connectionString);
        return new PortalDbContext(options.Options);
    }
}
