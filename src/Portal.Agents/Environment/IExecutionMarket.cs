namespace Portal.Agents.Environment;

/// <summary>
/// A batch of parallel execution episodes over one market model, advanced in lock step. Episode <c>i</c> of a
/// reset with seed <c>s</c> draws its market path from (s, i) alone, so any strategy sees the same paths
/// (common random numbers).
/// </summary>
public interface IExecutionMarket
{
    /// <summary>Number of parallel episodes.</summary>
    int BatchSize { get; }

    /// <summary>Trading steps per episode; the last one force-trades whatever remains.</summary>
    int Steps { get; }

    /// <summary>Index of the next trading step, in [0, <see cref="Steps"/>].</summary>
    int StepIndex { get; }

    /// <summary>
    /// Starts new episodes whose market paths derive from <paramref name="seed"/> and the path index
    /// <c>episode / episodesPerPath</c>: consecutive groups of <paramref name="episodesPerPath"/> episodes share one path.
    /// </summary>
    void Reset(long seed, int episodesPerPath = 1);

    /// <summary>Current observation of one episode.</summary>
    ExecutionObservation Observe(int episode);

    /// <summary>Largest fraction of the remaining quantity the participation cap is expected to allow this step, in [0, 1],
    /// from what is known at the start of the step (the cap times the step's forecast volume). The step's own volume is
    /// known only once it ends, and <see cref="Step"/> holds each child to the cap on that realised volume.</summary>
    double MaxFractionOfRemaining(int episode);

    /// <summary>
    /// Trades <paramref name="fractionOfRemaining"/> of each episode's remainder, clamped to [0, 1] and to the participation
    /// cap on the step's realised volume (the last step trades everything left, or up to the cap when the cap holds at the
    /// horizon), then advances the market.
    /// Writes each episode's cost increment and risk penalty in basis points of the parent order's arrival value.
    /// </summary>
    void Step(ReadOnlySpan<double> fractionOfRemaining, Span<double> costIncrementBps, Span<double> riskPenaltyBps);

    /// <summary>
    /// Unrealised cost of one episode in bps of the arrival value: what liquidating the remainder at the current mid would
    /// add to the shortfall, remaining × adverse mid move since arrival. Zero at arrival and once nothing remains.
    /// </summary>
    double UnrealisedCostBps(int episode);

    /// <summary>
    /// The zero-mean part of the last step's change of <see cref="UnrealisedCostBps"/>: the holdings carried over the step
    /// times the unpredictable part of the unaffected mid move (its mean given everything known before the step is 0),
    /// in bps. Markets without a price model (recorded data) return 0.
    /// </summary>
    double PriceNoiseBps(int episode) => 0;

    /// <summary>Whether <see cref="Step(ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double}, Span{double})"/> can post
    /// limit orders on this market (the portal's simulator can; the Almgren–Chriss world and replayed training markets
    /// cannot).</summary>
    bool SupportsLimitOrders => false;

    /// <summary>
    /// As <see cref="Step(ReadOnlySpan{double}, Span{double}, Span{double})"/>, with <paramref name="passiveShare"/> of each
    /// child posted as a limit order at the touch for the step and the unfilled rest crossed at its end
    /// (<see cref="Common.OrderTypeActions.Plan"/>); the rest of the child is a market order.
    /// </summary>
    /// <exception cref="NotSupportedException">The market has no limit orders (<see cref="SupportsLimitOrders"/> is false).</exception>
    void Step(ReadOnlySpan<double> fractionOfRemaining, ReadOnlySpan<double> passiveShare, Span<double> costIncrementBps, Span<double> riskPenaltyBps) =>
        throw new NotSupportedException($"{GetType().Name} cannot post limit orders; train with market orders only.");

    /// <summary>Share of the limit order posted at the last step that filled, in [0, 1]; NaN when nothing was posted (what
    /// the next decision may know: the order's life ended with the step).</summary>
    double LastPassiveFillShare(int episode) => double.NaN;

    /// <summary>Quantity (in parent-order fractions) each episode traded at the last step; never negative.</summary>
    ReadOnlySpan<double> LastTradedFraction { get; }

    /// <summary>Whether the last step was the forced final trade.</summary>
    bool LastStepWasForced { get; }
}
