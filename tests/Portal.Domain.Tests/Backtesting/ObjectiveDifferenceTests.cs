using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Tests.Backtesting;

/// <summary>The paired difference of E + λ·Var against the best static schedule (delta-method interval).</summary>
public class ObjectiveDifferenceTests
{
    private static (double[] A, double[] B) Sample(int n, int seed, double meanA, double sdA, double meanB, double sdB, double rho)
    {
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var a = new double[n];
        var b = new double[n];
        for (int i = 0; i < n; i++)
        {
            double z1 = Normal(), z2 = Normal();
            a[i] = meanA + sdA * z1;
            b[i] = meanB + sdB * (rho * z1 + Math.Sqrt(1 - rho * rho) * z2);
        }

        return (a, b);
    }

    [Fact]
    public void With_no_risk_aversion_it_is_the_paired_difference_of_mean_costs()
    {
        var (a, b) = Sample(500, 1, 1000, 300, 990, 250, 0.8);
        const double notional = 1e6;
        var objective = Statistics.PairedObjective(a, b, 0, notional);
        var paired = Statistics.Paired(a.Select(x => x / notional * 1e4).ToArray(), b.Select(x => x / notional * 1e4).ToArray());
        Assert.Equal(paired.MeanBps, objective.MeanBps, 1e-9);
        Assert.Equal(paired.CiLowBps, objective.CiLowBps, 1e-9);
        Assert.Equal(paired.CiHighBps, objective.CiHighBps, 1e-9);
        Assert.Equal(500, objective.IndependentUnits);
    }

    [Fact]
    public void Its_estimate_is_the_regret_formula_on_the_same_costs()
    {
        var (a, b) = Sample(400, 2, 1000, 300, 1010, 100, 0.5);
        const double lambda = 1e-3, notional = 2e6;
        var objective = Statistics.PairedObjective(a, b, lambda, notional);
        Assert.Equal(Statistics.ObjectiveRegretBps(a, b, lambda, notional), objective.MeanBps, 1e-9);
        // Here the variance term dominates: a is cheaper on average but worse on the objective.
        Assert.True(a.Average() < b.Average());
        Assert.True(objective.CiLowBps > 0, $"objective difference {objective.MeanBps} [{objective.CiLowBps}, {objective.CiHighBps}] should be significantly positive");
    }

    [Fact]
    public void Nominal_95_percent_intervals_cover_the_true_difference_about_95_percent_of_the_time()
    {
        // Normal costs: E + λ·Var difference is (μa − μb) + λ(σa² − σb²) exactly.
        const double lambda = 2e-3, notional = 1e6;
        const double muA = 1000, sdA = 300, muB = 1020, sdB = 200;
        double truth = (muA - muB + lambda * (sdA * sdA - sdB * sdB)) / notional * 1e4;
        int covered = 0;
        const int repetitions = 1000;
        for (int r = 0; r < repetitions; r++)
        {
            var (a, b) = Sample(400, 100 + r, muA, sdA, muB, sdB, 0.7);
            var d = Statistics.PairedObjective(a, b, lambda, notional);
            if (d.CiLowBps <= truth && truth <= d.CiHighBps) covered++;
        }

        double rate = covered / (double)repetitions;
        // Binomial standard error at 95% over 1,000 repetitions is 0.7 points; allow the delta method's small-sample bias.
        Assert.InRange(rate, 0.92, 0.975);
    }

    [Fact]
    public void Clustered_costs_give_window_units_and_a_wider_interval_when_clusters_share_noise()
    {
        var rng = new Random(7);
        int n = 600;
        var a = new double[n];
        var b = new double[n];
        var cluster = new int[n];
        var shock = Enumerable.Range(0, 30).Select(_ => rng.NextDouble() * 400 - 200).ToArray();
        for (int i = 0; i < n; i++)
        {
            cluster[i] = i / 20;
            a[i] = 1000 + shock[cluster[i]] + 50 * (rng.NextDouble() - 0.5);
            b[i] = 1000 + 0.5 * shock[cluster[i]] + 50 * (rng.NextDouble() - 0.5);
        }

        var independent = Statistics.PairedObjective(a, b, 1e-3, 1e6);
        var clustered = Statistics.PairedObjective(a, b, 1e-3, 1e6, cluster);
        Assert.Equal(independent.MeanBps, clustered.MeanBps, 1e-12);
        Assert.Equal(UnitKinds.Window, clustered.UnitKind);
        Assert.Equal(30, clustered.IndependentUnits);
        Assert.True(clustered.CiHighBps - clustered.CiLowBps > 2 * (independent.CiHighBps - independent.CiLowBps));
    }

    [Theory]
    [InlineData(-1e-6)]
    [InlineData(double.NaN)]
    public void Rejects_a_negative_or_undefined_risk_aversion(double lambda) =>
        Assert.Throws<ArgumentOutOfRangeException>("lambda", () => Statistics.PairedObjective([1.0, 2.0], [1.0, 2.0], lambda, 1));

    [Fact]
    public void In_a_risk_averse_run_twap_can_be_cheaper_than_best_static_on_the_mean_yet_worse_on_the_objective()
    {
        // Almgren–Chriss with λ large enough to bend the optimal trajectory: the best static schedule front-loads, paying
        // more impact for less timing risk. TWAP's mean cost is lower, but its E + λ·Var is higher.
        var s = ScenarioPresets.Demo() with
        {
            Order = ScenarioPresets.Demo().Order with { Steps = 30 },
            StrategySettings = new StrategySettings { RiskAversion = 1e-5 },
            Strategies = ["twap"],
            Episodes = 4000,
        };
        var result = BacktestRunner.Run(s, new BacktestOptions { KeepEpisodes = false });
        var twap = result.Strategies.Single(x => x.StrategyId == "twap").Summary;
        var best = result.Strategies.Single(x => x.StrategyId == StrategyCatalog.BestStatic).Summary;
        Assert.Null(best.VsBestStaticObjective);
        Assert.NotNull(twap.VsBestStatic);
        Assert.NotNull(twap.VsBestStaticObjective);
        Assert.True(twap.VsBestStatic!.MeanBps < 0, $"TWAP should be cheaper on the mean: {twap.VsBestStatic.MeanBps}");
        Assert.True(twap.VsBestStaticObjective!.CiLowBps > 0,
            $"TWAP should be worse on E + λ·Var: {twap.VsBestStaticObjective.MeanBps} [{twap.VsBestStaticObjective.CiLowBps}, {twap.VsBestStaticObjective.CiHighBps}]");
    }
}
