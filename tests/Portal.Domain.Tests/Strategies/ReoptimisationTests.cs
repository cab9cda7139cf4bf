using Portal.Domain.Backtesting;
using Portal.Domain.Impact;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies;
using Portal.Domain.Strategies.Baselines;

namespace Portal.Domain.Tests.Strategies;

/// <summary>The online re-optimisation re-solves the best static schedule for what remains: with estimates that never
/// change it is the best static schedule, with new estimates it is the Almgren–Chriss closed form of the remaining order,
/// and every run with a learned agent compares it.</summary>
public class ReoptimisationTests
{
    /// <summary>A linear-quadratic Almgren–Chriss market with a clearly curved optimum (κT ≈ 2).</summary>
    private static Scenario Curved(int steps = 30) => ScenarioPresets.Demo() with
    {
        Order = ScenarioPresets.Demo().Order with { Steps = steps },
        StrategySettings = new StrategySettings { RiskAversion = 1e-5 },
    };

    private static ReoptimisationStrategy Create(Scenario s) => (ReoptimisationStrategy)StrategyRegistry.Create(ReoptimisationBaseline.StrategyIdValue, s);

    [Fact]
    public void With_the_models_own_estimates_it_trades_the_best_static_schedule_at_every_step()
    {
        var s = Curved();
        var best = BestStaticSchedule.Optimise(s);
        Assert.Equal(BestStaticSchedule.ExactMethod, best.Method);
        Assert.True(best.HoldingsFraction[1] < 1 - 1.5 / s.Order.Steps, "the optimum should be front-loaded, not TWAP");
        var reopt = Create(s);

        // Walk the best static path: at each step the remainder is H_k, the estimates are the model's (v̂ = 1, ℓ̂ = 1).
        for (int k = 0; k < s.Order.Steps; k++)
        {
            var obs = new[] { new Observation { RemainingFraction = best.HoldingsFraction[k], RealizedVolatility = 1, Liquidity = 1 } };
            var f = new double[1];
            reopt.Decide(new DecisionContext { Scenario = s, Step = k, Steps = s.Order.Steps, Quantity = s.Quantity }, obs, f);
            double expected = k == s.Order.Steps - 1 ? 1 : 1 - best.HoldingsFraction[k + 1] / best.HoldingsFraction[k];
            Assert.Equal(expected, f[0], 1e-12);
        }
    }

    [Theory]
    [InlineData(3, 2.0, 1.0)]
    [InlineData(10, 0.5, 1.0)]
    [InlineData(20, 1.7, 1.0)]
    public void New_volatility_estimates_give_the_closed_form_optimum_of_the_remaining_order(int step, double volatilityRatio, double liquidity)
    {
        var s = Curved();
        var reopt = Create(s);
        var m = s.Market;
        var ac = (AlmgrenChrissImpactSpec)m.Impact;
        int remaining = s.Order.Steps - step;
        double kappa = AlmgrenChriss.Kappa(s.StrategySettings.RiskAversion, volatilityRatio * m.DailyVolatility * m.ArrivalPrice, ac.Eta, ac.Gamma, s.StepDays);
        var closed = AlmgrenChriss.Holdings(1, kappa, remaining * s.StepDays, remaining);

        double f = reopt.Fraction(step, remaining, volatilityRatio, liquidity);

        Assert.Equal(1 - closed[1], f, 1e-6);
        double staticSlice = 1 - reopt.BestStaticHoldings[step + 1] / reopt.BestStaticHoldings[step];
        if (volatilityRatio > 1) Assert.True(f > staticSlice + 1e-3, $"more risk should trade faster: {f} vs {staticSlice}");
        else Assert.True(f < staticSlice - 1e-3, $"less risk should trade slower: {f} vs {staticSlice}");
    }

    [Fact]
    public void Lower_liquidity_slows_it_down_only_where_impact_scales_with_liquidity()
    {
        var plain = Create(Curved());
        var scaled = Create(Curved() with { Market = Curved().Market with { Impact = Curved().Market.Impact with { LiquidityScaled = true } } });

        Assert.Equal(plain.Fraction(5, 25, 1, 1), plain.Fraction(5, 25, 1, 0.3));
        // Impact divided by ℓ̂ = 0.3 makes waiting relatively cheaper than impact: the urgency κ̂ falls.
        Assert.True(scaled.Fraction(5, 25, 1, 0.3) < scaled.Fraction(5, 25, 1, 1) - 1e-3);
    }

    [Fact]
    public void Without_volatility_the_estimates_never_change_and_each_episode_costs_what_the_best_static_schedule_costs()
    {
        var s = Curved(12) with
        {
            Market = Curved(12).Market with { DailyVolatility = 0 },
            Episodes = 32,
            Seed = 5,
            Strategies = [ReoptimisationBaseline.StrategyIdValue],
        };

        var result = BacktestRunner.Run(s);

        var reopt = result.Strategies.Single(r => r.StrategyId == ReoptimisationBaseline.StrategyIdValue).Episodes;
        var best = result.Strategies.Single(r => r.StrategyId == StrategyId.BestStatic).Episodes;
        Assert.Equal(best.Count, reopt.Count);
        for (int e = 0; e < reopt.Count; e++)
        {
            Assert.Equal(best[e].ShortfallBps, reopt[e].ShortfallBps, 1e-9);
            Assert.Equal(0, reopt[e].UnfilledQuantity);
        }
    }

    [Fact]
    public void It_completes_the_order_under_a_liquidity_collapse_and_reacts_to_it()
    {
        var s = Curved(12) with
        {
            Market = Curved(12).Market with
            {
                Impact = Curved(12).Market.Impact with { LiquidityScaled = true },
                Events = [new MarketEvent { AtFraction = 0.25, LiquidityMultiplier = 0.2, VolatilityMultiplier = 3 }],
            },
            Episodes = 64,
            Seed = 9,
            Strategies = [ReoptimisationBaseline.StrategyIdValue],
        };

        var result = BacktestRunner.Run(s);

        var reopt = result.Strategies.Single(r => r.StrategyId == ReoptimisationBaseline.StrategyIdValue);
        var best = result.Strategies.Single(r => r.StrategyId == StrategyId.BestStatic);
        Assert.All(reopt.Episodes, e => Assert.Equal(0, e.UnfilledQuantity));
        Assert.NotEqual(best.Summary.MeanBps, reopt.Summary.MeanBps);
    }

    [Fact]
    public void Every_run_with_a_learned_agent_compares_it_and_runs_without_one_do_not()
    {
        var s = ScenarioPresets.Demo() with { Strategies = ["twap"] };
        var agent = new ScheduleStrategy("agent:test", "Agent", ScheduleStrategy.LinearHoldings(12, 6));

        var withAgent = StrategyCatalog.Resolve(s, [agent]).Select(x => x.Id).ToList();
        var without = StrategyCatalog.Resolve(s, []).Select(x => x.Id).ToList();

        Assert.Equal(["twap", "agent:test", "random", "best-static", "reopt"], withAgent);
        Assert.Equal(["twap", "random", "best-static"], without);
        Assert.Equal(["reopt"], StrategyRegistry.ComparedWithAgents);
        Assert.Equal(["twap", "random", "best-static", "reopt"], StrategyRegistry.ComparedFor(["agent:x"]));
    }
}
