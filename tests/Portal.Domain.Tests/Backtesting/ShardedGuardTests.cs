using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies;

namespace Portal.Domain.Tests.Backtesting;

/// <summary>Guard firing counts of a run cut into shards, each run by a process of its own, equal one process's counts.</summary>
public class ShardedGuardTests
{
    /// <summary>TWAP whose uncertainty is how far the mid has moved, in horizon volatilities: above 1 in some episodes and
    /// steps only, so the fallback's counts depend on which episodes a shard holds.</summary>
    private sealed class Jittery : IExecutionStrategy, IUncertaintySignal
    {
        public string Id => "agent:jittery";

        public string DisplayName => "Jittery";

        public bool UsesObservations => true;

        public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining) =>
            fractionOfRemaining.Fill(1.0 / (context.Steps - context.Step));

        public void Uncertainty(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> u)
        {
            for (int e = 0; e < u.Length; e++) u[e] = Math.Abs(observations[e].PriceMoveSigma);
        }
    }

    private static Scenario Stressed() => ScenarioPresets.Demo() with
    {
        Episodes = 1500,
        Seed = 31,
        Market = RegimePresets.Apply(ScenarioPresets.Demo().Market, RegimePresets.Panic),
        Strategies = ["twap"],
        StrategySettings = new StrategySettings
        {
            Guards = new GuardSettings
            {
                Fallback = new FallbackGuardSettings { Threshold = 1, Safe = "twap" },
                Breaker = new CircuitBreakerSettings { MaxSpreadRatio = 2, MinLiquidity = 0.5, MaxMoveSigma = 1.5, MinVolumeRatio = 0.2, SlowFactor = 0, CompletionPct = 25 },
            },
        },
    };

    private static BacktestOptions Options() => new() { ExtraStrategies = [new Jittery()] };

    private static IEnumerable<string> Rows(BacktestResult r) => r.Guards.SelectMany(g => g.Firings.Select(f =>
        $"{g.GuardedId}/{g.InnerId} {f.Guard}: {f.StepsFired} steps, {f.EpisodesFired} episodes, {f.Decisions} decisions; "
        + $"{g.Episodes} episodes, {g.GuardedMinusUnguarded.MeanBps:R} [{g.GuardedMinusUnguarded.CiLowBps:R}, {g.GuardedMinusUnguarded.CiHighBps:R}]"));

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void Shards_run_by_separate_processes_merge_to_the_single_process_guard_counts(int shards)
    {
        var scenario = Stressed();
        var single = BacktestRunner.Run(scenario, Options());

        // Every shard on a worker of its own (its own plan and strategy instances), stored, read back in reverse order, and
        // merged by yet another process whose strategies never ran an episode.
        var parts = BacktestPlan.ShardRangesByCount(scenario.Episodes, shards).Reverse()
            .Select(r => BacktestPartial.FromBytes(BacktestRunner.RunEpisodes(BacktestPlan.Create(scenario, Options()), r.First, r.Count, Options()).ToBytes()))
            .ToList();
        var merged = BacktestRunner.Merge(BacktestPlan.Create(scenario, Options()), parts);

        Assert.Equal(Rows(single), Rows(merged));
        Assert.Equal(BacktestReport.ToJson(single, scenario), BacktestReport.ToJson(merged, scenario));
        var firings = Assert.Single(merged.Guards).Firings;
        Assert.Equal(["fallback", "breaker"], firings.Select(f => f.Guard));
        // The guards fire in some episodes, not all, so a shard's counts are its own and not a share of the whole.
        Assert.All(firings, f => Assert.InRange(f.EpisodesFired, 1, scenario.Episodes - 1));
        Assert.All(firings, f => Assert.Equal((long)scenario.Episodes * scenario.Order.Steps, f.Decisions));
    }

    [Fact]
    public void One_plan_running_every_shard_counts_each_episode_once()
    {
        // As the command line's --shards does: one plan (one set of strategy instances) runs all shards, then merges.
        var scenario = Stressed();
        var single = BacktestRunner.Run(scenario, Options());
        var plan = BacktestPlan.Create(scenario, Options());
        var parts = BacktestPlan.ShardRangesByCount(scenario.Episodes, 4).Select(r => BacktestRunner.RunEpisodes(plan, r.First, r.Count, Options())).ToList();

        Assert.Equal(Rows(single), Rows(BacktestRunner.Merge(plan, parts)));
        // The instance's own running total (all shards) agrees with the merged count.
        var guarded = plan.Strategies.OfType<GuardedStrategy>().Single();
        Assert.Equal(guarded.Firings, Assert.Single(single.Guards).Firings);
    }
}
