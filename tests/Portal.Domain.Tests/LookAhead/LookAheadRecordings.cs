using Portal.Domain.MarketData;
using Portal.Domain.Replay;

namespace Portal.Domain.Tests.LookAhead;

/// <summary>
/// A small two-level recording with a random-walk mid, noisy depth and random trades (deterministic for a seed), and the
/// same recording changed from step k of the last episode window on: everything recorded after the start of that step
/// (book snapshots strictly after it, trades at or after it) gets other prices, sizes and volumes. Only the last window is
/// changed because an earlier window's future is a later window's past (the liquidity feature averages past depth). Shared by the look-ahead
/// contract tests of the replay backtest and of the agents' replay market.
/// </summary>
internal static class LookAheadRecordings
{
    private const long Day0 = 1_700_000_000L * 1_000_000_000L;
    private const long SecondNs = 1_000_000_000L;

    /// <summary>Four hours of one-second snapshots and about one trade every two seconds.</summary>
    public static MarketDataset Make(int seed = 11)
    {
        var rng = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        const int seconds = 4 * 3600;
        const int levels = 2;
        var times = new long[seconds];
        var ap = new double[seconds * levels];
        var az = new double[seconds * levels];
        var bp = new double[seconds * levels];
        var bz = new double[seconds * levels];
        double mid = 100;
        var tt = new List<long>();
        var tp = new List<double>();
        var ts = new List<double>();
        var sd = new List<sbyte>();
        for (int i = 0; i < seconds; i++)
        {
            mid += 0.01 * Normal();
            double half = 0.01 + 0.01 * rng.NextDouble();
            times[i] = Day0 + i * SecondNs;
            for (int l = 0; l < levels; l++)
            {
                ap[i * levels + l] = mid + half + 0.01 * l;
                bp[i * levels + l] = mid - half - 0.01 * l;
                az[i * levels + l] = 100 + Math.Round(400 * rng.NextDouble());
                bz[i * levels + l] = 100 + Math.Round(400 * rng.NextDouble());
            }

            if (rng.NextDouble() < 0.5)
            {
                sbyte side = rng.NextDouble() < 0.5 ? (sbyte)1 : (sbyte)-1;
                tt.Add(times[i] + SecondNs / 2);
                tp.Add(mid + side * half);
                ts.Add(50 + Math.Round(200 * rng.NextDouble()));
                sd.Add(side);
            }
        }

        var book = new BookSeries(levels, times, ap, az, bp, bz);
        var trades = new TradeSeries([.. tt], [.. tp], [.. ts], [.. sd]);
        return new MarketDataset("csv", "LOOKAHEAD", book, trades, [], new string('0', 64), ["synthetic"]);
    }

    /// <summary>
    /// <paramref name="source"/> with every input recorded after the start of step <paramref name="fromStep"/> of the last
    /// (latest) window changed: book prices shifted down 3% with a wider spread, depth cut to a third on the bid and doubled
    /// on the ask, trade sizes ×2.5. Earlier windows must end before that time.
    /// </summary>
    public static MarketDataset PerturbFrom(MarketDataset source, IReadOnlyList<ReplayWindow> windows, long stepNs, int fromStep)
    {
        var b = source.Book;
        int n = b.Count, levels = b.Levels;
        var ap = b.AskPrices.ToArray();
        var az = b.AskSizes.ToArray();
        var bp = b.BidPrices.ToArray();
        var bz = b.BidSizes.ToArray();
        var times = b.Times.ToArray();
        long cut = windows.Max(w => w.StartNs) + fromStep * stepNs;
        if (windows.Any(w => w.EndNs > cut && w.StartNs + fromStep * stepNs < cut))
            throw new ArgumentException("Windows overlap the changed part of the last window.", nameof(windows));
        bool BookChanged(long t) => t > cut;
        bool TradeChanged(long t) => t >= cut;
        for (int i = 0; i < n; i++)
        {
            if (!BookChanged(times[i])) continue;
            for (int l = 0; l < levels; l++)
            {
                int at = i * levels + l;
                ap[at] = ap[at] * 0.97 + 0.05;
                bp[at] = bp[at] * 0.97 - 0.05;
                az[at] *= 2;
                bz[at] = Math.Max(1, Math.Round(bz[at] / 3));
            }
        }

        var tr = source.Trades;
        var ts = tr.Sizes.ToArray();
        var tt = tr.Times.ToArray();
        for (int i = 0; i < ts.Length; i++)
        {
            if (TradeChanged(tt[i])) ts[i] *= 2.5;
        }

        var book = new BookSeries(levels, times, ap, az, bp, bz);
        var trades = new TradeSeries(tt, tr.Prices.ToArray(), ts, tr.Sides.ToArray());
        return new MarketDataset(source.Format, source.Instrument, book, trades, [], source.ContentHash, source.SourceFiles);
    }
}
