using Portal.Domain.MarketData;
using Portal.Domain.Replay;

namespace Portal.Domain.Calibration;

/// <summary>
/// Calibrates the simulated book's limit-order fills (<see cref="Scenarios.PassiveFillSpec"/>) from a recorded order book with
/// trades: fill probability by offset and time-to-live, queue depletion per level, post-fill markouts, and from them the
/// fill decay k, the mean market-order size m̄, the queue share φ and the adverse selection ε.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><b>Market orders.</b> Executions with one timestamp and one aggressor side are one market order (LOBSTER prints one
/// execution message per resting order a market order reaches). m̄ is their mean size; A, the intensity of market orders of the
/// other side reaching the touch (Cartea, Jaimungal and Penalva, 2015, §8.2 and §10.2, their λ), is their count per side per
/// second.</item>
/// <item><b>Fill curves.</b> A hypothetical limit order of Q shares (default m̄) is posted every
/// <see cref="CalibrationOptions.FillPostIntervalSeconds"/> on each side, at 0, 1, 2… ticks beyond the touch, and run through the
/// recording by the replay's own queue-position model (<see cref="RecordedQueue.Simulate"/>: joins behind the displayed depth,
/// executions and cancellations deplete the queue ahead). For each offset and time-to-live τ: the share of posts with any
/// fill and the mean filled fraction. A post is counted for τ only when the recording covers post + τ.</item>
/// <item><b>k and φ.</b> On the simulated book an order of Q shares at δ bps beyond the touch is hit N ~ Poisson(A·e^(−kδ)·τ)
/// times and fills min(Q, N·φ·m̄) (<see cref="Simulation.PassiveFillModel"/>). k and φ minimise the squared difference between
/// that model's expected filled fraction E[min(1, N·φ·m̄/Q)] and the measured mean filled fraction over all (offset, τ)
/// cells, with A and m̄ as measured (grid search, then a finer grid around the best point). The offset in bps is
/// ticks × tick / mean mid × 10⁴.</item>
/// <item><b>Adverse selection ε</b> (CJP §10.4: every market order moves the mid by ε in its own direction): the slope of
/// an ordinary least-squares regression, over the impact bins (<see cref="CalibrationOptions.ImpactBinSeconds"/>), of the bin's mid change
/// (bps of the mid at the start of the bin) on the bin's net signed count of market orders (buys − sells).</item>
/// <item><b>Queue depletion.</b> For consecutive groups of rows with one timestamp and each displayed level of the earlier row:
/// executions at that price against that side, cancellations max(0, −Δ − E) with Δ the change of displayed depth at that
/// price, and additions max(0, Δ + E) (the decomposition <see cref="RecordedQueue"/> uses), summed per level and divided by
/// the observed seconds. A price that leaves the recorded levels is skipped for that group.</item>
/// <item><b>Markouts.</b> Every recorded execution fills a resting order of the side opposite to the aggressor. Its markout at
/// h seconds is the mid move against that resting order from the mid at the execution (the row at or before its time, as the
/// replay measures our own fills) to the mid h seconds later, in bps of the first mid, weighted by size. Standard errors come
/// from block means over 300-second blocks of executions (executions close in time are not independent).</item>
/// </list>
/// </remarks>
public static class PassiveFillCalibrator
{
    /// <summary>Length of the blocks whose means give the markouts' standard errors, seconds.</summary>
    public const double MarkoutBlockSeconds = 300;

