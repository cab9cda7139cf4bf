using Portal.Domain.MarketData;

namespace Portal.Domain.Tests.MarketData;

/// <summary>
/// Generates a one-level dataset with known parameters: Poisson trades (rate per volume-profile bucket), iid or Markov signs,
/// mid = S0 + σ·W(t) + Σ q_s·(P + A·e^(−(t−s)/τ)), constant spread, bid and ask sizes following independent exact OU processes.
/// </summary>
internal sealed record SyntheticMarket
{
    public double Seconds { get; init; } = 23_400;
    public double S0 { get; init; } = 100;
    public double SigmaPerSqrtSecond { get; init; } = 100 * 0.01 / Math.Sqrt(23_400); // 1 % daily on a 23,400 s day
    public double Permanent { get; init; } = 1e-5;
    public double Transient { get; init; } = 4e-5;
    public double TauSeconds { get; init; } = 60;
    public double[] BucketRates { get; init; } = [3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2];
    public double MinSize { get; init; } = 50;
    public double MaxSize { get; init; } = 150;
    public double SignPersistence { get; init; } = 0.5;
    public double Spread { get; init; } = 0.02;
    public double DepthMean { get; init; } = 500;
    public double DepthKappa { get; init; } = 0.05;
    public double DepthSigma { get; init; } = 20;
    public double SnapshotSeconds { get; init; } = 0.25;
    public int Seed { get; init; } = 7;

    public (MarketDataset Dataset, double TotalVolume) Generate()
    {
        var rng = new Random(Seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        // Trade times: Poisson per bucket.
        var tradeTimes = new List<double>();
        var width = Seconds / BucketRates.Length;
        for (var b = 0; b < BucketRates.Length; b++)
        {
            var t = b * width;
            while (true)
            {
                t += -Math.Log(1 - rng.NextDouble()) / BucketRates[b];
                if (t >= (b + 1) * width) break;
                tradeTimes.Add(t);
            }
        }
        var events = new List<(double T, int Trade)>();
        for (var i = 0; i < tradeTimes.Count; i++) events.Add((tradeTimes[i], i));
        for (var k = 0; k * SnapshotSeconds <= Seconds; k++) events.Add((k * SnapshotSeconds, -1));
        events.Sort((a, b) => a.T != b.T ? a.T.CompareTo(b.T) : b.Trade.CompareTo(a.Trade));

        const long day0 = 1_700_000_000L * 1_000_000_000L;
        var bt = new List<long>(); var ap = new List<double>(); var az = new List<double>(); var bp = new List<double>(); var bz = new List<double>();
        var tt = new List<long>(); var tp = new List<double>(); var ts = new List<double>(); var sd = new List<sbyte>();
        double now = 0, w = 0, perm = 0, trans = 0, bidDepth = DepthMean, askDepth = DepthMean, total = 0;
        var sign = 1;
        foreach (var (t, trade) in events)
        {
            var dt = t - now;
            if (dt > 0)
            {
                w += SigmaPerSqrtSecond * Math.Sqrt(dt) * Normal();
                trans *= Math.Exp(-dt / TauSeconds);
                var b = Math.Exp(-DepthKappa * dt);
                var sdv = DepthSigma * Math.Sqrt((1 - b * b) / (2 * DepthKappa));
                bidDepth = DepthMean + (bidDepth - DepthMean) * b + sdv * Normal();
                askDepth = DepthMean + (askDepth - DepthMean) * b + sdv * Normal();
                now = t;
            }
            var mid = S0 + w + perm + trans;
            var ns = day0 + (long)Math.Round(t * 1e9);
            if (trade >= 0)
            {
                sign = rng.NextDouble() < SignPersistence ? sign : -sign;
                var size = Math.Round(MinSize + (MaxSize - MinSize) * rng.NextDouble());
                tt.Add(ns); tp.Add(Math.Round(mid + sign * Spread / 2, 6)); ts.Add(size); sd.Add((sbyte)sign);
                total += size;
                perm += sign * size * Permanent;
                trans += sign * size * Transient;
                mid = S0 + w + perm + trans;
            }
            bt.Add(ns);
            ap.Add(mid + Spread / 2); az.Add(Math.Max(1, askDepth));
            bp.Add(mid - Spread / 2); bz.Add(Math.Max(1, bidDepth));
        }
        var book = new BookSeries(1, bt.ToArray(), ap.ToArray(), az.ToArray(), bp.ToArray(), bz.ToArray());
        var trades = new TradeSeries(tt.ToArray(), tp.ToArray(), ts.ToArray(), sd.ToArray());
        return (new MarketDataset("csv", "SYN", book, trades, [], new string('0', 64), ["synthetic"]), total);
    }
}
