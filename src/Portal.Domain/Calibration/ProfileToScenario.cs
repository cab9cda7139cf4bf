using Portal.Domain.Scenarios;

namespace Portal.Domain.Calibration;

/// <summary>Turns a calibrated <see cref="MarketProfile"/> into the simulator's <see cref="MarketSpec"/> ("calibrated from dataset X").</summary>
/// <remarks>
/// Mapping: arrival price = mean mid; ADV, daily volatility and trading minutes per day = session seconds / 60 as calibrated;
/// spread mean from the time-weighted mean spread and its Ornstein–Uhlenbeck speed and volatility from the spread fit; liquidity
/// speed and volatility from the liquidity-level fit; the U-shape curvature c of the volume profile
/// <c>p(u) = (1 + c(2u − 1)²)/(1 + c/3)</c> (Jain and Joh, 1988) by least squares on the bucket fractions; impact either the
/// square-root law with Y (Tóth et al., 2011) or the transient (GEO) model with β = 1, G0 = 1 and
/// <c>γ = G·V₁/S0</c> (G the fitted immediate impact per share, V₁ = ADV per minute of the session), so that on one-minute
/// steps (the model's bars) <c>S0·G0·γ·n/V₁</c> equals G·n, and decay time τ as fitted; the simulated book's limit-order
/// fills (<see cref="PassiveFillSpec"/>) take k, m̄, φ and ε from <see cref="MarketProfile.PassiveFills"/> when the profile has them
/// (<see cref="PassiveFillCalibrator"/>).
/// Values are clamped into the ranges <see cref="Scenario.Validate"/> accepts; everything the profile does not estimate
/// (price model, drift, jumps, volume noise, events) comes from <paramref name="template"/>.
/// </remarks>
public static class ProfileToScenario
{
    /// <summary>Builds a market spec from a profile.</summary>
    /// <param name="profile">Calibrated profile.</param>
    /// <param name="impactModel"><c>square-root</c> (default) or <c>transient</c>.</param>
    /// <param name="template">Spec providing everything not calibrated; default <c>new MarketSpec()</c>.</param>
    public static MarketSpec ToMarketSpec(this MarketProfile profile, string impactModel = ImpactModels.SquareRoot, MarketSpec? template = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (impactModel is not (ImpactModels.SquareRoot or ImpactModels.Transient))
            throw new ArgumentOutOfRangeException(nameof(impactModel), impactModel, $"Allowed: {ImpactModels.SquareRoot}, {ImpactModels.Transient}.");
        var t = template ?? new MarketSpec();
        var impact = t.Impact.SwitchTo(impactModel);
        if (impact is SquareRootImpactSpec squareRoot && profile.Impact.SquareRoot is { Y: > 0 } sq)
            impact = squareRoot with { Y = Math.Clamp(sq.Y, 0, 100) };
        if (impact is TransientImpactSpec transient && profile.Impact.Propagator is { G0: > 0 } pr)
            impact = transient with
            {
                G0 = 1,
                Gamma = Math.Clamp(pr.G0 * profile.Adv / (Math.Clamp(profile.SessionSeconds / 60, 1, 1440) * profile.MeanMidPrice), 0, 1),
                Beta = 1,
                DecayMinutes = Math.Clamp(pr.DecayTimeSeconds / 60, 1e-6, 1e6),
            };
        var spread = t.Spread with { MeanBps = Math.Clamp(profile.MeanSpreadBps, 0, 10_000) };
        if (profile.Spread is { } so)
            spread = spread with
            {
                MeanReversionPerDay = Math.Clamp(so.MeanReversionPerDay, 0, 1e6),
                VolatilityBpsPerSqrtDay = Math.Clamp(so.VolatilityPerSqrtDay, 0, 10_000),
            };
        spread = spread with { MinBps = Math.Min(spread.MinBps, spread.MeanBps) };
        var liquidity = t.Liquidity;
        if (profile.Liquidity is { } lo)
            liquidity = liquidity with
            {
                MeanReversionPerDay = Math.Clamp(lo.MeanReversionPerDay, 0, 1e6),
                VolatilityPerSqrtDay = Math.Clamp(lo.VolatilityPerSqrtDay, 0, 100),
            };
        var fills = t.PassiveFills;
        if (profile.PassiveFills is { } pf)
            fills = fills with
            {
                FillDecayPerBps = Math.Clamp(pf.FillDecayPerBps, 0, 100),
                MeanMarketOrderShares = Math.Clamp(pf.MeanMarketOrderShares, 1e-9, 1e9),
                QueueShare = Math.Clamp(pf.QueueShare, 1e-6, 1),
                MarkoutBps = Math.Clamp(pf.MarkoutBpsPerMarketOrder, 0, 100),
            };
        return t with
        {
            PassiveFills = fills,
            ArrivalPrice = profile.MeanMidPrice,
            Adv = profile.Adv,
            DailyVolatility = Math.Clamp(profile.DailyVolatility, 0, 1),
            Regime = RegimePresets.Custom,
            CalibratedFrom = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{profile.Instrument} {profile.Start:yyyy-MM-dd}"),
            TradingMinutesPerDay = Math.Clamp(profile.SessionSeconds / 60, 1, 1440),
            Impact = impact,
            Spread = spread,
            Liquidity = liquidity,
            Volume = t.Volume with { UShape = FitUShape(profile.VolumeProfile) },
        };
    }

    /// <summary>Least-squares U-shape curvature c ∈ [0, 100] for equal-width bucket fractions covering the day.</summary>
    public static double FitUShape(IReadOnlyList<double> fractions)
    {
        ArgumentNullException.ThrowIfNull(fractions);
        var n = fractions.Count;
        if (n < 3) return 0;
        double best = 0, bestSsr = double.MaxValue;
        for (var i = 0; i <= 2000; i++)
        {
            var c = i * 0.05;
            double ssr = 0;
            for (var b = 0; b < n; b++)
            {
                var e = fractions[b] - (Cumulative((b + 1.0) / n, c) - Cumulative((double)b / n, c));
                ssr += e * e;
            }
            if (ssr < bestSsr) { bestSsr = ssr; best = c; }
        }
        return best;
    }

    private static double Cumulative(double u, double c) => (u + c * Math.Pow(2 * u - 1, 3) / 6 + c / 6) / (1 + c / 3);
}
