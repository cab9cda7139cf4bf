using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Portal.Data.Entities;
using Portal.Web.Features.Compare;
using Portal.Web.Features.Compare.Components;

namespace Portal.Web.Tests.Compare;

public sealed class RunComparisonTests
{
    private static Run RunWith(string name, params (string Id, double Mean, double HalfWidth)[] strategies) => new()
    {
        ScenarioName = name,
        ScenarioJson = "{}",
        Status = RunStatus.Succeeded,
        Strategies = strategies.Select((s, i) => new RunStrategyResult
        {
            Index = i, StrategyId = s.Id, DisplayName = s.Id.ToUpperInvariant(), Episodes = 100,
            MeanBps = s.Mean, MeanCiLowBps = s.Mean - s.HalfWidth, MeanCiHighBps = s.Mean + s.HalfWidth,
        }).ToList(),
    };

    [Fact]
    public void The_difference_to_the_first_run_has_the_unpaired_interval_with_half_width_the_root_sum_of_squares()
    {
        var rows = RunComparison.Build([RunWith("a", ("twap", 10, 2), ("ac", 8, 1)), RunWith("b", ("twap", 13, 1.5), ("ac", 8.5, 1))]);

        var twap = rows.Single(r => r.StrategyId == "twap").Cells[1]!;
        Assert.Equal(3, twap.DiffBps!.Value, 12);
        Assert.Equal(0.5, twap.DiffCiLowBps!.Value, 12);   // 3 − √(2² + 1.5²) = 3 − 2.5
        Assert.Equal(5.5, twap.DiffCiHighBps!.Value, 12);
        Assert.Equal("worse", twap.Verdict);
        var ac = rows.Single(r => r.StrategyId == "ac").Cells[1]!;
        Assert.Equal("n.s.", ac.Verdict);
        Assert.Null(rows[0].Cells[0]!.DiffBps);
    }

    [Fact]
    public void A_strategy_missing_from_a_run_has_an_empty_cell_and_no_difference()
    {
        var rows = RunComparison.Build([RunWith("a", ("twap", 10, 1)), RunWith("b", ("twap", 5, 1), ("dqn", 4, 1))]);

        Assert.Equal(["twap", "dqn"], rows.Select(r => r.StrategyId));
        var dqn = rows[1];
        Assert.Null(dqn.Cells[0]);
        Assert.Null(dqn.Cells[1]!.DiffBps);
        Assert.Equal("better", rows[0].Cells[1]!.Verdict);
    }

    [Fact]
    public void Fewer_than_two_runs_is_not_a_comparison_and_query_ids_are_parsed_leniently()
    {
        Assert.Equal("runs", Assert.Throws<ArgumentOutOfRangeException>(() => RunComparison.Build([RunWith("a", ("twap", 1, 1))])).ParamName);
        var id = Guid.NewGuid();
        Assert.Equal([id], RunComparison.ParseIds($" {id},junk,,{id}"));
        Assert.Empty(RunComparison.ParseIds(null));
    }

    [Fact]
    public async Task The_table_shows_each_run_as_a_column_and_the_verdict_of_each_difference()
    {
        await using var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        var a = RunWith("first", ("twap", 10, 2), ("ac", 8, 1));
        var b = RunWith("second", ("twap", 13, 1.5), ("ac", 5, 1));

        var table = ctx.Render<RunComparisonTable>(p => p.Add(x => x.Runs, [a, b]));

        Assert.Equal(2, table.FindAll("thead th[data-run]").Count);
        Assert.Contains("reference", table.Find($"th[data-run='{a.Id}']").TextContent, StringComparison.Ordinal);
        Assert.Equal("worse", table.Find("tr[data-strategy=twap] td[data-run-index='1'] .diff").GetAttribute("data-verdict"));
        Assert.Equal("better", table.Find("tr[data-strategy=ac] td[data-run-index='1'] .diff").GetAttribute("data-verdict"));
        Assert.Contains("Δ +3.00 [0.50, 5.50]", table.Find("tr[data-strategy=twap] td[data-run-index='1']").TextContent, StringComparison.Ordinal);
        Assert.Empty(table.FindAll("tr[data-strategy=twap] td[data-run-index='0'] .diff"));
    }
}
