using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Application.Jobs;
using Portal.Application.Runs;
using Portal.Data;
using Portal.Data.Datasets;
using Portal.Data.Entities;
using Portal.Data.Runs;
using Portal.Data.Tests;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Jobs.Agents;
using Portal.Jobs.Hosting;
using Portal.Jobs.Runs;
using Portal.Testing;

namespace Portal.Jobs.Tests.Runs;

/// <summary>
/// A long run is cut into shards, each its own job: whatever the number of shards, the order they run in and how often
/// each runs, the stored result is the one a single job stores, bit for bit. Both providers.
/// </summary>
public sealed class ShardedRunJobTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    // 2,600 episodes: five full batches of 512 and a short one; the panic regime has jumps and stochastic liquidity.
    private static readonly Scenario World = ScenarioPresets.Demo() with
    {
        Name = "sharded world",
        Episodes = 2600,
        Market = RegimePresets.Apply(ScenarioPresets.Demo().Market, RegimePresets.Panic),
        Strategies = ["twap", "ac", "pov"],
    };

    internal static (RunBacktestJob Run, RunShardJob Shard) Jobs(TestStore store, JobsOptions options, IJobQueue queue)
    {
        var results = new RunResultStore(store.Factory, NullLogger<RunResultStore>.Instance);
        var reports = new Portal.Application.Reports.RunReports(store.Factory, new Portal.Application.Reports.RunReportBuilder(store.Factory, new EpisodeStore(store.Factory)));
        var agents = new AgentStrategies(store.Factory);
        var shard = new RunShardJob(store.Factory, new RunShardStore(store.Factory), results, new EpisodeStore(store.Factory), reports, agents, queue, options, NullLogger<RunShardJob>.Instance);
        var run = new RunBacktestJob(store.Factory, results, reports, new DatasetStore(store.Factory), agents, new OutOfSampleGuard(store.Factory), options,
            NullLogger<RunBacktestJob>.Instance, shard);
        return (run, shard);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Shards_run_in_any_order_and_twice_store_what_one_job_stores(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var teamId = await NewTeamAsync(store);

        var single = await SubmitAsync(store, teamId);
        var oneJob = Jobs(store, new JobsOptions { WorkerName = "solo", EpisodesPerShard = 100_000 }, new RecordingJobQueue());
        await oneJob.Run.ExecuteAsync(single, CancellationToken.None);
        var expected = await StoredAsync(store, single);
        Assert.Equal(0, expected.Run.Shards);

        foreach (var (perShard, shards) in new[] { (512, 6), (1024, 3), (1500, 2) })
        {
            var queue = new RecordingJobQueue();
            var id = await SubmitAsync(store, teamId);
            var (runJob, shardJob) = Jobs(store, new JobsOptions { WorkerName = $"w{perShard}", EpisodesPerShard = perShard }, queue);
            await runJob.ExecuteAsync(id, CancellationToken.None);
            Assert.Equal(Enumerable.Range(0, shards).Select(i => (id, i)), queue.Shards);
            Assert.Equal(RunStatus.Running, (await StoredAsync(store, id)).Run.Status);

            // The last shard first, the first one twice, and the run's job delivered again in the middle: nothing changes.
            var order = queue.Shards.Select(s => s.Shard).Reverse().ToList();
            await shardJob.ExecuteAsync(id, order[0], CancellationToken.None);
            var firstCopy = await ShardDataAsync(store, id, order[0]);
            var firstBlocks = await BlockRowsAsync(store, id);
            // The shard stored its own episodes, one block per strategy from its first episode.
            Assert.Equal(expected.Strategies.Count, firstBlocks.Count);
            int firstEpisode;
            await using (var shardsDb = await store.Factory.CreateDbContextAsync())
            {
                firstEpisode = await shardsDb.RunShards.Where(s => s.RunId == id && s.Index == order[0]).Select(s => s.FirstEpisode).SingleAsync();
            }
            Assert.True(firstEpisode > 0);
            Assert.All(firstBlocks, b => Assert.Equal(firstEpisode, b.FirstEpisode));
            await shardJob.ExecuteAsync(id, order[0], CancellationToken.None);
            Assert.Equal(firstCopy, await ShardDataAsync(store, id, order[0]));
            Assert.Equal(firstBlocks, await BlockRowsAsync(store, id));
            await runJob.ExecuteAsync(id, CancellationToken.None);
            Assert.Equal(shards - 1, queue.Shards.Count - shards);
            foreach (var shard in order.Skip(1))
            {
                Assert.Equal(RunStatus.Running, (await StoredAsync(store, id)).Run.Status);
                await shardJob.ExecuteAsync(id, shard, CancellationToken.None);
            }

            var actual = await StoredAsync(store, id);
            Assert.True(actual.Run.Status == RunStatus.Succeeded, actual.Run.FailureReason);
            Assert.Equal((shards, shards, $"w{perShard}"), (actual.Run.Shards, actual.Run.ShardsDone, actual.Run.ShardWorkers));
            Assert.Equal(expected.Strategies, actual.Strategies);
            Assert.Equal(expected.Blocks, actual.Blocks);
            Assert.Equal(expected.Pairs, actual.Pairs);
            // Every shard's episodes stored once, by the shard; the merge stored none again.
            Assert.Equal(shards * expected.Strategies.Count, (await BlockRowsAsync(store, id)).Count);
            Assert.Equal(expected.Run.Warnings, actual.Run.Warnings);
            Assert.Equal(expected.Run.OptimumExpectedCostBps, actual.Run.OptimumExpectedCostBps);
            Assert.NotNull(actual.Run.ReportJson);

            // Once merged, the shards keep who ran them but not their partial results; a late copy of a shard does nothing.
            // A copy that found its shard done never started it again.
            await shardJob.ExecuteAsync(id, 0, CancellationToken.None);
            await using var db = await store.Factory.CreateDbContextAsync();
            Assert.All(await db.RunShards.AsNoTracking().Where(s => s.RunId == id).ToListAsync(), s =>
            {
                Assert.Null(s.Data);
                Assert.NotNull(s.FinishedUtc);
                Assert.Equal(1, s.Attempts);
            });
            Assert.Equal(expected.Strategies, (await StoredAsync(store, id)).Strategies);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_cancelled_sharded_run_stops_its_remaining_shards(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var teamId = await NewTeamAsync(store);
        var queue = new RecordingJobQueue();
        var id = await SubmitAsync(store, teamId);
        var (runJob, shardJob) = Jobs(store, new JobsOptions { WorkerName = "w", EpisodesPerShard = 1024 }, queue);
        await runJob.ExecuteAsync(id, CancellationToken.None);
        await shardJob.ExecuteAsync(id, 0, CancellationToken.None);
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            await db.Runs.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.CancelRequested, true));
        }

        await shardJob.ExecuteAsync(id, 1, CancellationToken.None);

        var stored = await StoredAsync(store, id);
        Assert.True(stored.Run.Status == RunStatus.Cancelled, stored.Run.FailureReason);
        Assert.Equal(1, stored.Run.ShardsDone);
        Assert.Empty(stored.Strategies);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Of_shards_finishing_together_exactly_one_merges(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var teamId = await NewTeamAsync(store);
        var shards = new RunShardStore(store.Factory);
        for (int round = 0; round < 10; round++)
        {
            var queue = new RecordingJobQueue();
            var id = await SubmitAsync(store, teamId);
            var (runJob, _) = Jobs(store, new JobsOptions { WorkerName = "w", EpisodesPerShard = 1024 }, queue);
            await runJob.ExecuteAsync(id, CancellationToken.None);
            Assert.Equal(3, queue.Shards.Count);

            var first = await shards.CompleteAsync(id, 0, [1], "a", CancellationToken.None);
            Assert.Equal((1, 3, false), first);
            // The last two shards finish at the same moment on two workers: both may count 3 of 3, one merges.
            var last = await Task.WhenAll(
                Task.Run(() => shards.CompleteAsync(id, 1, [2], "a", CancellationToken.None)),
                Task.Run(() => shards.CompleteAsync(id, 2, [3], "b", CancellationToken.None)));
            Assert.Single(last, l => l.Merge);
            Assert.Contains(last, l => l.Done == 3);
            // A late copy of a finished shard never merges again.
            Assert.Equal((3, 3, false), await shards.CompleteAsync(id, 2, [4], "c", CancellationToken.None));
            Assert.Equal([1, 2, 3], (await shards.ReadAsync(id, CancellationToken.None))!.Select(d => (int)d[0]));
        }
    }

    [Fact]
    public async Task A_short_run_stays_one_job()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var teamId = await NewTeamAsync(store);
        var queue = new RecordingJobQueue();
        var id = await SubmitAsync(store, teamId);
        await Jobs(store, new JobsOptions { WorkerName = "w" }, queue).Run.ExecuteAsync(id, CancellationToken.None);
        var stored = await StoredAsync(store, id);
        Assert.Equal((RunStatus.Succeeded, 0), (stored.Run.Status, stored.Run.Shards));
        Assert.Empty(queue.Shards);
    }

    private static async Task<Guid> SubmitAsync(TestStore store, Guid teamId)
    {
        var run = new Run { TeamId = teamId, ScenarioName = World.Name, ScenarioJson = ScenarioJson.Serialize(World), Episodes = World.Episodes, Seed = World.Seed };
        await using var db = await store.Factory.CreateDbContextAsync();
        db.Runs.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }

    private static async Task<byte[]?> ShardDataAsync(TestStore store, Guid runId, int shard)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        return await db.RunShards.Where(s => s.RunId == runId && s.Index == shard).Select(s => s.Data).SingleAsync();
    }

    /// <summary>The run, its strategy rows as JSON without the run id, each strategy's stored episodes as one packed block
    /// (read through <see cref="EpisodeStore"/>, however many blocks hold them) and its paired statistics.</summary>
    private static async Task<(Run Run, List<string> Strategies, List<byte[]> Blocks, List<string> Pairs)> StoredAsync(TestStore store, Guid runId)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        var run = await db.Runs.AsNoTracking().SingleAsync(r => r.Id == runId);
        var strategies = await db.RunStrategyResults.AsNoTracking().Where(s => s.RunId == runId).OrderBy(s => s.Index).ToListAsync();
        var episodes = new EpisodeStore(store.Factory);
        var blocks = new List<byte[]>();
        foreach (var s in strategies)
        {
            blocks.Add((await episodes.ReadAsync(runId, s.Index)).Pack());
        }
        var pairs = await db.RunStrategyPairs.AsNoTracking().Where(p => p.RunId == runId).OrderBy(p => p.IndexA).ThenBy(p => p.IndexB).ToListAsync();
        return (run, [.. strategies.Select(s => { s.RunId = Guid.Empty; return JsonSerializer.Serialize(s); })], blocks,
            [.. pairs.Select(p => { p.RunId = Guid.Empty; return JsonSerializer.Serialize(p); })]);
    }

    private static async Task<List<(int StrategyIndex, int FirstEpisode, int Count, string Data)>> BlockRowsAsync(TestStore store, Guid runId)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        var rows = await db.RunEpisodeBlocks.AsNoTracking().Where(b => b.RunId == runId).OrderBy(b => b.StrategyIndex).ThenBy(b => b.FirstEpisode).ToListAsync();
        return [.. rows.Select(b => (b.StrategyIndex, b.FirstEpisode, b.Count, Convert.ToBase64String(b.Data)))];
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
