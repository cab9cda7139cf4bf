using Microsoft.EntityFrameworkCore;
using Portal.Application.Studies;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Tests;
using Portal.Domain.Scenarios;
using Portal.Domain.Strategies;
using Portal.Domain.Studies;
using Portal.Testing;

namespace Portal.Application.Tests.Studies;

/// <summary>Stress reports with trained agents, on both providers: the team's agents (plain and guarded) are stored in every
/// variant's run with the guards that make the twin; another team's agent is refused, naming it, and nothing is stored.</summary>
public sealed class StressAgentSubmissionTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    private static async Task<(Guid Team, string Agent)> TeamWithAgentAsync(TestStore store, string name)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        var team = new Team { Name = name };
        db.Teams.Add(team);
        var agent = new TrainedAgentEntity
        {
            TeamId = team.Id, Name = name + "-ql", Algorithm = "qlearning", ScenarioName = "demo", ScenarioJson = "{}", Seeds = "1,2,3",
            Status = TrainingStatus.Succeeded,
        };
        db.TrainedAgents.Add(agent);
        foreach (var (seed, index) in new long[] { 1, 2, 3 }.Select((s, i) => (s, i)))
        {
            db.TrainedAgentSeeds.Add(new TrainedAgentSeed { AgentId = agent.Id, SeedIndex = index, Seed = seed, Artifact = [1], EvaluationJson = "{}", LearningCurveJson = "[]" });
        }
        await db.SaveChangesAsync();
        return (team.Id, StrategyId.ForAgent(agent.Id));
    }

    private static StudySpec Stress(params string[] strategies) => new StressSpec
    {
        Name = "stress with agents",
        Scenario = ScenarioPresets.Demo() with { Episodes = 100, Seed = 3 },
        Variants = [StressVariants.None, StressVariants.LiquidityCollapse],
        Strategies = strategies,
    }.ToStudy();

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_teams_agent_and_its_guarded_twin_run_in_every_variant(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (team, agent) = await TeamWithAgentAsync(store, "desk");
        var queue = new RecordingJobQueue();
        var service = new StudyService(store.Factory, queue, new StudyLimits());

        var study = await service.SubmitAsync(team, "ana", Stress("twap", agent, GuardedStrategy.IdPrefix + agent));

        await using var db = await store.Factory.CreateDbContextAsync();
        var runs = await db.Runs.AsNoTracking().Where(r => r.StudyId == study.Id).OrderBy(r => r.StudyCell).ToListAsync();
        Assert.Equal(2, runs.Count);
        Assert.Equal(runs.Select(r => r.Id).Order(), queue.Runs.Order());
        foreach (var run in runs)
        {
            var scenario = ScenarioJson.Parse(run.ScenarioJson);
            Assert.Equal(["twap", agent], scenario.Strategies);
            var guards = scenario.StrategySettings.Guards!;
            Assert.Equal([agent], guards.Strategies);
            Assert.Equal(StressStrategies.DefaultGuards.Fallback, guards.Fallback);
            Assert.Equal(StressStrategies.DefaultGuards.Breaker, guards.Breaker);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Another_teams_agent_is_refused_naming_it_and_nothing_is_stored(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (team, _) = await TeamWithAgentAsync(store, "desk");
        var (_, theirs) = await TeamWithAgentAsync(store, "rivals");
        var queue = new RecordingJobQueue();
        var service = new StudyService(store.Factory, queue, new StudyLimits());

        var refused = await Assert.ThrowsAsync<ScenarioValidationException>(() => service.SubmitAsync(team, "ana", Stress("twap", GuardedStrategy.IdPrefix + theirs)));
        var error = Assert.Single(refused.Errors);
        Assert.Equal("strategies[1]", error.Field);
        Assert.Contains(theirs, error.Message, StringComparison.Ordinal);
        Assert.Contains("not a trained agent of this team", error.Message, StringComparison.Ordinal);

        var unseeded = await TeamWithAgentAsync(store, "third");
        var badSeed = Stress(unseeded.Agent) with { Scenario = ScenarioPresets.Demo() with { Episodes = 100, StrategySettings = new StrategySettings { AgentSeed = 9 } } };
        var noSeed = await Assert.ThrowsAsync<ScenarioValidationException>(() => service.SubmitAsync(unseeded.Team, "ana", badSeed));
        Assert.Equal("scenario.strategySettings.agentSeed", Assert.Single(noSeed.Errors).Field);
        Assert.Contains("seeds: 1, 2, 3", noSeed.Errors[0].Message, StringComparison.Ordinal);

        await using var db = await store.Factory.CreateDbContextAsync();
        Assert.Equal(0, await db.Runs.CountAsync());
        Assert.Equal(0, await db.Studies.CountAsync());
        Assert.Empty(queue.Runs);
    }
}
