using Portal.Application.Runs;
using Portal.Data;
using Portal.Data.Datasets;
using Portal.Data.Entities;
using Portal.Data.Tests;
using Portal.Domain.Backtesting;
using Portal.Domain.MarketData;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;
using Portal.Testing;

using Portal.Domain.Strategies;

namespace Portal.Application.Tests.Runs;

/// <summary>The check every entry point uses, with agents and datasets as stored, on both providers.</summary>
public sealed class OutOfSampleGuardTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    private static readonly Lazy<MarketDataset> Amzn = new(() =>
        MarketDataImporter.ImportFiles("lobster", [SharedData.File(SharedData.AmznMessage1), SharedData.File(SharedData.AmznOrderbook1)]));

    private static Scenario Replay(Guid datasetId, double trainFraction, ReplaySegment segment) => ScenarioPresets.Demo() with
    {
        Name = "amzn",
        Order = ScenarioPresets.Demo().Order with { HorizonMinutes = 30, Steps = 6, SizePctAdv = 1 },
        Episodes = 20,
        Replay = new ReplaySpec { DatasetId = datasetId, Options = new ReplayOptions { TrainFraction = trainFraction, Segment = segment } },
    };

    private static async Task<(Guid Team, Guid Dataset)> SeedAsync(TestStore store)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        var team = new Team { Name = "Desk" };
        db.Teams.Add(team);
        await db.SaveChangesAsync();
        var dataset = (await new DatasetStore(store.Factory).SaveAsync(team.Id, "amzn", Amzn.Value, "test")).Dataset;
        return (team.Id, dataset.Id);
    }

    private static async Task<string> AddAgentAsync(TestStore store, Guid teamId, TrainingExposure? exposure)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        var agent = new TrainedAgentEntity
        {
            TeamId = teamId, Name = "ppo", Algorithm = "ppo", ScenarioName = "amzn", ScenarioJson = "{}", Seeds = "1",
            Status = TrainingStatus.Succeeded, TrainingExposureJson = exposure?.ToJson(),
        };
        db.TrainedAgents.Add(agent);
        await db.SaveChangesAsync();
        return StrategyId.ForAgent(agent.Id);
    }

    private static async Task AddSeedAsync(TestStore store, string strategyId, int index, long seed, TrainingExposure? exposure)
    {
        Assert.True(StrategyId.Parse(strategyId).TryGetAgentId(out var agentId));
        await using var db = await store.Factory.CreateDbContextAsync();
        db.TrainedAgentSeeds.Add(new TrainedAgentSeed
        {
            AgentId = agentId, SeedIndex = index, Seed = seed, Artifact = [1], EvaluationJson = "{}", LearningCurveJson = "[]", TrainingExposureJson = exposure?.ToJson(),
        });
        await db.SaveChangesAsync();
    }

    private static TrainingExposure TrainedOn(Scenario scenario, double trainFraction) => new()
    {
        Sources = [OutOfSample.ReplayTraining(scenario, Amzn.Value, new ReplayOptions { TrainFraction = trainFraction, Segment = ReplaySegment.Train })],
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_agent_trained_on_0_9_of_a_day_is_refused_on_the_0_7_test_segment_or_kept_off_leaderboards_on_request(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (team, datasetId) = await SeedAsync(store);
        var test07 = Replay(datasetId, 0.7, ReplaySegment.Test);
        var agent = await AddAgentAsync(store, team, TrainedOn(test07, 0.9));
        var guard = new OutOfSampleGuard(store.Factory);
        var scenario = test07 with { Strategies = ["twap", agent] };

        var refused = await Assert.ThrowsAsync<InSampleEvaluationException>(() => guard.DecideAsync(team, scenario, null, allowInSample: false));
        var overlap = new TimeRangeNs(ReplayRunner.SplitTime(Amzn.Value, new ReplayOptions { TrainFraction = 0.7 }), ReplayRunner.SplitTime(Amzn.Value, new ReplayOptions { TrainFraction = 0.9 }));
        Assert.Contains(agent, refused.Message);
        Assert.Contains("overlapping " + overlap, refused.Message);

        // The loaded recording (exact windows, as the job checks) gives the same answer as the stored summary.
        await Assert.ThrowsAsync<InSampleEvaluationException>(() => guard.DecideAsync(team, scenario, Amzn.Value, allowInSample: false));

        var flagged = await guard.DecideAsync(team, scenario, null, allowInSample: true);
        Assert.False(flagged.Counted);
        Assert.Contains("overlapping " + overlap, flagged.InSampleReason);
        Assert.Equal(SampleVerdict.InSample, Assert.Single(flagged.Checks).Verdict);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_agent_scored_after_its_training_range_counts_and_one_without_a_record_is_flagged_unknown(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (team, datasetId) = await SeedAsync(store);
        var test07 = Replay(datasetId, 0.7, ReplaySegment.Test);
        var clean = await AddAgentAsync(store, team, TrainedOn(test07, 0.6));
        var old = await AddAgentAsync(store, team, null);
        var guard = new OutOfSampleGuard(store.Factory);

        var counted = await guard.DecideAsync(team, test07 with { Strategies = ["twap", clean] }, null, allowInSample: false);
        Assert.True(counted.Counted);
        Assert.Null(counted.InSampleReason);

        var unknown = await guard.DecideAsync(team, test07 with { Strategies = ["twap", clean, old] }, null, allowInSample: false);
        Assert.False(unknown.Counted);
        Assert.Contains(old, unknown.InSampleReason);
        Assert.Contains("no record", unknown.InSampleReason);
        Assert.Equal([SampleVerdict.OutOfSample, SampleVerdict.Unknown], unknown.Checks.Select(c => c.Verdict));

        // The training segment itself overlaps any training on the day, even one that stopped at 0.6.
        await Assert.ThrowsAsync<InSampleEvaluationException>(() =>
            guard.DecideAsync(team, Replay(datasetId, 0.7, ReplaySegment.Train) with { Strategies = [clean] }, null, allowInSample: false));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Only_the_teams_own_agents_are_checked_and_baselines_need_no_check(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (team, datasetId) = await SeedAsync(store);
        var (otherTeam, _) = await SeedAsync(store);
        var test07 = Replay(datasetId, 0.7, ReplaySegment.Test);
        var theirs = await AddAgentAsync(store, otherTeam, TrainedOn(test07, 0.9));
        var guard = new OutOfSampleGuard(store.Factory);

        Assert.Empty(await guard.CheckAsync(team, test07 with { Strategies = ["twap", "ac"] }, null));
        Assert.Empty(await guard.CheckAsync(team, test07 with { Strategies = ["twap", theirs, "agent:not-a-guid"] }, null));
        Assert.True((await guard.DecideAsync(team, test07 with { Strategies = ["twap"] }, null, allowInSample: false)).Counted);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_run_choosing_another_seed_is_checked_against_what_that_seed_saw(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (team, datasetId) = await SeedAsync(store);
        var test07 = Replay(datasetId, 0.7, ReplaySegment.Test);
        // Seed 1 stopped at 0.6 of the day; seed 2 (say, trained on another split) saw up to 0.9, into the test segment.
        var agent = await AddAgentAsync(store, team, TrainedOn(test07, 0.6));
        await AddSeedAsync(store, agent, 0, 1, TrainedOn(test07, 0.6));
        await AddSeedAsync(store, agent, 1, 2, TrainedOn(test07, 0.9));
        var guard = new OutOfSampleGuard(store.Factory);
        var scenario = test07 with { Strategies = ["twap", agent] };

        Assert.True((await guard.DecideAsync(team, scenario, null, allowInSample: false)).Counted);
        Assert.True((await guard.DecideAsync(team, scenario with { StrategySettings = scenario.StrategySettings with { AgentSeed = 1 } }, null, allowInSample: false)).Counted);
        var refused = await Assert.ThrowsAsync<InSampleEvaluationException>(() =>
            guard.DecideAsync(team, scenario with { StrategySettings = scenario.StrategySettings with { AgentSeed = 2 } }, null, allowInSample: false));
        Assert.Contains(agent, refused.Message);

        // A seed without its own record is unknown (never assumed clean), except the first, whose record is the agent's.
        var older = await AddAgentAsync(store, team, TrainedOn(test07, 0.6));
        await AddSeedAsync(store, older, 0, 1, null);
        await AddSeedAsync(store, older, 1, 2, null);
        var olderRun = test07 with { Strategies = ["twap", older] };
        Assert.True((await guard.DecideAsync(team, olderRun with { StrategySettings = olderRun.StrategySettings with { AgentSeed = 1 } }, null, allowInSample: false)).Counted);
        var unknown = await guard.DecideAsync(team, olderRun with { StrategySettings = olderRun.StrategySettings with { AgentSeed = 2 } }, null, allowInSample: false);
        Assert.Equal(SampleVerdict.Unknown, Assert.Single(unknown.Checks).Verdict);
    }
}
