using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using static Portal.Domain.Tests.Impact.ImpactTestScenarios;

namespace Portal.Domain.Tests.Impact;

public class PowerLawImpactTests
{
    [Fact]
    public void Twap_on_a_flat_profile_costs_the_papers_closed_form()
    {
        // Almgren et al. (2005): J = I/2 + η·σ·(X/(V·T))^β with I = γ·σ·(X/V)·(Θ/V)^(1/4); plus half the spread.
        var s = With(ImpactModels.PowerLaw, pctAdv: 5, minutes: 60) with
        {
            Market = With(ImpactModels.PowerLaw).Market with { Volume = new VolumeSpec { UShape = 0, Noise = 0.3 } },
            Episodes = 64,
        };
        double participation = 0.05 / (60.0 / 390);
        double temporary = 0.142 * 0.02 * Math.Pow(participation, 0.6);
        double permanent = 0.314 * 0.02 * 0.05 * Math.Pow(263, 0.25);
        double expected = (temporary + permanent / 2) * 1e4 + 2;
        Assert.Equal(expected, ExpectedBps(s, Twap(12)), 1e-9);
        var engine = Mean(BacktestRunner.Run(s), "twap", withoutTiming: true);
        Assert.Equal(expected, engine.Mean, 1e-9);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(2.0)]
    public void Slicing_a_schedule_more_finely_leaves_its_expected_cost_unchanged(double uShape)
    {
        var market = With(ImpactModels.PowerLaw).Market with { Volume = new VolumeSpec { UShape = uShape } };
        double Cost(int steps) => ExpectedBps(With(ImpactModels.PowerLaw, steps: steps) with { Market = market }, Twap(steps));
        double coarse = Cost(12);
        // Exact on a flat profile; on the U-shaped profile finer slices follow the profile more closely (Riemann sums).
        double tolerance = uShape == 0 ? 1e-9 : 0.01 * coarse;
        Assert.Equal(coarse, Cost(48), tolerance);
        Assert.Equal(coarse, Cost(240), tolerance);
    }

    [Fact]
    public void Slicing_invariance_holds_in_simulation_to_monte_carlo_error()
    {
        BacktestResult Run(int steps) => BacktestRunner.Run(With(ImpactModels.PowerLaw, steps: steps) with { Episodes = 4000, Strategies = ["twap"] });
        var coarse = Mean(Run(12), "twap");
        var fine = Mean(Run(60), "twap");
        double se = Math.Sqrt(coarse.StdErr * coarse.StdErr + fine.StdErr * fine.StdErr);
        Assert.True(Math.Abs(coarse.Mean - fine.Mean) < 3 * se, $"12 steps {coarse.Mean:F2} bps vs 60 steps {fine.Mean:F2} bps (SE {se:F2})");
    }

    [Fact]
    public void A_shorter_horizon_costs_more()
    {
        double previous = double.PositiveInfinity;
        foreach (double minutes in new[] { 5.0, 15, 30, 60, 120, 390 })
        {
            double cost = ExpectedBps(With(ImpactModels.PowerLaw, minutes: minutes), Twap(12));
            Assert.True(cost < previous, $"TWAP over {minutes} min costs {cost:F2} bps, not below {previous:F2} bps");
            previous = cost;
        }
    }

    [Fact]
    public void Without_volatility_the_model_has_no_impact()
    {
        var s = With(ImpactModels.PowerLaw) with { Market = With(ImpactModels.PowerLaw).Market with { DailyVolatility = 0 }, Episodes = 16 };
        foreach (var r in BacktestRunner.Run(s).Strategies)
        {
            foreach (var e in r.Episodes)
            {
                Assert.Equal(0, e.TemporaryImpactBps, 1e-12);
                Assert.Equal(0, e.PermanentImpactBps, 1e-12);
            }
        }
    }

    [Fact]
    public void Parameters_out_of_range_are_rejected_by_name()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Portal.Domain.Impact.PowerLawImpact(0, 0.142, 0, 0.314, 263));
        Assert.Equal("beta", ex.ParamName);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Portal.Domain.Impact.PowerLawImpact(0, 0.142, 0.6, 0.314, 0.5));
        Assert.Equal("sharesOutstandingToAdv", ex.ParamName);
    }
}
