using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;
using Portal.Testing;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests;

/// <summary>Production topology: the web app only enqueues; separate worker processes share PostgreSQL and execute.</summary>
public sealed class WorkerTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly Dictionary<string, string?> WebOnly = new() { ["Jobs:RunServerInProcess"] = "false" };

    [Fact]
    public async Task A_separate_worker_process_executes_a_run_submitted_to_the_web_app()
    {
        await using var server = await PortalServer.StartAsync(postgres: true, WebOnly);
        using var worker = HostProcess.StartWorker(server.PostgresConnectionString!, "worker-a");
        using var client = await server.SignedInClientAsync();

        var response = await client.PostAsJsonAsync("/api/runs", new { scenario = Json(Scenario(episodes: 1000, steps: 12)) });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var runId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var run = await ApiTests.WaitForFinishAsync(client, runId, 180);

        Assert.True(run.GetProperty("status").GetString() == "Succeeded", worker.Output);
        Assert.Equal("worker-a", run.GetProperty("workerName").GetString());
    }

    /// <summary>
    /// Chaos: ten times in a row, the worker executing a run is killed with SIGKILL (<c>kill -9</c>: no shutdown, no
    /// clean-up) part-way through, and a fresh worker process takes its place. Every run must end Succeeded on the
    /// replacement with exactly one set of results: one summary and one block per strategy, each holding every episode
    /// once. Short invisibility timeouts let the replacement pick the orphaned job up within seconds.
    /// </summary>
    [Fact]
    public async Task Workers_killed_mid_run_ten_times_are_replaced_and_every_run_ends_with_exactly_one_set_of_results()
    {
        const int trials = 10;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var server = await PortalServer.StartAsync(postgres: true, WebOnly);
        var connection = server.PostgresConnectionString!;
        using var client = await server.SignedInClientAsync();
        var worker = HostProcess.StartWorker(connection, "worker-0", invisibilityTimeoutSeconds: 5);
        var killedMidRun = 0;
        var exactlyOnce = 0;
        var finishedBeforeKill = 0;
        try
        {
            // A run that ends before its worker could be killed (a quiet machine) does not count as a trial; a later run takes its place.
            for (var trial = 1; killedMidRun < trials; trial++)
            {
                Assert.True(trial <= 2 * trials, $"Only {killedMidRun} of {trial - 1} runs were still going when their worker was due to be killed: make the runs longer.");
                var scenario = Scenario(episodes: 20_000, steps: 1_000) with { Seed = 100 + trial };
                var response = await client.PostAsJsonAsync("/api/runs", new { scenario = Json(scenario) });
                Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
                var runId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

                // Kill the worker once it is visibly part-way through the run.
                var deadline = DateTime.UtcNow.AddSeconds(120);
                while (true)
                {
                    var run = await client.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}");
                    var progress = run.GetProperty("progress").GetDouble();
                    if (run.GetProperty("status").GetString() == "Running" && progress > 0)
                    {
                        break;
                    }
                    if (run.GetProperty("status").GetString() is not ("Queued" or "Running"))
                    {
                        break;
                    }
                    Assert.True(DateTime.UtcNow < deadline, $"Trial {trial}: the run never started.\n{worker.Output}");
                    await Task.Delay(100);
                }
                var early = await client.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}");
                if (early.GetProperty("status").GetString() is not ("Queued" or "Running"))
                {
                    Assert.True(early.GetProperty("status").GetString() == "Succeeded", $"Trial {trial}: {early}\n{worker.Output}");
                    Assert.Null(await StoredEpisodes.ExactlyOnceProblemAsync(connection, runId, scenario.Episodes));
                    finishedBeforeKill++;
                    continue;
                }
                var killed = worker.Name;
                worker.Kill();
                worker.Dispose();
                killedMidRun++;
                worker = HostProcess.StartWorker(connection, $"worker-{trial}", invisibilityTimeoutSeconds: 5);

                var finished = await ApiTests.WaitForFinishAsync(client, runId, 180);
                Assert.True(finished.GetProperty("status").GetString() == "Succeeded", $"Trial {trial}: {finished}\n{worker.Output}");
                Assert.Equal(worker.Name, finished.GetProperty("workerName").GetString());
                Assert.NotEqual(killed, finished.GetProperty("workerName").GetString());
                Assert.True(finished.GetProperty("attempts").GetInt32() >= 2);
                Assert.Null(await StoredEpisodes.ExactlyOnceProblemAsync(connection, runId, scenario.Episodes));
                exactlyOnce++;
            }
        }
        finally
        {
            output.WriteLine($"kill -9 chaos: {exactlyOnce}/{killedMidRun} runs exactly once after their worker was killed mid-run ({finishedBeforeKill} finished before the kill and were replaced), in {clock.Elapsed.TotalSeconds:F0} s");
            worker.Dispose();
        }
        await using var db = CreateContext(connection);
        Assert.Equal(trials, killedMidRun);
        Assert.Equal(trials + finishedBeforeKill, await db.Runs.CountAsync(r => r.Status == RunStatus.Succeeded));
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
