using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Domain.Studies;

namespace Portal.Domain.Tests.Studies;

/// <summary>The stress variants are the documented events added to the base market, each variant bites where it should,
/// and a study over the stress axis is one cell per variant.</summary>
public class StressVariantTests
{
    private static Scenario Base() => ScenarioPresets.Demo() with { Episodes = 400, Seed = 23, Strategies = ["twap"] };

    public static TheoryData<string> Variants()
    {
        var data = new TheoryData<string>();
        foreach (var v in StressVariants.Names) data.Add(v);
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Every_variant_keeps_the_base_market_and_appends_its_events(string variant)
    {
        var market = Base().Market with { Events = [new MarketEvent { AtFraction = 0.9, PriceJumpPct = -1 }] };
        var stressed = StressVariants.Apply(market, variant);

        Assert.Equal(market.Events[0], stressed.Events[0]);
        Assert.Equal(StressVariants.Events(variant), stressed.Events.Skip(1));
        Assert.Equal(market with { Events = [], Impact = stressed.Impact }, stressed with { Events = [] });
        Assert.Equal(StressVariants.ScalesImpactWithLiquidity(variant) || market.Impact.LiquidityScaled, stressed.Impact.LiquidityScaled);
        Assert.Empty((Base() with { Market = stressed }).Validate());
        Assert.False(string.IsNullOrWhiteSpace(StressVariants.Describe(variant)));
    }

    [Fact]
    public void The_extreme_drop_removes_more_than_80_percent_of_liquidity_in_every_episode()
    {
        var e = Assert.Single(StressVariants.Events(StressVariants.ExtremeLiquidityDrop));
        Assert.Equal(1, e.Probability);
        Assert.Equal(0, e.SizeLogStd);
        Assert.Equal(0, e.RecoveryMinutes);
        for (long episode = 0; episode < 200; episode++)
        {
            var draw = StressEvents.Draw(7, episode, 0, e, 60);
            double vol = 1, liq = 1, imp = 1, spread = 1, price = 0;
            StressEvents.Accumulate(e, draw, 60, ref vol, ref liq, ref imp, ref spread, ref price);
            Assert.True(liq < 0.2, $"episode {episode}: liquidity {liq}");
        }
    }

    [Theory]
    [InlineData(StressVariants.LiquidityCollapse)]
    [InlineData(StressVariants.ExtremeLiquidityDrop)]
    [InlineData(StressVariants.ImpactShift)]
    [InlineData(StressVariants.LiquidityShocks)]
    public void Liquidity_and_impact_stresses_raise_the_cost_of_twap_on_the_same_paths(string variant)
    {
        var plain = BacktestRunner.Run(Base() with { Market = Base().Market with { Impact = Base().Market.Impact with { LiquidityScaled = true } } });
        var stressed = BacktestRunner.Run(Base() with { Market = StressVariants.Apply(Base().Market, variant) });

        var a = plain.Strategies.Single(s => s.StrategyId == "twap").Summary;
        var b = stressed.Strategies.Single(s => s.StrategyId == "twap").Summary;
        Assert.True(b.MeanBps > a.MeanBps + 0.5, $"{variant}: {b.MeanBps} vs {a.MeanBps}");
    }

    [Fact]
    public void A_study_over_the_stress_axis_has_one_cell_per_variant_on_the_base_seed_and_episodes()
    {
        var spec = new StudySpec { Name = "stress", Scenario = Base(), Axes = new StudyAxes { Stress = StressVariants.Names } };

        var cells = spec.Expand();

        Assert.Equal(StressVariants.Names, cells.Select(c => c.Coordinates.Stress));
        Assert.All(cells, c => Assert.Equal((Base().Seed, Base().Episodes), (c.Scenario.Seed, c.Scenario.Episodes)));
        Assert.All(cells, c => Assert.Equal(StressVariants.Apply(Base().Market, c.Coordinates.Stress).Events, c.Scenario.Market.Events));
        Assert.Equal([(StudyAxisNames.Stress, (IReadOnlyList<string>)StressVariants.Names)], spec.VaryingAxes().Select(a => (a.Axis, a.Values)));
        Assert.Contains("stress extreme-liquidity-drop", cells[^1].Scenario.Name, StringComparison.Ordinal);
        Assert.DoesNotContain("stress", cells[0].Coordinates.Label, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_variant_is_refused_naming_the_field_and_the_allowed_values()
    {
        var spec = new StudySpec { Scenario = Base(), Axes = new StudyAxes { Stress = ["none", "meteor"] } };

        var error = Assert.Single(spec.Validate());

        Assert.Equal("axes.stress[1]", error.Field);
        Assert.Contains("extreme-liquidity-drop", error.Message, StringComparison.Ordinal);
        Assert.Throws<ScenarioValidationException>(() => StudyJson.Parse("""{"scenario": """ + ScenarioJson.Serialize(Base()) + """, "axes": {"stress": ["meteor"]}}"""));
        Assert.Equal(["none", "volatility-spike"], StudyJson.Parse("""{"scenario": """ + ScenarioJson.Serialize(Base()) + """, "axes": {"stress": ["none", "volatility-spike"]}}""").Axes.Stress);
    }
}
