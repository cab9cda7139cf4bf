using Portal.Domain.Backtesting;
using Portal.Domain.Impact;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using static Portal.Domain.Tests.Impact.ImpactTestScenarios;

namespace Portal.Domain.Tests.Impact;

public class SquareRootPropagatorTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>Transient displacement (bps) at the start of each step while a TWAP metaorder of <paramref name="pctAdv"/>% ADV
    /// trades over its first <paramref name="tradingSteps"/> steps of <paramref name="stepMinutes"/> minutes, then rests for
    /// <paramref name="restSteps"/> steps.</summary>
    private static double[] ImpactPath(ImpactSpec impact, double pctAdv, double stepMinutes, int tradingSteps, int restSteps)
    {
        int steps = tradingSteps + restSteps;
        var s = With(impact, pctAdv, stepMinutes * steps, steps) with
        {
            Order = ScenarioPresets.Demo().Order with { SizePctAdv = pctAdv, HorizonMinutes = stepMinutes * steps, Steps = steps },
        };
        var sim = new ExecutionSimulation(s, 1);
        var path = new double[steps];
        path[0] = sim.Reset(3, 0, 1)[0].TransientImpactBps;
        var fraction = new double[1];
        for (int k = 0; k < steps - 1; k++)
        {
            fraction[0] = k < tradingSteps ? 1.0 / (tradingSteps - k) : 0; // equal children, then nothing
            path[k + 1] = sim.Step(fraction).Observations[0].TransientImpactBps;
        }

        return path;
    }

    [Theory]
    [InlineData(5.0)]
    [InlineData(15.0)]
    [InlineData(30.0)]
    [InlineData(60.0)]
    public void Peak_impact_of_a_twap_metaorder_follows_the_square_root_law(double minutes)
    {
        foreach (double pct in new[] { 1.0, 5.0, 10.0 })
        {
            var path = ImpactPath(new SquareRootImpactSpec(), pct, minutes / 12, 12, 1);
            double law = 0.7 * 0.02 * Math.Sqrt(pct / 100) * 1e4; // Y·σ·√(Q/V) in bps
            double peak = path.Max();
            Assert.Equal(peak, path[12]);
            output.WriteLine($"{pct}% ADV over {minutes} min: peak {peak:F2} bps, law {law:F2} bps, ratio {peak / law:F3}");
            Assert.InRange(peak / law, 0.8, 1.2);
        }
    }

    [Fact]
    public void Impact_relaxes_after_the_metaorder_ends()
    {
        var path = ImpactPath(new SquareRootImpactSpec(), 5, 5, 12, 13);
        double peak = path[12];
        output.WriteLine($"peak {peak:F2} bps; 5 min after the end {path[13]:F2}, 60 min after {path[^1]:F2}");
        for (int k = 13; k < path.Length; k++) Assert.True(path[k] < path[k - 1], $"impact rose after the end at step {k}");
        Assert.True(path[^1] < 0.6 * peak, $"an hour after the end impact is {path[^1]:F2} bps of a {peak:F2} bps peak");
        Assert.True(path[^1] > 0, "the power-law kernel still remembers the metaorder an hour later");
    }

    [Fact]
    public void A_day_long_twap_costs_less_than_an_hour_long_one_beyond_monte_carlo_error()
    {
        BacktestResult Run(double minutes) =>
            BacktestRunner.Run(With(ImpactModels.SquareRoot, minutes: minutes) with { Episodes = 20_000, Strategies = ["twap"] });
        var hour = Mean(Run(60), "twap");
        var day = Mean(Run(390), "twap");
        double se = Math.Sqrt(hour.StdErr * hour.StdErr + day.StdErr * day.StdErr);
        output.WriteLine($"hour {hour.Mean:F2} ± {hour.StdErr:F2} bps, day {day.Mean:F2} ± {day.StdErr:F2} bps, difference {(hour.Mean - day.Mean) / se:F1} SE");
        Assert.True(hour.Mean - day.Mean > 3 * se, $"hour {hour.Mean:F2} bps, day {day.Mean:F2} bps, SE of the difference {se:F2} bps");
    }

    [Theory]
    [InlineData(PropagatorKernels.PowerLaw)]
    [InlineData(PropagatorKernels.Exponential)]
    public void Slicing_a_schedule_more_finely_leaves_its_expected_cost_unchanged(string kernel)
    {
        var impact = new SquareRootImpactSpec { Kernel = kernel, RelaxationMinutes = 20 };
        double coarse = ExpectedBps(With(impact, steps: 12), Twap(12));
        Assert.Equal(coarse, ExpectedBps(With(impact, steps: 48), Twap(48)), 1e-9 * coarse);
        Assert.Equal(coarse, ExpectedBps(With(impact, steps: 600), Twap(600)), 1e-8 * coarse);
    }

    [Fact]
    public void The_simulator_charges_what_the_kernel_integral_says()
    {
        var s = With(ImpactModels.SquareRoot) with { Episodes = 32 };
        foreach (string id in new[] { "twap", "immediate" })
        {
            double expected = ExpectedBps(s, id == "twap" ? Twap(12) : Immediate(12));
            Assert.Equal(expected, Mean(BacktestRunner.Run(s), id, withoutTiming: true).Mean, 1e-9 * expected);
        }
    }

    [Fact]
    public void Without_volatility_or_with_zero_y_the_model_has_no_impact()
    {
        foreach (var s in new[]
        {
            With(ImpactModels.SquareRoot) with { Market = With(ImpactModels.SquareRoot).Market with { DailyVolatility = 0 }, Episodes = 8 },
            With(new SquareRootImpactSpec { Y = 0 }) with { Episodes = 8 },
        })
        {
            foreach (var e in BacktestRunner.Run(s).Strategies.SelectMany(r => r.Episodes))
                Assert.Equal(0, e.TemporaryImpactBps + e.PermanentImpactBps, 1e-12);
        }
    }

    [Fact]
    public void Kernel_amplitude_makes_the_reference_metaorder_peak_exactly_at_the_law()
    {
        var model = new SquareRootPropagatorImpact(0, 0.7, 0.5, PropagatorKernels.PowerLaw, 0.5, 390);
        var (times, weights) = model.KernelStates(390);
        double a = model.Amplitude(390);
        double t = SquareRootPropagatorImpact.ReferenceMinutes / 390;
        double peakPerUnitLaw = a * Math.Pow(1 / t, 0.5) * times.Select((tau, i) => weights[i] * tau * -double.ExpM1(-t / tau)).Sum();
        Assert.Equal(1.0, peakPerUnitLaw, 12);
        Assert.Equal(19, times.Length);
    }

    [Fact]
    public void Dynamic_arbitrage_conditions_are_warnings_naming_the_parameters()
    {
        Assert.Empty(ScenarioWarnings.For(With(ImpactModels.SquareRoot)));
        Assert.Empty(ScenarioWarnings.For(With(ImpactModels.PowerLaw)));
        Assert.Empty(ScenarioWarnings.For(With(ImpactModels.AlmgrenChriss)));
        var weakKernel = ScenarioWarnings.For(With(new SquareRootImpactSpec { KernelExponent = 0.3 }));
        Assert.Equal("market.impact.kernelExponent", Assert.Single(weakKernel).Field);
        Assert.Contains("δ + γ", weakKernel[0].Message);
        var exponential = ScenarioWarnings.For(With(new SquareRootImpactSpec { Kernel = PropagatorKernels.Exponential }));
        Assert.Equal("market.impact.kernel", Assert.Single(exponential).Field);
        Assert.Empty(ScenarioWarnings.For(With(new SquareRootImpactSpec { Kernel = PropagatorKernels.Exponential, Delta = 1 })));
        Assert.Equal("market.impact.beta", Assert.Single(ScenarioWarnings.For(With(ImpactModels.Transient))).Field);
        Assert.Empty(With(new SquareRootImpactSpec { KernelExponent = 0.3 }).Validate());
    }

    [Fact]
    public void A_stored_square_root_scenario_loads_as_the_propagator_model()
    {
        const string stored = """
            {"name":"old","order":{"side":"sell","sizePctAdv":5,"horizonMinutes":60,"steps":12},
             "market":{"impact":{"model":"square-root","squareRootY":0.9,"gamma":2e-7,"g0":0.5,"beta":0.5,"resiliencePerDay":50}},
             "episodes":16,"seed":1,"strategies":["twap"]}
            """;
        var s = ScenarioJson.Parse(stored);
        Assert.Empty(s.Validate());
        var model = Assert.IsType<SquareRootPropagatorImpact>(ImpactModelFactory.Create(s.Market.Impact));
        Assert.Equal(0.9, model.Y);
        Assert.Equal(PropagatorKernels.PowerLaw, model.Kernel);
        Assert.Equal(0.0, BacktestRunner.Run(s).Strategies.Single(r => r.StrategyId == "twap").Episodes.Average(e => e.PermanentImpactBps)); // γ belongs to Almgren–Chriss
    }
}
