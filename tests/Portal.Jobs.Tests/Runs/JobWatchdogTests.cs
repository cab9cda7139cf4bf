using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Application.Jobs;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Tests;
using Portal.Jobs.Hosting;
using Portal.Jobs.Runs;
using Portal.Testing;

namespace Portal.Jobs.Tests.Runs;

/// <summary>Orphaned work (heartbeat stopped) is queued again, failed with its reason after the last attempt, or cancelled when asked.</summary>
public sealed class JobWatchdogTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    private static readonly JobsOptions Options = new() { HeartbeatTimeoutSeconds = 60, MaxAttempts = 3 };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Orphans_of_every_kind_are_queued_again_failed_or_cancelled_and_live_work_is_left_alone(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var now = DateTime.UtcNow;
        var stale = now.AddMinutes(-5);
        Guid orphan, exhausted, cancelled, alive, profile, agent, liveAgent;
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var team = new Team { Name = "Desk" };
            var dataset = new Dataset { TeamId = team.Id, Name = "d", Format = "csv", Instrument = "X", ContentHash = new string('b', 64), CreatedBy = "t" };
            db.AddRange(team, dataset);
            Run NewRun(int attempts, DateTime heartbeat, bool cancel = false) => new()
            {
                TeamId = team.Id, ScenarioName = "s", ScenarioJson = "{}", Status = RunStatus.Running, Attempts = attempts,
                HeartbeatUtc = heartbeat, StartedUtc = heartbeat, CancelRequested = cancel, WorkerName = "w1",
            };
            var seeded = new[] { NewRun(1, stale), NewRun(3, stale), NewRun(1, stale, cancel: true), NewRun(1, now) };
            db.Runs.AddRange(seeded);
            var p = new MarketProfileEntity { TeamId = team.Id, DatasetId = dataset.Id, Name = "p", Status = CalibrationStatus.Running, Attempts = 1, HeartbeatUtc = stale };
            TrainedAgentEntity NewAgent(DateTime heartbeat, int attempts) => new()
            {
                TeamId = team.Id, Name = "a", Algorithm = "qlearning", ScenarioName = "s", ScenarioJson = "{}", Seeds = "1",
                Status = TrainingStatus.Running, Attempts = attempts, HeartbeatUtc = heartbeat,
            };
            var a = NewAgent(stale, 3);
            var live = NewAgent(now, 1);
            db.AddRange(p, a, live);
            await db.SaveChangesAsync();
            (orphan, exhausted, cancelled, alive, profile, agent, liveAgent) = (seeded[0].Id, seeded[1].Id, seeded[2].Id, seeded[3].Id, p.Id, a.Id, live.Id);
        }
        var queue = new RecordingJobQueue();
        var watchdog = new JobWatchdog(store.Factory, queue, Options, NullLogger<JobWatchdog>.Instance);

        var handled = await watchdog.SweepAsync(CancellationToken.None);
        var again = await watchdog.SweepAsync(CancellationToken.None);

        Assert.Equal((5, 0), (handled, again));
        Assert.Equal([orphan], queue.Runs);
        Assert.Equal([profile], queue.Calibrations);
        Assert.DoesNotContain(queue.Jobs, j => j.Kind is not (JobKind.Run or JobKind.Calibration));
        await using var check = await store.Factory.CreateDbContextAsync();
        var runs = await check.Runs.AsNoTracking().ToDictionaryAsync(r => r.Id);
        Assert.Equal(RunStatus.Queued, runs[orphan].Status);
        Assert.Null(runs[orphan].FinishedUtc);
        Assert.Equal(RunStatus.Failed, runs[exhausted].Status);
        Assert.Contains("stopped sending heartbeats", runs[exhausted].FailureReason, StringComparison.Ordinal);
        Assert.Contains("3 attempts", runs[exhausted].FailureReason, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Cancelled, runs[cancelled].Status);
        Assert.Equal(RunStatus.Running, runs[alive].Status);
        Assert.Equal(CalibrationStatus.Queued, (await check.MarketProfiles.SingleAsync(p => p.Id == profile)).Status);
        var agents = await check.TrainedAgents.AsNoTracking().ToDictionaryAsync(a => a.Id);
        Assert.Equal(TrainingStatus.Failed, agents[agent].Status);
        Assert.False(string.IsNullOrWhiteSpace(agents[agent].FailureReason));
        Assert.Equal(TrainingStatus.Running, agents[liveAgent].Status);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_shard_whose_worker_died_is_queued_again_and_a_silent_run_with_every_shard_done_is_merged_again(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var now = DateTime.UtcNow;
        var stale = now.AddMinutes(-5);
        Guid sharded, exhausted, merging;
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var team = new Team { Name = "Desk" };
            db.Add(team);
            // The run's own heartbeat is stale in all three: while shards are unfinished it is the shards that count.
            Run NewRun(int shards) => new()
            {
                TeamId = team.Id, ScenarioName = "s", ScenarioJson = "{}", Status = RunStatus.Running, Attempts = 1,
                HeartbeatUtc = stale, StartedUtc = stale, Shards = shards,
            };
            var (a, b, c) = (NewRun(4), NewRun(1), NewRun(2));
            db.Runs.AddRange(a, b, c);
            db.RunShards.AddRange(
                new RunShard { RunId = a.Id, Index = 0, FirstEpisode = 0, Episodes = 512, Attempts = 1, StartedUtc = stale, HeartbeatUtc = stale, FinishedUtc = stale, Data = [1] },
                new RunShard { RunId = a.Id, Index = 1, FirstEpisode = 512, Episodes = 512, Attempts = 1, StartedUtc = stale, HeartbeatUtc = stale, WorkerName = "w2" },
                new RunShard { RunId = a.Id, Index = 2, FirstEpisode = 1024, Episodes = 512, Attempts = 1, StartedUtc = now, HeartbeatUtc = now, WorkerName = "w1" },
                new RunShard { RunId = a.Id, Index = 3, FirstEpisode = 1536, Episodes = 512 },
                new RunShard { RunId = b.Id, Index = 0, FirstEpisode = 0, Episodes = 512, Attempts = 3, StartedUtc = stale, HeartbeatUtc = stale, WorkerName = "w3" },
                new RunShard { RunId = c.Id, Index = 0, FirstEpisode = 0, Episodes = 512, Attempts = 1, StartedUtc = stale, HeartbeatUtc = stale, FinishedUtc = stale, Data = [1] },
                new RunShard { RunId = c.Id, Index = 1, FirstEpisode = 512, Episodes = 512, Attempts = 1, StartedUtc = stale, HeartbeatUtc = stale, FinishedUtc = stale, Data = [2] });
            await db.SaveChangesAsync();
            (sharded, exhausted, merging) = (a.Id, b.Id, c.Id);
        }
        var queue = new RecordingJobQueue();
        var watchdog = new JobWatchdog(store.Factory, queue, Options, NullLogger<JobWatchdog>.Instance);

        var handled = await watchdog.SweepAsync(CancellationToken.None);
        var again = await watchdog.SweepAsync(CancellationToken.None);

        Assert.Equal((3, 0), (handled, again));
        // Only the dead worker's shard: not the finished one, the live one, or the one still waiting in the queue.
        Assert.Equal([(sharded, 1)], queue.Shards);
        Assert.Equal([merging], queue.Runs);
        await using var check = await store.Factory.CreateDbContextAsync();
        var runs = await check.Runs.AsNoTracking().ToDictionaryAsync(r => r.Id);
        Assert.Equal(RunStatus.Running, runs[sharded].Status);
        Assert.Equal(RunStatus.Failed, runs[exhausted].Status);
        Assert.Contains("Shard 1: The worker w3 stopped sending heartbeats", runs[exhausted].FailureReason, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Queued, runs[merging].Status);
        var requeued = await check.RunShards.AsNoTracking().SingleAsync(s => s.RunId == sharded && s.Index == 1);
        Assert.Null(requeued.StartedUtc);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_embedded_restart_queues_unfinished_runs_calibrations_and_trainings_again(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        Guid run, profile, agent;
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var team = new Team { Name = "Desk" };
            var dataset = new Dataset { TeamId = team.Id, Name = "d", Format = "csv", Instrument = "X", ContentHash = new string('c', 64), CreatedBy = "t" };
            var r = new Run { TeamId = team.Id, ScenarioName = "s", ScenarioJson = "{}", Status = RunStatus.Running };
            var done = new Run { TeamId = team.Id, ScenarioName = "s", ScenarioJson = "{}", Status = RunStatus.Succeeded };
            var p = new MarketProfileEntity { TeamId = team.Id, DatasetId = dataset.Id, Name = "p", Status = CalibrationStatus.Queued };
            var a = new TrainedAgentEntity { TeamId = team.Id, Name = "a", Algorithm = "dqn", ScenarioName = "s", ScenarioJson = "{}", Seeds = "1", Status = TrainingStatus.Running };
            db.AddRange(team, dataset, r, done, p, a);
            await db.SaveChangesAsync();
            (run, profile, agent) = (r.Id, p.Id, a.Id);
        }
        var queue = new RecordingJobQueue();

        await new RequeueUnfinishedRuns(store.Factory, queue, NullLogger<RequeueUnfinishedRuns>.Instance).StartAsync(CancellationToken.None);

        Assert.Equal([run], queue.Runs);
        Assert.Equal([profile], queue.Calibrations);
        Assert.Equal([agent], queue.Trainings);
    }
}