    /// <summary>The passive-fill part of a profile, or null when the dataset has no trade with a known aggressor side or no
    /// two-sided book.</summary>
    public static PassiveFillProfile? Calibrate(MarketDataset dataset, CalibrationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= new CalibrationOptions();
        options.Check();
        var book = dataset.Book;
        var trades = dataset.Trades;
        if (book.Count < 2 || trades.Count == 0) return null;
        long t0 = Math.Min(book.Times[0], trades.Times[0]);
        long t1 = Math.Max(book.Times[^1], trades.Times[^1]);
        double observed = (t1 - t0) / 1e9;
        if (!(observed > 0)) return null;

        var orders = MarketOrders(trades);
        if (orders.Count == 0) return null;
        double meanOrder = orders.Average(o => o.Size);
        double perSide = orders.Count / observed / 2;
        var mids = Mids(book);
        double meanMid = 0;
        int midCount = 0;
        foreach (var m in mids) if (double.IsFinite(m)) { meanMid += m; midCount++; }
        if (midCount == 0) return null;
        meanMid /= midCount;
        double tickBps = RecordedQueue.Tick / meanMid * 1e4;

        double posted = options.FillPostedShares ?? meanOrder;
        var curves = FillCurves(dataset, options, posted, t0, t1, observed, tickBps);
        var (k, phi, rmse) = FitFills(curves, perSide, meanOrder, posted);
        var fitted = curves.Select(c => c with { ModelFillFraction = ExpectedFillFraction(perSide * c.TtlSeconds * Math.Exp(-k * c.OffsetBps), phi * meanOrder / posted) }).ToList();
        var (epsilon, r2, bins, binSeconds) = FitAdverseSelection(orders, book, mids, t0, t1, options.BinSeconds(observed));

        return new PassiveFillProfile
        {
            TickSize = RecordedQueue.Tick,
            TickBps = tickBps,
            MarketOrders = orders.Count,
            MeanMarketOrderShares = meanOrder,
            MarketOrdersPerSecondPerSide = perSide,
            PostedShares = posted,
            FillCurves = fitted,
            FillDecayPerBps = k,
            QueueShare = phi,
            FillFitRmse = rmse,
            MarkoutBpsPerMarketOrder = epsilon,
            MarkoutRegressionR2 = r2,
            MarkoutRegressionBins = bins,
            MarkoutRegressionBinSeconds = binSeconds,
            QueueDepletion = QueueDepletion(book, trades, observed),
            Markouts = Markouts(book, trades, mids, options.MarkoutHorizonsSeconds),
        };
    }

    /// <summary>A market order: time, aggressor side (+1 buy, −1 sell) and size.</summary>
    internal readonly record struct MarketOrder(long TimeNs, int Side, double Size);

    /// <summary>Executions grouped into market orders: one per (timestamp, aggressor side); unknown sides are left out.</summary>
    internal static List<MarketOrder> MarketOrders(TradeSeries trades)
    {
        var orders = new List<MarketOrder>();
        var times = trades.Times;
        var sides = trades.Sides;
        var sizes = trades.Sizes;
        int i = 0;
        while (i < trades.Count)
        {
            long t = times[i];
            double buy = 0, sell = 0;
            for (; i < trades.Count && times[i] == t; i++)
            {
                if (sides[i] > 0) buy += sizes[i];
                else if (sides[i] < 0) sell += sizes[i];
            }
            if (buy > 0) orders.Add(new MarketOrder(t, 1, buy));
            if (sell > 0) orders.Add(new MarketOrder(t, -1, sell));
        }
        return orders;
    }

    /// <summary>The model's expected filled fraction E[min(1, N·c)] for N ~ Poisson(<paramref name="mean"/>) and a fraction
    /// <paramref name="perHit"/> = φ·m̄/Q filled per hit.</summary>
    public static double ExpectedFillFraction(double mean, double perHit)
    {
        if (!(mean >= 0) || !(perHit > 0)) throw new ArgumentOutOfRangeException(nameof(mean), "The Poisson mean must be non-negative and the share per hit positive.");
        if (mean == 0) return 0;
        // min(1, n·c) = n·c below n* = ⌈1/c⌉, 1 from there: E = Σ_{n<n*} p(n)·n·c + P(N ≥ n*).
        long nStar = (long)Math.Ceiling(1 / perHit - 1e-12);
        if (nStar <= 1) return 1 - Math.Exp(-mean);
        double p = Math.Exp(-mean), cdf = 0, partial = 0;
        if (p == 0) return mean * perHit >= 1 ? 1 : Math.Min(1, mean * perHit); // far in the tail: the law of large numbers
        for (long n = 0; n < nStar; n++)
        {
            partial += p * n * perHit;
            cdf += p;
            p *= mean / (n + 1);
            if (p < 1e-300 && n > mean) break;
        }
        return Math.Clamp(partial + Math.Max(0, 1 - cdf), 0, 1);
    }

