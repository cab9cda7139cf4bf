using Portal.Agents.Environment;
using Portal.Agents.Training;
using Portal.Domain.Backtesting;
using Portal.Domain.MarketData;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Agents.Tests;

/// <summary>The replay market executes like the replay backtest, observes the recorded book, and keeps training off the test segment.</summary>
public sealed class ReplayMarketTests
{
    [Theory]
    [InlineData(Side.Sell)]
    [InlineData(Side.Buy)]
    public void Twap_costs_what_the_replay_backtest_charges_for_the_same_window(Side side)
    {
        var scenario = TestMarkets.AmznReplay(side);
        var options = scenario.Replay!.Options;
        var backtest = ReplayRunner.Run(scenario, TestMarkets.Amzn, options).Strategies.Single(s => s.StrategyId == "twap");

        var market = new ReplayMarket(scenario, TestMarkets.Amzn, options, 64, riskAversion: 0);
        var env = new ExecutionEnvironment(market, ObservationNormalizer.Identity);
        env.Reset(3);
        var twap = StrategyCatalog.Create("twap", scenario);
        var fractions = new double[64];
        while (!env.Done)
        {
            var context = new DecisionContext
            {
                Scenario = scenario, Seed = scenario.Seed, Step = env.DecisionIndex, Steps = market.Steps,
                Quantity = market.Plan.Quantity, ExpectedStepVolume = market.Plan.ExpectedStepVolume,
            };
            twap.Decide(context, [], fractions);
            env.Step(fractions);
        }

        for (int i = 0; i < 64; i++)
        {
            var expected = backtest.Episodes[market.WindowIndex(i)];
            Assert.Equal(expected.ShortfallBps, env.EpisodeShortfallBps[i], 9);
            Assert.Equal(market.Window(i), ReplayRunner.Windows(scenario, TestMarkets.Amzn, options)[market.WindowIndex(i)]);
        }

        Assert.True(Enumerable.Range(0, 64).Select(market.WindowIndex).Distinct().Count() > 25, "a reset should spread over many windows");
        Assert.True(backtest.Episodes.Any(e => e.TemporaryImpactBps > 0), "the order should be large enough to walk the book");
    }

