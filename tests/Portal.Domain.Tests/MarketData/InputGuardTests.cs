using System.IO.Compression;
using System.Text;
using Portal.Domain.MarketData;
using Portal.Testing;

namespace Portal.Domain.Tests.MarketData;

/// <summary>
/// LOBSTER orderbook rows must follow from their messages; line and size limits hold while the bytes stream in;
/// corrupt compression and spreadsheet formulas in values are reported, never thrown or passed on.
/// </summary>
public class InputGuardTests
{
    private const string M = "TEST_2020-01-02_34200000_57600000_message_2.csv";
    private const string B = "TEST_2020-01-02_34200000_57600000_orderbook_2.csv";

    private static MarketDataSource Src(string name, string text) => new(name, new MemoryStream(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Both_recorded_amzn_pairs_are_consistent_with_their_messages()
    {
        var level1 = LobsterParser.ParseFiles(SharedData.File(SharedData.AmznMessage1), SharedData.File(SharedData.AmznOrderbook1));
        var level5 = LobsterParser.ParseFiles(SharedData.File(SharedData.AmznMessage5), SharedData.File(SharedData.AmznOrderbook5));

        Assert.Equal(57_515, level1.Book.Count);
        Assert.Equal(155_935, level5.Book.Count);
    }

    [Fact]
    public void A_reversed_orderbook_file_is_rejected_at_its_first_row_out_of_place()
    {
        var messages = File.ReadLines(SharedData.File(SharedData.AmznMessage1)).Take(2000).ToList();
        var book = File.ReadLines(SharedData.File(SharedData.AmznOrderbook1)).Take(2000).Reverse().ToList();

        var ex = Assert.Throws<MarketDataValidationException>(() => LobsterParser.Parse(
            Src("AMZN_2012-06-21_34200000_57600000_message_1.csv", string.Join('\n', messages) + "\n"),
            Src("AMZN_2012-06-21_34200000_57600000_orderbook_1.csv", string.Join('\n', book) + "\n")));

        var first = ex.Errors[0];
        Assert.Equal("AMZN_2012-06-21_34200000_57600000_orderbook_1.csv", first.File);
        Assert.Equal(2, first.Row);
        Assert.Contains("orderbook row 2 does not follow from message 2", first.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_swapped_orderbook_rows_are_rejected_naming_the_row()
    {
        // Buy 100 at 100.00; sell 30 more at 100.10 (20 → 50); 10 of them executed (50 → 40); sell 5 at 100.20 (30 → 35).
        const string msg = "34200.1,1,1,100,1000000,1\n34200.2,1,2,30,1001000,-1\n34200.3,4,2,10,1001000,-1\n34200.4,1,3,5,1002000,-1\n";
        string[] rows =
        [
            "1001000,20,1000000,100,1002000,30,999000,40",
            "1001000,50,1000000,100,1002000,30,999000,40",
            "1001000,40,1000000,100,1002000,30,999000,40",
            "1001000,40,1000000,100,1002000,35,999000,40",
        ];
        var valid = LobsterParser.Parse(Src(M, msg), Src(B, string.Join('\n', rows) + "\n"));
        (rows[1], rows[2]) = (rows[2], rows[1]);

        var ex = Assert.Throws<MarketDataValidationException>(() => LobsterParser.Parse(Src(M, msg), Src(B, string.Join('\n', rows) + "\n")));

        Assert.Equal(4, valid.Book.Count);
        var error = ex.Errors[0];
        Assert.Equal(B, error.File);
        Assert.Equal(2, error.Row);
        Assert.Contains("submits 30 at 100.1 on the ask side", error.Message, StringComparison.Ordinal);
        Assert.Contains("should go from 20 (row 1) to 50, but is 40", error.Message, StringComparison.Ordinal);
        Assert.Contains(ex.Errors, e => e.Row == 3 && e.Message.Contains("executes 10", StringComparison.Ordinal));
    }

    [Fact]
    public void An_endless_compressed_line_stops_at_the_line_limit_without_buffering_it()
    {
        // 64 MiB of one line, gzip-compressed to a few tens of kilobytes: the shape of a decompression bomb.
        var bomb = Gzip(Enumerable.Repeat(new string('7', 1 << 20), 64));
        const string book = "1001000,20,1000000,100\n";
        var before = GC.GetAllocatedBytesForCurrentThread();

        var ex = Assert.Throws<MarketDataValidationException>(() => LobsterParser.Parse(
            new MarketDataSource(M + ".gz", new MemoryStream(bomb)), Src(B, book),
            new LobsterOptions { Validation = new ValidationOptions { MaxLineBytes = 64 << 10 } }));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        var error = Assert.Single(ex.Errors, e => e.Limit is not null);
        Assert.Equal(nameof(ValidationOptions.MaxLineBytes), error.Limit);
        Assert.Equal(M + ".gz", error.File);
        Assert.Contains("longer than the limit of 65,536 bytes", error.Message, StringComparison.Ordinal);
        Assert.True(bomb.Length < 1 << 20, $"bomb is {bomb.Length} bytes");
        Assert.True(allocated < 8 << 20, $"parsing allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Many_short_lines_stop_at_the_decompressed_size_limit()
    {
        var bomb = Gzip(["timestamp,price,size\n", .. Enumerable.Repeat("2024-08-08T10:00:00Z,100,1\n", 100_000)]);

        var ex = Assert.Throws<MarketDataValidationException>(() => CsvMarketDataParser.Parse(null,
            new MarketDataSource("trades.csv.gz", new MemoryStream(bomb)),
            new CsvImportOptions { Instrument = "XYZ", Validation = new ValidationOptions { MaxDecompressedBytes = 1 << 20 } }));

        Assert.Contains(ex.Errors, e => e.Limit == nameof(ValidationOptions.MaxDecompressedBytes) && e.Message.Contains("1,048,576 bytes after decompression", StringComparison.Ordinal));
    }

    [Fact]
    public void A_corrupt_gzip_csv_is_a_validation_error_naming_the_file()
    {
        var good = Gzip(["timestamp,price,size\n1,2,3\n"]);
        var corrupt = good[..10].Concat(Enumerable.Repeat((byte)0xFF, 64)).ToArray();
        var path = Path.Combine(Path.GetTempPath(), $"corrupt-{Guid.NewGuid():N}.csv.gz");
        File.WriteAllBytes(path, corrupt);
        try
        {
            var ex = Assert.Throws<MarketDataValidationException>(() => MarketDataImporter.ImportFiles("csv", [path], "XYZ"));

            var error = Assert.Single(ex.Errors);
            Assert.Equal(Path.GetFileName(path), error.File);
            Assert.Contains("compressed data is corrupt", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(" =1+1", "' =1+1")]
    [InlineData("\uFF1DSUM(A1)", "'\uFF1DSUM(A1)")]
    [InlineData("\u3000\uFF0Bcmd", "'\u3000\uFF0Bcmd")]
    [InlineData("  @x", "'  @x")]
    [InlineData("\uFF0D1", "'\uFF0D1")]
    [InlineData("\uFF20me", "'\uFF20me")]
    [InlineData(" -1.5", " -1.5")]
    [InlineData("abc", "abc")]
    public void Values_shown_in_errors_are_neutralised_after_whitespace_and_in_fullwidth_forms(string value, string safe) =>
        Assert.Equal(safe, new DataError("f.csv", 1, "c", value, "m").SafeValue);

    private static byte[] Gzip(IEnumerable<string> parts)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
        {
            foreach (var part in parts)
            {
                gzip.Write(Encoding.ASCII.GetBytes(part));
            }
        }
        return output.ToArray();
    }
}
