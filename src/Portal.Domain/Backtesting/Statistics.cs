namespace Portal.Domain.Backtesting;

/// <summary>What one independent observation behind an interval is (JSON and database: <c>unitKind</c>).</summary>
public static class UnitKinds
{
    /// <summary>A simulated episode: every episode draws its own market path, so episodes are independent.</summary>
    public const string Episode = "episode";

    /// <summary>A market window of a replay: episodes whose start falls in the same horizon-length block of the recorded
    /// segment share (most of) their market path and count once.</summary>
    public const string Window = "window";

    /// <summary>Below this many independent units a ranking is not supported (the interval is still shown).</summary>
    public const int RankingThreshold = 20;
}

/// <summary>Summary statistics of costs.</summary>
/// <remarks>
/// <para>Percentiles interpolate linearly between order statistics (Hyndman and Fan, 1996, definition 7). CVaR95 is the
/// mean of the worst ⌈5% · n⌉ costs (Acerbi and Tasche, 2002), summed in the episodes' order (see
/// <see cref="OrderStatistics"/>, which finds both without sorting).</para>
/// <para>Independent episodes (simulation): confidence intervals are normal, mean ± 1.96·s/√n; paired differences use the
/// standard deviation of the per-episode differences, which common random numbers make small.</para>
/// <para>Clustered episodes (replay): episodes are grouped by cluster (the horizon-length block of the segment their
/// window starts in). With N episodes, G clusters, mean ȳ and cluster sums of deviations S_j = Σ_{i∈j}(y_i − ȳ), the
/// variance of the mean is the cluster-robust (Liang and Zeger, 1986) estimate V₀ = G/(G−1)·Σ_j S_j²/N² (CR1 small-sample
/// factor, Cameron and Miller, 2015, §VI), widened for the overlap of neighbouring blocks (an episode starting near the end
/// of block j shares market time with the episodes of block j+1, so block sums form an MA(1) series) by the lag-1
/// truncated-kernel HAC term: V = max(V₀, G/(G−1)·(Σ_j S_j² + 2Σ_j S_j S_{j+1})/N²) (Newey and West, 1987, with unit
/// weight at lag 1; j+1 only when both blocks hold episodes). The interval is ȳ ± t_{0.975, G−1}·√V (Student t with G−1
/// degrees of freedom, as Cameron and Miller recommend for few clusters). The episode count never enters the width except
/// through the cluster sums, so drawing more episodes from the same windows does not narrow it. With one cluster there is
/// no interval: it collapses to the mean and the count (1) says so.</para>
/// </remarks>
public static class Statistics
{
    /// <summary>z quantile of a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>Relative tolerance below which a cost's standard deviation counts as zero: the cost Sharpe ratio is
    /// undefined when std ≤ <c>SharpeTolerance</c> · |mean| (rounding noise of a deterministic cost would otherwise print
    /// ratios like −5·10¹³).</summary>
    public const double SharpeTolerance = 1e-9;

    /// <summary>Cost Sharpe ratio −mean/std of the cost (cost positive = loss, so the sign makes a cheaper strategy score
    /// higher, as a return's Sharpe ratio would), or null when undefined: fewer than two independent units, or a standard
    /// deviation at or below <see cref="SharpeTolerance"/> · |mean| (including std = 0).</summary>
    public static double? CostSharpe(double mean, double std, int independentUnits) =>
        independentUnits >= 2 && std > SharpeTolerance * Math.Abs(mean) ? -mean / std : null;

