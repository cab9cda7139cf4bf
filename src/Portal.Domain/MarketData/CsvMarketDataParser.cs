using System.Globalization;
using System.Text;
using CsvHelper;

namespace Portal.Domain.MarketData;

/// <summary>
/// Streaming parser for the generic snapshot and trade CSV formats (docs/data-formats.md), with column mappings
/// for other layouts such as Binance depth/trade exports. Uses CsvHelper for RFC 4180 quoting.
/// </summary>
/// <remarks>
/// Format: RFC 4180 CSV with a header row; the level layout follows LOBSTER's per-level order
/// (LOBSTER sample-file readme, 2013). Times become nanoseconds since 1970-01-01 UTC.
/// </remarks>
public static class CsvMarketDataParser
{
    /// <summary>Parses snapshot and/or trade files from disk (either may be null, not both).</summary>
    public static MarketDataset ParseFiles(string? snapshotsPath, string? tradesPath, CsvImportOptions options)
    {
        using var s = snapshotsPath is null ? null : MarketDataSource.FromFile(snapshotsPath);
        using var t = tradesPath is null ? null : MarketDataSource.FromFile(tradesPath);
        return Parse(s, t, options);
    }

    /// <summary>Parses snapshot and/or trade sources. Throws <see cref="MarketDataValidationException"/> listing every problem.</summary>
    public static MarketDataset Parse(MarketDataSource? snapshots, MarketDataSource? trades, CsvImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (snapshots is null && trades is null)
            throw new ArgumentException("Give a snapshot file, a trade file or both.", nameof(snapshots));
        options.Validation.Check();
        options.Snapshots.Check();
        options.Trades.Check();
        var errors = new ErrorCollector(options.Validation.MaxErrors);
        if (!LobsterParser.SymbolPattern().IsMatch(options.Instrument ?? ""))
            errors.Add((snapshots ?? trades)!.FileName, 0, "", options.Instrument ?? "", "instrument symbol missing or invalid (letters, digits, . _ - only, at most 32)");

        using var hasher = new ContentHasher();
        BookBuilder? book = null;
        TradeBuilder? tradeRows = null;
        Func<int, string, string> bookColumn = (l, k) => k;
        var files = new List<string>();
        if (snapshots is not null)
        {
            var h = ContentHasher.BeginFile();
            files.Add(snapshots.FileName);
            (book, bookColumn) = ReadSnapshots(snapshots, h, options.Snapshots, options.Validation, errors);
            hasher.EndFile("csv-snapshots", h);
        }
        if (trades is not null && !errors.Full)
        {
            var h = ContentHasher.BeginFile();
            files.Add(trades.FileName);
            tradeRows = ReadTrades(trades, h, options.Trades, options.Validation, errors);
            hasher.EndFile("csv-trades", h);
        }
        if (!errors.Full)
            OutlierCheck.Run(book, snapshots?.FileName ?? "", bookColumn, tradeRows, trades?.FileName ?? "", options.Trades.PriceColumn,
                options.Validation.MaxRelativePriceDeviation, errors);
        errors.ThrowIfAny();
        return new MarketDataset("csv", options.Instrument!, book?.Build() ?? BookSeries.Empty, tradeRows?.Build() ?? TradeSeries.Empty,
            [], hasher.Finish(), files);
    }

    private static CsvReader OpenParser(Stream decompressed, ErrorCollector errors, string file)
    {
        var options = new CsvReaderOptions
        {
            HasHeader = true,
            Separator = ',',
            TrackLineNumbers = true,
            SkipEmptyLines = false,
            FieldCountMismatch = CsvFieldCountHandling.Allow,
            MalformedData = CsvMalformedDataHandling.Skip,
            MaxRecordSize = 1 << 20,
            Encoding = new UTF8Encoding(false),
            OnMalformedRecord = r => errors.Add(file, r.LineNumber, "", r.RawRecord ?? "", r.Reason switch
            {
                CsvMalformedReason.UnterminatedQuote => "unterminated quoted field (file truncated?)",
                CsvMalformedReason.FieldCountMismatch => "wrong number of columns",
                _ => $"malformed CSV quoting ({r.Reason})",
            }),
        };
        return CsvReader.Create(decompressed, options, leaveOpen: true);
    }

