using Portal.Domain.MarketData;

namespace Portal.Domain.Calibration;

/// <summary>Estimates a <see cref="MarketProfile"/> from a validated dataset with book snapshots and trades.</summary>
/// <remarks>
/// <list type="bullet">
/// <item>Realised volatility: sum of squared log mid returns sampled every h seconds (Andersen, Bollerslev, Diebold and Labys, 2003),
/// scaled to one session; short horizons are inflated by microstructure noise (Zhang, Mykland and Aït-Sahalia, 2005), so the daily figure
/// uses the longest horizon up to 300 s that still has 30 returns.</item>
/// <item>Square-root law: <c>I = Y·σ·√(Q/V)</c> (Tóth et al., 2011, "Anomalous price impact and the critical nature of liquidity";
/// Bouchaud, Bonart, Donier and Gould, 2018, ch. 12), fitted here on binned net order flow rather than on metaorders, so Y is an
/// aggregate-flow coefficient.</item>
/// <item>Kyle's λ: regression of mid changes on net signed volume (Kyle, 1985; Hasbrouck, 2007, ch. 5).</item>
/// <item>Propagator: <c>m(t) = Σ G(t − s)·q(s)</c> (Bouchaud, Gefen, Potters and Wyart, 2004; Gatheral, 2010) with an exponential kernel
/// <c>G(t) = G∞ + (G0 − G∞)·e^(−t/τ)</c>. The kernel is estimated by a distributed-lag regression of bin mid changes on lagged bin flows
/// (its cumulative sums are the bin-averaged G), then τ is found by grid search with G∞ and the amplitude by least squares;
/// the amplitude is corrected for trades being spread uniformly within a bin: bin average of e^(−t/τ) over (kΔ, (k+1)Δ] equals
/// e^(−kΔ/τ)·(τ/Δ)(1 − e^(−Δ/τ)).</item>
/// <item>Ornstein–Uhlenbeck fits: exact AR(1) discretisation <c>x(t+Δ) = θ(1 − b) + b·x(t) + e</c>, b = e^(−κΔ),
/// σ = sd(e)·√(2κ/(1 − b²)) (Uhlenbeck and Ornstein, 1930). The liquidity level is visible depth over its mean, matching the
/// simulator's level around 1 (Cartea, Jaimungal and Penalva, 2015, ch. 7).</item>
/// <item>Trade-sign autocorrelation: Lillo and Farmer (2004).</item>
/// </list>
/// </remarks>
public static class MarketCalibrator
{
    /// <summary>Largest number of sampling points or impact bins a calibration may use (memory bound).</summary>
    public const int MaxGridPoints = 20_000_000;