    /// <summary>Mean with its 95% interval from clustered observations (see the remarks).</summary>
    /// <param name="x">Observations.</param>
    /// <param name="cluster">Cluster label of each observation (non-negative; labels j and j+1 are neighbouring blocks).</param>
    public static ClusteredMean ClusterMean(ReadOnlySpan<double> x, ReadOnlySpan<int> cluster)
    {
        if (x.Length != cluster.Length) throw new ArgumentException($"Observations and cluster labels differ in length: {x.Length} vs {cluster.Length}.", nameof(cluster));
        int n = x.Length;
        if (n == 0) return new ClusteredMean(0, 0, 0, 0);
        double sum = 0;
        int maxLabel = 0;
        for (int i = 0; i < n; i++)
        {
            if (cluster[i] < 0) throw new ArgumentOutOfRangeException(nameof(cluster), cluster[i], "Cluster labels must be >= 0.");
            sum += x[i];
            maxLabel = Math.Max(maxLabel, cluster[i]);
        }

        double mean = sum / n;
        var s = new double[maxLabel + 1];
        var used = new bool[maxLabel + 1];
        for (int i = 0; i < n; i++)
        {
            s[cluster[i]] += x[i] - mean;
            used[cluster[i]] = true;
        }

        int g = 0;
        double s2 = 0, lag = 0;
        for (int j = 0; j <= maxLabel; j++)
        {
            if (!used[j]) continue;
            g++;
            s2 += s[j] * s[j];
            if (j + 1 <= maxLabel && used[j + 1]) lag += s[j] * s[j + 1];
        }

        if (g < 2) return new ClusteredMean(mean, 0, g, n);
        double factor = g / (g - 1.0) / ((double)n * n);
        double v = Math.Max(factor * s2, factor * (s2 + 2 * lag));
        return new ClusteredMean(mean, StudentT.Quantile(0.975, g - 1) * Math.Sqrt(v), g, n);
    }

    /// <summary>
    /// 95% interval of the mean of per-unit observations: mean ± 1.96·s/√n over independent episodes when
    /// <paramref name="cluster"/> is empty, the clustered interval of <see cref="ClusterMean"/> (replay windows) otherwise.
    /// </summary>
    /// <param name="x">One observation per episode.</param>
    /// <param name="cluster">Empty for independent episodes, else the cluster label of each episode.</param>
    /// <returns>The mean, its interval and how many independent units it rests on.</returns>
    public static (double Mean, ConfidenceBounds Bounds, int Units) MeanBounds(ReadOnlySpan<double> x, ReadOnlySpan<int> cluster)
    {
        if (!cluster.IsEmpty)
        {
            var c = ClusterMean(x, cluster);
            return (c.Mean, new ConfidenceBounds(c.Mean - c.HalfWidth, c.Mean + c.HalfWidth), c.Units);
        }

        return MeanBounds(new Values(x));
    }

    /// <summary>
    /// 95% interval of a ratio of sums R = Σy/Σx over episodes (e.g. spread captured per filled share), by the delta
    /// method: the linearised residuals z_i = (y_i − R·x_i)/x̄ have mean 0 and the variance of R̂ is that of their mean
    /// (Cochran, 1977, <i>Sampling Techniques</i>, §6.4, the ratio estimator; Cameron and Miller, 2015, for its clustered
    /// form). Episodes with x_i = 0 (nothing filled) count as units with z_i = 0 scaled by x̄: they widen the interval as
    /// they should. Independent episodes when <paramref name="cluster"/> is empty, clustered as <see cref="ClusterMean"/> otherwise.
    /// </summary>
    /// <param name="y">Numerator per episode.</param>
    /// <param name="x">Denominator per episode (non-negative).</param>
    /// <param name="cluster">Empty for independent episodes, else the cluster label of each episode.</param>
    /// <returns>R with its interval, or null when Σx = 0 (no ratio to estimate).</returns>
    public static (double Ratio, ConfidenceBounds Bounds)? RatioBounds(ReadOnlySpan<double> y, ReadOnlySpan<double> x, ReadOnlySpan<int> cluster)
    {
        if (cluster.IsEmpty) return RatioBounds(new Values(y), new Values(x));
        if (RatioOf(new Values(y), new Values(x)) is not var (ratio, meanX)) return null;
        var residual = new Residual<Values, Values>(new Values(y), new Values(x), ratio, meanX);
        var z = new double[x.Length];
        for (int i = 0; i < z.Length; i++) z[i] = residual[i];
        var (_, b, _) = MeanBounds(z, cluster);
        double half = (b.High - b.Low) / 2;
        return (ratio, new ConfidenceBounds(ratio - half, ratio + half));
    }

