namespace Portal.Domain.Backtesting;

/// <summary>Summary statistics of costs.</summary>
/// <remarks>Percentiles interpolate linearly between order statistics (Hyndman and Fan, 1996, definition 7). CVaR95 is the
/// mean of the worst ⌈5% · n⌉ costs (Acerbi and Tasche, 2002). Confidence intervals are normal, mean ± 1.96·s/√n; paired
/// differences use the standard deviation of the per-episode differences, which common random numbers make small.</remarks>
public static class Statistics
{
    /// <summary>z quantile of a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>Mean and sample standard deviation (two-pass, in index order so the result is reproducible).</summary>
    public static (double Mean, double Std) MeanStd(ReadOnlySpan<double> x)
    {
        if (x.Length == 0) return (0, 0);
        double sum = 0;
        foreach (double v in x) sum += v;
        double mean = sum / x.Length;
        if (x.Length == 1) return (mean, 0);
        double ss = 0;
        foreach (double v in x)
        {
            double d = v - mean;
            ss += d * d;
        }

        return (mean, Math.Sqrt(ss / (x.Length - 1)));
    }

    /// <summary>Percentile p ∈ [0, 1] of sorted values.</summary>
    public static double PercentileSorted(ReadOnlySpan<double> sorted, double p)
    {
        if (sorted.Length == 0) return 0;
        double h = (sorted.Length - 1) * p;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>Mean of the worst (largest) ⌈(1 − level)·n⌉ sorted costs.</summary>
    public static double CvarSorted(ReadOnlySpan<double> sorted, double level = 0.95)
    {
        if (sorted.Length == 0) return 0;
        int tail = Math.Max(1, (int)Math.Ceiling((1 - level) * sorted.Length - 1e-9));
        double s = 0;
        for (int i = sorted.Length - tail; i < sorted.Length; i++) s += sorted[i];
        return s / tail;
    }

    /// <summary>Paired difference a − b with its 95% confidence interval.</summary>
    public static PairedDifference Paired(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"Paired samples differ in length: {a.Length} vs {b.Length}.", nameof(b));
        var d = new double[a.Length];
        for (int i = 0; i < d.Length; i++) d[i] = a[i] - b[i];
        var (mean, std) = MeanStd(d);
        double half = d.Length > 1 ? Z95 * std / Math.Sqrt(d.Length) : 0;
        return new PairedDifference(mean, mean - half, mean + half, d.Length);
    }

    /// <summary>Summary of one strategy's costs in bps.</summary>
    public static StrategySummary Summarize(ReadOnlySpan<double> costBps, ReadOnlySpan<double> costCurrency, double completion,
        PairedDifference? vsTwap, double? optimumBps)
    {
        var (mean, std) = MeanStd(costBps);
        var sorted = costBps.ToArray();
        Array.Sort(sorted);
        double half = costBps.Length > 1 ? Z95 * std / Math.Sqrt(costBps.Length) : 0;
        double meanCurrency = MeanStd(costCurrency).Mean;
        return new StrategySummary(
            Episodes: costBps.Length,
            MeanBps: mean,
            StdBps: std,
            MeanCiLowBps: mean - half,
            MeanCiHighBps: mean + half,
            P5Bps: PercentileSorted(sorted, 0.05),
            P50Bps: PercentileSorted(sorted, 0.50),
            P95Bps: PercentileSorted(sorted, 0.95),
            Cvar95Bps: CvarSorted(sorted),
            CostSharpe: std > 0 ? -mean / std : 0,
            Completion: completion,
            MeanShortfallCurrency: meanCurrency,
            VsTwap: vsTwap,
            RegretBps: optimumBps is { } o ? mean - o : null);
    }
}
