using System.Text.Json.Serialization;
using Portal.Domain.MarketData;

namespace Portal.Domain.Replay;

/// <summary>Which displayed orders a recorded cancellation at our price level removes (JSON: <c>"Proportional"</c>,
/// <c>"FromBack"</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CancellationModel>))]
public enum CancellationModel
{
    /// <summary>Cancellations fall on the shares ahead of us and behind us in proportion to their sizes (every resting share
    /// equally likely to be cancelled): our queue advances by cancelled × ahead / (ahead + behind).</summary>
    Proportional,

    /// <summary>Cancellations remove the most recent orders first (behind us), and reach the queue ahead only once nothing
    /// is left behind: the pessimistic bound.</summary>
    FromBack,
}

/// <summary>The queue position of one of our limit orders resting at a price level of a recorded book.</summary>
/// <remarks>
/// <para>Our order joins the level behind the displayed depth at its price (price-time priority). A recorded execution at
/// the level (LOBSTER types 4 and 5) passes through the queue in order: the shares ahead of us first, then ours, then those
/// behind us, so we are filled once the recorded market orders reach us. A decrease of the displayed depth not explained by
/// executions is a cancellation (types 2 and 3), assigned by the <see cref="CancellationModel"/>; an increase is new orders,
/// which join behind us. A recorded trade through our price, or the opposite touch reaching it, fills what is left.</para>
/// <para>The recording does not contain our order: executions that in the recording reached shares behind us are, with
/// our order in the book, ours. This is the queue-position model of the public simulators (hftbacktest's queue models,
/// NautilusTrader's fill model), with the cancellation assumption as a parameter (Moallemi and Yuan, 2017, "A model for
/// queue position valuation in a limit order book", discuss both bounds).</para>
/// </remarks>
public sealed class QueuePosition
{
    /// <summary>Our order of <paramref name="size"/> shares joins the level behind <paramref name="depthAhead"/> displayed shares.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or not finite, or the model is unknown.</exception>
    public QueuePosition(double size, double depthAhead, CancellationModel cancellations)
    {
        if (!(size >= 0) || double.IsPositiveInfinity(size)) throw new ArgumentOutOfRangeException(nameof(size), size, "Our order size must be finite and non-negative.");
        if (!(depthAhead >= 0) || double.IsPositiveInfinity(depthAhead)) throw new ArgumentOutOfRangeException(nameof(depthAhead), depthAhead, "The depth ahead must be finite and non-negative.");
        if (!Enum.IsDefined(cancellations)) throw new ArgumentOutOfRangeException(nameof(cancellations), cancellations, "Unknown cancellation model.");
        Remaining = size;
        Ahead = depthAhead;
        Cancellations = cancellations;
    }

    /// <summary>How cancellations are assigned.</summary>
    public CancellationModel Cancellations { get; }

    /// <summary>Displayed shares ahead of us.</summary>
    public double Ahead { get; private set; }

    /// <summary>Displayed shares behind us.</summary>
    public double Behind { get; private set; }

    /// <summary>Our unfilled shares.</summary>
    public double Remaining { get; private set; }

    /// <summary>Our filled shares.</summary>
    public double Filled { get; private set; }

    /// <summary>A recorded execution of <paramref name="size"/> shares at our level; returns the shares it filled of ours.</summary>
    public double Execute(double size)
    {
        if (!(size > 0)) return 0;
        double take = Math.Min(size, Ahead);
        Ahead -= take;
        double rest = size - take;
        double fill = Math.Min(rest, Remaining);
        Remaining -= fill;
        Filled += fill;
        Behind = Math.Max(0, Behind - (rest - fill));
        return fill;
    }

    /// <summary>A recorded cancellation of <paramref name="size"/> displayed shares at our level.</summary>
    public void Cancel(double size)
    {
        if (!(size > 0)) return;
        double total = Ahead + Behind;
        if (total <= 0) return;
        size = Math.Min(size, total);
        if (Cancellations == CancellationModel.Proportional)
        {
            double fromAhead = size * Ahead / total;
            Ahead = Math.Max(0, Ahead - fromAhead);
            Behind = Math.Max(0, Behind - (size - fromAhead));
        }
        else
        {
            double fromBehind = Math.Min(size, Behind);
            Behind -= fromBehind;
            Ahead = Math.Max(0, Ahead - (size - fromBehind));
        }
    }

    /// <summary>New displayed orders of <paramref name="size"/> shares joined the level (behind us).</summary>
    public void Add(double size)
    {
        if (size > 0) Behind += size;
    }

    /// <summary>The level was traded through or crossed: what is left of ours fills; returns it.</summary>
    public double Sweep()
    {
        double fill = Remaining;
        Remaining = 0;
        Filled += fill;
        Ahead = 0;
        return fill;
    }
}

/// <summary>One passive fill on a replayed book: when and how many shares.</summary>
public readonly record struct PassiveFill(long TimeNs, double Size);

/// <summary>Runs a <see cref="QueuePosition"/> through a recording: our limit order posted at a time, resting until it expires.</summary>
public static class RecordedQueue
{
    /// <summary>US equities' tick for prices of $1 and more.</summary>
    public const double Tick = 0.01;