    /// <summary>Paired difference a − b with its 95% interval over clusters (see the remarks).</summary>
    public static PairedDifference Paired(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<int> cluster)
    {
        if (a.Length != b.Length) throw new ArgumentException($"Paired samples differ in length: {a.Length} vs {b.Length}.", nameof(b));
        var d = new double[a.Length];
        for (int i = 0; i < d.Length; i++) d[i] = a[i] - b[i];
        var c = ClusterMean(d, cluster);
        return new PairedDifference(c.Mean, c.Mean - c.HalfWidth, c.Mean + c.HalfWidth, d.Length)
        {
            IndependentUnits = c.Units,
            UnitKind = UnitKinds.Window,
        };
    }

    /// <summary>Mean and sample standard deviation (two-pass, in index order so the result is reproducible).</summary>
    public static (double Mean, double Std) MeanStd(ReadOnlySpan<double> x) => MeanStd(new Values(x));

    /// <summary>Per-episode values computed on the fly (no array): the value at index i.</summary>
    internal interface IValues
    {
        int Length { get; }

        double this[int i] { get; }
    }

    /// <summary><see cref="MeanStd(ReadOnlySpan{double})"/> of computed values: the same sums in the same order.</summary>
    internal static (double Mean, double Std) MeanStd<T>(T x)
        where T : IValues, allows ref struct
    {
        int n = x.Length;
        if (n == 0) return (0, 0);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += x[i];
        double mean = sum / n;
        if (n == 1) return (mean, 0);
        double ss = 0;
        for (int i = 0; i < n; i++)
        {
            double d = x[i] - mean;
            ss += d * d;
        }

        return (mean, Math.Sqrt(ss / (n - 1)));
    }

    /// <summary><see cref="MeanBounds(ReadOnlySpan{double}, ReadOnlySpan{int})"/> of computed values over independent
    /// episodes: the same arithmetic in the same order.</summary>
    internal static (double Mean, ConfidenceBounds Bounds, int Units) MeanBounds<T>(T x)
        where T : IValues, allows ref struct
    {
        var (mean, std) = MeanStd(x);
        double half = x.Length > 1 ? Z95 * std / Math.Sqrt(x.Length) : 0;
        return (mean, new ConfidenceBounds(mean - half, mean + half), x.Length);
    }

    /// <summary><see cref="RatioBounds(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{int})"/> of computed values
    /// over independent episodes: the same arithmetic in the same order.</summary>
    internal static (double Ratio, ConfidenceBounds Bounds)? RatioBounds<TY, TX>(TY y, TX x)
        where TY : IValues, allows ref struct
        where TX : IValues, allows ref struct
    {
        if (RatioOf(y, x) is not var (ratio, meanX)) return null;
        var (_, b, _) = MeanBounds(new Residual<TY, TX>(y, x, ratio, meanX));
        double half = (b.High - b.Low) / 2;
        return (ratio, new ConfidenceBounds(ratio - half, ratio + half));
    }

    /// <summary>R = Σy/Σx and the mean of x, summed in index order; null when Σx is not positive (no ratio to estimate).</summary>
    private static (double Ratio, double MeanX)? RatioOf<TY, TX>(TY y, TX x)
        where TY : IValues, allows ref struct
        where TX : IValues, allows ref struct
    {
        if (y.Length != x.Length) throw new ArgumentException($"Numerator and denominator differ in length: {y.Length} vs {x.Length}.", nameof(x));
        double sy = 0, sx = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sy += y[i];
            sx += x[i];
        }

