using Bunit;
using Portal.Data.Entities;
using Portal.Application.Agents;
using Portal.Application.Reports;
using Portal.Web.Features.Agents.Components;
using Portal.Web.Features.Runs.Components;

namespace Portal.Web.Tests.Components;

/// <summary>The run page's participation, regime and learning-curve sections.</summary>
public sealed class RunChartsTests
{
    [Fact]
    public async Task Participation_table_shows_each_strategy_average_and_its_busiest_step_in_percent()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        ReportStrategySummary[] rows =
        [
            Strategy(0, "twap", 10, participation: [0.25, 0.25, 0.25, 0.25]),
            Strategy(1, "immediate", 30, participation: [1.2, 0, 0, 0]),
        ];

        var chart = ctx.Render<ParticipationChart>(p => p.Add(x => x.Strategies, rows));

        Assert.Equal("25.00", chart.Find("tr[data-strategy=twap] td.mean-participation").TextContent);
        Assert.Equal("30.00", chart.Find("tr[data-strategy=immediate] td.mean-participation").TextContent);
        Assert.Contains("120.00", chart.Find("tr[data-strategy=immediate]").TextContent);
        Assert.NotEmpty(chart.FindAll("#participation-chart"));
        Assert.Empty(chart.FindAll("#participation-missing"));
    }

    [Fact]
    public async Task A_run_stored_before_participation_was_recorded_says_so_instead_of_an_empty_chart()
    {
        await using var ctx = ScenarioEditorTests.NewContext();

        var chart = ctx.Render<ParticipationChart>(p => p.Add(x => x.Strategies, [Strategy(0, "twap", 10, participation: [])]));

        Assert.Contains("not recorded", chart.Find("#participation-missing").TextContent);
        Assert.Empty(chart.FindAll("#participation-chart"));
    }

    [Fact]
    public async Task Regime_table_puts_this_run_and_its_own_regime_first_and_marks_regimes_without_runs()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        ReportRegimeRow[] pooled =
        [
            Row("normal", "twap", 5.5, 5, 6),
            Row("normal", "ac", 6.75, 6.25, 7.25),
            Row("volatile", "twap", 12, 11.25, 12.75),
        ];
        var report = Report("volatile", [Strategy(0, "twap", 12.5, ci: (11.5, 13.5)), Strategy(1, "ac", 10.25, ci: (9.25, 11.25))], pooled);

        var table = ctx.Render<RegimeBreakdown>(p => p.Add(x => x.Report, report));

        Assert.Equal(["volatile", "normal"], table.FindAll("th.regime").Select(th => th.TextContent.Trim()));
        Assert.Equal("12.50 [11.50, 13.50]", table.Find("tr[data-strategy=twap] td.this-run").TextContent);
        Assert.StartsWith("5.50 [5.00, 6.00]", table.Find("tr[data-strategy=twap] td[data-regime=normal]").TextContent.Trim());
        Assert.StartsWith("6.75 [6.25, 7.25]", table.Find("tr[data-strategy=ac] td[data-regime=normal]").TextContent.Trim());
        Assert.Equal("–", table.Find("tr[data-strategy=ac] td[data-regime=volatile]").TextContent.Trim());
        Assert.Contains("≤5% ADV", table.Markup);
        Assert.Empty(table.FindAll("#regime-hint"));
    }

    [Fact]
    public async Task A_run_alone_in_its_regime_invites_a_run_in_another_regime()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var report = Report("normal", [Strategy(0, "twap", 3)], [Row("normal", "twap", 3, 2, 4)]);

        var table = ctx.Render<RegimeBreakdown>(p => p.Add(x => x.Report, report));

        Assert.NotNull(table.Find("#regime-hint"));
    }

    [Fact]
    public void Seeds_recorded_at_the_same_steps_keep_their_values_and_nan_points_are_dropped()
    {
        var a = Seed(11, """[{"environmentSteps":100,"meanShortfallBps":9.5},{"environmentSteps":200,"meanShortfallBps":"NaN"},{"environmentSteps":300,"meanShortfallBps":7.25}]""");
        var b = Seed(12, """[{"environmentSteps":100,"meanShortfallBps":8},{"environmentSteps":300,"meanShortfallBps":6}]""");

        var aligned = LearningCurves.Align([LearningCurves.Parse(a), LearningCurves.Parse(b)]);

        Assert.Equal([100L, 300L], aligned.Steps);
        Assert.Equal([9.5, 7.25], aligned.Values[0].Values);
        Assert.Equal([8.0, 6.0], aligned.Values[1].Values);
        Assert.Equal(12, aligned.Values[1].Seed);
    }

    [Fact]
    public void Seeds_recorded_at_different_steps_are_read_linearly_and_only_over_the_range_all_cover()
    {
        var a = Seed(1, """[{"environmentSteps":0,"meanShortfallBps":10},{"environmentSteps":400,"meanShortfallBps":6}]""");
        var b = Seed(2, """[{"environmentSteps":100,"meanShortfallBps":4},{"environmentSteps":300,"meanShortfallBps":2},{"environmentSteps":500,"meanShortfallBps":1}]""");

        var aligned = LearningCurves.Align([LearningCurves.Parse(a), LearningCurves.Parse(b)]);

        Assert.Equal([100L, 300L, 400L], aligned.Steps);
        Assert.Equal([9.0, 7.0, 6.0], aligned.Values[0].Values);
        Assert.Equal([4.0, 2.0, 1.5], aligned.Values[1].Values);
    }

    [Fact]
    public async Task Learning_curve_chart_draws_one_line_per_seed_and_says_when_there_is_none()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        TrainedAgentSeed[] seeds =
        [
            Seed(1, """[{"environmentSteps":1000,"meanShortfallBps":9},{"environmentSteps":2000,"meanShortfallBps":8}]"""),
            Seed(2, """[{"environmentSteps":1000,"meanShortfallBps":9.5},{"environmentSteps":2000,"meanShortfallBps":7}]"""),
        ];

        var chart = ctx.Render<LearningCurveChart>(p => p.Add(x => x.Seeds, seeds).Add(x => x.Id, "curves"));
        var empty = ctx.Render<LearningCurveChart>(p => p.Add(x => x.Seeds, [Seed(3, "[]")]));

        Assert.Contains("seed 1", chart.Markup);
        Assert.Contains("seed 2", chart.Markup);
        Assert.Contains("1k", chart.Markup);
        Assert.Contains("No learning curve", empty.Markup);
    }

    private static ReportStrategySummary Strategy(int index, string id, double mean, double[]? participation = null, (double Low, double High)? ci = null) => new(
        id, id.ToUpperInvariant(), 100, mean, StdBps: 1, MeanCiLowBps: ci?.Low ?? mean - 1, MeanCiHighBps: ci?.High ?? mean + 1,
        P5Bps: mean, P50Bps: mean, P95Bps: mean, Cvar95Bps: mean, CostSharpe: null, Completion: 1, MeanShortfallCurrency: mean,
        VsTwapMeanBps: null, VsTwapCiLowBps: null, VsTwapCiHighBps: null, RegretBps: null,
        MeanInventoryFraction: [], InventoryP5Fraction: [], InventoryP95Fraction: [], ShortfallHistogramSampleBps: [],
        MeanParticipation: participation ?? []);

    private static ReportRegimeRow Row(string regime, string strategy, double mean, double low, double high) =>
        new(regime, strategy, strategy.ToUpperInvariant(), 2, 400, mean, low, high);

    private static RunReport Report(string regime, IReadOnlyList<ReportStrategySummary> strategies, IReadOnlyList<ReportRegimeRow> regimes) => new(
        Guid.NewGuid(), "run", "team", "s", new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), null, "1", [], 100, 1, null, null, strategies, regimes)
    {
        Regime = regime,
        SizeBucket = ScenarioFamily.Label(SizeBucket.UpTo5Pct),
        HorizonBucket = ScenarioFamily.Label(HorizonBucket.UpTo1Hour),
    };

    private static TrainedAgentSeed Seed(long seed, string curve) =>
        new() { Seed = seed, Artifact = [], EvaluationJson = "{}", LearningCurveJson = curve };
}
