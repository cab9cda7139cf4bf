using System.Globalization;

namespace Portal.Domain.MarketData;

/// <summary>Growable column buffers for book snapshots, remembering each snapshot's source line for error messages.</summary>
internal sealed class BookBuilder(int levels, int capacity = 1024)
{
    private long[] _times = new long[capacity];
    private int[] _lines = new int[capacity];
    private double[] _askPx = new double[capacity * levels], _askSz = new double[capacity * levels];
    private double[] _bidPx = new double[capacity * levels], _bidSz = new double[capacity * levels];

    public int Levels { get; } = levels;
    public int Count { get; private set; }
    public long LastTime => Count == 0 ? long.MinValue : _times[Count - 1];

    /// <summary>Reserves a row and returns its index; fill it through the spans, then keep or <see cref="DropLast"/>.</summary>
    public int Append(long time, long line)
    {
        if (Count == _times.Length) Grow();
        _times[Count] = time;
        _lines[Count] = (int)Math.Min(line, int.MaxValue);
        return Count++;
    }

    public void DropLast() => Count--;

    public Span<double> AskPx(int row) => _askPx.AsSpan(row * Levels, Levels);
    public Span<double> AskSz(int row) => _askSz.AsSpan(row * Levels, Levels);
    public Span<double> BidPx(int row) => _bidPx.AsSpan(row * Levels, Levels);
    public Span<double> BidSz(int row) => _bidSz.AsSpan(row * Levels, Levels);
    public int Line(int row) => _lines[row];

    private void Grow()
    {
        var n = _times.Length * 2;
        Array.Resize(ref _times, n);
        Array.Resize(ref _lines, n);
        Array.Resize(ref _askPx, n * Levels);
        Array.Resize(ref _askSz, n * Levels);
        Array.Resize(ref _bidPx, n * Levels);
        Array.Resize(ref _bidSz, n * Levels);
    }

    public BookSeries Build() => Count == 0
        ? BookSeries.Empty
        : new BookSeries(Levels, _times[..Count], _askPx[..(Count * Levels)], _askSz[..(Count * Levels)],
            _bidPx[..(Count * Levels)], _bidSz[..(Count * Levels)]);

    /// <summary>
    /// Checks one filled row: finite prices and sizes, sizes non-negative, occupied levels with positive size,
    /// prices ordered across levels, not crossed or locked. Returns false when the row is crossed/locked.
    /// </summary>
    public bool CheckRow(int row, string file, long line, Func<int, string, string> columnName, ErrorCollector errors, CrossedBookPolicy policy)
    {
        var ap = AskPx(row); var az = AskSz(row); var bp = BidPx(row); var bz = BidSz(row);
        for (var l = 0; l < Levels; l++)
        {
            CheckLevel(ap, az, l, "ask", file, line, columnName, errors);
            CheckLevel(bp, bz, l, "bid", file, line, columnName, errors);
            if (l > 0)
            {
                if (!double.IsNaN(ap[l]) && !double.IsNaN(ap[l - 1]) && ap[l] <= ap[l - 1])
                    errors.Add(file, line, columnName(l, "ask_price"), F(ap[l]), $"ask level {l + 1} price is not above level {l} ({F(ap[l - 1])}); ask prices must rise with level");
                if (!double.IsNaN(bp[l]) && !double.IsNaN(bp[l - 1]) && bp[l] >= bp[l - 1])
                    errors.Add(file, line, columnName(l, "bid_price"), F(bp[l]), $"bid level {l + 1} price is not below level {l} ({F(bp[l - 1])}); bid prices must fall with level");
                if (double.IsNaN(ap[l - 1]) && !double.IsNaN(ap[l]))
                    errors.Add(file, line, columnName(l, "ask_price"), F(ap[l]), $"ask level {l + 1} is occupied but level {l} is empty");
                if (double.IsNaN(bp[l - 1]) && !double.IsNaN(bp[l]))
                    errors.Add(file, line, columnName(l, "bid_price"), F(bp[l]), $"bid level {l + 1} is occupied but level {l} is empty");
            }
        }
        var a = ap[0]; var b = bp[0];
        if (!double.IsNaN(a) && !double.IsNaN(b) && a <= b)
        {
            if (policy == CrossedBookPolicy.Drop) return false;
            errors.Add(file, line, columnName(0, "ask_price"), F(a),
                a < b ? $"crossed book: best ask {F(a)} is below best bid {F(b)}" : $"locked book: best ask equals best bid {F(b)}");
        }
        return true;
    }

