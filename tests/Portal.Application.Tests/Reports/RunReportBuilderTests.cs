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

/// <summary>What the report builder adds for the run page: the cost breakdown, the time axis, the replay's real market.</summary>
public sealed class RunReportBuilderTests
{
    private static readonly Lazy<MarketDataset> Amzn = new(() =>
        MarketDataImporter.ImportFiles("lobster", [SharedData.File(SharedData.AmznMessage1), SharedData.File(SharedData.AmznOrderbook1)]));

    private static async Task<(Guid Team, Guid Run)> StoreAsync(TestStore store, Scenario scenario, Func<Guid, BacktestResult> run)
    {
        Guid teamId, runId;
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var team = new Team { Name = "Desk" };
            db.Teams.Add(team);
            await db.SaveChangesAsync();
            teamId = team.Id;
        }

        var result = run(teamId);
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var entity = new Run { TeamId = teamId, ScenarioName = scenario.Name, ScenarioJson = ScenarioJson.Serialize(scenario), Episodes = scenario.Episodes, Seed = scenario.Seed };
            db.Runs.Add(entity);
            await db.SaveChangesAsync();
            runId = entity.Id;
        }

        await new RunResultStore(store.Factory, NullLogger<RunResultStore>.Instance).SaveAsync(runId, result, CancellationToken.None);
        return (teamId, runId);
    }

    [Fact]
    public async Task Each_strategy_cost_breakdown_adds_up_to_its_mean_shortfall_and_matches_the_episodes()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var scenario = ScenarioPresets.Demo() with
        {
            Name = "breakdown", Episodes = 400, Seed = 3, Strategies = ["twap", "pov", "immediate"],
            Order = ScenarioPresets.Demo().Order with { HorizonMinutes = 60, Steps = 12, StartMinutesAfterOpen = 45 },
            Constraints = new ConstraintSpec { MaxParticipationPct = 20, AtHorizon = HorizonRule.HoldCap },
        };
        var (team, run) = await StoreAsync(store, scenario, _ => BacktestRunner.Run(scenario));
        var builder = new RunReportBuilder(store.Factory, new EpisodeStore(store.Factory));

        var report = await builder.BuildAsync(team, run, CancellationToken.None);

        Assert.NotNull(report);
        Assert.Equal(5, report.StepMinutes);
        Assert.Equal(45, report.StartMinutesAfterOpen);
        for (var i = 0; i < report.Strategies.Count; i++)
        {
            var s = report.Strategies[i];
            var b = s.CostBreakdown!;
            Assert.Equal(s.MeanBps, b.TotalBps, 1e-9);
            Assert.Equal(s.Execution.OpportunityCostBps, b.OpportunityBps, 1e-9);
            var rows = await builder.EpisodesAsync(run, i, s.StrategyId, CancellationToken.None).ToListAsync();
            Assert.Equal(rows.Average(r => r.VwapSlippageBps), b.VwapSlippageBps, 1e-9);
            Assert.Equal(rows.Average(r => r.TimingBps), b.TimingBps, 1e-9);
        }
        // A cap held at the horizon leaves some of the order unfilled for someone: its opportunity cost is in the breakdown.
        Assert.Contains(report.Strategies, s => s.CostBreakdown!.OpportunityBps != 0);
        Assert.Contains(report.Parameters, p => p.Name == "Arrival price");
    }

    [Fact]
    public async Task A_replay_report_names_the_dataset_window_shares_and_recorded_price_not_the_synthetic_market()
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
            Name = "amzn replay", Episodes = 20, Strategies = ["twap"],
            Order = ScenarioPresets.Demo().Order with { SizePctAdv = 0.5, HorizonMinutes = 5, Steps = 10 },
            Replay = new ReplaySpec { DatasetId = datasetId, Options = new ReplayOptions { Segment = ReplaySegment.Test } },
        };
        var result = ReplayRunner.Run(scenario, Amzn.Value, scenario.Replay!.Options);
        Guid runId;
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var entity = new Run { TeamId = team, ScenarioName = scenario.Name, ScenarioJson = ScenarioJson.Serialize(scenario), Episodes = 20, Seed = scenario.Seed };
            db.Runs.Add(entity);
            await db.SaveChangesAsync();
            runId = entity.Id;
        }
        await new RunResultStore(store.Factory, NullLogger<RunResultStore>.Instance).SaveAsync(runId, result, CancellationToken.None);

        var report = await new RunReportBuilder(store.Factory, new EpisodeStore(store.Factory)).BuildAsync(team, runId, CancellationToken.None);

        Assert.NotNull(report);
        var p = report.Parameters.ToDictionary(x => x.Name, x => x.Value);
        Assert.StartsWith("amzn day (AMZN, ", p["Replayed dataset"]);
        Assert.Matches(@"^Test: \d\d:\d\d:\d\d–\d\d:\d\d:\d\d$", p["Replay segment (exchange time)"]);
        Assert.Equal(result.Quantity.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), p["Quantity (shares)"]);
        Assert.Matches(@"^2\d\d\.\d\d at the segment start, range 2\d\d\.\d\d–2\d\d\.\d\d$", p["Recorded mid (currency)"]);
        Assert.False(p.ContainsKey("Arrival price"));
        Assert.False(p.ContainsKey("Impact model"));
        // LOBSTER times are New York exchange time; twenty windows spread over the segment share no clock, so the charts count minutes.
        Assert.StartsWith("America/New_York", p["Exchange clock"]);
        Assert.Equal("Time from each window's start (min)", report.Clock.Title);
        Assert.Equal("5 min", report.Clock.Label(10));
        Assert.Equal(0.5 / 100 * double.Parse(p["ADV (shares, from the recording)"], System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture),
            result.Quantity, 0.51);
    }

    [Fact]
    public void A_replay_of_one_window_reads_its_axes_on_the_exchange_clock_of_the_recording()
    {
        // The AMZN sample day runs 09:30–16:00 New York time; one 60-step hour from the first book snapshot.
        var scenario = ScenarioPresets.Demo() with
        {
            Name = "amzn hour", Episodes = 1, Strategies = ["twap"],
            Order = ScenarioPresets.Demo().Order with { SizePctAdv = 0.5, HorizonMinutes = 60, Steps = 60 },
            Replay = new ReplaySpec { DatasetId = Guid.NewGuid(), Options = new ReplayOptions { Segment = ReplaySegment.All } },
        };

        var replay = ReplayDescription.Of(scenario, "amzn day", Amzn.Value);
        var clock = RunReportBuilder.ClockOf(scenario, replay);

        Assert.Equal("America/New_York", replay.TimeZone);
        Assert.Equal("Exchange time, America/New_York (HH:MM)", clock.Title);
        Assert.Equal("09:30", clock.Label(0));
        Assert.Equal("10:00", clock.Label(30));
        // 10:30 in New York on 21 June 2012 (EDT) is 14:30 UTC; the window starts within a second of the open.
        var utc = new DateTime(2012, 6, 21, 14, 30, 0, DateTimeKind.Utc);
        Assert.InRange(clock.ToUtc(60)!.Value, utc, utc.AddSeconds(1));
    }
}
