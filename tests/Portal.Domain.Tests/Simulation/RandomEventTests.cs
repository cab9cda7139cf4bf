using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Tests.Simulation;

/// <summary>Stress events drawn per episode: their time, occurrence and size follow the stated distributions, come from
/// the episode's own stream, and the market the strategies face carries them.</summary>
public class RandomEventTests
{
    private const double Horizon = 60;
    private const int Steps = 12;

    private static readonly MarketEvent Crash = new()
    {
        AtFraction = 0.2, LatestAtFraction = 0.8, PriceJumpPct = -5, LiquidityMultiplier = 0.1, SpreadMultiplier = 5,
    };

    private static Scenario WithEvents(params MarketEvent[] events) => ScenarioPresets.Demo() with
    {
        Order = new OrderSpec { Side = Side.Sell, SizePctAdv = 5, HorizonMinutes = Horizon, Steps = Steps },
        Market = ScenarioPresets.Demo().Market with
        {
            DailyVolatility = 0,
            Volume = new VolumeSpec { UShape = 0, Noise = 0 },
            Events = events,
        },
        Episodes = 64,
        Strategies = ["twap"],
    };

    /// <summary>First step whose liquidity shows the crash, per episode (Steps when it never shows).</summary>
    private static int[] CrashSteps(Scenario s, long seed, int episodes)
    {
        var sim = new ExecutionSimulation(s, episodes);
        sim.Reset(seed, 0, episodes);
        var first = Enumerable.Repeat(Steps, episodes).ToArray();
        var zero = new double[episodes];
        for (int k = 0; k < Steps; k++)
        {
            var obs = sim.Observations;
            for (int e = 0; e < episodes; e++)
            {
                if (first[e] == Steps && obs[e].Liquidity < 0.5) first[e] = k;
            }

            sim.Step(zero);
        }

        return first;
    }

    [Fact]
    public void Two_seeds_give_two_different_event_times_and_the_market_shows_the_drawn_time()
    {
        var s = WithEvents(Crash);
        var a = StressEvents.Draw(1, 0, 0, Crash, Horizon);
        var b = StressEvents.Draw(2, 0, 0, Crash, Horizon);
        Assert.NotEqual(a.StartMinutes, b.StartMinutes);

        // The simulated liquidity collapses at the first step time at or after each episode's drawn start.
        foreach (long seed in new long[] { 1, 2 })
        {
            var steps = CrashSteps(s, seed, 32);
            for (int e = 0; e < 32; e++)
            {
                double start = StressEvents.Draw(seed, e, 0, Crash, Horizon).StartMinutes;
                Assert.Equal((int)Math.Ceiling(start / (Horizon / Steps) - 1e-9), steps[e]);
            }

            Assert.True(steps.Distinct().Count() >= 4, $"crash steps should vary between episodes: {string.Join(",", steps)}");
        }

        Assert.NotEqual(CrashSteps(s, 1, 32), CrashSteps(s, 2, 32));
    }

    [Fact]
    public void Start_times_are_uniform_over_the_stated_window_occurrence_and_size_follow_their_laws()
    {
        var e = Crash with { Probability = 0.6, SizeLogStd = 0.5 };
        const int n = 20_000;
        var starts = new List<double>();
        var logSizes = new List<double>();
        var sizes = new List<double>();
        for (int i = 0; i < n; i++)
        {
            var d = StressEvents.Draw(42, i, 0, e, Horizon);
            if (!d.Occurs)
            {
                Assert.True(double.IsPositiveInfinity(d.StartMinutes));
                continue;
            }

            starts.Add(d.StartMinutes / Horizon);
            sizes.Add(d.Size);
            logSizes.Add(Math.Log(d.Size));
        }

        // Occurrence: Bernoulli(0.6) within 4 standard errors.
        double p = (double)starts.Count / n;
        Assert.InRange(p, 0.6 - 4 * Math.Sqrt(0.24 / n), 0.6 + 4 * Math.Sqrt(0.24 / n));

        // Start: Kolmogorov–Smirnov distance to Uniform(0.2, 0.8) below the 1% critical value 1.63/√m.
        var sorted = starts.OrderBy(x => x).ToArray();
        double ks = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            double cdf = (sorted[i] - 0.2) / 0.6;
            Assert.InRange(cdf, 0, 1);
            ks = Math.Max(ks, Math.Max((i + 1.0) / sorted.Length - cdf, cdf - (double)i / sorted.Length));
        }

        Assert.True(ks < 1.63 / Math.Sqrt(sorted.Length), $"KS distance {ks}");

