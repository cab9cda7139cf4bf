using Portal.Domain.Backtesting;
using Bunit;
using Portal.Application.Reports;
using Portal.Web.Features.Runs.Components;

namespace Portal.Web.Tests.Components;

public sealed class ComparisonTableTests
{
    [Fact]
    public async Task Paired_differences_are_called_better_or_worse_only_when_the_interval_excludes_zero()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        ReportStrategySummary[] rows =
        [
            Row(0, "twap", 12.0, vs: (0, 0, 0)),
            Row(1, "ac", 10.5, vs: (-1.5, -2.0, -1.0)),
            Row(2, "vwap", 12.2, vs: (0.2, -0.3, 0.7)),
            Row(3, "immediate", 40.0, vs: (28.0, 27.0, 29.0)),
        ];

        var table = ctx.Render<ComparisonTable>(p => p.Add(x => x.Rows, rows));

        Assert.Equal("baseline", table.Find("tr[data-strategy=twap] td.vs-twap").TextContent);
        Assert.EndsWith("better", table.Find("tr[data-strategy=ac] td.vs-twap").TextContent);
        Assert.EndsWith("n.s.", table.Find("tr[data-strategy=vwap] td.vs-twap").TextContent);
        Assert.EndsWith("worse", table.Find("tr[data-strategy=immediate] td.vs-twap").TextContent);
        Assert.Equal("10.50", table.Find("tr.best-row td.mean").TextContent);
        Assert.Empty(table.FindAll("th:contains('Regret')"));
    }

    [Fact]
    public async Task Cost_sharpe_shows_a_dash_when_undefined_and_its_formula_in_the_header()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        ReportStrategySummary[] rows = [Row(0, "twap", 12.0, sharpe: -4), Row(1, "immediate", 40.0, sharpe: null)];

        var table = ctx.Render<ComparisonTable>(p => p.Add(x => x.Rows, rows));

        Assert.Equal("-4.00", table.Find("tr[data-strategy=twap] td.cost-sharpe").TextContent);
        Assert.Equal("—", table.Find("tr[data-strategy=immediate] td.cost-sharpe").TextContent);
        Assert.Contains("−mean / std", Portal.Web.Features.Runs.IndependentUnits.SharpeFormula);
        Assert.Contains("Cost Sharpe", table.Find("#sharpe-header").TextContent);
    }

    [Theory]
    [InlineData(3, "window", true)]
    [InlineData(19, "episode", true)]
    [InlineData(20, "episode", false)]
    [InlineData(10000, "episode", false)]
    public async Task The_units_note_states_the_count_and_warns_below_twenty(int units, string kind, bool warns)
    {
        await using var ctx = ScenarioEditorTests.NewContext();

        var note = ctx.Render<IndependentUnitsNote>(p => p.Add(x => x.Units, units).Add(x => x.Kind, kind));

        Assert.Contains($"{units:N0} independent {kind}s", note.Markup.Replace("&#xA0;", " "));
        Assert.Equal(warns, note.FindAll(".units-warning").Count == 1);
        if (warns) Assert.Contains("do not support a ranking", note.Find(".units-warning").TextContent);
    }

    [Fact]
    public async Task Regret_is_shown_when_the_model_has_a_known_optimum()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        ReportStrategySummary[] rows = [Row(0, "twap", 12.0, regret: 1.25), Row(1, "ac", 10.8, regret: 0.05)];

        var table = ctx.Render<ComparisonTable>(p => p.Add(x => x.Rows, rows));

        Assert.Contains("Regret", table.Find("thead").TextContent);
        Assert.Contains("1.25", table.Find("tr[data-strategy=twap]").TextContent);
    }

    [Fact]
    public async Task Objective_difference_to_best_static_sits_beside_the_mean_difference_with_its_formula()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        // The case the column is for: with λ > 0 TWAP is cheaper than the best static schedule on the mean, worse on E + λ·Var.
        ReportStrategySummary[] rows =
        [
            Row(0, "twap", 12.0) with
            {
                VsBestStaticMeanBps = -0.5, VsBestStaticCiLowBps = -0.7, VsBestStaticCiHighBps = -0.3,
                VsBestStaticObjectiveBps = 1.5, VsBestStaticObjectiveCiLowBps = 1.1, VsBestStaticObjectiveCiHighBps = 1.9,
            },
            Row(1, Portal.Domain.Backtesting.StrategyCatalog.BestStatic, 12.5),
        ];

        var table = ctx.Render<ComparisonTable>(p => p.Add(x => x.Rows, rows).Add(x => x.RiskAversion, 1e-6));

        Assert.Equal("-0.50 [-0.70, -0.30] better", table.Find("tr[data-strategy=twap] td.vs-best-static").TextContent);
        Assert.Equal("1.50 [1.10, 1.90] worse", table.Find("tr[data-strategy=twap] td.vs-best-static-objective").TextContent);
        Assert.Equal("reference", table.Find($"tr[data-strategy={Portal.Domain.Backtesting.StrategyCatalog.BestStatic}] td.vs-best-static-objective").TextContent);
        Assert.Contains("E+λ·Var", table.Find("#objective-header").TextContent);
        var footnote = table.Find("#objective-footnote").TextContent;
        Assert.Contains("E[cost] + λ·Var[cost]", footnote);
        Assert.Contains("λ = 1×10⁻⁶ per currency unit", footnote);
    }

    [Fact]
    public async Task Cap_and_horizon_outcomes_have_a_table_of_their_own_with_the_warning()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        ReportStrategySummary[] rows = [Row(0, "twap", 12.0), Row(1, "pov", 14.0, execution: new ReportExecution(0.62, 0, 3, 0.9, 0))];

        var table = ctx.Render<ComparisonTable>(p => p.Add(x => x.Rows, rows));

        Assert.Empty(table.Find("#results-table").QuerySelectorAll("td.forced"));
        Assert.Equal("62.0 %", table.Find("#execution-table tr[data-strategy=pov] td.forced").TextContent);
        Assert.StartsWith("3 (90.0 %)", table.Find("#execution-table tr[data-strategy=pov] td.breaches").TextContent);
        Assert.Contains("cap breached at 3 step(s)", table.Find(".cap-warning[data-strategy=pov]").TextContent);
        Assert.Empty(table.FindAll(".cap-warning[data-strategy=twap]"));
    }

    [Fact]
    public async Task Limit_order_metrics_get_a_table_only_when_some_strategy_posted()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var market = new ReportExecution(0, 0, 0, 0.1, 0) { FillRate = 1, PassiveShare = 0 };
        var passive = new ReportExecution(0, 0, 0, 0.1, 0)
        {
            FillRate = 1, PassiveShare = 0.425, PostedFillRatio = 0.425, SpreadCapturedBps = 2.0, MarkoutBps = 0.31,
        };

        var without = ctx.Render<ComparisonTable>(p => p.Add(x => x.Rows, [Row(0, "twap", 2.0, execution: market)]));
        Assert.Empty(without.FindAll("#limit-order-table"));

        var with = ctx.Render<ComparisonTable>(p => p.Add(x => x.Rows,
            [Row(0, "twap", 2.0, execution: market), Row(1, "twap-passive", 0.3, vs: (-1.7, -1.8, -1.6), execution: passive)]));
        Assert.Equal("42.5 %", with.Find("#limit-order-table tr[data-strategy=twap-passive] td.passive-share").TextContent);
        Assert.Equal("100.0 %", with.Find("#limit-order-table tr[data-strategy=twap-passive] td.fill-rate").TextContent);
        Assert.Equal("2.00", with.Find("#limit-order-table tr[data-strategy=twap-passive] td.spread-captured").TextContent);
        Assert.Equal("0.31", with.Find("#limit-order-table tr[data-strategy=twap-passive] td.markout").TextContent);
        Assert.Equal("–", with.Find("#limit-order-table tr[data-strategy=twap] td.markout").TextContent);
        Assert.Equal("0.0 %", with.Find("#limit-order-table tr[data-strategy=twap] td.passive-share").TextContent);
    }

    [Fact]
    public async Task Limit_order_metrics_show_their_intervals_and_the_units_they_rest_on()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var market = new ReportExecution(0, 0, 0, 0.1, 0)
        {
            FillRate = 1, PassiveShare = 0,
            Intervals = new OrderTypeIntervals(12, UnitKinds.Window) { FillRate = new(1, 1), PassiveShare = new(0, 0) },
        };
        var passive = new ReportExecution(0, 0, 0, 0.1, 0)
        {
            FillRate = 1, PassiveShare = 0.425, PostedFillRatio = 0.425, SpreadCapturedBps = 2.0, MarkoutBps = 0.31, Markout10sBps = 1.5,
            Intervals = new OrderTypeIntervals(12, UnitKinds.Window)
            {
                FillRate = new(1, 1), PassiveShare = new(0.4, 0.45), SpreadCapturedBps = new(1.9, 2.1), MarkoutBps = new(0.21, 0.41),
                Markout10sBps = new(1.25, 1.75),
            },
        };

        var table = ctx.Render<ComparisonTable>(p => p.Add(x => x.Rows,
            [Row(0, "twap", 2.0, execution: market), Row(1, "twap-passive", 0.3, vs: (-1.7, -1.8, -1.6), execution: passive)]));
        const string row = "#limit-order-table tr[data-strategy=twap-passive]";
        Assert.Equal("[40.0, 45.0]%", table.Find($"{row} .passive-share-ci").TextContent);
        Assert.Equal("[100.0, 100.0]%", table.Find($"{row} .fill-rate-ci").TextContent);
        Assert.Equal("[1.90, 2.10]", table.Find($"{row} .spread-captured-ci").TextContent);
        Assert.Equal("[0.21, 0.41]", table.Find($"{row} .markout-ci").TextContent);
        Assert.Equal("1.50[1.25, 1.75]", table.Find($"{row} td.markout-10s").TextContent);
        Assert.Equal("", table.Find("#limit-order-table tr[data-strategy=twap] .markout-ci").TextContent);
        Assert.Contains("95% intervals over 12 independent market windows", table.Find("#limit-order-caption").TextContent);
    }

    [Fact]
    public async Task The_report_models_figures_get_a_column_each_without_the_table_naming_them()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var figures = ReportMetric.All.ToDictionary(m => m.Key, m => (double?)(m.Unit == ReportMetricUnit.Fraction ? 0.125 : 3.5));
        ReportStrategySummary[] rows = [Row(0, "twap", 12.0) with { Metrics = figures }, Row(1, "ac", 10.8)];

        var table = ctx.Render<ComparisonTable>(p => p.Add(x => x.Rows, rows));

        Assert.NotEmpty(ReportMetric.All);
        foreach (var m in ReportMetric.All)
        {
            Assert.Contains(m.Label, table.Find($"#metrics-table th[data-metric={m.Key}]").TextContent);
            Assert.Equal(m.Unit == ReportMetricUnit.Fraction ? "12.5 %" : "3.50", table.Find($"#metrics-table tr[data-strategy=twap] td[data-metric={m.Key}]").TextContent.Trim());
            // A strategy without the figure (a report frozen before it was held) shows a dash.
            Assert.Equal("–", table.Find($"#metrics-table tr[data-strategy=ac] td[data-metric={m.Key}]").TextContent.Trim());
        }
    }

    [Fact]
    public async Task No_figures_table_when_no_strategy_holds_any()
    {
        await using var ctx = ScenarioEditorTests.NewContext();

        var table = ctx.Render<ComparisonTable>(p => p.Add(x => x.Rows, [Row(0, "twap", 12.0)]));

        Assert.Empty(table.FindAll("#metrics-table"));
    }

    private static ReportStrategySummary Row(int index, string id, double mean, (double M, double L, double H)? vs = null, double? regret = null,
        double? sharpe = -1, ReportExecution? execution = null) => new(
        id, id.ToUpperInvariant(), 1000, mean, StdBps: 3, MeanCiLowBps: mean - 0.2, MeanCiHighBps: mean + 0.2,
        P5Bps: mean - 5, P50Bps: mean, P95Bps: mean + 5, Cvar95Bps: mean + 6, CostSharpe: sharpe, Completion: 1,
        MeanShortfallCurrency: mean * 100, VsTwapMeanBps: vs?.M, VsTwapCiLowBps: vs?.L, VsTwapCiHighBps: vs?.H, RegretBps: regret,
        MeanInventoryFraction: [1, 0], InventoryP5Fraction: [1, 0], InventoryP95Fraction: [1, 0], ShortfallHistogramSampleBps: [mean + index],
        Execution: execution);
}
