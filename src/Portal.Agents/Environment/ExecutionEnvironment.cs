namespace Portal.Agents.Environment;

/// <summary>
/// Gymnasium-style batched environment over an <see cref="IExecutionMarket"/>: <see cref="Reset"/> then
/// <see cref="Step"/> until done. An episode has <c>Steps − 1</c> decisions: after the last decision the remainder is
/// force-traded and its cost is part of that decision's reward. Reward = −(shortfall increment in bps) − λ·risk penalty,
/// shaped by the mark-to-market potential Φ(s) = −(unrealised cost of the remainder at the current mid).
/// </summary>
/// <remarks>
/// Potential-based shaping (Ng, Harada and Russell 1999, "Policy invariance under reward transformations", ICML) leaves
/// the optimal policy unchanged; here Φ is 0 at arrival and at the end, so every episode's return is exactly −(shortfall +
/// λ·risk penalty). The shaped step reward is −(impact and fees of the child order relative to the current mid) −
/// (holdings × adverse mid move over the step), so value functions no longer have to learn the price level.
/// </remarks>
public sealed class ExecutionEnvironment
{
    private readonly IExecutionMarket _market;
    private readonly double[] _cost;
    private readonly double[] _penalty;
    private readonly double[] _forcedFractions;
    private readonly double[] _unrealised;

    /// <summary>
    /// Wraps <paramref name="market"/>; observations are normalised by <paramref name="normalizer"/>; with
    /// <paramref name="priceNoiseControlVariate"/> rewards exclude the zero-mean price noise on the holdings.
    /// </summary>
    public ExecutionEnvironment(IExecutionMarket market, ObservationNormalizer normalizer, bool priceNoiseControlVariate = false)
    {
        ArgumentNullException.ThrowIfNull(market);
        ArgumentNullException.ThrowIfNull(normalizer);
        _market = market;
        Normalizer = normalizer;
        PriceNoiseControlVariate = priceNoiseControlVariate;
        int b = market.BatchSize;
        Observations = new float[b * ExecutionObservation.FeatureCount];
        RawObservations = new ExecutionObservation[b];
        MaxFraction = new double[b];
        Rewards = new double[b];
        EpisodeShortfallBps = new double[b];
        EpisodeObjectiveBps = new double[b];
        _cost = new double[b];
        _penalty = new double[b];
        _forcedFractions = Enumerable.Repeat(1.0, b).ToArray();
        _unrealised = new double[b];
        LastPassiveFillShare = new double[b];
    }

    /// <summary>The market this environment steps.</summary>
    public IExecutionMarket Market => _market;

    /// <summary>Whether rewards exclude the market's zero-mean price noise on the holdings (see remarks).</summary>
    public bool PriceNoiseControlVariate { get; }

    /// <summary>Observation normalisation in force.</summary>
    public ObservationNormalizer Normalizer { get; }

    /// <summary>Number of parallel episodes.</summary>
    public int BatchSize => _market.BatchSize;

    /// <summary>Decisions per episode (trading steps minus the forced last one).</summary>
    public int Decisions => _market.Steps - 1;

    /// <summary>Index of the next decision.</summary>
    public int DecisionIndex => _market.StepIndex;

    /// <summary>Width of one observation vector.</summary>
    public static int FeatureCount => ExecutionObservation.FeatureCount;

    /// <summary>Normalised observations, row-major <c>[BatchSize, FeatureCount]</c>.</summary>
    public float[] Observations { get; }

    /// <summary>Raw observations of the current step.</summary>
    public ExecutionObservation[] RawObservations { get; }

    /// <summary>Action mask: the largest legal fraction of the remainder for each episode.</summary>
    public double[] MaxFraction { get; }

    /// <summary>Shaped rewards of the last <see cref="Step"/> (their sum over an episode is −<see cref="EpisodeObjectiveBps"/>).</summary>
    public double[] Rewards { get; }

    /// <summary>Shortfall so far in bps, per episode.</summary>
    public double[] EpisodeShortfallBps { get; }

    /// <summary>Shortfall plus λ·risk penalty so far in bps, per episode (the negated return).</summary>
    public double[] EpisodeObjectiveBps { get; }

    /// <summary>Whether the episodes are over.</summary>
    public bool Done => _market.StepIndex >= _market.Steps;