        // Size: log-normal with log-std 0.5 and mean 1.
        double meanLog = logSizes.Average();
        double sdLog = Math.Sqrt(logSizes.Sum(x => (x - meanLog) * (x - meanLog)) / (logSizes.Count - 1));
        Assert.InRange(meanLog, -0.125 - 4 * 0.5 / Math.Sqrt(logSizes.Count), -0.125 + 4 * 0.5 / Math.Sqrt(logSizes.Count));
        Assert.InRange(sdLog, 0.5 * (1 - 4 / Math.Sqrt(2.0 * logSizes.Count)), 0.5 * (1 + 4 / Math.Sqrt(2.0 * logSizes.Count)));
        double sizeSe = Math.Sqrt(Math.Exp(0.25) - 1) / Math.Sqrt(sizes.Count);
        Assert.InRange(sizes.Average(), 1 - 4 * sizeSe, 1 + 4 * sizeSe);
    }

    [Fact]
    public void An_episode_draws_the_same_event_and_path_whatever_its_batch()
    {
        var s = WithEvents(Crash with { SizeLogStd = 0.4, Probability = 0.8 }) with
        {
            Market = WithEvents().Market with { DailyVolatility = 0.02, Volume = new VolumeSpec { Noise = 0.3 }, Events = [Crash with { SizeLogStd = 0.4, Probability = 0.8 }] },
        };
        var alone = new ExecutionSimulation(s, 1);
        alone.Reset(7, [13L]);
        var batch = new ExecutionSimulation(s, 16);
        batch.Reset(7, 5, 16); // episodes 5..20: episode 13 sits at index 8
        var f1 = new[] { 0.1 };
        var f16 = Enumerable.Repeat(0.1, 16).ToArray();
        for (int k = 0; k < Steps; k++)
        {
            Assert.Equal(alone.Observations[0], batch.Observations[8]);
            alone.Step(f1);
            batch.Step(f16);
        }

        Assert.Equal(alone.Result(0) with { Episode = 0 }, batch.Result(8) with { Episode = 0 });
    }

    [Fact]
    public void Per_episode_impact_events_leave_the_uniform_schedule_path_and_cost_what_each_episode_drew()
    {
        // Zero volatility, flat constant volume, linear temporary impact only: TWAP's temporary cost is q²·c·Σ_k scale_k,
        // so relative to the event-free run each episode pays Σ_k scale_k / N with scale 3 from its drawn start on.
        var shift = new MarketEvent { AtFraction = 0.2, LatestAtFraction = 0.8, ImpactMultiplier = 3 };
        var calm = WithEvents() with { Market = WithEvents().Market with { Impact = new AlmgrenChrissImpactSpec { Gamma = 0 } } };
        var shifted = calm with { Market = calm.Market with { Events = [shift] } };
        var options = new BacktestOptions { KeepEpisodes = true, ReferenceStrategies = false };
        var baseCost = BacktestRunner.Run(calm, options).Strategies.Single(r => r.StrategyId == "twap").Episodes;
        var cost = BacktestRunner.Run(shifted, options).Strategies.Single(r => r.StrategyId == "twap").Episodes;
        double stepMinutes = Horizon / Steps;
        var ratios = new HashSet<double>();
        for (int e = 0; e < cost.Count; e++)
        {
            double start = StressEvents.Draw(shifted.Seed, e, 0, shift, Horizon).StartMinutes;
            double sum = 0;
            for (int k = 0; k < Steps; k++) sum += k * stepMinutes >= start - 1e-9 ? 3 : 1;
            double expected = sum / Steps;
            Assert.Equal(expected, cost[e].TemporaryImpactBps / baseCost[e].TemporaryImpactBps, 9);
            ratios.Add(Math.Round(expected, 9));
        }

        Assert.True(ratios.Count >= 4, "episodes should pay different impact");
    }

    [Fact]
    public void Old_event_json_without_the_new_fields_loads_as_a_fixed_event()
    {
        var s = ScenarioJson.Parse("""
            { "order": { "side": "sell", "sizePctAdv": 5, "horizonMinutes": 60, "steps": 12 },
              "market": { "events": [ { "atFraction": 0.4, "priceJumpPct": -5, "liquidityMultiplier": 0.1 } ] } }
            """);
        var e = Assert.Single(s.Market.Events);
        Assert.Null(e.LatestAtFraction);
        Assert.Equal(1, e.Probability);
        Assert.Equal(0, e.SizeLogStd);
        Assert.False(e.IsRandom);
        for (long seed = 0; seed < 5; seed++) Assert.Equal(new EventDraw(true, 24, 1), StressEvents.Draw(seed, seed * 3, 0, e, 60));
    }

    [Fact]
    public void Stress_regime_presets_draw_their_event_time_per_episode()
    {
        foreach (string regime in new[] { RegimePresets.FlashCrash, RegimePresets.LiquidityCollapse, RegimePresets.VolatilitySpike, RegimePresets.ImpactShift })
        {
            var e = Assert.Single(RegimePresets.Apply(new MarketSpec(), regime).Events);
            Assert.True(e.IsRandom, regime);
            Assert.True(e.LatestAtFraction > e.AtFraction, regime);
        }
    }

    [Fact]
    public void Invalid_event_draw_settings_are_rejected_with_their_range()
    {
        var s = WithEvents(Crash with { LatestAtFraction = 0.1, Probability = 1.5, SizeLogStd = -1 });
        var error = Assert.Throws<ScenarioValidationException>(() => s.EnsureValid());
        Assert.Contains("market.events[0].latestAtFraction", error.Message, StringComparison.Ordinal);
        Assert.Contains("market.events[0].probability", error.Message, StringComparison.Ordinal);
        Assert.Contains("market.events[0].sizeLogStd", error.Message, StringComparison.Ordinal);
    }
}
