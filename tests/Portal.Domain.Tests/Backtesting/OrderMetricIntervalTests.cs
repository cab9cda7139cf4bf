using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Tests.Backtesting;

/// <summary>95% intervals of the limit-order metrics: known answers for Bernoulli fills and for the ratio estimator, the
/// clustered form's unit count, and what a backtest reports.</summary>
public class OrderMetricIntervalTests
{
    private const double Quantity = 1000;

    /// <summary>Each episode fills the whole order with probability <paramref name="p"/> and nothing otherwise.</summary>
    private static double[] BernoulliUnfilled(Random rng, int n, double p)
    {
        var unfilled = new double[n];
        for (int e = 0; e < n; e++) unfilled[e] = rng.NextDouble() < p ? 0 : Quantity;
        return unfilled;
    }

    [Fact]
    public void Fill_rate_interval_of_bernoulli_fills_has_the_binomial_width_and_covers_p_95_times_in_100()
    {
        const double p = 0.3;
        const int n = 300, replications = 400;
        var rng = new Random(20261202);
        int covered = 0;
        double widthSum = 0;
        for (int r = 0; r < replications; r++)
        {
            var m = OrderTypeMetrics.AllMarket(BernoulliUnfilled(rng, n, p), Quantity);
            var ci = m.Intervals!.FillRate!;
            Assert.Equal(n, m.Intervals.IndependentUnits);
            Assert.Equal(UnitKinds.Episode, m.Intervals.UnitKind);
            Assert.True(ci.Low <= m.FillRate && m.FillRate <= ci.High);
            if (ci.Low <= p && p <= ci.High) covered++;
            widthSum += (ci.High - ci.Low) / 2;
        }

        // Half-width 1.96·√(p(1−p)/n) = 0.0519; the sample standard deviation of 0/1 outcomes estimates √(p(1−p)).
        double expectedHalf = Statistics.Z95 * Math.Sqrt(p * (1 - p) / n);
        Assert.Equal(expectedHalf, widthSum / replications, expectedHalf * 0.02);
        // Coverage of a 95% interval over 400 replications: standard error 1.1 points, the normal approximation at n = 300
        // slightly below nominal.
        Assert.InRange(covered / (double)replications, 0.91, 0.985);
    }

    [Fact]
    public void Passive_share_interval_of_bernoulli_passive_fills_matches_the_binomial_width()
    {
        const double p = 0.6;
        const int n = 5000;
        var rng = new Random(7);
        var stats = new PassiveStats[n];
        for (int e = 0; e < n; e++)
        {
            double filled = rng.NextDouble() < p ? Quantity : 0;
            stats[e] = new PassiveStats(Quantity, filled, Quantity - filled, filled * 0.02, 0, filled);
        }

        var m = OrderTypeMetrics.From(stats, new double[n], Quantity, arrivalPrice: 100);
        var ci = m.Intervals!.PassiveShare!;
        Assert.InRange(p, ci.Low, ci.High);
        Assert.Equal(Statistics.Z95 * Math.Sqrt(m.PassiveShare * (1 - m.PassiveShare) / n), (ci.High - ci.Low) / 2, 1e-4);
        // Every fill earned exactly 0.02 per share on a 100 price, 2 bps: the ratio has no spread across episodes.
        Assert.Equal(2, m.SpreadCapturedBps!.Value, 1e-9);
        Assert.Equal(2, m.Intervals.SpreadCapturedBps!.Low, 1e-9);
        Assert.Equal(2, m.Intervals.SpreadCapturedBps.High, 1e-9);
        // The fill rate is 1 in every episode: a zero-width interval at 1.
        Assert.Equal(new ConfidenceBounds(1, 1), m.Intervals.FillRate);
    }