    /// <summary>Calibrates a profile. Throws <see cref="ArgumentException"/> if the dataset lacks a two-sided book or trades.</summary>
    public static MarketProfile Calibrate(MarketDataset dataset, CalibrationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= new CalibrationOptions();
        options.Check();
        var book = dataset.Book;
        var trades = dataset.Trades;
        if (book.Count < 2) throw new ArgumentException($"Calibration needs at least 2 book snapshots; dataset has {book.Count}.", nameof(dataset));
        if (trades.Count < 1) throw new ArgumentException("Calibration needs trades (ADV, volume profile and impact come from trades); dataset has none.", nameof(dataset));

        var t0 = Math.Min(book.Times[0], trades.Times[0]);
        var t1 = Math.Max(book.Times[^1], trades.Times[^1]);
        var observed = (t1 - t0) / 1e9;
        if (!(observed > 0)) throw new ArgumentException("Dataset covers no time (first and last timestamps are equal).", nameof(dataset));
        var session = options.SessionSeconds;
        var mids = CarriedMids(book);
        if (mids is null) throw new ArgumentException("Book never has both a bid and an ask, so there is no mid price.", nameof(dataset));
        var asOf = new AsOf(book.Times);

        double total = 0;
        foreach (var s in trades.Sizes) total += s;
        var adv = total / observed * session;

        // Volatility.
        var vols = new List<VolatilityEstimate>();
        foreach (var h in options.VolatilityHorizonsSeconds.Order())
        {
            var n = (int)Math.Floor(observed / h);
            if (n < options.MinReturns) continue;
            var step = (long)(h * 1e9);
            double rv = 0, prev = mids[asOf.Index(t0)];
            for (var k = 1; k <= n; k++)
            {
                var m = mids[asOf.Index(t0 + k * step)];
                var r = Math.Log(m / prev);
                rv += r * r;
                prev = m;
            }
            vols.Add(new VolatilityEstimate(h, Math.Sqrt(rv / (n * h) * session), n));
        }
        if (vols.Count == 0) throw new ArgumentException($"Dataset is too short for any volatility horizon (needs {options.MinReturns} returns).", nameof(dataset));
        var daily = vols.Where(v => v.HorizonSeconds <= 300 && v.Returns >= 30).OrderByDescending(v => v.HorizonSeconds).FirstOrDefault()
                    ?? vols.OrderByDescending(v => v.Returns).First();

        // Spread, depth and OU samples on a regular grid (time-weighted statistics).
        var sampleSeconds = options.Sample(observed);
        var sampleStep = (long)(sampleSeconds * 1e9);
        if ((t1 - t0) / sampleStep > MaxGridPoints)
            throw new ArgumentOutOfRangeException(nameof(options), sampleSeconds,
                $"SampleSeconds {sampleSeconds} gives more than {MaxGridPoints:N0} samples over {observed:0.#} s; use a larger interval.");
        var samples = (int)((t1 - t0) / sampleStep) + 1;
        var spreadBps = new double[samples];
        var level = new double[samples];
        double bestBid = 0, bestAsk = 0, visBid = 0, visAsk = 0, midSum = 0;
        var L = book.Levels;
        for (var k = 0; k < samples; k++)
        {
            var row = asOf.Index(t0 + k * sampleStep);
            var a = book.AskPrices[row * L]; var b = book.BidPrices[row * L];
            spreadBps[k] = double.IsNaN(a) || double.IsNaN(b) ? double.NaN : (a - b) / (0.5 * (a + b)) * 1e4;
            bestBid += book.BidSizes[row * L];
            bestAsk += book.AskSizes[row * L];
            double vb = 0, va = 0;
            for (var l = 0; l < L; l++) { vb += book.BidSizes[row * L + l]; va += book.AskSizes[row * L + l]; }
            visBid += vb; visAsk += va;
            level[k] = vb + va;
            midSum += mids[row];
        }
        var spreads = spreadBps.Where(double.IsFinite).Order().ToArray();
        if (spreads.Length == 0) throw new ArgumentException("No two-sided snapshot to measure the spread.", nameof(dataset));
        var depth = new DepthStatistics(L, bestBid / samples, bestAsk / samples, visBid / samples, visAsk / samples);
        var meanLevel = level.Average();
        for (var k = 0; k < samples; k++) level[k] /= meanLevel;

        // Volume profile.
        var buckets = new double[options.VolumeProfileBuckets];
        var width = (t1 - t0) / (double)buckets.Length;
        for (var i = 0; i < trades.Count; i++)
        {
            var b = (int)Math.Min(buckets.Length - 1, (trades.Times[i] - t0) / width);
            buckets[b] += trades.Sizes[i];
        }
        for (var b = 0; b < buckets.Length; b++) buckets[b] /= total;

        return new MarketProfile
        {
            Instrument = dataset.Instrument,
            DatasetHash = dataset.ContentHash,
            Start = dataset.Summary.Start,
            End = dataset.Summary.End,
            ObservedSeconds = observed,
            SessionSeconds = session,
            MeanMidPrice = midSum / samples,
            Adv = adv,
            TotalVolume = total,
            TradeCount = trades.Count,
            DailyVolatility = daily.DailyVolatility,
            DailyVolatilityHorizonSeconds = daily.HorizonSeconds,
            RealisedVolatility = vols,
            MeanSpreadBps = spreads.Average(),
            MedianSpreadBps = Quantile(spreads, 0.5),
            P95SpreadBps = Quantile(spreads, 0.95),
            Depth = depth,
            VolumeProfileBucketSeconds = width / 1e9,
            VolumeProfile = buckets,
            TradeSignAutocorrelation = SignAutocorrelation(trades.Sides, options.SignAutocorrelationLags),
            Impact = FitImpact(trades, mids, asOf, t0, t1, adv, daily.DailyVolatility, session, options.BinSeconds(observed), options.PropagatorLags),
            Liquidity = FitOu("visible depth / mean visible depth", level, sampleSeconds, session),
            Spread = FitOu("spread (bps)", spreadBps.Select(s => double.IsFinite(s) ? s : spreads[spreads.Length / 2]).ToArray(), sampleSeconds, session),
            PassiveFills = PassiveFillCalibrator.Calibrate(dataset, options),
        };
    }

