using Portal.Domain.Replay;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Tests.Scenarios;

/// <summary>Each market model's longest horizon: synthetic markets 30 trading days, a market calibrated from a recorded
/// session that session, a replay its recording.</summary>
public sealed class HorizonLimitsTests
{
    private static Scenario WithHorizon(double minutes, double start = 0) =>
        ScenarioPresets.Demo() with { Order = ScenarioPresets.Demo().Order with { HorizonMinutes = minutes, StartMinutesAfterOpen = start } };

    private static string? HorizonError(Scenario s) => s.Validate().SingleOrDefault(e => e.Field == "order.horizonMinutes")?.Message;

    [Fact]
    public void A_synthetic_market_takes_any_horizon_up_to_thirty_trading_days_and_refuses_a_million_minutes()
    {
        Assert.Null(HorizonError(WithHorizon(11_700)));
        Assert.Equal("is 1E+06, allowed range (0, 11700] (30 trading days of 390 minutes: longer is a portfolio transition, not an execution)",
            HorizonError(WithHorizon(1_000_000)));
        Assert.NotNull(HorizonError(WithHorizon(11_700.5)));
        Assert.NotNull(HorizonError(WithHorizon(0)));
        Assert.NotNull(HorizonError(WithHorizon(double.NaN)));
    }

    [Fact]
    public void A_market_calibrated_from_a_session_ends_within_the_session_left_after_the_start()
    {
        var calibrated = WithHorizon(390) with { Market = ScenarioPresets.Demo().Market with { CalibratedFrom = "AMZN 2012-06-21" } };
        Assert.Null(HorizonError(calibrated));
        Assert.Equal("is 391, allowed range (0, 390] (the market is calibrated from one recorded session (AMZN 2012-06-21) of 390 minutes)",
            HorizonError(calibrated with { Order = calibrated.Order with { HorizonMinutes = 391 } }));

        var late = calibrated with { Order = calibrated.Order with { HorizonMinutes = 331, StartMinutesAfterOpen = 60 } };
        Assert.Equal(330, HorizonLimits.For(late).MaxMinutes);
        Assert.EndsWith("of 390 minutes, of which 330 are left after a start 60 minutes after the open)", HorizonError(late));
        // The same order on a synthetic market may run for days.
        Assert.Null(HorizonError(late with { Market = late.Market with { CalibratedFrom = null } }));
    }

    [Fact]
    public void A_replay_fits_one_recorded_session_and_once_the_recording_is_known_its_segment()
    {
        var replay = WithHorizon(300) with { Replay = new ReplaySpec { DatasetId = Guid.NewGuid(), Options = new ReplayOptions { Segment = ReplaySegment.Test } } };
        Assert.Null(HorizonError(replay));
        Assert.Equal("is 400, allowed range (0, 390] (a replay cannot outlast one recorded session of 390 minutes)",
            HorizonError(replay with { Order = replay.Order with { HorizonMinutes = 400 } }));

        var refused = HorizonLimits.Check(replay, recordedSegmentMinutes: 117);
        Assert.Equal(new ValidationError("order.horizonMinutes",
            "is 300, allowed range (0, 117] (the test segment of the replayed recording lasts 117 minutes; an episode's window must fit inside it)"), refused);
        Assert.Null(HorizonLimits.Check(replay with { Order = replay.Order with { HorizonMinutes = 117 } }, 117));
    }

    [Fact]
    public void Steps_are_bounded_by_one_per_second_of_the_horizon()
    {
        var limit = HorizonLimits.For(WithHorizon(60));
        Assert.Equal(3600, limit.MaxSteps(60));
        Assert.Equal(Scenario.MaxSteps, limit.MaxSteps(11_700));
        Assert.Equal(1, limit.MaxSteps(0.001));
    }

    [Fact]
    public void The_source_of_a_calibration_is_written_only_when_there_is_one()
    {
        var synthetic = ScenarioJson.Serialize(ScenarioPresets.Demo());
        Assert.DoesNotContain("calibratedFrom", synthetic);
        var calibrated = ScenarioPresets.Demo() with { Market = ScenarioPresets.Demo().Market with { CalibratedFrom = "AMZN 2012-06-21" } };
        Assert.Equal("AMZN 2012-06-21", ScenarioJson.Parse(ScenarioJson.Serialize(calibrated)).Market.CalibratedFrom);
        var unnamed = calibrated with { Market = calibrated.Market with { CalibratedFrom = "" } };
        Assert.Contains(unnamed.Validate(), e => e.Field == "market.calibratedFrom");
    }
}
