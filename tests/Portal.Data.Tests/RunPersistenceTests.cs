using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Data.Entities;
using Portal.Data.Runs;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;

namespace Portal.Data.Tests;

public sealed class RunPersistenceTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Migrations_match_the_model(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var db = await store.Factory.CreateDbContextAsync();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), $"The {provider} migrations are behind the model: add a migration.");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_backtest_is_stored_and_read_back_exactly(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (runId, scenario) = await SeedRunAsync(store);
        var result = BacktestRunner.Run(scenario);

        await new RunResultStore(store.Factory, NullLogger<RunResultStore>.Instance).SaveAsync(runId, result, CancellationToken.None);

        await using var db = await store.Factory.CreateDbContextAsync();
        var run = await db.Runs.Include(r => r.Strategies).SingleAsync(r => r.Id == runId);
        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(1.0, run.Progress);
        Assert.Equal(result.Strategies.Select(s => s.StrategyId), run.Strategies.OrderBy(s => s.Index).Select(s => s.StrategyId));
        foreach (var (stored, computed) in run.Strategies.OrderBy(s => s.Index).Zip(result.Strategies))
        {
            Assert.Equal(computed.Summary.MeanBps, stored.MeanBps);
            Assert.Equal(computed.Summary.StdBps, stored.StdBps);
            Assert.Equal(computed.MeanInventoryFraction, stored.Summary.MeanInventory);
            Assert.Equal(computed.MeanParticipation, stored.Summary.MeanParticipation);
            Assert.NotEmpty(stored.Summary.MeanParticipation);
        }
        var episodeStore = new EpisodeStore(store.Factory);
        for (var i = 0; i < result.Strategies.Count; i++)
        {
            var episodes = await episodeStore.ReadAsync(runId, i);
            Assert.Equal(scenario.Episodes, episodes.Count);
            // Every field, bit for bit, in episode order.
            Assert.Equal(result.Strategies[i].Episodes.OrderBy(e => e.Episode), episodes.Rows());
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_paired_difference_to_the_best_static_schedule_and_the_warnings_are_stored_and_read_back(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (runId, scenario) = await SeedRunAsync(store);
        var result = BacktestRunner.Run(scenario) with { Warnings = ["The parameters admit price manipulation: test.", "Second warning."] };
        Assert.Contains(result.Strategies, s => s.StrategyId == StrategyCatalog.BestStatic);

        await new RunResultStore(store.Factory, NullLogger<RunResultStore>.Instance).SaveAsync(runId, result, CancellationToken.None);

        await using var db = await store.Factory.CreateDbContextAsync();
        var run = await db.Runs.Include(r => r.Strategies).SingleAsync(r => r.Id == runId);
        Assert.Equal(result.Warnings, run.Warnings);
        foreach (var (stored, computed) in run.Strategies.OrderBy(s => s.Index).Zip(result.Strategies))
        {
            if (computed.StrategyId == StrategyCatalog.BestStatic)
            {
                Assert.Null(stored.Summary.VsBestStaticMeanBps);
                continue;
            }

            var d = computed.Summary.VsBestStatic!;
            Assert.Equal(d.MeanBps, stored.Summary.VsBestStaticMeanBps);
            Assert.Equal(d.CiLowBps, stored.Summary.VsBestStaticCiLowBps);
            Assert.Equal(d.CiHighBps, stored.Summary.VsBestStaticCiHighBps);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Independent_units_and_an_undefined_cost_sharpe_are_stored_and_read_back(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (runId, scenario) = await SeedRunAsync(store);
        var result = BacktestRunner.Run(scenario with { Strategies = ["immediate", "twap"] });
        Assert.Null(result.Strategies[0].Summary.CostSharpe);
        // A replayed strategy rests on a few market windows; store one such summary beside the simulated ones.
        var replayed = result.Strategies[1] with { Summary = result.Strategies[1].Summary with { IndependentUnits = 3, UnitKind = UnitKinds.Window } };
        result = result with { Strategies = [result.Strategies[0], replayed, .. result.Strategies.Skip(2)] };

        await new RunResultStore(store.Factory, NullLogger<RunResultStore>.Instance).SaveAsync(runId, result, CancellationToken.None);

        await using var db = await store.Factory.CreateDbContextAsync();
        var stored = await db.RunStrategyResults.Where(s => s.RunId == runId).OrderBy(s => s.Index).ToListAsync();
        Assert.Null(stored[0].Summary.CostSharpe);
        Assert.Equal(scenario.Episodes, stored[0].IndependentUnits);
        Assert.Equal(UnitKinds.Episode, stored[0].UnitKind);
        Assert.Equal(result.Strategies[1].Summary.CostSharpe, stored[1].Summary.CostSharpe);
        Assert.NotNull(stored[1].Summary.CostSharpe);
        Assert.Equal(3, stored[1].IndependentUnits);
        Assert.Equal(UnitKinds.Window, stored[1].UnitKind);
        Assert.Single(stored, s => s.Summary.CostSharpe == null);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Limit_order_metrics_are_stored_and_read_back_exactly(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (runId, seeded) = await SeedRunAsync(store);
        var scenario = seeded with { Strategies = ["twap", "twap-passive", "pegged"] };
        var result = BacktestRunner.Run(scenario);
        await new RunResultStore(store.Factory, NullLogger<RunResultStore>.Instance).SaveAsync(runId, result, CancellationToken.None);

        await using var db = await store.Factory.CreateDbContextAsync();
        var stored = await db.RunStrategyResults.Where(s => s.RunId == runId).OrderBy(s => s.Index).ToListAsync();
        Assert.Equal(result.Strategies.Count, stored.Count);
        foreach (var (row, computed) in stored.Zip(result.Strategies))
        {
            var o = computed.Orders;
            Assert.Equal(o.FillRate, row.Summary.FillRate);
            Assert.Equal(o.PassiveShare, row.Summary.PassiveShare);
            Assert.Equal(o.PostedFillRatio, row.Summary.PostedFillRatio);
            Assert.Equal(o.CrossedOnExpiryShare, row.Summary.CrossedOnExpiryShare);
            Assert.Equal(o.SpreadCapturedBps, row.Summary.SpreadCapturedBps);
            Assert.Equal(o.MarkoutBps, row.Summary.MarkoutBps);
            Assert.Equal(o.Intervals, row.Summary.OrderIntervals);
        }

        var passive = stored.Single(s => s.StrategyId == "twap-passive").Summary;
        Assert.Equal(scenario.Episodes, passive.OrderIntervals!.IndependentUnits);
        Assert.True(passive.OrderIntervals.PassiveShare!.Low < passive.PassiveShare && passive.PassiveShare < passive.OrderIntervals.PassiveShare.High);
        Assert.True(passive.PassiveShare > 0 && passive.SpreadCapturedBps > 0);
        var twap = stored.Single(s => s.StrategyId == "twap").Summary;
        Assert.Equal(0, twap.PassiveShare);
        Assert.Null(twap.PostedFillRatio);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Cap_and_horizon_outcomes_are_stored_and_read_back_exactly(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (runId, seeded) = await SeedRunAsync(store);
        // A 2% cap that TWAP cannot keep: force-finished with breaches in one run, unfilled with opportunity cost in the other.
        var forced = seeded with { Constraints = new ConstraintSpec { MaxParticipationPct = 2 }, Strategies = ["twap", "pov"] };
        var held = forced with { Constraints = forced.Constraints with { AtHorizon = HorizonRule.HoldCap } };
        var results = new RunResultStore(store.Factory, NullLogger<RunResultStore>.Instance);
        var forcedResult = BacktestRunner.Run(forced);
        await results.SaveAsync(runId, forcedResult, CancellationToken.None);
        var (heldRunId, _) = await SeedRunAsync(store);
        var heldResult = BacktestRunner.Run(held);
        await results.SaveAsync(heldRunId, heldResult, CancellationToken.None);

        await using var db = await store.Factory.CreateDbContextAsync();
        foreach (var (id, result) in new[] { (runId, forcedResult), (heldRunId, heldResult) })
        {
            var stored = await db.RunStrategyResults.Where(s => s.RunId == id).OrderBy(s => s.Index).ToListAsync();
            Assert.Equal(result.Strategies.Count, stored.Count);
            foreach (var (row, computed) in stored.Zip(result.Strategies))
            {
                Assert.Equal(computed.DisplayName, row.DisplayName);
                Assert.Equal(computed.Summary.Completion, row.Summary.Completion);
                Assert.Equal(computed.MeanForcedFraction, row.Summary.ForcedFraction);
                Assert.Equal(computed.MeanUnfilledFraction, row.Summary.UnfilledFraction);
                Assert.Equal(computed.CapBreaches, row.Summary.CapBreaches);
                Assert.Equal(computed.MaxParticipation, row.Summary.MaxParticipation);
                Assert.Equal(computed.MeanOpportunityCostBps, row.Summary.OpportunityCostBps);
            }
        }

        var twapForced = await db.RunStrategyResults.SingleAsync(s => s.RunId == runId && s.StrategyId == "twap");
        Assert.True(twapForced.Summary.CapBreaches > 0 && twapForced.Summary.MaxParticipation > 0.02);
        var twapHeld = await db.RunStrategyResults.SingleAsync(s => s.RunId == heldRunId && s.StrategyId == "twap");
        Assert.True(twapHeld.Summary.UnfilledFraction > 0 && twapHeld.Summary.CapBreaches == 0 && twapHeld.Summary.OpportunityCostBps != 0);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Saving_the_same_run_twice_keeps_one_set_of_results(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (runId, scenario) = await SeedRunAsync(store);
        var result = BacktestRunner.Run(scenario);
        var results = new RunResultStore(store.Factory, NullLogger<RunResultStore>.Instance);

        await results.SaveAsync(runId, result, CancellationToken.None);
        await results.SaveAsync(runId, result, CancellationToken.None);

        await using var db = await store.Factory.CreateDbContextAsync();
        Assert.Equal(result.Strategies.Count, await db.RunStrategyResults.CountAsync(s => s.RunId == runId));
        Assert.Equal(result.Strategies.Count * scenario.Episodes, await new EpisodeStore(store.Factory).CountAsync(runId));
    }

    [Fact]
    public async Task Concurrent_saves_on_postgres_keep_one_set_of_results()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Postgres);
        var (runId, scenario) = await SeedRunAsync(store);
        var result = BacktestRunner.Run(scenario);
        var results = new RunResultStore(store.Factory, NullLogger<RunResultStore>.Instance);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => results.SaveAsync(runId, result, CancellationToken.None))));

        await using var db = await store.Factory.CreateDbContextAsync();
        Assert.Equal(RunStatus.Succeeded, (await db.Runs.SingleAsync(r => r.Id == runId)).Status);
        Assert.Equal(result.Strategies.Count * scenario.Episodes, await new EpisodeStore(store.Factory).CountAsync(runId));
    }

    private static async Task<(Guid RunId, Scenario Scenario)> SeedRunAsync(TestStore store)
    {
        var scenario = ScenarioPresets.Demo() with { Episodes = 300, Seed = 7 };
        await using var db = await store.Factory.CreateDbContextAsync();
        var team = new Team { Name = "Desk" };
        db.Teams.Add(team);
        var run = new Run
        {
            TeamId = team.Id,
            ScenarioName = scenario.Name,
            ScenarioJson = ScenarioJson.Serialize(scenario),
            Episodes = scenario.Episodes,
            Seed = scenario.Seed,
        };
        db.Runs.Add(run);
        await db.SaveChangesAsync();
        return (run.Id, scenario);
    }
}
