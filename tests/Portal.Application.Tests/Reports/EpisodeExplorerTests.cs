using Microsoft.Extensions.Logging.Abstractions;
using Portal.Application.Reports;
using Portal.Data;
using Portal.Data.Datasets;
using Portal.Data.Entities;
using Portal.Data.Runs;
using Portal.Data.Tests;
using Portal.Domain.Backtesting;
using Portal.Domain.MarketData;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;
using Portal.Testing;

namespace Portal.Application.Tests.Reports;

/// <summary>The run page's episode explorer re-simulates a stored run's episode (or replays its market window) and finds the
/// numbers the run stored.</summary>
public sealed class EpisodeExplorerTests
{
    private static readonly Lazy<MarketDataset> Amzn = new(() =>
        MarketDataImporter.ImportFiles("lobster", [SharedData.File(SharedData.AmznMessage1), SharedData.File(SharedData.AmznOrderbook1)]));

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

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(5)]
    public async Task A_replayed_window_fills_the_order_at_recorded_prices_and_has_the_stored_episode_shortfall(int episode)
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        Guid team;
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var desk = new Team { Name = "Desk" };
            db.Teams.Add(desk);
            await db.SaveChangesAsync();
            team = desk.Id;
        }

        var datasetId = (await new DatasetStore(store.Factory).SaveAsync(team, "amzn day", Amzn.Value, "test")).Dataset.Id;
        var scenario = ScenarioPresets.Demo() with
        {
            Name = "amzn replay", Episodes = 6, Seed = 4, Strategies = ["twap", "immediate", "twap-passive"],
            Order = ScenarioPresets.Demo().Order with { Side = Side.Sell, SizePctAdv = 0.5, HorizonMinutes = 30, Steps = 6 },
            Replay = new ReplaySpec { DatasetId = datasetId, Options = new ReplayOptions { Segment = ReplaySegment.All } },
        };
        var result = ReplayRunner.Run(scenario, Amzn.Value, scenario.Replay!.Options);
        Guid run;
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var entity = new Run { TeamId = team, ScenarioName = scenario.Name, ScenarioJson = ScenarioJson.Serialize(scenario), Episodes = scenario.Episodes, Seed = scenario.Seed };
            db.Runs.Add(entity);
            await db.SaveChangesAsync();
            run = entity.Id;
        }
        await new RunResultStore(store.Factory, NullLogger<RunResultStore>.Instance).SaveAsync(run, result, CancellationToken.None);
        var builder = new RunReportBuilder(store.Factory, new EpisodeStore(store.Factory));
        var report = await builder.BuildAsync(team, run, CancellationToken.None);
        Assert.NotNull(report);

        var exploration = await new EpisodeExplorer(store.Factory).TraceAsync(team, run, episode, CancellationToken.None);

        Assert.NotNull(exploration);
        Assert.Null(exploration.Unavailable);
        var trace = exploration.Trace!;
        var window = trace.Window!;
        var expected = ReplayRunner.Windows(scenario, Amzn.Value, scenario.Replay.Options)[episode];
        Assert.Equal((expected.StartNs, expected.EndNs), (window.StartNs, window.EndNs));
        // Named as people read it, on the exchange's clock of the recording (LOBSTER: New York).
        Assert.Matches($@"^window {episode + 1} of 6, 2012-06-21 \d\d:\d\d(:\d\d)?–\d\d:\d\d(:\d\d)? America/New_York$", exploration.Window);
        Assert.Equal("America/New_York", exploration.Clock!.TimeZone);
        Assert.Equal(new DateOnly(2012, 6, 21), exploration.Clock.Date);
        // No look-ahead: the recorded touch shown lies inside the window.
        Assert.All(window.Path, q => Assert.InRange(q.TimeNs, window.StartNs, window.EndNs));
        Assert.Equal(trace.Quantity, result.Quantity, 1e-6);
        Assert.Equal(report.Strategies.Select(s => s.StrategyId), trace.Strategies.Select(s => s.StrategyId));
        var book = Amzn.Value.Book;
        var limitFills = 0;
        for (var i = 0; i < report.Strategies.Count; i++)
        {
            var stored = await builder.EpisodesAsync(run, i, report.Strategies[i].StrategyId, CancellationToken.None).SingleAsync(e => e.Episode == episode);
            var traced = trace.Strategies[i];
            Assert.Equal(stored.ShortfallBps, traced.Result.ShortfallBps, 1e-9);
            Assert.Equal(stored.TimingBps, traced.Result.TimingBps, 1e-9);
            Assert.Equal(stored.SpreadAndFeesBps, traced.Result.SpreadAndFeesBps, 1e-9);
            Assert.Equal(stored.ShortfallBps, traced.Children.Sum(c => c.CostBps) + traced.Result.OpportunityCostBps, 1e-6);
            // The fills add up to the parent order (nothing is left unfilled without a participation cap).
            Assert.Equal(trace.Quantity, traced.Children.Sum(c => c.Shares), 1e-6 * trace.Quantity);
            Assert.Equal(trace.Quantity, traced.Children.SelectMany(c => c.Fills).Sum(f => f.Shares), 1e-6 * trace.Quantity);
            foreach (var c in traced.Children)
            {
                foreach (var f in c.Fills)
                {
                    Assert.InRange(f.TimeNs, window.StartNs, window.EndNs);
                    var row = RowAtOrBefore(book, f.TimeNs);
                    if (f.Kind == FillKind.Limit)
                    {
                        // A sell's limit fill rests at or above the recorded bid it was posted against, less our own displacement.
                        limitFills++;
                        Assert.Equal(f.TouchPrice - f.Displacement, f.Price, 1e-9);
                        continue;
                    }
                    // A market sell hits the recorded best bid of the snapshot in force and walks down from it, never above it.
                    var bid = book.BidPrices[row * book.Levels];
                    Assert.Equal(bid, f.TouchPrice, 1e-9);
                    Assert.True(f.Price <= bid + 1e-9, $"{traced.StrategyId} sold at {f.Price} above the recorded bid {bid}");
                    Assert.True(f.LevelsWalked >= 1);
                    if (f.Kind == FillKind.Market && f.Displacement == 0 && f.LevelsWalked == 1)
                    {
                        Assert.Equal(bid, f.Price, 1e-9);
                    }
                }
                Assert.Equal(window.BestBid[c.Step], book.BidPrices[RowAtOrBefore(book, window.StartNs + (long)Math.Round(c.Step * trace.StepMinutes * 60e9)) * book.Levels], 1e-9);
            }
        }
        // Immediate sells everything at the window's start, walking deeper than one level.
        var immediate = trace.Strategies.Single(s => s.StrategyId == "immediate");
        Assert.Equal(trace.Quantity, immediate.Children[0].Shares, 1e-6 * trace.Quantity);
        // The passive schedule posts limit orders; the recorded queue fills some of them inside the window.
        Assert.True(limitFills > 0, "no limit fill in the window");
    }

    private static int RowAtOrBefore(BookSeries book, long t)
    {
        var times = book.Times;
        var row = 0;
        for (var i = 0; i < times.Length && times[i] <= t; i++) row = i;
        return row;
    }
}
