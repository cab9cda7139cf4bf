using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
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

namespace Portal.Jobs.Tests.Runs;

/// <summary>
/// The backtest job re-checks a run's agents before running it: an agent scored on paths it trained on fails the run
/// naming them, unless the run was submitted in-sample; an agent without a training record runs flagged. Both providers.
/// </summary>
public sealed class OutOfSampleJobTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    private static readonly Scenario World = ScenarioPresets.Demo() with { Name = "tiny world", Episodes = 40, Order = ScenarioPresets.Demo().Order with { Steps = 6 } };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_run_on_seeds_the_agent_trained_on_fails_unless_submitted_in_sample_and_an_unrecorded_agent_runs_flagged(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var teamId = await NewTeamAsync(store);
        var agent = new TrainedAgentEntity
        {
            TeamId = teamId, Name = "q", Algorithm = "qlearning", ScenarioName = World.Name, ScenarioJson = ScenarioJson.Serialize(World),
            Seeds = "2", EnvironmentSteps = 600,
        };
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            db.TrainedAgents.Add(agent);
            await db.SaveChangesAsync();
        }
        await new TrainAgentJob(store.Factory, new DatasetStore(store.Factory), new JobsOptions(), NullLogger<TrainAgentJob>.Instance)
            .ExecuteAsync(agent.Id, CancellationToken.None);

        // Training stored what the backtested policy saw: this world and the streams of its batches.
        TrainingExposure exposure;
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var trained = await db.TrainedAgents.AsNoTracking().SingleAsync(a => a.Id == agent.Id);
            Assert.True(trained.Status == TrainingStatus.Succeeded, trained.FailureReason);
            exposure = TrainingExposure.FromJson(trained.TrainingExposureJson)!;
        }
        var source = Assert.Single(exposure.Sources);
        Assert.Equal(OutOfSample.WorldHash(World), source.WorldHash);
        var batches = source.SeedStreams.Single(s => s.Purpose == "training");
        Assert.Equal(2, batches.Seed);
        Assert.True(batches.BatchCount > 0);
        // The trainer's streams are tagged, disjoint from every backtest's; to exercise the job's refusal, the record is
        // replaced by one of untagged streams (the backtests' own) over seeds 1000 onwards.
        Assert.NotEqual(0UL, batches.Tag);
        batches = new SeedStreamRange { Purpose = "training", Seed = 2, BatchCount = batches.BatchCount, FirstPathSeed = 1000 };
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var trained = await db.TrainedAgents.SingleAsync(a => a.Id == agent.Id);
            trained.TrainingExposureJson = new TrainingExposure { Sources = [OutOfSample.SimulatedTraining(World, [batches])] }.ToJson();
            await db.SaveChangesAsync();
        }

        string id = AgentStrategies.IdOf(agent.Id);
        var job = Job(store);
        long trainedSeed = batches.FirstPathSeed!.Value + batches.BatchCount - 1;

        var refused = await RunAsync(store, job, teamId, World with { Seed = trainedSeed, Strategies = ["twap", id] }, submittedInSample: false);
        Assert.Equal(RunStatus.Failed, refused.Status);
        Assert.Contains(id, refused.FailureReason);
        Assert.Contains($"seed {trainedSeed}", refused.FailureReason);
        Assert.Equal(0, await CountResultsAsync(store, refused.Id));

        var inSample = await RunAsync(store, job, teamId, World with { Seed = trainedSeed, Strategies = ["twap", id] }, submittedInSample: true);
        Assert.True(inSample.Status == RunStatus.Succeeded, inSample.FailureReason);
        Assert.False(inSample.IsOutOfSample);
        Assert.Contains($"seed {trainedSeed}", inSample.InSampleReason);

        var fresh = await RunAsync(store, job, teamId, World with { Seed = batches.FirstPathSeed!.Value + batches.BatchCount, Strategies = ["twap", id] }, submittedInSample: false);
        Assert.True(fresh.Status == RunStatus.Succeeded, fresh.FailureReason);
        Assert.True(fresh.IsOutOfSample);
        Assert.Null(fresh.InSampleReason);
        Assert.True(await CountResultsAsync(store, fresh.Id) >= 3);

        // An agent trained before exposures were recorded: allowed, off the leaderboards, saying why.
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            await db.TrainedAgents.Where(a => a.Id == agent.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.TrainingExposureJson, (string?)null));
        }
        var unknown = await RunAsync(store, job, teamId, World with { Seed = trainedSeed, Strategies = ["twap", id] }, submittedInSample: false);
        Assert.True(unknown.Status == RunStatus.Succeeded, unknown.FailureReason);
        Assert.False(unknown.IsOutOfSample);
        Assert.Contains("no record of its training data", unknown.InSampleReason);
    }

    private static RunBacktestJob Job(TestStore store) => new(
        store.Factory, new RunResultStore(store.Factory, NullLogger<RunResultStore>.Instance),
        new Portal.Application.Reports.RunReports(store.Factory, new Portal.Application.Reports.RunReportBuilder(store.Factory, new Portal.Data.Runs.EpisodeStore(store.Factory))),
        new DatasetStore(store.Factory), new AgentStrategies(store.Factory), new OutOfSampleGuard(store.Factory), new JobsOptions { WorkerName = "test-worker" }, NullLogger<RunBacktestJob>.Instance);

    private static async Task<Run> RunAsync(TestStore store, RunBacktestJob job, Guid teamId, Scenario scenario, bool submittedInSample)
    {
        var run = new Run
        {
            TeamId = teamId, ScenarioName = scenario.Name, ScenarioJson = ScenarioJson.Serialize(scenario), Episodes = scenario.Episodes, Seed = scenario.Seed,
            IsOutOfSample = !submittedInSample, InSampleReason = submittedInSample ? "Run in-sample on request." : null,
        };
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            db.Runs.Add(run);
            await db.SaveChangesAsync();
        }
        await job.ExecuteAsync(run.Id, CancellationToken.None);
        await using var check = await store.Factory.CreateDbContextAsync();
        return await check.Runs.AsNoTracking().SingleAsync(r => r.Id == run.Id);
    }

    private static async Task<int> CountResultsAsync(TestStore store, Guid runId)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        return await db.RunStrategyResults.CountAsync(s => s.RunId == runId);
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
