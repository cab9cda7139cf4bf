using Portal.Domain.MarketData;

namespace Portal.Domain.Replay;

/// <summary>Result of a marketable order walking one side of a recorded book.</summary>
/// <param name="Filled">Quantity filled (always the quantity asked).</param>
/// <param name="AveragePrice">Volume-weighted price paid or received.</param>
/// <param name="TouchPrice">Best price on the side traded (after any shift).</param>
/// <param name="LastPrice">Price of the last level touched.</param>
/// <param name="LevelsTouched">Levels consumed, counting extrapolated ones.</param>
/// <param name="BeyondVisible">Quantity filled on extrapolated levels beyond the recorded depth.</param>
public readonly record struct WalkResult(double Filled, double AveragePrice, double TouchPrice, double LastPrice, int LevelsTouched, double BeyondVisible);

/// <summary>Walks a marketable order through the visible levels of one recorded snapshot.</summary>
/// <remarks>
/// A buy lifts asks from the best upwards, a sell hits bids from the best downwards; the order pays the volume-weighted
/// price of the levels it consumes (the static limit order book of Obizhaeva and Wang, 2013, section 2, with the recorded
/// shape instead of a block). Prices are shifted adversely by <c>shift</c> (our own earlier impact). When the order is larger
/// than the recorded depth, the book is extended with levels of the mean visible size at the mean visible level spacing
/// (the spread when only one level is recorded), so cost keeps rising instead of filling at the last recorded price.
/// </remarks>
public static class BookWalk
{
    /// <summary>Executes <paramref name="quantity"/> against snapshot <paramref name="row"/>.</summary>
    /// <param name="book">Recorded book.</param>
    /// <param name="row">Snapshot index.</param>
    /// <param name="buy">True for a buy (walks asks), false for a sell (walks bids).</param>
    /// <param name="quantity">Quantity to fill, ≥ 0.</param>
    /// <param name="shift">Adverse price shift ≥ 0 applied to every level (up for a buy, down for a sell).</param>
    public static WalkResult Execute(BookSeries book, int row, bool buy, double quantity, double shift = 0)
    {
        ArgumentNullException.ThrowIfNull(book);
        if ((uint)row >= (uint)book.Count) throw new ArgumentOutOfRangeException(nameof(row), row, $"Row must be in 0..{book.Count - 1}.");
        if (!(quantity >= 0) || double.IsInfinity(quantity)) throw new ArgumentOutOfRangeException(nameof(quantity), quantity, "Quantity must be finite and ≥ 0.");
        if (!(shift >= 0) || double.IsInfinity(shift)) throw new ArgumentOutOfRangeException(nameof(shift), shift, "Shift must be finite and ≥ 0.");
        var L = book.Levels;
        var px = buy ? book.AskPx : book.BidPx;
        var sz = buy ? book.AskSz : book.BidSz;
        var d = buy ? 1.0 : -1.0;
        var o = row * L;
        var touch = px[o];
        if (double.IsNaN(touch))
        {
            // An empty side: trade at the other side's best (a locked fill), or fail loudly if the book is empty.
            var other = buy ? book.BidPx[o] : book.AskPx[o];
            if (double.IsNaN(other)) throw new InvalidOperationException($"Snapshot {row} has no quotes on either side.");
            touch = other;
            var p0 = touch + d * shift;
            return new WalkResult(quantity, p0, p0, p0, quantity > 0 ? 1 : 0, quantity);
        }
        touch += d * shift;
        double remaining = quantity, cost = 0, last = touch, depth = 0;
        int levels = 0, visible = 0;
        for (var l = 0; l < L && !double.IsNaN(px[o + l]); l++)
        {
            visible++;
            depth += sz[o + l];
            if (remaining <= 0) continue;
            var p = px[o + l] + d * shift;
            var take = Math.Min(remaining, sz[o + l]);
            cost += take * p;
            remaining -= take;
            last = p;
            levels++;
        }
        var beyond = remaining;
        if (remaining > 0)
        {
            var deepest = px[o + visible - 1] + d * shift;
            var spacing = visible > 1 ? Math.Abs(deepest - touch) / (visible - 1) : Math.Max(book.AskPx[o] - book.BidPx[o], 1e-12);
            if (!(spacing > 0)) spacing = Math.Abs(touch) * 1e-4;
            var size = depth / visible;
            var full = Math.Floor(remaining / size);
            var part = remaining - full * size;
            // Σ_{j=1..full} size·(deepest + d·j·g) + part·(deepest + d·(full+1)·g)
            cost += size * (full * deepest + d * spacing * full * (full + 1) / 2) + part * (deepest + d * (full + 1) * spacing);
            var extra = (int)Math.Min(int.MaxValue - levels, full + (part > 0 ? 1 : 0));
            levels += extra;
            last = deepest + d * spacing * (full + (part > 0 ? 1 : 0));
        }
        var avg = quantity > 0 ? cost / quantity : touch;
        return new WalkResult(quantity, avg, touch, last, levels, beyond);
    }

    /// <summary>
    /// Price displacement a child of <paramref name="quantity"/> leaves on the side it traded, in a linear book with the
    /// visible density of that side: quantity × (span of the visible levels + one spacing) / visible depth.
    /// </summary>
    public static double LinearDisplacement(BookSeries book, int row, bool buy, double quantity)
    {
        ArgumentNullException.ThrowIfNull(book);
        var L = book.Levels;
        var px = buy ? book.AskPx : book.BidPx;
        var sz = buy ? book.AskSz : book.BidSz;
        var o = row * L;
        if (double.IsNaN(px[o]) || quantity <= 0) return 0;
        double depth = 0;
        var visible = 0;
        for (var l = 0; l < L && !double.IsNaN(px[o + l]); l++) { depth += sz[o + l]; visible++; }
        var span = Math.Abs(px[o + visible - 1] - px[o]);
        var spacing = visible > 1 ? span / (visible - 1) : Math.Max(book.AskPx[o] - book.BidPx[o], 0);
        return depth > 0 ? quantity * (span + spacing) / depth : 0;
    }
}
