using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Application.QualityDiversity;
using Portal.Application.Teams;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.QualityDiversity;
using Portal.Data.Tests;
using Portal.Domain.QualityDiversity;
using Portal.Jobs.Hosting;
using Portal.Jobs.QualityDiversity;
using Portal.Testing;

namespace Portal.Jobs.Tests.QualityDiversity;

/// <summary>
/// Cancelling a MAP-Elites search: shards not yet started never run, a running shard stops at its next slice of candidates,
/// the archive of what was evaluated is kept and marked "Cancelled after N of M evaluations", and the search never becomes
/// succeeded. A finished search is refused with a message; another team's search is not found. Both providers.
/// </summary>
public sealed class MapElitesCancelTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    // 1,000 candidates in four generations of 250, three shards each (83, 83 and 84 candidates), at a tiny per-candidate budget.
    private static readonly MapElitesRequest Request = new()
    {
        Name = "cancel test",
        Candidates = 1000,
        Batch = 250,
        Seed = 11,
        EpisodesPerNiche = 2,
        Shards = 3,
        HoldoutEpisodes = 0,
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_search_cancelled_before_any_shard_ran_evaluates_nothing_and_keeps_no_archive(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var team = await NewTeamAsync(store);
        var queue = new RecordingJobQueue();
        var service = new MapElitesService(store.Factory, queue);
        var job = Job(store, queue);

        // Cancelled while queued: its job plans nothing.
        var queued = await service.SubmitAsync(team.TeamId, "tester", Request);
        var outcome = await service.CancelAsync(team, queued.Id);
        Assert.Equal(MapElitesCancelOutcome.Cancelled, outcome.Outcome);
        Assert.Equal("Cancelled after 0 of 1,000 evaluations by tester.", outcome.Message);
        await job.ExecuteAsync(queued.Id, CancellationToken.None);
        Assert.Empty(queue.MapElitesShards);
        Assert.Equal(0, await ShardCountAsync(store, queued.Id));

        // Cancelled once its first generation's shards are queued: each returns at once.
        var planned = await service.SubmitAsync(team.TeamId, "tester", Request);
        await job.ExecuteAsync(planned.Id, CancellationToken.None);
        Assert.Equal(3, queue.MapElitesShards.Count);
        Assert.Equal(MapElitesCancelOutcome.Cancelled, (await service.CancelAsync(team, planned.Id)).Outcome);
        foreach (var (_, g, s) in queue.MapElitesShards) await job.ExecuteShardAsync(planned.Id, g, s, CancellationToken.None);
        await job.ExecuteAsync(planned.Id, CancellationToken.None);
        Assert.Equal(3, queue.MapElitesShards.Count);

        foreach (var id in new[] { queued.Id, planned.Id })
        {
            var search = await SearchAsync(store, id);
            Assert.Equal(RunStatus.Cancelled, search.Status);
            Assert.Equal("Cancelled after 0 of 1,000 evaluations by tester.", search.FailureReason);
            Assert.NotNull(search.FinishedUtc);
            Assert.Null(search.ReportJson);
            Assert.Equal(0, search.GenerationsDone);
        }
        await using var db = await store.Factory.CreateDbContextAsync();
        Assert.All(await db.MapElitesShards.AsNoTracking().Where(s => s.RunId == planned.Id).ToListAsync(), s =>
        {
            Assert.Equal(0, s.Attempts);
            Assert.Null(s.Data);
            Assert.Null(s.FinishedUtc);
        });
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_search_cancelled_mid_way_keeps_the_elites_of_its_finished_shards_and_never_evaluates_the_rest(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var team = await NewTeamAsync(store);
        var queue = new RecordingJobQueue();
        var service = new MapElitesService(store.Factory, queue);
        var job = Job(store, queue);
        var search = await service.SubmitAsync(team.TeamId, "tester", Request);
        await job.ExecuteAsync(search.Id, CancellationToken.None);
        foreach (int s in new[] { 0, 1, 2 }) await job.ExecuteShardAsync(search.Id, 0, s, CancellationToken.None);
        Assert.Equal(new[] { (1, 0), (1, 1), (1, 2) }, queue.MapElitesShards.Skip(3).Select(x => (x.Generation, x.Shard)));
        // Generation 2's middle shard (candidates 83 … 165) finishes; the other two had not started.
        await job.ExecuteShardAsync(search.Id, 1, 1, CancellationToken.None);
        var before = await SearchAsync(store, search.Id);
        Assert.Equal(1, before.GenerationsDone);

        var outcome = await service.CancelAsync(team, search.Id);

        Assert.Equal(MapElitesCancelOutcome.Cancelled, outcome.Outcome);
        Assert.Equal("Cancelled after 333 of 1,000 evaluations by tester.", outcome.Message);
        // The shards that had not run never run, the search's job queues nothing more, and no copy of a shard changes the result.
        int queued = queue.MapElitesShards.Count;
        await job.ExecuteShardAsync(search.Id, 1, 0, CancellationToken.None);
        await job.ExecuteShardAsync(search.Id, 1, 2, CancellationToken.None);
        await job.ExecuteShardAsync(search.Id, 1, 1, CancellationToken.None);
        await job.ExecuteShardAsync(search.Id, 2, 0, CancellationToken.None);
        await job.ExecuteAsync(search.Id, CancellationToken.None);
        Assert.Equal(queued, queue.MapElitesShards.Count);
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var shards = await db.MapElitesShards.AsNoTracking().Where(s => s.RunId == search.Id).ToListAsync();
            Assert.Equal(12, shards.Count);
            Assert.Equal(new[] { (0, 0), (0, 1), (0, 2), (1, 1) },
                shards.Where(s => s.Data is not null).OrderBy(s => s.Generation).ThenBy(s => s.Index).Select(s => (s.Generation, s.Index)));
            Assert.All(shards.Where(s => s.Data is null), s => Assert.Equal(0, s.Attempts));
        }

        var done = await SearchAsync(store, search.Id);
        Assert.Equal(RunStatus.Cancelled, done.Status);
        Assert.Equal(outcome.Message, done.FailureReason);
        var details = MapElitesService.Details(done);
        var report = details.Report!;
        Assert.Equal(new[] { 250L, 333L }, details.Iterations.Select(i => i.Evaluated));
        var recorded = JsonSerializer.Deserialize<List<MapElitesIteration>>(before.IterationsJson!, MapElitesService.Json)!;
        Assert.Equal(recorded[0], details.Iterations[0]);

        // Each niche's elite is the best of generation 1's archive and the 83 candidates of the finished shard of generation 2.
        var (scenario, settings) = MapElitesService.Validate(Request);
        var evaluator = new CandidateEvaluator(scenario, settings);
        var afterFirst = MapElites.NewArchive(evaluator);
        MapElites.Merge(afterFirst, settings, 0, [.. Enumerable.Range(0, 3).Select(i => StoredBatch(store, search.Id, 0, i))]);
        var partial = StoredBatch(store, search.Id, 1, 1);
        Assert.Equal((83, 83), (partial.First, partial.Count));
        var niches = afterFirst.Niches();
        for (int j = 0; j < niches.Count; j++)
        {
            double best = niches[j].EliteObjectiveBps ?? double.PositiveInfinity;
            long? candidate = niches[j].EliteCandidate;
            for (int c = 0; c < partial.Count; c++)
            {
                double o = partial.Objectives[c * niches.Count + j];
                if (o < best) (best, candidate) = (o, 250 + 83 + c);
            }
            Assert.Equal(best, report.Niches[j].EliteObjectiveBps);
            Assert.Equal(candidate, report.Niches[j].EliteCandidate);
        }
        Assert.Contains(report.Niches, n => n.EliteCandidate >= 333);

        // A cancelled archive is never offered to runs, and cancelling it again is refused.
        Assert.Empty(await service.StrategiesAsync(team.TeamId));
        var again = await service.CancelAsync(team, search.Id);
        Assert.Equal(MapElitesCancelOutcome.AlreadyFinished, again.Outcome);
        Assert.Equal("The search has already been cancelled: only a queued or running search can be cancelled.", again.Message);
        Assert.Equal(done.ReportJson, (await SearchAsync(store, search.Id)).ReportJson);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_running_shard_stops_at_a_candidate_boundary_and_stores_nothing(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var team = await NewTeamAsync(store);
        var queue = new RecordingJobQueue();
        var service = new MapElitesService(store.Factory, queue);
        var logger = new RecordingLogger();
        var job = new MapElitesJob(new MapElitesStore(store.Factory), queue, new JobsOptions { WorkerName = "w" }, logger);
        // One shard of 4,000 candidates × 9 niches × 64 episodes: evaluated in slices of a few blocks per core.
        var search = await service.SubmitAsync(team.TeamId, "tester", Request with { Candidates = 4000, Batch = 4000, EpisodesPerNiche = 64, Shards = 1 });
        await job.ExecuteAsync(search.Id, CancellationToken.None);
        var running = Task.Run(() => job.ExecuteShardAsync(search.Id, 0, 0, CancellationToken.None));
        while (await AttemptsAsync(store, search.Id) == 0)
        {
            Assert.False(running.IsCompleted, "The shard ended before it was recorded as started.");
            await Task.Delay(10);
        }

        var outcome = await service.CancelAsync(team, search.Id);
        await running;

        Assert.Equal("Cancelled after 0 of 4,000 evaluations by tester.", outcome.Message);
        var stop = Assert.Single(logger.Messages, m => m.Contains("stopped after", StringComparison.Ordinal));
        var words = stop.Split(' ');
        int at = Array.IndexOf(words, "after");
        Assert.InRange(int.Parse(words[at + 1]), 1, 3999);
        Assert.Equal("4000", words[at + 3]);
        await using var db = await store.Factory.CreateDbContextAsync();
        var shard = await db.MapElitesShards.AsNoTracking().SingleAsync(s => s.RunId == search.Id);
        Assert.Null(shard.Data);
        Assert.Null(shard.FinishedUtc);
        Assert.Equal(RunStatus.Cancelled, (await SearchAsync(store, search.Id)).Status);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_finished_search_is_refused_with_a_message_and_another_teams_search_is_not_found(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var team = await NewTeamAsync(store);
        var other = await NewTeamAsync(store);
        var queue = new RecordingJobQueue();
        var service = new MapElitesService(store.Factory, queue);
        var job = Job(store, queue);
        var search = await service.SubmitAsync(team.TeamId, "tester", Request with { Candidates = 40, Batch = 20, Shards = 2 });

        // Another team's analyst, and a viewer of the team, change nothing.
        Assert.Equal(MapElitesCancelOutcome.NotFound, (await service.CancelAsync(other, search.Id)).Outcome);
        Assert.Equal(MapElitesCancelOutcome.NotFound, (await service.CancelAsync(team, Guid.NewGuid())).Outcome);
        var viewer = team with { Role = TeamRole.Viewer };
        Assert.Equal("Viewers cannot cancel MAP-Elites searches.", (await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.CancelAsync(viewer, search.Id))).Message);
        Assert.Equal(RunStatus.Queued, (await SearchAsync(store, search.Id)).Status);

        await job.ExecuteAsync(search.Id, CancellationToken.None);
        for (int taken = 0; queue.MapElitesShards.Count > taken;)
        {
            var pending = queue.MapElitesShards.Skip(taken).ToList();
            taken += pending.Count;
            foreach (var (_, g, s) in pending) await job.ExecuteShardAsync(search.Id, g, s, CancellationToken.None);
        }
        var done = await SearchAsync(store, search.Id);
        Assert.True(done.Status == RunStatus.Succeeded, done.FailureReason);

        var refused = await service.CancelAsync(team, search.Id);

        Assert.Equal(MapElitesCancelOutcome.AlreadyFinished, refused.Outcome);
        Assert.Equal("The search has already succeeded: only a queued or running search can be cancelled.", refused.Message);
        var after = await SearchAsync(store, search.Id);
        Assert.Equal(RunStatus.Succeeded, after.Status);
        Assert.Null(after.FailureReason);
        Assert.Equal(done.ReportJson, after.ReportJson);
        Assert.Equal(11, (await service.StrategiesAsync(team.TeamId)).Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_shard_finishing_while_a_cancel_commits_waits_for_it_and_stores_nothing(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var team = await NewTeamAsync(store);
        var queue = new RecordingJobQueue();
        var service = new MapElitesService(store.Factory, queue);
        var search = await service.SubmitAsync(team.TeamId, "tester", Request);
        await Job(store, queue).ExecuteAsync(search.Id, CancellationToken.None);
        var shardStore = new MapElitesStore(store.Factory);

        // A cancel under way: the search is marked cancelled in a transaction not yet committed when the shard ends.
        await using (var cancel = await store.Factory.CreateDbContextAsync())
        {
            await cancel.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                await using var tx = await cancel.Database.BeginTransactionAsync();
                await cancel.MapElitesRuns.Where(r => r.Id == search.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatus.Cancelled));
                var completing = Task.Run(() => shardStore.CompleteAsync(search.Id, 0, 0, new double[83 * 9], "w", CancellationToken.None));
                // The shard's write waits for the cancel (it would otherwise be stored now, read against the search still running).
                await Task.WhenAny(completing, Task.Delay(TimeSpan.FromSeconds(2)));
                Assert.False(completing.IsCompleted, "The shard stored its result while the cancel was under way.");
                await tx.CommitAsync();
                await completing;
            });
        }

        await using var db = await store.Factory.CreateDbContextAsync();
        var shard = await db.MapElitesShards.AsNoTracking().SingleAsync(s => s.RunId == search.Id && s.Generation == 0 && s.Index == 0);
        Assert.Null(shard.Data);
        Assert.Null(shard.FinishedUtc);

        // With the search running, the same call stores the shard.
        var running = await service.SubmitAsync(team.TeamId, "tester", Request);
        await Job(store, queue).ExecuteAsync(running.Id, CancellationToken.None);
        Assert.Equal((1, 3), await shardStore.CompleteAsync(running.Id, 0, 0, new double[83 * 9], "w", CancellationToken.None));
    }

    private static MapElitesJob Job(TestStore store, RecordingJobQueue queue) =>
        new(new MapElitesStore(store.Factory), queue, new JobsOptions { WorkerName = "w" }, Microsoft.Extensions.Logging.Abstractions.NullLogger<MapElitesJob>.Instance);

    private static MapElitesBatch StoredBatch(TestStore store, Guid id, int generation, int shard)
    {
        using var db = store.Factory.CreateDbContext();
        var row = db.MapElitesShards.AsNoTracking().Single(s => s.RunId == id && s.Generation == generation && s.Index == shard);
        return new MapElitesBatch(generation, row.First, row.Count, MemoryMarshal.Cast<byte, double>(row.Data!).ToArray());
    }

    private static async Task<MapElitesRun> SearchAsync(TestStore store, Guid id)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        return await db.MapElitesRuns.AsNoTracking().SingleAsync(r => r.Id == id);
    }

    private static async Task<int> ShardCountAsync(TestStore store, Guid id)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        return await db.MapElitesShards.CountAsync(s => s.RunId == id);
    }

    private static async Task<int> AttemptsAsync(TestStore store, Guid id)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        return await db.MapElitesShards.Where(s => s.RunId == id).SumAsync(s => s.Attempts);
    }

    private static async Task<TeamAccess> NewTeamAsync(TestStore store)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        var team = new Team { Name = "Desk " + Guid.NewGuid().ToString("N")[..6] };
        db.Teams.Add(team);
        await db.SaveChangesAsync();
        return new TeamAccess(team.Id, team.Name, TeamRole.Analyst, "user", "tester");
    }

    /// <summary>Keeps every formatted log message.</summary>
    private sealed class RecordingLogger : ILogger<MapElitesJob>
    {
        private readonly Lock _gate = new();
        private readonly List<string> _messages = [];

        public IReadOnlyList<string> Messages { get { lock (_gate) return [.. _messages]; } }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_gate) _messages.Add(formatter(state, exception));
        }
    }
}
