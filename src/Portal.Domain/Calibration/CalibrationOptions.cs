namespace Portal.Domain.Calibration;

/// <summary>Settings of <see cref="MarketCalibrator"/>. Every field has a default suited to a full US equity session.</summary>
public sealed record CalibrationOptions
{
    /// <summary>Length of a trading day in seconds: 23,400 (6.5 h) for US equities, 86,400 for crypto. Allowed: [60, 86400].</summary>
    public double SessionSeconds { get; init; } = 23_400;
    /// <summary>Number of equal-width volume-profile buckets over the observed range (13 = half-hours of a US session). Allowed: [1, 1000].</summary>
    public int VolumeProfileBuckets { get; init; } = 13;
    /// <summary>Realised-volatility sampling horizons in seconds. Each must be in (0, 86400].</summary>
    public IReadOnlyList<double> VolatilityHorizonsSeconds { get; init; } = [1, 5, 10, 60, 300];
    /// <summary>Fewest returns for a horizon to be reported. Allowed: [2, 1e6].</summary>
    public int MinReturns { get; init; } = 10;
    /// <summary>Bin width for the impact regressions, seconds. Allowed: (0, 3600].</summary>
    public double ImpactBinSeconds { get; init; } = 10;
    /// <summary>Number of lags K of the propagator regression (kernel estimated at 0..K bins). Allowed: [2, 200].</summary>
    public int PropagatorLags { get; init; } = 20;
    /// <summary>Number of trade-sign autocorrelation lags. Allowed: [1, 1000].</summary>
    public int SignAutocorrelationLags { get; init; } = 20;
    /// <summary>Sampling interval for the Ornstein–Uhlenbeck fits and the spread/depth statistics, seconds. Allowed: (0, 3600].</summary>
    public double SampleSeconds { get; init; } = 1;

    internal void Check()
    {
        if (!(SessionSeconds >= 60 && SessionSeconds <= 86_400))
            throw new ArgumentOutOfRangeException(nameof(SessionSeconds), SessionSeconds, "SessionSeconds must be in [60, 86400].");
        if (VolumeProfileBuckets is < 1 or > 1000)
            throw new ArgumentOutOfRangeException(nameof(VolumeProfileBuckets), VolumeProfileBuckets, "Must be in [1, 1000].");
        ArgumentNullException.ThrowIfNull(VolatilityHorizonsSeconds);
        foreach (var h in VolatilityHorizonsSeconds)
            if (!(h > 0 && h <= 86_400)) throw new ArgumentOutOfRangeException(nameof(VolatilityHorizonsSeconds), h, "Each horizon must be in (0, 86400] seconds.");
        if (MinReturns is < 2 or > 1_000_000) throw new ArgumentOutOfRangeException(nameof(MinReturns), MinReturns, "Must be in [2, 1e6].");
        if (!(ImpactBinSeconds > 0 && ImpactBinSeconds <= 3600)) throw new ArgumentOutOfRangeException(nameof(ImpactBinSeconds), ImpactBinSeconds, "Must be in (0, 3600].");
        if (PropagatorLags is < 2 or > 200) throw new ArgumentOutOfRangeException(nameof(PropagatorLags), PropagatorLags, "Must be in [2, 200].");
        if (SignAutocorrelationLags is < 1 or > 1000) throw new ArgumentOutOfRangeException(nameof(SignAutocorrelationLags), SignAutocorrelationLags, "Must be in [1, 1000].");
        if (!(SampleSeconds > 0 && SampleSeconds <= 3600)) throw new ArgumentOutOfRangeException(nameof(SampleSeconds), SampleSeconds, "Must be in (0, 3600].");
    }
}