    /// <summary>
    /// Starts a batch of episodes with market paths derived from <paramref name="seed"/>; consecutive groups of
    /// <paramref name="episodesPerPath"/> episodes share a path (common random numbers inside a batch).
    /// </summary>
    public void Reset(long seed, int episodesPerPath = 1)
    {
        _market.Reset(seed, episodesPerPath);
        Array.Clear(EpisodeShortfallBps);
        Array.Clear(EpisodeObjectiveBps);
        Array.Clear(Rewards);
        Refresh();
    }

    /// <summary>
    /// Trades <paramref name="fractionOfRemaining"/> (clamped to [0, <see cref="MaxFraction"/>]) and returns whether the
    /// episodes are over; <see cref="Rewards"/> and <see cref="Observations"/> are updated.
    /// </summary>
    public bool Step(ReadOnlySpan<double> fractionOfRemaining) => Step(fractionOfRemaining, default, limitOrders: false);

    /// <summary>
    /// Trades <paramref name="fractionOfRemaining"/> as <see cref="Step(ReadOnlySpan{double})"/>, posting
    /// <paramref name="passiveShare"/> of each child as a limit order at the touch for the step, its unfilled rest crossed at
    /// the step's end (<see cref="Common.OrderTypeActions"/>); the rest of the child is a market order. The forced last
    /// trade is always a market order. <see cref="LastPassiveFillShare"/> then tells the next decision how much filled.
    /// </summary>
    /// <exception cref="NotSupportedException">The market cannot post limit orders (<see cref="SupportsLimitOrders"/>).</exception>
    public bool Step(ReadOnlySpan<double> fractionOfRemaining, ReadOnlySpan<double> passiveShare)
    {
        if (!SupportsLimitOrders)
        {
            throw new NotSupportedException($"{_market.GetType().Name} cannot post limit orders; train with market orders only.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(passiveShare.Length, BatchSize, nameof(passiveShare));
        return Step(fractionOfRemaining, passiveShare, limitOrders: true);
    }

    /// <summary>Whether the market can post limit orders (<see cref="Step(ReadOnlySpan{double}, ReadOnlySpan{double})"/>).</summary>
    public bool SupportsLimitOrders => _market.SupportsLimitOrders;

    /// <summary>Per episode, the share of the previous step's limit order that filled, in [0, 1], or NaN when nothing was
    /// posted: known at the start of the current step (that order's life ended with the previous step).</summary>
    public double[] LastPassiveFillShare { get; }

    private bool Step(ReadOnlySpan<double> fractionOfRemaining, ReadOnlySpan<double> passiveShare, bool limitOrders)
    {
        if (Done)
        {
            throw new InvalidOperationException("The episodes are over; call Reset first.");
        }

        for (int i = 0; i < BatchSize; i++)
        {
            _unrealised[i] = _market.UnrealisedCostBps(i);
        }

        if (limitOrders) _market.Step(fractionOfRemaining, passiveShare, _cost, _penalty);
        else _market.Step(fractionOfRemaining, _cost, _penalty);
        Accumulate(overwrite: true);
        if (_market.StepIndex == _market.Steps - 1)
        {
            _market.Step(_forcedFractions, _cost, _penalty);
            Accumulate(overwrite: false);
        }

        for (int i = 0; i < BatchSize; i++)
        {
            Rewards[i] -= _market.UnrealisedCostBps(i) - _unrealised[i];
        }

        Refresh();
        return Done;
    }

    private void Accumulate(bool overwrite)
    {
        for (int i = 0; i < BatchSize; i++)
        {
            double r = -(_cost[i] + _penalty[i]) + (PriceNoiseControlVariate ? _market.PriceNoiseBps(i) : 0);
            Rewards[i] = overwrite ? r : Rewards[i] + r;
            EpisodeShortfallBps[i] += _cost[i];
            EpisodeObjectiveBps[i] += _cost[i] + _penalty[i];
        }
    }

    private void Refresh()
    {
        int f = ExecutionObservation.FeatureCount;
        for (int i = 0; i < BatchSize; i++)
        {
            RawObservations[i] = _market.Observe(i);
            Normalizer.Normalize(RawObservations[i], Observations.AsSpan(i * f, f));
            MaxFraction[i] = Done ? 0 : _market.MaxFractionOfRemaining(i);
            LastPassiveFillShare[i] = Done ? double.NaN : _market.LastPassiveFillShare(i);
        }
    }
}
