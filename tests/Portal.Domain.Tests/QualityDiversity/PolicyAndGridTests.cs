using Portal.Domain.QualityDiversity;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Tests.QualityDiversity;

public class PolicyAndGridTests
{
    [Fact]
    public void Bin_centres_are_geometric_means_of_their_bounds_and_locate_back_to_their_niche()
    {
        var grid = new NicheGrid();
        Assert.Equal(Math.Sqrt(0.5 * 0.5 * Math.Cbrt(4)), grid.VolatilityCentre(0), 12);
        Assert.Equal(1, grid.VolatilityCentre(1), 12);
        Assert.Equal(1, grid.LiquidityCentre(1), 12);
        for (int j = 0; j < grid.Count; j++)
        {
            Assert.Equal(j, grid.Locate(grid.VolatilityCentre(grid.VolatilityBin(j)), grid.LiquidityCentre(grid.LiquidityBin(j))));
        }

        Assert.Equal(grid.NicheOf(0, 0), grid.Locate(0.01, 0.001));
        Assert.Equal(grid.NicheOf(2, 2), grid.Locate(50, 50));
        var wide = new NicheGrid { VolatilityBins = 5, LiquidityBins = 4 };
        Assert.Equal(20, wide.Count);
        Assert.Equal(wide.NicheOf(4, 3), wide.Locate(wide.VolatilityAt(4.5), wide.LiquidityAt(3.5)));
    }

    [Fact]
    public void A_niche_variant_hides_its_regime_from_strategies()
    {
        var grid = new NicheGrid();
        var variant = grid.Variant(MapElitesSettings.DefaultScenario(), grid.NicheOf(2, 0)).EnsureValid();
        var regime = Assert.Single(variant.Market.Events);
        Assert.Equal(grid.VolatilityCentre(2), regime.VolatilityMultiplier);
        Assert.Equal(grid.LiquidityCentre(0), regime.LiquidityMultiplier);
        Assert.Equal(0, regime.AtFraction);
        Assert.Empty(DecisionContext.StrategyView(variant).Market.Events);
        // The nominal centre is the base scenario itself.
        Assert.Empty(grid.Variant(MapElitesSettings.DefaultScenario(), grid.NicheOf(1, 1)).Market.Events);
    }

    [Theory]
    [InlineData(0, 20)]
    [InlineData(7, 13)]
    [InlineData(19, 1)]
    public void Theta_zero_is_twap_s_fraction_of_remaining(int step, int left)
    {
        var theta = new double[LinearPolicy.ParameterCount];
        var o = new Observation { RemainingFraction = 0.4, TimeFraction = step / 20.0, RealizedVolatility = 1.7, Liquidity = 0.3, SpreadBps = 9, VolumeRatio = 2 };
        Assert.Equal(1.0 / left, LinearPolicy.Fraction(theta, o, 4, left));
    }

    [Fact]
    public void The_action_is_a_fraction_in_zero_one_whatever_the_parameters_and_features()
    {
        var theta = new double[] { 8, -8, 8, -8, 8, -8, 8, -8, 8, -8 };
        var extreme = new Observation { RemainingFraction = 1, PriceMoveSigma = double.NaN, RealizedVolatility = 1e6, Liquidity = 0, SpreadBps = 0, VolumeRatio = 1e9 };
        for (int left = 1; left <= 20; left++)
        {
            double f = LinearPolicy.Fraction(theta, extreme, 4, left);
            Assert.InRange(f, 0, 1);
            Assert.InRange(LinearPolicy.Fraction(theta.Select(t => -t).ToArray(), new Observation { RemainingFraction = 1, Liquidity = 1 }, 4, left), 0, 1);
        }

        // The log-rate is clamped at ±4: exp(4) / 100 for any larger bias, and at most 1 however few steps are left.
        Assert.Equal(Math.Exp(4) / 100, LinearPolicy.Fraction([4, 0, 0, 0, 0, 0, 0, 0, 0, 0], new Observation { Liquidity = 1, SpreadBps = 4 }, 4, 100), 12);
        Assert.Equal(Math.Exp(4) / 100, LinearPolicy.Fraction([9, 0, 0, 0, 0, 0, 0, 0, 0, 0], new Observation { Liquidity = 1, SpreadBps = 4 }, 4, 100), 12);
        Assert.Equal(Math.Exp(-4) / 100, LinearPolicy.Fraction([-9, 0, 0, 0, 0, 0, 0, 0, 0, 0], new Observation { Liquidity = 1, SpreadBps = 4 }, 4, 100), 12);
        Assert.Equal(1, LinearPolicy.Fraction([4, 0, 0, 0, 0, 0, 0, 0, 0, 0], new Observation { Liquidity = 1, SpreadBps = 4 }, 4, 20));
    }

    [Fact]
    public void Any_policy_liquidates_the_order_by_the_horizon_within_the_cap_except_the_forced_last_step()
    {
        var scenario = new NicheGrid().Variant(MapElitesSettings.DefaultScenario(), 0).EnsureValid();
        foreach (var theta in new[] { new double[] { -4, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, new double[] { 4, 1, -1, 0.5, 0, 0, 0, 0, 0, 0 } })
        {
            var strategy = new LinearPolicyStrategy("elite:test", "test", theta);
            var sim = new ExecutionSimulation(scenario, 16);
            sim.Reset(3, 0, 16);
            var f = new double[16];
            while (!sim.IsDone)
            {
                strategy.Decide(sim.Context, sim.Observations, f);
                sim.Step(f);
            }

            for (int e = 0; e < 16; e++)
            {
                Assert.Equal(0, sim.Remaining(e), 6);
                var r = sim.Result(e);
                Assert.True(r.ForcedQuantity >= 0);
            }
        }
    }

    [Fact]
    public void Variation_is_a_pure_function_of_seed_generation_and_index()
    {
        double[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], y = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var a = new double[10];
        var b = new double[10];
        var r1 = new CandidateStream(5, 3, 11);
        var r2 = new CandidateStream(5, 3, 11);
        Variation.Gaussian(x, 0.3, 100, ref r1, a);
        Variation.Gaussian(x, 0.3, 100, ref r2, b);
        Assert.Equal(a, b);
        var r3 = new CandidateStream(5, 3, 12);
        Variation.Gaussian(x, 0.3, 100, ref r3, b);
        Assert.NotEqual(a, b);

        // σ = 0 copies the parent; the iso-line child without isotropic noise lies on the line through x and y.
        var r4 = new CandidateStream(1, 1, 1);
        Variation.Gaussian(x, 0, 100, ref r4, a);
        Assert.Equal(x, a);
        Variation.IsoLine(x, y, 0, 0.5, 100, ref r4, a);
        double t = (a[0] - x[0]) / (y[0] - x[0]);
        for (int i = 0; i < 10; i++) Assert.Equal(x[i] + t * (y[i] - x[i]), a[i], 10);
        Variation.Gaussian(x, 50, 2, ref r4, a);
        Assert.All(a, v => Assert.InRange(v, -2, 2));
    }
}