    private static string[] Header(CsvReader reader) => [.. reader.Headers];

    private static (BookBuilder?, Func<int, string, string>) ReadSnapshots(MarketDataSource src, System.Security.Cryptography.IncrementalHash hash,
        SnapshotCsvMapping map, ValidationOptions validation, ErrorCollector errors)
    {
        var file = src.FileName;
        using var stream = src.OpenDecompressed(hash, validation.MaxDecompressedBytes, validation.MaxLineBytes);
        using var parser = OpenParser(stream, errors, file);
        try
        {
            var hasRow = parser.Read();
            var header = Header(parser);
            if (header.Length == 0) { errors.Add(file, 0, "", "", "file is empty (a header row is required)"); return (null, (l, k) => k); }
            var index = HeaderIndex(header);
            var tsCol = Require(index, map.TimestampColumn, file, header, errors);
            int levels;
            if (map.Levels is { } fixedLevels) levels = fixedLevels;
            else
            {
                levels = 0;
                while (levels < BookSeries.MaxLevels && index.ContainsKey(Name(map.AskPriceColumn, levels)) && index.ContainsKey(Name(map.AskSizeColumn, levels))
                       && index.ContainsKey(Name(map.BidPriceColumn, levels)) && index.ContainsKey(Name(map.BidSizeColumn, levels)))
                    levels++;
                if (levels == 0)
                    errors.Add(file, 1, Name(map.AskPriceColumn, 0), "", $"no book levels found: the header needs {Name(map.AskPriceColumn, 0)}, {Name(map.AskSizeColumn, 0)}, {Name(map.BidPriceColumn, 0)}, {Name(map.BidSizeColumn, 0)}; header has: {DataError.Clip(string.Join(",", header))}");
            }
            Func<int, string, string> columnName = (l, kind) => kind switch
            {
                "ask_price" => Name(map.AskPriceColumn, l),
                "ask_size" => Name(map.AskSizeColumn, l),
                "bid_price" => Name(map.BidPriceColumn, l),
                _ => Name(map.BidSizeColumn, l),
            };
            var cols = new int[levels * 4];
            for (var l = 0; l < levels; l++)
            {
                cols[4 * l] = Require(index, Name(map.AskPriceColumn, l), file, header, errors);
                cols[4 * l + 1] = Require(index, Name(map.AskSizeColumn, l), file, header, errors);
                cols[4 * l + 2] = Require(index, Name(map.BidPriceColumn, l), file, header, errors);
                cols[4 * l + 3] = Require(index, Name(map.BidSizeColumn, l), file, header, errors);
            }
            if (errors.Count > 0) return (null, columnName);
            var book = new BookBuilder(levels);
            var width = header.Length;
            var rows = 0;
            for (; hasRow && !errors.Full; hasRow = parser.Read())
            {
                var line = parser.LineNumber;
                rows++;
                if (parser.FieldCount != width)
                {
                    errors.Add(file, line, "", "", $"expected {width} columns as in the header, found {parser.FieldCount}");
                    continue;
                }
                var tsText = parser.GetString(tsCol);
                if (tsText.Length == 0 && map.SkipRowsWithoutTimestamp) continue;
                if (!TryTime(tsText, map.TimestampFormat, out var time, out var why)) { errors.Add(file, line, map.TimestampColumn, tsText, why); continue; }
                if (time < book.LastTime) { errors.Add(file, line, map.TimestampColumn, tsText, "time goes backwards (earlier than the previous row)"); continue; }
                var r = book.Append(time, line);
                var ap = book.AskPx(r); var az = book.AskSz(r); var bp = book.BidPx(r); var bz = book.BidSz(r);
                var ok = true;
                for (var l = 0; l < levels && ok; l++)
                {
                    ok &= Level(parser, cols[4 * l], cols[4 * l + 1], l, "ask", map.AskPriceColumn, map.AskSizeColumn, out ap[l], out az[l]);
                    ok &= Level(parser, cols[4 * l + 2], cols[4 * l + 3], l, "bid", map.BidPriceColumn, map.BidSizeColumn, out bp[l], out bz[l]);
                }
                if (!ok || !book.CheckRow(r, file, line, columnName, errors, validation.CrossedBooks)) book.DropLast();
            }
            if (rows == 0) errors.Add(file, 0, "", "", "file has a header but no data rows");
            return (book, columnName);

            bool Level(CsvReader p, int pc, int sc, int l, string side, string pTemplate, string sTemplate, out double price, out double size)
            {
                var pt = p.GetSpan(pc); var szt = p.GetSpan(sc);
                price = double.NaN; size = 0;
                if (pt.Length == 0)
                {
                    if (szt.Length > 0 && !(NumberParser.ParseDouble(szt, out var z) == NumberStatus.Ok && z == 0))
                    { errors.Add(file, p.LineNumber, Name(sTemplate, l), szt, $"{side} level {l + 1} has a size but no price"); return false; }
                    return true;
                }
                var st = NumberParser.ParseDouble(pt, out price);
                if (st != NumberStatus.Ok) { errors.Add(file, p.LineNumber, Name(pTemplate, l), pt, NumberParser.Describe(st, "price")); return false; }
                st = NumberParser.ParseDouble(szt, out size);
                if (st != NumberStatus.Ok) { errors.Add(file, p.LineNumber, Name(sTemplate, l), szt, NumberParser.Describe(st, "size")); return false; }
                if (price > MaxPrice) { errors.Add(file, p.LineNumber, Name(pTemplate, l), pt, $"price is too large (above {MaxPrice:0e0})"); return false; }
                if (size > MaxSize) { errors.Add(file, p.LineNumber, Name(sTemplate, l), szt, $"size is too large (above {MaxSize:0e0})"); return false; }
                return true;
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or InputTooLargeException or CsvHelper.CsvFormatException)
        {
            if (ex is InputTooLargeException tooLarge) errors.AddLimit(file, parser.LineNumber + 1, ex.Message, tooLarge.Limit);
            else errors.Add(file, parser.LineNumber + 1, "", "", Describe(ex));
            return (null, (l, k) => k);
        }
    }

    private static TradeBuilder? ReadTrades(MarketDataSource src, System.Security.Cryptography.IncrementalHash hash, TradeCsvMapping map, ValidationOptions validation, ErrorCollector errors)
    {
        var file = src.FileName;
        using var stream = src.OpenDecompressed(hash, validation.MaxDecompressedBytes, validation.MaxLineBytes);
        using var parser = OpenParser(stream, errors, file);
        try
        {
            var hasRow = parser.Read();
            var header = Header(parser);
            if (header.Length == 0) { errors.Add(file, 0, "", "", "file is empty (a header row is required)"); return null; }
            var index = HeaderIndex(header);
            var tsCol = Require(index, map.TimestampColumn, file, header, errors);
            var pCol = Require(index, map.PriceColumn, file, header, errors);
            var sCol = Require(index, map.SizeColumn, file, header, errors);
            var sideCol = map.SideColumn is not null && index.TryGetValue(map.SideColumn, out var sc) ? sc : -1;
            if (errors.Count > 0) return null;
            var trades = new TradeBuilder();
            var width = header.Length;
            var rows = 0;
            for (; hasRow && !errors.Full; hasRow = parser.Read())
            {
                var line = parser.LineNumber;
                rows++;
                if (parser.FieldCount != width) { errors.Add(file, line, "", "", $"expected {width} columns as in the header, found {parser.FieldCount}"); continue; }
                var tsText = parser.GetString(tsCol);
                if (!TryTime(tsText, map.TimestampFormat, out var time, out var why)) { errors.Add(file, line, map.TimestampColumn, tsText, why); continue; }
                if (time < trades.LastTime) { errors.Add(file, line, map.TimestampColumn, tsText, "time goes backwards (earlier than the previous row)"); continue; }
                var pt = parser.GetString(pCol);
                var st = NumberParser.ParseDouble(pt, out var price);
                if (st != NumberStatus.Ok) { errors.Add(file, line, map.PriceColumn, pt, NumberParser.Describe(st, "price")); continue; }
                if (price <= 0 || price > MaxPrice) { errors.Add(file, line, map.PriceColumn, pt, $"price must be positive and at most {MaxPrice:0e0}"); continue; }
                var szt = parser.GetString(sCol);
                st = NumberParser.ParseDouble(szt, out var size);
                if (st != NumberStatus.Ok) { errors.Add(file, line, map.SizeColumn, szt, NumberParser.Describe(st, "size")); continue; }
                if (size <= 0 || size > MaxSize) { errors.Add(file, line, map.SizeColumn, szt, size < 0 ? "size is negative" : size == 0 ? "size must be positive" : $"size is too large (above {MaxSize:0e0})"); continue; }
                sbyte side = 0;
                if (sideCol >= 0)
                {
                    var sd = parser.GetString(sideCol);
                    if (!TrySide(sd, out side)) { errors.Add(file, line, map.SideColumn!, sd, "unknown aggressor side; expected buy, sell, b, s, 1, -1 or empty"); continue; }
                }
                trades.Add(time, price, size, side, line);
            }
            if (rows == 0) errors.Add(file, 0, "", "", "file has a header but no data rows");
            return trades;
        }
        catch (Exception ex) when (ex is InvalidDataException or InputTooLargeException or CsvHelper.CsvFormatException)
        {
            if (ex is InputTooLargeException tooLarge) errors.AddLimit(file, parser.LineNumber + 1, ex.Message, tooLarge.Limit);
            else errors.Add(file, parser.LineNumber + 1, "", "", Describe(ex));
            return null;
        }
    }

    private const double MaxPrice = 1e12;
    private const double MaxSize = 1e15;

    internal static bool TrySide(string text, out sbyte side)
    {
        side = 0;
        switch (text.Trim().ToLowerInvariant())
        {
            case "": return true;
            case "buy" or "b" or "1" or "+1": side = 1; return true;
            case "sell" or "s" or "-1": side = -1; return true;
            default: return false;
        }
    }

    internal static bool TryTime(string text, TimestampFormat format, out long ns, out string why)
    {
        ns = 0;
        why = "";
        if (string.IsNullOrWhiteSpace(text)) { why = "timestamp is empty"; return false; }
        if (format == TimestampFormat.Iso8601)
        {
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var dto))
            { why = "timestamp is not an ISO 8601 date-time (e.g. 2024-08-08T23:54:15.343Z)"; return false; }
            ns = (dto.UtcTicks - DateTime.UnixEpoch.Ticks) * 100;
            return true;
        }
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
        { why = $"timestamp is not a number ({format})"; return false; }
        var unit = format switch
        {
            TimestampFormat.UnixSeconds => 1_000_000_000m,
            TimestampFormat.UnixMilliseconds => 1_000_000m,
            TimestampFormat.UnixMicroseconds => 1_000m,
            _ => 1m,
        };
        var scaled = v * unit;
        // 1970 .. 2200: anything else is a unit mix-up.
        if (scaled < 0 || scaled > 7_258_118_400_000_000_000m)
        { why = $"timestamp is outside 1970..2200 for {format}; check the time unit"; return false; }
        ns = (long)decimal.Truncate(scaled);
        return true;
    }

    private static Dictionary<string, int> HeaderIndex(string[] header)
    {
        var d = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < header.Length; i++) d.TryAdd(header[i].Trim(), i);
        return d;
    }

    private static int Require(Dictionary<string, int> index, string column, string file, string[] header, ErrorCollector errors)
    {
        if (index.TryGetValue(column, out var i)) return i;
        errors.Add(file, 1, column, "", $"required column '{column}' is not in the header; header has: {DataError.Clip(string.Join(",", header))}");
        return -1;
    }

    internal static string Name(string template, int level) =>
        template.Replace("{level}", (level + 1).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private static string Describe(Exception ex) => ex switch
    {
        InputTooLargeException => ex.Message,
        CsvHelper.CsvFormatException => $"malformed CSV ({ex.Message})",
        _ => $"compressed data is corrupt or truncated ({ex.Message})",
    };
}