    private static void CheckLevel(Span<double> px, Span<double> sz, int l, string side, string file, long line,
        Func<int, string, string> columnName, ErrorCollector errors)
    {
        var p = px[l]; var s = sz[l];
        if (double.IsNaN(p))
        {
            if (s != 0) errors.Add(file, line, columnName(l, side + "_size"), F(s), $"{side} level {l + 1} is empty but has a non-zero size");
            return;
        }
        if (p <= 0) errors.Add(file, line, columnName(l, side + "_price"), F(p), "price must be positive");
        if (s < 0) errors.Add(file, line, columnName(l, side + "_size"), F(s), "size is negative");
        else if (s == 0) errors.Add(file, line, columnName(l, side + "_size"), F(s), $"size is zero at occupied {side} level {l + 1}");
    }

    internal static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>Growable trade columns with source lines.</summary>
internal sealed class TradeBuilder(int capacity = 1024)
{
    private long[] _times = new long[capacity];
    private int[] _lines = new int[capacity];
    private double[] _px = new double[capacity], _sz = new double[capacity];
    private sbyte[] _sd = new sbyte[capacity];

    public int Count { get; private set; }
    public long LastTime => Count == 0 ? long.MinValue : _times[Count - 1];

    public void Add(long time, double price, double size, sbyte side, long line)
    {
        if (Count == _times.Length)
        {
            var n = Count * 2;
            Array.Resize(ref _times, n); Array.Resize(ref _lines, n); Array.Resize(ref _px, n);
            Array.Resize(ref _sz, n); Array.Resize(ref _sd, n);
        }
        _times[Count] = time; _px[Count] = price; _sz[Count] = size; _sd[Count] = side;
        _lines[Count] = (int)Math.Min(line, int.MaxValue);
        Count++;
    }

    public double Price(int i) => _px[i];
    public int Line(int i) => _lines[i];

    public TradeSeries Build() => Count == 0
        ? TradeSeries.Empty
        : new TradeSeries(_times[..Count], _px[..Count], _sz[..Count], _sd[..Count]);
}

/// <summary>Whole-file checks that need every row: prices far from the file's median.</summary>
internal static class OutlierCheck
{
    public static void Run(BookBuilder? book, string bookFile, Func<int, string, string> bookColumn,
        TradeBuilder? trades, string tradeFile, string tradePriceColumn, double maxDeviation, ErrorCollector errors)
    {
        var reference = Median(book, trades);
        if (double.IsNaN(reference) || reference <= 0) return;
        var lo = reference / (1 + maxDeviation);
        var hi = reference * (1 + maxDeviation);
        var pct = (maxDeviation * 100).ToString("0.##", CultureInfo.InvariantCulture);
        var refText = BookBuilder.F(Math.Round(reference, 6));
        if (book is not null)
        {
            for (var r = 0; r < book.Count && !errors.Full; r++)
            {
                Check(book.AskPx(r), "ask_price", r);
                Check(book.BidPx(r), "bid_price", r);
            }
        }
        if (trades is not null)
        {
            for (var i = 0; i < trades.Count && !errors.Full; i++)
            {
                var p = trades.Price(i);
                if (p < lo || p > hi)
                    errors.Add(tradeFile, trades.Line(i), tradePriceColumn, BookBuilder.F(p),
                        $"price is far outside the rest of the file (median {refText}, allowed ±{pct} %)");
            }
        }

        void Check(Span<double> px, string kind, int r)
        {
            for (var l = 0; l < px.Length; l++)
            {
                var p = px[l];
                if (!double.IsNaN(p) && (p < lo || p > hi))
                    errors.Add(bookFile, book!.Line(r), bookColumn(l, kind), BookBuilder.F(p),
                        $"price is far outside the rest of the file (median {refText}, allowed ±{pct} %)");
            }
        }
    }

    private static double Median(BookBuilder? book, TradeBuilder? trades)
    {
        var sample = new List<double>();
        if (book is not null && book.Count > 0)
        {
            var step = Math.Max(1, book.Count / 20_000);
            for (var r = 0; r < book.Count; r += step)
            {
                var a = book.AskPx(r)[0]; var b = book.BidPx(r)[0];
                if (!double.IsNaN(a) && !double.IsNaN(b)) sample.Add(0.5 * (a + b));
                else if (!double.IsNaN(a)) sample.Add(a);
                else if (!double.IsNaN(b)) sample.Add(b);
            }
        }
        if (sample.Count == 0 && trades is not null)
        {
            var step = Math.Max(1, trades.Count / 20_000);
            for (var i = 0; i < trades.Count; i += step) sample.Add(trades.Price(i));
        }
        if (sample.Count == 0) return double.NaN;
        sample.Sort();
        return sample[sample.Count / 2];
    }
}
