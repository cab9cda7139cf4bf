using Portal.Application.Studies;
using Portal.Domain.Scenarios;
using Portal.Domain.Studies;

namespace Portal.Application.Tests.Studies;

/// <summary>Study results built from hand-made cell summaries: best strategy, significance, frontier, progress.</summary>
public sealed class StudyResultsTests
{
    private static StudyStrategyInput S(string id, double mean, double halfWidth, double? vsTwap = null, double vsHalf = 1, double std = 10) =>
        new(id, id.ToUpperInvariant(), mean, std, mean - halfWidth, mean + halfWidth, vsTwap, vsTwap - vsHalf, vsTwap + vsHalf);

    private static StudyStrategyResult R(StudyStrategyInput s) =>
        new(s.StrategyId, s.DisplayName, s.MeanCostBps, s.MeanCiLowBps, s.MeanCiHighBps, s.StdBps, s.VsTwapBps, s.VsTwapCiLowBps, s.VsTwapCiHighBps);

    [Fact]
    public void The_best_strategy_is_significant_when_its_paired_interval_against_twap_excludes_zero()
    {
        var best = StudyResultsBuilder.Best([R(S("twap", 20, 2)), R(S("ac", 17, 2, vsTwap: -3, vsHalf: 0.5)), R(S("vwap", 19, 2, vsTwap: -1, vsHalf: 0.5))])!;
        Assert.Equal("ac", best.Id);
        Assert.Equal("vwap", best.RunnerUpId);
        Assert.True(best.SignificantVsTwap);
        Assert.False(best.ClearOfRunnerUp); // [15, 19] overlaps [17, 21]
    }

    [Fact]
    public void A_best_strategy_whose_interval_against_twap_contains_zero_is_not_significant()
    {
        var best = StudyResultsBuilder.Best([R(S("twap", 20, 2)), R(S("ac", 19.8, 2, vsTwap: -0.2, vsHalf: 0.5))])!;
        Assert.Equal("ac", best.Id);
        Assert.False(best.SignificantVsTwap);
    }

    [Fact]
    public void Twap_as_best_is_significant_only_when_every_other_strategy_is_significantly_dearer()
    {
        var clear = StudyResultsBuilder.Best([R(S("twap", 10, 1)), R(S("ac", 14, 1, vsTwap: 4)), R(S("random", 30, 1, vsTwap: 20))])!;
        Assert.Equal("twap", clear.Id);
        Assert.True(clear.SignificantVsTwap);
        Assert.True(clear.ClearOfRunnerUp); // [9, 11] below [13, 15]
        var close = StudyResultsBuilder.Best([R(S("twap", 10, 1)), R(S("ac", 10.5, 1, vsTwap: 0.5)), R(S("random", 30, 1, vsTwap: 20))])!;
        Assert.Equal("twap", close.Id);
        Assert.False(close.SignificantVsTwap);
    }

    [Fact]
    public void A_cell_without_results_has_no_best()
    {
        Assert.Null(StudyResultsBuilder.Best([]));
    }

    [Fact]
    public void Results_count_cells_by_status_and_draw_one_frontier_per_line_of_the_lambda_sweep()
    {
        var spec = new StudySpec
        {
            Name = "λ",
            Scenario = ScenarioPresets.Demo() with { Episodes = 100 },
            Axes = new StudyAxes { SizePctAdv = [1, 5], RiskAversion = [0, 1e-6, 1e-5] },
            Strategies = ["twap", "ac"],
        };
        var cells = Enumerable.Range(0, 6).Select(i =>
        {
            var c = spec.Coordinates(i);
            return i == 5
                ? new StudyCellInput(c, Guid.NewGuid(), "Running", 0.5, [])
                : new StudyCellInput(c, Guid.NewGuid(), "Succeeded", 1, [S("twap", 10 * c.SizePctAdv, 1, std: 8), S("ac", 10 * c.SizePctAdv + 1e6 * c.RiskAversion, 1, vsTwap: 1e6 * c.RiskAversion, std: 8 - 1e5 * c.RiskAversion)]);
        }).ToList();
        var results = StudyResultsBuilder.Build(spec, cells);
        Assert.Equal(6, results.CellCount);
        Assert.Equal(5, results.Succeeded);
        Assert.Equal(1, results.Running);
        Assert.Equal(0, results.Queued);
        Assert.Equal((5 + 0.5) / 6, results.Progress, 12);
        Assert.Equal(["twap", "ac"], results.StrategyIds);
        Assert.Equal(2, results.Frontiers.Count);
        var small = results.Frontiers[0];
        Assert.StartsWith("1% ADV", small.Group, StringComparison.Ordinal);
        Assert.Equal([0, 1e-6, 1e-5], small.Strategies["ac"].Select(p => p.RiskAversion));
        Assert.Equal([10, 11, 20], small.Strategies["ac"].Select(p => p.MeanCostBps), new ToleranceComparer(1e-9));
        Assert.Equal([8, 7.9, 7], small.Strategies["ac"].Select(p => p.StdBps), new ToleranceComparer(1e-9));
        Assert.Equal(2, results.Frontiers[1].Strategies["ac"].Count); // the running cell has no point yet
        // The demo market is Almgren–Chriss without drift or events: the closed form is drawn, through every λ of the axis.
        Assert.NotNull(small.ClosedForm);
        Assert.Contains(small.ClosedForm!, p => p.RiskAversion == 1e-6);
        Assert.Equal("ac", results.Cells[0].Best!.Id); // a tie (λ = 0) goes to the first id in ordinal order
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
