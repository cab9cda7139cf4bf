using Portal.Testing;
using System.Text;
using Portal.Domain.MarketData;

namespace Portal.Domain.Tests.MarketData;

/// <summary>Every malformed input is rejected as a whole with an error naming file, row, column and value.</summary>
public class MalformedInputTests
{
    private const string M = "TEST_2020-01-02_34200000_57600000_message_2.csv";
    private const string B = "TEST_2020-01-02_34200000_57600000_orderbook_2.csv";
    private const string Msg = "34200.1,1,1,100,1000000,1\n34200.2,1,2,30,1001000,-1\n34200.3,4,2,10,1001000,-1\n";
    private const string Book = "1001000,20,1000000,100,1002000,30,999000,40\n1001000,50,1000000,100,1002000,30,999000,40\n1001000,40,1000000,100,1002000,30,999000,40\n";

    private static MarketDataset Lobster(string msg, string book, string mName = M, string bName = B) =>
        LobsterParser.Parse(CsvParserTests.Src(mName, msg), CsvParserTests.Src(bName, book));

    private static DataError Rejected(Func<MarketDataset> parse, string file, long row, string column, string fragment)
    {
        var ex = Assert.Throws<MarketDataValidationException>(() => parse());
        Assert.IsAssignableFrom<FormatException>(ex);
        var hit = ex.Errors.FirstOrDefault(e => e.File == file && e.Row == row && e.Column == column && e.Message.Contains(fragment, StringComparison.OrdinalIgnoreCase));
        Assert.True(hit is not null, $"no error ({file}, row {row}, column '{column}', '{fragment}') among: {string.Join(" | ", ex.Errors)}");
        Assert.Contains(file, ex.Message);
        return hit!;
    }

    [Fact]
    public void Valid_fixture_parses_with_one_buyer_initiated_trade()
    {
        var ds = Lobster(Msg, Book);
        Assert.Equal(3, ds.Book.Count);
        Assert.Equal(2, ds.Book.Levels);
        Assert.Equal(1, ds.Trades.Count);
        Assert.Equal(100.1, ds.Trades.Prices[0]);
        Assert.Equal(1, ds.Trades.Sides[0]);
        Assert.Equal(new DateTime(2020, 1, 2, 9, 30, 0, 100), ds.Summary.Start);
    }

    [Fact]
    public void Bom_and_crlf_are_accepted_and_give_the_same_data()
    {
        var plain = Lobster(Msg, Book);
        var crlf = Lobster("\uFEFF" + Msg.Replace("\n", "\r\n"), "\uFEFF" + Book.Replace("\n", "\r\n"));
        Assert.Equal(plain.Book.AskPrices.ToArray(), crlf.Book.AskPrices.ToArray());
        Assert.Equal(plain.Book.Times.ToArray(), crlf.Book.Times.ToArray());
        Assert.Equal(plain.Trades.Prices.ToArray(), crlf.Trades.Prices.ToArray());
    }

    [Fact]
    public void Unusual_but_valid_number_forms_parse_like_plain_ones()
    {
        var plain = Lobster(Msg, Book);
        var odd = Lobster(Msg.Replace("34200.1,", "34200.1000000009,").Replace("34200.2,1,2,30", "34200.2,1,2,+30"), Book.Replace("1001000,20,", "1001000,+20,"));
        Assert.Equal(plain.Book.Times.ToArray(), odd.Book.Times.ToArray());   // digits beyond the 9th decimal are truncated
        Assert.Equal(plain.Book.AskSizes.ToArray(), odd.Book.AskSizes.ToArray());
        Assert.Equal(plain.Trades.Sizes.ToArray(), odd.Trades.Sizes.ToArray());
    }

    [Fact]
    public void Truncated_last_message_row_is_a_column_count_error() =>
        Rejected(() => Lobster(Msg + "34200.4,1,3", Book + "1001000,40,1000000,100,1002000,30,999000,40\n"), M, 4, "", "expected 6 columns");