        if (!(sx > 0)) return null;
        return (sy / sx, sx / x.Length);
    }

    /// <summary>Values held in a span.</summary>
    private readonly ref struct Values(ReadOnlySpan<double> x) : IValues
    {
        private readonly ReadOnlySpan<double> _x = x;

        public int Length => _x.Length;

        public double this[int i] => _x[i];
    }

    /// <summary>The linearised residual (y_i − R·x_i)/x̄ of a ratio estimator.</summary>
    private readonly ref struct Residual<TY, TX>(TY y, TX x, double ratio, double meanX) : IValues
        where TY : IValues, allows ref struct
        where TX : IValues, allows ref struct
    {
        private readonly TY _y = y;
        private readonly TX _x = x;
        private readonly double _ratio = ratio;
        private readonly double _meanX = meanX;

        public int Length => _x.Length;

        public double this[int i] => (_y[i] - _ratio * _x[i]) / _meanX;
    }

    /// <summary>a_i − b_i.</summary>
    private readonly ref struct Difference(ReadOnlySpan<double> a, ReadOnlySpan<double> b) : IValues
    {
        private readonly ReadOnlySpan<double> _a = a, _b = b;

        public int Length => _a.Length;

        public double this[int i] => _a[i] - _b[i];
    }

    /// <summary>The influence value ψ_i of the paired objective (<see cref="PairedObjective"/>).</summary>
    private readonly ref struct Influence(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double ma, double mb, double lambda) : IValues
    {
        private readonly ReadOnlySpan<double> _a = a, _b = b;
        private readonly double _ma = ma, _mb = mb, _lambda = lambda;

        public int Length => _a.Length;

        public double this[int i]
        {
            get
            {
                double da = _a[i] - _ma, db = _b[i] - _mb;
                return _a[i] - _b[i] + _lambda * (da * da - db * db);
            }
        }
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
        // The differences are recomputed in each pass instead of stored: the same numbers in the same order as MeanStd of them.
        var (mean, std) = MeanStd(new Difference(a, b));
        double half = a.Length > 1 ? Z95 * std / Math.Sqrt(a.Length) : 0;
        return new PairedDifference(mean, mean - half, mean + half, a.Length) { IndependentUnits = a.Length, UnitKind = UnitKinds.Episode };
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

    /// <summary>
    /// Paired difference of the run's objective E + λ·Var between strategies a and b on common paths, in bps of
    /// <paramref name="notional"/>, with its 95% interval (see the remarks of <see cref="ObjectiveRegretBps"/> for the
    /// point estimate, which it equals).
    /// </summary>
    /// <remarks>
    /// The estimate is D = mean(a − b) + λ·(s²_a − s²_b) on costs in currency (λ per currency unit, as
    /// <c>strategySettings.riskAversion</c>; s² the sample variances). Its standard error comes from the delta method:
    /// D is, up to O(1/n), the mean of the influence values ψ_i = (a_i − b_i) + λ·((a_i − ā)² − (b_i − b̄)²) (the
    /// influence function of a mean is x − μ, of a variance (x − μ)² − σ²; van der Vaart, "Asymptotic Statistics" (1998),
    /// §20.1), so Var(D) ≈ Var(ψ)/n and the interval is D ± 1.96·s_ψ/√n over independent episodes, or D ± the
    /// cluster-robust half-width of the mean of ψ (<see cref="ClusterMean"/>) over replay windows. With λ = 0 it is the
    /// paired difference of mean costs. The pairing matters: the variance terms of two strategies on the same paths are
    /// strongly correlated, which the per-episode ψ keeps.
    /// </remarks>
    /// <param name="a">Per-episode cost of strategy a, in currency.</param>
    /// <param name="b">Per-episode cost of strategy b on the same paths, in currency.</param>
    /// <param name="lambda">Risk aversion λ ≥ 0, per currency unit.</param>
    /// <param name="notional">Arrival notional (currency) the bps refer to; positive.</param>
    /// <param name="cluster">Cluster label of each episode (replay windows), or empty for independent episodes.</param>
    public static PairedDifference PairedObjective(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double lambda, double notional, ReadOnlySpan<int> cluster = default)
    {
        if (a.Length != b.Length) throw new ArgumentException($"Paired samples differ in length: {a.Length} vs {b.Length}.", nameof(b));
        if (!(lambda >= 0) || double.IsInfinity(lambda)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "Risk aversion λ must be finite and ≥ 0.");
        if (!(notional > 0) || double.IsInfinity(notional)) throw new ArgumentOutOfRangeException(nameof(notional), notional, "Notional must be finite and > 0.");
        if (!cluster.IsEmpty && cluster.Length != a.Length) throw new ArgumentException($"Costs and cluster labels differ in length: {a.Length} vs {cluster.Length}.", nameof(cluster));
        int n = a.Length;
        if (n == 0) return new PairedDifference(0, 0, 0, 0) { IndependentUnits = 0, UnitKind = cluster.IsEmpty ? UnitKinds.Episode : UnitKinds.Window };
        var (ma, sa) = MeanStd(a);
        var (mb, sb) = MeanStd(b);
        double meanDiff = 0;
        for (int i = 0; i < n; i++) meanDiff += a[i] - b[i];
        meanDiff /= n;
        double estimate = (meanDiff + lambda * (sa * sa - sb * sb)) / notional * 1e4;
        double half;
        int units;
        var influence = new Influence(a, b, ma, mb, lambda);
        if (cluster.IsEmpty)
        {
            // ψ recomputed in each pass of the standard deviation rather than stored (the same numbers, same order).
            half = n > 1 ? Z95 * MeanStd(influence).Std / Math.Sqrt(n) : 0;
            units = n;
        }
        else
        {
            var psi = new double[n];
            for (int i = 0; i < n; i++) psi[i] = influence[i];
            var c = ClusterMean(psi, cluster);
            half = c.HalfWidth;
            units = c.Units;
        }

        half = half / notional * 1e4;
        return new PairedDifference(estimate, estimate - half, estimate + half, n)
        {
            IndependentUnits = units,
            UnitKind = cluster.IsEmpty ? UnitKinds.Episode : UnitKinds.Window,
        };
    }

    /// <summary>
    /// The summary of one strategy of a run on independent episodes, with its paired difference against TWAP, its regret
    /// against the known optimum and its paired differences against the best static schedule: the same numbers, bit for
    /// bit, as <see cref="Summarize(ReadOnlySpan{double}, ReadOnlySpan{double}, double, PairedDifference?, double?)"/>,
    /// <see cref="Paired(ReadOnlySpan{double}, ReadOnlySpan{double})"/>, <see cref="ObjectiveRegretBps"/> and
    /// <see cref="PairedObjective"/> each on its own, because every sum still runs over the episodes in index order; the
    /// independent sums run side by side in two passes over the episodes instead of one or two passes each.
    /// </summary>
    /// <param name="costBps">Cost per episode of every strategy, bps.</param>
    /// <param name="costCurrency">Cost per episode of every strategy, currency.</param>
    /// <param name="currencyMoments">Mean and standard deviation (<see cref="MeanStd(ReadOnlySpan{double})"/>) of each
    /// strategy's currency costs, for every index this call reads (s, the optimum, the best static schedule).</param>
    /// <param name="forced">Quantity forced at the horizon per episode, of strategy <paramref name="s"/>.</param>
    /// <param name="maxParticipation">Largest participation per episode, of strategy <paramref name="s"/>.</param>
    /// <param name="s">The strategy.</param>
    /// <param name="twap">TWAP's index (the comparison is left out for TWAP itself).</param>
    /// <param name="optimum">The known optimum's index, or −1 (no regret).</param>
    /// <param name="bestStatic">The best static schedule's index, or −1.</param>
    /// <param name="lambda">Risk aversion λ of the run's objective, per currency unit.</param>
    /// <param name="notional">Arrival notional.</param>
    /// <param name="quantity">The order's quantity (completion is 1 − forced and unfilled quantity over all episodes' quantity).</param>
    /// <param name="unfilledSum">Unfilled quantity summed over the episodes.</param>
    internal static (StrategySummary Summary, double ForcedSum, double MaxParticipation) SummarizeInRun(
        double[][] costBps, double[][] costCurrency, (double Mean, double Std)[] currencyMoments, ReadOnlySpan<double> forced, ReadOnlySpan<double> maxParticipation,
        int s, int twap, int optimum, int bestStatic, double lambda, double notional, double quantity, double unfilledSum)
    {
        var cost = costBps[s];
        int n = cost.Length;
        if (n == 0 || twap < 0 || forced.Length != n || maxParticipation.Length != n)
        {
            throw new ArgumentException($"A run's strategy needs its costs, TWAP's and per-episode columns of one length; strategy {s} has {n} costs.", nameof(costBps));
        }

        bool vsTwap = s != twap, regret = optimum >= 0, vsBest = bestStatic >= 0 && s != bestStatic;
        // A comparison that is left out reads the strategy's own column (differences of zero, discarded).
        var currency = costCurrency[s];
        var twapCost = costBps[vsTwap ? twap : s];
        var optimumCurrency = costCurrency[regret ? optimum : s];
        var bestCost = costBps[vsBest ? bestStatic : s];
        var bestCurrency = costCurrency[vsBest ? bestStatic : s];
        double sumCost = 0, sumTwap = 0, sumBest = 0, sumOptimum = 0, sumBestCurrency = 0, forcedSum = 0, maxPart = 0;
        if (vsBest)
        {
            for (int i = 0; i < n; i++)
            {
                double c = cost[i];
                sumCost += c;
                sumTwap += c - twapCost[i];
                sumBest += c - bestCost[i];
                sumOptimum += currency[i] - optimumCurrency[i];
                sumBestCurrency += currency[i] - bestCurrency[i];
                forcedSum += forced[i];
                maxPart = Math.Max(maxPart, maxParticipation[i]);
            }
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                double c = cost[i];
                sumCost += c;
                sumTwap += c - twapCost[i];
                sumOptimum += currency[i] - optimumCurrency[i];
                forcedSum += forced[i];
                maxPart = Math.Max(maxPart, maxParticipation[i]);
            }
        }

        double meanCost = sumCost / n, meanTwap = sumTwap / n, meanBest = sumBest / n;
        var (ma, sa) = currencyMoments[s];
        var (mb, sb) = currencyMoments[vsBest ? bestStatic : s];
        var influence = new Influence(currency, bestCurrency, ma, mb, lambda);
        double ssCost = 0, ssTwap = 0, ssBest = 0, sumInfluence = 0;
        if (n > 1 && vsBest)
        {
            for (int i = 0; i < n; i++)
            {
                double c = cost[i];
                double d = c - meanCost;
                ssCost += d * d;
                double dt = c - twapCost[i] - meanTwap;
                ssTwap += dt * dt;
                double db = c - bestCost[i] - meanBest;
                ssBest += db * db;
                sumInfluence += influence[i];
            }
        }
        else if (n > 1)
        {
            for (int i = 0; i < n; i++)
            {
                double c = cost[i];
                double d = c - meanCost;
                ssCost += d * d;
                double dt = c - twapCost[i] - meanTwap;
                ssTwap += dt * dt;
            }
        }

        double std = n > 1 ? Math.Sqrt(ssCost / (n - 1)) : 0;
        double half = n > 1 ? Z95 * std / Math.Sqrt(n) : 0;
        PairedDifference? twapDifference = vsTwap ? PairedFromSums(meanTwap, ssTwap, n) : null;
        double? regretBps = null;
        if (regret)
        {
            double varDiff = 0;
            if (lambda > 0)
            {
                double a = sa, b = currencyMoments[optimum].Std;
                varDiff = a * a - b * b;
            }

            regretBps = (sumOptimum / n + lambda * varDiff) / notional * 1e4;
        }

        double completion = 1 - forcedSum / (quantity * n) - unfilledSum / (quantity * n);
        var summary = Summarize(n, meanCost, std, half, n, UnitKinds.Episode, OrderStatistics.Summary(cost), ma, completion, twapDifference, regretBps);
        if (vsBest)
        {
            if (!(lambda >= 0) || double.IsInfinity(lambda)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "Risk aversion λ must be finite and ≥ 0.");
            if (!(notional > 0) || double.IsInfinity(notional)) throw new ArgumentOutOfRangeException(nameof(notional), notional, "Notional must be finite and > 0.");
            // PairedObjective's arithmetic on the sums above; the influence values' second pass needs their mean.
            double estimate = (sumBestCurrency / n + lambda * (sa * sa - sb * sb)) / notional * 1e4;
            double psiHalf = 0;
            if (n > 1)
            {
                double psiMean = sumInfluence / n, ss = 0;
                for (int i = 0; i < n; i++)
                {
                    double d = influence[i] - psiMean;
                    ss += d * d;
                }

                psiHalf = Z95 * Math.Sqrt(ss / (n - 1)) / Math.Sqrt(n);
            }

            psiHalf = psiHalf / notional * 1e4;
            summary = summary with
            {
                VsBestStatic = PairedFromSums(meanBest, ssBest, n),
                VsBestStaticObjective = new PairedDifference(estimate, estimate - psiHalf, estimate + psiHalf, n) { IndependentUnits = n, UnitKind = UnitKinds.Episode },
            };
        }

        return (summary, forcedSum, maxPart);
    }

    /// <summary><see cref="Paired(ReadOnlySpan{double}, ReadOnlySpan{double})"/> from the differences' mean and sum of
    /// squared deviations.</summary>
    private static PairedDifference PairedFromSums(double mean, double ss, int n)
    {
        double std = n > 1 ? Math.Sqrt(ss / (n - 1)) : 0;
        double half = n > 1 ? Z95 * std / Math.Sqrt(n) : 0;
        return new PairedDifference(mean, mean - half, mean + half, n) { IndependentUnits = n, UnitKind = UnitKinds.Episode };
    }

    /// <summary>Summary of one strategy's costs in bps, episodes independent.</summary>
    public static StrategySummary Summarize(ReadOnlySpan<double> costBps, ReadOnlySpan<double> costCurrency, double completion,
        PairedDifference? vsTwap, double? regretBps)
    {
        var moments = MeanStd(costBps);
        double half = costBps.Length > 1 ? Z95 * moments.Std / Math.Sqrt(costBps.Length) : 0;
        return Summarize(costBps, costCurrency, completion, vsTwap, regretBps, half, costBps.Length, UnitKinds.Episode, moments);
    }

    /// <summary>Summary of one strategy's costs in bps, episodes grouped by <paramref name="cluster"/> (replay windows):
    /// the interval of the mean comes from <see cref="ClusterMean"/>.</summary>
    public static StrategySummary Summarize(ReadOnlySpan<double> costBps, ReadOnlySpan<double> costCurrency, double completion,
        PairedDifference? vsTwap, double? regretBps, ReadOnlySpan<int> cluster)
    {
        var c = ClusterMean(costBps, cluster);
        return Summarize(costBps, costCurrency, completion, vsTwap, regretBps, c.HalfWidth, c.Units, UnitKinds.Window, MeanStd(costBps));
    }

    private static StrategySummary Summarize(ReadOnlySpan<double> costBps, ReadOnlySpan<double> costCurrency, double completion,
        PairedDifference? vsTwap, double? regretBps, double half, int units, string unitKind, (double Mean, double Std) moments)
    {
        var (mean, std) = moments;
        return Summarize(costBps.Length, mean, std, half, units, unitKind, OrderStatistics.Summary(costBps), MeanOf(costCurrency), completion, vsTwap, regretBps);
    }

    private static double MeanOf(ReadOnlySpan<double> x)
    {
        if (x.Length == 0) return 0;
        double sum = 0;
        foreach (double v in x) sum += v;
        return sum / x.Length;
    }

    private static StrategySummary Summarize(int episodes, double mean, double std, double half, int units, string unitKind, Tails tails,
        double meanCurrency, double completion, PairedDifference? vsTwap, double? regretBps) =>
        new(
            Episodes: episodes,
            MeanBps: mean,
            StdBps: std,
            MeanCiLowBps: mean - half,
            MeanCiHighBps: mean + half,
            P5Bps: tails.P5,
            P50Bps: tails.P50,
            P95Bps: tails.P95,
            Cvar95Bps: tails.Cvar95,
            CostSharpe: CostSharpe(mean, std, units),
            Completion: completion,
            MeanShortfallCurrency: meanCurrency,
            VsTwap: vsTwap,
            RegretBps: regretBps)
        {
            IndependentUnits = units,
            UnitKind = unitKind,
            P99Bps = tails.P99,
        };

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

    /// <summary>Mean of the worst (largest) ⌈(1 − level)·n⌉ unsorted costs: <see cref="OrderStatistics.Cvar"/>, the
    /// summary's definition (the tail summed in the values' order); <paramref name="values"/> is left as it is.</summary>
    public static double Cvar(Span<double> values, double level = 0.95) => OrderStatistics.Cvar(values, level);

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

