using Portal.Testing;
using Portal.Domain.Calibration;
using Portal.Domain.MarketData;
using Xunit.Abstractions;

namespace Portal.Domain.Tests.MarketData;

public class CalibrationRealDataTests(ITestOutputHelper output)
{
    [Fact]
    public void Amzn_profile_is_sane()
    {
        var ds = LobsterParser.ParseFiles(SharedData.File(SharedData.AmznMessage5), SharedData.File(SharedData.AmznOrderbook5));
        var p = MarketCalibrator.Calibrate(ds);
        output.WriteLine(p.ToJson());
        Assert.InRange(p.Adv, 810_000, 811_500);                 // 810,755 shares in 23,399.94 s, scaled to 23,400 s
        Assert.InRange(p.DailyVolatility, 0.003, 0.08);
        Assert.InRange(p.MeanSpreadBps, 0.4, 35);                // spreads $0.01..$0.77 on a ~$223 stock
        Assert.InRange(p.MeanMidPrice, 220.5, 226.1);
        Assert.Equal(1.0, p.VolumeProfile.Sum(), 9);
        Assert.All(p.VolumeProfile, f => Assert.InRange(f, 0.01, 0.5));
        Assert.InRange(p.TradeSignAutocorrelation[0], 0.05, 0.95); // order-flow signs are persistent (Lillo & Farmer 2004)
        Assert.NotNull(p.Impact.Kyle);
        Assert.True(p.Impact.Kyle!.Lambda > 0);
        Assert.True(p.Impact.SquareRoot!.Y > 0);
        Assert.True(p.Impact.Propagator!.DecayTimeSeconds > 0);
        Assert.Equal(10, p.Impact.Kyle.BinSeconds);
        Assert.InRange(p.Liquidity!.Mean, 0.9, 1.1);
        Assert.True(p.Liquidity.MeanReversionPerDay > 0);
        var back = MarketProfile.FromJson(p.ToJson());
        Assert.Equal(p.Adv, back.Adv);
        Assert.Equal(p.VolumeProfile, back.VolumeProfile);
    }

    [Fact]
    public void Btcusdt_profile_is_sane()
    {
        var ds = CsvMarketDataParser.ParseFiles(SharedData.File(SharedData.BinanceDepth), SharedData.File(SharedData.BinanceTrades),
            CsvImportOptions.Binance("BTCUSDT"));
        var p = MarketCalibrator.Calibrate(ds, CalibrationOptions.RoundTheClock with { VolumeProfileBuckets = 6 });
        output.WriteLine(p.ToJson());
        Assert.InRange(p.ObservedSeconds, 300, 400);
        Assert.InRange(p.Adv, 1_000, 200_000);                   // BTC per day on one spot pair
        Assert.InRange(p.DailyVolatility, 0.002, 0.2);
        Assert.InRange(p.MeanSpreadBps, 0.0001, 5);
        Assert.InRange(p.MeanMidPrice, 61_500, 61_900);
        Assert.Equal(1.0, p.VolumeProfile.Sum(), 9);
        Assert.True(p.Impact.Kyle!.Lambda > 0);
        Assert.NotNull(p.Impact.Propagator);
        Assert.Equal(0.15, p.Impact.Kyle.BinSeconds);   // automatic bins: 346 s / 2340, rounded
    }
}
