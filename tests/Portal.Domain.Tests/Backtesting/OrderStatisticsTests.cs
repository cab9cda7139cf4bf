using Portal.Domain.Backtesting;
using Portal.Domain.Simulation;

namespace Portal.Domain.Tests.Backtesting;

/// <summary>
/// <see cref="OrderStatistics"/> against a sort: every rank the same number, the summary's percentiles equal to the sorted
/// type-7 percentiles, CVaR the mean of the worst 5% by its stated definition, and the values never reordered.
/// </summary>
public class OrderStatisticsTests
{
    /// <summary>Named samples that stress the buckets: smooth, heavy-tailed, tied, degenerate, outlying, tiny-ranged.</summary>
    public static TheoryData<string, int> Samples() => new()
    {
        { "normal", 100_000 },
        { "normal", 513 },
        { "normal", 512 },
        { "normal", 37 },
        { "cauchy", 50_000 },
        { "integers", 20_000 },
        { "two-values", 10_000 },
        { "one-outlier", 30_000 },
        { "tiny-range", 20_000 },
        { "signed-zeros", 5_000 },
        { "infinities", 5_000 },
        { "mostly-one-value", 40_000 },
    };

    private static double[] Sample(string kind, int n, int seed = 11)
    {
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var x = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = kind switch
            {
                "normal" => 10 + 100 * Normal(),
                "cauchy" => Math.Tan(Math.PI * (rng.NextDouble() - 0.5)),
                "integers" => Math.Round(5 * Normal()),
                "two-values" => rng.Next(2) == 0 ? -1.5 : 2.25,
                "one-outlier" => i == n / 3 ? 1e12 : Normal(),
                "tiny-range" => 1 + rng.Next(8) * Math.BitIncrement(1.0) - 1.0 + 1e-300 * rng.Next(3),
                "signed-zeros" => rng.Next(3) switch { 0 => 0.0, 1 => -0.0, _ => Normal() },
                "infinities" => i % 97 == 0 ? double.PositiveInfinity : i % 89 == 0 ? double.NegativeInfinity : Normal(),
                "mostly-one-value" => rng.Next(100) == 0 ? Normal() : 3.0,
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            };
        }

