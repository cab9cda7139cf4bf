using Portal.Testing;
using Portal.Domain.Backtesting;
using Portal.Domain.MarketData;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Tests.MarketData;

public class ReplayTests
{
    private static readonly Lazy<MarketDataset> Amzn = new(() =>
        LobsterParser.ParseFiles(SharedData.File(SharedData.AmznMessage5), SharedData.File(SharedData.AmznOrderbook5)));

    /// <summary>Asks 100.01 ×100, 100.02 ×200, 100.03 ×300; bids 99.99 ×100, 99.98 ×200, 99.97 ×300.</summary>
    private static BookSeries ThreeLevels() => new(3, [0, 1_000_000_000],
        [100.01, 100.02, 100.03, 100.01, 100.02, 100.03], [100, 200, 300, 100, 200, 300],
        [99.99, 99.98, 99.97, 99.99, 99.98, 99.97], [100, 200, 300, 100, 200, 300]);

    [Fact]
    public void Tiny_buy_pays_the_best_ask_and_tiny_sell_gets_the_best_bid()
    {
        var b = ThreeLevels();
        var buy = BookWalk.Execute(b, 0, buy: true, 1);
        Assert.Equal(100.01, buy.AveragePrice, 12);          // mid 100 + half-spread 0.01
        Assert.Equal(1, buy.LevelsTouched);
        var sell = BookWalk.Execute(b, 0, buy: false, 1);
        Assert.Equal(99.99, sell.AveragePrice, 12);
    }

    [Fact]
    public void Order_larger_than_a_level_walks_several_levels_at_their_volume_weighted_price()
    {
        var w = BookWalk.Execute(ThreeLevels(), 0, buy: true, 250);
        Assert.Equal((100 * 100.01 + 150 * 100.02) / 250, w.AveragePrice, 12);
        Assert.Equal(2, w.LevelsTouched);
        Assert.Equal(100.02, w.LastPrice, 12);
    }

    [Fact]
    public void Order_larger_than_the_visible_depth_continues_on_extrapolated_levels()
    {
        // 600 visible, then levels of the mean size 200 every 0.01: 200 at 100.04, 50 at 100.05.
        var w = BookWalk.Execute(ThreeLevels(), 0, buy: false, 850);
        var expected = (100 * 99.99 + 200 * 99.98 + 300 * 99.97 + 200 * 99.96 + 50 * 99.95) / 850;
        Assert.Equal(expected, w.AveragePrice, 10);
        Assert.Equal(5, w.LevelsTouched);
        Assert.Equal(250, w.BeyondVisible, 10);
        Assert.Equal(99.95, w.LastPrice, 10);
    }

    [Fact]
    public void Shift_moves_every_level_adversely()
    {
        var w = BookWalk.Execute(ThreeLevels(), 0, buy: true, 250, shift: 0.5);
        Assert.Equal((100 * 100.51 + 150 * 100.52) / 250, w.AveragePrice, 10);
    }

    private static Scenario TinyImmediate(Side side) => new()
    {
        Name = "tiny",
        Order = new OrderSpec { Side = side, SizePctAdv = 1e-6, HorizonMinutes = 30, Steps = 6 },
        Market = new MarketSpec(),
        Episodes = 8,
        Strategies = ["immediate", "twap"],
    };

    [Theory]
    [InlineData(Side.Buy)]
    [InlineData(Side.Sell)]
    public void Tiny_immediate_order_on_real_data_costs_exactly_half_the_recorded_spread(Side side)
    {
        var ds = Amzn.Value;
        var scenario = TinyImmediate(side);
        var result = ReplayRunner.Run(scenario, ds);
        var windows = ReplayRunner.Windows(scenario, ds);
        var immediate = result.Strategies.Single(s => s.StrategyId == "immediate");
        foreach (var ep in immediate.Episodes)
        {
            var row = RowAtOrBefore(ds.Book, windows[ep.Episode].StartNs);
            var halfSpreadBps = ds.Book.Spread(row) / 2 / ds.Book.Mid(row) * 1e4;
            Assert.Equal(halfSpreadBps, ep.ShortfallBps, 9);
            Assert.Equal(halfSpreadBps, ep.SpreadAndFeesBps, 9);
            Assert.Equal(0, ep.TimingBps, 12);
            Assert.Equal(0, ep.TemporaryImpactBps, 12);
        }
    }

