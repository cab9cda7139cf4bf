using Portal.Domain.Backtesting;
using Portal.Domain.Benchmarks;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Tests.Simulation;

/// <summary>The market's one-pass step (<see cref="MarketBlock.FusedStep"/>) and the book's in-loop participation sum give
/// exactly the numbers of the separate passes, episode by episode, on the adaptive workloads they serve.</summary>
public class FusedMarketStepTests
{
    private static readonly BacktestOptions Fused = new() { KeepEpisodes = true, ReferenceStrategies = false };
    private static readonly BacktestOptions Separate = Fused with { FusedMarketStep = false };

    public static TheoryData<string> Workloads() =>
    [
        "transient-liquidity",
        "transient-no-liquidity",
        "power-law",
        "power-law-buy",
        "cap-binding",
        "cap-held",
        "gbm-slip",
        "fixed-events",
        "random-events",
        "jumps",
    ];

    private static Scenario Workload(string kind)
    {
        var bench = SimulationBenchmark.AdaptiveScenario(1_203, 30) with { Strategies = ["pov", "random", "twap"], Seed = 7 };
        var m = bench.Market;
        return kind switch
        {
            "transient-liquidity" => bench,
            // Spread and liquidity deterministic: the fused step's constant-spread and stored-level branches.
            "transient-no-liquidity" => bench with
            {
                Market = m with
                {
                    Spread = m.Spread with { VolatilityBpsPerSqrtDay = 0 },
                    Liquidity = m.Liquidity with { VolatilityPerSqrtDay = 0, ShockIntensityPerDay = 0 },
                },
            },
            "power-law" => bench with { Market = m with { Impact = new PowerLawImpactSpec() } },
            "power-law-buy" => bench with { Market = m with { Impact = new PowerLawImpactSpec() }, Order = bench.Order with { Side = Side.Buy } },
            "cap-binding" => bench with { Constraints = bench.Constraints with { MaxParticipationPct = 6 }, Order = bench.Order with { Side = Side.Buy } },
            "cap-held" => bench with { Constraints = new ConstraintSpec { MaxParticipationPct = 6, AtHorizon = HorizonRule.HoldCap } },
            "gbm-slip" => bench with
            {
                Market = m with { Price = new PriceSpec { Model = PriceModels.Gbm, DriftPerDay = 0.003 } },
                Costs = bench.Costs with { SlippageNoiseBps = 2, FeeBps = 0.5 },
            },
            // Fixed events fold into per-step multipliers (the fused step runs); events drawn per episode and jumps keep the
            // separate passes, which must then give the same numbers whatever the option says.
            "fixed-events" => bench with
            {
                Market = m with { Events = [new MarketEvent { AtFraction = 0.4, PriceJumpPct = -2, VolatilityMultiplier = 2, LiquidityMultiplier = 0.5, SpreadMultiplier = 1.5 }] },
            },
            "random-events" => bench with
            {
                Market = m with { Events = [new MarketEvent { AtFraction = 0.2, LatestAtFraction = 0.8, Probability = 0.7, LiquidityMultiplier = 0.4, ImpactMultiplier = 2 }] },
            },
            "jumps" => bench with { Market = m with { Price = m.Price with { JumpIntensityPerDay = 3, JumpStdBps = 20 } } },
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown workload"),
        };
    }

