namespace Portal.Agents.Environment;

/// <summary>What an execution agent sees at a decision step, before normalisation.</summary>
/// <param name="RemainingFraction">Quantity still to trade over the parent quantity, in [0, 1].</param>
/// <param name="TimeFraction">Elapsed decision steps over the horizon's steps, in [0, 1).</param>
/// <param name="PriceMoveSigmas">Mid-price move since arrival, in the side's favour when positive, in units of σ·√horizon.</param>
/// <param name="RealisedVolatility">Recent realised volatility over the model's σ (1 means as expected).</param>
/// <param name="SpreadBps">Current bid–ask spread in basis points of the arrival price.</param>
/// <param name="LiquidityLevel">Liquidity level (1 = normal; impact scales with its inverse).</param>
/// <param name="VolumeRatio">Market volume of the last step over its expected value.</param>
/// <param name="TransientImpactBps">Current transient-impact state in basis points (0 when the model has none).</param>
/// <param name="BookImbalance">
/// Order-book imbalance of the recorded top levels in [−1, 1] when the market is data-backed (<see cref="ReplayMarket"/>),
/// else 0. Signed so that positive is favourable to the order: (depth of the side the order trades against − depth of its
/// own side) / total depth, i.e. (bids − asks)/(bids + asks) for a sell and (asks − bids)/(bids + asks) for a buy. Deep
/// opposite-side depth means cheap liquidity to trade into and a mid that tends to drift toward the thinner side, away
/// from the order's cost.
/// </param>
public readonly record struct ExecutionObservation(
    double RemainingFraction,
    double TimeFraction,
    double PriceMoveSigmas,
    double RealisedVolatility,
    double SpreadBps,
    double LiquidityLevel,
    double VolumeRatio,
    double TransientImpactBps,
    double BookImbalance)
{
    /// <summary>Length of the feature vector produced by <see cref="CopyTo"/>.</summary>
    public const int FeatureCount = 9;

    /// <summary>Names of the features in the order <see cref="CopyTo"/> writes them (for stored normalisation statistics).</summary>
    public static IReadOnlyList<string> FeatureNames { get; } =
    [
        nameof(RemainingFraction), nameof(TimeFraction), nameof(PriceMoveSigmas), nameof(RealisedVolatility),
        nameof(SpreadBps), nameof(LiquidityLevel), nameof(VolumeRatio), nameof(TransientImpactBps), nameof(BookImbalance),
    ];

    /// <summary>Position of a named feature in the vector written by <see cref="CopyTo"/>.</summary>
    public static int IndexOf(string feature)
    {
        int index = FeatureNames.ToList().IndexOf(feature);
        return index >= 0 ? index : throw new ArgumentOutOfRangeException(nameof(feature), feature, $"Unknown feature; known: {string.Join(", ", FeatureNames)}.");
    }

    /// <summary>Writes the raw features into <paramref name="destination"/> (length ≥ <see cref="FeatureCount"/>).</summary>
    public void CopyTo(Span<double> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, FeatureCount, nameof(destination));
        destination[0] = RemainingFraction;
        destination[1] = TimeFraction;
        destination[2] = PriceMoveSigmas;
        destination[3] = RealisedVolatility;
        destination[4] = SpreadBps;
        destination[5] = LiquidityLevel;
        destination[6] = VolumeRatio;
        destination[7] = TransientImpactBps;
        destination[8] = BookImbalance;
    }
}