    [Fact]
    public void Truncated_gzip_orderbook_is_reported()
    {
        var gz = CsvParserTests.Gzip(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(Book, 2000))));
        var cut = gz[..(gz.Length / 2)];
        var msg = string.Concat(Enumerable.Range(0, 6000).Select(i => $"{34200 + i * 0.001:0.000},1,{i + 1},1,999000,1\n"));
        var ex = Assert.Throws<MarketDataValidationException>(() =>
            LobsterParser.Parse(CsvParserTests.Src(M, msg), new MarketDataSource(B + ".gz", new MemoryStream(cut))));
        Assert.Contains(ex.Errors, e => e.File == B + ".gz" && (e.Message.Contains("truncated") || e.Message.Contains("rows")));
    }

    [Fact]
    public void Swapped_time_and_type_columns_give_an_unknown_event_type() =>
        Rejected(() => Lobster(Msg.Replace("34200.1,1,", "1,34200.1,"), Book), M, 1, "type", "expected an integer 1..7");

    [Fact]
    public void Swapped_ask_and_bid_columns_give_a_crossed_book() =>
        Rejected(() => Lobster(Msg, "1000000,100,1001000,20,999000,40,1002000,30\n" + Book[(Book.IndexOf('\n') + 1)..]), B, 1, "ask_price_1", "crossed book");

    [Fact]
    public void Locked_book_is_rejected() =>
        Rejected(() => Lobster(Msg, Book.Replace("1001000,50,1000000", "1000000,50,1000000")), B, 2, "ask_price_1", "locked book");

    [Fact]
    public void Text_in_a_numeric_field_names_the_column_and_value()
    {
        var e = Rejected(() => Lobster(Msg.Replace(",30,", ",fifty,"), Book), M, 2, "size", "not a number");
        Assert.Equal("fifty", e.Value);
    }

    [Fact]
    public void Text_in_an_orderbook_field_names_the_level_column() =>
        Rejected(() => Lobster(Msg, Book.Replace("999000,40\n1001000,50", "999000,abc\n1001000,50")), B, 1, "bid_size_2", "not a number");

    [Fact]
    public void NaN_is_rejected() =>
        Rejected(() => Lobster(Msg.Replace("34200.2", "NaN"), Book), M, 2, "time", "NaN");

    [Fact]
    public void Empty_files_are_rejected() =>
        Rejected(() => Lobster("", Book), M, 0, "", "empty");

    [Fact]
    public void Huge_numbers_are_out_of_range() =>
        Rejected(() => Lobster(Msg.Replace(",100,1000000,1", ",99999999999999999999999,1000000,1"), Book), M, 1, "size", "too large");

    [Fact]
    public void Mixed_level_counts_are_rejected() =>
        Rejected(() => Lobster(Msg, Book.Replace("1001000,50,1000000,100,1002000,30,999000,40", "1001000,50,1000000,100")), B, 2, "", "expected 8 columns");

    [Fact]
    public void Negative_size_is_rejected() =>
        Rejected(() => Lobster(Msg, Book.Replace("1001000,50,", "1001000,-50,")), B, 2, "ask_size_1", "negative");

    [Fact]
    public void Time_going_backwards_is_rejected() =>
        Rejected(() => Lobster(Msg.Replace("34200.3", "34200.05"), Book), M, 3, "time", "backwards");

    [Fact]
    public void Unknown_event_type_is_rejected() =>
        Rejected(() => Lobster(Msg.Replace("34200.2,1,", "34200.2,9,"), Book), M, 2, "type", "unknown event type");

    [Fact]
    public void Message_and_orderbook_of_different_lengths_are_rejected() =>
        Rejected(() => Lobster(Msg, Book + "1001000,40,1000000,100,1002000,30,999000,40\n"), B, 0, "", "has 3 rows but orderbook file has 4");

    [Fact]
    public void Price_far_outside_the_rest_of_the_file_is_rejected()
    {
        var msg = string.Concat(Enumerable.Range(0, 50).Select(i => $"{34200 + i},1,{i + 1},1,999000,1\n"));
        var rows = Enumerable.Repeat("1001000,40,1000000,100,1002000,30,999000,40\n", 50).ToArray();
        rows[37] = "1001000,40,1000000,100,90002000,30,999000,40\n";
        Rejected(() => Lobster(msg, string.Concat(rows)), B, 38, "ask_price_2", "far outside");
    }

    [Fact]
    public void Halt_messages_become_halt_markers_not_trades()
    {
        var ds = Lobster(Msg + "34200.4,7,0,0,-1,-1\n34200.5,7,0,0,1,-1\n", Book + "1001000,40,1000000,100,1002000,30,999000,40\n1001000,40,1000000,100,1002000,30,999000,40\n");
        Assert.Equal([HaltKind.Halt, HaltKind.Resume], ds.Halts.Select(h => h.Kind));
        Assert.Equal(1, ds.Trades.Count);
    }

    [Fact]
    public void Empty_levels_use_lobster_dummy_prices()
    {
        var ds = Lobster(Msg, Book.Replace("1002000,30,999000,40\n1001000,40", "9999999999,0,-9999999999,0\n1001000,40"));
        Assert.True(double.IsNaN(ds.Book.AskPrices[3]));     // row 2, level 2
        Assert.True(double.IsNaN(ds.Book.BidPrices[3]));
        Assert.Equal(0, ds.Book.BidSizes[3]);
    }

    [Fact]
    public void Missing_date_in_the_file_name_is_reported() =>
        Rejected(() => Lobster(Msg, Book, "messages.csv", "book.csv"), "messages.csv", 0, "", "trading date unknown");

    // ---- generic CSV ----
    private static readonly CsvImportOptions Opts = new() { Instrument = "XYZ" };
    private const string TradeHeader = "timestamp,price,size,side\n";

    [Fact]
    public void Csv_injection_in_the_side_column_is_rejected_and_neutralised_in_the_message()
    {
        var e = Rejected(() => CsvMarketDataParser.Parse(null, CsvParserTests.Src("t.csv",
            TradeHeader + "2024-01-02T14:30:00Z,100,1,buy\n2024-01-02T14:30:01Z,100,1,\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"\n"), Opts),
            "t.csv", 3, "side", "unknown aggressor side");
        Assert.StartsWith("=HYPERLINK", e.Value);
        Assert.StartsWith("'=", e.SafeValue);
        Assert.Contains("'=HYPERLINK", e.ToString());
    }

    [Fact]
    public void Csv_injection_in_a_numeric_column_is_not_a_number() =>
        Rejected(() => CsvMarketDataParser.Parse(null, CsvParserTests.Src("t.csv", TradeHeader + "2024-01-02T14:30:00Z,@SUM(1+1),1,buy\n"), Opts),
            "t.csv", 2, "price", "not a number");

    [Fact]
    public void Csv_missing_required_column_lists_the_header() =>
        Rejected(() => CsvMarketDataParser.Parse(null, CsvParserTests.Src("t.csv", "timestamp,px,size\n2024-01-02T14:30:00Z,100,1\n"), Opts),
            "t.csv", 1, "price", "not in the header");

    [Fact]
    public void Csv_empty_file_and_header_only_file_are_rejected()
    {
        Rejected(() => CsvMarketDataParser.Parse(null, CsvParserTests.Src("t.csv", ""), Opts), "t.csv", 0, "", "file is empty");
        Rejected(() => CsvMarketDataParser.Parse(null, CsvParserTests.Src("t.csv", TradeHeader), Opts), "t.csv", 0, "", "no data rows");
    }

    [Fact]
    public void Csv_wrong_time_unit_is_caught() =>
        Rejected(() => CsvMarketDataParser.Parse(null, CsvParserTests.Src("t.csv", "trade_time_ms,price,qty,aggressor_side\n1723161254087896568,100,1,buy\n"),
            CsvImportOptions.Binance("BTCUSDT")), "t.csv", 2, "trade_time_ms", "check the time unit");

    [Fact]
    public void Csv_unterminated_quote_is_reported() =>
        Rejected(() => CsvMarketDataParser.Parse(null, CsvParserTests.Src("t.csv", TradeHeader + "2024-01-02T14:30:00Z,100,1,buy\n2024-01-02T14:30:01Z,\"100,1,buy\n"), Opts),
            "t.csv", 3, "", "unterminated");

    [Fact]
    public void Csv_snapshot_with_swapped_bid_and_ask_is_crossed() =>
        Rejected(() => CsvMarketDataParser.Parse(CsvParserTests.Src("s.csv", "timestamp,bid_price_1,bid_size_1,ask_price_1,ask_size_1\n2024-01-02T14:30:00Z,100.5,1,99.5,1\n"), null, Opts),
            "s.csv", 2, "ask_price_1", "crossed");

    [Fact]
    public void Csv_infinite_and_negative_values_are_rejected()
    {
        Rejected(() => CsvMarketDataParser.Parse(null, CsvParserTests.Src("t.csv", TradeHeader + "2024-01-02T14:30:00Z,1e400,1,buy\n"), Opts), "t.csv", 2, "price", "too large");
        Rejected(() => CsvMarketDataParser.Parse(null, CsvParserTests.Src("t.csv", TradeHeader + "2024-01-02T14:30:00Z,100,-1,buy\n"), Opts), "t.csv", 2, "size", "negative");
    }

    [Fact]
    public void Error_collection_stops_at_the_limit_and_says_so()
    {
        var rows = string.Concat(Enumerable.Range(0, 50).Select(i => $"2024-01-02T14:30:{i:00}Z,x,1,buy\n"));
        var ex = Assert.Throws<MarketDataValidationException>(() => CsvMarketDataParser.Parse(null, CsvParserTests.Src("t.csv", TradeHeader + rows),
            Opts with { Validation = new ValidationOptions { MaxErrors = 10 } }));
        Assert.Equal(10, ex.Errors.Count);
        Assert.True(ex.Truncated);
    }
}

public class CrossedBookPolicyTests
{
    [Fact]
    public void Drop_policy_removes_crossed_snapshots_but_keeps_trades()
    {
        const string snaps = "timestamp,ask_price_1,ask_size_1,bid_price_1,bid_size_1\n" +
                             "2024-01-02T14:30:00Z,100.5,1,99.5,1\n2024-01-02T14:30:01Z,99.0,1,99.5,1\n2024-01-02T14:30:02Z,100.6,1,99.6,1\n";
        var opts = new CsvImportOptions { Instrument = "XYZ", Validation = new ValidationOptions { CrossedBooks = CrossedBookPolicy.Drop } };
        var ds = CsvMarketDataParser.Parse(CsvParserTests.Src("s.csv", snaps), CsvParserTests.Src("t.csv", "timestamp,price,size\n2024-01-02T14:30:01Z,99.2,5\n"), opts);
        Assert.Equal(2, ds.Book.Count);
        Assert.Equal([100.5, 100.6], ds.Book.AskPrices.ToArray());
        Assert.Equal(1, ds.Trades.Count);
        Assert.Throws<MarketDataValidationException>(() => CsvMarketDataParser.Parse(CsvParserTests.Src("s.csv", snaps), null, opts with { Validation = new ValidationOptions() }));
    }

    [Fact]
    public void Validation_options_out_of_range_name_the_parameter()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => CsvMarketDataParser.Parse(null, CsvParserTests.Src("t.csv", "timestamp,price,size\n"),
            new CsvImportOptions { Instrument = "XYZ", Validation = new ValidationOptions { MaxRelativePriceDeviation = 0 } }));
        Assert.Equal("MaxRelativePriceDeviation", ex.ParamName);
    }
}

