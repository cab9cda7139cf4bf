using Microsoft.EntityFrameworkCore;
using Portal.Application.Studies;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Tests;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Strategies;
using Portal.Domain.Studies;
using Portal.Testing;

namespace Portal.Application.Tests.Studies;

/// <summary>A stress report in the portal checks its agents against their stored training records, on both providers: a
/// report whose seed an agent's training streams drew on a variant's world is refused naming the variant and the seeds,
/// and the variant that is the agent's training market is flagged "in-sample for this variant" in the results.</summary>
public sealed class StressSamplingTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    private static StudySpec Stress(long seed, params string[] strategies) => new StressSpec
    {
        Name = "stress honesty",
        Scenario = ScenarioPresets.Demo() with { Episodes = 100, Seed = seed },
        Variants = [StressVariants.None, StressVariants.LiquidityCollapse],
        Strategies = strategies,
    }.ToStudy();

    /// <summary>A team with an agent whose record says it trained on the `none` variant's world with untagged streams 0 … 9.</summary>
    private static async Task<(Guid Team, string Agent)> TeamWithAgentAsync(TestStore store)
    {
        var world = Stress(0).Expand()[0].Scenario;
        var exposure = new TrainingExposure
        {
            Sources = [OutOfSample.SimulatedTraining(world, [new SeedStreamRange { Purpose = "training", Seed = 1, Tag = 0, BatchCount = 10, FirstPathSeed = 0 }])],
        };
        await using var db = await store.Factory.CreateDbContextAsync();
        var team = new Team { Name = "desk" };
        db.Teams.Add(team);
        var agent = new TrainedAgentEntity
        {
            TeamId = team.Id, Name = "ql", Algorithm = "qlearning", ScenarioName = "demo", ScenarioJson = "{}", Seeds = "1",
            Status = TrainingStatus.Succeeded, TrainingExposureJson = exposure.ToJson(),
        };
        db.TrainedAgents.Add(agent);
        db.TrainedAgentSeeds.Add(new TrainedAgentSeed { AgentId = agent.Id, SeedIndex = 0, Seed = 1, Artifact = [1], EvaluationJson = "{}", LearningCurveJson = "[]" });
        await db.SaveChangesAsync();
        return (team.Id, StrategyId.ForAgent(agent.Id));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_seed_the_agent_trained_on_is_refused_and_its_training_market_is_flagged_in_sample(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (team, agent) = await TeamWithAgentAsync(store);
        var queue = new RecordingJobQueue();
        var service = new StudyService(store.Factory, queue, new StudyLimits());

        var refused = await Assert.ThrowsAsync<ScenarioValidationException>(() => service.SubmitAsync(team, "ana", Stress(7, "twap", agent)));
        var error = Assert.Single(refused.Errors);
        Assert.Equal("scenario.seed", error.Field);
        Assert.StartsWith("Variant 'none': ", error.Message, StringComparison.Ordinal);
        Assert.Contains("seeds 0–9", error.Message, StringComparison.Ordinal);
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            Assert.Equal(0, await db.Runs.CountAsync());
        }

        var study = await service.SubmitAsync(team, "ana", Stress(20, "twap", agent, GuardedStrategy.IdPrefix + agent));
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            foreach (var run in await db.Runs.Where(r => r.StudyId == study.Id).ToListAsync())
            {
                run.Status = RunStatus.Succeeded;
                int i = 0;
                foreach (var id in new[] { "twap", agent, GuardedStrategy.IdPrefix + agent })
                {
                    run.Strategies.Add(new RunStrategyResult { Index = i++, StrategyId = id, DisplayName = id, MeanBps = 10 + i, StdBps = 5, MeanCiLowBps = 9 + i, MeanCiHighBps = 11 + i });
                }
            }
            await db.SaveChangesAsync();
        }

        var results = (await service.GetAsync(team, study.Id))!.Results;
        var none = results.Cells.Single(c => c.Coordinates.Stress == StressVariants.None);
        var collapse = results.Cells.Single(c => c.Coordinates.Stress == StressVariants.LiquidityCollapse);
        Assert.Contains("trained on this very market", none.Strategy(agent)!.InSample, StringComparison.Ordinal);
        Assert.Equal(none.Strategy(agent)!.InSample, none.Strategy(GuardedStrategy.IdPrefix + agent)!.InSample);
        Assert.Null(none.Strategy("twap")!.InSample);
        Assert.All(collapse.Strategies, s => Assert.Null(s.InSample));
        Assert.Contains($"{agent} ({StressSampling.Flag})", StressTable.ToText(results), StringComparison.Ordinal);
    }
}
