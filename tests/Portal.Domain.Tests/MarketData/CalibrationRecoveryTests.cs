using Portal.Domain.Calibration;

namespace Portal.Domain.Tests.MarketData;

/// <summary>Calibration recovers the parameters a synthetic market was generated with (fixed seeds; tolerances are ≈ 3 standard errors).</summary>
public class CalibrationRecoveryTests
{
    private static readonly Lazy<(MarketProfile Profile, double Total, SyntheticMarket Market)> Impactful = new(() =>
    {
        var m = new SyntheticMarket();
        var (ds, total) = m.Generate();
        return (MarketCalibrator.Calibrate(ds), total, m);
    });

    [Fact]
    public void Adv_is_the_traded_volume_scaled_to_a_session()
    {
        var (p, total, m) = Impactful.Value;
        Assert.Equal(total, p.TotalVolume, 6);
        Assert.Equal(total / p.ObservedSeconds * 23_400, p.Adv, 6);
        Assert.InRange(p.ObservedSeconds, m.Seconds - 1, m.Seconds);
    }

    [Fact]
    public void Volume_profile_follows_the_trade_rates_per_bucket()
    {
        var (p, _, m) = Impactful.Value;
        var sum = m.BucketRates.Sum();
        Assert.Equal(13, p.VolumeProfile.Count);
        for (var b = 0; b < 13; b++)
            Assert.InRange(p.VolumeProfile[b], m.BucketRates[b] / sum * 0.88, m.BucketRates[b] / sum * 1.12); // ~1,800+ trades per bucket: SE ≈ 3 %
    }

    [Fact]
    public void Spread_is_the_constant_generated_spread()
    {
        var (p, _, m) = Impactful.Value;
        var expectedBps = m.Spread / p.MeanMidPrice * 1e4;
        Assert.Equal(expectedBps, p.MeanSpreadBps, expectedBps * 0.01);
        Assert.Equal(expectedBps, p.MedianSpreadBps, expectedBps * 0.03);
    }

    [Fact]
    public void Propagator_recovers_decay_time_and_amplitudes()
    {
        var (p, _, m) = Impactful.Value;
        var prop = p.Impact.Propagator!;
        Assert.False(prop.DecayTimeAtSearchBound);
        Assert.InRange(prop.DecayTimeSeconds, m.TauSeconds * 0.75, m.TauSeconds * 1.25);
        var g0 = m.Permanent + m.Transient;
        Assert.InRange(prop.G0, g0 * 0.85, g0 * 1.15);
        Assert.InRange(prop.Permanent, m.Permanent * 0.5, m.Permanent * 1.5);   // the small permanent part is the hardest to pin down
        Assert.True(prop.KernelR2 > 0.9, $"kernel R² {prop.KernelR2}");
        Assert.Equal(23_400 / prop.DecayTimeSeconds, prop.ResiliencePerDay, 9);
    }

    [Fact]
    public void Kyle_lambda_is_the_bin_averaged_immediate_impact()
    {
        var (p, _, m) = Impactful.Value;
        // Trades uniform in a 10 s bin: E[P + A·e^(−u/τ)], u ~ U(0, Δ) = P + A·(τ/Δ)(1 − e^(−Δ/τ)).
        const double dt = 10;
        var expected = m.Permanent + m.Transient * m.TauSeconds / dt * (1 - Math.Exp(-dt / m.TauSeconds));
        Assert.InRange(p.Impact.Kyle!.Lambda, expected * 0.9, expected * 1.1);
        Assert.Equal(2_340, p.Impact.Kyle.N);
    }

    [Fact]
    public void Liquidity_ou_parameters_are_recovered()
    {
        var (p, _, m) = Impactful.Value;
        var liq = p.Liquidity!;
        Assert.Equal(1.0, liq.Mean, 0.02);
        Assert.InRange(liq.MeanReversionPerSecond, m.DepthKappa * 0.85, m.DepthKappa * 1.15);
        var sigmaLevel = m.DepthSigma * Math.Sqrt(2) / (2 * m.DepthMean);   // sum of two independent OU, divided by its mean
        Assert.InRange(liq.VolatilityPerSqrtSecond, sigmaLevel * 0.85, sigmaLevel * 1.15);
        Assert.Equal(liq.MeanReversionPerSecond * 23_400, liq.MeanReversionPerDay, 9);
    }