    private static List<FillCurvePoint> FillCurves(MarketDataset dataset, CalibrationOptions options, double posted, long t0, long t1, double observed, double tickBps)
    {
        var book = dataset.Book;
        var ttls = options.FillTtlsSeconds.Order().ToArray();
        var offsets = options.FillOffsetsTicks.Order().ToArray();
        double interval = options.PostInterval(observed);
        long step = (long)(interval * 1e9);
        long maxTtl = (long)(ttls[^1] * 1e9);
        var posts = new int[offsets.Length, ttls.Length];
        var any = new int[offsets.Length, ttls.Length];
        var fraction = new double[offsets.Length, ttls.Length];
        var times = book.Times;
        for (long t = t0 + step; t < t1; t += step)
        {
            int row = UpperBound(times, t) - 1;
            if (row < 0 || !double.IsFinite(book.BestAsk(row)) || !double.IsFinite(book.BestBid(row))) continue;
            foreach (var buy in (ReadOnlySpan<bool>)[false, true])
                for (int o = 0; o < offsets.Length; o++)
                {
                    double price = RecordedQueue.LimitPrice(book, row, buy, offsets[o] * RecordedQueue.Tick);
                    var fills = RecordedQueue.Simulate(dataset, buy, price, posted, t, Math.Min(t + maxTtl, t1), CancellationModel.Proportional);
                    for (int h = 0; h < ttls.Length; h++)
                    {
                        long expiry = t + (long)(ttls[h] * 1e9);
                        if (expiry > t1) continue;
                        double filled = 0;
                        foreach (var f in fills) if (f.TimeNs <= expiry) filled += f.Size;
                        posts[o, h]++;
                        if (filled > 0) any[o, h]++;
                        fraction[o, h] += Math.Min(1, filled / posted);
                    }
                }
        }
        var result = new List<FillCurvePoint>();
        for (int o = 0; o < offsets.Length; o++)
            for (int h = 0; h < ttls.Length; h++)
                if (posts[o, h] > 0)
                    result.Add(new FillCurvePoint(offsets[o], offsets[o] * tickBps, ttls[h], posts[o, h],
                        (double)any[o, h] / posts[o, h], fraction[o, h] / posts[o, h], 0));
        return result;
    }

    /// <summary>Least-squares (k, φ) of the model's expected filled fraction against the measured one; grid then refinement.</summary>
    internal static (double K, double Phi, double? Rmse) FitFills(IReadOnlyList<FillCurvePoint> cells, double touchIntensity, double meanOrder, double posted)
    {
        if (cells.Count == 0 || !(touchIntensity > 0)) return (0, 1, null);
        double Ssr(double k, double phi)
        {
            double s = 0;
            foreach (var c in cells)
            {
                var e = ExpectedFillFraction(touchIntensity * c.TtlSeconds * Math.Exp(-k * c.OffsetBps), phi * meanOrder / posted) - c.MeanFillFraction;
                s += e * e;
            }
            return s;
        }
        var best = (K: 0.0, Phi: 1.0, Ssr: double.MaxValue);
        for (int i = 0; i <= 100; i++)        // k in [0, 20] per bps
            for (int j = 1; j <= 100; j++)    // φ in (0, 1]
            {
                double k = i * 0.2, phi = j * 0.01, s = Ssr(k, phi);
                if (s < best.Ssr) best = (k, phi, s);
            }
        var coarse = best;
        for (int i = -20; i <= 20; i++)
            for (int j = -20; j <= 20; j++)
            {
                double k = coarse.K + i * 0.01, phi = coarse.Phi + j * 0.0005;
                if (k < 0 || phi <= 0 || phi > 1) continue;
                var s = Ssr(k, phi);
                if (s < best.Ssr) best = (k, phi, s);
            }
        return (best.K, best.Phi, Math.Sqrt(best.Ssr / cells.Count));
    }

