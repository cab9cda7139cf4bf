using Portal.Application.Reports;

namespace Portal.Application.Tests.Reports;

/// <summary>A frozen report reads back as it was written.</summary>
public sealed class RunReportSnapshotTests
{
    [Fact]
    public void A_report_reads_back_equal_and_serialises_to_the_same_text()
    {
        var strategy = new ReportStrategySummary(
            "twap", "TWAP", 3, 12.5, 1.25, 11.0, 14.0, 10.5, 12.5, 14.5, 14.75, -10.0, 1, 1234.5,
            null, null, null, 0.125, [1, 0.5, 0], [1, 0.4, 0], [1, 0.6, 0], [11.0, 12.5, 0.1 + 0.2],
            [0.5, 0.5], new ReportExecution(0.01, 0, 2, 0.75, 0))
        {
            VsBestStaticMeanBps = -0.25, VsBestStaticCiLowBps = -0.5, VsBestStaticCiHighBps = 0,
            VsBestStaticObjectiveBps = 1.5, VsBestStaticObjectiveCiLowBps = 1, VsBestStaticObjectiveCiHighBps = 2,
            CostHistogramShares = [33.333333333333336, 0, 66.66666666666667],
        };
        var report = new RunReport(
            Guid.Parse("6f1c2b9e-3d4a-4c1e-9a7b-2e5d8c0f1a23"), "Execution Lab run: s", "Desk", "s",
            new DateTime(2026, 11, 30, 14, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 30, 14, 7, 31, DateTimeKind.Utc), "1.2.3",
            [new ReportParameter("Side", "Sell")], 3, 42, "optimum", 11.75, [strategy],
            [new ReportRegimeRow("normal", "twap", "TWAP", 2, 6, 12.0, 11.0, 13.0)],
            [new ReportAgentCurves("agent:x", "ppo", [100, 200], [(7, [9.5, 8.25])]) { AgentId = Guid.Parse("00000000-0000-0000-0000-000000000007"), Algorithm = "ppo" }])
        {
            Warnings = ["w"], IndependentUnits = 3, UnitKind = "episode", CreatedBy = "a@b", Regime = "normal",
            SizeBucket = "≤5% ADV", HorizonBucket = "≤1 h", RiskAversion = 1e-6, CostHistogram = new CostHistogram(0, 5, 3, 66.66666666666667),
            StepMinutes = 1, Clock = SessionClock.Exchange("America/New_York", new DateOnly(2012, 6, 21), new TimeOnly(9, 30), 1),
        };

        var json = RunReportSnapshot.Serialize(report);
        var back = RunReportSnapshot.TryDeserialize(json);

        Assert.NotNull(back);
        Assert.Equal(json, RunReportSnapshot.Serialize(back));
        var s = Assert.Single(back.Strategies);
        Assert.Equal(0.1 + 0.2, s.ShortfallHistogramSampleBps[2]);
        Assert.Equal(new ReportExecution(0.01, 0, 2, 0.75, 0), s.Execution);
        Assert.Equal(1.5, s.VsBestStaticObjectiveBps);
        Assert.Equal(DateTimeKind.Utc, back.FinishedUtc!.Value.Kind);
        Assert.Equal(report.FinishedUtc, back.FinishedUtc);
        Assert.Equal([9.5, 8.25], back.AgentCurves[0].Seeds[0].Values);
        Assert.Equal(7, back.AgentCurves[0].Seeds[0].Seed);
        Assert.Equal(report.CostHistogram, back.CostHistogram);
        Assert.Equal(report.Clock, back.Clock);
        Assert.Equal("09:31", back.Clock.Label(1));
        Assert.StartsWith("{\"version\":1,", json);
    }

    [Fact]
    public void A_snapshot_frozen_before_the_clock_was_recorded_reads_minutes_from_its_step_length()
    {
        const string json = "{\"version\":1,\"report\":{\"runId\":\"6f1c2b9e-3d4a-4c1e-9a7b-2e5d8c0f1a23\",\"title\":\"t\",\"teamName\":\"Desk\",\"scenarioName\":\"s\"," +
            "\"createdUtc\":\"2026-11-30T14:00:00Z\",\"softwareVersion\":\"1\",\"parameters\":[],\"episodes\":0,\"seed\":1,\"strategies\":[],\"stepMinutes\":5}}";

        var back = RunReportSnapshot.TryDeserialize(json);

        Assert.NotNull(back);
        Assert.Equal(SessionClock.Minutes(5), back.Clock);
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.131, true)]
    public void The_known_optimum_says_it_covers_market_orders_only_when_a_strategy_posted_limit_orders(double passiveShare, bool scoped)
    {
        var twap = new ReportStrategySummary(
            "twap-passive", "Passive TWAP", 3, 12.5, 1.25, 11.0, 14.0, 10.5, 12.5, 14.5, 14.75, -10.0, 1, 1234.5,
            null, null, null, 0.125, [1, 0.5, 0], [1, 0.4, 0], [1, 0.6, 0], [11.0, 12.5, 13.0], [0.5, 0.5],
            new ReportExecution(0, 0, 0, 0.5, 0) { PassiveShare = passiveShare });
        RunReport Report(string? optimum) => new(Guid.NewGuid(), "t", "Desk", "s", DateTime.UtcNow, null, "1", [], 3, 42,
            optimum, optimum is null ? null : 11.75, [twap], [], []);

        Assert.Equal(scoped, Report("Almgren–Chriss mean-variance optimum").OptimumScope?.Contains("market orders", StringComparison.Ordinal) == true);
        Assert.Null(Report(null).OptimumScope);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("{not json")]
    [InlineData("{\"version\":0,\"report\":null}")]
    public void An_empty_unreadable_or_other_version_snapshot_reads_as_none(string? json) =>
        Assert.Null(RunReportSnapshot.TryDeserialize(json));
}
