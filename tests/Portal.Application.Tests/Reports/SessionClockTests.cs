using Portal.Application.Reports;
using Portal.Domain.MarketData;
using Portal.Domain.Scenarios;

namespace Portal.Application.Tests.Reports;

/// <summary>The time axis every run chart, the episode explorer and the PDF share.</summary>
public sealed class SessionClockTests
{
    private static readonly DateOnly Summer = new(2012, 6, 21);   // EDT, UTC−4 (the LOBSTER AMZN sample day)
    private static readonly DateOnly Winter = new(2012, 1, 17);   // EST, UTC−5

    [Theory]
    [InlineData(0, "09:30")]
    [InlineData(1, "09:31")]
    [InlineData(30, "10:00")]
    [InlineData(211, "13:01")]
    [InlineData(389, "15:59")]
    [InlineData(390, "16:00")]
    public void Step_k_of_a_390_step_lobster_day_is_0930_plus_k_minutes_exchange_time(int k, string expected)
    {
        var clock = SessionClock.Exchange(ExchangeTimeZone.NewYork, Summer, new TimeOnly(9, 30), 390.0 / 390);

        Assert.Equal(expected, clock.Label(k));
        Assert.Equal(570 + k, clock.At(k), 9);
        Assert.Equal("Exchange time, America/New_York (HH:MM)", clock.Title);
        Assert.Equal("09:30–16:00 America/New_York (exchange time)", clock.Span(390));
    }

    [Fact]
    public void Exchange_time_converts_to_utc_with_daylight_saving()
    {
        var summer = SessionClock.Exchange(ExchangeTimeZone.NewYork, Summer, new TimeOnly(9, 30), 1);
        var winter = summer with { Date = Winter };

        // The labels are the exchange's clock whatever the season...
        Assert.Equal(summer.Label(0), winter.Label(0));
        // ... but the instants differ by the daylight-saving hour: 13:30Z in June (EDT), 14:30Z in January (EST).
        Assert.Equal(new DateTime(2012, 6, 21, 13, 30, 0, DateTimeKind.Utc), summer.ToUtc(0));
        Assert.Equal(new DateTime(2012, 6, 21, 20, 0, 0, DateTimeKind.Utc), summer.ToUtc(390));
        Assert.Equal(new DateTime(2012, 1, 17, 14, 30, 0, DateTimeKind.Utc), winter.ToUtc(0));
        Assert.Equal(DateTimeKind.Utc, summer.ToUtc(0)!.Value.Kind);
        // A clock without a calendar has no instant.
        Assert.Null(SessionClock.Minutes(5).ToUtc(0));
    }

    [Fact]
    public void The_day_daylight_saving_starts_moves_the_open_by_an_hour_in_utc_but_not_on_the_axis()
    {
        // 2012-03-11: clocks in New York went from EST to EDT at 02:00. The Friday before opens at 14:30Z, the Monday after at 13:30Z.
        var friday = SessionClock.Exchange(ExchangeTimeZone.NewYork, new DateOnly(2012, 3, 9), new TimeOnly(9, 30), 1);
        var monday = friday with { Date = new DateOnly(2012, 3, 12) };

        Assert.Equal(new DateTime(2012, 3, 9, 14, 30, 0, DateTimeKind.Utc), friday.ToUtc(0));
        Assert.Equal(new DateTime(2012, 3, 12, 13, 30, 0, DateTimeKind.Utc), monday.ToUtc(0));
        Assert.Equal("09:30", monday.Label(0));
    }

    [Fact]
    public void Without_a_calendar_the_axis_counts_minutes_from_the_start_and_names_its_unit()
    {
        var clock = SessionClock.Minutes(5);

        Assert.Equal("Time from the order's start (min)", clock.Title);
        Assert.Equal("0 min", clock.Label(0));
        Assert.Equal("60 min", clock.Label(12));
        Assert.Equal("30", clock.Format(clock.At(6)));
        Assert.Equal("0–60 min from the order's start", clock.Span(12));
        Assert.Equal("Time from each window's start (min)", SessionClock.Minutes(5, SessionClock.WindowStart).Title);
        Assert.Equal("Decision step", SessionClock.Steps.Title);
        Assert.Equal("step 7", SessionClock.Steps.Label(7));
    }

    [Fact]
    public void Ticks_are_clock_steps_of_at_least_one_decision_step()
    {
        // A 390-minute day at 1-minute steps: half-hour ticks fit 14 labels, hourly ticks 8.
        Assert.Equal(14, SessionClock.Ticks(570, 960, 1, most: 14).Count);
        Assert.Equal([600.0, 660, 720, 780, 840, 900, 960], SessionClock.Ticks(570, 960, 1, most: 8));
        // An hour at 5-minute steps.
        Assert.Equal([0.0, 10, 20, 30, 40, 50, 60], SessionClock.Ticks(0, 60, 5, most: 10));
        // Steps of 7 minutes: ticks never finer than a step.
        Assert.All(SessionClock.Ticks(0, 70, 7, most: 100).Zip(SessionClock.Ticks(0, 70, 7, most: 100).Skip(1)), p => Assert.True(p.Second - p.First >= 7));
    }

    [Fact]
    public void Construction_rejects_what_cannot_be_a_clock()
    {
        Assert.Throws<ArgumentOutOfRangeException>("StepMinutes", () => new SessionClock(-1));
        Assert.Throws<ArgumentOutOfRangeException>("StepMinutes", () => new SessionClock(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>("OriginMinutes", () => new SessionClock(1, 570));
        Assert.Throws<ArgumentOutOfRangeException>("TimeZone", () => new SessionClock(1, 570, "Mars/Olympus_Mons"));
        Assert.Throws<ArgumentOutOfRangeException>("stepMinutes", () => SessionClock.Minutes(0));
        Assert.Throws<ArgumentOutOfRangeException>("format", () => ExchangeTimeZone.Of("parquet"));
    }

    [Fact]
    public void A_simulated_run_reads_minutes_from_the_order_start_and_a_report_survives_its_snapshot()
    {
        var scenario = ScenarioPresets.Demo() with { Order = ScenarioPresets.Demo().Order with { HorizonMinutes = 60, Steps = 12, StartMinutesAfterOpen = 120 } };

        var clock = RunReportBuilder.ClockOf(scenario, null);

        Assert.Equal(SessionClock.Minutes(5), clock);
        Assert.Equal(SessionClock.Steps, RunReportBuilder.ClockOf(null, null));
        var replay = scenario with { Replay = new ReplaySpec { DatasetId = Guid.NewGuid() } };
        Assert.Equal("Time from each window's start (min)", RunReportBuilder.ClockOf(replay, null).Title);
    }
}
