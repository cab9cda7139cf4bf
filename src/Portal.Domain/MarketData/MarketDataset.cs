using System.Globalization;

namespace Portal.Domain.MarketData;

/// <summary>
/// A validated market-data dataset held column-wise in memory: level-2 book snapshots, trade prints and trading halts.
/// Times are nanoseconds since 1970-01-01 on the exchange's clock (LOBSTER: exchange local wall-clock time; Binance: UTC).
/// </summary>
public sealed class MarketDataset
{
    /// <summary>Creates a dataset; the parsers and <see cref="DatasetReader"/> are the usual producers.</summary>
    public MarketDataset(string format, string instrument, BookSeries book, TradeSeries trades,
        IReadOnlyList<TradingHalt> halts, string contentHash, IReadOnlyList<string> sourceFiles)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(format);
        ArgumentException.ThrowIfNullOrWhiteSpace(instrument);
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(trades);
        ArgumentNullException.ThrowIfNull(halts);
        ArgumentNullException.ThrowIfNull(contentHash);
        ArgumentNullException.ThrowIfNull(sourceFiles);
        if (book.Count == 0 && trades.Count == 0)
            throw new ArgumentException("A dataset needs at least one book snapshot or trade.", nameof(book));
        Format = format;
        Instrument = instrument;
        Book = book;
        Trades = trades;
        Halts = halts;
        ContentHash = contentHash;
        SourceFiles = sourceFiles;
    }

    /// <summary><c>lobster</c> or <c>csv</c>.</summary>
    public string Format { get; }
    /// <summary>Instrument symbol, e.g. <c>AMZN</c>.</summary>
    public string Instrument { get; }
    /// <summary>Book snapshots in time order.</summary>
    public BookSeries Book { get; }
    /// <summary>Trade prints in time order.</summary>
    public TradeSeries Trades { get; }
    /// <summary>Trading-halt markers (LOBSTER event type 7).</summary>
    public IReadOnlyList<TradingHalt> Halts { get; }
    /// <summary>Lower-case hex SHA-256 of the canonical input (see docs/data-formats.md).</summary>
    public string ContentHash { get; }
    /// <summary>Source file names in canonical order.</summary>
    public IReadOnlyList<string> SourceFiles { get; }

    /// <summary>The summary stored next to the binary form.</summary>
    public DatasetSummary Summary
    {
        get
        {
            long start = long.MaxValue, end = long.MinValue;
            if (Book.Count > 0) { start = Book.Times[0]; end = Book.Times[^1]; }
            if (Trades.Count > 0) { start = Math.Min(start, Trades.Times[0]); end = Math.Max(end, Trades.Times[^1]); }
            return new DatasetSummary(Format, Instrument, DateOnly.FromDateTime(TimeUtil.ToDateTime(start)),
                start, end, TimeUtil.ToDateTime(start), TimeUtil.ToDateTime(end),
                Book.Count, Trades.Count, Book.Levels, Halts.Count, ContentHash, SourceFiles);
        }
    }
}

/// <summary>What a stored dataset holds, readable without decoding its columns.</summary>
/// <param name="Format"><c>lobster</c> or <c>csv</c>.</param>
/// <param name="Instrument">Instrument symbol.</param>
/// <param name="Date">Date of the first record.</param>
/// <param name="StartTimeNs">First timestamp, ns since 1970-01-01.</param>
/// <param name="EndTimeNs">Last timestamp, ns since 1970-01-01.</param>
/// <param name="Start">First timestamp as a <see cref="DateTime"/> (kind unspecified: exchange clock).</param>
/// <param name="End">Last timestamp as a <see cref="DateTime"/>.</param>
/// <param name="BookRows">Number of book snapshots.</param>
/// <param name="TradeRows">Number of trade prints.</param>
/// <param name="Levels">Book levels per side.</param>
/// <param name="Halts">Number of halt markers.</param>
/// <param name="ContentHash">Hex SHA-256 of the canonical input; equal hashes mean an identical upload.</param>
/// <param name="SourceFiles">Uploaded file names.</param>
public sealed record DatasetSummary(string Format, string Instrument, DateOnly Date, long StartTimeNs, long EndTimeNs,
    DateTime Start, DateTime End, int BookRows, int TradeRows, int Levels, int Halts, string ContentHash,
    IReadOnlyList<string> SourceFiles);