    /// <summary>
    /// Our limit order to sell (<paramref name="buy"/> false, resting on the ask side) or buy of <paramref name="size"/>
    /// shares at <paramref name="price"/>, posted at <paramref name="postNs"/> and expiring at <paramref name="expiryNs"/>:
    /// the fills, in time order. Only book rows and trades with times in (post, expiry] are read, and the depth at the post
    /// time, so no fill uses a message after the expiry and the queue joined is the one displayed at the decision.
    /// </summary>
    /// <remarks>Rows and trades are taken in groups of equal timestamps (LOBSTER stamps several messages with one time):
    /// for each group the executions against us at our price E, the change of displayed depth at our price Δ, then
    /// cancellations max(0, −Δ − E) and additions max(0, Δ + E). A price level that leaves the recorded levels keeps its
    /// last depth.</remarks>
    public static List<PassiveFill> Simulate(MarketDataset dataset, bool buy, double price, double size, long postNs, long expiryNs, CancellationModel cancellations)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var fills = new List<PassiveFill>();
        if (!(size > 0) || expiryNs <= postNs) return fills;
        var book = dataset.Book;
        var trades = dataset.Trades;
        var bookTimes = book.Times;
        int row = UpperBound(bookTimes, postNs) - 1;
        double depth = row >= 0 ? DepthAt(book, row, buy, price) ?? 0 : 0;
        var queue = new QueuePosition(size, depth, cancellations);
        int nextRow = row + 1;
        var tradeTimes = trades.Times;
        int nextTrade = UpperBound(tradeTimes, postNs);
        while (queue.Remaining > 0)
        {
            long t = long.MaxValue;
            if (nextRow < bookTimes.Length) t = bookTimes[nextRow];
            if (nextTrade < tradeTimes.Length) t = Math.Min(t, tradeTimes[nextTrade]);
            if (t > expiryNs) break;

            double executed = 0;
            bool through = false;
            for (; nextTrade < tradeTimes.Length && tradeTimes[nextTrade] == t; nextTrade++)
            {
                // An execution against resting orders on our side: a sell aggressor (−1) hits bids, a buy aggressor (+1) lifts asks.
                int against = buy ? -1 : 1;
                if (trades.Sides[nextTrade] != against) continue;
                double p = trades.Prices[nextTrade];
                if (Math.Abs(p - price) < Tick / 2) executed += trades.Sizes[nextTrade];
                else if (buy ? p < price : p > price) through = true;
            }

            int last = -1;
            for (; nextRow < bookTimes.Length && bookTimes[nextRow] == t; nextRow++) last = nextRow;
            double filled = executed > 0 ? queue.Execute(executed) : 0;
            if (last >= 0)
            {
                if (DepthAt(book, last, buy, price) is { } now)
                {
                    double change = now - depth;
                    queue.Cancel(Math.Max(0, -change - executed));
                    queue.Add(Math.Max(0, change + executed));
                    depth = now;
                }

                // The opposite touch reached our price: the incoming order would have traded with ours.
                double opposite = buy ? book.BestAsk(last) : book.BestBid(last);
                if (double.IsFinite(opposite) && (buy ? opposite <= price + Tick / 2 : opposite >= price - Tick / 2)) through = true;
            }

            if (through) filled += queue.Sweep();
            if (filled > 0) fills.Add(new PassiveFill(t, filled));
        }

        return fills;
    }

    /// <summary>The limit price of an order posted <paramref name="offset"/> (currency) beyond the touch at a row, on the tick grid away from the mid.</summary>
    public static double LimitPrice(BookSeries book, int row, bool buy, double offset)
    {
        ArgumentNullException.ThrowIfNull(book);
        double touch = buy ? book.BestBid(row) : book.BestAsk(row);
        double raw = buy ? touch - offset : touch + offset;
        double ticks = raw / Tick;
        return (buy ? Math.Floor(ticks + 1e-9) : Math.Ceiling(ticks - 1e-9)) * Tick;
    }

    /// <summary>Displayed depth at <paramref name="price"/> on our side of a row; 0 inside the recorded levels where no
    /// order rests, null beyond the deepest recorded level (unknown).</summary>
    private static double? DepthAt(BookSeries book, int row, bool buy, double price)
    {
        int levels = book.Levels;
        var prices = buy ? book.BidPrices : book.AskPrices;
        var sizes = buy ? book.BidSizes : book.AskSizes;
        double deepest = double.NaN;
        for (int l = 0; l < levels; l++)
        {
            double p = prices[row * levels + l];
            if (!double.IsFinite(p)) continue;
            if (Math.Abs(p - price) < Tick / 2) return sizes[row * levels + l];
            deepest = p;
        }

        if (double.IsNaN(deepest)) return 0;
        bool inside = buy ? price > deepest : price < deepest;
        return inside ? 0 : null;
    }

    private static int UpperBound(ReadOnlySpan<long> times, long t)
    {
        int lo = 0, hi = times.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (times[mid] <= t) lo = mid + 1; else hi = mid;
        }

        return lo;
    }
}