public class MarketDataBenchmarkTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>Runs the fixed workload and prints the figures; speed is reported, never asserted.</summary>
    [Fact]
    public void Benchmark_runs_its_fixed_workload_and_reports_counts()
    {
        var r = MarketDataBenchmark.Run(SharedData.Folder, repetitions: 3);
        output.WriteLine(r.ToString());
        Assert.Equal(155_935, r.LobsterRows);
        Assert.True(r.LobsterRowsPerSecond > 0 && r.ReplayBookUpdatesPerSecond > 0);
        Assert.True(r.ReplayBookUpdates > 1_000_000, $"{r.ReplayBookUpdates} updates");
        Assert.True(r.BinaryBytes > 0);
    }
}

public class InputStreamTests
{
    /// <summary>A forward-only stream, as an HTTP upload body is.</summary>
    private sealed class ForwardOnly(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private const string Trades = "timestamp,price,size,side\n2024-01-02T14:30:00Z,100,3,buy\n2024-01-02T14:30:01Z,101,2,sell\n";
    private static readonly CsvImportOptions Opts = new() { Instrument = "XYZ" };

    [Fact]
    public void Forward_only_gzip_streams_parse_like_files()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(Trades);
        var plain = CsvMarketDataParser.Parse(null, CsvParserTests.Src("t.csv", Trades), Opts);
        var upload = CsvMarketDataParser.Parse(null, new MarketDataSource("upload.bin", new ForwardOnly(CsvParserTests.Gzip(bytes))), Opts);
        Assert.Equal(plain.Trades.Prices.ToArray(), upload.Trades.Prices.ToArray());
        Assert.Equal(plain.ContentHash, upload.ContentHash);
    }

