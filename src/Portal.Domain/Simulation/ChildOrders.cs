namespace Portal.Domain.Simulation;

/// <summary>What happens to the unfilled rest of a limit order when its time-to-live ends.</summary>
public enum ExpiryAction
{
    /// <summary>The rest is cancelled and stays in the parent order for later steps.</summary>
    Cancel,

    /// <summary>The rest is crossed at once with a market order (walking the book like any market order).</summary>
    Cross,
}

/// <summary>How a strategy's limit orders are placed: offset from the touch, time-to-live and what happens at expiry.</summary>
/// <remarks>A limit order to sell rests at the ask plus the offset, one to buy at the bid minus the offset: it is never
/// placed through the touch, so it never trades against the order's side or crosses the spread; only the expiry action
/// <see cref="ExpiryAction.Cross"/> sends a market order.</remarks>
public readonly record struct LimitOrderPlan
{
    /// <summary>Creates a plan.</summary>
    /// <param name="offsetBps">Offset beyond the touch (away from the mid) in bps of the arrival price. Allowed: [0, 1000].</param>
    /// <param name="ttlFraction">Time-to-live as a fraction of the decision step. Allowed: (0, 1].</param>
    /// <param name="onExpiry">What happens to the unfilled rest when the time-to-live ends.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its allowed range.</exception>
    public LimitOrderPlan(double offsetBps, double ttlFraction, ExpiryAction onExpiry)
    {
        if (!(offsetBps >= 0 && offsetBps <= 1000))
            throw new ArgumentOutOfRangeException(nameof(offsetBps), offsetBps, "The offset beyond the touch must be in [0, 1000] bps.");
        if (!(ttlFraction > 0 && ttlFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(ttlFraction), ttlFraction, "The time-to-live must be in (0, 1] of a decision step.");
        if (!Enum.IsDefined(onExpiry))
            throw new ArgumentOutOfRangeException(nameof(onExpiry), onExpiry, "The expiry action must be Cancel or Cross.");
        OffsetBps = offsetBps;
        TtlFraction = ttlFraction;
        OnExpiry = onExpiry;
    }

    /// <summary>Offset beyond the touch in bps of the arrival price (0 = at the touch).</summary>
    public double OffsetBps { get; }

    /// <summary>Time-to-live as a fraction of the decision step.</summary>
    public double TtlFraction { get; }

    /// <summary>What happens to the unfilled rest at expiry.</summary>
    public ExpiryAction OnExpiry { get; }
}

/// <summary>A strategy that splits each step's child order into a market order and a limit order.</summary>
/// <remarks>
/// <para>The child order of a step is what <see cref="IExecutionStrategy.Decide"/> asks for (a fraction of the shares still
/// held); <see cref="DecidePassiveShare"/> says which share of it is posted as a limit order (<see cref="Limit"/>), the rest
/// being sent as a market order at once. The simulator fills the limit order during its time-to-live, then crosses or cancels
/// the rest. At the last step whatever is unfilled is crossed (full liquidation by the horizon), unless the scenario lets the
/// participation cap hold: then nothing is posted at the last step and the rest is charged its opportunity cost as for any
/// strategy.</para>
/// <para>Both decisions at step k see only what is known at the start of step k; the shares filled while the order rests
/// are revealed through the next step's observation (<see cref="Observation.RemainingFraction"/>).</para>
/// </remarks>
public interface IOrderTypeStrategy : IExecutionStrategy
{
    /// <summary>How the limit orders are placed.</summary>
    LimitOrderPlan Limit { get; }

    /// <summary>Fills <paramref name="passiveShare"/> (one entry per episode) with the share in [0, 1] of this step's child
    /// order posted as a limit order; the rest is a market order. NaN and values outside [0, 1] are clamped.</summary>
    /// <param name="context">Step, horizon and order facts common to the batch.</param>
    /// <param name="observations">One observation per episode, or empty when <see cref="IExecutionStrategy.UsesObservations"/> is false.</param>
    /// <param name="fractionOfRemaining">The child orders just decided by <see cref="IExecutionStrategy.Decide"/>.</param>
    /// <param name="passiveShare">Output: share of each child order posted as a limit order.</param>
    void DecidePassiveShare(in DecisionContext context, ReadOnlySpan<Observation> observations, ReadOnlySpan<double> fractionOfRemaining, Span<double> passiveShare);
}

/// <summary>One episode's limit-order statistics.</summary>
/// <param name="Posted">Shares posted as limit orders.</param>
/// <param name="Filled">Shares filled passively.</param>
/// <param name="Crossed">Shares of expired limit orders crossed with market orders.</param>
/// <param name="SpreadCaptured">Σ fill × (half-spread + offset): what the fills earned against the mid, currency.</param>
/// <param name="MarkoutCost">Σ fill × mid move against the filled side over the next decision step, currency.</param>
/// <param name="MarkoutQuantity">Fills whose markout was measured.</param>
public readonly record struct PassiveStats(double Posted, double Filled, double Crossed, double SpreadCaptured, double MarkoutCost, double MarkoutQuantity);
