using System.Diagnostics;

namespace Portal.Domain.MarketData;

/// <summary>Figures measured by <see cref="MarketDataBenchmark.Run"/>.</summary>
/// <param name="LobsterRows">Message/orderbook row pairs parsed and validated per repetition.</param>
/// <param name="LobsterRowsPerSecond">Best of the repetitions: row pairs parsed and validated per second (gzip orderbook included).</param>
/// <param name="LobsterMegabytesPerSecond">Decompressed input megabytes (10^6 B) per second for the same run.</param>
/// <param name="BinaryWriteMilliseconds">Time to write the binary form of the level-5 dataset.</param>
/// <param name="BinaryReadMilliseconds">Time to read it back.</param>
/// <param name="BinaryBytes">Size of the binary form.</param>
/// <param name="ReplayBookUpdates">Book updates walked by the replay benchmark (0 when not run).</param>
/// <param name="ReplayBookUpdatesPerSecond">Book updates per second in replay (0 when not run).</param>
/// <param name="LobsterRowsPerCpuSecond">Row pairs per second of process CPU time (robust when other processes share the cores).</param>
/// <param name="ReplayBookUpdatesPerCpuSecond">Replay book updates per second of process CPU time.</param>
public sealed record MarketDataBenchmarkResult(int LobsterRows, double LobsterRowsPerSecond, double LobsterMegabytesPerSecond,
    double BinaryWriteMilliseconds, double BinaryReadMilliseconds, long BinaryBytes, long ReplayBookUpdates, double ReplayBookUpdatesPerSecond,
    double LobsterRowsPerCpuSecond, double ReplayBookUpdatesPerCpuSecond);

/// <summary>Fixed-workload benchmark of market-data parsing and the binary form on the AMZN level-5 LOBSTER sample.</summary>
public static class MarketDataBenchmark
{
    /// <summary>The LOBSTER pair used, relative to the data directory.</summary>
    public const string MessageFile = "AMZN_2012-06-21_34200000_57600000_message_5.csv";
    /// <summary>The gzip orderbook used.</summary>
    public const string OrderbookFile = "AMZN_2012-06-21_34200000_57600000_orderbook_5.csv.gz";

    /// <summary>
    /// Parses and validates the AMZN level-5 pair <paramref name="repetitions"/> times from memory (the files are read once,
    /// so disk speed does not count) and reports the best repetition, then times the binary form.
    /// </summary>
    public static MarketDataBenchmarkResult Run(string dataDirectory, int repetitions = 5)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        var msg = File.ReadAllBytes(Path.Combine(dataDirectory, MessageFile));
        var book = File.ReadAllBytes(Path.Combine(dataDirectory, OrderbookFile));
        MarketDataset? ds = null;
        var best = double.MaxValue;
        var bestCpu = double.MaxValue;
        for (var i = 0; i < repetitions; i++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            using var m = new MarketDataSource(MessageFile, new MemoryStream(msg, writable: false));
            using var b = new MarketDataSource(OrderbookFile, new MemoryStream(book, writable: false));
            ds = LobsterParser.Parse(m, b);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
            bestCpu = Math.Min(bestCpu, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        }
        long decompressed = msg.Length;
        using (var gz = new System.IO.Compression.GZipStream(new MemoryStream(book), System.IO.Compression.CompressionMode.Decompress))
        {
            var buf = new byte[1 << 16];
            int n;
            while ((n = gz.Read(buf)) > 0) decompressed += n;
        }
        var w = Stopwatch.StartNew();
        var blob = DatasetWriter.ToBytes(ds!);
        var writeMs = w.Elapsed.TotalMilliseconds;
        var r = Stopwatch.StartNew();
        DatasetReader.FromBytes(blob);
        var readMs = r.Elapsed.TotalMilliseconds;
        var (updates, replaySeconds, replayCpu) = ReplayBenchmark(ds!, repetitions);
        return new MarketDataBenchmarkResult(ds!.Book.Count, ds.Book.Count / best, decompressed / best / 1e6, writeMs, readMs, blob.Length,
            updates, updates / replaySeconds, ds.Book.Count / Math.Max(bestCpu, 1e-3), updates / Math.Max(replayCpu, 1e-3));
    }

    /// <summary>
    /// Replays 200 one-hour sell orders (1 % of ADV, 60 steps) spread over the day with six baselines; a book update is one
    /// recorded snapshot the replay advances through (its mid, spread and depth feed the observations). Best repetition.
    /// </summary>
    private static (long Updates, double Seconds, double CpuSeconds) ReplayBenchmark(MarketDataset ds, int repetitions)
    {
        var scenario = new Scenarios.Scenario
        {
            Name = "replay-benchmark",
            Order = new Scenarios.OrderSpec { Side = Scenarios.Side.Sell, SizePctAdv = 1, HorizonMinutes = 60, Steps = 60 },
            Market = new Scenarios.MarketSpec(),
            Episodes = 200,
            Strategies = ["twap", "vwap", "pov", "ac", "immediate", "random"],
        };
        long updates = 0;
        var best = double.MaxValue;
        var bestCpu = double.MaxValue;
        for (var i = 0; i < repetitions; i++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            Replay.ReplayRunner.Run(scenario, ds, null, new Backtesting.BacktestOptions { KeepEpisodes = false }, out updates);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
            bestCpu = Math.Min(bestCpu, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
        }
        return (updates, best, bestCpu);
    }
}
