using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Tests.Backtesting;

/// <summary>Participation cap against the horizon: either the cap holds and the unfilled rest pays its opportunity cost
/// (Perold, 1988), or the horizon wins and every breach of the cap is counted; the result says which, honestly.</summary>
public class HorizonRuleTests
{
    private const double Cap = 0.05;

    /// <summary>Sell 5% ADV in an hour, TWAP children of about a third of step volume against a 5% cap: far from done at the
    /// horizon. Zero volatility and a known drift make the mid at the horizon a known number.</summary>
    private static Scenario Capped(HorizonRule rule) => ScenarioPresets.Demo() with
    {
        Order = new OrderSpec { Side = Side.Sell, SizePctAdv = 5, HorizonMinutes = 60, Steps = 12 },
        Market = ScenarioPresets.Demo().Market with
        {
            DailyVolatility = 0,
            Price = new PriceSpec { DriftPerDay = -0.02 },
            Impact = new AlmgrenChrissImpactSpec { Gamma = 0 },
            Volume = new VolumeSpec { UShape = 0, Noise = 0.2 },
            Events = [],
        },
        Constraints = new ConstraintSpec { MaxParticipationPct = Cap * 100, AtHorizon = rule },
        Episodes = 200,
        Strategies = ["twap", "pov"],
    };

    [Fact]
    public void When_the_cap_holds_nothing_exceeds_it_and_the_unfilled_rest_pays_its_opportunity_cost_at_the_horizon()
    {
        var s = Capped(HorizonRule.HoldCap);
        var twap = BacktestRunner.Run(s).Strategies.Single(r => r.StrategyId == "twap");
        Assert.Equal(0, twap.CapBreaches);
        Assert.InRange(twap.MaxParticipation, 0, Cap * (1 + 1e-12));
        Assert.True(twap.MeanUnfilledFraction > 0.5, $"unfilled {twap.MeanUnfilledFraction}");
        Assert.Equal(1 - twap.MeanForcedFraction - twap.MeanUnfilledFraction, twap.Summary.Completion, 12);
        Assert.Contains("unfinished", twap.DisplayName, StringComparison.Ordinal);

        // Perold (1988): unfilled × adverse move of the mid from arrival to the horizon. For a sell with drift μ and no
        // noise or permanent impact, the adverse move is −μ·S0·T.
        double s0 = s.Market.ArrivalPrice;
        double adverse = -s.Market.Price.DriftPerDay * s0 * s.HorizonDays;
        double notional = s0 * s.Quantity;
        foreach (var e in twap.Episodes)
        {
            Assert.True(e.UnfilledQuantity > 0);
            Assert.Equal(e.UnfilledQuantity * adverse / notional * 1e4, e.OpportunityCostBps, 9);
            double components = e.SpreadAndFeesBps + e.TemporaryImpactBps + e.PermanentImpactBps + e.TimingBps + e.OpportunityCostBps;
            Assert.Equal(e.ShortfallBps, components, 9);
        }

        Assert.Equal(twap.Episodes.Average(e => e.OpportunityCostBps), twap.MeanOpportunityCostBps, 9);
    }

    [Fact]
    public void When_the_horizon_wins_the_order_completes_and_every_breach_of_the_cap_is_counted()
    {
        var s = Capped(HorizonRule.ForceFinish);
        var result = BacktestRunner.Run(s);
        var twap = result.Strategies.Single(r => r.StrategyId == "twap");
        Assert.Equal(0, twap.MeanUnfilledFraction);
        Assert.Equal(0, twap.MeanOpportunityCostBps);
        Assert.True(twap.MeanForcedFraction > 0.5);
        // Every episode's forced last child is far over the cap: one breach per episode, and the max participation shows it.
        Assert.Equal(s.Episodes, twap.CapBreaches);
        Assert.Equal(twap.Episodes.Max(e => e.MaxParticipation), twap.MaxParticipation);
        Assert.True(twap.MaxParticipation > 3 * Cap);
        Assert.Contains("force-finished over the cap", twap.DisplayName, StringComparison.Ordinal);
        Assert.StartsWith("TWAP", twap.DisplayName, StringComparison.Ordinal);
    }

    [Fact]
    public void A_strategy_that_finishes_within_every_constraint_keeps_its_name()
    {
        var s = Capped(HorizonRule.ForceFinish) with { Constraints = new ConstraintSpec() };
        var twap = BacktestRunner.Run(s).Strategies.Single(r => r.StrategyId == "twap");
        Assert.Equal("TWAP", twap.DisplayName);
        Assert.Equal(0, twap.CapBreaches);
        Assert.Equal(1, twap.Summary.Completion, 12);
    }

    [Fact]
    public void Old_json_without_the_rule_keeps_force_finishing_and_the_rule_round_trips()
    {
        var old = ScenarioJson.Parse("""{ "order": { "side": "sell", "sizePctAdv": 5, "horizonMinutes": 60, "steps": 12 }, "market": {}, "constraints": { "maxParticipationPct": 10 } }""");
        Assert.Equal(HorizonRule.ForceFinish, old.Constraints.AtHorizon);
        var hold = old with { Constraints = old.Constraints with { AtHorizon = HorizonRule.HoldCap } };
        string json = ScenarioJson.Serialize(hold);
        Assert.Contains("\"atHorizon\": \"holdCap\"", json, StringComparison.Ordinal);
        Assert.Equal(HorizonRule.HoldCap, ScenarioJson.Parse(json).Constraints.AtHorizon);
    }
}