    /// <summary>ε: slope of bin mid changes (bps) on net signed market-order counts.</summary>
    internal static (double Epsilon, double R2, int Bins, double BinSeconds) FitAdverseSelection(List<MarketOrder> orders, BookSeries book, double[] mids,
        long t0, long t1, double binSeconds)
    {
        long width = (long)(binSeconds * 1e9);
        int n = (int)Math.Min(int.MaxValue - 1, (t1 - t0) / width);
        if (n < 3) return (0, 0, n, binSeconds);
        var net = new double[n];
        foreach (var o in orders)
        {
            long b = (o.TimeNs - t0) / width;
            if (b < n) net[b] += o.Side;
        }
        var times = book.Times;
        var x = new List<double>(n);
        var y = new List<double>(n);
        // A bin is (t0 + b·w, t0 + (b+1)·w]; its mid change runs from the last row at or before its start to the last at or before its end.
        double start = MidAt(times, mids, t0);
        for (int b = 0; b < n; b++)
        {
            double end = MidAt(times, mids, t0 + (b + 1) * width);
            if (double.IsFinite(start) && double.IsFinite(end) && start > 0)
            {
                x.Add(net[b]);
                y.Add((end - start) / start * 1e4);
            }
            start = end;
        }
        var line = LeastSquares.Line(x.ToArray(), y.ToArray());
        return line is { } l ? (Math.Max(0, l.B), l.R2, x.Count, binSeconds) : (0, 0, x.Count, binSeconds);
    }

    private static List<QueueDepletionRate> QueueDepletion(BookSeries book, TradeSeries trades, double observed)
    {
        int levels = book.Levels;
        var exec = new double[2, levels];
        var cancel = new double[2, levels];
        var add = new double[2, levels];
        var depth = new double[2, levels];
        var times = book.Times;
        var tradeTimes = trades.Times;
        int prev = -1, row = 0, nextTrade = 0;
        while (row < book.Count)
        {
            long t = times[row];
            int last = row;
            while (last + 1 < book.Count && times[last + 1] == t) last++;
            while (nextTrade < trades.Count && tradeTimes[nextTrade] < t) nextTrade++;
            int firstTrade = nextTrade;
            int endTrade = nextTrade;
            while (endTrade < trades.Count && tradeTimes[endTrade] == t) endTrade++;
            if (prev >= 0)
                for (int side = 0; side < 2; side++)
                {
                    bool buySide = side == 0; // 0 = bid (resting buys), 1 = ask
                    var prices = buySide ? book.BidPrices : book.AskPrices;
                    var sizes = buySide ? book.BidSizes : book.AskSizes;
                    for (int l = 0; l < levels; l++)
                    {
                        double p = prices[prev * levels + l];
                        if (!double.IsFinite(p)) continue;
                        double executed = 0;
                        for (int i = firstTrade; i < endTrade; i++)
                            if (trades.Sides[i] == (buySide ? -1 : 1) && Math.Abs(trades.Prices[i] - p) < RecordedQueue.Tick / 2) executed += trades.Sizes[i];
                        if (DepthAt(book, last, buySide, p) is not { } now) continue;
                        double change = now - sizes[prev * levels + l];
                        exec[side, l] += executed;
                        cancel[side, l] += Math.Max(0, -change - executed);
                        add[side, l] += Math.Max(0, change + executed);
                    }
                }
            for (int side = 0; side < 2; side++)
            {
                var sizes = side == 0 ? book.BidSizes : book.AskSizes;
                if (prev >= 0)
                    for (int l = 0; l < levels; l++) depth[side, l] += sizes[prev * levels + l] * (t - times[prev]) / 1e9;
            }
            nextTrade = endTrade;
            prev = last;
            row = last + 1;
        }
        double span = (times[^1] - times[0]) / 1e9;
        var result = new List<QueueDepletionRate>();
        for (int side = 0; side < 2; side++)
            for (int l = 0; l < levels; l++)
                result.Add(new QueueDepletionRate(side == 0 ? "bid" : "ask", l + 1, span > 0 ? depth[side, l] / span : 0,
                    exec[side, l] / observed, cancel[side, l] / observed, add[side, l] / observed));
        return result;
    }

