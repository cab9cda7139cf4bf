using Microsoft.EntityFrameworkCore;
using Portal.Application.Jobs;
using Portal.Application.Runs;
using Portal.Application.Scenarios;
using Portal.Application.Teams;
using Portal.Application.Tests.Teams;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Tests;
using Portal.Domain.Scenarios;
using Portal.Testing;

namespace Portal.Application.Tests.Runs;

/// <summary>Submitting, cancelling and re-running runs through the use case, on both providers.</summary>
public sealed class RunServiceTests
{
    public static TheoryData<DatabaseProvider> Providers => TeamWorld.Providers;

    private static RunService Service(TestStore store, TeamAccess access, IJobQueue queue, int maxActive = 8) => new(
        store.Factory, queue, new ScenarioStore(store.Factory, TeamWorld.Context(access)), new RunLimits(10_000_000_000, maxActive),
        new JobHeartbeat(TimeSpan.FromMinutes(2)), new OutOfSampleGuard(store.Factory));

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_submitted_run_is_stored_in_the_team_queued_once_and_cancelled_at_once_while_queued(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store);
        var queue = new RecordingJobQueue();
        var runs = Service(store, world.Desk, queue);
        var saved = await new ScenarioStore(store.Factory, TeamWorld.Context(world.Desk)).CreateAsync(ScenarioPresets.Demo() with { Name = "Saved" });

        var run = await runs.SubmitAsync(world.Desk, new RunRequest(saved.Id, null, Episodes: 12, Seed: 7, null) { Tags = ["Desk"] });
        Assert.Equal([(JobKind.Run, run.Id)], queue.Jobs);
        var stored = await runs.GetAsync(world.Desk, run.Id);
        Assert.NotNull(stored);
        Assert.Equal((world.Desk.TeamId, (Guid?)saved.Id, "Saved", 12, 7L, RunStatus.Queued), (stored.TeamId, stored.ScenarioId, stored.ScenarioName, stored.Episodes, stored.Seed, stored.Status));
        Assert.Equal(12, ScenarioStore.Parse(stored.ScenarioJson).Episodes);

