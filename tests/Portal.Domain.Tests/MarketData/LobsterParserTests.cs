using Portal.Testing;
using Portal.Domain.MarketData;

namespace Portal.Domain.Tests.MarketData;

public class LobsterParserTests
{
    [Fact]
    public void Amzn_level5_gzip_parses_with_aligned_rows_and_sane_invariants()
    {
        var ds = LobsterParser.ParseFiles(SharedData.File(SharedData.AmznMessage5), SharedData.File(SharedData.AmznOrderbook5));
        Assert.Equal("AMZN", ds.Instrument);
        Assert.Equal(5, ds.Book.Levels);
        Assert.Equal(155_935, ds.Book.Count);            // one snapshot per message (SOURCES.md row count)
        Assert.Equal(8_974 + 2_445, ds.Trades.Count);     // types 4 + 5
        double shares = 0;
        foreach (var s in ds.Trades.Sizes) shares += s;
        Assert.Equal(810_755, shares);                    // SOURCES.md: 810,755 shares executed
        var summary = ds.Summary;
        Assert.Equal(new DateOnly(2012, 6, 21), summary.Date);
        Assert.Equal(new DateTime(2012, 6, 21, 9, 30, 0, 17), summary.Start.AddTicks(-(summary.Start.Ticks % 10_000)));
        AssertBookInvariants(ds.Book);
        AssertMonotone(ds.Trades.Times);
        Assert.All(ds.Trades.Sides.ToArray(), s => Assert.True(s is 1 or -1));
        Assert.Equal(64, ds.ContentHash.Length);
    }

    [Fact]
    public void Amzn_level1_plain_parses_and_first_row_matches_the_file()
    {
        var ds = LobsterParser.ParseFiles(SharedData.File(SharedData.AmznMessage1), SharedData.File(SharedData.AmznOrderbook1));
        Assert.Equal(1, ds.Book.Levels);
        Assert.Equal(57_515, ds.Book.Count);
        Assert.Equal(8_974 + 2_445, ds.Trades.Count);
        AssertBookInvariants(ds.Book);
        // first message "34200.017459617,5,0,1,2238200,-1": hidden execution of a sell order = buyer-initiated trade of 1 share at $223.82
        Assert.Equal(223.82, ds.Trades.Prices[0]);
        Assert.Equal(1, ds.Trades.Sizes[0]);
        Assert.Equal(1, ds.Trades.Sides[0]);
        Assert.Equal(34200_017459617L, ds.Trades.Times[0] - ToDay(ds.Trades.Times[0]));   // ns after midnight, all 9 decimals kept
    }

    private static long ToDay(long ns) => ns - ns % (86_400L * 1_000_000_000L);

    internal static void AssertBookInvariants(BookSeries book)
    {
        AssertMonotone(book.Times);
        var L = book.Levels;
        for (var r = 0; r < book.Count; r++)
        {
            Assert.True(book.BestAsk(r) > book.BestBid(r), $"row {r} crossed or locked");
            for (var l = 0; l < L; l++)
            {
                var i = r * L + l;
                if (!double.IsNaN(book.AskPrices[i])) Assert.True(book.AskSizes[i] > 0);
                if (!double.IsNaN(book.BidPrices[i])) Assert.True(book.BidSizes[i] > 0);
                if (l > 0 && !double.IsNaN(book.AskPrices[i])) Assert.True(book.AskPrices[i] > book.AskPrices[i - 1]);
                if (l > 0 && !double.IsNaN(book.BidPrices[i])) Assert.True(book.BidPrices[i] < book.BidPrices[i - 1]);
            }
        }
    }

    internal static void AssertMonotone(ReadOnlySpan<long> times)
    {
        for (var i = 1; i < times.Length; i++) Assert.True(times[i] >= times[i - 1], $"time goes backwards at {i}");
    }
}
