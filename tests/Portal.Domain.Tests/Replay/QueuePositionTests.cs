using Portal.Domain.MarketData;
using Portal.Domain.Replay;

namespace Portal.Domain.Tests.Replay;

/// <summary>Queue position of our limit order on a recorded book, against hand-worked message sequences.</summary>
public class QueuePositionTests
{
    private const long T0 = 1_700_000_000L * 1_000_000_000L;
    private const long S = 1_000_000_000L;

    /// <summary>A one-level book (ask 100.01, bid 100.00) whose ask size at each second is given, with trades.</summary>
    private static MarketDataset Book(double[] askSizes, params (long Second, double Price, double Size, sbyte Side)[] trades)
    {
        int n = askSizes.Length;
        var times = new long[n];
        var ap = new double[n];
        var bp = new double[n];
        var bz = new double[n];
        for (int i = 0; i < n; i++)
        {
            times[i] = T0 + i * S;
            ap[i] = 100.01;
            bp[i] = 100.00;
            bz[i] = 500;
        }

        var book = new BookSeries(1, times, ap, (double[])askSizes.Clone(), bp, bz);
        var tradeSeries = new TradeSeries(
            trades.Select(t => T0 + t.Second * S).ToArray(), trades.Select(t => t.Price).ToArray(),
            trades.Select(t => t.Size).ToArray(), trades.Select(t => t.Side).ToArray());
        return new MarketDataset("lobster", "TEST", book, tradeSeries, [], "test", []);
    }

    [Fact]
    public void Our_order_joins_behind_the_displayed_depth_and_executions_reach_it_only_after_the_queue_ahead()
    {
        // Ask 300 displayed when we post 100 at 100.01. Buy market orders of 200 then 150 lift the ask: 300 ahead are
        // consumed after 200 + 100, the last 50 fill us.
        var data = Book([300, 300, 100, 100, 0], (2, 100.01, 200, 1), (4, 100.01, 150, 1));
        var fills = RecordedQueue.Simulate(data, buy: false, 100.01, 100, T0, T0 + 10 * S, CancellationModel.Proportional);
        var fill = Assert.Single(fills);
        Assert.Equal(T0 + 4 * S, fill.TimeNs);
        Assert.Equal(50, fill.Size, 12);
    }

    [Fact]
    public void Partial_fill_then_full_fill_as_executions_arrive()
    {
        var q = new QueuePosition(100, depthAhead: 40, CancellationModel.Proportional);
        Assert.Equal(20, q.Execute(60)); // 40 ahead, then 20 of ours
        Assert.Equal(0, q.Ahead);
        Assert.Equal(80, q.Remaining);
        Assert.Equal(80, q.Execute(500));
        Assert.Equal(0, q.Remaining);
        Assert.Equal(100, q.Filled);
    }

    [Fact]
    public void Proportional_cancellations_advance_us_by_the_share_of_the_queue_ahead()
    {
        var q = new QueuePosition(10, depthAhead: 300, CancellationModel.Proportional);
        q.Add(100); // 300 ahead, 100 behind
        q.Cancel(200); // 3/4 from ahead
        Assert.Equal(150, q.Ahead, 12);
        Assert.Equal(50, q.Behind, 12);
    }

    [Fact]
    public void Cancellations_from_the_back_reach_the_queue_ahead_only_when_nothing_is_behind()
    {
        var q = new QueuePosition(10, depthAhead: 300, CancellationModel.FromBack);
        q.Add(100);
        q.Cancel(150);
        Assert.Equal(0, q.Behind);
        Assert.Equal(250, q.Ahead, 12);
    }

    [Fact]
    public void The_cancellation_model_decides_how_much_of_an_execution_reaches_us()
    {
        // We post 100 behind 200 displayed; second 1: 100 join behind us (depth 300); second 2: the depth falls to 150
        // without an execution, 150 cancelled; second 3: a buy market order of 180 lifts the ask.
        // Proportional: 150 × 200/300 = 100 of the cancellation was ahead → 100 ahead, the buy fills 80 of ours.
        // From the back: the 100 behind go first, then 50 ahead → 150 ahead, the buy fills 30 of ours.
        var data = Book([200, 300, 150, 150], (3, 100.01, 180, 1));
        var proportional = RecordedQueue.Simulate(data, false, 100.01, 100, T0, T0 + 10 * S, CancellationModel.Proportional);
        var fromBack = RecordedQueue.Simulate(data, false, 100.01, 100, T0, T0 + 10 * S, CancellationModel.FromBack);
        Assert.Equal(80, proportional.Sum(f => f.Size), 9);
        Assert.Equal(30, fromBack.Sum(f => f.Size), 9);
    }

    [Fact]
    public void Nothing_after_the_time_to_live_fills_the_order()
    {
        // The execution that would reach us comes at second 5; the order expires at second 4.
        var data = Book([100, 100, 100, 100, 100, 0, 0], (5, 100.01, 300, 1));
        Assert.Empty(RecordedQueue.Simulate(data, false, 100.01, 50, T0, T0 + 4 * S, CancellationModel.Proportional));
        Assert.Equal(50, RecordedQueue.Simulate(data, false, 100.01, 50, T0, T0 + 5 * S, CancellationModel.Proportional).Sum(f => f.Size), 9);
    }

    [Fact]
    public void Messages_after_the_expiry_never_change_the_fills()
    {
        var baseline = Book([300, 300, 250, 250, 100, 100, 100, 100], (2, 100.01, 100, 1), (3, 100.01, 260, 1), (6, 100.01, 500, 1));
        var changed = Book([300, 300, 250, 250, 100, 5, 900, 1], (2, 100.01, 100, 1), (3, 100.01, 260, 1), (5, 100.02, 900, 1), (6, 100.01, 1, 1));
        var a = RecordedQueue.Simulate(baseline, false, 100.01, 100, T0, T0 + 4 * S, CancellationModel.Proportional);
        var b = RecordedQueue.Simulate(changed, false, 100.01, 100, T0, T0 + 4 * S, CancellationModel.Proportional);
        Assert.Equal(a, b);
        Assert.NotEmpty(a);
    }

    [Fact]
    public void A_trade_through_our_price_or_executions_on_the_other_side_behave_as_recorded()
    {
        // A sell aggressor hits the bid: nothing for our ask. A buy at 100.02 walked through our level: we are filled.
        var data = Book([500, 500, 500, 500], (1, 100.00, 400, -1), (2, 100.02, 10, 1));
        var fills = RecordedQueue.Simulate(data, false, 100.01, 70, T0, T0 + 10 * S, CancellationModel.Proportional);
        var fill = Assert.Single(fills);
        Assert.Equal(T0 + 2 * S, fill.TimeNs);
        Assert.Equal(70, fill.Size);
    }

    [Fact]
    public void Limit_prices_lie_on_the_tick_grid_away_from_the_mid()
    {
        var book = Book([100]).Book;
        Assert.Equal(100.01, RecordedQueue.LimitPrice(book, 0, buy: false, 0), 9);
        Assert.Equal(100.03, RecordedQueue.LimitPrice(book, 0, buy: false, 0.015), 9);
        Assert.Equal(99.98, RecordedQueue.LimitPrice(book, 0, buy: true, 0.015), 9);
    }
}
