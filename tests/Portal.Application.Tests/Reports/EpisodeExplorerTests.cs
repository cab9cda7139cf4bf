using Microsoft.Extensions.Logging.Abstractions;
using Portal.Application.Reports;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Runs;
using Portal.Data.Tests;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;

namespace Portal.Application.Tests.Reports;

/// <summary>The run page's episode explorer re-simulates a stored run's episode and finds the numbers the run stored.</summary>
public sealed class EpisodeExplorerTests
{
    private static async Task<(Guid Team, Guid Run, Scenario Scenario)> StoreRunAsync(TestStore store, Scenario scenario)
    {
        Guid teamId, runId;
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var team = new Team { Name = "Desk" };
            db.Teams.Add(team);
            var run = new Run { TeamId = team.Id, ScenarioName = scenario.Name, ScenarioJson = ScenarioJson.Serialize(scenario), Episodes = scenario.Episodes, Seed = scenario.Seed };
            db.Runs.Add(run);
            await db.SaveChangesAsync();
            (teamId, runId) = (team.Id, run.Id);
        }

        await new RunResultStore(store.Factory, NullLogger<RunResultStore>.Instance).SaveAsync(runId, BacktestRunner.Run(scenario), CancellationToken.None);
        return (teamId, runId, scenario);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(333)]
    [InlineData(599)]
    public async Task A_re_simulated_episode_has_the_shortfall_of_the_stored_episode_row(int episode)
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var scenario = ScenarioPresets.Demo() with
        {
            Name = "explore", Episodes = 600, Seed = 11,
            Market = RegimePresets.Apply(ScenarioPresets.Demo().Market, RegimePresets.Panic),
            Strategies = ["twap", "ac", "pov", "vwap"],
        };
        var (team, run, _) = await StoreRunAsync(store, scenario);
        var explorer = new EpisodeExplorer(store.Factory);
        var builder = new RunReportBuilder(store.Factory, new EpisodeStore(store.Factory));

        var exploration = await explorer.TraceAsync(team, run, episode, CancellationToken.None);

        Assert.NotNull(exploration);
        Assert.Null(exploration.Unavailable);
        var trace = exploration.Trace!;
        var report = await builder.BuildAsync(team, run, CancellationToken.None);
        Assert.NotNull(report);
        Assert.Equal(report.Strategies.Select(s => s.StrategyId), trace.Strategies.Select(s => s.StrategyId));
        for (var i = 0; i < report.Strategies.Count; i++)
        {
            var stored = await builder.EpisodesAsync(run, i, report.Strategies[i].StrategyId, CancellationToken.None).SingleAsync(e => e.Episode == episode);
            var traced = trace.Strategies[i];
            Assert.Equal(stored.ShortfallBps, traced.Result.ShortfallBps, 1e-9);
            Assert.Equal(stored.ShortfallBps, traced.Children.Sum(c => c.CostBps) + traced.Result.OpportunityCostBps, 1e-9);
            Assert.Equal(stored.VwapSlippageBps, traced.Result.VwapSlippageBps, 1e-9);
        }
    }

    [Fact]
    public async Task Another_team_sees_no_run_and_episodes_outside_the_run_are_refused()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var (team, run, _) = await StoreRunAsync(store, ScenarioPresets.Demo() with { Episodes = 20, Strategies = ["twap"] });
        var explorer = new EpisodeExplorer(store.Factory);

        Assert.Null(await explorer.TraceAsync(Guid.NewGuid(), run, 0, CancellationToken.None));
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => explorer.TraceAsync(team, run, 20, CancellationToken.None));
        Assert.Equal("episode", e.ParamName);
    }

    [Fact]
    public async Task A_run_with_an_agent_and_no_way_to_load_it_says_so()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var (team, run, _) = await StoreRunAsync(store, ScenarioPresets.Demo() with { Episodes = 20, Strategies = ["twap"] });
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var stored = await db.Runs.FindAsync(run);
            stored!.ScenarioJson = ScenarioJson.Serialize(ScenarioPresets.Demo() with { Episodes = 20, Strategies = ["twap", Portal.Domain.Strategies.StrategyId.ForAgent(Guid.NewGuid())] });
            await db.SaveChangesAsync();
        }

        var exploration = await new EpisodeExplorer(store.Factory).TraceAsync(team, run, 3, CancellationToken.None);

        Assert.NotNull(exploration);
        Assert.Null(exploration.Trace);
        Assert.Contains("agents", exploration.Unavailable);
    }
}