    private static ImpactParameters FitImpact(TradeSeries trades, double[] mids, AsOf asOf, long t0, long t1, double adv, double sigmaDay,
        double session, double binSeconds, int lags)
    {
        var binNs = (long)(binSeconds * 1e9);
        if ((t1 - t0) / binNs > MaxGridPoints)
            throw new ArgumentOutOfRangeException(nameof(binSeconds), binSeconds,
                $"ImpactBinSeconds {binSeconds} gives more than {MaxGridPoints:N0} bins; use a larger bin.");
        var nb = (int)((t1 - t0) / binNs);
        if (nb < 10) return new ImpactParameters(null, null, null);
        var dm = new double[nb];
        var rel = new double[nb];
        var q = new double[nb];
        var prev = mids[asOf.Index(t0)];
        for (var b = 0; b < nb; b++)
        {
            var m = mids[asOf.Index(t0 + (b + 1) * binNs)];
            dm[b] = m - prev;
            rel[b] = (m - prev) / prev;
            prev = m;
        }
        for (var i = 0; i < trades.Count; i++)
        {
            var b = (trades.Times[i] - t0) / binNs;
            if (b < nb) q[b] += trades.Sides[i] * trades.Sizes[i];
        }

        KyleFit? kyle = null;
        var line = LeastSquares.Line(q, dm);
        if (line is { } l)
        {
            var meanMid = mids.Average();
            kyle = new KyleFit(l.B, l.B * 0.01 * adv / meanMid * 1e4, l.R2, nb, binSeconds);
        }

        SquareRootFit? sqrt = null;
        var xs = new List<double>(); var ys = new List<double>();
        for (var b = 0; b < nb; b++)
            if (q[b] != 0) { xs.Add(sigmaDay * Math.Sign(q[b]) * Math.Sqrt(Math.Abs(q[b]) / adv)); ys.Add(rel[b]); }
        if (xs.Count >= 3)
        {
            double sxy = 0, sxx = 0;
            for (var i = 0; i < xs.Count; i++) { sxy += xs[i] * ys[i]; sxx += xs[i] * xs[i]; }
            if (sxx > 0)
            {
                var y = sxy / sxx;
                var fitted = xs.Select(x => y * x).ToArray();
                sqrt = new SquareRootFit(y, LeastSquares.RSquared(ys.ToArray(), fitted), xs.Count, binSeconds);
            }
        }
        return new ImpactParameters(sqrt, kyle, FitPropagator(dm, q, lags, binSeconds, session));
    }

    internal static PropagatorFit? FitPropagator(double[] dm, double[] q, int lags, double binSeconds, double session)
    {
        var nb = dm.Length;
        var p = lags + 2;
        if (nb - lags < 5 * p) return null;
        double scale = 0;
        foreach (var v in q) scale += v * v;
        scale = Math.Sqrt(scale / nb);
        if (scale == 0) return null;
        var xtx = new double[p, p];
        var xty = new double[p];
        var row = new double[p];
        for (var b = lags; b < nb; b++)
        {
            row[0] = 1;
            for (var k = 0; k <= lags; k++) row[k + 1] = q[b - k] / scale;
            for (var i = 0; i < p; i++)
            {
                xty[i] += row[i] * dm[b];
                for (var j = i; j < p; j++) xtx[i, j] += row[i] * row[j];
            }
        }
        for (var i = 0; i < p; i++) for (var j = 0; j < i; j++) xtx[i, j] = xtx[j, i];
        var beta = LeastSquares.Solve(xtx, xty);
        if (beta is null) return null;
        var fittedDm = new double[nb - lags];
        var observedDm = new double[nb - lags];
        for (var b = lags; b < nb; b++)
        {
            var f = beta[0];
            for (var k = 0; k <= lags; k++) f += beta[k + 1] * q[b - k] / scale;
            fittedDm[b - lags] = f;
            observedDm[b - lags] = dm[b];
        }
        var regressionR2 = LeastSquares.RSquared(observedDm, fittedDm);
        var kernel = new double[lags + 1];
        double cum = 0;
        for (var k = 0; k <= lags; k++) { cum += beta[k + 1] / scale; kernel[k] = cum; }

        // Exponential fit G(k) = P + A'·exp(−k/τ) with P, A' ≥ 0, τ in bins searched on a log grid over [1/4, 10·K].
        double bestSsr = double.MaxValue, bestTau = 1, bestP = 0, bestA = 0;
        int bestG = 0;
        const int grid = 400;
        double tauMin = 0.25, tauMax = 10.0 * lags;
        for (var g = 0; g <= grid; g++)
        {
            var tau = tauMin * Math.Pow(tauMax / tauMin, g / (double)grid);
            var (pp, a, ssr) = FitExponential(kernel, tau);
            if (ssr < bestSsr) { bestSsr = ssr; bestTau = tau; bestP = pp; bestA = a; bestG = g; }
        }
        var fittedKernel = new double[lags + 1];
        for (var k = 0; k <= lags; k++) fittedKernel[k] = bestP + bestA * Math.Exp(-k / bestTau);
        var u = 1 / bestTau;
        var amplitude = bestA * u / (1 - Math.Exp(-u));
        var tauSeconds = bestTau * binSeconds;
        return new PropagatorFit(bestP + amplitude, bestP, tauSeconds, session / tauSeconds, bestG == 0 || bestG == grid,
            LeastSquares.RSquared(kernel, fittedKernel), regressionR2, nb - lags, binSeconds, kernel);
    }