/// <summary>Ends of a 95% confidence interval.</summary>
/// <param name="Low">Lower end.</param>
/// <param name="High">Upper end.</param>
public sealed record ConfidenceBounds(double Low, double High);

/// <summary>A mean with the half-width of its 95% interval over independent units.</summary>
/// <param name="Mean">Mean over all observations.</param>
/// <param name="HalfWidth">Half-width of the 95% interval (0 with fewer than two units).</param>
/// <param name="Units">Number of independent units (clusters).</param>
/// <param name="Observations">Number of observations.</param>
public readonly record struct ClusteredMean(double Mean, double HalfWidth, int Units, int Observations);

/// <summary>Quantiles of Student's t distribution.</summary>
/// <remarks>The distribution function is F(t) = 1 − ½·I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0, with the regularised incomplete
/// beta function I evaluated by its continued fraction (modified Lentz; Press et al., Numerical Recipes, 3rd ed., §6.4);
/// the quantile inverts F by bisection to 1e-12. Known values: t_{0.975,1} = 12.7062, t_{0.975,2} = 4.3027,
/// t_{0.975,10} = 2.2281, and t → 1.95996 as ν → ∞.</remarks>
public static class StudentT
{
    /// <summary>The p-quantile of Student's t with <paramref name="df"/> degrees of freedom.</summary>
    /// <param name="p">Probability, in (0, 1).</param>
    /// <param name="df">Degrees of freedom, ≥ 1.</param>
    public static double Quantile(double p, int df)
    {
        if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "Must be in (0, 1).");
        if (df < 1) throw new ArgumentOutOfRangeException(nameof(df), df, "Degrees of freedom must be >= 1.");
        if (p < 0.5) return -Quantile(1 - p, df);
        if (p == 0.5) return 0;
        double lo = 0, hi = 1;
        while (Cdf(hi, df) < p) hi *= 2;
        for (int i = 0; i < 200 && hi - lo > 1e-12 * Math.Max(1, hi); i++)
        {
            double mid = 0.5 * (lo + hi);
            if (Cdf(mid, df) < p) lo = mid;
            else hi = mid;
        }

