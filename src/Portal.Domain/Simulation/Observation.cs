using Portal.Domain.Scenarios;

namespace Portal.Domain.Simulation;

/// <summary>What a strategy sees about one episode at a decision step, before it trades.</summary>
public readonly record struct Observation
{
    /// <summary>Index of the episode in the run (also the key of its random stream).</summary>
    public long Episode { get; init; }

    /// <summary>Shares still to trade as a fraction of the order quantity, 1 at the start.</summary>
    public double RemainingFraction { get; init; }

    /// <summary>Elapsed fraction of the horizon, 0 at the first step.</summary>
    public double TimeFraction { get; init; }

    /// <summary>Move of the observed mid (including our own impact) since arrival, signed so that positive is adverse
    /// to the order (up for a buy, down for a sell), in units of the volatility over the whole horizon, σ·S0·√T.</summary>
    public double PriceMoveSigma { get; init; }

    /// <summary>Recent realised volatility of the unaffected mid divided by the model's volatility (1 = as expected);
    /// an exponential average of squared standardised increments.</summary>
    public double RealizedVolatility { get; init; }

    /// <summary>Current bid–ask spread in basis points of the arrival price.</summary>
    public double SpreadBps { get; init; }

    /// <summary>Current liquidity level (1 = normal).</summary>
    public double Liquidity { get; init; }

    /// <summary>Realised market volume of the previous step divided by that step's expected volume (1 at the first step):
    /// what is known at the start of this step about how busy the market is. The volume of the step about to be traded is
    /// not known until it ends, so a forecast of it is <c>ExpectedStepVolume × VolumeRatio</c>.</summary>
    public double VolumeRatio { get; init; }

    /// <summary>Market volume traded in the steps before this one, in shares (0 at the first step). Not a network feature:
    /// participation strategies measure their progress against it.</summary>
    public double PastMarketVolume { get; init; }

    /// <summary>Current transient impact displacement in basis points of the arrival price (0 for models without one).</summary>
    public double TransientImpactBps { get; init; }

    /// <summary>Order-book imbalance of the recorded top levels in [−1, 1], signed so that positive is favourable to the
    /// order: (depth of the side the order trades against − depth of its own side) / both, i.e. bids deeper than asks for
    /// a sell, asks deeper than bids for a buy (the mid tends to move toward the thinner side). 0 when the market has no
    /// recorded book (the simulator).</summary>
    public double BookImbalance { get; init; }

    /// <summary>Share of the limit order posted at the previous step that filled before it expired, in [0, 1]; null when
    /// nothing was posted then (market orders only, or the first step). Known at the start of this step: the previous
    /// order's life ended with the previous step. Not a network feature: agents that choose the order type read it
    /// beside the features (docs/agents.md, "Order types").</summary>
    public double? LastPassiveFillShare { get; init; }

    /// <summary>Number of features written by <see cref="CopyFeaturesTo"/>.</summary>
    public const int FeatureCount = 9;

    /// <summary>Names of the features in the order <see cref="CopyFeaturesTo"/> writes them.</summary>
    public static IReadOnlyList<string> FeatureNames { get; } =
    [
        nameof(RemainingFraction), nameof(TimeFraction), nameof(PriceMoveSigma), nameof(RealizedVolatility),
        nameof(SpreadBps), nameof(Liquidity), nameof(VolumeRatio), nameof(TransientImpactBps), nameof(BookImbalance),
    ];

    /// <summary>Writes the features (everything but the episode index) as a network input, in <see cref="FeatureNames"/> order.</summary>
    public void CopyFeaturesTo(Span<float> destination)
    {
        if (destination.Length < FeatureCount)
            throw new ArgumentException($"Need room for {FeatureCount} features, got {destination.Length}.", nameof(destination));
        destination[0] = (float)RemainingFraction;
        destination[1] = (float)TimeFraction;
        destination[2] = (float)PriceMoveSigma;
        destination[3] = (float)RealizedVolatility;
        destination[4] = (float)SpreadBps;
        destination[5] = (float)Liquidity;
        destination[6] = (float)VolumeRatio;
        destination[7] = (float)TransientImpactBps;
        destination[8] = (float)BookImbalance;
    }
}

/// <summary>What is common to every episode of a batch at a decision step.</summary>
/// <remarks>A decision at step k may use only what is known at the start of step k. The context therefore carries the
/// scenario without its stress events (<see cref="StrategyView"/>): when and how hard an event hits is drawn per episode and
/// is for the market to reveal through prices, spread, liquidity and volume, never for a strategy to read.</remarks>
public readonly record struct DecisionContext
{
    private readonly Scenario _scenario;

    /// <summary>The scenario being run, as a strategy may see it: its market's event list is always empty (setting a
    /// scenario with events stores its <see cref="StrategyView"/>).</summary>
    public required Scenario Scenario
    {
        get => _scenario;
        init => _scenario = StrategyView(value);
    }

    /// <summary>Seed of the run.</summary>
    public long Seed { get; init; }

    /// <summary>Zero-based decision step.</summary>
    public int Step { get; init; }

    /// <summary>Number of decision steps.</summary>
    public int Steps { get; init; }

    /// <summary>Elapsed fraction of the horizon at this step.</summary>
    public double TimeFraction => (double)Step / Steps;

    /// <summary>True at the last step, where the remainder is force-traded whatever the strategy decides.</summary>
    public bool IsLastStep => Step == Steps - 1;

    /// <summary>Order quantity in shares.</summary>
    public double Quantity { get; init; }

    /// <summary>Expected market volume of this step in shares (from the intraday profile): a forecast, not the realised volume.</summary>
    public double ExpectedStepVolume { get; init; }

    /// <summary>The scenario without its market events: what a strategy may know of it. Returns <paramref name="scenario"/>
    /// itself when it has no events.</summary>
    public static Scenario StrategyView(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return scenario.Market is { Events.Count: > 0 } market ? scenario with { Market = market with { Events = [] } } : scenario;
    }
}
