using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Application.Reports;
using Portal.Data;
using Portal.Data.Datasets;
using Portal.Data.Entities;
using Portal.Data.Runs;
using Portal.Data.Tests;
using Portal.Domain.MarketData;
using Portal.Domain.Scenarios;
using Portal.Jobs.Agents;
using Portal.Jobs.Datasets;
using Portal.Jobs.Hosting;
using Portal.Jobs.Runs;
using Portal.Testing;

namespace Portal.Jobs.Tests;

/// <summary>
/// Every job's writes on both providers. PostgreSQL's retrying execution strategy refuses a transaction the code opens
/// outside it, which SQLite never shows: each job runs end to end here on a real PostgreSQL database too.
/// </summary>
public sealed class JobWritePathTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_training_job_stores_every_seed_and_its_summary_and_a_second_delivery_changes_nothing(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var teamId = await NewTeamAsync(store);
        var scenario = ScenarioPresets.Demo() with { Name = "tiny training", Episodes = 50, Seed = 3, Order = ScenarioPresets.Demo().Order with { Steps = 6 } };
        var agent = new TrainedAgentEntity
        {
            TeamId = teamId, Name = "q", Algorithm = "qlearning", ScenarioName = scenario.Name, ScenarioJson = ScenarioJson.Serialize(scenario),
            Seeds = "1,2", EnvironmentSteps = 600,
        };
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            db.TrainedAgents.Add(agent);
            await db.SaveChangesAsync();
        }
        var job = new TrainAgentJob(store.Factory, new DatasetStore(store.Factory), new JobsOptions(), NullLogger<TrainAgentJob>.Instance);

        await job.ExecuteAsync(agent.Id, CancellationToken.None);
        var first = await LoadAgentAsync(store, agent.Id);
        await job.ExecuteAsync(agent.Id, CancellationToken.None);
        var second = await LoadAgentAsync(store, agent.Id);

        Assert.True(first.Agent.Status == TrainingStatus.Succeeded, first.Agent.FailureReason);
        Assert.Equal(1.0, first.Agent.Progress);
        Assert.Null(first.Agent.FailureReason);
        Assert.Equal([(0, 1L), (1, 2L)], first.Seeds.Select(s => (s.SeedIndex, s.Seed)));
        Assert.All(first.Seeds, s => Assert.NotEmpty(s.Artifact));
        Assert.Equal(2, JsonDocument.Parse(first.Agent.SummaryJson!).RootElement.GetProperty("seeds").GetInt32());
        Assert.Equal(first.Agent.FinishedUtc, second.Agent.FinishedUtc);
        Assert.Equal(first.Seeds.Select(s => s.Artifact), second.Seeds.Select(s => s.Artifact));

        // Each seed keeps what it saw (a run may choose any seed); the first seed's record is also the agent's.
        Assert.All(first.Seeds, s => Assert.NotNull(s.TrainingExposureJson));
        Assert.NotEqual(first.Seeds[0].TrainingExposureJson, first.Seeds[1].TrainingExposureJson);
        Assert.Equal(first.Agent.TrainingExposureJson, first.Seeds[0].TrainingExposureJson);

        // Runs load the first seed's policy unless they choose another; a seed the agent lacks is refused by name.
        var loader = new AgentStrategies(store.Factory);
        var strategyId = AgentStrategies.IdOf(agent.Id);
        Assert.Contains("(seed 1)", Assert.Single(await loader.LoadAsync(teamId, [strategyId], CancellationToken.None)).DisplayName);
        Assert.Contains("(seed 2)", Assert.Single(await loader.LoadAsync(teamId, [strategyId], CancellationToken.None, seed: 2)).DisplayName);
        var lacking = await Assert.ThrowsAsync<ArgumentException>(() => loader.LoadAsync(teamId, [strategyId], CancellationToken.None, seed: 7));
        Assert.Contains("trained with seeds 1,2; 7 is not one of them", lacking.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_training_job_trains_with_the_stored_hyperparameters_and_fails_naming_a_stored_value_out_of_range(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var teamId = await NewTeamAsync(store);
        var scenario = ScenarioPresets.Demo() with { Name = "order types", Episodes = 50, Seed = 3, Order = ScenarioPresets.Demo().Order with { Steps = 6 } };
        TrainedAgentEntity Agent(string hyperparameters) => new()
        {
            TeamId = teamId, Name = "q", Algorithm = "qlearning", ScenarioName = scenario.Name, ScenarioJson = ScenarioJson.Serialize(scenario),
            Seeds = "1", EnvironmentSteps = 600, HyperparametersJson = hyperparameters,
        };
        var limit = Agent("""{"parallelEpisodes":16,"learningRate":0.2,"limitOrders":true}""");
        var broken = Agent("""{"learningRate":-1}""");
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            db.TrainedAgents.AddRange(limit, broken);
            await db.SaveChangesAsync();
        }
        var job = new TrainAgentJob(store.Factory, new DatasetStore(store.Factory), new JobsOptions(), NullLogger<TrainAgentJob>.Instance);

        await job.ExecuteAsync(limit.Id, CancellationToken.None);
        await job.ExecuteAsync(broken.Id, CancellationToken.None);

        var trained = await LoadAgentAsync(store, limit.Id);
        Assert.True(trained.Agent.Status == TrainingStatus.Succeeded, trained.Agent.FailureReason);
        var artifact = Portal.Agents.Training.AgentArtifact.Load(new MemoryStream(trained.Seeds[0].Artifact));
        Assert.True(artifact.Hyperparameters.GetProperty("limitOrders").GetBoolean());
        Assert.Equal(0.2, artifact.Hyperparameters.GetProperty("learningRate").GetDouble());
        Assert.Equal(16, artifact.Hyperparameters.GetProperty("parallelEpisodes").GetInt32());
        var strategy = Assert.Single(await new AgentStrategies(store.Factory).LoadAsync(teamId, [AgentStrategies.IdOf(limit.Id)], CancellationToken.None));
        Assert.IsAssignableFrom<Portal.Domain.Simulation.IOrderTypeStrategy>(strategy);

        var failed = await LoadAgentAsync(store, broken.Id);
        Assert.Equal(TrainingStatus.Failed, failed.Agent.Status);
        Assert.Contains("hyperparameters.learningRate: is -1, allowed range (0, 1]", failed.Agent.FailureReason, StringComparison.Ordinal);
        Assert.Empty(failed.Seeds);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Training_progress_stores_the_seed_its_share_and_time_left_while_running_and_never_after(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var teamId = await NewTeamAsync(store);
        var agent = new TrainedAgentEntity
        {
            TeamId = teamId, Name = "q", Algorithm = "qlearning", ScenarioName = "s", ScenarioJson = "{}", Seeds = "1,2,3", EnvironmentSteps = 10_000,
            Status = TrainingStatus.Running,
        };
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            db.TrainedAgents.Add(agent);
            await db.SaveChangesAsync();
        }
        var job = new TrainAgentJob(store.Factory, new DatasetStore(store.Factory), new JobsOptions(), NullLogger<TrainAgentJob>.Instance);
        var at = new DateTime(2026, 12, 2, 12, 0, 0, DateTimeKind.Utc);

        // Seed 2 of 3, a quarter done in 30 s.
        await job.StoreProgressAsync(agent.Id, 0.4, 12.5, Portal.Application.Agents.SeedProgressReport.From(1, 2_500, 10_000, TimeSpan.FromSeconds(30)), at);
        var stored = (await LoadAgentAsync(store, agent.Id)).Agent;
        Assert.Equal(((int?)1, (double?)0.25, (double?)90.0, (double?)120.0, (DateTime?)at), (stored.CurrentSeedIndex, stored.SeedProgress, stored.SeedSecondsLeft, stored.SeedSecondsTotal, stored.ProgressUtc));
        Assert.Equal((0.4, (double?)12.5), (stored.Progress, stored.RecentMeanShortfallBps));
        // What a reloaded page (or another portal instance) reads from the stored row, 10 s later.
        Assert.Equal("Seed 2 of 3 · 25% · about 1 min 20 s left for this seed, about 3 min 20 s for all seeds",
            Portal.Application.Agents.TrainingEstimate.Of(stored, at.AddSeconds(10))!.Describe());

        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            await db.TrainedAgents.Where(a => a.Id == agent.Id).ExecuteUpdateAsync(u => u.SetProperty(a => a.Status, TrainingStatus.Succeeded));
        }
        await job.StoreProgressAsync(agent.Id, 0.9, 1, Portal.Application.Agents.SeedProgressReport.From(2, 9_000, 10_000, TimeSpan.FromSeconds(90)), at.AddMinutes(1));
        Assert.Equal((int?)1, (await LoadAgentAsync(store, agent.Id)).Agent.CurrentSeedIndex);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_calibration_job_stores_the_profile_of_a_stored_dataset(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var teamId = await NewTeamAsync(store);
        var data = MarketDataImporter.ImportFiles("lobster", [SharedData.File(SharedData.AmznMessage1), SharedData.File(SharedData.AmznOrderbook1)]);
        var dataset = (await new DatasetStore(store.Factory).SaveAsync(teamId, "amzn", data, "test")).Dataset;
        var profile = new MarketProfileEntity { TeamId = teamId, DatasetId = dataset.Id, Name = "amzn profile" };
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            db.MarketProfiles.Add(profile);
            await db.SaveChangesAsync();
        }

        await new CalibrateDatasetJob(store.Factory, new DatasetStore(store.Factory), new JobsOptions(), NullLogger<CalibrateDatasetJob>.Instance)
            .ExecuteAsync(profile.Id, CancellationToken.None);

        await using var check = await store.Factory.CreateDbContextAsync();
        var stored = await check.MarketProfiles.SingleAsync(p => p.Id == profile.Id);
        Assert.True(stored.Status == CalibrationStatus.Succeeded, stored.FailureReason);
        Assert.NotNull(stored.FinishedUtc);
        Assert.True(JsonDocument.Parse(stored.Json!).RootElement.GetProperty("adv").GetDouble() > 0, stored.Json);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_run_job_marks_the_run_running_and_stores_its_results_once(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var teamId = await NewTeamAsync(store);
        var scenario = ScenarioPresets.Demo() with { Name = "job run", Episodes = 200, Seed = 5, Strategies = ["twap", "ac"] };
        var run = new Run { TeamId = teamId, ScenarioName = scenario.Name, ScenarioJson = ScenarioJson.Serialize(scenario), Episodes = scenario.Episodes, Seed = scenario.Seed };
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            db.Runs.Add(run);
            await db.SaveChangesAsync();
        }
        var job = new RunBacktestJob(
            store.Factory, new RunResultStore(store.Factory, NullLogger<RunResultStore>.Instance),
            new RunReports(store.Factory, new RunReportBuilder(store.Factory, new EpisodeStore(store.Factory))), new DatasetStore(store.Factory),
            new AgentStrategies(store.Factory), new Portal.Application.Runs.OutOfSampleGuard(store.Factory), new JobsOptions { WorkerName = "test-worker" }, NullLogger<RunBacktestJob>.Instance);

        await job.ExecuteAsync(run.Id, CancellationToken.None);
        await job.ExecuteAsync(run.Id, CancellationToken.None);

        await using var check = await store.Factory.CreateDbContextAsync();
        var stored = await check.Runs.SingleAsync(r => r.Id == run.Id);
        Assert.True(stored.Status == RunStatus.Succeeded, stored.FailureReason);
        Assert.Equal((1, "test-worker"), (stored.Attempts, stored.WorkerName));
        var strategies = await check.RunStrategyResults.CountAsync(s => s.RunId == run.Id);
        Assert.True(strategies >= 2);
        Assert.Equal(strategies * scenario.Episodes, await new EpisodeStore(store.Factory).CountAsync(run.Id));

        // The report was frozen as the run completed, and the second delivery left it alone.
        var frozen = RunReportSnapshot.TryDeserialize(stored.ReportJson);
        Assert.NotNull(frozen);
        Assert.Equal(run.Id, frozen.RunId);
        Assert.Equal(stored.FinishedUtc, frozen.FinishedUtc);
        Assert.Equal(strategies, frozen.Strategies.Count);
        Assert.All(frozen.Strategies, s => Assert.Equal(scenario.Episodes, s.ShortfallHistogramSampleBps.Count));
        Assert.Equal("Desk", frozen.TeamName);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_offline_dataset_job_stores_the_file_and_its_header_once_and_an_offline_learner_trains_on_it(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var teamId = await NewTeamAsync(store);
        var scenario = ScenarioPresets.Demo() with { Name = "tiny offline", Episodes = 50, Seed = 3, Order = ScenarioPresets.Demo().Order with { Steps = 6 } };
        var dataset = new OfflineDatasetEntity
        {
            TeamId = teamId, Name = "noisy", ScenarioName = scenario.Name, ScenarioJson = ScenarioJson.Serialize(scenario),
            Behaviour = "noisy-twap", Episodes = 30, Seed = 4,
        };
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            db.OfflineDatasets.Add(dataset);
            await db.SaveChangesAsync();
        }
        var job = new LogOfflineDatasetJob(store.Factory, new JobsOptions(), NullLogger<LogOfflineDatasetJob>.Instance);

        await job.ExecuteAsync(dataset.Id, CancellationToken.None);
        var first = await LoadOfflineAsync(store, dataset.Id);
        await job.ExecuteAsync(dataset.Id, CancellationToken.None);
        var second = await LoadOfflineAsync(store, dataset.Id);

        Assert.True(first.Dataset.Status == TrainingStatus.Succeeded, first.Dataset.FailureReason);
        Assert.Equal((1, first.Dataset.FinishedUtc), (second.Dataset.Attempts, second.Dataset.FinishedUtc));
        Assert.Equal(first.Content, second.Content);
        using var stream = new MemoryStream(first.Content);
        var logged = Portal.Agents.Offline.OfflineDataset.Load(stream);
        Assert.Equal(("noisy-twap", 30, 4L, 30 * 5), (logged.Header.Behaviour, logged.Header.Episodes, logged.Header.Seed, logged.Count));
        Assert.Equal((logged.Count, (long)first.Content.Length), (first.Dataset.Transitions, first.Dataset.SizeBytes));
        // The same request logged directly gives the same transitions: the job adds storage, not randomness.
        var direct = Portal.Agents.Offline.OfflineLogger.Log(Portal.Agents.Training.MarketSource.For(scenario), "noisy-twap", 30, 4);
        Assert.Equal(direct.Rewards, logged.Rewards);
        var performance = Portal.Application.Agents.OfflineDatasetService.Performance(first.Dataset);
        Assert.NotNull(performance);
        Assert.Equal((30, logged.Header.Performance.MeanShortfallBps, logged.Header.Performance.CiLowBps), (performance.Episodes, performance.MeanShortfallBps, performance.CiLowBps));

        var agent = new TrainedAgentEntity
        {
            TeamId = teamId, Name = "bcq", Algorithm = "bcq", ScenarioName = scenario.Name, ScenarioJson = dataset.ScenarioJson,
            Seeds = "1,2", EnvironmentSteps = 40, OfflineDatasetId = dataset.Id,
        };
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            db.TrainedAgents.Add(agent);
            await db.SaveChangesAsync();
        }
        await new TrainAgentJob(store.Factory, new DatasetStore(store.Factory), new JobsOptions(), NullLogger<TrainAgentJob>.Instance).ExecuteAsync(agent.Id, CancellationToken.None);

        var trained = await LoadAgentAsync(store, agent.Id);
        Assert.True(trained.Agent.Status == TrainingStatus.Succeeded, trained.Agent.FailureReason);
        Assert.Equal(2, trained.Seeds.Count);
        Assert.All(trained.Seeds, s =>
        {
            // Every seed learned from the stored file (not data of its own) and is shown beside that behaviour and the best static schedule.
            var e = JsonDocument.Parse(s.EvaluationJson).RootElement;
            Assert.Equal("noisy-twap", e.GetProperty("behaviour").GetString());
            Assert.Equal(4L, e.GetProperty("offlineData").GetProperty("seed").GetInt64());
            Assert.Equal(30, e.GetProperty("offlineData").GetProperty("episodes").GetInt32());
            Assert.True(double.IsFinite(e.GetProperty("behaviourObjectiveBps").GetDouble()));
            Assert.True(double.IsFinite(e.GetProperty("bestStaticObjectiveBps").GetDouble()));
            Assert.Equal(TrainAgentJob.EvaluationEpisodes, e.GetProperty("vsBehaviour").GetProperty("pairs").GetInt32());
        });
    }

    [Fact]
    public void The_behaviours_the_portal_offers_are_the_ones_the_logger_knows()
    {
        Assert.Equal(Portal.Agents.Offline.BehaviourPolicy.Kinds, Portal.Application.Agents.OfflineDatasetService.Behaviours);
    }

    private static async Task<(OfflineDatasetEntity Dataset, byte[] Content)> LoadOfflineAsync(TestStore store, Guid id)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        var dataset = await db.OfflineDatasets.AsNoTracking().SingleAsync(d => d.Id == id);
        var content = await db.OfflineDatasetContents.AsNoTracking().Where(c => c.DatasetId == id).Select(c => c.Content).SingleAsync();
        return (dataset, content);
    }

    private static async Task<(TrainedAgentEntity Agent, List<TrainedAgentSeed> Seeds)> LoadAgentAsync(TestStore store, Guid id)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        var agent = await db.TrainedAgents.AsNoTracking().SingleAsync(a => a.Id == id);
        var seeds = await db.TrainedAgentSeeds.AsNoTracking().Where(s => s.AgentId == id).OrderBy(s => s.SeedIndex).ToListAsync();
        return (agent, seeds);
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