    [Fact]
    public void Realised_volatility_recovers_sigma_without_impact()
    {
        var m = new SyntheticMarket { Permanent = 0, Transient = 0, Seed = 11 };
        var p = MarketCalibrator.Calibrate(m.Generate().Dataset);
        var sigmaDay = m.SigmaPerSqrtSecond * Math.Sqrt(23_400) / m.S0;
        var at10 = p.RealisedVolatility.Single(v => v.HorizonSeconds == 10);
        Assert.InRange(at10.DailyVolatility, sigmaDay * 0.95, sigmaDay * 1.05);   // 2,340 returns: SE ≈ 1.5 %
        Assert.Equal(300, p.DailyVolatilityHorizonSeconds);
        Assert.InRange(p.DailyVolatility, sigmaDay * 0.75, sigmaDay * 1.25);       // 78 returns: SE ≈ 8 %
        Assert.InRange(p.Impact.Kyle!.Lambda, -3e-6, 3e-6);                        // no impact generated
    }

    [Fact]
    public void Trade_sign_autocorrelation_of_a_markov_chain_is_geometric()
    {
        var m = new SyntheticMarket { Seconds = 23_400, BucketRates = [4], SignPersistence = 0.8, Permanent = 0, Transient = 0, Seed = 3 };
        var p = MarketCalibrator.Calibrate(m.Generate().Dataset);
        // P(same sign) = 0.8 ⇒ C(ℓ) = 0.6^ℓ; ~94,000 trades: SE ≈ 0.005
        Assert.Equal(0.6, p.TradeSignAutocorrelation[0], 0.02);
        Assert.Equal(0.36, p.TradeSignAutocorrelation[1], 0.02);
        Assert.Equal(0.216, p.TradeSignAutocorrelation[2], 0.02);
    }

    [Fact]
    public void Square_root_coefficient_is_recovered_from_binned_flow()
    {
        // Mid moves only at bin ends by Y·σ·sgn(q)·√(|q|/ADV) of the flow q in the bin, plus small noise.
        const double y = 0.8, sigma = 0.02, s0 = 100, dt = 10;
        const int bins = 2_000;
        var rng = new Random(5);
        const long t0 = 1_700_000_000L * 1_000_000_000L;
        var flows = new double[bins];
        var tt = new List<long>(); var tp = new List<double>(); var ts = new List<double>(); var sd = new List<sbyte>();
        double total = 0;
        for (var b = 0; b < bins; b++)
        {
            var n = 1 + rng.Next(8);
            for (var i = 0; i < n; i++)
            {
                var side = rng.NextDouble() < 0.5 ? 1 : -1;
                var size = 10 + rng.Next(200);
                tt.Add(t0 + (long)((b + (i + 0.5) / n) * dt * 1e9)); tp.Add(s0); ts.Add(size); sd.Add((sbyte)side);
                flows[b] += side * size; total += size;
            }
        }
        var adv = total;                      // observed time = session length below
        var mid = s0;
        var bt = new List<long> { t0 }; var mids = new List<double> { mid };
        for (var b = 0; b < bins; b++)
        {
            mid *= 1 + y * sigma * Math.Sign(flows[b]) * Math.Sqrt(Math.Abs(flows[b]) / adv) + 1e-6 * (rng.NextDouble() - 0.5);
            bt.Add(t0 + (long)((b + 1) * dt * 1e9)); mids.Add(mid);
        }
        var book = new Portal.Domain.MarketData.BookSeries(1, bt.ToArray(), mids.Select(v => v + 0.005).ToArray(), mids.Select(_ => 100.0).ToArray(),
            mids.Select(v => v - 0.005).ToArray(), mids.Select(_ => 100.0).ToArray());
        var ds = new Portal.Domain.MarketData.MarketDataset("csv", "SQ", book,
            new Portal.Domain.MarketData.TradeSeries(tt.ToArray(), tp.ToArray(), ts.ToArray(), sd.ToArray()), [], new string('0', 64), ["synthetic"]);
        var p = MarketCalibrator.Calibrate(ds, new CalibrationOptions { SessionSeconds = bins * dt, ImpactBinSeconds = dt });
        Assert.Equal(adv, p.Adv, 6);
        // The fit uses the profile's own σ_day, so Y·σ_day recovers y·σ.
        var fit = p.Impact.SquareRoot!;
        Assert.InRange(fit.Y * p.DailyVolatility, y * sigma * 0.97, y * sigma * 1.03);
        Assert.True(fit.R2 > 0.95, $"R² {fit.R2}");
        Assert.Equal(flows.Count(f => f != 0), fit.N);     // bins with zero net flow carry no information
    }

    [Fact]
    public void Profile_json_has_the_fields_the_cli_promises()
    {
        var json = Impactful.Value.Profile.ToJson();
        foreach (var field in new[] { "\"adv\"", "\"dailyVolatility\"", "\"meanSpreadBps\"", "\"volumeProfile\"", "\"squareRoot\"", "\"kyle\"", "\"propagator\"", "\"r2\"", "\"n\"" })
            Assert.Contains(field, json);
    }
}