        // Another team neither sees, cancels nor re-runs it, and cannot run the team's saved scenario.
        var strangers = Service(store, world.Stranger, queue);
        Assert.Null(await strangers.GetAsync(world.Stranger, run.Id));
        Assert.False(await strangers.CancelAsync(world.Stranger, run.Id));
        Assert.Null(await strangers.RerunAsync(world.Stranger, run.Id));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => strangers.SubmitAsync(world.Stranger, new RunRequest(saved.Id, null, null, null, null)));

        Assert.True(await runs.CancelAsync(world.Desk, run.Id));
        Assert.Equal(RunStatus.Cancelled, (await runs.GetAsync(world.Desk, run.Id))!.Status);

        var again = await runs.RerunAsync(world.Desk, run.Id);
        Assert.NotNull(again);
        Assert.Equal(12, again.Episodes);
        Assert.Equal([run.Id, again.Id], (await runs.RecentAsync(world.Desk, 10)).Select(r => r.Id).Reverse());
        Assert.Equal([run.Id, again.Id], queue.Jobs.Select(j => j.Id)); // the strangers' attempts queued nothing
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_active_run_quota_holds_and_viewers_cannot_submit(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store);
        var queue = new RecordingJobQueue();
        var runs = Service(store, world.Desk, queue, maxActive: 2);
        var inline = ScenarioPresets.Demo() with { Episodes = 10 };

        await runs.SubmitAsync(world.Desk, new RunRequest(null, inline, null, null, null));
        await runs.SubmitAsync(world.Desk, new RunRequest(null, inline, null, null, null));
        var over = await Assert.ThrowsAsync<ScenarioValidationException>(() => runs.SubmitAsync(world.Desk, new RunRequest(null, inline, null, null, null)));
        Assert.Equal("runs", Assert.Single(over.Errors).Field);

        var viewer = world.Desk with { Role = TeamRole.Viewer };
        Assert.Equal("Viewers cannot submit runs.", (await Assert.ThrowsAsync<UnauthorizedAccessException>(() => runs.SubmitAsync(viewer, new RunRequest(null, inline, null, null, null)))).Message);
        var missing = await Assert.ThrowsAsync<ScenarioValidationException>(() => runs.SubmitAsync(world.Desk, new RunRequest(null, null, null, null, null)));
        Assert.Equal("scenario", Assert.Single(missing.Errors).Field);

        await using var db = await store.Factory.CreateDbContextAsync();
        Assert.Equal(2, await db.Runs.CountAsync());
        Assert.Equal(2, queue.Jobs.Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_run_chooses_a_trained_seed_of_its_agent_and_a_seed_the_agent_lacks_is_refused_by_field(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store);
        var queue = new RecordingJobQueue();
        var runs = Service(store, world.Desk, queue);
        var agent = new TrainedAgentEntity
        {
            TeamId = world.Desk.TeamId, Name = "ppo desk", Algorithm = "ppo", ScenarioName = "s", ScenarioJson = "{}", Seeds = "1,2", Status = TrainingStatus.Succeeded,
        };
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            db.TrainedAgents.Add(agent);
            db.TrainedAgentSeeds.AddRange(
                new TrainedAgentSeed { AgentId = agent.Id, SeedIndex = 0, Seed = 1, Artifact = [1], EvaluationJson = "{}", LearningCurveJson = "[]" },
                new TrainedAgentSeed { AgentId = agent.Id, SeedIndex = 1, Seed = 2, Artifact = [2], EvaluationJson = "{}", LearningCurveJson = "[]" });
            await db.SaveChangesAsync();
        }
        var withAgent = ScenarioPresets.Demo() with { Episodes = 10, Strategies = ["twap", Portal.Domain.Strategies.StrategyId.ForAgent(agent.Id)] };

        var chosen = await runs.SubmitAsync(world.Desk, new RunRequest(null, withAgent, null, null, null) { AgentSeed = 2 });
        Assert.Equal(2, ScenarioStore.Parse((await runs.GetAsync(world.Desk, chosen.Id))!.ScenarioJson).StrategySettings.AgentSeed);

        // Without a choice the stored scenario names none: the first seed, and the JSON reads as before.
        var byDefault = await runs.SubmitAsync(world.Desk, new RunRequest(null, withAgent, null, null, null));
        var json = (await runs.GetAsync(world.Desk, byDefault.Id))!.ScenarioJson;
        Assert.Null(ScenarioStore.Parse(json).StrategySettings.AgentSeed);
        Assert.DoesNotContain("agentSeed", json, StringComparison.Ordinal);

        var missing = await Assert.ThrowsAsync<ScenarioValidationException>(() => runs.SubmitAsync(world.Desk, new RunRequest(null, withAgent, null, null, null) { AgentSeed = 3 }));
        var error = Assert.Single(missing.Errors);
        Assert.Equal("strategySettings.agentSeed", error.Field);
        Assert.Contains("'ppo desk' has no trained policy for seed 3 (its seeds: 1, 2", error.Message, StringComparison.Ordinal);
        var outOfRange = await Assert.ThrowsAsync<ScenarioValidationException>(() => runs.SubmitAsync(world.Desk, new RunRequest(null, withAgent, null, null, null) { AgentSeed = 0 }));
        Assert.Equal("strategySettings.agentSeed", Assert.Single(outOfRange.Errors).Field);

        // A run without agents drops the choice instead of naming a seed no policy uses.
        var baselines = await runs.SubmitAsync(world.Desk, new RunRequest(null, ScenarioPresets.Demo() with { Episodes = 10 }, null, null, null) { AgentSeed = 2 });
        Assert.Null(ScenarioStore.Parse((await runs.GetAsync(world.Desk, baselines.Id))!.ScenarioJson).StrategySettings.AgentSeed);
        Assert.Equal(3, queue.Jobs.Count);
    }
}
