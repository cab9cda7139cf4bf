using System.Globalization;
using System.Text.RegularExpressions;

namespace Portal.Domain.MarketData;

/// <summary>Options for <see cref="LobsterParser"/>.</summary>
public sealed record LobsterOptions
{
    /// <summary>Instrument symbol; default: the file name's first token (<c>AMZN</c> in <c>AMZN_2012-06-21_..._message_5.csv</c>).</summary>
    public string? Instrument { get; init; }
    /// <summary>Trading date; default: the date in the file name.</summary>
    public DateOnly? Date { get; init; }
    /// <summary>Validation settings.</summary>
    public ValidationOptions Validation { get; init; } = new();
}

/// <summary>
/// Streaming parser for LOBSTER message + orderbook file pairs (any number of levels, gzip or plain).
/// </summary>
/// <remarks>
/// Format: LOBSTER sample-file readme (lobsterdata.com, version 01 Sept 2013), copied to shared/data/LOBSTER_SampleFiles_ReadMe.txt.
/// Message columns: time (seconds after midnight, up to 9 decimals), type (1 submit, 2 partial cancel, 3 delete,
/// 4 visible execution, 5 hidden execution, 6 cross trade, 7 halt), order id, size, price (dollars × 10000),
/// direction (side of the resting order: 1 buy, −1 sell). Orderbook row k is the book after message k:
/// for each level i, ask price, ask size, bid price, bid size; empty levels are ±9999999999 with size 0.
/// Executions (types 4, 5, 6) become trades whose aggressor side is minus the resting order's direction
/// (type 6 has no meaningful direction and is recorded with side 0). Both files are read line by line in one pass;
/// numbers are parsed straight from UTF-8 bytes.
/// </remarks>
public static partial class LobsterParser
{
    internal static readonly string[] MessageColumns = ["time", "type", "order_id", "size", "price", "direction"];
    private const long DummyPrice = 9_999_999_999L;
    private const double PriceScale = 10_000.0;

    /// <summary>Parses a message/orderbook pair from disk.</summary>
    public static MarketDataset ParseFiles(string messagePath, string orderbookPath, LobsterOptions? options = null)
    {
        using var m = MarketDataSource.FromFile(messagePath);
        using var b = MarketDataSource.FromFile(orderbookPath);
        return Parse(m, b, options);
    }

