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

    /// <summary>Runs stay one job whatever their length: the chaos trials kill the worker of a whole run.</summary>
    private static readonly Dictionary<string, string> OneJobPerRun = new() { ["Jobs__EpisodesPerShard"] = "1000000" };

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
    /// A long run is cut into shards that two worker processes (one thread each) share through PostgreSQL; the stored
    /// result is the one a single process computes, bit for bit, and the run says which workers took its shards.
    /// </summary>
    [Fact]
    public async Task Two_worker_processes_share_a_sharded_run_and_store_the_single_process_result()
    {
        await using var server = await PortalServer.StartAsync(postgres: true, WebOnly);
        var connection = server.PostgresConnectionString!;
        var oneThread = new Dictionary<string, string>
        {
            ["DOTNET_PROCESSOR_COUNT"] = "1", ["Jobs__EpisodesPerShard"] = "1024", ["Jobs__PollIntervalSeconds"] = "0.1",
        };
        using var a = HostProcess.StartWorker(connection, "shard-worker-a", settings: oneThread);
        using var b = HostProcess.StartWorker(connection, "shard-worker-b", settings: oneThread);
        using var client = await server.SignedInClientAsync();
        // 20 shards of 1,024 episodes × 390 steps: each takes longer than an idle worker's poll, so both take shards.
        var scenario = Scenario(episodes: 20_000, steps: 390);

        var response = await client.PostAsJsonAsync("/api/runs", new { scenario = Json(scenario) });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var runId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var run = await ApiTests.WaitForFinishAsync(client, runId, 600);
        Assert.True(run.GetProperty("status").GetString() == "Succeeded", $"{run}\n{a.Output}\n{b.Output}");

        await using var db = CreateContext(connection);
        var stored = await db.Runs.AsNoTracking().SingleAsync(r => r.Id == runId);
        var shards = await db.RunShards.AsNoTracking().Where(s => s.RunId == runId).OrderBy(s => s.Index).ToListAsync();
        Assert.Equal(20, stored.Shards);
        Assert.Equal(20, stored.ShardsDone);
        Assert.Equal(20, shards.Count);
        Assert.All(shards, s => Assert.NotNull(s.FinishedUtc));
        Assert.Equal(["shard-worker-a", "shard-worker-b"], shards.Select(s => s.WorkerName!).Distinct().Order());
        Assert.Contains("shard-worker-a", stored.ShardWorkers);
        Assert.Contains("shard-worker-b", stored.ShardWorkers);

        var expected = Portal.Domain.Backtesting.BacktestRunner.Run(ScenarioJson.Parse(stored.ScenarioJson));
        var summaries = await db.RunStrategyResults.AsNoTracking().Where(s => s.RunId == runId).OrderBy(s => s.Index).ToListAsync();
        Assert.Equal(expected.Strategies.Select(s => s.StrategyId), summaries.Select(s => s.StrategyId));
        foreach (var (want, got) in expected.Strategies.Zip(summaries))
        {
            Assert.Equal((want.Summary.MeanBps, want.Summary.StdBps, want.Summary.MeanCiLowBps, want.Summary.MeanCiHighBps, want.Summary.P50Bps, want.Summary.RegretBps),
                (got.MeanBps, got.StdBps, got.MeanCiLowBps, got.MeanCiHighBps, got.Summary.P50Bps, got.Summary.RegretBps));
            Assert.Equal(want.MeanInventoryFraction, got.Summary.MeanInventory);
            Assert.Equal(want.InventoryP95Fraction, got.Summary.InventoryP95);
            Assert.Equal(want.MeanParticipation, got.Summary.MeanParticipation);
        }
        Assert.Null(await StoredEpisodes.ExactlyOnceProblemAsync(connection, runId, scenario.Episodes));

        // Not asserted (timings): what a shard costs beyond its episodes, as each worker saw it: the gap from finishing one
        // shard to starting its next (storing, the queue's fetch, the job's start), against the shards' own run time.
        var gaps = shards.GroupBy(s => s.WorkerName).SelectMany(w => w.OrderBy(s => s.StartedUtc).Zip(w.OrderBy(s => s.StartedUtc).Skip(1),
            (previous, next) => (next.StartedUtc!.Value - previous.FinishedUtc!.Value).TotalMilliseconds)).Order().ToList();
        var spans = shards.Select(s => (s.FinishedUtc!.Value - s.StartedUtc!.Value).TotalMilliseconds).Order().ToList();
        output.WriteLine($"sharded run: {shards.Count} shards over 2 workers ({string.Join(", ", shards.GroupBy(s => s.WorkerName).Select(g => $"{g.Key} {g.Count()}"))}); " +
            $"median shard {spans[spans.Count / 2]:F0} ms, median gap between a worker's shards {(gaps.Count > 0 ? gaps[gaps.Count / 2] : double.NaN):F0} ms " +
            $"(min {gaps.FirstOrDefault():F0}, max {gaps.LastOrDefault():F0}); run wall {(stored.FinishedUtc!.Value - stored.StartedUtc!.Value).TotalSeconds:F1} s");
    }

    /// <summary>
    /// A MAP-Elites search submitted to the web app is cut into candidate ranges per generation that two worker processes
    /// (one thread each) share through PostgreSQL; the stored archive is the one the <c>map-elites</c> verb computes in one
    /// process for the same seed, bit for bit.
    /// </summary>
    [Fact]
    public async Task Two_worker_processes_share_a_map_elites_search_and_store_the_single_process_archive()
    {
        await using var server = await PortalServer.StartAsync(postgres: true, WebOnly);
        var connection = server.PostgresConnectionString!;
        var oneThread = new Dictionary<string, string> { ["DOTNET_PROCESSOR_COUNT"] = "1", ["Jobs__PollIntervalSeconds"] = "0.1" };
        using var a = HostProcess.StartWorker(connection, "qd-worker-a", settings: oneThread);
        using var b = HostProcess.StartWorker(connection, "qd-worker-b", settings: oneThread);
        using var client = await server.SignedInClientAsync();
        var request = new Portal.Application.QualityDiversity.MapElitesRequest { Candidates = 2000, Batch = 500, Seed = 3, EpisodesPerNiche = 8, Shards = 4, HoldoutEpisodes = 0 };

        var response = await client.PostAsJsonAsync("/api/map-elites", new
        {
            name = "two workers", candidates = request.Candidates, batch = request.Batch, seed = request.Seed, episodesPerNiche = request.EpisodesPerNiche,
            shards = request.Shards, holdoutEpisodes = request.HoldoutEpisodes,
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        JsonElement search = default;
        for (var deadline = DateTime.UtcNow.AddSeconds(600); DateTime.UtcNow < deadline; await Task.Delay(250))
        {
            search = await client.GetFromJsonAsync<JsonElement>($"/api/map-elites/{id}");
            if (search.GetProperty("status").GetString() is "Succeeded" or "Failed") break;
        }
        Assert.True(search.GetProperty("status").GetString() == "Succeeded", $"{search}\n{a.Output}\n{b.Output}");

        await using var db = CreateContext(connection);
        var stored = await db.MapElitesRuns.AsNoTracking().SingleAsync(r => r.Id == id);
        var shards = await db.MapElitesShards.AsNoTracking().Where(s => s.RunId == id).ToListAsync();
        Assert.Equal(16, shards.Count);
        Assert.All(shards, s => Assert.NotNull(s.FinishedUtc));
        Assert.Equal(["qd-worker-a", "qd-worker-b"], shards.Select(s => s.WorkerName!).Distinct().Order());

        var (scenario, settings) = Portal.Application.QualityDiversity.MapElitesService.Validate(request);
        var archive = Portal.Domain.QualityDiversity.MapElites.Run(scenario, settings);
        var options = Portal.Application.QualityDiversity.MapElitesService.Json;
        var expected = JsonSerializer.Serialize(Portal.Domain.QualityDiversity.MapElitesReport.Of(scenario, settings, archive, []), options);
        var report = JsonSerializer.Deserialize<Portal.Domain.QualityDiversity.MapElitesReport>(stored.ReportJson!, options)!;
        Assert.Equal(expected, JsonSerializer.Serialize(report with { WallSeconds = 0 }, options));
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
        var worker = HostProcess.StartWorker(connection, "worker-0", invisibilityTimeoutSeconds: 5, settings: OneJobPerRun);
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

                // Kill the worker once it is visibly part-way through the run. The bound is generous: the first trial
                // includes a fresh worker process starting, which takes minutes on a heavily loaded machine.
                var deadline = DateTime.UtcNow.AddSeconds(300);
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
                worker = HostProcess.StartWorker(connection, $"worker-{trial}", invisibilityTimeoutSeconds: 5, settings: OneJobPerRun);

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
