using System.Text;
using Portal.Domain.Calibration;
using Portal.Domain.MarketData;

namespace Portal.Domain.Tests.MarketData;

/// <summary>Limit-order calibration on hand-worked LOBSTER message sequences, with answers worked out by hand.</summary>
public class PassiveFillCalibrationTests
{
    /// <summary>Parses a one-level LOBSTER pair: each message line "time,type,id,size,price,direction" with the book row after it
    /// "ask,askSize,bid,bidSize" (prices in dollars here, written ×10,000 as LOBSTER does).</summary>
    private static MarketDataset Lobster(params (string Message, string Book)[] rows)
    {
        var m = new StringBuilder();
        var b = new StringBuilder();
        foreach (var (message, book) in rows)
        {
            m.Append(message).Append('\n');
            b.Append(book).Append('\n');
        }
        using var ms = new MarketDataSource("TEST_2012-06-21_34200000_57600000_message_1.csv", new MemoryStream(Encoding.ASCII.GetBytes(m.ToString())));
        using var bs = new MarketDataSource("TEST_2012-06-21_34200000_57600000_orderbook_1.csv", new MemoryStream(Encoding.ASCII.GetBytes(b.ToString())));
        return LobsterParser.Parse(ms, bs);
    }

    // Ask $100.01, bid $100.00 throughout unless stated; LOBSTER prices are dollars × 10,000.
    private const string Ask = "1000100";
    private const string Bid = "1000000";

    [Fact]
    public void Executions_with_one_timestamp_and_side_are_one_market_order()
    {
        // t=1: a buy market order of 300 reaches two resting asks (200 + 100); t=2: a sell market order of 50 hits the bid.
        var data = Lobster(
            ("34200,1,1,500,1000100,-1", $"{Ask},500,{Bid},400"),
            ("34201,4,1,200,1000100,-1", $"{Ask},300,{Bid},400"),
            ("34201,4,2,100,1000100,-1", $"{Ask},200,{Bid},400"),
            ("34202,4,3,50,1000000,1", $"{Ask},200,{Bid},350"),
            ("34210,1,4,10,1000000,1", $"{Ask},200,{Bid},360"));
        var orders = PassiveFillCalibrator.MarketOrders(data.Trades);
        Assert.Equal(2, orders.Count);
        Assert.Equal((1, 300.0), (orders[0].Side, orders[0].Size));
        Assert.Equal((-1, 50.0), (orders[1].Side, orders[1].Size));
        var profile = PassiveFillCalibrator.Calibrate(data, new CalibrationOptions { FillTtlsSeconds = [1], FillOffsetsTicks = [0] })!;
        Assert.Equal(175, profile.MeanMarketOrderShares, 12);
        Assert.Equal(2 / 10.0 / 2, profile.MarketOrdersPerSecondPerSide, 12); // 2 orders over 10 s, per side
    }

    [Fact]
    public void Queue_depletion_splits_depth_changes_into_executions_cancellations_and_additions()
    {
        // Ask level: 500 → execution 200 → 300; partial cancel 50 → 250; new order 100 → 350; full delete 150 → 200.
        // Bid level: 400 → cancel 100 → 300. Over 10 s (34200..34210).
        var data = Lobster(
            ("34200,1,1,500,1000100,-1", $"{Ask},500,{Bid},400"),
            ("34202,4,1,200,1000100,-1", $"{Ask},300,{Bid},400"),
            ("34204,2,2,50,1000100,-1", $"{Ask},250,{Bid},400"),
            ("34205,1,3,100,1000100,-1", $"{Ask},350,{Bid},400"),
            ("34206,3,4,150,1000100,-1", $"{Ask},200,{Bid},400"),
            ("34207,3,5,100,1000000,1", $"{Ask},200,{Bid},300"),
            ("34210,1,6,10,1000000,1", $"{Ask},200,{Bid},310"));
        var profile = PassiveFillCalibrator.Calibrate(data, new CalibrationOptions { FillTtlsSeconds = [1], FillOffsetsTicks = [0] })!;
        var ask = Assert.Single(profile.QueueDepletion, q => q.Side == "ask");
        var bid = Assert.Single(profile.QueueDepletion, q => q.Side == "bid");
        Assert.Equal(1, ask.Level);
        Assert.Equal(200 / 10.0, ask.ExecutionsPerSecond, 12);
        Assert.Equal((50 + 150) / 10.0, ask.CancellationsPerSecond, 12);
        Assert.Equal(100 / 10.0, ask.AdditionsPerSecond, 12);
        Assert.Equal(0, bid.ExecutionsPerSecond);
        Assert.Equal(100 / 10.0, bid.CancellationsPerSecond, 12);
        Assert.Equal(10 / 10.0, bid.AdditionsPerSecond, 12);
        // Time-weighted ask depth: 500·2 + 300·2 + 250·1 + 350·1 + 200·4 over 10 s.
        Assert.Equal((1000 + 600 + 250 + 350 + 800) / 10.0, ask.MeanDepth, 12);
    }

