using System.Globalization;
using Bunit;
using Portal.Application.Agents;
using Portal.Application.Reports;
using Portal.Data.Entities;
using Portal.Web.Features.Agents.Components;
using Portal.Web.Features.Runs.Components;

namespace Portal.Web.Tests.Components;

/// <summary>The run page's headline, cost breakdown, cost distribution and time axes.</summary>
public sealed class RunPageFiguresTests
{
    [Fact]
    public async Task Headline_names_the_cheapest_strategy_against_twap_and_the_agent_with_its_interval_and_regret()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var agent = Strategy("agent:0123456789abcdef0123456789abcdef", 9.5, ci: (8.75, 10.25), vsTwap: (-0.5, -0.9, -0.1)) with
        {
            VsBestStaticObjectiveBps = 0.75, VsBestStaticObjectiveCiLowBps = 0.25, VsBestStaticObjectiveCiHighBps = 1.25,
        };
        var cheapest = Strategy("ac", 8.25, vsTwap: (-1.75, -2.5, -1));
        var report = Report([Strategy("twap", 10), cheapest, agent]) with { IndependentUnits = 4000, UnitKind = "episode" };

        var headline = ctx.Render<HeadlineFigures>(p => p.Add(x => x.Report, report));

        Assert.Contains("AC", headline.Find("#headline-best").TextContent);
        Assert.Contains("8.25 bps", headline.Find("#headline-best").TextContent);
        Assert.Contains("-1.75 bps vs TWAP [-2.50, -1.00]", headline.Find("#headline-best").TextContent);
        Assert.DoesNotContain("n.s.", headline.Find("#headline-best").TextContent);
        Assert.Contains("Agent", headline.Find("#headline-chosen").TextContent);
        Assert.Contains("95% CI [8.75, 10.25]", headline.Find("#headline-chosen").TextContent);
        Assert.Contains("+0.75 bps", headline.Find("#headline-regret").TextContent);
        Assert.Contains("4,000", headline.Find("#headline-units").TextContent);
    }

    [Fact]
    public void The_strategy_under_study_is_the_first_agent_or_else_the_first_strategy_besides_twap()
    {
        var plain = ReportHeadline.Of(Report([Strategy("pov", 12), Strategy("twap", 10)]))!;
        Assert.Equal("pov", plain.Chosen.StrategyId);
        Assert.Equal("twap", plain.Best.StrategyId);
        Assert.False(plain.BestBeatsTwapSignificantly);
        Assert.False(plain.ChosenIsAgent);
        Assert.Null(ReportHeadline.Of(Report([])));

        // TWAP listed first is the reference, not the strategy under study.
        var twapFirst = ReportHeadline.Of(Report([Strategy("twap", 10), Strategy("vwap", 11), Strategy("agent:0123456789abcdef0123456789abcdef", 9)]))!;
        Assert.Equal(("agent:0123456789abcdef0123456789abcdef", true), (twapFirst.Chosen.StrategyId, twapFirst.ChosenIsAgent));
        Assert.Equal("vwap", ReportHeadline.Of(Report([Strategy("twap", 10), Strategy("vwap", 11)]))!.Chosen.StrategyId);
        Assert.True(ReportHeadline.Of(Report([Strategy("twap", 10)]))!.ChosenIsReference);
    }

    [Fact]
    public async Task Without_an_agent_the_headline_says_so_and_never_presents_twap_as_the_strategy_under_study()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var headline = ctx.Render<HeadlineFigures>(p => p.Add(x => x.Report, Report([Strategy("twap", 10), Strategy("vwap", 11)])));
        Assert.Contains("First strategy besides TWAP", headline.Find("#headline-chosen").TextContent);
        Assert.Contains("no agent in this run", headline.Find("#headline-chosen").TextContent);
        Assert.DoesNotContain("Strategy under study", headline.Markup);

        var alone = ctx.Render<HeadlineFigures>(p => p.Add(x => x.Report, Report([Strategy("twap", 10)])));
        Assert.Empty(alone.FindAll("#headline-chosen"));
        Assert.Empty(alone.FindAll("#headline-regret"));
        Assert.NotEmpty(alone.FindAll("#headline-best"));
    }

    [Fact]
    public async Task Cost_breakdown_stacks_the_components_and_lists_both_slippages()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var twap = Strategy("twap", 10) with { CostBreakdown = new ReportCostBreakdown(3, 4, 2, 1.5, 0, 7.25, -0.5) };
        var pov = Strategy("pov", 6) with { CostBreakdown = new ReportCostBreakdown(3, 5, 2, -4, 0, 6, 1.25) };

        var chart = ctx.Render<CostBreakdownChart>(p => p.Add(x => x.Strategies, [twap, pov, Strategy("old", 1)]));

        Assert.Equal("10.50", chart.Find("tr[data-strategy=twap] td.total").TextContent);
        Assert.Equal("7.25", chart.Find("tr[data-strategy=twap] td.arrival-slippage").TextContent);
        Assert.Equal("1.25", chart.Find("tr[data-strategy=pov] td.vwap-slippage").TextContent);
        Assert.Empty(chart.FindAll("tr[data-strategy=old]"));
        // Four non-zero components each for TWAP and POV (no opportunity cost); POV's favourable timing is a segment too.
        Assert.Equal(8, chart.FindAll("#breakdown-chart rect.segment").Count);
        Assert.Contains("Timing -4.00 bps", chart.Markup);
        Assert.Contains("Mean cost (bps of arrival value)", chart.Find("#breakdown-chart .x-title").TextContent);
    }

    [Fact]
    public async Task Cost_breakdown_labels_fit_left_of_the_bars_whole_or_shortened_to_what_fits()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        const string guarded = "Almgren–Chriss (λ = 1×10⁻⁶ /$) (guarded)";
        string endless = new('x', 120);
        var rows = new[] { ("twap", "TWAP"), ("guarded:ac", guarded), ("long", endless) }
            .Select(x => Strategy(x.Item1, 10, name: x.Item2) with { CostBreakdown = new ReportCostBreakdown(3, 4, 2, 1, 0, 7, 0) }).ToList();

        var chart = ctx.Render<CostBreakdownChart>(p => p.Add(x => x.Strategies, rows));

        var labels = chart.FindAll("#breakdown-chart text.bar-label");
        Assert.Equal(3, labels.Count);
        double firstBar = chart.FindAll("#breakdown-chart rect.segment").Min(r => double.Parse(r.GetAttribute("x")!, CultureInfo.InvariantCulture));
        foreach (var label in labels)
        {
            string shown = label.FirstChild!.TextContent;
            double end = double.Parse(label.GetAttribute("x")!, CultureInfo.InvariantCulture);
            // Right-aligned at x, about 6.6 px per character at 12 px: the text starts inside the chart and ends before the bars.
            Assert.True(end - shown.Length * 6.6 >= 0, $"'{shown}' starts {end - shown.Length * 6.6:F0} px left of the chart");
            Assert.True(end < firstBar, $"'{shown}' runs into the bars");
        }
        Assert.Equal(guarded, labels[1].FirstChild!.TextContent);
        Assert.EndsWith("…", labels[2].FirstChild!.TextContent, StringComparison.Ordinal);
        Assert.Equal(endless, labels[2].QuerySelector("title")!.TextContent);
    }

    [Fact]
    public async Task A_report_without_the_breakdown_says_so()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var chart = ctx.Render<CostBreakdownChart>(p => p.Add(x => x.Strategies, [Strategy("twap", 10)]));
        Assert.Contains("not recorded", chart.Find("#breakdown-missing").TextContent);
    }

    [Fact]
    public void Breakdown_means_add_up_to_the_mean_shortfall_with_the_rest_as_opportunity_cost()
    {
        ReportEpisodeRow[] rows =
        [
            new("twap", 0, 10, 100, 9, 1, 2, 3, 1, 4, 0, 0.1),
            new("twap", 1, 14, 140, 10, -1, 2, 5, 1, 2, 0, 0.1),
        ];
        var b = ReportCostBreakdown.Mean(rows)!;
        Assert.Equal((2, 4, 1, 3), (b.SpreadAndFeesBps, b.TemporaryImpactBps, b.PermanentImpactBps, b.TimingBps));
        Assert.Equal(2, b.OpportunityBps);
        Assert.Equal(12, b.TotalBps);
        Assert.Equal((9.5, 0), (b.ArrivalSlippageBps, b.VwapSlippageBps));
        Assert.Null(ReportCostBreakdown.Mean([]));
    }

    [Fact]
    public async Task Cost_distribution_is_one_ecdf_per_strategy_with_axis_titles()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var report = Report([Strategy("twap", 10, sample: [12, 8, 10, 9]), Strategy("ac", 9, sample: [7, 11])]);

        var chart = ctx.Render<CostDistributionChart>(p => p.Add(x => x.Report, report));

        Assert.Equal(2, chart.FindAll("#cost-chart path.series").Count);
        Assert.Contains("Implementation shortfall (bps", chart.Find("#cost-chart .x-title").TextContent);
        Assert.Contains("Episodes costing at most x (%)", chart.Find("#cost-chart .y-title").TextContent);
        Assert.Equal(2, chart.FindAll(".legend-entry").Count);
        var (x, y) = CostDistributionChart.Ecdf([12, double.NaN, 8, 10, 9]);
        Assert.Equal([8.0, 9, 10, 12], x);
        Assert.Equal([25.0, 50, 75, 100], y);
    }

    [Fact]
    public async Task Inventory_chart_shades_bands_as_areas_and_reads_its_time_axis_in_minutes()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var twap = new ReportStrategySummary("twap", "TWAP", 10, 1, 1, 0, 2, 0, 1, 2, 2, null, 1, 1, null, null, null, null,
            [1, 0.5, 0], [1, 0.4, 0], [1, 0.6, 0], []);

        var chart = ctx.Render<InventoryChart>(p => p.Add(x => x.Strategies, [twap]).Add(x => x.Clock, SessionClock.Minutes(30)));

        Assert.Single(chart.FindAll("#inventory-chart polygon.band"));
        Assert.Single(chart.FindAll("#inventory-chart path.series"));
        Assert.Equal("Time from the order's start (min)", chart.Find("#inventory-chart .x-title").TextContent);
        Assert.Equal(["0", "30", "60"], chart.FindAll("#inventory-chart .x-tick").Select(t => t.TextContent));
        // Unticking the strategy in the legend removes its band and keeps its line.
        chart.Find("input.legend-toggle").Change(false);
        Assert.Empty(chart.FindAll("#inventory-chart polygon.band"));
        Assert.Single(chart.FindAll("#inventory-chart path.series"));
    }

    [Fact]
    public async Task A_lobster_day_reads_its_time_axis_as_new_york_exchange_time()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var twap = new ReportStrategySummary("twap", "TWAP", 10, 1, 1, 0, 2, 0, 1, 2, 2, null, 1, 1, null, null, null, null,
            [.. Enumerable.Range(0, 391).Select(k => 1 - k / 390.0)], [.. Enumerable.Range(0, 391).Select(k => 1 - k / 390.0)], [.. Enumerable.Range(0, 391).Select(k => 1 - k / 390.0)], []);
        var clock = SessionClock.Exchange("America/New_York", new DateOnly(2012, 6, 21), new TimeOnly(9, 30), 1);

        var chart = ctx.Render<InventoryChart>(p => p.Add(x => x.Strategies, [twap]).Add(x => x.Clock, clock));

        Assert.Equal("Exchange time, America/New_York (HH:MM)", chart.Find("#inventory-chart .x-title").TextContent);
        var ticks = chart.FindAll("#inventory-chart .x-tick").Select(t => t.TextContent).ToList();
        // Half-hour ticks from the open to the close: 09:30, 10:00, ..., 16:00.
        Assert.Equal(14, ticks.Count);
        Assert.Equal("09:30", ticks[0]);
        Assert.Equal("16:00", ticks[^1]);
        Assert.All(ticks, t => Assert.Matches(@"^\d\d:(00|30)$", t));
    }

    [Fact]
    public void Nice_ticks_are_round_numbers_inside_the_range()
    {
        Assert.Equal([0.0, 2, 4, 6, 8, 10], SvgPlot.NiceTicks(0, 10, 6));
        Assert.Equal([-20.0, 0, 20, 40], SvgPlot.NiceTicks(-23, 41, 4));
    }

    [Fact]
    public async Task A_learning_curve_of_one_batch_is_drawn_as_a_point_and_explained()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var aligned = new AlignedCurves([7424], [(7L, [12.5])]);

        var chart = ctx.Render<LearningCurveChart>(p => p.Add(x => x.Aligned, aligned).Add(x => x.UsedSeed, 7L));

        Assert.Single(chart.FindAll("circle.curve-point"));
        Assert.Contains("7,424 environment steps", chart.Find(".learning-curve-one-point").TextContent);
        Assert.Contains("seed 7 (used by the run)", chart.Markup);
        Assert.Contains("Environment steps", chart.Find(".x-title").TextContent);
    }

    private static ReportStrategySummary Strategy(string id, double mean, (double Low, double High)? ci = null,
        (double Mean, double Low, double High)? vsTwap = null, double[]? sample = null, string? name = null) => new(
        id, name ?? id.ToUpperInvariant(), 100, mean, StdBps: 1, MeanCiLowBps: ci?.Low ?? mean - 1, MeanCiHighBps: ci?.High ?? mean + 1,
        P5Bps: mean, P50Bps: mean, P95Bps: mean, Cvar95Bps: mean, CostSharpe: null, Completion: 1, MeanShortfallCurrency: mean,
        VsTwapMeanBps: vsTwap?.Mean, VsTwapCiLowBps: vsTwap?.Low, VsTwapCiHighBps: vsTwap?.High, RegretBps: null,
        MeanInventoryFraction: [], InventoryP5Fraction: [], InventoryP95Fraction: [], ShortfallHistogramSampleBps: sample ?? []);

    private static RunReport Report(IReadOnlyList<ReportStrategySummary> strategies) => new(
        Guid.NewGuid(), "run", "team", "s", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), null, "1", [], 100, 1, null, null, strategies);
}
