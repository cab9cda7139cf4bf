using Portal.Domain.Backtesting;
using Portal.Domain.Benchmarks;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Tests.Simulation;

/// <summary>The fused adaptive kernel (<see cref="FusedAdaptiveKernel"/>) gives exactly the general path's numbers, episode by
/// episode and in every statistic, and runs only where it applies.</summary>
public class FusedAdaptiveKernelTests
{
    private static readonly BacktestOptions Fused = new() { KeepEpisodes = false, ReferenceStrategies = false };
    private static readonly BacktestOptions General = Fused with { FusedAdaptive = false };

    public static TheoryData<string> Workloads() =>
    [
        "transient-liquidity",
        "transient-liquidity-buy",
        "reference-strategies",
        "no-liquidity-capped",
        "cap-binding",
        "cap-not-binding",
        "cap-held",
        "gbm-slip-fees",
        "fixed-events",
        "liquidity-shocks-only",
        "linear-transient",
        "almgren-chriss-capped",
        "square-root-rate",
        "linear-rate-capped",
        "square-root-exponential-kernel",
    ];

    private static Scenario Workload(string kind)
    {
        // 1,203 episodes: three batches, the last not a whole number of vectors.
        var bench = SimulationBenchmark.AdaptiveScenario(1_203, 30) with { Strategies = ["pov", "random", "twap", "ac"], Seed = 7 };
        var m = bench.Market;
        return kind switch
        {
            "transient-liquidity" => bench,
            "transient-liquidity-buy" => bench with { Order = bench.Order with { Side = Side.Buy }, Seed = 8 },
            "reference-strategies" => bench with { Strategies = ["pov", "random"] },
            // Spread and liquidity deterministic: a book could stay uniform but for the cap.
            "no-liquidity-capped" => bench with
            {
                Market = m with
                {
                    Spread = m.Spread with { VolatilityBpsPerSqrtDay = 0 },
                    Liquidity = m.Liquidity with { VolatilityPerSqrtDay = 0, ShockIntensityPerDay = 0 },
                },
                Constraints = bench.Constraints with { MaxParticipationPct = 20 },
            },
            "cap-binding" => bench with { Constraints = bench.Constraints with { MaxParticipationPct = 6 }, Order = bench.Order with { Side = Side.Buy } },
            "cap-not-binding" => bench with { Constraints = bench.Constraints with { MaxParticipationPct = 90 } },
            "cap-held" => bench with { Constraints = new ConstraintSpec { MaxParticipationPct = 6, AtHorizon = HorizonRule.HoldCap } },
            "gbm-slip-fees" => bench with
            {
                Market = m with { Price = new PriceSpec { Model = PriceModels.Gbm, DriftPerDay = 0.003 } },
                Costs = bench.Costs with { SlippageNoiseBps = 2, FeeBps = 0.5 },
            },
            "fixed-events" => bench with
            {
                Market = m with { Events = [new MarketEvent { AtFraction = 0.4, PriceJumpPct = -2, VolatilityMultiplier = 2, LiquidityMultiplier = 0.5, SpreadMultiplier = 1.5 }] },
            },
            "liquidity-shocks-only" => bench with
            {
                Market = m with { Liquidity = m.Liquidity with { VolatilityPerSqrtDay = 0 }, Spread = m.Spread with { VolatilityBpsPerSqrtDay = 0 } },
            },
            "linear-transient" => bench with
            {
                Market = m with { Impact = new TransientImpactSpec { G0 = 0.5, Beta = 1, LiquidityScaled = true } },
                Order = bench.Order with { Side = Side.Buy },
            },
            // No transient state: linear temporary and permanent impact, kept off the uniform path by the cap.
            "almgren-chriss-capped" => bench with
            {
                Market = m with { Impact = new AlmgrenChrissImpactSpec() },
                Constraints = bench.Constraints with { MaxParticipationPct = 15 },
            },
            // A rate term (power-law instantaneous impact) with its square root and linear, scaled by stochastic liquidity
            // or kept off the uniform path by a cap; own permanent impact.
            "square-root-rate" => bench with { Market = m with { Impact = new PowerLawImpactSpec { Beta = 0.5, LiquidityScaled = true } } },
            "linear-rate-capped" => bench with
            {
                Market = m with { Impact = new PowerLawImpactSpec { Beta = 1 } },
                Constraints = bench.Constraints with { MaxParticipationPct = 12 },
                Order = bench.Order with { Side = Side.Buy },
            },
            // The square-root law through one exponential kernel: a rate term and one transient state.
            "square-root-exponential-kernel" => bench with
            {
                Market = m with { Impact = new SquareRootImpactSpec { Kernel = PropagatorKernels.Exponential, LiquidityScaled = true } },
            },
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown workload"),
        };
    }

