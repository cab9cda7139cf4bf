using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Tests.Backtesting;

public class IdentityTests
{
    private static Scenario NoImpact(string model, Side side) => ScenarioPresets.Demo() with
    {
        Order = ScenarioPresets.Demo().Order with { Side = side },
        Market = ScenarioPresets.Demo().Market with
        {
            DailyVolatility = 0,
            Impact = model switch
            {
                ImpactModels.AlmgrenChriss => new AlmgrenChrissImpactSpec { Eta = 0, Gamma = 0 },
                ImpactModels.PowerLaw => new PowerLawImpactSpec { Eta = 0, Gamma = 0 },
                ImpactModels.SquareRoot => new SquareRootImpactSpec { Y = 0 },
                ImpactModels.Transient => new TransientImpactSpec { G0 = 0 },
                _ => new ObizhaevaWangImpactSpec { Depth = 1e300 },
            },
            Spread = new SpreadSpec { MeanBps = 4, MinBps = 0 },
        },
        Costs = new CostSpec { FeeBps = 1.5, FeePerShare = 0.002 },
        Episodes = 64,
        // Market-order baselines: strategies posting limit orders earn the spread (their identity is in PassiveOrderTests).
        Strategies = StrategyCatalog.Baselines.Where(b => !b.PostsLimitOrders).Select(b => b.Id).ToArray(),
    };

    [Theory]
    [InlineData(ImpactModels.AlmgrenChriss, Side.Sell)]
    [InlineData(ImpactModels.AlmgrenChriss, Side.Buy)]
    [InlineData(ImpactModels.SquareRoot, Side.Sell)]
    [InlineData(ImpactModels.PowerLaw, Side.Buy)]
    [InlineData(ImpactModels.Transient, Side.Buy)]
    [InlineData(ImpactModels.ObizhaevaWang, Side.Sell)]
    public void Without_impact_and_volatility_shortfall_is_half_spread_plus_fees(string model, Side side)
    {
        var s = NoImpact(model, side);
        double s0 = s.Market.ArrivalPrice;
        double half = 2e-4 * s0;
        double execPrice = side == Side.Buy ? s0 + half : s0 - half;
        double expected = 2 + 1.5 * execPrice / s0 + 0.002 / s0 * 1e4;
        foreach (var r in BacktestRunner.Run(s).Strategies)
        {
            foreach (var e in r.Episodes)
            {
                Assert.Equal(expected, e.ShortfallBps, 1e-9);
                Assert.Equal(0, e.TemporaryImpactBps, 1e-12);
                Assert.Equal(0, e.PermanentImpactBps, 1e-12);
                Assert.Equal(0, e.TimingBps, 1e-12);
            }
        }
    }

    [Theory]
    [InlineData(ImpactModels.AlmgrenChriss)]
    [InlineData(ImpactModels.SquareRoot)]
    [InlineData(ImpactModels.PowerLaw)]
    [InlineData(ImpactModels.Transient)]
    [InlineData(ImpactModels.ObizhaevaWang)]
    public void Impact_cost_grows_with_order_size(string model)
    {
        double previous = 0;
        foreach (double pct in new[] { 0.5, 1, 2, 5, 10, 20 })
        {
            var s = ScenarioPresets.Demo() with
            {
                Order = ScenarioPresets.Demo().Order with { SizePctAdv = pct },
                Market = ScenarioPresets.Demo().Market with { Impact = ImpactSpec.Default(model) },
                Episodes = 8,
                Strategies = ["twap", "immediate"],
            };
            foreach (var r in BacktestRunner.Run(s).Strategies.Where(r => r.StrategyId == "immediate"))
            {
                double impact = r.Episodes[0].TemporaryImpactBps + r.Episodes[0].PermanentImpactBps;
                Assert.True(impact > previous, $"{model}: impact {impact} bps at {pct}% ADV is not above {previous} bps");
                previous = impact;
            }
        }
    }

    [Fact]
    public void Participation_cap_is_never_exceeded_before_the_last_step_and_the_rest_is_forced()
    {
        var s = ScenarioPresets.Demo() with
        {
            Market = RegimePresets.Apply(ScenarioPresets.Demo().Market, RegimePresets.Volatile),
            Constraints = new ConstraintSpec { MaxParticipationPct = 5 },
            Episodes = 500,
            Strategies = ["twap", "immediate", "random"],
        };
        foreach (var r in BacktestRunner.Run(s).Strategies)
        {
            Assert.True(r.Summary.Completion < 1, $"{r.StrategyId} should have been constrained");
            foreach (var e in r.Episodes) Assert.True(e.ForcedQuantity >= 0 && e.ForcedQuantity <= s.Quantity);
        }

        var sim = new Portal.Domain.Simulation.ExecutionSimulation(s, 50);
        var obs = sim.Reset(s.Seed, 0, 50);
        var ones = Enumerable.Repeat(1.0, 50).ToArray();
        var before = new double[50];
        for (int k = 0; k < s.Order.Steps - 1; k++)
        {
            double expected = sim.Context.ExpectedStepVolume;
            for (int i = 0; i < 50; i++) before[i] = sim.Remaining(i);
            obs = sim.Step(ones).Observations;
            // The step's volume is revealed once it ends: the next observation's ratio is its realised-to-expected ratio.
            var volume = obs.ToArray().Select(o => o.VolumeRatio * expected).ToArray();
            for (int i = 0; i < 50; i++) Assert.True(before[i] - sim.Remaining(i) <= 0.05 * volume[i] * (1 + 1e-12));
        }
    }
}