    [Fact]
    public void Large_order_walks_the_real_book_and_pays_more_than_the_half_spread()
    {
        var ds = Amzn.Value;
        var scenario = TinyImmediate(Side.Buy) with { Order = new OrderSpec { Side = Side.Buy, SizePctAdv = 0.5, HorizonMinutes = 30, Steps = 6 } };
        var result = ReplayRunner.Run(scenario, ds, new ReplayOptions { Adv = 800_000 });
        Assert.Equal(4_000, result.Quantity, 9);
        var windows = ReplayRunner.Windows(scenario, ds);
        var ep = result.Strategies.Single(s => s.StrategyId == "immediate").Episodes[3];
        var row = RowAtOrBefore(ds.Book, windows[3].StartNs);
        var walk = BookWalk.Execute(ds.Book, row, buy: true, 4_000);
        Assert.True(walk.LevelsTouched >= 2, $"4,000 shares touched only {walk.LevelsTouched} level(s)");
        var mid = ds.Book.Mid(row);
        Assert.Equal((walk.AveragePrice - mid) / mid * 1e4, ep.ShortfallBps, 9);
        Assert.True(ep.TemporaryImpactBps > 0);
    }

    [Fact]
    public void Own_impact_raises_the_cost_of_later_child_orders_and_decays()
    {
        var ds = Amzn.Value;
        var scenario = TinyImmediate(Side.Sell) with { Order = new OrderSpec { Side = Side.Sell, SizePctAdv = 1, HorizonMinutes = 30, Steps = 10 }, Strategies = ["twap"] };
        var none = ReplayRunner.Run(scenario, ds, new ReplayOptions { TransientImpactFactor = 0 });
        var some = ReplayRunner.Run(scenario, ds, new ReplayOptions { TransientImpactFactor = 1, ImpactDecaySeconds = 600 });
        var fast = ReplayRunner.Run(scenario, ds, new ReplayOptions { TransientImpactFactor = 1, ImpactDecaySeconds = 1 });
        double Temp(BacktestResult r) => r.Strategies[0].Episodes.Average(e => e.TemporaryImpactBps);
        Assert.True(Temp(some) > Temp(fast) && Temp(fast) >= Temp(none), $"{Temp(none)} {Temp(fast)} {Temp(some)}");
        // Timing and spread are recorded-market quantities, identical whatever our impact.
        Assert.Equal(none.Strategies[0].Episodes.Select(e => e.TimingBps), some.Strategies[0].Episodes.Select(e => e.TimingBps));
    }

    [Fact]
    public void Participation_cap_is_measured_against_recorded_volume_and_the_rest_is_forced()
    {
        var ds = Amzn.Value;
        var scenario = TinyImmediate(Side.Sell) with
        {
            Order = new OrderSpec { Side = Side.Sell, SizePctAdv = 2, HorizonMinutes = 30, Steps = 6 },
            Constraints = new ConstraintSpec { MaxParticipationPct = 10 },
            Strategies = ["immediate"],
        };
        var r = ReplayRunner.Run(scenario, ds, new ReplayOptions { Adv = 800_000 });
        var windows = ReplayRunner.Windows(scenario, ds);
        foreach (var ep in r.Strategies.Single(s => s.StrategyId == "immediate").Episodes)
        {
            // "immediate" asks for everything at every step; the cap lets through 10 % of each step's recorded volume,
            // so what is left for the forced trade is max(0, X − 10 % of the window's recorded volume).
            var w = windows[ep.Episode];
            double volume = 0;
            for (var i = 0; i < ds.Trades.Count; i++)
                if (ds.Trades.Times[i] >= w.StartNs && ds.Trades.Times[i] < w.EndNs) volume += ds.Trades.Sizes[i];
            Assert.Equal(Math.Max(0, 16_000 - 0.1 * volume), ep.ForcedQuantity, 6);
            Assert.True(ep.MaxParticipation <= 0.1 + 1e-12 || ep.ForcedQuantity > 0);
        }
        Assert.True(r.Strategies[0].Summary.Completion < 1);
        // Before the horizon the cap holds the participation rate at or below 10 % of every step's recorded volume.
        var participation = r.Strategies.Single(s => s.StrategyId == "immediate").MeanParticipation;
        Assert.Equal(6, participation.Length);
        Assert.All(participation[..^1], p => Assert.InRange(p, 1e-6, 0.1 + 1e-12));
    }

