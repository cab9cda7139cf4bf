using Portal.Application.Reports;
using Portal.Data.Entities;

namespace Portal.Application.Tests.Reports;

/// <summary>The figures the renderers iterate: keys unique and stable, each read from the stored summary into the report row.</summary>
public sealed class ReportMetricTests
{
    [Fact]
    public void Keys_are_unique_snake_case_and_clash_with_no_fixed_csv_column()
    {
        var keys = ReportMetric.All.Select(m => m.Key).ToList();

        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.All(keys, k => Assert.Matches("^[a-z][a-z0-9_]*$", k));
        Assert.All(ReportMetric.All, m => Assert.False(string.IsNullOrWhiteSpace(m.Label) || string.IsNullOrWhiteSpace(m.Help)));
    }

    [Fact]
    public void A_stored_strategy_row_holds_every_figure_as_stored_and_null_where_not_recorded()
    {
        var recorded = new RunStrategyResult { StrategyId = "twap-passive", DisplayName = "Passive TWAP", Summary = new RunStrategySummary { CrossedOnExpiryShare = 0.375 } };
        var older = new RunStrategyResult { StrategyId = "twap", DisplayName = "TWAP" };

        var row = ReportStrategySummary.From(recorded);
        var old = ReportStrategySummary.From(older);

        Assert.Equal(ReportMetric.All.Select(m => m.Key), row.Metrics.Keys);
        Assert.Equal(0.375, ReportMetric.All.Single(m => m.Key == "crossed_on_expiry_share").ValueOf(row));
        Assert.All(ReportMetric.All, m => Assert.Equal(m.Read(recorded.Summary), m.ValueOf(row)));
        Assert.Null(ReportMetric.All.Single(m => m.Key == "crossed_on_expiry_share").ValueOf(old));
        // A row without the figures at all (a report frozen before they were held) reads null, not an error.
        Assert.All(ReportMetric.All, m => Assert.Null(m.ValueOf(row with { Metrics = new Dictionary<string, double?>() })));
    }
}
