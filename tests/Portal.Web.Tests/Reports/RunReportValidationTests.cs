using Portal.Application.Reports;
using Portal.Web.Features.Reports;

namespace Portal.Web.Tests.Reports;

public class RunReportValidationTests
{
    private static readonly DateTime Created = new(2026, 11, 20, 9, 30, 0, DateTimeKind.Utc);

    private static RunReport Report(
        Guid? runId = null, string title = "Run", DateTime? created = null, DateTime? finished = null,
        IReadOnlyList<ReportParameter>? parameters = null, int episodes = 10, string? optimum = null, double? optimumCost = null,
        IReadOnlyList<ReportStrategySummary>? strategies = null) => new(
        runId ?? ReportSamples.RunId, title, "Team", "Scenario", created ?? Created, finished, "1.0.0",
        parameters ?? [], episodes, 1, optimum, optimumCost, strategies ?? []);

    private static ReportStrategySummary Strategy(
        string id = "twap", double ciLow = 1, double ciHigh = 2, double completion = 1, double? twapLow = null, double? twapHigh = null,
        double[]? mean = null, double[]? p5 = null, double[]? p95 = null) => new(
        id, "TWAP", 10, 1.5, 1, ciLow, ciHigh, 0, 1.5, 3, 4, 1.5, completion, 100, null, twapLow, twapHigh, null,
        mean ?? [1, 0], p5 ?? [1, 0], p95 ?? [1, 0], []);

    [Fact]
    public void A_valid_report_keeps_every_value()
    {
        var strategy = Strategy(twapLow: -1, twapHigh: 1);
        var report = Report(finished: Created.AddMinutes(5), parameters: [new("Horizon", "60 min")], optimum: "AC", optimumCost: 2.5, strategies: [strategy]);

        Assert.Equal(Created.AddMinutes(5), report.FinishedUtc);
        Assert.Equal("AC", report.OptimumName);
        Assert.Equal(2.5, report.OptimumExpectedCostBps);
        Assert.Same(strategy, Assert.Single(report.Strategies));
        Assert.Equal(1, strategy.VsTwapCiHighBps);
    }

    [Fact]
    public void Unspecified_times_are_taken_as_utc_and_local_times_are_refused()
    {
        var unspecified = new DateTime(2026, 11, 20, 9, 30, 0, DateTimeKind.Unspecified);

        Assert.Equal(DateTimeKind.Utc, Report(created: unspecified).CreatedUtc.Kind);
        var error = Assert.Throws<ArgumentException>(() => Report(created: new DateTime(2026, 11, 20, 9, 30, 0, DateTimeKind.Local)));
        Assert.Equal("CreatedUtc", error.ParamName);
    }

    [Fact]
    public void Invalid_run_fields_are_refused_naming_the_parameter()
    {
        Assert.Equal("RunId", Assert.Throws<ArgumentException>(() => Report(runId: Guid.Empty)).ParamName);
        Assert.Equal("Title", Assert.Throws<ArgumentException>(() => Report(title: "  ")).ParamName);
        Assert.Equal("Episodes", Assert.Throws<ArgumentOutOfRangeException>(() => Report(episodes: -1)).ParamName);
        Assert.Equal("FinishedUtc", Assert.Throws<ArgumentOutOfRangeException>(() => Report(finished: Created.AddSeconds(-1))).ParamName);
        Assert.Equal("OptimumExpectedCostBps", Assert.Throws<ArgumentException>(() => Report(optimum: "AC")).ParamName);
        Assert.Equal("OptimumExpectedCostBps", Assert.Throws<ArgumentException>(() => Report(optimumCost: 1)).ParamName);
        Assert.Equal("Parameters", Assert.Throws<ArgumentException>(() => Report(parameters: [new("A", "1"), new("A", "2")])).ParamName);
        Assert.Equal("Strategies", Assert.Throws<ArgumentException>(() => Report(strategies: [Strategy("x"), Strategy("x")])).ParamName);
        Assert.Equal("Name", Assert.Throws<ArgumentException>(() => new ReportParameter("", "1")).ParamName);
    }

    [Fact]
    public void Invalid_strategy_fields_are_refused_naming_the_parameter()
    {
        Assert.Equal("StrategyId", Assert.Throws<ArgumentException>(() => Strategy(id: "")).ParamName);
        Assert.Equal("MeanCiHighBps", Assert.Throws<ArgumentOutOfRangeException>(() => Strategy(ciLow: 3, ciHigh: 2)).ParamName);
        Assert.Equal("VsTwapCiHighBps", Assert.Throws<ArgumentOutOfRangeException>(() => Strategy(twapLow: 1, twapHigh: -1)).ParamName);
        Assert.Equal("Completion", Assert.Throws<ArgumentOutOfRangeException>(() => Strategy(completion: 1.01)).ParamName);
        Assert.Equal("InventoryP5Fraction", Assert.Throws<ArgumentException>(() => Strategy(p5: [1, 0.5, 0])).ParamName);
        Assert.Equal("InventoryP95Fraction", Assert.Throws<ArgumentException>(() => Strategy(p95: [1])).ParamName);
    }

    [Fact]
    public void Statistics_that_could_not_be_computed_are_accepted_as_nan()
    {
        var strategy = Strategy(ciLow: double.NaN, ciHigh: double.NaN, completion: double.NaN);

        Assert.True(double.IsNaN(strategy.MeanCiHighBps));
        Assert.True(double.IsNaN(strategy.Completion));
    }

    [Fact]
    public void Episode_rows_refuse_a_blank_strategy_or_a_negative_index()
    {
        Assert.Equal("StrategyId", Assert.Throws<ArgumentException>(() => new ReportEpisodeRow(" ", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)).ParamName);
        Assert.Equal("Episode", Assert.Throws<ArgumentOutOfRangeException>(() => new ReportEpisodeRow("twap", -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)).ParamName);
    }
}