        return x;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Every_rank_is_the_sorted_value_and_the_values_keep_their_order(string kind, int n)
    {
        var x = Sample(kind, n);
        var before = (double[])x.Clone();
        var sorted = (double[])x.Clone();
        Array.Sort(sorted);
        int[] ranks = n <= 600 ? [.. Enumerable.Range(0, n)] : [0, 1, n / 100, n / 20, n / 20 + 1, n / 2, n / 2, n - n / 20, n - 2, n - 1];
        var found = new double[ranks.Length];
        OrderStatistics.Select(x, ranks, found);
        for (int j = 0; j < ranks.Length; j++) Assert.Equal(sorted[ranks[j]], found[j]);
        Assert.Equal(before, x);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void The_summary_percentiles_are_the_type_7_percentiles_of_a_selection(string kind, int n)
    {
        // The reference is the selection on a copy the summary used before (it equals the sorted percentile except that
        // it reads one order statistic, not 0·∞, where the rank falls exactly on one).
        var x = Sample(kind, n);
        double Reference(double p) => Statistics.Percentile((double[])x.Clone(), p);
        var t = OrderStatistics.Summary(x);
        Assert.Equal(Reference(0.05), t.P5);
        Assert.Equal(Reference(0.50), t.P50);
        Assert.Equal(Reference(0.95), t.P95);
        Assert.Equal(Reference(0.99), t.P99);
        var sorted = (double[])x.Clone();
        Array.Sort(sorted);
        foreach (double p in (double[])[0, 0.001, 0.25, 0.5, 0.75, 0.975, 1])
        {
            Assert.Equal(Reference(p), OrderStatistics.Percentile(x, p));
            if (double.IsFinite(sorted[0]) && double.IsFinite(sorted[^1])) Assert.Equal(Statistics.PercentileSorted(sorted, p), OrderStatistics.Percentile(x, p));
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Cvar_is_the_mean_of_the_worst_five_percent(string kind, int n)
    {
        var x = Sample(kind, n);
        var sorted = (double[])x.Clone();
        Array.Sort(sorted);
        double expected = Statistics.CvarSorted(sorted);
        double cvar = OrderStatistics.Summary(x).Cvar95;
        Assert.Equal(cvar, OrderStatistics.Cvar(x));
        if (double.IsFinite(expected)) Assert.True(Math.Abs(cvar - expected) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"CVaR {cvar:R}, sorted {expected:R}");
        else Assert.Equal(expected, cvar);
    }

    [Fact]
    public void Cvar_sums_the_values_above_the_threshold_in_their_order_then_the_ties()
    {
        // 40 values, tail of 2 (⌈0.05·40⌉): the threshold 7 is tied four times and only one of them is in the tail.
        var x = new double[40];
        for (int i = 0; i < x.Length; i++) x[i] = i % 8;
        x[5] = 0.1 + 0.2 + 7;
        double threshold = 7;
        Assert.Equal((x[5] + threshold) / 2, OrderStatistics.Cvar(x));
        // The same values in another order give the same CVaR here (two summands), and a selection's arrangement never enters.
        Array.Reverse(x);
        Assert.Equal((0.1 + 0.2 + 7 + threshold) / 2, OrderStatistics.Cvar(x));
    }

    [Fact]
    public void Bad_ranks_are_refused_naming_the_rank()
    {
        double[] x = [3, 1, 2];
        var found = new double[2];
        Assert.Contains("Rank 3", Assert.Throws<ArgumentException>(() => OrderStatistics.Select(x, [0, 3], found)).Message);
        Assert.Contains("ascend", Assert.Throws<ArgumentException>(() => OrderStatistics.Select(x, [2, 1], found)).Message);
        Assert.Throws<ArgumentException>(() => OrderStatistics.Select(x, [0, 1, 2], found));
    }

    [Fact]
    public void No_values_give_zeros()
    {
        Assert.Equal(default, OrderStatistics.Summary([]));
        Assert.Equal(0, OrderStatistics.Percentile([], 0.5));
        Assert.Equal(0, OrderStatistics.Cvar([]));
    }
}

/// <summary>The run's fused summary of a strategy against each statistic computed on its own: the same numbers, bit for bit.</summary>
public class RunSummaryTests
{
    [Theory]
    [InlineData(1_000, 1e-6)]
    [InlineData(1_000, 0.0)]
    [InlineData(2, 1e-4)]
    [InlineData(1, 1e-6)]
    public void Every_strategys_fused_summary_is_the_separate_statistics_bit_for_bit(int n, double lambda)
    {
        var rng = new Random(n + 3);
        const int strategies = 5, twap = 0, optimum = 2, bestStatic = 3;
        const double notional = 2.5e6, quantity = 1e4;
        var bps = new double[strategies][];
        var currency = new double[strategies][];
        var forced = new double[strategies][];
        var maxPart = new double[strategies][];
        for (int j = 0; j < strategies; j++)
        {
            bps[j] = new double[n];
            currency[j] = new double[n];
            forced[j] = new double[n];
            maxPart[j] = new double[n];
            for (int i = 0; i < n; i++)
            {
                currency[j][i] = 1000 * (j + 1) + 400 * (rng.NextDouble() - 0.3);
                bps[j][i] = currency[j][i] / notional * 1e4;
                forced[j][i] = rng.Next(4) == 0 ? 50 * rng.NextDouble() : 0;
                maxPart[j][i] = 0.3 * rng.NextDouble();
            }
        }

        var moments = new (double Mean, double Std)[strategies];
        for (int j = 0; j < strategies; j++) moments[j] = Statistics.MeanStd(currency[j]);
        for (int s = 0; s < strategies; s++)
        {
            double unfilled = 7.25 * s;
            var (summary, forcedSum, max) = Statistics.SummarizeInRun(bps, currency, moments, forced[s], maxPart[s], s, twap, optimum, bestStatic, lambda, notional, quantity, unfilled);
            double forcedExpected = 0;
            foreach (double x in forced[s]) forcedExpected += x;
            Assert.Equal(forcedExpected, forcedSum);
            Assert.Equal(maxPart[s].Max(), max);
            double completion = 1 - forcedExpected / (quantity * n) - unfilled / (quantity * n);
            var expected = Statistics.Summarize(bps[s], currency[s], completion,
                s == twap ? null : Statistics.Paired(bps[s], bps[twap]),
                Statistics.ObjectiveRegretBps(currency[s], currency[optimum], lambda, notional)) with
            {
                VsBestStatic = s == bestStatic ? null : Statistics.Paired(bps[s], bps[bestStatic]),
                VsBestStaticObjective = s == bestStatic ? null : Statistics.PairedObjective(currency[s], currency[bestStatic], lambda, notional),
            };
            Assert.Equal(expected, summary);
            Assert.Equal(expected.VsTwap, summary.VsTwap);
            Assert.Equal(expected.VsBestStatic, summary.VsBestStatic);
            Assert.Equal(expected.VsBestStaticObjective, summary.VsBestStaticObjective);
        }
    }
}

/// <summary>The order-type metrics over independent episodes, from their fused passes, against each statistic on its own.</summary>
public class OrderTypeMetricsSumTests
{
    [Theory]
    [InlineData(2_000, true)]
    [InlineData(2_000, false)]
    [InlineData(1, true)]
    [InlineData(0, false)]
    public void The_fused_metrics_are_the_separate_means_and_ratios_bit_for_bit(int n, bool posts)
    {
        var rng = new Random(n + 17);
        const double quantity = 5_000, arrival = 101.25;
        var episodes = new PassiveStats[n];
        var unfilled = new double[n];
        for (int e = 0; e < n; e++)
        {
            double filled = posts && rng.Next(3) > 0 ? 1_000 * rng.NextDouble() : 0;
            episodes[e] = new PassiveStats(Posted: posts ? filled + 500 * rng.NextDouble() : 0, Filled: filled, Crossed: 30 * rng.NextDouble(),
                SpreadCaptured: filled * 0.02 * rng.NextDouble(), MarkoutCost: filled * 0.01 * (rng.NextDouble() - 0.4), MarkoutQuantity: filled * rng.NextDouble());
            unfilled[e] = rng.Next(5) == 0 ? 40 * rng.NextDouble() : 0;
        }

        double unfilledSum = 0;
        foreach (double u in unfilled) unfilledSum += u;
        var point = OrderTypeMetrics.From(episodes, quantity, arrival, unfilledSum / (quantity * Math.Max(1, n)));
        double[] Column(Func<int, double> f) => [.. Enumerable.Range(0, n).Select(f)];
        var (_, fill, units) = Statistics.MeanBounds(Column(e => 1 - unfilled[e] / quantity), []);
        var (_, share, _) = Statistics.MeanBounds(Column(e => episodes[e].Filled / quantity), []);
        var captured = Statistics.RatioBounds(Column(e => episodes[e].SpreadCaptured / arrival * 1e4), Column(e => episodes[e].Filled), []);
        var markout = Statistics.RatioBounds(Column(e => episodes[e].MarkoutCost / arrival * 1e4), Column(e => episodes[e].MarkoutQuantity), []);
        static ConfidenceBounds? Around(double? p, ConfidenceBounds? b) => p is { } v && b is not null ? new ConfidenceBounds(v - (b.High - b.Low) / 2, v + (b.High - b.Low) / 2) : null;

        var m = OrderTypeMetrics.From(episodes, unfilled, quantity, arrival);
        Assert.Equal(point, m with { Intervals = point.Intervals });
        Assert.NotNull(m.Intervals);
        Assert.Equal(units, m.Intervals!.IndependentUnits);
        Assert.Equal(Around(point.FillRate, fill), m.Intervals.FillRate);
        Assert.Equal(Around(point.PassiveShare, share), m.Intervals.PassiveShare);
        Assert.Equal(Around(point.SpreadCapturedBps, captured?.Bounds), m.Intervals.SpreadCapturedBps);
        Assert.Equal(Around(point.MarkoutBps, markout?.Bounds), m.Intervals.MarkoutBps);
        if (posts && n > 100) Assert.NotNull(m.Intervals.SpreadCapturedBps);
    }
}
