using Portal.Domain.Calibration;
using Portal.Domain.MarketData;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Tests.MarketData;

/// <summary>
/// Simulate one trading day with our own market model (1 s steps), record it as a dataset (a two-sided snapshot per step with
/// sizes proportional to the liquidity level, one print of the step's volume), calibrate, and get the model's parameters back.
/// The simulator has no impact from market flow, so impact recovery is tested on <see cref="SyntheticMarket"/> instead.
/// Tolerances are ≈ 3 standard errors of each estimator for one day of data.
/// </summary>
public class SimulatorCalibrationTests
{
    private static readonly MarketSpec Spec = new()
    {
        ArrivalPrice = 50,
        Adv = 2_000_000,
        DailyVolatility = 0.02,
        Spread = new SpreadSpec { MeanBps = 6, MeanReversionPerDay = 500, VolatilityBpsPerSqrtDay = 40, MinBps = 0.5 },
        Liquidity = new LiquiditySpec { MeanReversionPerDay = 500, VolatilityPerSqrtDay = 3 },
        Volume = new VolumeSpec { UShape = 2, Noise = 0.3 },
    };

    private static readonly Lazy<MarketProfile> Profile = new(() => MarketCalibrator.Calibrate(SimulateDay(Spec, seed: 42)));

    internal static MarketDataset SimulateDay(MarketSpec market, long seed)
    {
        var scenario = new Scenario
        {
            Name = "calibration-day",
            Order = new OrderSpec { HorizonMinutes = 390, Steps = 23_400 },
            Market = market,
            Episodes = 1,
            Seed = seed,
        }.EnsureValid();
        var model = new MarketModel(scenario);
        var block = new MarketBlock(model, 1);
        block.Reset(seed, [0L]);
        var n = model.Steps;
        const long t0 = 1_700_000_000L * 1_000_000_000L;
        var times = new long[n]; var ap = new double[n]; var az = new double[n]; var bp = new double[n]; var bz = new double[n];
        var tt = new long[n]; var tp = new double[n]; var ts = new double[n]; var sd = new sbyte[n];
        for (var k = 0; k < n; k++)
        {
            var mid = block.Mid[0]; var half = block.HalfSpread[0]; var depth = 1_000 * block.Liquidity[0];
            times[k] = t0 + k * 1_000_000_000L;
            ap[k] = mid + half; bp[k] = mid - half; az[k] = depth; bz[k] = depth;
            tt[k] = times[k] + 500_000_000L; tp[k] = mid; ts[k] = block.Volume[0]; sd[k] = (sbyte)(k % 2 == 0 ? 1 : -1);
            block.Advance();
        }
        return new MarketDataset("csv", "SIM", new BookSeries(1, times, ap, az, bp, bz), new TradeSeries(tt, tp, ts, sd), [], new string('0', 64), ["simulated"]);
    }

    [Fact]
    public void Adv_matches_the_model()
    {
        Assert.InRange(Profile.Value.Adv, Spec.Adv * 0.97, Spec.Adv * 1.03);
    }

    [Fact]
    public void Volatility_matches_the_model()
    {
        var p = Profile.Value;
        var at10 = p.RealisedVolatility.Single(v => v.HorizonSeconds == 10);
        Assert.InRange(at10.DailyVolatility, 0.02 * 0.93, 0.02 * 1.07);   // 2,340 returns (SE 1.5 %) and mid/S0 within a few %
        Assert.InRange(p.DailyVolatility, 0.02 * 0.75, 0.02 * 1.25);      // 78 five-minute returns (SE 8 %)
    }

    [Fact]
    public void Spread_mean_and_dynamics_match_the_model()
    {
        var p = Profile.Value;
        Assert.InRange(p.MeanSpreadBps, 6 * 0.95, 6 * 1.05);
        Assert.InRange(p.Spread!.MeanReversionPerDay, 500 * 0.7, 500 * 1.3);        // SE √(2κ/T) ≈ 6 %, plus mid/S0 scaling
        Assert.InRange(p.Spread.VolatilityPerSqrtDay, 40 * 0.9, 40 * 1.1);
    }

    [Fact]
    public void Liquidity_ou_matches_the_model()
    {
        var p = Profile.Value;
        Assert.InRange(p.Liquidity!.MeanReversionPerDay, 500 * 0.8, 500 * 1.2);
        Assert.InRange(p.Liquidity.VolatilityPerSqrtDay, 3 * 0.9, 3 * 1.1);
    }

    [Fact]
    public void Volume_profile_matches_the_u_shape()
    {
        var p = Profile.Value;
        for (var b = 0; b < 13; b++)
        {
            var expected = MarketModel.CumulativeVolume((b + 1) / 13.0, 2) - MarketModel.CumulativeVolume(b / 13.0, 2);
            Assert.InRange(p.VolumeProfile[b], expected * 0.92, expected * 1.08);   // liquidity level sd 0.095 with a 47 s memory: SE ≈ 2.5 % per half-hour
        }
    }

    [Fact]
    public void Calibrated_market_spec_round_trips_to_the_model_parameters_and_validates()
    {
        var spec = Profile.Value.ToMarketSpec();
        Assert.InRange(spec.Adv, Spec.Adv * 0.97, Spec.Adv * 1.03);
        Assert.InRange(spec.Volume.UShape, 1.6, 2.4);
        Assert.InRange(spec.Liquidity.MeanReversionPerDay, 400, 600);
        Assert.Equal(390, spec.TradingMinutesPerDay, 9);
        Assert.Equal(RegimePresets.Custom, spec.Regime);
        var scenario = new Scenario { Order = new OrderSpec(), Market = spec };
        Assert.Empty(scenario.Validate());
    }

    [Fact]
    public void U_shape_fit_recovers_the_curvature_of_exact_fractions()
    {
        var fractions = Enumerable.Range(0, 13).Select(b => MarketModel.CumulativeVolume((b + 1) / 13.0, 3.5) - MarketModel.CumulativeVolume(b / 13.0, 3.5)).ToArray();
        Assert.Equal(3.5, ProfileToScenario.FitUShape(fractions), 9);
    }
}
