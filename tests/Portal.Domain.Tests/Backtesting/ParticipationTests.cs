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
}