    /// <summary>Parses a message/orderbook pair. Throws <see cref="MarketDataValidationException"/> listing every problem.</summary>
    public static MarketDataset Parse(MarketDataSource message, MarketDataSource orderbook, LobsterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(orderbook);
        options ??= new LobsterOptions();
        options.Validation.Check();
        var errors = new ErrorCollector(options.Validation.MaxErrors);
        var mFile = message.FileName;
        var bFile = orderbook.FileName;

        var nameMatch = FileNamePattern().Match(message.BaseName);
        var instrument = options.Instrument ?? (nameMatch.Success ? nameMatch.Groups["ticker"].Value : null);
        DateOnly? date = options.Date;
        if (date is null && nameMatch.Success &&
            DateOnly.TryParseExact(nameMatch.Groups["date"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            date = d;
        if (instrument is null || !SymbolPattern().IsMatch(instrument))
            errors.Add(mFile, 0, "", instrument ?? "", "instrument symbol missing or invalid (letters, digits, . _ - only): name the file TICKER_YYYY-MM-DD_..._message_L.csv or pass LobsterOptions.Instrument");
        if (date is null)
            errors.Add(mFile, 0, "", "", "trading date unknown: name the file TICKER_YYYY-MM-DD_..._message_L.csv or pass LobsterOptions.Date");

        using var hasher = new ContentHasher();
        var mHash = ContentHasher.BeginFile();
        var bHash = ContentHasher.BeginFile();
        BookBuilder? book = null;
        var trades = new TradeBuilder();
        var halts = new List<TradingHalt>();
        var dayStart = date is { } dd ? TimeUtil.FromDate(dd) : 0;
        long mRows = 0, bRows = 0;
        using (var mStream = message.OpenDecompressed(mHash, options.Validation.MaxDecompressedBytes, options.Validation.MaxLineBytes))
        using (var bStream = orderbook.OpenDecompressed(bHash, options.Validation.MaxDecompressedBytes, options.Validation.MaxLineBytes))
        {
            var mReader = new Utf8LineReader(mStream);
            var bReader = new Utf8LineReader(bStream);
            var reading = "";
            try
            {
                reading = mFile;
                var hasM = mReader.TryReadLine(out var mLine);
                reading = bFile;
                var hasB = bReader.TryReadLine(out var bLine);
                if (!hasM) errors.Add(mFile, 0, "", "", "file is empty");
                if (!hasB) errors.Add(bFile, 0, "", "", "file is empty");
                var levels = 0;
                if (hasB)
                {
                    var cols = bLine.Count((byte)',') + 1;
                    if (cols % 4 != 0 || cols < 4 || cols / 4 > BookSeries.MaxLevels)
                        errors.Add(bFile, 1, "", "", $"orderbook row has {cols} columns; expected 4 per level (ask price, ask size, bid price, bid size), 4 to {4 * BookSeries.MaxLevels}");
                    else levels = cols / 4;
                }
                if (levels > 0) book = new BookBuilder(levels, 4096);
                var consistency = new BookConsistency(Math.Max(levels, 1));
                var prevTime = long.MinValue;
                var policy = options.Validation.CrossedBooks;
                while (hasM && hasB && book is not null && !errors.Full)
                {
                    var line = mReader.LineNumber;
                    var effect = default(MessageEffect);
                    var time = ParseMessage(mLine, line, mFile, dayStart, ref prevTime, trades, halts, errors, ref effect);
                    var row = book.Append(time, line);
                    if (!ParseBookRow(bLine, line, bFile, book, row, errors))
                    {
                        book.DropLast();
                        consistency.Forget();
                    }
                    else
                    {
                        consistency.Check(effect, book.AskPx(row), book.AskSz(row), book.BidPx(row), book.BidSz(row), bFile, line, errors);
                        if (!book.CheckRow(row, bFile, line, BookColumn, errors, policy)) book.DropLast();
                    }
                    reading = mFile;
                    hasM = mReader.TryReadLine(out mLine);
                    reading = bFile;
                    hasB = bReader.TryReadLine(out bLine);
                }
                if (!errors.Full)
                {
                    reading = mFile;
                    while (hasM) hasM = mReader.TryReadLine(out _);
                    reading = bFile;
                    while (hasB) hasB = bReader.TryReadLine(out _);
                    mRows = mReader.LineNumber;
                    bRows = bReader.LineNumber;
                    if (mRows != bRows && mRows > 0 && bRows > 0)
                        errors.Add(bFile, 0, "", "", $"message file {mFile} has {mRows} rows but orderbook file has {bRows}; row k of the orderbook must be the book after message k");
                }
            }
            catch (Exception ex) when (ex is InvalidDataException or InputTooLargeException or CsvHelper.CsvFormatException)
            {
                var at = ReferenceEquals(reading, mFile) ? mReader.LineNumber : bReader.LineNumber;
                if (ex is InputTooLargeException tooLarge) errors.AddLimit(reading, at + 1, ex.Message, tooLarge.Limit);
                else errors.Add(reading, at + 1, "", "", Describe(ex));
            }
        }
        if (book is not null && !errors.Full)
            OutlierCheck.Run(book, bFile, BookColumn, trades, mFile, "price", options.Validation.MaxRelativePriceDeviation, errors);
        errors.ThrowIfAny();
        hasher.EndFile("lobster-message", mHash);
        hasher.EndFile("lobster-orderbook", bHash);
        return new MarketDataset("lobster", instrument!, book!.Build(), trades.Build(), halts, hasher.Finish(), [mFile, bFile]);
    }

    private static long ParseMessage(ReadOnlySpan<byte> line, long row, string file, long dayStart, ref long prevTime,
        TradeBuilder trades, List<TradingHalt> halts, ErrorCollector errors, ref MessageEffect effect)
    {
        // Fast path for the common, valid row (types 1–6); anything else goes through the checked path below.
        var pos = 0;
        var len = line.Length;
        long whole = 0, frac = 0;
        int wholeDigits = 0, fracDigits = 0;
        while (pos < len && (uint)(line[pos] - '0') <= 9) { whole = whole * 10 + (line[pos] - '0'); pos++; wholeDigits++; }
        if (pos < len && line[pos] == (byte)'.')
        {
            pos++;
            while (pos < len && (uint)(line[pos] - '0') <= 9)
            {
                if (fracDigits < 9) { frac = frac * 10 + (line[pos] - '0'); fracDigits++; }
                pos++;
            }
        }
        if (wholeDigits is 0 or > 9 || pos >= len || line[pos] != (byte)',')
            return ParseMessageChecked(line, row, file, dayStart, ref prevTime, trades, halts, errors, ref effect);
        pos++;
        for (var k = fracDigits; k < 9; k++) frac *= 10;
        var tNs = whole * TimeUtil.NsPerSecond + frac;
        Span<long> f = stackalloc long[5];
        for (var c = 0; c < 5; c++)
        {
            var neg = pos < len && line[pos] == (byte)'-';
            if (neg) pos++;
            var start = pos;
            long v = 0;
            while (pos < len && (uint)(line[pos] - '0') <= 9) { v = v * 10 + (line[pos] - '0'); pos++; }
            var digits = pos - start;
            var endOk = c < 4 ? pos < len && line[pos] == (byte)',' : pos == len;
            if (digits is 0 or > 18 || !endOk) return ParseMessageChecked(line, row, file, dayStart, ref prevTime, trades, halts, errors, ref effect);
            pos++;
            f[c] = neg ? -v : v;
        }
        var time = dayStart + tNs;
        var (type, orderId, size, price, dir) = (f[0], f[1], f[2], f[3], f[4]);
        if (time < prevTime || tNs > 86_400L * TimeUtil.NsPerSecond * 2 || type is < 1 or > 6 || orderId < 0 || dir is not (1 or -1)
            || size <= 0 || price <= 0 || price >= DummyPrice)
            return ParseMessageChecked(line, row, file, dayStart, ref prevTime, trades, halts, errors, ref effect);
        prevTime = time;
        if (type >= 4) trades.Add(time, price / PriceScale, size, type == 6 ? (sbyte)0 : (sbyte)-dir, row);
        effect = new MessageEffect((int)type, size, price, (int)dir);
        return time;
    }

    private static long ParseMessageChecked(ReadOnlySpan<byte> line, long row, string file, long dayStart, ref long prevTime,
        TradeBuilder trades, List<TradingHalt> halts, ErrorCollector errors, ref MessageEffect effect)
    {
        Span<Range> parts = stackalloc Range[8];
        var n = SplitFields(line, parts);
        if (n != 6)
        {
            errors.Add(file, row, "", line, $"expected 6 columns (time, type, order_id, size, price, direction), found {(n == 8 ? "8 or more" : n.ToString(CultureInfo.InvariantCulture))}");
            return prevTime == long.MinValue ? dayStart : prevTime;
        }
        var ok = true;
        var st = NumberParser.ParseNanos(line[parts[0]], out var tNs);
        if (st != NumberStatus.Ok) { errors.Add(file, row, "time", line[parts[0]], NumberParser.Describe(st, "time (seconds after midnight)")); ok = false; }
        else if (tNs > 86_400L * TimeUtil.NsPerSecond * 2)
        { errors.Add(file, row, "time", line[parts[0]], "time is more than 48 hours after midnight"); ok = false; }
        var time = dayStart + tNs;
        if (ok)
        {
            if (time < prevTime)
                errors.Add(file, row, "time", line[parts[0]], "time goes backwards (earlier than the previous row)");
            else prevTime = time;
        }
        else time = prevTime == long.MinValue ? dayStart : prevTime;

        st = NumberParser.ParseLong(line[parts[1]], out var type);
        if (st != NumberStatus.Ok) { errors.Add(file, row, "type", line[parts[1]], NumberParser.Describe(st, "event type") + "; expected an integer 1..7"); return time; }
        if (type is < 1 or > 7) { errors.Add(file, row, "type", line[parts[1]], "unknown event type; expected 1..7 (1 submit, 2 cancel, 3 delete, 4 visible execution, 5 hidden execution, 6 cross, 7 halt)"); return time; }
        st = NumberParser.ParseLong(line[parts[2]], out var orderId);
        if (st != NumberStatus.Ok) errors.Add(file, row, "order_id", line[parts[2]], NumberParser.Describe(st, "order id"));
        else if (orderId < 0) errors.Add(file, row, "order_id", line[parts[2]], "order id is negative");
        var stSize = NumberParser.ParseLong(line[parts[3]], out var size);
        if (stSize != NumberStatus.Ok) errors.Add(file, row, "size", line[parts[3]], NumberParser.Describe(stSize, "size"));
        var stPrice = NumberParser.ParseLong(line[parts[4]], out var price);
        if (stPrice != NumberStatus.Ok) errors.Add(file, row, "price", line[parts[4]], NumberParser.Describe(stPrice, "price (dollars × 10000)"));
        var stDir = NumberParser.ParseLong(line[parts[5]], out var dir);
        if (stDir != NumberStatus.Ok) errors.Add(file, row, "direction", line[parts[5]], NumberParser.Describe(stDir, "direction"));
        else if (dir is not (1 or -1)) { errors.Add(file, row, "direction", line[parts[5]], "direction must be 1 (buy) or -1 (sell)"); stDir = NumberStatus.NotNumeric; }
        if (stSize != NumberStatus.Ok || stPrice != NumberStatus.Ok || stDir != NumberStatus.Ok) return time;

        if (type == 7)
        {
            if (price is < -1 or > 1) errors.Add(file, row, "price", line[parts[4]], "halt message (type 7) price must be -1 (halt), 0 (quoting) or 1 (resume)");
            else
            {
                halts.Add(new TradingHalt(time, (HaltKind)price));
                effect = new MessageEffect(7, 0, 0, 0);
            }
            return time;
        }
        if (size <= 0) errors.Add(file, row, "size", line[parts[3]], size < 0 ? "size is negative" : "size must be positive");
        if (price <= 0 || price >= DummyPrice) errors.Add(file, row, "price", line[parts[4]], "price must be positive and below 9999999999");
        else if (size > 0 && type is >= 4 and <= 6)
            trades.Add(time, price / PriceScale, size, type == 6 ? (sbyte)0 : (sbyte)-dir, row);
        if (size > 0 && price > 0 && price < DummyPrice) effect = new MessageEffect((int)type, size, price, (int)dir);
        return time;
    }

    /// <summary>Splits on commas into at most <c>parts.Length</c> ranges; returns the number written (parts.Length means "that many or more").</summary>
    private static int SplitFields(ReadOnlySpan<byte> line, Span<Range> parts)
    {
        var n = 0;
        var start = 0;
        while (n < parts.Length)
        {
            var comma = line[start..].IndexOf((byte)',');
            if (comma < 0) { parts[n++] = new Range(start, line.Length); return n; }
            parts[n++] = new Range(start, start + comma);
            start += comma + 1;
        }
        return n;
    }

    private static bool ParseBookRow(ReadOnlySpan<byte> line, long row, string file, BookBuilder book, int r, ErrorCollector errors)
    {
        // Fast path: one scan that splits and parses; any irregularity falls back to the checked path for a precise error.
        var levels = book.Levels;
        var expected = levels * 4;
        var ap = book.AskPx(r); var az = book.AskSz(r); var bp = book.BidPx(r); var bz = book.BidSz(r);
        var pos = 0;
        var len = line.Length;
        for (var c = 0; c < expected; c++)
        {
            var neg = pos < len && line[pos] == (byte)'-';
            if (neg) pos++;
            long v = 0;
            var start = pos;
            while (pos < len)
            {
                var d = (uint)(line[pos] - '0');
                if (d > 9) break;
                v = v * 10 + d;
                pos++;
            }
            var digits = pos - start;
            if (digits == 0 || digits > 18) return ParseBookRowChecked(line, row, file, book, r, errors);
            if (c < expected - 1)
            {
                if (pos >= len || line[pos] != (byte)',') return ParseBookRowChecked(line, row, file, book, r, errors);
                pos++;
            }
            else if (pos != len) return ParseBookRowChecked(line, row, file, book, r, errors);
            if (neg) v = -v;
            var level = c >> 2;
            switch (c & 3)
            {
                case 0:
                    if (v is <= 0 or > DummyPrice) return ParseBookRowChecked(line, row, file, book, r, errors);
                    ap[level] = v == DummyPrice ? double.NaN : v / PriceScale;
                    break;
                case 1: az[level] = v; break;
                case 2:
                    if (v <= 0 && v != -DummyPrice || v >= DummyPrice) return ParseBookRowChecked(line, row, file, book, r, errors);
                    bp[level] = v == -DummyPrice ? double.NaN : v / PriceScale;
                    break;
                default: bz[level] = v; break;
            }
        }
        return true;
    }

    private static bool ParseBookRowChecked(ReadOnlySpan<byte> line, long row, string file, BookBuilder book, int r, ErrorCollector errors)
    {
        var levels = book.Levels;
        var ap = book.AskPx(r); var az = book.AskSz(r); var bp = book.BidPx(r); var bz = book.BidSz(r);
        var rest = line;
        var expected = levels * 4;
        for (var c = 0; c < expected; c++)
        {
            ReadOnlySpan<byte> field;
            var comma = rest.IndexOf((byte)',');
            if (c < expected - 1)
            {
                if (comma < 0) { ColumnCount(line, row, file, levels, errors); return false; }
                field = rest[..comma];
                rest = rest[(comma + 1)..];
            }
            else
            {
                if (comma >= 0) { ColumnCount(line, row, file, levels, errors); return false; }
                field = rest;
            }
            var st = NumberParser.ParseLong(field, out var v);
            var level = c >> 2;
            if (st != NumberStatus.Ok)
            {
                errors.Add(file, row, ColumnName(c), field, NumberParser.Describe(st, "value") + (st == NumberStatus.NotNumeric ? "; orderbook values are integers (prices in dollars × 10000, sizes in shares)" : ""));
                return false;
            }
            switch (c & 3)
            {
                case 0: ap[level] = v == DummyPrice ? double.NaN : ToPrice(v, file, row, c, field, errors); break;
                case 1: az[level] = v; break;
                case 2: bp[level] = v == -DummyPrice ? double.NaN : ToPrice(v, file, row, c, field, errors); break;
                default: bz[level] = v; break;
            }
        }
        return true;
    }

    private static double ToPrice(long v, string file, long row, int c, ReadOnlySpan<byte> field, ErrorCollector errors)
    {
        if (v is <= 0 or >= DummyPrice) errors.Add(file, row, ColumnName(c), field, "price must be positive and below 9999999999 (or exactly ±9999999999 for an empty level)");
        return v / PriceScale;
    }

    private static void ColumnCount(ReadOnlySpan<byte> line, long row, string file, int levels, ErrorCollector errors)
    {
        var found = line.Count((byte)',') + 1;
        errors.Add(file, row, "", "", $"expected {levels * 4} columns ({levels} levels × ask price, ask size, bid price, bid size, as in row 1), found {found}");
    }

    private static string ColumnName(int c) =>
        ((c & 3) switch { 0 => "ask_price_", 1 => "ask_size_", 2 => "bid_price_", _ => "bid_size_" }) + ((c >> 2) + 1).ToString(CultureInfo.InvariantCulture);

    internal static string BookColumn(int level, string kind) => kind + "_" + (level + 1).ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^(?<ticker>[A-Za-z0-9.\-]+)_(?<date>\d{4}-\d{2}-\d{2})_")]
    private static partial Regex FileNamePattern();

    [GeneratedRegex(@"^[A-Za-z0-9._\-]{1,32}$")]
    internal static partial Regex SymbolPattern();

    /// <summary>What one valid message does to the visible book; <see cref="Type"/> 0 when the message was invalid.</summary>
    private readonly record struct MessageEffect(int Type, long Size, long Price, int Direction);

    /// <summary>
    /// Checks that orderbook row k follows from row k − 1 and message k, as the LOBSTER readme defines the pair: a
    /// submission (type 1) adds its size at its price on the resting order's side, a cancellation, deletion or visible
    /// execution (types 2, 3, 4) removes it, and hidden executions, crosses and halts (5, 6, 7) leave the visible book
    /// alone. Only the message's own price is compared, and only when that price lies inside the visible levels of both
    /// rows (a side with an empty level shows all of its depth): beyond the last visible level the files cannot tell.
    /// A reversed or shuffled orderbook file, or one from another day, fails on its first row out of place.
    /// </summary>
    private sealed class BookConsistency(int levels)
    {
        private readonly double[] _askPx = new double[levels], _askSz = new double[levels], _bidPx = new double[levels], _bidSz = new double[levels];
        private bool _hasPrevious;

        public void Forget() => _hasPrevious = false;

        public void Check(MessageEffect effect, ReadOnlySpan<double> askPx, ReadOnlySpan<double> askSz, ReadOnlySpan<double> bidPx, ReadOnlySpan<double> bidSz,
            string file, long row, ErrorCollector errors)
        {
            if (_hasPrevious && effect.Type is >= 1 and <= 4)
            {
                var ask = effect.Direction == -1;
                var price = effect.Price / PriceScale;
                var prevPx = ask ? _askPx : _bidPx;
                var prevSz = ask ? _askSz : _bidSz;
                var px = ask ? askPx : bidPx;
                var sz = ask ? askSz : bidSz;
                if (Visible(prevPx, price, ask) && Visible(px, price, ask))
                {
                    var before = SizeAt(prevPx, prevSz, price);
                    var after = SizeAt(px, sz, price);
                    var expected = before + (effect.Type == 1 ? effect.Size : -effect.Size);
                    if (after != expected)
                    {
                        var what = effect.Type switch { 1 => "submits", 2 => "cancels", 3 => "deletes", _ => "executes" };
                        var side = ask ? "ask" : "bid";
                        errors.Add(file, row, "", "", string.Create(CultureInfo.InvariantCulture,
                            $"orderbook row {row} does not follow from message {row}, which {what} {effect.Size} at {price} on the {side} side: the {side} size at {price} should go from {before} (row {row - 1}) to {expected}, but is {after}; rows out of order, or files that do not belong together?"));
                    }
                }
            }
            askPx.CopyTo(_askPx);
            askSz.CopyTo(_askSz);
            bidPx.CopyTo(_bidPx);
            bidSz.CopyTo(_bidSz);
            _hasPrevious = true;
        }

        /// <summary>True when the book row shows every order at <paramref name="price"/> on that side.</summary>
        private static bool Visible(ReadOnlySpan<double> px, double price, bool ask)
        {
            var last = px[^1];
            if (double.IsNaN(last)) return true;
            return ask ? price <= last : price >= last;
        }

        private static double SizeAt(ReadOnlySpan<double> px, ReadOnlySpan<double> sz, double price)
        {
            for (var i = 0; i < px.Length; i++)
            {
                if (px[i] == price) return sz[i];
            }
            return 0;
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        InputTooLargeException => ex.Message,
        CsvHelper.CsvFormatException => $"malformed CSV ({ex.Message})",
        _ => $"compressed data is corrupt or truncated ({ex.Message})",
    };
}
