using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies;

namespace Portal.Domain.Tests.Strategies;

/// <summary>The ensemble's uncertainty signal (the members' disagreement on the action at the current observation) and the
/// confidence fallback reading it: zero for identical members, so the guard never fires; where members disagree only on
/// an injected anomaly it fires there and nowhere else; the order always liquidates fully; a threshold taken from the data
/// is the quantile of the signal on calibration paths of the nominal market.</summary>
public class EnsembleUncertaintyTests
{
    /// <summary>A policy that trades a fixed share of the remainder, or <paramref name="onAnomaly"/> of it while the
    /// liquidity level is below 0.5 (an anomaly the other members treat as ordinary).</summary>
    private sealed class Policy(double share, double? onAnomaly = null) : IExecutionStrategy
    {
        public string Id => "agent:policy";

        public string DisplayName => "Policy";

        public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining)
        {
            for (int e = 0; e < fractionOfRemaining.Length; e++)
                fractionOfRemaining[e] = onAnomaly is { } a && observations[e].Liquidity < 0.5 ? a : share;
        }
    }

    private static EnsembleStrategy Ensemble(params IExecutionStrategy[] members) => new("agent:ens", "Ensemble", members);

    /// <summary>Liquidity −90% from half the horizon on, in every episode.</summary>
    private static readonly MarketEvent Collapse = new() { AtFraction = 0.5, LiquidityMultiplier = 0.1 };

    private static Scenario Market(FallbackGuardSettings fallback, params MarketEvent[] events) => ScenarioPresets.Demo() with
    {
        Market = ScenarioPresets.Demo().Market with { Events = events },
        Episodes = 150,
        Seed = 21,
        Strategies = ["twap"],
        StrategySettings = new StrategySettings { Guards = new GuardSettings { Fallback = fallback, Strategies = ["agent:ens"] } },
    };

    private static double[] Signal(EnsembleStrategy ensemble, params Observation[] observations)
    {
        var context = new DecisionContext { Scenario = ScenarioPresets.Demo(), Step = 2, Steps = 12, Quantity = 1000, ExpectedStepVolume = 10_000 };
        var u = new double[observations.Length];
        ensemble.Uncertainty(context, observations, u);
        return u;
    }

    [Fact]
    public void The_signal_is_the_population_standard_deviation_of_the_members_fractions()
    {
        var o = new Observation { Liquidity = 1, RemainingFraction = 1 };
        Assert.Equal([0.0], Signal(Ensemble(new Policy(0.3), new Policy(0.3), new Policy(0.3)), o));
        // Fractions 0.1, 0.3, 0.5: mean 0.3, population variance (0.04 + 0 + 0.04) / 3.
        Assert.Equal(Math.Sqrt(0.08 / 3), Signal(Ensemble(new Policy(0.1), new Policy(0.3), new Policy(0.5)), o)[0], 15);
        // Fractions are clamped as the simulator clamps them: −1 trades nothing and 7 trades the remainder, so 0 and 1.
        Assert.Equal(0.5, Signal(Ensemble(new Policy(-1), new Policy(7)), o)[0], 15);
        // Per episode: members that disagree only on an anomalous observation are sure of the ordinary one.
        var u = Signal(Ensemble(new Policy(0.2), new Policy(0.2, onAnomaly: 1)), o, o with { Liquidity = 0.2 });
        Assert.Equal([0.0, 0.4], u);
    }

    [Fact]
    public void The_acting_member_trades_and_bad_construction_names_the_parameter()
    {
        var ensemble = new EnsembleStrategy("agent:ens", "Ensemble", [new Policy(0.1), new Policy(0.7)], acting: 1);
        var f = new double[1];
        ensemble.Decide(new DecisionContext { Scenario = ScenarioPresets.Demo(), Step = 0, Steps = 12 }, [new Observation { Liquidity = 1 }], f);
        Assert.Equal(0.7, f[0]);
        Assert.Equal("acting", Assert.Throws<ArgumentOutOfRangeException>(() => new EnsembleStrategy("a:b", "x", [new Policy(0.1)], acting: 1)).ParamName);
        Assert.Equal("members", Assert.Throws<ArgumentOutOfRangeException>(() => new EnsembleStrategy("a:b", "x", [])).ParamName);
    }

    [Fact]
    public void With_identical_members_the_signal_is_zero_and_the_guard_never_fires_even_in_a_collapse()
    {
        // Threshold 0, the most eager a fallback can be: it fires only where the signal is strictly positive.
        var s = Market(new FallbackGuardSettings { Threshold = 0 }, Collapse);
        var result = BacktestRunner.Run(s, new BacktestOptions { ExtraStrategies = [Ensemble(new Policy(0.2, onAnomaly: 0.9), new Policy(0.2, onAnomaly: 0.9), new Policy(0.2, onAnomaly: 0.9))] });

        var g = Assert.Single(result.Guards);
        var fallback = Assert.Single(g.Firings);
        Assert.Equal(("fallback", 0L, 0), (fallback.Guard, fallback.StepsFired, fallback.EpisodesFired));
        Assert.Equal(0, g.GuardedMinusUnguarded.MeanBps);
        Assert.Equal(0, result.Strategies.Single(r => r.StrategyId == "guarded:agent:ens").MeanUnfilledFraction);
    }

    [Fact]
    public void With_members_disagreeing_on_an_injected_anomaly_it_fires_there_only_and_liquidates_fully()
    {
        var members = () => Ensemble(new Policy(0.05), new Policy(0.05, onAnomaly: 1), new Policy(0.05));
        var quiet = BacktestRunner.Run(Market(new FallbackGuardSettings { Threshold = 0.1 }), new BacktestOptions { ExtraStrategies = [members()] });
        var stressed = BacktestRunner.Run(Market(new FallbackGuardSettings { Threshold = 0.1 }, Collapse), new BacktestOptions { ExtraStrategies = [members()] });

        Assert.Equal(0L, Assert.Single(Assert.Single(quiet.Guards).Firings).StepsFired);
        var fired = Assert.Single(Assert.Single(stressed.Guards).Firings);
        // From step 6 (half of 12 steps) to step 10, the last step being the forced one: 5 steps in every episode.
        Assert.Equal((150, 150L * 5), (fired.EpisodesFired, fired.StepsFired));
        var guarded = stressed.Strategies.Single(r => r.StrategyId == "guarded:agent:ens");
        Assert.All(guarded.Episodes, e => Assert.Equal(0, e.UnfilledQuantity));
        // Before the anomaly the guarded strategy trades as the acting member; from it on, TWAP's share of the remainder.
        var x = guarded.MeanInventoryFraction;
        var inner = stressed.Strategies.Single(r => r.StrategyId == "agent:ens").MeanInventoryFraction;
        for (int k = 0; k <= 6; k++) Assert.Equal(inner[k], x[k], 12);
        for (int k = 6; k < 12; k++) Assert.Equal(x[6] * (12 - k - 1) / (12 - 6), x[k + 1], 12);
    }

    [Fact]
    public void A_threshold_from_the_data_is_the_quantile_of_the_signal_on_nominal_calibration_paths()
    {
        // A member that disagrees when the spread is wide: on the nominal market the signal varies with the spread's noise.
        var wide = new WideSpreadPolicy();
        var ensemble = Ensemble(new Policy(0.1), wide);
        var s = Market(new FallbackGuardSettings { ThresholdQuantile = 0.9, CalibrationEpisodes = 64 }, Collapse);
        var spread = s.Market with { Spread = s.Market.Spread with { VolatilityBpsPerSqrtDay = 40 } };
        s = s with { Market = spread };

        var guarded = new GuardedStrategy(ensemble, s.StrategySettings.Guards!, DecisionContext.StrategyView(s));
        var values = UncertaintyCalibration.Record(ensemble, s, 64);
        values.Sort();
        Assert.Equal(64 * 11, values.Count);
        Assert.Equal(values[(int)Math.Ceiling(0.9 * values.Count) - 1], guarded.FallbackThreshold);
        // The calibration reads the nominal market on paths other than the run's: the same with or without the events.
        var nominal = new GuardedStrategy(ensemble, s.StrategySettings.Guards!, s with { Market = s.Market with { Events = [] } });
        Assert.Equal(guarded.FallbackThreshold, nominal.FallbackThreshold);
        Assert.NotEqual(s.Seed, UncertaintyCalibration.CalibrationSeed(s.Seed));
        // A configured threshold is used as given.
        var fixedGuard = new GuardedStrategy(ensemble, new GuardSettings { Fallback = new FallbackGuardSettings { Threshold = 0.3 } }, s);
        Assert.Equal(0.3, fixedGuard.FallbackThreshold);
        Assert.Null(new GuardedStrategy(new Policy(0.1), s.StrategySettings.Guards!, s).FallbackThreshold);
    }

    [Fact]
    public void Calibration_settings_are_validated_by_field()
    {
        var bad = Market(new FallbackGuardSettings { ThresholdQuantile = 1, CalibrationEpisodes = 3 });
        var fields = bad.Validate().Select(e => e.Field).ToList();
        Assert.Contains("strategySettings.guards.fallback.thresholdQuantile", fields);
        Assert.Contains("strategySettings.guards.fallback.calibrationEpisodes", fields);
        var json = ScenarioJson.Serialize(Market(new FallbackGuardSettings { ThresholdQuantile = 0.95 }));
        Assert.Equal(0.95, ScenarioJson.Parse(json).StrategySettings.Guards!.Fallback!.ThresholdQuantile);
        Assert.DoesNotContain("calibrationEpisodes", json, StringComparison.Ordinal);
    }

    /// <summary>Trades everything when the spread is above 4.5 bps, a tenth of the remainder otherwise.</summary>
    private sealed class WideSpreadPolicy : IExecutionStrategy
    {
        public string Id => "agent:wide";

        public string DisplayName => "Wide";

        public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining)
        {
            for (int e = 0; e < fractionOfRemaining.Length; e++) fractionOfRemaining[e] = observations[e].SpreadBps > 4.5 ? 1 : 0.1;
        }
    }
}