    [Fact]
    public void Book_imbalance_on_a_hand_made_book_is_positive_when_the_side_traded_against_is_deeper()
    {
        // Every second for two hours: bids 300 @ 99.99 + 500 @ 99.98, asks 100 @ 100.01 + 100 @ 100.02, one 50-share print.
        const int n = 7_200;
        const long t0 = 1_700_000_000L * 1_000_000_000L;
        var times = Enumerable.Range(0, n).Select(i => t0 + i * 1_000_000_000L).ToArray();
        var book = new BookSeries(2, times,
            Enumerable.Range(0, n).SelectMany(_ => new[] { 100.01, 100.02 }).ToArray(), Enumerable.Repeat(100.0, 2 * n).ToArray(),
            Enumerable.Range(0, n).SelectMany(_ => new[] { 99.99, 99.98 }).ToArray(), Enumerable.Range(0, n).SelectMany(_ => new[] { 300.0, 500.0 }).ToArray());
        var trades = new TradeSeries(times, Enumerable.Repeat(100.0, n).ToArray(), Enumerable.Repeat(50.0, n).ToArray(), Enumerable.Repeat((sbyte)1, n).ToArray());
        var dataset = new MarketDataset("csv", "HAND", book, trades, [], new string('0', 64), ["hand"]);
        Scenario Order(Side side) => new()
        {
            Order = new OrderSpec { Side = side, SizePctAdv = 0.01, HorizonMinutes = 10, Steps = 5 },
            Market = new MarketSpec(),
            Episodes = 4,
        };

        // (800 − 200) / 1000 = 0.6: deep bids favour a seller and work against a buyer.
        var sell = new ReplayMarket(Order(Side.Sell), dataset, new ReplayOptions { Segment = ReplaySegment.Train }, 4, 0);
        var buy = new ReplayMarket(Order(Side.Buy), dataset, new ReplayOptions { Segment = ReplaySegment.Train }, 4, 0);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(0.6, sell.Observe(i).BookImbalance, 12);
            Assert.Equal(-0.6, buy.Observe(i).BookImbalance, 12);
        }
    }

    [Fact]
    public void Book_imbalance_is_non_zero_varies_and_flips_with_the_side_on_the_real_level_5_book()
    {
        var options = new ReplayOptions { Segment = ReplaySegment.Train };
        var sell = new ReplayMarket(TestMarkets.AmznReplay(Side.Sell), TestMarkets.Amzn, options, 128, 0);
        var buy = new ReplayMarket(TestMarkets.AmznReplay(Side.Buy), TestMarkets.Amzn, options, 128, 0);
        sell.Reset(8);
        buy.Reset(8);
        var seen = new List<double>();
        var none = new double[128];
        var cost = new double[128];
        var penalty = new double[128];
        while (sell.StepIndex < sell.Steps)
        {
            for (int i = 0; i < 128; i++)
            {
                double imbalance = sell.Observe(i).BookImbalance;
                Assert.InRange(imbalance, -1, 1);
                Assert.Equal(-imbalance, buy.Observe(i).BookImbalance);
                seen.Add(imbalance);
            }

            sell.Step(none, cost, penalty);
            buy.Step(none, cost, penalty);
        }

        double mean = seen.Average();
        double sd = Math.Sqrt(seen.Average(v => (v - mean) * (v - mean)));
        Assert.True(seen.Count(v => v != 0) > 0.95 * seen.Count, "imbalance should be non-zero on nearly every observation");
        Assert.True(seen.Distinct().Count() > 100, $"only {seen.Distinct().Count()} distinct imbalances");
        Assert.True(seen.Min() < -0.3 && seen.Max() > 0.3 && sd > 0.1, $"range [{seen.Min()}, {seen.Max()}], sd {sd}");
    }

    [Fact]
    public void A_seed_picks_the_same_windows_every_time_and_another_seed_other_windows()
    {
        var options = new ReplayOptions { Segment = ReplaySegment.Train };
        var a = new ReplayMarket(TestMarkets.AmznReplay(), TestMarkets.Amzn, options, 32, 0);
        var b = new ReplayMarket(TestMarkets.AmznReplay(), TestMarkets.Amzn, options, 32, 0);
        a.Reset(21);
        b.Reset(99);
        b.Reset(21);
        var first = Enumerable.Range(0, 32).Select(a.WindowIndex).ToArray();
        Assert.Equal(first, Enumerable.Range(0, 32).Select(b.WindowIndex));
        Assert.Equal(first, Enumerable.Range(0, 32).Select(i => ReplayMarket.WindowFor(21, i, a.Windows.Count)));
        a.Reset(22);
        Assert.NotEqual(first, Enumerable.Range(0, 32).Select(a.WindowIndex));
    }

    [Fact]
    public void Training_episodes_never_touch_test_segment_timestamps_and_evaluation_only_replays_the_test_segment()
    {
        var source = MarketSource.For(TestMarkets.AmznReplay(), TestMarkets.Amzn, riskAversion: 0);
        long split = ReplayRunner.SplitTime(TestMarkets.Amzn, source.ReplayOptionsFor(MarketPurpose.Training));
        var train = Assert.IsType<ReplayMarket>(source.CreateMarket(256, MarketPurpose.Training));
        var test = Assert.IsType<ReplayMarket>(source.CreateMarket(256, MarketPurpose.Evaluation));
        var times = TestMarkets.Amzn.Book.Times;
        var latestTrainingTime = long.MinValue;
        for (long seed = 0; seed < 20; seed++)
        {
            train.Reset(seed);
            test.Reset(seed);
            for (int i = 0; i < 256; i++)
            {
                var window = train.Window(i);
                Assert.True(window.EndNs <= split, $"training window {window} ends after the split {split}");
                // The last step trades over [t, t + step), so every recorded trade it counts is before the window's end.
                Assert.True(window.StartNs + train.Steps * train.Plan.StepNs <= split);
                for (int k = 0; k < train.Steps; k++)
                {
                    latestTrainingTime = Math.Max(latestTrainingTime, times[train.BookRow(i, k)]);
                }

                Assert.True(test.Window(i).StartNs >= split, $"evaluation window {test.Window(i)} starts before the split");
            }
        }

        Assert.True(latestTrainingTime < split, "a training episode read a snapshot of the test segment");
        Assert.All(train.Windows, w => Assert.True(w.EndNs <= split));
        Assert.All(test.Windows, w => Assert.True(w.StartNs >= split));
    }

    [Fact]
    public void A_replay_scenario_without_its_dataset_is_refused_naming_the_dataset()
    {
        var scenario = TestMarkets.AmznReplay();
        var request = new TrainRequest { Algorithm = "ppo", Market = MarketSource.For(scenario) };
        var error = Assert.ThrowsAny<ArgumentException>(() => request.Validated());
        Assert.Contains(scenario.Replay!.DatasetId.ToString(), error.Message);

        // A horizon the test segment cannot hold fails at validation, naming the segment, not in the middle of training.
        var tooLong = scenario with { Order = scenario.Order with { HorizonMinutes = 150, Steps = 6 } };
        var segment = Assert.ThrowsAny<ArgumentException>(() => MarketSource.For(tooLong, TestMarkets.Amzn).Validated());
        Assert.Contains("test segment", segment.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Null(MarketSource.For(scenario, TestMarkets.Amzn).Optimum());

        // A recording has no easier version; one given without a replay section must not fall back to the simulator.
        Assert.Throws<ArgumentException>(() => Curriculum.EasyToHard(MarketSource.For(scenario with { Replay = null }, TestMarkets.Amzn)));
    }
}
