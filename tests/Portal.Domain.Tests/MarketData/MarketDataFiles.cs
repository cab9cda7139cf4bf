namespace Portal.Domain.Tests.MarketData;

/// <summary>Locates shared/data: env EXECUTIONLAB_DATA, else the first ancestor of the test directory holding shared/data. Fails loudly if missing.</summary>
internal static class MarketDataFiles
{
    public const string AmznMessage1 = "AMZN_2012-06-21_34200000_57600000_message_1.csv";
    public const string AmznBook1 = "AMZN_2012-06-21_34200000_57600000_orderbook_1.csv";
    public const string AmznMessage5 = "AMZN_2012-06-21_34200000_57600000_message_5.csv";
    public const string AmznBook5 = "AMZN_2012-06-21_34200000_57600000_orderbook_5.csv.gz";
    public const string BinanceDepth = "binance_spot_btcusdt_20240808_depth20.csv";
    public const string BinanceTrades = "binance_spot_btcusdt_20240808_trades.csv";
    public const string BinanceBookTicker = "binance_spot_btcusdt_20240808_bookticker.csv";

    private static readonly Lazy<string> Dir = new(Locate);

    public static string Path(string name)
    {
        var p = System.IO.Path.Combine(Dir.Value, name);
        if (!File.Exists(p)) throw new FileNotFoundException($"Market-data sample '{name}' is missing from {Dir.Value}.", p);
        return p;
    }

    public static string DataDirectory => Dir.Value;

    private static string Locate()
    {
        var env = Environment.GetEnvironmentVariable("EXECUTIONLAB_DATA");
        if (!string.IsNullOrEmpty(env))
            return Directory.Exists(env) ? env : throw new DirectoryNotFoundException($"EXECUTIONLAB_DATA={env} does not exist.");
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = System.IO.Path.Combine(d.FullName, "shared", "data");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException(
            $"Real market data not found: no 'shared/data' above {AppContext.BaseDirectory} and EXECUTIONLAB_DATA is not set. These tests need the real samples.");
    }
}