/// <summary>LOBSTER halt marker kinds (message price −1, 0, 1).</summary>
public enum HaltKind
{
    /// <summary>Trading halted (price −1).</summary>
    Halt = -1,
    /// <summary>Quoting resumed (price 0).</summary>
    Quoting = 0,
    /// <summary>Trading resumed (price 1).</summary>
    Resume = 1,
}

/// <summary>A trading-halt marker.</summary>
/// <param name="TimeNs">Time, ns since 1970-01-01.</param>
/// <param name="Kind">Halt, quoting or resume.</param>
public sealed record TradingHalt(long TimeNs, HaltKind Kind);

/// <summary>
/// Book snapshots, row-major per level: index <c>row * Levels + level</c> (level 0 = best).
/// An empty level has price <see cref="double.NaN"/> and size 0.
/// </summary>
public sealed class BookSeries
{
    internal readonly long[] TimesArray;
    internal readonly double[] AskPx, AskSz, BidPx, BidSz;

    /// <summary>Creates a series; arrays are taken over, not copied.</summary>
    public BookSeries(int levels, long[] times, double[] askPrices, double[] askSizes, double[] bidPrices, double[] bidSizes)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(askPrices);
        ArgumentNullException.ThrowIfNull(askSizes);
        ArgumentNullException.ThrowIfNull(bidPrices);
        ArgumentNullException.ThrowIfNull(bidSizes);
        if (levels < 0 || levels > MaxLevels)
            throw new ArgumentOutOfRangeException(nameof(levels), levels, $"Levels must be in 0..{MaxLevels}.");
        if (levels == 0 && times.Length > 0)
            throw new ArgumentOutOfRangeException(nameof(levels), levels, "Snapshots need at least one level.");
        var cells = (long)times.Length * levels;
        if (askPrices.Length != cells || askSizes.Length != cells || bidPrices.Length != cells || bidSizes.Length != cells)
            throw new ArgumentException($"Each price/size array must hold rows × levels = {cells} values.", nameof(askPrices));
        Levels = levels;
        TimesArray = times;
        AskPx = askPrices; AskSz = askSizes; BidPx = bidPrices; BidSz = bidSizes;
    }

    /// <summary>Largest supported number of levels per side.</summary>
    public const int MaxLevels = 1000;

    /// <summary>An empty series.</summary>
    public static BookSeries Empty { get; } = new(0, [], [], [], [], []);

    /// <summary>Levels per side.</summary>
    public int Levels { get; }
    /// <summary>Number of snapshots.</summary>
    public int Count => TimesArray.Length;
    /// <summary>Snapshot times, ns since 1970-01-01, non-decreasing.</summary>
    public ReadOnlySpan<long> Times => TimesArray;
    /// <summary>Ask prices, row-major.</summary>
    public ReadOnlySpan<double> AskPrices => AskPx;
    /// <summary>Ask sizes, row-major.</summary>
    public ReadOnlySpan<double> AskSizes => AskSz;
    /// <summary>Bid prices, row-major.</summary>
    public ReadOnlySpan<double> BidPrices => BidPx;
    /// <summary>Bid sizes, row-major.</summary>
    public ReadOnlySpan<double> BidSizes => BidSz;

    /// <summary>Best ask of snapshot <paramref name="row"/> (NaN if that side is empty).</summary>
    public double BestAsk(int row) => AskPx[row * Levels];
    /// <summary>Best bid of snapshot <paramref name="row"/> (NaN if that side is empty).</summary>
    public double BestBid(int row) => BidPx[row * Levels];
    /// <summary>Mid price (NaN if a side is empty).</summary>
    public double Mid(int row) => 0.5 * (AskPx[row * Levels] + BidPx[row * Levels]);
    /// <summary>Best ask − best bid.</summary>
    public double Spread(int row) => AskPx[row * Levels] - BidPx[row * Levels];
}

/// <summary>Trade prints. Side is the aggressor: +1 buyer-initiated, −1 seller-initiated, 0 unknown.</summary>
public sealed class TradeSeries
{
    internal readonly long[] TimesArray;
    internal readonly double[] Px, Sz;
    internal readonly sbyte[] Sd;