    [Fact]
    public void Markout_is_the_mid_move_against_the_resting_order_after_its_execution()
    {
        // t=1: a buyer lifts 100 at the ask (a resting sell is filled); the mid is 100.005 then. t=1.5: the ask moves up a
        // cent (mid 100.01); t=20: up another cent (mid 100.015). Markout at 1 s and 10 s: +0.005/100.005 (against the seller);
        // at 60 s the recording ends before t + 60, so it is not measured.
        var data = Lobster(
            ("34200,1,1,500,1000100,-1", $"{Ask},500,{Bid},400"),
            ("34201,4,1,100,1000100,-1", $"{Ask},400,{Bid},400"),
            ("34201.5,1,2,300,1000200,-1", "1000200,300,1000000,400"),
            ("34220,1,3,300,1000300,-1", "1000300,300,1000000,400"),
            ("34230,1,4,10,1000000,1", "1000300,300,1000000,410"));
        var profile = PassiveFillCalibrator.Calibrate(data, new CalibrationOptions { FillTtlsSeconds = [1], FillOffsetsTicks = [0] })!;
        var expected = 0.005 / 100.005 * 1e4;
        Assert.Equal(expected, profile.Markouts.Single(m => m.HorizonSeconds == 1).MeanBps, 9);
        Assert.Equal(expected, profile.Markouts.Single(m => m.HorizonSeconds == 10).MeanBps, 9);
        Assert.Equal(1, profile.Markouts.Single(m => m.HorizonSeconds == 10).Fills);
        Assert.DoesNotContain(profile.Markouts, m => m.HorizonSeconds == 60);
    }

    [Fact]
    public void A_hypothetical_order_fills_as_the_replay_queue_model_says()
    {
        // Ask 300 at $100.01. At t=5 a buy market order of 450 executes the 300 displayed at $100.01 and 150 at $100.02 (the
        // next ask): it went through $100.01, so an order of ours resting there at t=5 is filled in full. At t=5.5 a new
        // sell order of 300 rests at $100.01 again and nothing trades afterwards. No sell market order ever hits the bid.
        var data = Lobster(
            ("34200,1,1,300,1000100,-1", $"{Ask},300,{Bid},400"),
            ("34205,4,1,300,1000100,-1", $"1000200,300,{Bid},400"),
            ("34205,4,2,150,1000200,-1", $"1000200,150,{Bid},400"),
            ("34205.5,1,3,300,1000100,-1", $"{Ask},300,{Bid},400"),
            ("34220,1,4,10,1000000,1", $"{Ask},300,{Bid},410"));
        // Posts of 100 shares every 2 s at t = 2, 4, ..., 18 on each side. A life of τ counts only when t + τ ≤ 20.
        var options = new CalibrationOptions { FillTtlsSeconds = [1, 10], FillOffsetsTicks = [0], FillPostIntervalSeconds = 2, FillPostedShares = 100 };
        var profile = PassiveFillCalibrator.Calibrate(data, options)!;
        var ten = profile.FillCurves.Single(c => c.TtlSeconds == 10);
        var one = profile.FillCurves.Single(c => c.TtlSeconds == 1);
        // τ = 10 s: posts at t = 2..10, 5 per side; the asks posted at t=2 and t=4 (behind 300) fill at t=5.
        Assert.Equal(10, ten.Posts);
        Assert.Equal(2 / 10.0, ten.FillProbability, 12);
        Assert.Equal(2 / 10.0, ten.MeanFillFraction, 12);
        // τ = 1 s: posts at t = 2..18, 9 per side; only the ask posted at t=4 lives until t=5.
        Assert.Equal(18, one.Posts);
        Assert.Equal(1 / 18.0, one.FillProbability, 12);
        Assert.Equal(450, profile.MeanMarketOrderShares, 12);
    }

    [Fact]
    public void Expected_fill_fraction_matches_the_poisson_sums_worked_by_hand()
    {
        double mu = 0.7;
        Assert.Equal(1 - Math.Exp(-mu), PassiveFillCalibrator.ExpectedFillFraction(mu, 1), 12);
        // φ·m̄/Q = ½: E[min(1, N/2)] = ½·P(N=1) + P(N ≥ 2).
        double p0 = Math.Exp(-mu), p1 = mu * p0;
        Assert.Equal(0.5 * p1 + (1 - p0 - p1), PassiveFillCalibrator.ExpectedFillFraction(mu, 0.5), 12);
        // A third: ⅓·P(1) + ⅔·P(2) + P(N ≥ 3).
        double p2 = p1 * mu / 2;
        Assert.Equal(p1 / 3 + 2 * p2 / 3 + (1 - p0 - p1 - p2), PassiveFillCalibrator.ExpectedFillFraction(mu, 1 / 3.0), 12);
        Assert.Equal(0, PassiveFillCalibrator.ExpectedFillFraction(0, 0.2));
    }

