using Portal.Domain.Backtesting;
using Portal.Domain.MarketData;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;
using Portal.Domain.Tests.LookAhead;

namespace Portal.Domain.Tests.Replay;

/// <summary>One replayed window traced alone for the episode explorer: it is the stored episode, and nothing recorded
/// after the window's end changes it.</summary>
public class ReplayTraceTests
{
    private static readonly Scenario Scenario = new()
    {
        Name = "traced replay",
        Order = new OrderSpec { Side = Side.Sell, SizePctAdv = 1, HorizonMinutes = 30, Steps = 6 },
        Market = new MarketSpec { DailyVolatility = 0.015 },
        Episodes = 4,
        Seed = 3,
        Strategies = ["twap", "immediate", "twap-passive"],
    };

    private static readonly ReplayOptions Options = new() { Adv = 2_000_000 };

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void A_traced_window_has_the_run_episode_results_and_ignores_prices_recorded_after_its_end(int episode)
    {
        var recording = LookAheadRecordings.Make();
        var run = ReplayRunner.Run(Scenario, recording, Options, new BacktestOptions());
        var trace = ReplayRunner.Trace(Scenario, recording, episode, Options);

        Assert.Equal(run.Strategies.Select(s => s.StrategyId), trace.Strategies.Select(s => s.StrategyId));
        for (var i = 0; i < run.Strategies.Count; i++)
        {
            Assert.Equal(run.Strategies[i].Episodes[episode], trace.Strategies[i].Result);
            Assert.Equal(run.Quantity, trace.Strategies[i].Children.Sum(c => c.Shares), 1e-6);
        }
        Assert.Contains(trace.Strategies.Single(s => s.StrategyId == "twap-passive").Children.SelectMany(c => c.Fills), f => f.Kind == FillKind.Limit);

        // Every book price recorded after the window's end moved 3% down: the trace of the window does not change.
        var window = trace.Window!;
        var changed = AfterEnd(recording, window.EndNs);
        var again = ReplayRunner.Trace(Scenario, changed, episode, Options);
        Assert.NotEqual(recording.Book.BidPrices[^1], changed.Book.BidPrices[^1]);
        Assert.Equal(trace.Mid, again.Mid);
        Assert.Equal(window.Path, again.Window!.Path);
        for (var i = 0; i < trace.Strategies.Count; i++)
        {
            Assert.Equal(trace.Strategies[i].Result, again.Strategies[i].Result);
            Assert.Equal(trace.Strategies[i].Children.SelectMany(c => c.Fills), again.Strategies[i].Children.SelectMany(c => c.Fills));
        }
    }

    [Fact]
    public void A_window_outside_the_run_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ReplayRunner.Trace(Scenario, LookAheadRecordings.Make(), 4, Options));
        Assert.Equal("episode", e.ParamName);
    }

    private static MarketDataset AfterEnd(MarketDataset source, long endNs)
    {
        var b = source.Book;
        var times = b.Times.ToArray();
        var ap = b.AskPrices.ToArray();
        var bp = b.BidPrices.ToArray();
        for (var i = 0; i < times.Length; i++)
        {
            if (times[i] <= endNs) continue;
            for (var l = 0; l < b.Levels; l++)
            {
                ap[i * b.Levels + l] *= 0.97;
                bp[i * b.Levels + l] *= 0.97;
            }
        }
        var book = new BookSeries(b.Levels, times, ap, b.AskSizes.ToArray(), bp, b.BidSizes.ToArray());
        return new MarketDataset(source.Format, source.Instrument, book, source.Trades, [], source.ContentHash, source.SourceFiles);
    }
}
