using Portal.Testing;
using System.Text;
using Portal.Domain.MarketData;

namespace Portal.Domain.Tests.MarketData;

public class CsvParserTests
{
    [Fact]
    public void Binance_depth20_and_trades_import_through_the_documented_mapping()
    {
        var ds = CsvMarketDataParser.ParseFiles(SharedData.File(SharedData.BinanceDepth), SharedData.File(SharedData.BinanceTrades),
            CsvImportOptions.Binance("BTCUSDT"));
        Assert.Equal(20, ds.Book.Levels);
        Assert.Equal(3_450 - 1, ds.Book.Count);    // the REST snapshot row has no exchange time and is skipped
        Assert.Equal(9_757, ds.Trades.Count);
        LobsterParserTests.AssertBookInvariants(ds.Book);
        LobsterParserTests.AssertMonotone(ds.Trades.Times);
        // first trade row: trade_time_ms 1723161255342, 61837.63, 0.02, aggressor sell
        Assert.Equal(1723161255342L * 1_000_000, ds.Trades.Times[0]);
        Assert.Equal(61837.63, ds.Trades.Prices[0]);
        Assert.Equal(0.02, ds.Trades.Sizes[0]);
        Assert.Equal(-1, ds.Trades.Sides[0]);
        for (var i = 0; i < ds.Trades.Count; i++) Assert.InRange(ds.Trades.Prices[i], 61583.22, 61860.80);
        Assert.Equal(new DateOnly(2024, 8, 8), ds.Summary.Date);
    }

    [Fact]
    public void Binance_bookticker_imports_as_one_level_snapshots()
    {
        using var src = MarketDataSource.FromFile(SharedData.File(SharedData.BinanceBookTicker));
        var ds = CsvMarketDataParser.Parse(src, null, new CsvImportOptions { Instrument = "BTCUSDT", Snapshots = SnapshotCsvMapping.BinanceBookTicker });
        Assert.Equal(1, ds.Book.Levels);
        Assert.Equal(28_040, ds.Book.Count);
        Assert.Equal(61837.64, ds.Book.BestAsk(0));
        Assert.Equal(3.78826, ds.Book.BidSizes[0]);
        LobsterParserTests.AssertBookInvariants(ds.Book);
    }

    [Fact]
    public void Generic_formats_parse_iso_times_empty_levels_and_optional_side()
    {
        const string snaps = "timestamp,bid_price_1,bid_size_1,ask_price_1,ask_size_1,bid_price_2,bid_size_2,ask_price_2,ask_size_2\n" +
                             "2024-01-02T14:30:00.000Z,99.5,10,100.5,12,99,5,,\n" +
                             "2024-01-02T14:30:00.250Z,99.6,1.5,100.4,2.25,99.5,4,100.5,3\n";
        const string trades = "timestamp,price,size\n2024-01-02T14:30:00.100Z,100.5,3\n";
        var ds = CsvMarketDataParser.Parse(Src("s.csv", snaps), Src("t.csv", trades), new CsvImportOptions { Instrument = "XYZ" });
        Assert.Equal(2, ds.Book.Levels);
        Assert.True(double.IsNaN(ds.Book.AskPrices[1]));
        Assert.Equal(0, ds.Book.AskSizes[1]);
        Assert.Equal(100.0, ds.Book.Mid(0));
        Assert.Equal(250_000_000L, ds.Book.Times[1] - ds.Book.Times[0]);
        Assert.Equal(new DateTime(2024, 1, 2, 14, 30, 0), ds.Summary.Start);
        Assert.Equal(0, ds.Trades.Sides[0]);
    }

    [Fact]
    public void Identical_content_has_identical_hash_whether_gzipped_or_not_and_different_content_differs()
    {
        const string trades = "timestamp,price,size,side\n2024-01-02T14:30:00Z,100,3,buy\n2024-01-02T14:30:01Z,101,2,sell\n";
        var opts = new CsvImportOptions { Instrument = "XYZ" };
        var a = CsvMarketDataParser.Parse(null, Src("t.csv", trades), opts);
        var b = CsvMarketDataParser.Parse(null, new MarketDataSource("t.csv.gz", new MemoryStream(Gzip(Encoding.UTF8.GetBytes(trades)))), opts);
        var c = CsvMarketDataParser.Parse(null, Src("t.csv", trades.Replace("101", "102")), opts);
        Assert.Equal(a.ContentHash, b.ContentHash);
        Assert.NotEqual(a.ContentHash, c.ContentHash);
    }

    internal static MarketDataSource Src(string name, string text) => new(name, new MemoryStream(Encoding.UTF8.GetBytes(text)));

    internal static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true)) gz.Write(data);
        return ms.ToArray();
    }
}

public class MarketDataImporterTests
{
    [Fact]
    public void Importer_recognises_binance_files_by_header_in_any_order()
    {
        var ds = MarketDataImporter.ImportFiles("csv", [SharedData.File(SharedData.BinanceTrades), SharedData.File(SharedData.BinanceDepth)]);
        Assert.Equal("BTCUSDT", ds.Instrument);
        Assert.Equal(20, ds.Book.Levels);
        Assert.Equal(9_757, ds.Trades.Count);
    }

    [Fact]
    public void Importer_pairs_lobster_files_by_name()
    {
        var ds = MarketDataImporter.ImportFiles("lobster", [SharedData.File(SharedData.AmznOrderbook1), SharedData.File(SharedData.AmznMessage1)]);
        Assert.Equal(57_515, ds.Book.Count);
    }

    [Fact]
    public void Format_detection_pairs_lobster_names()
    {
        Assert.Equal("lobster", MarketDataImporter.DetectFormat([SharedData.AmznMessage5, SharedData.AmznOrderbook5]));
        Assert.Equal("csv", MarketDataImporter.DetectFormat([SharedData.BinanceDepth, SharedData.BinanceTrades]));
    }

    [Theory]
    [InlineData("timestamp,price,size,side", CsvFileKind.GenericTrades)]
    [InlineData("timestamp,ask_price_1,ask_size_1,bid_price_1,bid_size_1", CsvFileKind.GenericSnapshots)]
    [InlineData("local_ts_ns,update_id,bid_price,bid_qty,ask_price,ask_qty", CsvFileKind.BinanceBookTicker)]
    [InlineData("=cmd|' /C calc'!A0,x", CsvFileKind.Unknown)]
    public void Header_detection(string header, CsvFileKind kind) => Assert.Equal(kind, MarketDataImporter.DetectCsvHeader(header));
}
