using Portal.Domain.Backtesting;
using Portal.Domain.Impact;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Tests.Backtesting;

public class ObizhaevaWangTests
{
    [Theory]
    [InlineData(50.0, 12)]
    [InlineData(5.0, 5)]
    [InlineData(500.0, 30)]
    [InlineData(0.0, 4)]
    public void Closed_form_optimum_equals_the_cost_of_the_optimal_trades(double rho, int trades)
    {
        double tau = 1.0 / 78;
        var xi = ObizhaevaWang.OptimalTrades(250_000, rho, tau, trades);
        Assert.Equal(250_000, xi.Sum(), 6);
        double closed = ObizhaevaWang.OptimalCost(250_000, 1.25e6, rho, tau, trades);
        Assert.Equal(closed, ObizhaevaWang.ImpactCost(xi, 1.25e6, rho, tau), 1e-9 * closed);
    }

    [Fact]
    public void Perturbing_the_optimal_trades_raises_their_cost()
    {
        double tau = 1.0 / 78;
        var xi = ObizhaevaWang.OptimalTrades(250_000, 50, tau, 12);
        double best = ObizhaevaWang.ImpactCost(xi, 1.25e6, 50, tau);
        for (int i = 0; i < 12; i++)
        {
            for (int j = 0; j < 12; j++)
            {
                if (i == j) continue;
                var y = (double[])xi.Clone();
                y[i] += 1000;
                y[j] -= 1000;
                Assert.True(ObizhaevaWang.ImpactCost(y, 1.25e6, 50, tau) > best);
            }
        }
    }

    [Fact]
    public void Simulated_optimum_cost_equals_closed_form_without_volatility()
    {
        var s = ScenarioPresets.ObizhaevaWang() with
        {
            Market = ScenarioPresets.ObizhaevaWang().Market with { DailyVolatility = 0, Volume = new VolumeSpec { Noise = 0 } },
            Episodes = 16,
            Strategies = ["ow", "twap"],
        };
        var result = BacktestRunner.Run(s);
        double closed = ObizhaevaWang.OptimalCost(s.Quantity, 1.25e6, 50, s.StepDays, s.Order.Steps);
        double closedBps = closed / (s.Quantity * 50) * 1e4;
        var ow = result.Strategies.Single(r => r.StrategyId == "ow");
        foreach (var e in ow.Episodes) Assert.Equal(closedBps, e.TemporaryImpactBps, 1e-9);
        Assert.Equal(closedBps + 2, result.OptimumExpectedCostBps!.Value, 1e-9);
        Assert.Equal(0, ow.Summary.RegretBps!.Value, 1e-9);
    }

    [Fact]
    public void Every_baseline_has_non_negative_regret_against_the_optimum_within_monte_carlo_error()
    {
        var s = ScenarioPresets.ObizhaevaWang() with
        {
            Episodes = 6000,
            // Market-order baselines: strategies posting limit orders earn the spread (their identity is in PassiveOrderTests).
            Strategies = StrategyCatalog.Baselines.Where(b => !b.PostsLimitOrders).Select(b => b.Id).ToArray(),
        };
        var result = BacktestRunner.Run(s);
        var ow = result.Strategies.Single(r => r.StrategyId == "ow");
        double closedBps = ObizhaevaWang.OptimalCost(s.Quantity, 1.25e6, 50, s.StepDays, s.Order.Steps) / (s.Quantity * 50) * 1e4 + 2;
        double se = ow.Summary.StdBps / Math.Sqrt(s.Episodes);
        Assert.InRange(ow.Summary.MeanBps, closedBps - 3 * se, closedBps + 3 * se);
        foreach (var r in result.Strategies)
        {
            var diff = r.Episodes.Zip(ow.Episodes, (a, b) => a.ShortfallBps - b.ShortfallBps).ToArray();
            double mean = diff.Average();
            double sd = Math.Sqrt(diff.Sum(d => (d - mean) * (d - mean)) / (diff.Length - 1));
            Assert.True(mean >= -3 * sd / Math.Sqrt(diff.Length), $"{r.StrategyId} beats the OW optimum by {-mean} bps");
        }
    }
}
