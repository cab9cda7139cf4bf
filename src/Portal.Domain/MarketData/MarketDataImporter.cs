using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace Portal.Domain.MarketData;

/// <summary>Role of a CSV file, recognised from its header.</summary>
public enum CsvFileKind
{
    /// <summary>Not recognised.</summary>
    Unknown,
    /// <summary>Generic snapshot CSV (<c>timestamp, ask_price_1, ...</c>).</summary>
    GenericSnapshots,
    /// <summary>Generic trades CSV (<c>timestamp, price, size[, side]</c>).</summary>
    GenericTrades,
    /// <summary>Binance depth snapshots (<c>event_time_ms, ..., ask_qty_1, ...</c>).</summary>
    BinanceDepth,
    /// <summary>Binance trades (<c>trade_time_ms, price, qty, ..., aggressor_side</c>).</summary>
    BinanceTrades,
    /// <summary>Binance book ticker (<c>local_ts_ns, update_id, bid_price, bid_qty, ask_price, ask_qty</c>).</summary>
    BinanceBookTicker,
}

/// <summary>
/// One call per command-line import: <c>import --format lobster|csv FILES...</c>. Picks roles and column mappings from
/// file names (LOBSTER) or CSV headers, then runs the matching parser.
/// </summary>
public static partial class MarketDataImporter
{
    /// <summary>Imports files from disk. <paramref name="format"/> is <c>lobster</c> or <c>csv</c>.</summary>
    /// <param name="format"><c>lobster</c> (a message and an orderbook file) or <c>csv</c> (a snapshot file, a trade file, or one of each).</param>
    /// <param name="paths">The files; order does not matter.</param>
    /// <param name="instrument">Instrument symbol; optional when the file names carry it (LOBSTER <c>AMZN_...</c>, Binance <c>binance_spot_btcusdt_...</c>).</param>
    /// <param name="validation">Validation settings; default when null.</param>
    public static MarketDataset ImportFiles(string format, IReadOnlyList<string> paths, string? instrument = null, ValidationOptions? validation = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        validation ??= new ValidationOptions();
        switch (format?.ToLowerInvariant())
        {
            case "lobster":
            {
                if (paths.Count != 2) throw new ArgumentException($"LOBSTER import needs exactly 2 files (message and orderbook), got {paths.Count}.", nameof(paths));
                var message = paths.FirstOrDefault(p => Path.GetFileName(p).Contains("_message_", StringComparison.OrdinalIgnoreCase)) ?? paths[0];
                var book = paths.First(p => !ReferenceEquals(p, message));
                return LobsterParser.ParseFiles(message, book, new LobsterOptions { Instrument = instrument, Validation = validation });
            }
            case "csv":
            {
                if (paths.Count is < 1 or > 2) throw new ArgumentException($"CSV import needs 1 or 2 files (snapshots and/or trades), got {paths.Count}.", nameof(paths));
                string? snaps = null, trades = null;
                SnapshotCsvMapping snapMap = SnapshotCsvMapping.Generic;
                TradeCsvMapping tradeMap = TradeCsvMapping.Generic;
                foreach (var p in paths)
                {
                    var kind = DetectCsvKind(p, validation.MaxLineBytes);
                    switch (kind)
                    {
                        case CsvFileKind.GenericSnapshots or CsvFileKind.BinanceDepth or CsvFileKind.BinanceBookTicker when snaps is null:
                            snaps = p;
                            snapMap = kind switch
                            {
                                CsvFileKind.BinanceDepth => SnapshotCsvMapping.BinanceDepth,
                                CsvFileKind.BinanceBookTicker => SnapshotCsvMapping.BinanceBookTicker,
                                _ => SnapshotCsvMapping.Generic,
                            };
                            break;
                        case CsvFileKind.GenericTrades or CsvFileKind.BinanceTrades when trades is null:
                            trades = p;
                            tradeMap = kind == CsvFileKind.BinanceTrades ? TradeCsvMapping.BinanceTrades : TradeCsvMapping.Generic;
                            break;
                        default:
                            throw new MarketDataValidationException([new DataError(Path.GetFileName(p), 1, "", "",
                                kind == CsvFileKind.Unknown
                                    ? "header not recognised as a snapshot file (timestamp, ask_price_1, ask_size_1, bid_price_1, bid_size_1, ...) or a trade file (timestamp, price, size[, side])"
                                    : "two files of the same kind; give one snapshot file and/or one trade file")], false);
                    }
                }
                instrument ??= GuessInstrument(paths[0]);
                if (instrument is null)
                    throw new ArgumentException("CSV import needs an instrument symbol (it cannot be read from the file name).", nameof(instrument));
                return CsvMarketDataParser.ParseFiles(snaps, trades, new CsvImportOptions
                {
                    Instrument = instrument, Snapshots = snapMap, Trades = tradeMap, Validation = validation,
                });
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Format must be 'lobster' or 'csv'.");
        }
    }

    /// <summary>
    /// <c>lobster</c> when the files are a LOBSTER pair (names containing <c>_message_</c> and <c>_orderbook_</c>), otherwise <c>csv</c>;
    /// for <c>calibrate FILES...</c> without <c>--format</c>.
    /// </summary>
    public static string DetectFormat(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var names = paths.Select(Path.GetFileName).ToArray();
        return names.Length == 2 && names.Any(n => n!.Contains("_message_", StringComparison.OrdinalIgnoreCase))
                                 && names.Any(n => n!.Contains("_orderbook_", StringComparison.OrdinalIgnoreCase))
            ? "lobster" : "csv";
    }

    /// <summary>Recognises a CSV file's kind from its header (first line, gzip allowed).</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxLineBytes">Longest header line read; a longer first line is an error, never buffered.</param>
    /// <exception cref="MarketDataValidationException">The compressed data is corrupt or the first line is too long.</exception>
    public static CsvFileKind DetectCsvKind(string path, int maxLineBytes = 1 << 20)
    {
        var name = Path.GetFileName(path);
        using var fs = File.OpenRead(path);
        Stream s = fs;
        var magic = new byte[2];
        var n = fs.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        fs.Position = 0;
        if (n == 2 && magic[0] == 0x1F && magic[1] == 0x8B) s = new GZipStream(fs, CompressionMode.Decompress);
        using (s)
        {
            var buffer = new byte[Math.Min(maxLineBytes, 1 << 20) + 1];
            var filled = 0;
            try
            {
                while (filled < buffer.Length)
                {
                    var read = s.Read(buffer, filled, buffer.Length - filled);
                    if (read == 0) break;
                    var nl = buffer.AsSpan(filled, read).IndexOf((byte)'\n');
                    filled += read;
                    if (nl >= 0) { filled = filled - read + nl; break; }
                }
            }
            catch (InvalidDataException ex)
            {
                throw new MarketDataValidationException([new DataError(name, 1, "", "", $"compressed data is corrupt or truncated ({ex.Message})")], false);
            }
            if (filled >= buffer.Length)
                throw new MarketDataValidationException([new DataError(name, 1, "", "", $"line 1 of {name} is longer than the limit of {buffer.Length - 1:N0} bytes") { Limit = nameof(ValidationOptions.MaxLineBytes) }], false);
            var header = Encoding.UTF8.GetString(buffer, 0, filled).TrimStart('\uFEFF').TrimEnd('\r');
            return DetectCsvHeader(header);
        }
    }

    /// <summary>Recognises a CSV file's kind from its header line.</summary>
    public static CsvFileKind DetectCsvHeader(string headerLine)
    {
        ArgumentNullException.ThrowIfNull(headerLine);
        var cols = headerLine.Split(',').Select(c => c.Trim().Trim('"').ToLowerInvariant()).ToHashSet();
        if (cols.Contains("event_time_ms") && cols.Contains("ask_qty_1")) return CsvFileKind.BinanceDepth;
        if (cols.Contains("trade_time_ms") && cols.Contains("qty")) return CsvFileKind.BinanceTrades;
        if (cols.Contains("local_ts_ns") && cols.Contains("bid_qty") && cols.Contains("ask_qty")) return CsvFileKind.BinanceBookTicker;
        if (cols.Contains("timestamp") && (cols.Contains("ask_price_1") || cols.Contains("bid_price_1"))) return CsvFileKind.GenericSnapshots;
        if (cols.Contains("timestamp") && cols.Contains("price") && cols.Contains("size")) return CsvFileKind.GenericTrades;
        return CsvFileKind.Unknown;
    }

    private static string? GuessInstrument(string path)
    {
        var m = BinanceName().Match(Path.GetFileName(path));
        return m.Success ? m.Groups[1].Value.ToUpperInvariant() : null;
    }

    [GeneratedRegex(@"^binance_(?:spot|futures|usdm|coinm)_([a-z0-9]+)_", RegexOptions.IgnoreCase)]
    private static partial Regex BinanceName();
}
