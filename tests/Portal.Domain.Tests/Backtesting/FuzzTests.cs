using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Tests.Backtesting;

public class FuzzTests
{
    private sealed class GarbageStrategy : IExecutionStrategy
    {
        private static readonly double[] Values = [double.NaN, -1, 2, double.PositiveInfinity, double.NegativeInfinity, 1e300, -0.0, 0.3, double.Epsilon, 1];

        public string Id => "agent:garbage";

        public string DisplayName => "Garbage";

        public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining)
        {
            for (int e = 0; e < fractionOfRemaining.Length; e++)
                fractionOfRemaining[e] = Values[(int)((observations[e].Episode * 7 + context.Step * 3) % Values.Length)];
        }
    }

    [Theory]
    [InlineData(ImpactModels.AlmgrenChriss, null)]
    [InlineData(ImpactModels.Transient, 10.0)]
    [InlineData(ImpactModels.ObizhaevaWang, 3.0)]
    [InlineData(ImpactModels.SquareRoot, null)]
    public void Garbage_fractions_are_clamped_never_crash_and_never_trade_illegally(string model, double? cap)
    {
        var s = ScenarioPresets.Demo() with
        {
            Market = RegimePresets.Apply(ScenarioPresets.Demo().Market, RegimePresets.Panic) with { Impact = ImpactSpec.Default(model) with { LiquidityScaled = true } },
            Constraints = new ConstraintSpec { MaxParticipationPct = cap },
            Episodes = 700,
            Strategies = ["twap", "agent:garbage"],
        };
        var result = BacktestRunner.Run(s, new BacktestOptions { ExtraStrategies = [new GarbageStrategy()] });
        var g = result.Strategies.Single(r => r.StrategyId == "agent:garbage");
        Assert.InRange(g.Summary.Completion, 0, 1);
        Assert.True(double.IsFinite(g.Summary.MeanBps) && double.IsFinite(g.Summary.StdBps));
        foreach (var e in g.Episodes)
        {
            Assert.True(double.IsFinite(e.ShortfallBps));
            Assert.InRange(e.ForcedQuantity, 0, s.Quantity);
            if (cap is null) Assert.True(e.MaxParticipation >= 0);
        }

        for (int k = 1; k < g.MeanInventoryFraction.Length; k++)
        {
            Assert.True(g.MeanInventoryFraction[k] <= g.MeanInventoryFraction[k - 1] + 1e-12, "inventory must never grow: no trade against the order's side");
            Assert.InRange(g.InventoryP5Fraction[k], 0, 1);
        }

        Assert.Equal(0, g.MeanInventoryFraction[^1]);
    }

    [Fact]
    public void Unknown_external_strategy_is_rejected_with_its_name()
    {
        var s = ScenarioPresets.Demo() with { Strategies = ["twap", "agent:missing"] };
        var ex = Assert.Throws<ArgumentException>(() => BacktestRunner.Run(s));
        Assert.Contains("agent:missing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_scenario_is_rejected_by_the_runner()
    {
        var s = ScenarioPresets.Demo() with { Market = ScenarioPresets.Demo().Market with { DailyVolatility = -1 } };
        var ex = Assert.Throws<ScenarioValidationException>(() => BacktestRunner.Run(s));
        Assert.Contains(ex.Errors, e => e.Field == "market.dailyVolatility");
    }
}
