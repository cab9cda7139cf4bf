using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies;

namespace Portal.Domain.Tests.Strategies;

/// <summary>The risk guards: the circuit breaker fires on injected anomalies and not in a quiet market, the fallback trades
/// the safe schedule exactly when the signal says so, neither breaks full liquidation, and the run reports each guard's
/// firings and its paired effect against the unguarded strategy.</summary>
public class GuardTests
{
    private static readonly CircuitBreakerSettings Breaker = new() { MaxSpreadRatio = 3, MinLiquidity = 0.3, MaxMoveSigma = 6, MinVolumeRatio = 0.02, SlowFactor = 0, CompletionPct = 25 };

    /// <summary>A normal market with liquidity-scaled impact, TWAP guarded by the breaker.</summary>
    private static Scenario Quiet(params MarketEvent[] events) => ScenarioPresets.Demo() with
    {
        Market = ScenarioPresets.Demo().Market with { Impact = ScenarioPresets.Demo().Market.Impact with { LiquidityScaled = true }, Events = events },
        Episodes = 200,
        Seed = 77,
        Strategies = ["twap"],
        StrategySettings = new StrategySettings { Guards = new GuardSettings { Breaker = Breaker, Strategies = ["twap"] } },
    };

    /// <summary>Liquidity −90% and spread ×5 from a quarter of the horizon on, in every episode.</summary>
    private static readonly MarketEvent Collapse = new() { AtFraction = 0.25, LiquidityMultiplier = 0.1, SpreadMultiplier = 5 };

    [Fact]
    public void The_breaker_fires_in_every_episode_of_an_injected_collapse_and_in_none_of_the_quiet_market()
    {
        var quiet = BacktestRunner.Run(Quiet());
        var stressed = BacktestRunner.Run(Quiet(Collapse));

        var q = Assert.Single(Assert.Single(quiet.Guards).Firings);
        Assert.Equal(("breaker", 0L, 0), (q.Guard, q.StepsFired, q.EpisodesFired));
        var g = Assert.Single(stressed.Guards);
        Assert.Equal(("guarded:twap", "twap"), (g.GuardedId, g.InnerId));
        var s = Assert.Single(g.Firings);
        Assert.Equal(200, s.EpisodesFired);
        // From step 3 (a quarter of 12 steps) to step 10, the last step being the forced one: 8 steps per episode.
        Assert.Equal(200L * 8, s.StepsFired);
        Assert.Equal(200L * 12, s.Decisions);
        Assert.Equal(0, quiet.Guards[0].GuardedMinusUnguarded.MeanBps);
        Assert.NotEqual(0, g.GuardedMinusUnguarded.MeanBps);
    }

    [Fact]
    public void A_paused_order_still_liquidates_fully_and_accelerates_into_the_deadline()
    {
        var result = BacktestRunner.Run(Quiet(Collapse));

        var guarded = result.Strategies.Single(r => r.StrategyId == "guarded:twap");
        Assert.All(guarded.Episodes, e => Assert.Equal(0, e.UnfilledQuantity));
        Assert.Equal(0, guarded.MeanUnfilledFraction);
        var x = guarded.MeanInventoryFraction;
        // Paused from step 3 until the completion window (the last 25%: steps 9, 10, 11), then equal slices of the remainder.
        Assert.Equal(x[3], x[9], 12);
        Assert.Equal(x[9] * 2 / 3, x[10], 12);
        Assert.Equal(x[9] / 3, x[11], 12);
        Assert.Equal(0, x[12]);
        // What the pause cost is reported, paired on the same paths, and agrees with the two rows.
        var g = result.Guards.Single();
        var twap = result.Strategies.Single(r => r.StrategyId == "twap");
        double mean = guarded.Episodes.Zip(twap.Episodes, (a, b) => a.ShortfallBps - b.ShortfallBps).Average();
        Assert.Equal(mean, g.GuardedMinusUnguarded.MeanBps, 9);
        Assert.True(g.GuardedMinusUnguarded.CiLowBps <= g.GuardedMinusUnguarded.MeanBps && g.GuardedMinusUnguarded.MeanBps <= g.GuardedMinusUnguarded.CiHighBps);
        Assert.Equal(200, g.Episodes);
    }

    [Fact]
    public void Under_a_participation_cap_the_guard_leaves_no_more_unfilled_than_pausing_forces()
    {
        var s = Quiet(Collapse) with { Constraints = new ConstraintSpec { MaxParticipationPct = 30 } };
        var result = BacktestRunner.Run(s);
        var guarded = result.Strategies.Single(r => r.StrategyId == "guarded:twap");
        Assert.All(guarded.Episodes, e => Assert.True(double.IsFinite(e.ShortfallBps)));
        // The remainder is never dropped: what the cap leaves is charged its opportunity cost, as for any strategy.
        Assert.All(guarded.Episodes, e => Assert.True(e.UnfilledQuantity == 0 || e.OpportunityCostBps != 0));
    }

