using Bunit;
using Portal.Data.Entities;
using Portal.Web.Features.Runs.Components;

namespace Portal.Web.Tests.Components;

public sealed class ComparisonTableTests
{
    [Fact]
    public async Task Paired_differences_are_called_better_or_worse_only_when_the_interval_excludes_zero()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        RunStrategyResult[] rows =
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
        RunStrategyResult[] rows = [Row(0, "twap", 12.0), Row(1, "immediate", 40.0)];
        rows[0].CostSharpe = -4;
        rows[1].CostSharpe = null;

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
        RunStrategyResult[] rows = [Row(0, "twap", 12.0, regret: 1.25), Row(1, "ac", 10.8, regret: 0.05)];

        var table = ctx.Render<ComparisonTable>(p => p.Add(x => x.Rows, rows));

        Assert.Contains("Regret", table.Find("thead").TextContent);
        Assert.Contains("1.25", table.Find("tr[data-strategy=twap]").TextContent);
    }

    private static RunStrategyResult Row(int index, string id, double mean, (double M, double L, double H)? vs = null, double? regret = null) => new()
    {
        Index = index,
        StrategyId = id,
        DisplayName = id.ToUpperInvariant(),
        Episodes = 1000,
        MeanBps = mean,
        StdBps = 3,
        MeanCiLowBps = mean - 0.2,
        MeanCiHighBps = mean + 0.2,
        P95Bps = mean + 5,
        Cvar95Bps = mean + 6,
        Completion = 1,
        VsTwapMeanBps = vs?.M,
        VsTwapCiLowBps = vs?.L,
        VsTwapCiHighBps = vs?.H,
        RegretBps = regret,
    };
}
