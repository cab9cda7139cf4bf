using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Application.QualityDiversity;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.QualityDiversity;
using Portal.Data.Tests;
using Portal.Domain.QualityDiversity;
using Portal.Domain.Scenarios;
using Portal.Jobs.Hosting;
using Portal.Jobs.QualityDiversity;
using Portal.Jobs.Tests.Runs;
using Portal.Testing;

namespace Portal.Jobs.Tests.QualityDiversity;

/// <summary>
/// A MAP-Elites search stored in the portal is cut into one job per candidate range of each generation: whatever the number
/// of shards, the order they run in and how often each runs, the stored archive is the <c>map-elites</c> verb's for the same
/// seed, bit for bit. Both providers.
/// </summary>
public sealed class MapElitesJobTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    // 1,000 candidates in four generations at a tiny per-candidate budget (9 niches × 2 episodes × 20 steps).
    private static readonly MapElitesRequest Request = new()
    {
        Name = "job test",
        Candidates = 1000,
        Batch = 250,
        Seed = 7,
        EpisodesPerNiche = 2,
        HoldoutEpisodes = 0,
    };

    private static MapElitesJob Job(TestStore store, RecordingQueueAdapter queue, string worker) =>
        new(new MapElitesStore(store.Factory), queue.Queue, new JobsOptions { WorkerName = worker }, NullLogger<MapElitesJob>.Instance);

    /// <summary>The shared recording queue, read as MAP-Elites shards.</summary>
    private sealed class RecordingQueueAdapter
    {
        public RecordingJobQueue Queue { get; } = new();
        public int Taken { get; set; }

        public List<(int Generation, int Shard)> Pending() =>
            [.. Queue.MapElitesShards.Skip(Taken).Select(s => (s.Generation, s.Shard))];
    }

    /// <summary>The verb's report for the request's settings, without wall time.</summary>
    private static string Expected(MapElitesRequest request)
    {
        var (scenario, settings) = MapElitesService.Validate(request);
        var archive = MapElites.Run(scenario, settings, shards: 1);
        return JsonSerializer.Serialize(MapElitesReport.Of(scenario, settings, archive, []), MapElitesService.Json);
    }

    private static string Stored(MapElitesRun search)
    {
        Assert.NotNull(search.ReportJson);
        var report = JsonSerializer.Deserialize<MapElitesReport>(search.ReportJson, MapElitesService.Json)!;
        Assert.True(report.WallSeconds >= 0);
        return JsonSerializer.Serialize(report with { WallSeconds = 0 }, MapElitesService.Json);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Shards_in_any_order_and_twice_store_the_verbs_archive(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var teamId = await NewTeamAsync(store);
        string expected = Expected(Request);

        foreach (int shards in new[] { 1, 3 })
        {
            var queue = new RecordingQueueAdapter();
            var service = new MapElitesService(store.Factory, queue.Queue);
            var search = await service.SubmitAsync(teamId, "tester", Request with { Shards = shards });
            Assert.Equal(search.Id, queue.Queue.Searches.Single());
            var job = Job(store, queue, $"w{shards}");
            await job.ExecuteAsync(search.Id, CancellationToken.None);
            Assert.Equal(Enumerable.Range(0, shards).Select(i => (0, i)), queue.Pending());

            // A shard of a later generation delivered before its parents exist does nothing.
            await job.ExecuteShardAsync(search.Id, 1, 0, CancellationToken.None);
            Assert.Equal(0, await AttemptsAsync(store, search.Id, 1, 0));

            int generation = 0;
            while (queue.Pending() is { Count: > 0 } pending)
            {
                queue.Taken += pending.Count;
                Assert.All(pending, p => Assert.Equal(generation, p.Generation));
                // The last shard first, the first one twice, and the search's job delivered again in the middle.
                var order = pending.Select(p => p.Shard).Reverse().ToList();
                await job.ExecuteShardAsync(search.Id, generation, order[0], CancellationToken.None);
                var first = await DataAsync(store, search.Id, generation, order[0]);
                await job.ExecuteShardAsync(search.Id, generation, order[0], CancellationToken.None);
                Assert.Equal(first, await DataAsync(store, search.Id, generation, order[0]));
                Assert.Equal(1, await AttemptsAsync(store, search.Id, generation, order[0]));
                if (shards > 1)
                {
                    int queued = queue.Queue.MapElitesShards.Count;
                    await job.ExecuteAsync(search.Id, CancellationToken.None);
                    // The re-delivered search queues the generation's unfinished shards again (at least once is the contract).
                    Assert.Equal(shards - 1, queue.Queue.MapElitesShards.Count - queued);
                    queue.Taken = queue.Queue.MapElitesShards.Count;
                }
                foreach (int shard in order.Skip(1))
                {
                    await job.ExecuteShardAsync(search.Id, generation, shard, CancellationToken.None);
                }
                generation++;
                var progress = await SearchAsync(store, search.Id);
                Assert.Equal(Math.Min(generation, 4), progress.GenerationsDone);
            }

            var done = await SearchAsync(store, search.Id);
            Assert.True(done.Status == RunStatus.Succeeded, done.FailureReason);
            Assert.Equal(4, generation);
            Assert.Equal(expected, Stored(done));
            Assert.Equal($"w{shards}", done.Workers);

            // A late copy of any shard changes nothing.
            await job.ExecuteShardAsync(search.Id, 2, 0, CancellationToken.None);
            await job.ExecuteAsync(search.Id, CancellationToken.None);
            Assert.Equal(done.ReportJson, (await SearchAsync(store, search.Id)).ReportJson);
            await using var db = await store.Factory.CreateDbContextAsync();
            Assert.All(await db.MapElitesShards.AsNoTracking().Where(s => s.RunId == search.Id).ToListAsync(), s =>
            {
                Assert.NotNull(s.FinishedUtc);
                Assert.Equal(1, s.Attempts);
            });
            Assert.Equal(4 * shards, await db.MapElitesShards.CountAsync(s => s.RunId == search.Id));
        }
    }

    [Fact]
    public async Task A_search_whose_merge_was_lost_is_resumed_by_its_job_and_ends_with_the_held_out_comparison()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var teamId = await NewTeamAsync(store);
        var request = Request with { Candidates = 60, Batch = 30, Shards = 2, VolatilityBins = 2, LiquidityBins = 2, HoldoutEpisodes = 8 };
        var queue = new RecordingQueueAdapter();
        var search = await new MapElitesService(store.Factory, queue.Queue).SubmitAsync(teamId, "tester", request);
        var job = Job(store, queue, "w");
        await job.ExecuteAsync(search.Id, CancellationToken.None);
        foreach (var (g, s) in queue.Pending()) await job.ExecuteShardAsync(search.Id, g, s, CancellationToken.None);
        queue.Taken = queue.Queue.MapElitesShards.Count;

        // As if the worker that finished generation 0 stopped before recording it and queuing generation 1.
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            await db.MapElitesRuns.Where(r => r.Id == search.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.GenerationsDone, 0).SetProperty(r => r.IterationsJson, (string?)null));
        }
        await job.ExecuteAsync(search.Id, CancellationToken.None);
        Assert.Equal(1, (await SearchAsync(store, search.Id)).GenerationsDone);
        Assert.Equal(new[] { (1, 0), (1, 1) }, queue.Pending());
        foreach (var (g, s) in queue.Pending()) await job.ExecuteShardAsync(search.Id, g, s, CancellationToken.None);

        var done = await SearchAsync(store, search.Id);
        Assert.True(done.Status == RunStatus.Succeeded, done.FailureReason);
        var details = MapElitesService.Details(done);
        Assert.Equal(Expected(request with { HoldoutEpisodes = 0 }),
            JsonSerializer.Serialize(details.Report! with { WallSeconds = 0, Comparisons = [] }, MapElitesService.Json));
        Assert.Equal(4, details.Report!.Comparisons.Count);
        Assert.All(details.Report.Comparisons, c => Assert.Equal(8, c.Episodes));
        Assert.Equal(new[] { 0, 1 }, details.Iterations.Select(i => i.Generation));
        Assert.Equal(new[] { 30L, 60L }, details.Iterations.Select(i => i.Evaluated));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_run_trades_a_stored_archives_elite_and_router_and_another_teams_archive_fails_it(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var teamId = await NewTeamAsync(store);
        var request = Request with { Candidates = 40, Batch = 20, Shards = 2 };
        var queue = new RecordingQueueAdapter();
        var search = await new MapElitesService(store.Factory, queue.Queue).SubmitAsync(teamId, "tester", request);
        var job = Job(store, queue, "w");
        await job.ExecuteAsync(search.Id, CancellationToken.None);
        while (queue.Pending() is { Count: > 0 } pending)
        {
            queue.Taken += pending.Count;
            foreach (var (g, s) in pending) await job.ExecuteShardAsync(search.Id, g, s, CancellationToken.None);
        }
        var done = await SearchAsync(store, search.Id);
        Assert.True(done.Status == RunStatus.Succeeded, done.FailureReason);
        string archive = search.Id.ToString("N");
        var offered = await new MapElitesService(store.Factory, queue.Queue).StrategiesAsync(teamId);
        Assert.Equal(11, offered.Count);
        Assert.Contains(($"router:{archive}", "job test: regime router"), offered);

        var scenario = MapElitesSettings.DefaultScenario() with { Episodes = 64, Strategies = ["twap", $"elite:{archive}:4", $"elite:{archive}:generalist", $"router:{archive}"] };
        var runId = await SubmitRunAsync(store, teamId, scenario);
        var (runJob, _) = ShardedRunJobTests.Jobs(store, new JobsOptions { WorkerName = "w" }, queue.Queue);
        await runJob.ExecuteAsync(runId, CancellationToken.None);
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var run = await db.Runs.AsNoTracking().SingleAsync(r => r.Id == runId);
            Assert.True(run.Status == RunStatus.Succeeded, run.FailureReason);
            var rows = await db.RunStrategyResults.AsNoTracking().Where(r => r.RunId == runId).ToListAsync();
            // The same strategies on the same paths in this process give the same mean cost.
            var report = MapElitesService.Details(done).Report!;
            var expected = Portal.Domain.Backtesting.BacktestRunner.Run(scenario,
                new Portal.Domain.Backtesting.BacktestOptions { ExtraStrategies = EliteStrategies.FromReport(report, archive) });
            foreach (var id in new[] { $"elite:{archive}:4", $"elite:{archive}:generalist", $"router:{archive}" })
            {
                var row = Assert.Single(rows, r => r.StrategyId == id);
                Assert.Equal(expected.Strategies.Single(x => x.StrategyId == id).Summary.MeanBps, row.MeanBps);
            }
            Assert.StartsWith("Regime router", rows.Single(r => r.StrategyId == $"router:{archive}").DisplayName, StringComparison.Ordinal);
        }

        // Another team names this archive: its run fails, naming the strategy.
        var otherTeam = await NewTeamAsync(store);
        var foreign = await SubmitRunAsync(store, otherTeam, scenario with { Strategies = ["twap", $"router:{archive}"] });
        await runJob.ExecuteAsync(foreign, CancellationToken.None);
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var run = await db.Runs.AsNoTracking().SingleAsync(r => r.Id == foreign);
            Assert.Equal(RunStatus.Failed, run.Status);
            Assert.Contains($"router:{archive}", run.FailureReason);
        }
    }

    private static async Task<Guid> SubmitRunAsync(TestStore store, Guid teamId, Scenario scenario)
    {
        var run = new Run { TeamId = teamId, ScenarioName = scenario.Name, ScenarioJson = ScenarioJson.Serialize(scenario), Episodes = scenario.Episodes, Seed = scenario.Seed };
        await using var db = await store.Factory.CreateDbContextAsync();
        db.Runs.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }

    [Fact]
    public async Task Requests_out_of_range_are_refused_naming_the_field()
    {
        var e = Assert.Throws<ScenarioValidationException>(() => MapElitesService.Validate(new MapElitesRequest
        {
            Candidates = 0,
            Shards = 65,
            EpisodesPerNiche = 1,
            HoldoutEpisodes = 3,
        }));
        Assert.Equal(new[] { "candidates", "episodesPerNiche", "shards", "holdoutEpisodes" }, e.Errors.Select(x => x.Field));
        var jobs = Assert.Throws<ScenarioValidationException>(() => MapElitesService.Validate(new MapElitesRequest { Candidates = 1_000_000, Batch = 1, Shards = 1 }));
        Assert.Equal("batch", Assert.Single(jobs.Errors).Field);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Of_shards_finishing_a_generation_together_one_moves_the_search_on(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var teamId = await NewTeamAsync(store);
        var request = Request with { Candidates = 60, Batch = 30, Shards = 2 };
        var expected = Expected(request);
        for (int round = 0; round < 4; round++)
        {
            var queue = new RecordingQueueAdapter();
            var search = await new MapElitesService(store.Factory, queue.Queue).SubmitAsync(teamId, "tester", request);
            await Job(store, queue, "w").ExecuteAsync(search.Id, CancellationToken.None);
            for (int generation = 0; generation < 2; generation++)
            {
                var pending = queue.Pending();
                Assert.Equal(new[] { (generation, 0), (generation, 1) }, pending);
                queue.Taken += pending.Count;
                // Both shards of the generation on two workers at once: both may count two of two finished.
                await Task.WhenAll(pending.Select(p => Task.Run(() => Job(store, queue, $"w{p.Shard}").ExecuteShardAsync(search.Id, p.Generation, p.Shard, CancellationToken.None))));
            }
            // The next generation was queued once, not once per worker, and the search ended once with the verb's archive.
            Assert.Empty(queue.Pending());
            Assert.Equal(4, queue.Queue.MapElitesShards.Count);
            var stored = await SearchAsync(store, search.Id);
            Assert.Equal((RunStatus.Succeeded, 2), (stored.Status, stored.GenerationsDone));
            Assert.Equal(expected, Stored(stored));
        }
    }

    private static async Task<MapElitesRun> SearchAsync(TestStore store, Guid id)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        return await db.MapElitesRuns.AsNoTracking().SingleAsync(r => r.Id == id);
    }

    private static async Task<byte[]?> DataAsync(TestStore store, Guid id, int generation, int shard)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        return await db.MapElitesShards.Where(s => s.RunId == id && s.Generation == generation && s.Index == shard).Select(s => s.Data).SingleAsync();
    }

    private static async Task<int> AttemptsAsync(TestStore store, Guid id, int generation, int shard)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        return await db.MapElitesShards.Where(s => s.RunId == id && s.Generation == generation && s.Index == shard).Select(s => s.Attempts).SingleAsync();
    }

    private static async Task<Guid> NewTeamAsync(TestStore store)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        var team = new Team { Name = "Desk" };
        db.Teams.Add(team);
        await db.SaveChangesAsync();
        return team.Id;
    }
}
