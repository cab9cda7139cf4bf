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

    [Fact]
    public void Amzn_limit_order_fills_queue_depletion_and_markouts_are_measured_and_fitted()
    {
        var ds = LobsterParser.ParseFiles(SharedData.File(SharedData.AmznMessage5), SharedData.File(SharedData.AmznOrderbook5));
        var p = MarketCalibrator.Calibrate(ds).PassiveFills;
        Assert.NotNull(p);
        output.WriteLine(System.Text.Json.JsonSerializer.Serialize(p, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        Assert.InRange(p.TickBps, 0.44, 0.46);                   // $0.01 on a ~$222.6 stock
        Assert.InRange(p.MarketOrders, 3_000, 11_419);            // 11,419 executions, several per market order
        Assert.InRange(p.MeanMarketOrderShares, 71, 270);         // 810,755 shares over at most 11,419 and at least 3,000 orders
        // Fill probability falls with the offset and rises with the time-to-live.
        foreach (var ttl in p.FillCurves.Select(c => c.TtlSeconds).Distinct())
        {
            var byOffset = p.FillCurves.Where(c => c.TtlSeconds == ttl).OrderBy(c => c.OffsetTicks).ToList();
            for (var i = 1; i < byOffset.Count; i++) Assert.True(byOffset[i].MeanFillFraction <= byOffset[i - 1].MeanFillFraction + 0.02);
        }
        foreach (var offset in p.FillCurves.Select(c => c.OffsetTicks).Distinct())
        {
            var byTtl = p.FillCurves.Where(c => c.OffsetTicks == offset).OrderBy(c => c.TtlSeconds).ToList();
            for (var i = 1; i < byTtl.Count; i++) Assert.True(byTtl[i].FillProbability >= byTtl[i - 1].FillProbability);
        }
        Assert.InRange(p.QueueShare, 0.001, 1);
        Assert.InRange(p.FillDecayPerBps, 0, 20);
        // A constant Poisson intensity cannot follow both short and long lives (on the recording a resting order is often
        // left behind by the price, so fills flatten out at long lives): the fit is a compromise, 0.14 on this day.
        Assert.True(p.FillFitRmse < 0.2);
        Assert.True(p.MarkoutBpsPerMarketOrder > 0);               // market orders move the mid their way
        Assert.Equal(10, p.QueueDepletion.Count);                 // 5 levels × 2 sides
        Assert.All(p.QueueDepletion, q => Assert.True(q.CancellationsPerSecond > 0));
        Assert.True(p.QueueDepletion.Where(q => q.Level == 1).Sum(q => q.ExecutionsPerSecond) > p.QueueDepletion.Where(q => q.Level == 5).Sum(q => q.ExecutionsPerSecond));
        Assert.Equal([1.0, 10, 60], p.Markouts.Select(m => m.HorizonSeconds));
        Assert.All(p.Markouts, m => Assert.True(m.MeanBps > 0));  // resting orders are picked off: the mid moves against them
        var spec = MarketCalibrator.Calibrate(ds).ToMarketSpec().PassiveFills;
        Assert.Equal(p.QueueShare, spec.QueueShare, 12);
        Assert.Equal(p.MarkoutBpsPerMarketOrder, spec.MarkoutBps, 12);
        Assert.Equal(p.FillDecayPerBps, spec.FillDecayPerBps, 12);
        Assert.Equal(p.MeanMarketOrderShares, spec.MeanMarketOrderShares, 12);
    }
}