    [Fact]
    public void Replay_is_deterministic()
    {
        var ds = Amzn.Value;
        var scenario = TinyImmediate(Side.Sell) with
        {
            Order = new OrderSpec { Side = Side.Sell, SizePctAdv = 1, HorizonMinutes = 60, Steps = 12 },
            Strategies = ["twap", "vwap", "pov", "ac", "random", "immediate"],
            Episodes = 20,
        };
        var a = ReplayRunner.Run(scenario, ds);
        var b = ReplayRunner.Run(scenario, ds);
        for (var s = 0; s < a.Strategies.Count; s++)
        {
            Assert.Equal(a.Strategies[s].Episodes, b.Strategies[s].Episodes);
            Assert.Equal(a.Strategies[s].Summary, b.Strategies[s].Summary);
        }
        Assert.Equal(7, a.Strategies.Count); // the six listed and the best static schedule
        Assert.NotNull(a.Strategies.Single(s => s.StrategyId == "twap").Summary.VsBestStatic);
        Assert.NotNull(a.Strategies.Single(s => s.StrategyId == "ac").Summary.VsTwap);
    }

    [Fact]
    public void Train_and_test_windows_do_not_overlap_and_start_at_different_times()
    {
        var ds = Amzn.Value;
        var scenario = TinyImmediate(Side.Buy) with { Episodes = 30 };
        var split = ReplayRunner.SplitTime(ds, new ReplayOptions { TrainFraction = 0.6 });
        var train = ReplayRunner.Windows(scenario, ds, new ReplayOptions { TrainFraction = 0.6, Segment = ReplaySegment.Train });
        var test = ReplayRunner.Windows(scenario, ds, new ReplayOptions { TrainFraction = 0.6, Segment = ReplaySegment.Test });
        Assert.All(train, w => Assert.True(w.EndNs <= split));
        Assert.All(test, w => Assert.True(w.StartNs >= split && w.EndNs <= ds.Summary.EndTimeNs));
        Assert.Equal(30, test.Select(w => w.StartNs).Distinct().Count());
        var s = ds.Summary;
        Assert.Equal(s.StartTimeNs + 0.6 * (s.EndTimeNs - s.StartTimeNs), split, 1e3);
    }

    [Fact]
    public void Horizon_longer_than_the_segment_is_rejected_with_a_reason()
    {
        var scenario = TinyImmediate(Side.Buy) with { Order = new OrderSpec { HorizonMinutes = 300, Steps = 10 } };
        var ex = Assert.Throws<ScenarioValidationException>(() => ReplayRunner.Windows(scenario, Amzn.Value, new ReplayOptions { Segment = ReplaySegment.Test }));
        var error = Assert.Single(ex.Errors);
        Assert.Equal("order.horizonMinutes", error.Field);
        // The same words as the portal's check (HorizonLimits): the segment's own length, not the session's.
        var (from, to) = ReplayRunner.SegmentRange(Amzn.Value.Summary.StartTimeNs, Amzn.Value.Summary.EndTimeNs, Amzn.Value.Book.Times[0], new ReplayOptions { Segment = ReplaySegment.Test });
        Assert.Equal(HorizonLimits.Check(scenario with { Replay = new ReplaySpec { Options = new ReplayOptions { Segment = ReplaySegment.Test } } }, (to - from) / 6e10), error);
        Assert.StartsWith("is 300, allowed range (0, ", error.Message);
        Assert.Contains("(the test segment of the replayed recording lasts ", error.Message);
    }