        return 0.5 * (lo + hi);
    }

    /// <summary>P(T ≤ t) for Student's t with <paramref name="df"/> degrees of freedom.</summary>
    public static double Cdf(double t, int df)
    {
        if (df < 1) throw new ArgumentOutOfRangeException(nameof(df), df, "Degrees of freedom must be >= 1.");
        double x = df / (df + t * t);
        double tail = 0.5 * RegularizedBeta(x, df / 2.0, 0.5);
        return t >= 0 ? 1 - tail : tail;
    }

    private static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double lnFront = LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x);
        if (x < (a + 1) / (a + b + 2)) return Math.Exp(lnFront) * BetaFraction(x, a, b) / a;
        return 1 - Math.Exp(lnFront) * BetaFraction(1 - x, b, a) / b;
    }

    private static double BetaFraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        double qab = a + b, qap = a + 1, qam = a - 1;
        double c = 1, d = 1 - qab * x / qap;
        if (Math.Abs(d) < tiny) d = tiny;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 300; m++)
        {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d;
            if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d;
            if (Math.Abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.Abs(del - 1) < 1e-15) break;
        }

        return h;
    }

    /// <summary>ln Γ(z) for z &gt; 0 (Lanczos approximation, g = 7, n = 9; accurate to about 1e-15).</summary>
    private static double LogGamma(double z)
    {
        ReadOnlySpan<double> c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (z < 0.5) return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * z))) - LogGamma(1 - z);
        z -= 1;
        double x = c[0];
        for (int i = 1; i < 9; i++) x += c[i] / (z + i);
        double t = z + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (z + 0.5) * Math.Log(t) - t + Math.Log(x);
    }
}
