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
    /// <summary>Bin width for the impact regressions, seconds; null = observed time / 2340 clamped to [0.1, 10] and rounded (10 s for a full equity day). Allowed: (0, 3600].</summary>
    public double? ImpactBinSeconds { get; init; }
    /// <summary>Number of lags K of the propagator regression (kernel estimated at 0..K bins). Allowed: [2, 200].</summary>
    public int PropagatorLags { get; init; } = 20;
    /// <summary>Number of trade-sign autocorrelation lags. Allowed: [1, 1000].</summary>
    public int SignAutocorrelationLags { get; init; } = 20;
    /// <summary>Sampling interval for the Ornstein–Uhlenbeck fits and the spread/depth statistics, seconds; null = observed time / 2000 clamped to [0.1, 1] and rounded. Allowed: (0, 3600].</summary>
    public double? SampleSeconds { get; init; }

    /// <summary>Offsets beyond the touch, in ticks, at which the fill curves post their hypothetical limit orders. Each must be in [0, 100].</summary>
    public IReadOnlyList<int> FillOffsetsTicks { get; init; } = [0, 1, 2, 3, 4];
    /// <summary>Times-to-live of the fill curves, seconds. Each must be in (0, 86400].</summary>
    public IReadOnlyList<double> FillTtlsSeconds { get; init; } = [1, 10, 60, 300];
    /// <summary>Seconds between two hypothetical posts of the fill curves (on each side, at each offset); null = observed time / 1000
    /// clamped to [0.1, 30] and rounded (23.4 s for a full equity day). Allowed: (0, 3600].</summary>
    public double? FillPostIntervalSeconds { get; init; }
    /// <summary>Size of the hypothetical limit orders, shares; null = the mean market-order size m̄. Allowed: (0, 1e9].</summary>
    public double? FillPostedShares { get; init; }
    /// <summary>Horizons of the post-fill markouts, seconds. Each must be in (0, 86400].</summary>
    public IReadOnlyList<double> MarkoutHorizonsSeconds { get; init; } = [1, 10, 60];

    /// <summary>Defaults for a round-the-clock market (crypto): 24-hour session, 24 hourly volume buckets.</summary>
    public static CalibrationOptions RoundTheClock { get; } = new() { SessionSeconds = 86_400, VolumeProfileBuckets = 24 };

    internal double BinSeconds(double observed) => ImpactBinSeconds ?? Nice(Math.Clamp(observed / 2340, 0.1, 10));
    internal double PostInterval(double observed) => FillPostIntervalSeconds ?? Nice(Math.Clamp(observed / 1000, 0.1, 30));
    internal double Sample(double observed) => SampleSeconds ?? Nice(Math.Clamp(observed / 2000, 0.1, 1));

    /// <summary>Rounds to a tenth of a second (hundredths below one second) so bins fall on readable boundaries.</summary>
    private static double Nice(double seconds) => seconds >= 1 ? Math.Round(seconds, 1) : Math.Round(seconds, 2);

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
        if (ImpactBinSeconds is { } bin && !(bin > 0 && bin <= 3600)) throw new ArgumentOutOfRangeException(nameof(ImpactBinSeconds), ImpactBinSeconds, "Must be in (0, 3600].");
        if (PropagatorLags is < 2 or > 200) throw new ArgumentOutOfRangeException(nameof(PropagatorLags), PropagatorLags, "Must be in [2, 200].");
        if (SignAutocorrelationLags is < 1 or > 1000) throw new ArgumentOutOfRangeException(nameof(SignAutocorrelationLags), SignAutocorrelationLags, "Must be in [1, 1000].");
        ArgumentNullException.ThrowIfNull(FillOffsetsTicks);
        if (FillOffsetsTicks.Count == 0) throw new ArgumentOutOfRangeException(nameof(FillOffsetsTicks), "Give at least one offset.");
        foreach (var o in FillOffsetsTicks)
            if (o is < 0 or > 100) throw new ArgumentOutOfRangeException(nameof(FillOffsetsTicks), o, "Each offset must be in [0, 100] ticks.");
        ArgumentNullException.ThrowIfNull(FillTtlsSeconds);
        if (FillTtlsSeconds.Count == 0) throw new ArgumentOutOfRangeException(nameof(FillTtlsSeconds), "Give at least one time-to-live.");
        foreach (var h in FillTtlsSeconds)
            if (!(h > 0 && h <= 86_400)) throw new ArgumentOutOfRangeException(nameof(FillTtlsSeconds), h, "Each time-to-live must be in (0, 86400] seconds.");
        if (FillPostIntervalSeconds is { } pi && !(pi > 0 && pi <= 3600)) throw new ArgumentOutOfRangeException(nameof(FillPostIntervalSeconds), pi, "Must be in (0, 3600].");
        if (FillPostedShares is { } q && !(q > 0 && q <= 1e9)) throw new ArgumentOutOfRangeException(nameof(FillPostedShares), q, "Must be in (0, 1e9].");
        ArgumentNullException.ThrowIfNull(MarkoutHorizonsSeconds);
        foreach (var h in MarkoutHorizonsSeconds)
            if (!(h > 0 && h <= 86_400)) throw new ArgumentOutOfRangeException(nameof(MarkoutHorizonsSeconds), h, "Each horizon must be in (0, 86400] seconds.");
        if (SampleSeconds is { } smp && !(smp > 0 && smp <= 3600)) throw new ArgumentOutOfRangeException(nameof(SampleSeconds), SampleSeconds, "Must be in (0, 3600].");
    }
}
