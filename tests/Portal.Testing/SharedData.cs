namespace Portal.Testing;

/// <summary>
/// The real market-data samples in <c>shared/data</c> beside the repository (or <c>EXECUTIONLAB_DATA</c>). Never copied
/// into the repository; a test that needs them fails, naming what is missing, when they are absent.
/// </summary>
public static class SharedData
{
    public const string Variable = "EXECUTIONLAB_DATA";

    public const string AmznMessage1 = "AMZN_2012-06-21_34200000_57600000_message_1.csv";
    public const string AmznOrderbook1 = "AMZN_2012-06-21_34200000_57600000_orderbook_1.csv";
    public const string AmznMessage5 = "AMZN_2012-06-21_34200000_57600000_message_5.csv";
    public const string AmznOrderbook5 = "AMZN_2012-06-21_34200000_57600000_orderbook_5.csv.gz";
    public const string BinanceBookTicker = "binance_spot_btcusdt_20240808_bookticker.csv";
    public const string BinanceDepth = "binance_spot_btcusdt_20240808_depth20.csv";
    public const string BinanceTrades = "binance_spot_btcusdt_20240808_trades.csv";

    public static string Folder { get; } = Find();

    public static string File(string name)
    {
        var path = System.IO.Path.Combine(Folder, name);
        return System.IO.File.Exists(path)
            ? path
            : throw new FileNotFoundException($"Shared market data file {name} is missing from {Folder}.", path);
    }

    private static string Find()
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Directory.Exists(configured)
                ? configured
                : throw new DirectoryNotFoundException($"{Variable}={configured} does not exist.");
        }
        for (var dir = new DirectoryInfo(RepositoryPaths.Root); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException(
            $"The shared market data (shared/data beside the repository, or {Variable}) was not found above {RepositoryPaths.Root}.");
    }
}