    /// <summary>Two hours of a flat two-level book (99.99/100.01, 1,000 shares at each of two levels a side, levels 0.01
    /// apart), one snapshot and one 100-share print a second.</summary>
    private static MarketDataset FlatTwoLevelBook()
    {
        const int n = 7_200;
        const long t0 = 1_700_000_000L * 1_000_000_000L;
        var times = Enumerable.Range(0, n).Select(i => t0 + i * 1_000_000_000L).ToArray();
        var book = new BookSeries(2, times,
            Enumerable.Range(0, n).SelectMany(_ => new[] { 100.01, 100.02 }).ToArray(), Enumerable.Repeat(1_000.0, 2 * n).ToArray(),
            Enumerable.Range(0, n).SelectMany(_ => new[] { 99.99, 99.98 }).ToArray(), Enumerable.Repeat(1_000.0, 2 * n).ToArray());
        var trades = new TradeSeries(times, Enumerable.Repeat(100.0, n).ToArray(), Enumerable.Repeat(100.0, n).ToArray(), Enumerable.Repeat((sbyte)1, n).ToArray());
        var ds = new MarketDataset("csv", "FLAT", book, trades, [], new string('0', 64), ["flat"]);
        return ds;
    }

    [Fact]
    public void Transient_impact_on_a_flat_book_matches_the_closed_form()
    {
        var ds = FlatTwoLevelBook();
        var scenario = new Scenario
        {
            Order = new OrderSpec { Side = Side.Sell, SizePctAdv = 0.06, HorizonMinutes = 10, Steps = 10 },  // 0.06 % of 1,000,000 = 600 shares
            Market = new MarketSpec(),
            Episodes = 3,
            Strategies = ["twap"],
        };
        var r = ReplayRunner.Run(scenario, ds, new ReplayOptions { Adv = 1_000_000, ImpactDecaySeconds = 60, TransientImpactFactor = 1 });
        // Each child of 60 shares adds 60 × (0.01 span + 0.01 spacing) / 2,000 visible = 0.0006; it decays by e^(−1) per 60 s step.
        const double inc = 60 * 0.02 / 2_000;
        double temp = 0;
        for (var k = 0; k < 10; k++)
        {
            double d = 0;
            for (var j = 1; j <= k; j++) d += inc * Math.Exp(-j);
            temp += 60 * d;
        }
        foreach (var ep in r.Strategies[0].Episodes)
        {
            Assert.Equal(600 * 0.01 + temp, ep.ShortfallCurrency, 9);
            Assert.Equal(temp / (100 * 600) * 1e4, ep.TemporaryImpactBps, 9);
            Assert.Equal(0, ep.TimingBps, 12);
            Assert.Equal(0.01, ep.MaxParticipation, 12);  // 60 shares against 6,000 recorded in each minute
        }
    }

