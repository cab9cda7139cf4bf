using Portal.Testing;
using Portal.Domain.MarketData;

namespace Portal.Domain.Tests.MarketData;

public class DatasetBinaryTests
{
    [Fact]
    public void Amzn_level5_round_trips_bit_for_bit_and_is_much_smaller_than_the_gzipped_input()
    {
        var ds = LobsterParser.ParseFiles(SharedData.File(SharedData.AmznMessage5), SharedData.File(SharedData.AmznOrderbook5));
        var blob = DatasetWriter.ToBytes(ds);
        var back = DatasetReader.FromBytes(blob);
        AssertSame(ds, back);
        var gzipInput = new FileInfo(SharedData.File(SharedData.AmznOrderbook5)).Length
                        + CsvParserTests.Gzip(File.ReadAllBytes(SharedData.File(SharedData.AmznMessage5))).Length;
        Assert.True(blob.Length < gzipInput * 0.6, $"blob {blob.Length} B vs gzip-compressed input {gzipInput} B");
    }

    [Fact]
    public void Binance_round_trips_including_fractional_quantities()
    {
        var ds = CsvMarketDataParser.ParseFiles(SharedData.File(SharedData.BinanceDepth), SharedData.File(SharedData.BinanceTrades),
            CsvImportOptions.Binance("BTCUSDT"));
        AssertSame(ds, DatasetReader.FromBytes(DatasetWriter.ToBytes(ds)));
    }

    [Fact]
    public void Summary_is_readable_without_the_body_and_matches_the_dataset()
    {
        var ds = CsvMarketDataParser.Parse(CsvParserTests.Src("s.csv", "timestamp,ask_price_1,ask_size_1,bid_price_1,bid_size_1\n2024-01-02T14:30:00Z,100.5,1,99.5,2\n2024-01-02T14:31:00Z,,,99.5,2\n"),
            CsvParserTests.Src("t.csv", "timestamp,price,size,side\n2024-01-02T14:30:30Z,100.5,0.001,b\n"), new CsvImportOptions { Instrument = "XYZ" });
        using var ms = new MemoryStream(DatasetWriter.ToBytes(ds));
        var summary = DatasetReader.ReadSummary(ms);
        Assert.Equal("XYZ", summary.Instrument);
        Assert.Equal(2, summary.BookRows);
        Assert.Equal(1, summary.TradeRows);
        Assert.Equal(1, summary.Levels);
        Assert.Equal(new DateTime(2024, 1, 2, 14, 31, 0), summary.End);
        Assert.Equal(ds.ContentHash, summary.ContentHash);
        Assert.Equal(["s.csv", "t.csv"], summary.SourceFiles);
        var back = DatasetReader.FromBytes(DatasetWriter.ToBytes(ds));
        Assert.True(double.IsNaN(back.Book.AskPrices[1]));
        AssertSame(ds, back);
    }

    [Fact]
    public void Corrupted_or_foreign_blobs_are_rejected()
    {
        var ds = CsvMarketDataParser.Parse(null, CsvParserTests.Src("t.csv", "timestamp,price,size\n2024-01-02T14:30:30Z,100.5,1\n"), new CsvImportOptions { Instrument = "XYZ" });
        var blob = DatasetWriter.ToBytes(ds);
        var flipped = (byte[])blob.Clone();
        flipped[^40] ^= 0xFF;
        Assert.Throws<InvalidDataException>(() => DatasetReader.FromBytes(flipped));
        Assert.Throws<InvalidDataException>(() => DatasetReader.FromBytes("PK\u0003\u0004 not a dataset"u8.ToArray()));
        Assert.ThrowsAny<Exception>(() => DatasetReader.FromBytes(blob[..(blob.Length - 10)]));
    }

    internal static void AssertSame(MarketDataset a, MarketDataset b)
    {
        Assert.Equal(a.Summary with { SourceFiles = [] }, b.Summary with { SourceFiles = [] });
        Assert.Equal(a.SourceFiles, b.SourceFiles);
        Assert.Equal(a.Book.Times.ToArray(), b.Book.Times.ToArray());
        Assert.Equal(a.Book.AskPrices.ToArray(), b.Book.AskPrices.ToArray());
        Assert.Equal(a.Book.AskSizes.ToArray(), b.Book.AskSizes.ToArray());
        Assert.Equal(a.Book.BidPrices.ToArray(), b.Book.BidPrices.ToArray());
        Assert.Equal(a.Book.BidSizes.ToArray(), b.Book.BidSizes.ToArray());
        Assert.Equal(a.Trades.Times.ToArray(), b.Trades.Times.ToArray());
        Assert.Equal(a.Trades.Prices.ToArray(), b.Trades.Prices.ToArray());
        Assert.Equal(a.Trades.Sizes.ToArray(), b.Trades.Sizes.ToArray());
        Assert.Equal(a.Trades.Sides.ToArray(), b.Trades.Sides.ToArray());
        Assert.Equal(a.Halts, b.Halts);
    }
}
