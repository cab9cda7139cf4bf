namespace Portal.Domain.MarketData;

/// <summary>How the timestamp column is written.</summary>
public enum TimestampFormat
{
    /// <summary>ISO 8601 date-time, e.g. <c>2024-08-08T23:54:15.343Z</c>; without an offset it is taken as UTC.</summary>
    Iso8601,
    /// <summary>Seconds since 1970-01-01 UTC, decimals allowed.</summary>
    UnixSeconds,
    /// <summary>Milliseconds since 1970-01-01 UTC, decimals allowed (Binance <c>event_time_ms</c>, <c>trade_time_ms</c>).</summary>
    UnixMilliseconds,
    /// <summary>Microseconds since 1970-01-01 UTC.</summary>
    UnixMicroseconds,
    /// <summary>Nanoseconds since 1970-01-01 UTC (integer).</summary>
    UnixNanoseconds,
}

/// <summary>
/// Column mapping of a snapshot CSV (header row required; extra columns are ignored). Level column names are templates
/// where <c>{level}</c> stands for 1, 2, ...; a name without <c>{level}</c> is allowed when <see cref="Levels"/> is 1.
/// An empty level has empty price and size fields.
/// </summary>
public sealed record SnapshotCsvMapping
{
    /// <summary>Timestamp column. Default <c>timestamp</c>.</summary>
    public string TimestampColumn { get; init; } = "timestamp";
    /// <summary>Timestamp encoding. Default ISO 8601.</summary>
    public TimestampFormat TimestampFormat { get; init; } = TimestampFormat.Iso8601;
    /// <summary>Ask price template. Default <c>ask_price_{level}</c>.</summary>
    public string AskPriceColumn { get; init; } = "ask_price_{level}";
    /// <summary>Ask size template. Default <c>ask_size_{level}</c>.</summary>
    public string AskSizeColumn { get; init; } = "ask_size_{level}";
    /// <summary>Bid price template. Default <c>bid_price_{level}</c>.</summary>
    public string BidPriceColumn { get; init; } = "bid_price_{level}";
    /// <summary>Bid size template. Default <c>bid_size_{level}</c>.</summary>
    public string BidSizeColumn { get; init; } = "bid_size_{level}";
    /// <summary>Number of levels to read; null = every level 1, 2, ... whose four columns are all in the header.</summary>
    public int? Levels { get; init; }
    /// <summary>Skip rows whose timestamp is empty instead of rejecting them. Default false.</summary>
    public bool SkipRowsWithoutTimestamp { get; init; }

    /// <summary>The documented generic format (docs/data-formats.md).</summary>
    public static SnapshotCsvMapping Generic { get; } = new();

    /// <summary>
    /// Binance depth snapshots as in shared/data/binance_spot_btcusdt_*_depth20.csv: exchange time <c>event_time_ms</c>,
    /// <c>ask_price_i, ask_qty_i, bid_price_i, bid_qty_i</c>. The REST snapshot row has no event time and is skipped.
    /// </summary>
    public static SnapshotCsvMapping BinanceDepth { get; } = new()
    {
        TimestampColumn = "event_time_ms",
        TimestampFormat = TimestampFormat.UnixMilliseconds,
        AskSizeColumn = "ask_qty_{level}",
        BidSizeColumn = "bid_qty_{level}",
        SkipRowsWithoutTimestamp = true,
    };

    /// <summary>
    /// Binance best bid/offer as in shared/data/binance_spot_btcusdt_*_bookticker.csv (one level). The only clock there is the
    /// collector's receive time <c>local_ts_ns</c>, about 1.27 s behind exchange time: do not mix it with exchange-time files.
    /// </summary>
    public static SnapshotCsvMapping BinanceBookTicker { get; } = new()
    {
        TimestampColumn = "local_ts_ns",
        TimestampFormat = TimestampFormat.UnixNanoseconds,
        AskPriceColumn = "ask_price",
        AskSizeColumn = "ask_qty",
        BidPriceColumn = "bid_price",
        BidSizeColumn = "bid_qty",
        Levels = 1,
    };