    [Fact]
    public void Shares_filled_beyond_the_recorded_depth_are_counted_per_strategy_and_named_in_the_run_warnings()
    {
        // Two levels of 1,000 shares a side: Immediate sells 2,600 shares at once, 600 of them beyond the recording; TWAP's
        // children of 260 stay within it. A second run of 1,800 shares fills nothing beyond the recording.
        var ds = FlatTwoLevelBook();
        Scenario Selling(double pctAdv) => new()
        {
            Order = new OrderSpec { Side = Side.Sell, SizePctAdv = pctAdv, HorizonMinutes = 10, Steps = 10 },
            Market = new MarketSpec(),
            Episodes = 3,
            Strategies = ["immediate", "twap"],
        };
        var options = new ReplayOptions { Adv = 1_000_000, TransientImpactFactor = 0 };

        var large = ReplayRunner.Run(Selling(0.26), ds, options);
        Assert.Equal(2_600, large.Quantity, 9);
        var immediate = large.Strategies.Single(s => s.StrategyId == "immediate");
        var twap = large.Strategies.Single(s => s.StrategyId == "twap");
        Assert.Equal(600.0 / 2_600, immediate.MeanBeyondDepthFraction, 12);
        Assert.Equal(0, twap.MeanBeyondDepthFraction);
        var warning = Assert.Single(large.Warnings, w => w.StartsWith("Fills beyond", StringComparison.Ordinal));
        Assert.Contains("the 2 recorded book levels", warning, StringComparison.Ordinal);
        Assert.Contains($"{immediate.DisplayName} 23.1%", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(twap.DisplayName, warning, StringComparison.Ordinal);
        Assert.Contains("WARNING: immediate filled 23.08 % of the order beyond the recorded book depth", BacktestReport.ToText(large), StringComparison.Ordinal);

        var within = ReplayRunner.Run(Selling(0.18), ds, options);
        Assert.All(within.Strategies, s => Assert.Equal(0, s.MeanBeyondDepthFraction));
        Assert.DoesNotContain(within.Warnings, w => w.StartsWith("Fills beyond", StringComparison.Ordinal));
    }

    [Fact]
    public void Book_imbalance_is_bid_minus_ask_depth_over_every_level_and_observed_favourable_positive()
    {
        // Row 0: bids 300 + 500 = 800, asks 100 + 100 = 200 → (800 − 200) / 1000 = 0.6. Row 1: bids 50, asks 150 + 0 → −0.5.
        // Row 2: no asks at all, so all the visible depth is on the bid: +1.
        var book = new BookSeries(2, [0, 1_000_000_000, 2_000_000_000],
            [100.01, 100.02, 100.01, double.NaN, double.NaN, double.NaN], [100, 100, 150, 0, 0, 0],
            [99.99, 99.98, 99.99, double.NaN, 99.99, 99.98], [300, 500, 50, 0, 40, 60]);
        var trades = new TradeSeries([0, 1_000_000_000], [100, 100], [10, 10], [1, -1]);
        var market = new RecordedMarket(new MarketDataset("csv", "HAND", book, trades, [], new string('0', 64), ["hand"]));
        Assert.Equal(0.6, market.BookImbalance(0), 12);
        Assert.Equal(-0.5, market.BookImbalance(1), 12);
        Assert.Equal(1.0, market.BookImbalance(2), 12);

        // Deep bids favour a seller (positive) and hurt a buyer (negative): the observation carries the side's sign.
        Scenario Order(Side side) => new()
        {
            Order = new OrderSpec { Side = side, SizePctAdv = 1, HorizonMinutes = 1, Steps = 2 },
            Market = new MarketSpec(),
        };
        var sell = market.Plan(Order(Side.Sell));
        var buy = market.Plan(Order(Side.Buy));
        Assert.Equal(0.6, market.Observe(sell, 0, 0, 0, sell.Quantity, 0, 100, 0, 0, 1).BookImbalance, 12);
        Assert.Equal(-0.6, market.Observe(buy, 0, 0, 0, buy.Quantity, 0, 100, 0, 0, 1).BookImbalance, 12);
        Assert.Equal(0.5, market.Observe(buy, 0, 0, 1, buy.Quantity, 0, 100, 0, 0, 1).BookImbalance, 12);
    }

    [Fact]
    public void Book_imbalance_is_non_zero_and_swings_both_ways_on_the_real_level_5_book()
    {
        var market = new RecordedMarket(Amzn.Value);
        var values = Enumerable.Range(0, market.Book.Count).Select(market.BookImbalance).ToArray();
        Assert.All(values, v => Assert.InRange(v, -1, 1));
        Assert.True(values.Count(v => v != 0) > 0.95 * values.Length, "imbalance should be non-zero on nearly every snapshot");
        Assert.True(values.Min() < -0.5 && values.Max() > 0.5, $"imbalance should swing both ways; range [{values.Min()}, {values.Max()}]");
        var mean = values.Average();
        Assert.True(Math.Sqrt(values.Average(v => (v - mean) * (v - mean))) > 0.1);
    }

    [Fact]
    public void Replay_options_round_trip_through_json_with_a_named_segment()
    {
        var o = new ReplayOptions { Segment = ReplaySegment.Test, TrainFraction = 0.8, ImpactDecaySeconds = 30 };
        var json = System.Text.Json.JsonSerializer.Serialize(o, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        Assert.Contains("\"segment\":\"Test\"", json);
        Assert.Equal(o, System.Text.Json.JsonSerializer.Deserialize<ReplayOptions>(json, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)));
    }

    private static int RowAtOrBefore(BookSeries b, long t)
    {
        var row = 0;
        while (row + 1 < b.Count && b.Times[row + 1] <= t) row++;
        return row;
    }
}