    private static List<MarkoutEstimate> Markouts(BookSeries book, TradeSeries trades, double[] mids, IReadOnlyList<double> horizons)
    {
        var times = book.Times;
        var result = new List<MarkoutEstimate>();
        long block = (long)(MarkoutBlockSeconds * 1e9);
        foreach (var h in horizons.Order())
        {
            long ahead = (long)(h * 1e9);
            var blockSum = new Dictionary<long, (double Cost, double Size)>();
            double cost = 0, size = 0;
            int count = 0;
            for (int i = 0; i < trades.Count; i++)
            {
                int side = trades.Sides[i];
                if (side == 0) continue;
                long t = trades.Times[i];
                if (t + ahead > times[^1]) continue;
                double m0 = MidAt(times, mids, t), m1 = MidAt(times, mids, t + ahead);
                if (!(m0 > 0) || !double.IsFinite(m1)) continue;
                // The resting order sold when a buyer (+1) lifted it: the mid rising afterwards is against it.
                double c = trades.Sizes[i] * side * (m1 - m0) / m0 * 1e4;
                cost += c;
                size += trades.Sizes[i];
                count++;
                long key = (t - times[0]) / block;
                var s = blockSum.GetValueOrDefault(key);
                blockSum[key] = (s.Cost + c, s.Size + trades.Sizes[i]);
            }
            if (size <= 0) continue;
            var means = blockSum.Values.Where(v => v.Size > 0).Select(v => v.Cost / v.Size).ToArray();
            double? se = null;
            if (means.Length >= 2)
            {
                double mu = means.Average();
                se = Math.Sqrt(means.Sum(m => (m - mu) * (m - mu)) / (means.Length - 1) / means.Length);
            }
            result.Add(new MarkoutEstimate(h, cost / size, se, count, means.Length));
        }
        return result;
    }

    private static double[] Mids(BookSeries book)
    {
        var mids = new double[book.Count];
        double last = double.NaN;
        for (int i = 0; i < book.Count; i++)
        {
            double m = book.Mid(i);
            if (double.IsFinite(m)) last = m;
            mids[i] = last;
        }
        return mids;
    }

    private static double MidAt(ReadOnlySpan<long> times, double[] mids, long t)
    {
        int row = UpperBound(times, t) - 1;
        return row >= 0 ? mids[row] : double.NaN;
    }

    private static double? DepthAt(BookSeries book, int row, bool buy, double price)
    {
        int levels = book.Levels;
        var prices = buy ? book.BidPrices : book.AskPrices;
        var sizes = buy ? book.BidSizes : book.AskSizes;
        double deepest = double.NaN;
        for (int l = 0; l < levels; l++)
        {
            double p = prices[row * levels + l];
            if (!double.IsFinite(p)) continue;
            if (Math.Abs(p - price) < RecordedQueue.Tick / 2) return sizes[row * levels + l];
            deepest = p;
        }
        if (double.IsNaN(deepest)) return 0;
        return (buy ? price > deepest : price < deepest) ? 0 : null;
    }

    private static int UpperBound(ReadOnlySpan<long> times, long t)
    {
        int lo = 0, hi = times.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (times[mid] <= t) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