    /// <summary>Immediate execution that reports a fixed uncertainty.</summary>
    private sealed class Unsure(double uncertainty) : IExecutionStrategy, IUncertaintySignal
    {
        public string Id => "agent:unsure";

        public string DisplayName => "Unsure";

        public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining) => fractionOfRemaining.Fill(1);

        public void Uncertainty(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> u) => u.Fill(uncertainty);
    }

    [Theory]
    [InlineData("twap")]
    [InlineData("ac")]
    public void Above_the_threshold_the_fallback_trades_the_safe_schedule_exactly_and_below_it_the_strategy(string safe)
    {
        var guards = new GuardSettings { Fallback = new FallbackGuardSettings { Threshold = 0.5, Safe = safe } };
        var s = ScenarioPresets.Demo() with { Episodes = 100, Seed = 4, Strategies = ["twap", "ac"], StrategySettings = new StrategySettings { RiskAversion = 1e-5, Guards = guards } };

        var unsure = BacktestRunner.Run(s, new BacktestOptions { ExtraStrategies = [new Unsure(0.9)] });
        var sure = BacktestRunner.Run(s, new BacktestOptions { ExtraStrategies = [new Unsure(0.1)] });

        double[] Costs(BacktestResult r, string id) => [.. r.Strategies.Single(x => x.StrategyId == id).Episodes.Select(e => e.ShortfallBps)];
        var expected = Costs(unsure, safe);
        var actual = Costs(unsure, "guarded:agent:unsure");
        for (int e = 0; e < expected.Length; e++) Assert.Equal(expected[e], actual[e], 9);
        Assert.Equal(Costs(sure, "agent:unsure"), Costs(sure, "guarded:agent:unsure"));
        var fired = Assert.Single(unsure.Guards.Single().Firings);
        Assert.Equal(("fallback", 100, 100L * 11), (fired.Guard, fired.EpisodesFired, fired.StepsFired));
        Assert.Equal(0, Assert.Single(sure.Guards.Single().Firings).StepsFired);
        // Immediate execution costs more impact than the safe schedule in this market: the guard saved, and says so.
        Assert.True(unsure.Guards.Single().GuardedMinusUnguarded.CiHighBps < 0);
    }

    [Fact]
    public void Guards_default_to_every_learned_agent_and_leave_runs_without_agents_alone()
    {
        var guards = new GuardSettings { Breaker = Breaker };
        var s = ScenarioPresets.Demo() with { Strategies = ["twap"], StrategySettings = new StrategySettings { Guards = guards } };

        var ids = StrategyCatalog.Resolve(s, [new Unsure(0)]).Select(x => x.Id).ToList();
        Assert.Equal(["twap", "agent:unsure", "guarded:agent:unsure", "random", "best-static", "reopt"], ids);
        Assert.DoesNotContain(StrategyCatalog.Resolve(s, []), x => x is GuardedStrategy);
        var missing = s with { StrategySettings = new StrategySettings { Guards = guards with { Strategies = ["vwap"] } } };
        Assert.Contains("'vwap'", Assert.Throws<ArgumentException>(() => StrategyCatalog.Resolve(missing, [])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Guards_are_optional_in_scenario_json_round_trip_and_report_bad_values_by_field()
    {
        var old = ScenarioJson.Serialize(ScenarioPresets.Demo());
        Assert.DoesNotContain("guards", old, StringComparison.Ordinal);
        Assert.Null(ScenarioJson.Parse(old).StrategySettings.Guards);

        var guarded = ScenarioPresets.Demo() with { StrategySettings = new StrategySettings { Guards = new GuardSettings { Breaker = Breaker, Fallback = new FallbackGuardSettings { Safe = "ac" } } } };
        var back = ScenarioJson.Parse(ScenarioJson.Serialize(guarded));
        Assert.Equal(Breaker, back.StrategySettings.Guards!.Breaker);
        Assert.Equal("ac", back.StrategySettings.Guards.Fallback!.Safe);

        var bad = guarded with
        {
            StrategySettings = new StrategySettings { Guards = new GuardSettings { Breaker = Breaker with { MaxSpreadRatio = 0.5, SlowFactor = 2 }, Fallback = new FallbackGuardSettings { Safe = "vwap" } } },
        };
        Assert.Equal(["strategySettings.guards.fallback.safe", "strategySettings.guards.breaker.maxSpreadRatio", "strategySettings.guards.breaker.slowFactor"],
            bad.Validate().Select(e => e.Field));
        Assert.Equal(["strategySettings.guards"], (ScenarioPresets.Demo() with { StrategySettings = new StrategySettings { Guards = new GuardSettings() } }).Validate().Select(e => e.Field));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GuardedStrategy(new Unsure(0), new GuardSettings(), ScenarioPresets.Demo()));
    }
}