    private static void AssertSameBits(double expected, double actual, string what) =>
        Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual), $"{what}: expected {expected:R}, got {actual:R}");

    private static void AssertSameColumns(BacktestPartial expected, BacktestPartial actual, IReadOnlyList<string> ids, string kind)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int s = 0; s < ids.Count; s++)
        {
            for (int e = 0; e < expected.Count; e++)
            {
                string at = $"{kind}, {ids[s]}, episode {expected.First + e}";
                AssertSameBits(expected.CostCurrency[s][e], actual.CostCurrency[s][e], $"{at}: shortfall");
                AssertSameBits(expected.CostBps[s][e], actual.CostBps[s][e], $"{at}: shortfall bps");
                AssertSameBits(expected.Forced[s][e], actual.Forced[s][e], $"{at}: forced");
                AssertSameBits(expected.Unfilled[s][e], actual.Unfilled[s][e], $"{at}: unfilled");
                Assert.True(expected.Breaches[s][e] == actual.Breaches[s][e], $"{at}: breaches {expected.Breaches[s][e]} against {actual.Breaches[s][e]}");
                AssertSameBits(expected.MaxParticipation[s][e], actual.MaxParticipation[s][e], $"{at}: max participation");
                AssertSameBits(expected.OpportunityBps[s][e], actual.OpportunityBps[s][e], $"{at}: opportunity");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Workloads))]
    public void Every_episode_and_statistic_is_bit_identical_to_the_general_path(string kind)
    {
        var scenario = Workload(kind);
        var options = kind == "reference-strategies" ? Fused with { ReferenceStrategies = true } : Fused;
        var general = options with { FusedAdaptive = false };
        var plan = BacktestPlan.Create(scenario, options);
        Assert.NotNull(FusedAdaptiveKernel.TryCreate(plan.Model, plan.Strategies));
        var ids = plan.Strategies.Select(x => x.Id).ToArray();

        var expected = BacktestRunner.RunEpisodes(plan, 0, plan.Episodes, general);
        var actual = BacktestRunner.RunEpisodes(plan, 0, plan.Episodes, options);
        AssertSameColumns(expected, actual, ids, kind);
        // A column the kernel wrote must hold something: the run is not a comparison of two empty paths.
        Assert.Contains(actual.CostBps[0], x => x != 0);

        var a = BacktestRunner.Merge(plan, [expected]);
        var b = BacktestRunner.Merge(plan, [actual]);
        Assert.Equal(BacktestReport.ToJson(a, scenario), BacktestReport.ToJson(b, scenario));
        for (int s = 0; s < a.Strategies.Count; s++)
        {
            var (x, y) = (a.Strategies[s], b.Strategies[s]);
            Assert.Equal(x.StrategyId, y.StrategyId);
            Assert.Equal(x.MeanParticipation, y.MeanParticipation);
            Assert.Equal(x.MeanInventoryFraction, y.MeanInventoryFraction);
            Assert.Equal(x.InventoryP5Fraction, y.InventoryP5Fraction);
            Assert.Equal(x.InventoryP95Fraction, y.InventoryP95Fraction);
            AssertSameBits(x.Summary.MeanBps, y.Summary.MeanBps, $"{kind}, {x.StrategyId}: mean");
            AssertSameBits(x.MaxParticipationP95, y.MaxParticipationP95, $"{kind}, {x.StrategyId}: max participation p95");
            Assert.Equal(x.CapBreaches, y.CapBreaches);
        }
    }

    public static TheoryData<string, int, int, int> GroupEdges() => new()
    {
        // Batches whose last group of four is partial (1, 3, 5, 7, 13, 517, 1,027, 1,029) or whole (4, 8, 1,028), an odd or
        // even number of groups in the last batch, shards that start past the first batch (512, 1,024: the episodes before
        // are one more shard, run on the general path); one thread and several.
        { "transient-liquidity", 0, 1, 1 },
        { "transient-liquidity", 0, 3, 2 },
        { "transient-liquidity", 0, 4, 1 },
        { "transient-liquidity", 0, 5, 2 },
        { "transient-liquidity", 512, 7, 1 },
        { "transient-liquidity", 0, 8, 2 },
        { "transient-liquidity", 1_024, 13, 1 },
        { "transient-liquidity", 0, 517, 2 },
        { "transient-liquidity", 512, 1_027, 1 },
        { "transient-liquidity", 0, 1_028, 2 },
        { "transient-liquidity", 0, 1_029, 1 },
        { "cap-held", 0, 1_029, 2 },
        { "cap-held", 512, 1_028, 1 },
        { "gbm-slip-fees", 0, 517, 2 },
        { "gbm-slip-fees", 0, 1_027, 1 },
    };

    [Theory]
    [MemberData(nameof(GroupEdges))]
    public void Partial_and_empty_last_groups_give_the_general_paths_bits(string kind, int first, int count, int threads)
    {
        var scenario = Workload(kind) with { Episodes = first + count };
        var options = Fused with { MaxDegreeOfParallelism = threads };
        var plan = BacktestPlan.Create(scenario, options);
        Assert.NotNull(FusedAdaptiveKernel.TryCreate(plan.Model, plan.Strategies));
        var ids = plan.Strategies.Select(x => x.Id).ToArray();
        var expected = BacktestRunner.RunEpisodes(plan, first, count, options with { FusedAdaptive = false });
        var actual = BacktestRunner.RunEpisodes(plan, first, count, options);
        AssertSameColumns(expected, actual, ids, $"{kind}, {count} from {first}, {threads} thread(s)");
        Assert.Contains(actual.CostBps[0], x => x != 0);
        BacktestPartial[] before = first == 0 ? [] : [BacktestRunner.RunEpisodes(plan, 0, first, options with { FusedAdaptive = false })];
        var a = BacktestRunner.Merge(plan, [.. before, expected]);
        var b = BacktestRunner.Merge(plan, [.. before, actual]);
        Assert.Equal(BacktestReport.ToJson(a, scenario), BacktestReport.ToJson(b, scenario));
        for (int s = 0; s < a.Strategies.Count; s++)
        {
            Assert.Equal(a.Strategies[s].MeanParticipation, b.Strategies[s].MeanParticipation);
            Assert.Equal(a.Strategies[s].MeanInventoryFraction, b.Strategies[s].MeanInventoryFraction);
            Assert.Equal(a.Strategies[s].InventoryP5Fraction, b.Strategies[s].InventoryP5Fraction);
            Assert.Equal(a.Strategies[s].InventoryP95Fraction, b.Strategies[s].InventoryP95Fraction);
        }
    }

    [Fact]
    public void The_binding_cap_workloads_force_and_hold_what_they_should()
    {
        // The cap scenarios exercise the kernel's force-finish and hold-to-horizon branches, not only their zero defaults.
        var binding = BacktestRunner.RunEpisodes(BacktestPlan.Create(Workload("cap-binding"), Fused), 0, 1_203, Fused);
        Assert.Contains(binding.Breaches[0], x => x > 0);
        Assert.Contains(binding.Forced[0], x => x > 0);
        var held = BacktestRunner.RunEpisodes(BacktestPlan.Create(Workload("cap-held"), Fused), 0, 1_203, Fused);
        Assert.Contains(held.Unfilled[0], x => x > 0);
        Assert.Contains(held.OpportunityBps[0], x => x != 0);
    }

    [Fact]
    public void Shards_on_the_kernel_merge_to_the_single_process_general_run()
    {
        var scenario = Workload("transient-liquidity") with { Episodes = 1_600 };
        var plan = BacktestPlan.Create(scenario, Fused);
        var single = BacktestRunner.Run(scenario, General);
        var shards = new[]
        {
            BacktestRunner.RunEpisodes(plan, 1_024, 576, Fused),
            BacktestRunner.RunEpisodes(plan, 0, 512, Fused with { MaxDegreeOfParallelism = 1 }),
            BacktestRunner.RunEpisodes(plan, 512, 512, Fused),
        };
        var merged = BacktestRunner.Merge(plan, shards);
        Assert.Equal(BacktestReport.ToJson(single, scenario), BacktestReport.ToJson(merged, scenario));
    }

    public static TheoryData<string, string[]> FallBacks() => new()
    {
        // The market: jumps and events drawn per episode keep the separate passes; a market where every book could stay
        // uniform (no cap, deterministic liquidity, impact not on realised volume; or a rate term not scaled by liquidity)
        // keeps the uniform path; a rate exponent other than 1 or ½ and several transient states (a power-law
        // propagator) keep the book's general loop.
        { "jumps", ["pov", "random"] },
        { "random-events", ["pov", "random"] },
        { "uniform-book", ["pov", "random"] },
        { "power-law-uniform", ["pov", "random"] },
        { "power-law-exponent", ["pov", "random"] },
        { "square-root", ["pov", "random"] },
        // The strategies: one that posts limit orders sends the whole run to the general path.
        { "transient-liquidity", ["pov", "random", "twap-passive"] },
    };

    private static Scenario FallBack(string kind, string[] strategies)
    {
        var bench = SimulationBenchmark.AdaptiveScenario(1_203, 20) with { Strategies = strategies, Seed = 3 };
        var m = bench.Market;
        return kind switch
        {
            "transient-liquidity" => bench,
            "jumps" => bench with { Market = m with { Price = m.Price with { JumpIntensityPerDay = 3, JumpStdBps = 20 } } },
            "random-events" => bench with
            {
                Market = m with { Events = [new MarketEvent { AtFraction = 0.2, LatestAtFraction = 0.8, Probability = 0.7, LiquidityMultiplier = 0.4, ImpactMultiplier = 2 }] },
            },
            "uniform-book" => bench with
            {
                Market = m with
                {
                    Impact = new AlmgrenChrissImpactSpec(),
                    Spread = m.Spread with { VolatilityBpsPerSqrtDay = 0 },
                    Liquidity = m.Liquidity with { VolatilityPerSqrtDay = 0, ShockIntensityPerDay = 0 },
                },
            },
            "power-law-uniform" => bench with { Market = m with { Impact = new PowerLawImpactSpec { Beta = 0.5 } } },
            "power-law-exponent" => bench with { Market = m with { Impact = new PowerLawImpactSpec { Beta = 0.6, LiquidityScaled = true } } },
            "square-root" => bench with { Market = m with { Impact = new SquareRootImpactSpec { LiquidityScaled = true } } },
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown workload"),
        };
    }

    [Theory]
    [MemberData(nameof(FallBacks))]
    public void Runs_it_does_not_reproduce_fall_back_to_the_general_path(string kind, string[] strategies)
    {
        var scenario = FallBack(kind, strategies);
        var plan = BacktestPlan.Create(scenario, Fused);
        Assert.Null(FusedAdaptiveKernel.TryCreate(plan.Model, plan.Strategies));
        // And the run itself is the general path's, whatever the option says.
        Assert.Equal(BacktestReport.ToJson(BacktestRunner.Run(scenario, General), scenario), BacktestReport.ToJson(BacktestRunner.Run(scenario, Fused), scenario));
    }

    [Fact]
    public void The_adaptive_bench_workload_takes_the_kernel()
    {
        var plan = BacktestPlan.Create(SimulationBenchmark.AdaptiveScenario(512, 10), Fused);
        Assert.Equal(["pov", "random", "twap"], plan.Strategies.Select(x => x.Id));
        Assert.NotNull(FusedAdaptiveKernel.TryCreate(plan.Model, plan.Strategies));
    }
}