    /// <summary>Least squares of G(k) ≈ P + A·e^(−k/τ) subject to P ≥ 0 and A ≥ 0.</summary>
    private static (double P, double A, double Ssr) FitExponential(double[] kernel, double tau)
    {
        var n = kernel.Length;
        double sf = 0, sff = 0, sg = 0, sfg = 0;
        for (var k = 0; k < n; k++)
        {
            var f = Math.Exp(-k / tau);
            sf += f; sff += f * f; sg += kernel[k]; sfg += f * kernel[k];
        }
        var det = n * sff - sf * sf;
        var candidates = new List<(double P, double A)> { (0, 0), (Math.Max(0, sg / n), 0), (0, Math.Max(0, sfg / sff)) };
        if (Math.Abs(det) > 1e-12)
        {
            var a = (n * sfg - sf * sg) / det;
            var p = (sg - a * sf) / n;
            if (a >= 0 && p >= 0) candidates.Add((p, a));
        }
        var best = (P: 0.0, A: 0.0, Ssr: double.MaxValue);
        foreach (var (p, a) in candidates)
        {
            double ssr = 0;
            for (var k = 0; k < n; k++) { var e = kernel[k] - p - a * Math.Exp(-k / tau); ssr += e * e; }
            if (ssr < best.Ssr) best = (p, a, ssr);
        }
        return best;
    }

    internal static OuFit? FitOu(string variable, double[] x, double dtSeconds, double session)
    {
        if (x.Length < 20) return null;
        var line = LeastSquares.Line(x.AsSpan(0, x.Length - 1), x.AsSpan(1));
        if (line is not { } l || !(l.B > 0 && l.B < 1)) return null;
        var kappa = -Math.Log(l.B) / dtSeconds;
        var theta = l.A / (1 - l.B);
        var sigma = l.ResidualSd * Math.Sqrt(2 * kappa / (1 - l.B * l.B));
        return new OuFit(variable, theta, kappa, kappa * session, sigma, sigma * Math.Sqrt(session), Math.Log(2) / kappa, l.R2, x.Length - 1, dtSeconds);
    }

    internal static double[] SignAutocorrelation(ReadOnlySpan<sbyte> sides, int lags)
    {
        var signs = new List<double>(sides.Length);
        foreach (var s in sides) if (s != 0) signs.Add(s);
        var result = new double[lags];
        if (signs.Count < lags + 2) return result;
        var m = signs.Average();
        var v = 1 - m * m;
        if (v <= 0) return result;
        for (var l = 1; l <= lags; l++)
        {
            double c = 0;
            for (var i = 0; i + l < signs.Count; i++) c += signs[i] * signs[i + l];
            result[l - 1] = (c / (signs.Count - l) - m * m) / v;
        }
        return result;
    }

    private static double Quantile(double[] sorted, double p) => sorted[(int)Math.Min(sorted.Length - 1, Math.Floor(p * sorted.Length))];

    /// <summary>Mid per snapshot with one-sided snapshots carrying the last two-sided mid forward; null if there is none.</summary>
    private static double[]? CarriedMids(BookSeries book)
    {
        var mids = new double[book.Count];
        var first = double.NaN;
        for (var i = 0; i < book.Count && double.IsNaN(first); i++) first = book.Mid(i);
        if (double.IsNaN(first)) return null;
        var last = first;
        for (var i = 0; i < book.Count; i++)
        {
            var m = book.Mid(i);
            if (!double.IsNaN(m)) last = m;
            mids[i] = last;
        }
        return mids;
    }

    /// <summary>Monotone as-of lookup: index of the last snapshot at or before t (the first snapshot before the book starts).</summary>
    private sealed class AsOf(ReadOnlySpan<long> times)
    {
        private readonly long[] _times = times.ToArray();

        public int Index(long t)
        {
            var i = Array.BinarySearch(_times, t);
            if (i >= 0)
            {
                while (i + 1 < _times.Length && _times[i + 1] == t) i++;
                return i;
            }
            i = ~i - 1;
            return Math.Max(0, i);
        }
    }
}
