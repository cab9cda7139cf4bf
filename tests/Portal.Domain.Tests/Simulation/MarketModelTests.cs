using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Tests.Simulation;

public class MarketModelTests
{
    private static Scenario Base(MarketSpec market, double horizonMinutes = 390, int steps = 39) => ScenarioPresets.Demo() with
    {
        Order = new OrderSpec { Side = Side.Sell, SizePctAdv = 5, HorizonMinutes = horizonMinutes, Steps = steps },
        Market = market,
    };

    private static MarketBlock Run(Scenario s, int episodes, Action<MarketBlock, int>? atStep = null)
    {
        var block = new MarketBlock(new MarketModel(s), episodes);
        block.Reset(s.Seed, Enumerable.Range(0, episodes).Select(i => (long)i).ToArray());
        for (int k = 0; k < s.Order.Steps; k++)
        {
            atStep?.Invoke(block, k);
            block.Advance();
        }

        return block;
    }

    private static (double Mean, double Se) Moments(IEnumerable<double> values)
    {
        var x = values.ToArray();
        double mean = x.Average();
        double sd = Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1));
        return (mean, sd / Math.Sqrt(x.Length));
    }

    [Fact]
    public void Expected_volume_over_a_full_day_is_the_adv_and_the_profile_is_u_shaped()
    {
        var s = Base(ScenarioPresets.Demo().Market with { Volume = new VolumeSpec { UShape = 3, Noise = 0 } }, 390, 390);
        var m = new MarketModel(s);
        Assert.Equal(s.Market.Adv, m.ExpectedVolume.Sum(), 1e-6 * s.Market.Adv);
        Assert.InRange(m.ExpectedVolume[0] / m.ExpectedVolume[195], 3.95, 4.0); // the open trades 1 + c times the midday rate
        Assert.Equal(m.ExpectedVolume[0], m.ExpectedVolume[^1], 6);
    }

    [Fact]
    public void Arithmetic_brownian_motion_has_the_stated_drift_and_variance()
    {
        var s = Base(ScenarioPresets.Demo().Market with { DailyVolatility = 0.02, Price = new PriceSpec { DriftPerDay = 0.01 } });
        var block = Run(s, 20_000);
        double s0 = s.Market.ArrivalPrice;
        var (mean, se) = Moments(block.Mid.Take(20_000));
        Assert.InRange(mean, s0 * 1.01 - 3 * se, s0 * 1.01 + 3 * se);
        var x = block.Mid.Take(20_000).ToArray();
        double variance = x.Select(v => (v - mean) * (v - mean)).Sum() / (x.Length - 1);
        double expected = Math.Pow(0.02 * s0, 2);
        Assert.InRange(variance, expected * (1 - 3 * Math.Sqrt(2.0 / x.Length)), expected * (1 + 3 * Math.Sqrt(2.0 / x.Length)));
    }

    [Fact]
    public void Geometric_brownian_motion_has_mean_s0_exp_mu_t()
    {
        var s = Base(ScenarioPresets.Demo().Market with { DailyVolatility = 0.05, Price = new PriceSpec { Model = PriceModels.Gbm, DriftPerDay = 0.2 } });
        var block = Run(s, 20_000);
        var (mean, se) = Moments(block.Mid.Take(20_000));
        double expected = s.Market.ArrivalPrice * Math.Exp(0.2);
        Assert.InRange(mean, expected - 3 * se, expected + 3 * se);
        Assert.True(block.Mid.Take(20_000).All(v => v > 0));
    }

    [Fact]
    public void Jumps_move_the_mean_by_the_expected_number_of_jumps_times_their_mean()
    {
        var s = Base(ScenarioPresets.Demo().Market with
        {
            DailyVolatility = 0,
            Price = new PriceSpec { JumpIntensityPerDay = 4, JumpMeanBps = -50, JumpStdBps = 20 },
        });
        var block = Run(s, 20_000);
        double p = -double.ExpM1(-4 * s.StepDays);
        double expected = s.Market.ArrivalPrice * (1 + s.Order.Steps * p * -50e-4);
        var (mean, se) = Moments(block.Mid.Take(20_000));
        Assert.InRange(mean, expected - 3 * se, expected + 3 * se);
    }

    [Fact]
    public void Ornstein_uhlenbeck_spread_and_liquidity_have_the_exact_transition_variance()
    {
        var s = Base(ScenarioPresets.Demo().Market with
        {
            Spread = new SpreadSpec { MeanBps = 50, MeanReversionPerDay = 3, VolatilityBpsPerSqrtDay = 10, MinBps = 0 },
            Liquidity = new LiquiditySpec { MeanReversionPerDay = 2, VolatilityPerSqrtDay = 0.1 },
        }, horizonMinutes: 390, steps: 10);
        double[] spread = [], liquidity = [];
        Run(s, 20_000, (b, k) =>
        {
            if (k == s.Order.Steps - 1)
            {
                spread = b.SpreadBps.Take(20_000).ToArray();
                liquidity = b.Liquidity.Take(20_000).ToArray();
            }
        });
        double t = 0.9; // the last decision step is at 9/10 of a day
        void Check(double[] x, double mean, double theta, double sigma)
        {
            var (m, se) = Moments(x);
            Assert.InRange(m, mean - 3 * se, mean + 3 * se);
            double v = x.Select(y => (y - m) * (y - m)).Sum() / (x.Length - 1);
            double expected = sigma * sigma * -double.ExpM1(-2 * theta * t) / (2 * theta);
            Assert.InRange(v, expected * (1 - 3 * Math.Sqrt(2.0 / x.Length)), expected * (1 + 3 * Math.Sqrt(2.0 / x.Length)));
        }

        Check(spread, 50, 3, 10);
        Check(liquidity, 1, 2, 0.1);
    }

    [Fact]
    public void Flash_crash_event_follows_its_jump_recovery_and_multipliers()
    {
        var s = Base(ScenarioPresets.Demo().Market with
        {
            DailyVolatility = 0,
            Volume = new VolumeSpec { UShape = 0, Noise = 0 },
            Events = [new MarketEvent { AtFraction = 0.4, PriceJumpPct = -5, PriceRecoveryFraction = 0.8, LiquidityMultiplier = 0.1, SpreadMultiplier = 5, RecoveryMinutes = 20 }],
        }, horizonMinutes: 60, steps: 12);
        double s0 = s.Market.ArrivalPrice;
        var model = new MarketModel(s);
        Run(s, 4, (b, k) =>
        {
            double t = k * 5.0;
            double w = t >= 24 ? Math.Exp(-(t - 24) / 20) : 1;
            double offset = t >= 24 ? -0.05 * (1 - 0.8 * (1 - w)) : 0;
            double liq = t >= 24 ? 1 + (0.1 - 1) * w : 1;
            double spread = t >= 24 ? 4 * (1 + 4 * w) : 4;
            Assert.Equal(s0 * (1 + offset), b.Mid[0], 9);
            Assert.Equal(liq, b.Liquidity[0], 12);
            Assert.Equal(spread, b.SpreadBps[0], 9);
            Assert.Equal(model.ExpectedVolume[k] * liq, b.Volume[0], 6);
        });
    }

    [Fact]
    public void Lognormal_volume_noise_keeps_the_expected_volume()
    {
        var s = Base(ScenarioPresets.Demo().Market with { Volume = new VolumeSpec { UShape = 2, Noise = 0.5 } }, 60, 12);
        var model = new MarketModel(s);
        double[] v = [];
        Run(s, 20_000, (b, k) => { if (k == 5) v = b.Volume.Take(20_000).ToArray(); });
        var (mean, se) = Moments(v);
        Assert.InRange(mean, model.ExpectedVolume[5] - 3 * se, model.ExpectedVolume[5] + 3 * se);
    }
}
