namespace Portal.Domain.Simulation;

/// <summary>
/// A change of every market input that becomes known after the start of decision step <see cref="FromStep"/> k: the volume
/// of step k and later (realised during the step), and the mid, spread, liquidity and impact level at later step times;
/// every random number drawn from step k's volume on comes from other streams. Used by the look-ahead contract tests: a
/// strategy's decisions at steps ≤ k must not change under it.
/// </summary>
/// <param name="FromStep">The step k from which inputs change.</param>
internal sealed record MarketPerturbation(int FromStep)
{
    /// <summary>Mixed into the run's seed to reseed every episode's stream.</summary>
    public long StreamSeed { get; init; } = 0x5EED_F00D;

    /// <summary>Factor on market volume from step k on.</summary>
    public double VolumeFactor { get; init; } = 1.8;

    /// <summary>Shift of the mid at step times after k, as a fraction of the arrival price.</summary>
    public double PriceShiftFraction { get; init; } = -0.04;

    /// <summary>Factor on the spread after k.</summary>
    public double SpreadFactor { get; init; } = 3;

    /// <summary>Factor on the liquidity level after k.</summary>
    public double LiquidityFactor { get; init; } = 0.3;

    /// <summary>Factor on impact after k.</summary>
    public double ImpactFactor { get; init; } = 2.5;
}