    [Fact]
    public void Ratio_interval_is_the_delta_method_by_hand()
    {
        // R = 8/6; x̄ = 1.5; z = (y − R·x)/x̄ = (4/9, −10/9, 2/3, 0), sample std 0.790895; half = 1.96·0.790895/√4.
        var r = Statistics.RatioBounds([2, 1, 5, 0], [1, 2, 3, 0], default)!.Value;
        Assert.Equal(4.0 / 3, r.Ratio, 1e-12);
        Assert.Equal(4.0 / 3 - 0.775062549411009, r.Bounds.Low, 1e-9);
        Assert.Equal(4.0 / 3 + 0.775062549411009, r.Bounds.High, 1e-9);
        Assert.Null(Statistics.RatioBounds([0, 0], [0, 0], default));
    }

    [Fact]
    public void Clustered_interval_rests_on_the_windows_not_the_episodes()
    {
        // Eight windows, not neighbours (labels 0, 2, …, 14), each holding 50 episodes with the window's one outcome: the
        // interval is that of the eight window means, ȳ ± t(0.975, 7)·s/√8, however many episodes each holds.
        double[] windowFill = [1, 0.5, 0.8, 1, 0.2, 0.9, 0.7, 1];
        var unfilled = new List<double>();
        var cluster = new List<int>();
        for (int w = 0; w < windowFill.Length; w++)
        {
            for (int i = 0; i < 50; i++)
            {
                unfilled.Add(Quantity * (1 - windowFill[w]));
                cluster.Add(2 * w);
            }
        }

        var m = OrderTypeMetrics.AllMarket(unfilled.ToArray(), Quantity, cluster.ToArray());
        Assert.Equal(8, m.Intervals!.IndependentUnits);
        Assert.Equal(UnitKinds.Window, m.Intervals.UnitKind);
        var (mean, std) = Statistics.MeanStd(windowFill);
        double half = StudentT.Quantile(0.975, 7) * std / Math.Sqrt(8);
        Assert.Equal(mean, m.FillRate, 1e-12);
        Assert.Equal(mean - half, m.Intervals.FillRate!.Low, 1e-9);
        Assert.Equal(mean + half, m.Intervals.FillRate.High, 1e-9);
    }

    [Fact]
    public void A_backtest_reports_intervals_over_its_episodes_around_every_limit_order_metric()
    {
        var scenario = ScenarioPresets.Demo() with { Strategies = ["twap", "twap-passive"], Episodes = 600, Seed = 5 };
        var result = BacktestRunner.Run(scenario);
        var twap = result.Strategies.Single(r => r.StrategyId == "twap").Orders;
        var passive = result.Strategies.Single(r => r.StrategyId == "twap-passive").Orders;

        Assert.Equal(new ConfidenceBounds(1, 1), twap.Intervals!.FillRate);
        Assert.Equal(new ConfidenceBounds(0, 0), twap.Intervals.PassiveShare);
        Assert.Null(twap.Intervals.SpreadCapturedBps);
        var ci = passive.Intervals!;
        Assert.Equal(600, ci.IndependentUnits);
        Assert.Equal(UnitKinds.Episode, ci.UnitKind);
        Assert.True(ci.PassiveShare!.Low < passive.PassiveShare && passive.PassiveShare < ci.PassiveShare.High);
        Assert.True(ci.SpreadCapturedBps!.Low <= passive.SpreadCapturedBps && passive.SpreadCapturedBps <= ci.SpreadCapturedBps.High);
        Assert.True(ci.MarkoutBps!.Low < passive.MarkoutBps && passive.MarkoutBps < ci.MarkoutBps.High);
        // Simulated books measure the markout over the next decision step only.
        Assert.Null(ci.Markout1sBps);

        var json = System.Text.Json.Nodes.JsonNode.Parse(BacktestReport.ToJson(result, scenario))!["strategies"]!.AsArray()
            .Single(s => (string?)s!["id"] == "twap-passive")!;
        Assert.Equal(ci.PassiveShare.Low, (double)json["passiveShareCiLow"]!);
        Assert.Equal(ci.MarkoutBps.High, (double)json["markoutCiHighBps"]!);
        Assert.Equal(600, (int)json["orderIntervalUnits"]!);
        Assert.Equal("episode", (string?)json["orderIntervalUnitKind"]);
    }
}