    private static void AssertSameBits(double expected, double actual, string what) =>
        Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual), $"{what}: expected {expected:R}, got {actual:R}");

    [Theory]
    [MemberData(nameof(Workloads))]
    public void Every_episode_is_bit_identical_on_both_paths(string kind)
    {
        var scenario = Workload(kind);
        var separate = BacktestRunner.Run(scenario, Separate);
        var fused = BacktestRunner.Run(scenario, Fused);
        Assert.Equal(BacktestReport.ToJson(separate, scenario), BacktestReport.ToJson(fused, scenario));
        Assert.Equal(separate.Strategies.Count, fused.Strategies.Count);
        for (int s = 0; s < separate.Strategies.Count; s++)
        {
            var (expected, actual) = (separate.Strategies[s], fused.Strategies[s]);
            Assert.Equal(expected.StrategyId, actual.StrategyId);
            Assert.Equal(scenario.Episodes, expected.Episodes.Count);
            Assert.Equal(expected.Episodes.Count, actual.Episodes.Count);
            for (int e = 0; e < expected.Episodes.Count; e++)
            {
                var (x, y) = (expected.Episodes[e], actual.Episodes[e]);
                string at = $"{kind}, {expected.StrategyId}, episode {e}";
                Assert.Equal(x.Episode, y.Episode);
                AssertSameBits(x.ShortfallBps, y.ShortfallBps, $"{at}: shortfall bps");
                AssertSameBits(x.ShortfallCurrency, y.ShortfallCurrency, $"{at}: shortfall");
                AssertSameBits(x.ArrivalSlippageBps, y.ArrivalSlippageBps, $"{at}: arrival slippage");
                AssertSameBits(x.VwapSlippageBps, y.VwapSlippageBps, $"{at}: VWAP slippage");
                AssertSameBits(x.SpreadAndFeesBps, y.SpreadAndFeesBps, $"{at}: spread and fees");
                AssertSameBits(x.TemporaryImpactBps, y.TemporaryImpactBps, $"{at}: temporary impact");
                AssertSameBits(x.PermanentImpactBps, y.PermanentImpactBps, $"{at}: permanent impact");
                AssertSameBits(x.TimingBps, y.TimingBps, $"{at}: timing");
                AssertSameBits(x.ForcedQuantity, y.ForcedQuantity, $"{at}: forced");
                AssertSameBits(x.MaxParticipation, y.MaxParticipation, $"{at}: max participation");
                AssertSameBits(x.UnfilledQuantity, y.UnfilledQuantity, $"{at}: unfilled");
                AssertSameBits(x.OpportunityCostBps, y.OpportunityCostBps, $"{at}: opportunity");
            }

            Assert.Equal(expected.MeanParticipation, actual.MeanParticipation);
            Assert.Equal(expected.MeanInventoryFraction, actual.MeanInventoryFraction);
            AssertSameBits(expected.MaxParticipation, actual.MaxParticipation, $"{kind}, {expected.StrategyId}: max participation");
        }
    }

    [Theory]
    [InlineData("transient-liquidity", true)]
    [InlineData("transient-no-liquidity", true)]
    [InlineData("gbm-slip", true)]
    [InlineData("fixed-events", true)]
    [InlineData("random-events", false)]
    [InlineData("jumps", false)]
    public void Every_market_array_matches_step_by_step(string kind, bool runsFused)
    {
        var model = BacktestPlan.Create(Workload(kind), Fused).Model;
        const int count = 203; // not a whole number of vectors: the last group has padding lanes
        var fused = new MarketBlock(model, 256, keepHistory: true);
        var separate = new MarketBlock(model, 256, keepHistory: true) { FusedStep = false };
        var episodes = Enumerable.Range(1_000, count).Select(e => (long)e).ToArray();
        fused.Reset(11, episodes);
        separate.Reset(11, episodes);
        Assert.Equal(runsFused, fused.RunsFused);
        Assert.False(separate.RunsFused);
        for (int k = 0; k < model.Steps; k++)
        {
            fused.Advance();
            separate.Advance();
            Assert.Equal(separate.Step, fused.Step);
            AssertSameBits(separate.HalfSpreadValue, fused.HalfSpreadValue, $"step {k}: half-spread value");
            AssertSameBits(separate.ImpactScaleValue, fused.ImpactScaleValue, $"step {k}: impact scale value");
            foreach (var (name, expected, actual) in new[]
                     {
                         ("mid", separate.Mid, fused.Mid), ("half-spread", separate.HalfSpread, fused.HalfSpread),
                         ("spread", separate.SpreadBps, fused.SpreadBps), ("liquidity", separate.Liquidity, fused.Liquidity),
                         ("volume", separate.Volume, fused.Volume), ("1/volume", separate.InvVolume, fused.InvVolume),
                         ("impact scale", separate.ImpactScale, fused.ImpactScale), ("slip", separate.Slip, fused.Slip),
                         ("realised variance", separate.RealizedVariance, fused.RealizedVariance), ("move", separate.Move, fused.Move),
                         ("volume sum", separate.VolumeSum, fused.VolumeSum), ("volume move", separate.VolumeMove, fused.VolumeMove),
                         ("last volume ratio", separate.LastVolumeRatio, fused.LastVolumeRatio), ("past volume", separate.PastVolume, fused.PastVolume),
                     })
            {
                for (int e = 0; e < count; e++) AssertSameBits(expected[e], actual[e], $"{kind}, step {k}, {name}, episode {e}");
            }
        }

        // Both histories hold the same steps.
        for (int i = 0; i < model.Steps * separate.HistoryStride; i++)
        {
            int e = i % separate.HistoryStride;
            if (e >= count) continue;
            AssertSameBits(separate.MoveHistory![i], fused.MoveHistory![i], $"{kind}: move history {i}");
            AssertSameBits(separate.VolumeHistory![i], fused.VolumeHistory![i], $"{kind}: volume history {i}");
        }
    }

    [Fact]
    public void The_adaptive_bench_workload_runs_the_fused_step()
    {
        var model = BacktestPlan.Create(SimulationBenchmark.AdaptiveScenario(512, 10), Fused).Model;
        Assert.True(new MarketBlock(model, 512).RunsFused);
        Assert.False(new MarketBlock(model, 512) { FusedStep = false }.RunsFused);
        Assert.False(new MarketBlock(model, 512, trackPriceInnovation: true).RunsFused);
    }
}