    [Fact]
    public void The_fit_recovers_k_and_phi_from_fill_curves_the_model_itself_produced()
    {
        const double a = 0.15, k = 1.3, phi = 0.12, mbar = 150, q = 150;
        var cells = new List<FillCurvePoint>();
        foreach (var ticks in new[] { 0, 1, 2, 3, 4 })
            foreach (var ttl in new[] { 1.0, 10, 60, 300 })
            {
                double bps = ticks * 0.45;
                cells.Add(new FillCurvePoint(ticks, bps, ttl, 100, 0, PassiveFillCalibrator.ExpectedFillFraction(a * ttl * Math.Exp(-k * bps), phi * mbar / q), 0));
            }
        var (fk, fphi, rmse) = PassiveFillCalibrator.FitFills(cells, a, mbar, q);
        Assert.Equal(k, fk, 6);
        Assert.Equal(phi, fphi, 6);
        Assert.True(rmse < 1e-9);
    }

    [Fact]
    public void Adverse_selection_is_the_mid_move_per_market_order_when_each_order_moves_the_mid_by_a_cent()
    {
        // Ask/bid start 100.01/100.00. Each second: buy market orders lift the ask one cent per order (LOBSTER: execution then
        // a new higher ask) or sell orders lower the bid and ask; net counts per 10-s bin differ, so the regression sees them.
        var rows = new List<(string, string)> { ("34200,1,1,100,1000100,-1", $"{Ask},100,{Bid},100") };
        long ask = 1000100, bid = 1000000;
        int id = 2;
        var pattern = new[] { 1, 1, -1, 1, 0, 1, -1, -1, 1, 1, 1, 1, 0, -1, 1, 1, -1, 0, 1, 1, 1, -1, -1, -1, 1, 0, 1, 1, 1, -1 };
        for (int s = 0; s < pattern.Length * 2; s++)
        {
            int sign = pattern[s % pattern.Length];
            double t = 34201 + s;
            if (sign == 0) { rows.Add(($"{t},1,{id++},10,{bid},1", $"{ask},100,{bid},110")); rows.Add(($"{t + 0.5},3,{id++},10,{bid},1", $"{ask},100,{bid},100")); continue; }
            if (sign > 0)
            {
                rows.Add(($"{t},4,{id++},100,{ask},-1", $"{ask},0,{bid},100"));
                ask += 100; bid += 100;
            }
            else
            {
                rows.Add(($"{t},4,{id++},100,{bid},1", $"{ask},100,{bid},0"));
                ask -= 100; bid -= 100;
            }
            rows.Add(($"{t + 0.5},1,{id++},100,{ask},-1", $"{ask},100,{bid},100"));
        }
        // The books written above are not LOBSTER-consistent at every row, so build the dataset from them directly.
        var data = DirectDataset(rows);
        var profile = PassiveFillCalibrator.Calibrate(data, new CalibrationOptions { ImpactBinSeconds = 10, FillTtlsSeconds = [1], FillOffsetsTicks = [0] })!;
        // Each market order moves the mid by one cent, about 1 bps of $100: the slope is 1 bps per order up to the mid's level.
        Assert.Equal(1.0, profile.MarkoutBpsPerMarketOrder, 2);
        Assert.True(profile.MarkoutRegressionR2 > 0.999);
    }

    /// <summary>A dataset from (message, book) lines without the parser's consistency check: book rows and executions only.</summary>
    private static MarketDataset DirectDataset(List<(string Message, string Book)> rows)
    {
        const long day = 1_340_236_800L * 1_000_000_000L; // 2012-06-21
        var times = new List<long>();
        var ap = new List<double>(); var az = new List<double>(); var bp = new List<double>(); var bz = new List<double>();
        var tt = new List<long>(); var tp = new List<double>(); var ts = new List<double>(); var sd = new List<sbyte>();
        foreach (var (message, book) in rows)
        {
            var m = message.Split(',');
            var b = book.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            long t = day + (long)Math.Round(double.Parse(m[0], System.Globalization.CultureInfo.InvariantCulture) * 1e9);
            times.Add(t);
            ap.Add(b[0] / 1e4); az.Add(b[1]); bp.Add(b[2] / 1e4); bz.Add(b[3]);
            if (m[1] is "4")
            {
                tt.Add(t); tp.Add(double.Parse(m[4], System.Globalization.CultureInfo.InvariantCulture) / 1e4); ts.Add(double.Parse(m[3], System.Globalization.CultureInfo.InvariantCulture));
                sd.Add((sbyte)-int.Parse(m[5], System.Globalization.CultureInfo.InvariantCulture)); // LOBSTER's direction is the resting side
            }
        }
        return new MarketDataset("lobster", "TEST", new BookSeries(1, [.. times], [.. ap], [.. az], [.. bp], [.. bz]),
            new TradeSeries([.. tt], [.. tp], [.. ts], [.. sd]), [], "test", []);
    }
}
