using Portal.Domain.Backtesting;
using Portal.Domain.Impact;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Tests.Backtesting;

public class AlmgrenChrissTests
{
    private const double Sigma = 0.95, Eta = 2.5e-6, Gamma = 2.5e-7, Epsilon = 0.0625, Lambda = 1e-6, X = 1e6;
    private const double T = 5, Tau = 1;
    private const int N = 5;

    [Fact]
    public void Kappa_solves_the_discrete_equation()
    {
        double kappa = AlmgrenChriss.Kappa(Lambda, Sigma, Eta, Gamma, Tau);
        double etaTilde = Eta - 0.5 * Gamma * Tau;
        Assert.Equal(Lambda * Sigma * Sigma / etaTilde, 2 / (Tau * Tau) * (Math.Cosh(kappa * Tau) - 1), 12);
        Assert.InRange(kappa, 0.5, 0.7); // the paper reports κ ≈ 0.6 per day for this example
    }

    [Fact]
    public void Ac_strategy_inventory_follows_sinh_trajectory_with_discrete_kappa()
    {
        var s = ScenarioPresets.AlmgrenChriss2000() with { Episodes = 64, Strategies = ["ac"] };
        var result = BacktestRunner.Run(s);
        double etaTilde = Eta - 0.5 * Gamma * Tau;
        double kappaTilde2 = Lambda * Sigma * Sigma / etaTilde;
        double kappa = Math.Acosh(1 + kappaTilde2 * Tau * Tau / 2) / Tau;
        var ac = result.Strategies.Single(x => x.StrategyId == "ac");
        for (int j = 0; j <= N; j++)
        {
            double expected = Math.Sinh(kappa * (T - j * Tau)) / Math.Sinh(kappa * T);
            Assert.Equal(expected, ac.MeanInventoryFraction[j], 9);
            Assert.Equal(expected, ac.InventoryP5Fraction[j], 9);
            Assert.Equal(expected, ac.InventoryP95Fraction[j], 9);
        }
    }

    [Fact]
    public void Optimal_trajectory_minimises_mean_variance_objective()
    {
        double kappa = AlmgrenChriss.Kappa(Lambda, Sigma, Eta, Gamma, Tau);
        var x = AlmgrenChriss.Holdings(X, kappa, T, N);
        double U(double[] h) => AlmgrenChriss.ExpectedCost(h, 0, Eta, Gamma, Tau) + Lambda * AlmgrenChriss.Variance(h, Sigma, Tau);
        double best = U(x);
        for (int j = 1; j < N; j++)
        {
            foreach (double bump in new[] { -1000.0, 1000.0 })
            {
                var y = (double[])x.Clone();
                y[j] += bump;
                Assert.True(U(y) > best, $"perturbing x_{j} by {bump} lowered the objective");
            }
        }
    }

    [Theory]
    [InlineData("ac")]
    [InlineData("twap")]
    [InlineData("immediate")]
    public void Simulated_mean_and_variance_match_closed_form_within_three_standard_errors(string id)
    {
        var s = ScenarioPresets.AlmgrenChriss2000() with { Episodes = 20_000, Strategies = [id] };
        var result = BacktestRunner.Run(s, new BacktestOptions { KeepEpisodes = false });
        var r = result.Strategies.Single(x => x.StrategyId == id);
        var holdings = r.MeanInventoryFraction.Select(f => f * X).ToArray();

        double e = AlmgrenChriss.ExpectedCost(holdings, Epsilon, Eta, Gamma, Tau);
        double v = AlmgrenChriss.Variance(holdings, Sigma, Tau);
        double mean = r.Summary.MeanShortfallCurrency;
        double std = r.Summary.StdBps / 1e4 * 50 * X;
        int n = r.Summary.Episodes;

        double seMean = Math.Sqrt(v / n);
        if (v == 0)
        {
            Assert.Equal(e, mean, 6);
            Assert.Equal(0, std, 6);
            return;
        }

        Assert.InRange(mean, e - 3 * seMean, e + 3 * seMean);
        double seVar = v * Math.Sqrt(2.0 / (n - 1));
        Assert.InRange(std * std, v - 3 * seVar, v + 3 * seVar);
    }

    [Fact]
    public void Risk_neutral_optimum_is_the_linear_schedule_and_twap_has_no_regret()
    {
        // λ = 0: the run's objective is the expected cost alone (with λ > 0 the reference is the mean-variance optimum).
        var s = ScenarioPresets.AlmgrenChriss2000() with
        {
            Episodes = 4000,
            Strategies = ["twap", "ac", "immediate"],
            StrategySettings = new StrategySettings { RiskAversion = 0 },
        };
        var result = BacktestRunner.Run(s, new BacktestOptions { KeepEpisodes = false });
        var linear = AlmgrenChriss.Holdings(X, 0, T, N);
        double e = AlmgrenChriss.ExpectedCost(linear, Epsilon, Eta, Gamma, Tau);
        Assert.NotNull(result.OptimumExpectedCostBps);
        Assert.Equal(e / (50 * X) * 1e4, result.OptimumExpectedCostBps!.Value, 9);
        foreach (var r in result.Strategies)
        {
            double se = r.Summary.StdBps / Math.Sqrt(r.Summary.Episodes);
            Assert.True(r.Summary.RegretBps >= -3 * se, $"{r.StrategyId} beats the optimum by {r.Summary.RegretBps} bps");
        }

        // Regret is paired with the optimum's schedule on the same paths: TWAP is that schedule, so its regret is exactly
        // zero (not the mean's Monte Carlo error), and immediate's regret is its paired difference.
        var twap = result.Strategies.Single(r => r.StrategyId == "twap");
        Assert.Equal(0, twap.Summary.RegretBps!.Value, 12);
        Assert.NotEqual(twap.Summary.MeanBps, result.OptimumExpectedCostBps!.Value, 6);
        var immediate = result.Strategies.Single(r => r.StrategyId == "immediate");
        Assert.Equal(immediate.Summary.VsTwap!.MeanBps, immediate.Summary.RegretBps!.Value, 9);
        Assert.DoesNotContain(result.Strategies, r => r.StrategyId == "optimum");
    }
}
