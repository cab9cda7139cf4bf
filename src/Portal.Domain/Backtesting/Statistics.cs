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

    /// <summary>
    /// Regret on the objective E + λ·Var in bps of <paramref name="notional"/>: the mean paired difference of the costs
    /// plus λ times the difference of their sample variances (both in currency).
    /// </summary>
    public static double ObjectiveRegretBps(ReadOnlySpan<double> costCurrency, ReadOnlySpan<double> optimumCostCurrency, double lambda, double notional)
    {
        if (costCurrency.Length != optimumCostCurrency.Length)
            throw new ArgumentException($"Paired samples differ in length: {costCurrency.Length} vs {optimumCostCurrency.Length}.", nameof(optimumCostCurrency));
        double meanDiff = 0;
        for (int i = 0; i < costCurrency.Length; i++) meanDiff += costCurrency[i] - optimumCostCurrency[i];
        meanDiff = costCurrency.Length > 0 ? meanDiff / costCurrency.Length : 0;
        double varDiff = 0;
        if (lambda > 0)
        {
            double a = MeanStd(costCurrency).Std, b = MeanStd(optimumCostCurrency).Std;
            varDiff = a * a - b * b;
        }

        return (meanDiff + lambda * varDiff) / notional * 1e4;
    }

    /// <summary>Summary of one strategy's costs in bps.</summary>
    public static StrategySummary Summarize(ReadOnlySpan<double> costBps, ReadOnlySpan<double> costCurrency, double completion,
        PairedDifference? vsTwap, double? regretBps)
    {
        var (mean, std) = MeanStd(costBps);
        var work = costBps.ToArray();
        double half = costBps.Length > 1 ? Z95 * std / Math.Sqrt(costBps.Length) : 0;
        double meanCurrency = MeanStd(costCurrency).Mean;
        return new StrategySummary(
            Episodes: costBps.Length,
            MeanBps: mean,
            StdBps: std,
            MeanCiLowBps: mean - half,
            MeanCiHighBps: mean + half,
            P5Bps: Percentile(work, 0.05),
            P50Bps: Percentile(work, 0.50),
            P95Bps: Percentile(work, 0.95),
            Cvar95Bps: Cvar(work),
            CostSharpe: std > 0 ? -mean / std : 0,
            Completion: completion,
            MeanShortfallCurrency: meanCurrency,
            VsTwap: vsTwap,
            RegretBps: regretBps);
    }

    /// <summary>Percentile p ∈ [0, 1] (type 7) of unsorted values, reordering <paramref name="values"/> in place
    /// (selection in linear time instead of a sort).</summary>
    public static double Percentile(Span<double> values, double p)
    {
        if (values.Length == 0) return 0;
        double h = (values.Length - 1) * p;
        int lo = (int)Math.Floor(h);
        double a = Select(values, lo);
        if (lo + 1 >= values.Length || h == lo) return a;
        double b = double.PositiveInfinity;
        foreach (double v in values[(lo + 1)..]) b = Math.Min(b, v);
        return a + (h - lo) * (b - a);
    }

    /// <summary>Mean of the worst (largest) ⌈(1 − level)·n⌉ unsorted costs, reordering <paramref name="values"/> in place.</summary>
    public static double Cvar(Span<double> values, double level = 0.95)
    {
        if (values.Length == 0) return 0;
        int tail = Math.Max(1, (int)Math.Ceiling((1 - level) * values.Length - 1e-9));
        int start = values.Length - tail;
        Select(values, start);
        double s = 0;
        foreach (double v in values[start..]) s += v;
        return s / tail;
    }

    /// <summary>Moves the k-th smallest value to index k, smaller ones before and larger ones after (Hoare's selection
    /// with a median-of-three pivot), and returns it.</summary>
    public static double Select(Span<double> a, int k)
    {
        if ((uint)k >= (uint)a.Length) throw new ArgumentOutOfRangeException(nameof(k), k, $"Index must be in [0, {a.Length}).");
        int left = 0, right = a.Length - 1;
        while (right > left)
        {
            int mid = left + (right - left) / 2;
            if (a[mid] < a[left]) (a[mid], a[left]) = (a[left], a[mid]);
            if (a[right] < a[left]) (a[right], a[left]) = (a[left], a[right]);
            if (a[right] < a[mid]) (a[right], a[mid]) = (a[mid], a[right]);
            double pivot = a[mid];
            int i = left, j = right;
            while (i <= j)
            {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j)
                {
                    (a[i], a[j]) = (a[j], a[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j) right = j;
            else if (k >= i) left = i;
            else break;
        }

        return a[k];
    }
}