    /// <summary>Creates a series; arrays are taken over, not copied.</summary>
    public TradeSeries(long[] times, double[] prices, double[] sizes, sbyte[] sides)
    {
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(sides);
        if (prices.Length != times.Length || sizes.Length != times.Length || sides.Length != times.Length)
            throw new ArgumentException($"Prices, sizes and sides must each hold {times.Length} values.", nameof(prices));
        TimesArray = times; Px = prices; Sz = sizes; Sd = sides;
    }

    /// <summary>An empty series.</summary>
    public static TradeSeries Empty { get; } = new([], [], [], []);

    /// <summary>Number of trades.</summary>
    public int Count => TimesArray.Length;
    /// <summary>Trade times, ns since 1970-01-01, non-decreasing.</summary>
    public ReadOnlySpan<long> Times => TimesArray;
    /// <summary>Trade prices.</summary>
    public ReadOnlySpan<double> Prices => Px;
    /// <summary>Trade sizes (shares or base-currency units), positive.</summary>
    public ReadOnlySpan<double> Sizes => Sz;
    /// <summary>Aggressor sides: +1 buy, −1 sell, 0 unknown.</summary>
    public ReadOnlySpan<sbyte> Sides => Sd;
}

/// <summary>How strict validation is.</summary>
public sealed record ValidationOptions
{
    /// <summary>Stop after this many errors (1..100000). Default 100.</summary>
    public int MaxErrors { get; init; } = 100;

    /// <summary>
    /// A price whose relative distance from the file's median mid (or median trade price) exceeds this is rejected as
    /// "far outside the rest of the file". Default 0.5 (50 %), range (0, 100].
    /// </summary>
    public double MaxRelativePriceDeviation { get; init; } = 0.5;

    /// <summary>
    /// Largest decompressed size of one file in bytes (protects against gzip bombs). Default 8 GiB; range [1, 2^50].
    /// The upload size limit (default 1 GB) applies to the compressed upload and is enforced by the caller.
    /// </summary>
    public long MaxDecompressedBytes { get; init; } = 8L << 30;

    /// <summary>
    /// Longest line of a (decompressed) file in bytes. Default 1 MiB; range [256, 2^30]. Checked while the bytes stream
    /// in, before any parsing, so one endless line cannot make a parser buffer it.
    /// </summary>
    public int MaxLineBytes { get; init; } = 1 << 20;

    /// <summary>What to do with crossed (ask &lt; bid) or locked (ask = bid) snapshots. Default: reject.</summary>
    public CrossedBookPolicy CrossedBooks { get; init; } = CrossedBookPolicy.Reject;

    internal void Check()
    {
        if (MaxErrors is < 1 or > 100_000)
            throw new ArgumentOutOfRangeException(nameof(MaxErrors), MaxErrors, "MaxErrors must be in 1..100000.");
        if (!(MaxRelativePriceDeviation > 0 && MaxRelativePriceDeviation <= 100))
            throw new ArgumentOutOfRangeException(nameof(MaxRelativePriceDeviation), MaxRelativePriceDeviation, "Must be in (0, 100].");
        if (MaxDecompressedBytes is < 1 or > 1L << 50)
            throw new ArgumentOutOfRangeException(nameof(MaxDecompressedBytes), MaxDecompressedBytes, "Must be in [1, 2^50].");
        if (MaxLineBytes is < 256 or > 1 << 30)
            throw new ArgumentOutOfRangeException(nameof(MaxLineBytes), MaxLineBytes, "Must be in [256, 2^30].");
        if (!Enum.IsDefined(CrossedBooks))
            throw new ArgumentOutOfRangeException(nameof(CrossedBooks), CrossedBooks, "Unknown policy.");
    }
}

/// <summary>Handling of crossed or locked snapshots.</summary>
public enum CrossedBookPolicy
{
    /// <summary>Each crossed or locked snapshot is an error.</summary>
    Reject,
    /// <summary>Crossed or locked snapshots are dropped (their trades are kept).</summary>
    Drop,
}

internal static class TimeUtil
{
    public const long NsPerSecond = 1_000_000_000L;
    public static DateTime ToDateTime(long ns) =>
        DateTime.UnixEpoch.AddTicks(ns / 100) is var d ? DateTime.SpecifyKind(d, DateTimeKind.Unspecified) : default;
    public static long FromDate(DateOnly date) =>
        (date.ToDateTime(TimeOnly.MinValue) - DateTime.UnixEpoch.Date).Ticks * 100;
    public static string Format(long ns) => ToDateTime(ns).ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture);
}