    [Fact]
    public void Decompressed_size_limit_stops_gzip_bombs()
    {
        var big = System.Text.Encoding.UTF8.GetBytes("timestamp,price,size\n" + string.Concat(Enumerable.Repeat("2024-01-02T14:30:00Z,100,3\n", 100_000)));
        var ex = Assert.Throws<MarketDataValidationException>(() => CsvMarketDataParser.Parse(null,
            new MarketDataSource("bomb.csv.gz", new MemoryStream(CsvParserTests.Gzip(big))),
            Opts with { Validation = new ValidationOptions { MaxDecompressedBytes = 100_000 } }));
        Assert.Contains(ex.Errors, e => e.File == "bomb.csv.gz" && e.Message.Contains("larger than the limit of 100,000 bytes"));
    }

    [Fact]
    public void Content_hash_follows_the_documented_recipe()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(Trades);
        var expected = System.Security.Cryptography.SHA256.HashData(
            [.. System.Text.Encoding.UTF8.GetBytes("csv-trades\n"), .. System.Security.Cryptography.SHA256.HashData(bytes)]);
        var ds = CsvMarketDataParser.Parse(null, CsvParserTests.Src("t.csv", Trades), Opts);
        Assert.Equal(Convert.ToHexStringLower(expected), ds.ContentHash);
    }
}