    internal void Check()
    {
        if (Levels is { } l && (l < 1 || l > BookSeries.MaxLevels))
            throw new ArgumentOutOfRangeException(nameof(Levels), l, $"Levels must be in 1..{BookSeries.MaxLevels} or null.");
        foreach (var (name, value) in new[] { (nameof(TimestampColumn), TimestampColumn), (nameof(AskPriceColumn), AskPriceColumn),
                     (nameof(AskSizeColumn), AskSizeColumn), (nameof(BidPriceColumn), BidPriceColumn), (nameof(BidSizeColumn), BidSizeColumn) })
            if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException($"{name} must name a column.", name);
        if (!Enum.IsDefined(TimestampFormat)) throw new ArgumentOutOfRangeException(nameof(TimestampFormat), TimestampFormat, "Unknown format.");
    }
}

/// <summary>Column mapping of a trades CSV (header row required; extra columns are ignored).</summary>
public sealed record TradeCsvMapping
{
    /// <summary>Timestamp column. Default <c>timestamp</c>.</summary>
    public string TimestampColumn { get; init; } = "timestamp";
    /// <summary>Timestamp encoding. Default ISO 8601.</summary>
    public TimestampFormat TimestampFormat { get; init; } = TimestampFormat.Iso8601;
    /// <summary>Price column. Default <c>price</c>.</summary>
    public string PriceColumn { get; init; } = "price";
    /// <summary>Size column. Default <c>size</c>.</summary>
    public string SizeColumn { get; init; } = "size";
    /// <summary>Optional aggressor-side column (<c>buy</c>/<c>sell</c>/<c>b</c>/<c>s</c>/<c>1</c>/<c>-1</c>/empty). Default <c>side</c>; if absent from the header every side is unknown.</summary>
    public string? SideColumn { get; init; } = "side";

    /// <summary>The documented generic format.</summary>
    public static TradeCsvMapping Generic { get; } = new();

    /// <summary>Binance trades as in shared/data/binance_spot_btcusdt_*_trades.csv: <c>trade_time_ms, price, qty, aggressor_side</c>.</summary>
    public static TradeCsvMapping BinanceTrades { get; } = new()
    {
        TimestampColumn = "trade_time_ms",
        TimestampFormat = TimestampFormat.UnixMilliseconds,
        SizeColumn = "qty",
        SideColumn = "aggressor_side",
    };

    internal void Check()
    {
        foreach (var (name, value) in new[] { (nameof(TimestampColumn), TimestampColumn), (nameof(PriceColumn), PriceColumn), (nameof(SizeColumn), SizeColumn) })
            if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException($"{name} must name a column.", name);
        if (!Enum.IsDefined(TimestampFormat)) throw new ArgumentOutOfRangeException(nameof(TimestampFormat), TimestampFormat, "Unknown format.");
    }
}

/// <summary>Options for <see cref="CsvMarketDataParser"/>.</summary>
public sealed record CsvImportOptions
{
    /// <summary>Instrument symbol (letters, digits, <c>. _ -</c>; at most 32 characters).</summary>
    public required string Instrument { get; init; }
    /// <summary>Snapshot column mapping.</summary>
    public SnapshotCsvMapping Snapshots { get; init; } = SnapshotCsvMapping.Generic;
    /// <summary>Trade column mapping.</summary>
    public TradeCsvMapping Trades { get; init; } = TradeCsvMapping.Generic;
    /// <summary>Validation settings.</summary>
    public ValidationOptions Validation { get; init; } = new();

    /// <summary>Mappings for the Binance depth20 + trades files in shared/data.</summary>
    public static CsvImportOptions Binance(string instrument) => new()
    {
        Instrument = instrument,
        Snapshots = SnapshotCsvMapping.BinanceDepth,
        Trades = TradeCsvMapping.BinanceTrades,
    };
}
