using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Tests.Backtesting;

/// <summary>The per-step participation rate (child order / market volume of the step) against cases with a known answer.</summary>
public class ParticipationTests
{
    /// <summary>Flat volume profile, no volume noise, constant liquidity: every step's market volume is ADV × step length.</summary>
    private static Scenario FlatVolume(params string[] strategies) => ScenarioPresets.Demo() with
    {
        Episodes = 700,
        Market = ScenarioPresets.Demo().Market with { Volume = new VolumeSpec { UShape = 0, Noise = 0 } },
        Strategies = strategies,
    };

    [Fact]
    public void Twap_on_a_flat_volume_profile_trades_the_order_over_the_horizon_volume_at_every_step()
    {
        var s = FlatVolume("twap");

        var twap = BacktestRunner.Run(s).Strategies.Single(r => r.StrategyId == "twap");

        // X / N shares against ADV · (T / N) of market volume: 5% of ADV over 60 of 390 minutes = 0.05 · 390 / 60.
        Assert.Equal(s.Order.Steps, twap.MeanParticipation.Length);
        Assert.All(twap.MeanParticipation, p => Assert.Equal(0.05 * 390 / 60, p, 9));
    }

    [Fact]
    public void Immediate_execution_takes_the_whole_order_against_the_first_step_volume_and_nothing_after()
    {
        var s = FlatVolume("twap", "immediate");

        var immediate = BacktestRunner.Run(s).Strategies.Single(r => r.StrategyId == "immediate");

        Assert.Equal(0.05 * 390 / 60 * s.Order.Steps, immediate.MeanParticipation[0], 9);
        Assert.All(immediate.MeanParticipation.Skip(1), p => Assert.Equal(0, p));
    }

    [Fact]
    public void With_noisy_volume_no_step_mean_exceeds_the_mean_of_each_episode_largest_participation()
    {
        var s = ScenarioPresets.Demo() with
        {
            Episodes = 900,
            Market = RegimePresets.Apply(ScenarioPresets.Demo().Market, RegimePresets.Volatile),
            Strategies = ["twap", "ac", "pov", "random"],
        };

        var result = BacktestRunner.Run(s);

        foreach (var r in result.Strategies)
        {
            var meanOfMax = r.Episodes.Average(e => e.MaxParticipation);
            Assert.True(r.MeanParticipation.Max() <= meanOfMax + 1e-12, $"{r.StrategyId}: max step mean {r.MeanParticipation.Max()} > mean of episode maxima {meanOfMax}");
            Assert.All(r.MeanParticipation, p => Assert.True(p >= 0 && double.IsFinite(p), $"{r.StrategyId}: {p}"));
        }
    }

    [Fact]
    public void The_result_file_carries_the_participation_series()
    {
        var result = BacktestRunner.Run(FlatVolume("twap") with { Episodes = 50 });

        var json = System.Text.Json.JsonDocument.Parse(BacktestReport.ToJson(result)).RootElement;

        var series = json.GetProperty("strategies")[0].GetProperty("meanParticipation").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        Assert.Equal(result.Strategies[0].MeanParticipation, series);
    }

    [Fact]
    public void The_p95_of_episode_maxima_is_the_type_7_percentile_of_the_stored_episodes_and_not_above_the_maximum()
    {
        var s = ScenarioPresets.Demo() with
        {
            Episodes = 1000,
            Market = RegimePresets.Apply(ScenarioPresets.Demo().Market, RegimePresets.Volatile),
            Strategies = ["twap", "immediate"],
        };

        var result = BacktestRunner.Run(s, new BacktestOptions { KeepEpisodes = true });

        foreach (var r in result.Strategies)
        {
            var sorted = r.Episodes.Select(e => e.MaxParticipation).Order().ToArray();
            double h = (sorted.Length - 1) * 0.95;
            int lo = (int)Math.Floor(h);
            double expected = sorted[lo] + (h - lo) * (sorted[Math.Min(lo + 1, sorted.Length - 1)] - sorted[lo]);
            Assert.Equal(expected, r.MaxParticipationP95, 12);
            Assert.Equal(sorted[^1], r.MaxParticipation, 12);
            Assert.True(r.MaxParticipationP95 <= r.MaxParticipation, r.StrategyId);
        }
    }

    [Fact]
    public void In_the_volatile_regime_the_extreme_participation_comes_from_a_thin_volume_step_not_from_the_child_order()
    {
        // The largest participation over many episodes is one draw from the tail of the step volume (lognormal noise
        // times a stochastic liquidity level with shocks): TWAP's child order is the same in every episode, so its
        // largest participation is that child over the thinnest step volume simulated. A near-zero volume step, not a
        // wrong numerator, is what makes the maximum run into thousands of percent.
        var demo = ScenarioPresets.Demo();
        var s = demo with
        {
            Episodes = 4000,
            Market = RegimePresets.Apply(demo.Market, RegimePresets.Volatile),
            Strategies = ["twap"],
        };

        var twap = BacktestRunner.Run(s, new BacktestOptions { KeepEpisodes = true }).Strategies.Single(r => r.StrategyId == "twap");

        double child = s.Quantity / s.Order.Steps;
        double nominalStepVolume = s.Market.Adv * s.Order.HorizonMinutes / s.Order.Steps / 390.0;
        double nominal = child / nominalStepVolume;
        // Every episode's largest participation is the child over that episode's thinnest step: at least the nominal rate
        // for most episodes (some step is below its forecast), never a different numerator.
        Assert.True(twap.MaxParticipationP95 < 10 * nominal, $"p95 {twap.MaxParticipationP95} against nominal {nominal}");
        Assert.True(twap.MaxParticipation > twap.MaxParticipationP95);
        var thinnest = child / twap.MaxParticipation;
        Assert.True(thinnest < 0.2 * nominalStepVolume, $"thinnest step volume {thinnest} against nominal {nominalStepVolume}");
    }
}
