using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Tests.Simulation;

public class ExecutionSimulationTests
{
    private static Scenario Volatile(string impactModel = ImpactModels.AlmgrenChriss) => ScenarioPresets.Demo() with
    {
        Market = RegimePresets.Apply(ScenarioPresets.Demo().Market, RegimePresets.Volatile) with
        {
            Impact = ImpactSpec.Default(impactModel) with { LiquidityScaled = true },
        },
        Costs = new CostSpec { FeeBps = 0.5, FeePerShare = 0.001, SlippageNoiseBps = 1 },
    };

    [Theory]
    [InlineData("volatile-liquidity-scaled", "twap")]
    [InlineData(RegimePresets.Normal, "ac")]
    [InlineData(RegimePresets.FlashCrash, "vwap")]
    [InlineData(RegimePresets.Panic, "pov")]
    public void Stepping_a_strategy_reproduces_the_runner_episode_for_episode(string regime, string id)
    {
        var s = (regime == "volatile-liquidity-scaled"
            ? Volatile()
            : ScenarioPresets.Demo() with { Market = RegimePresets.Apply(ScenarioPresets.Demo().Market, regime) }) with { Episodes = 300, Strategies = [id] };
        var run = BacktestRunner.Run(s).Strategies.Single(r => r.StrategyId == id);
        var twap = StrategyCatalog.Create(id, s);
        var sim = new ExecutionSimulation(s, 100);
        var fractions = new double[100];
        for (int first = 0; first < 300; first += 100)
        {
            var obs = sim.Reset(s.Seed, first, 100);
            for (int k = 0; k < s.Order.Steps; k++)
            {
                twap.Decide(sim.Context, obs, fractions);
                obs = sim.Step(fractions).Observations;
            }

            for (int i = 0; i < 100; i++) Assert.Equal(run.Episodes[first + i], sim.Result(i));
        }
    }

    [Fact]
    public void An_episode_gives_the_same_numbers_whatever_its_batch_and_position()
    {
        var s = Volatile(ImpactModels.Transient) with { Strategies = ["pov"] };
        var pov = StrategyCatalog.Create("pov", s);
        EpisodeResult[] RunBatches(int batch)
        {
            var results = new List<EpisodeResult>();
            var sim = new ExecutionSimulation(s, batch);
            var fractions = new double[batch];
            for (int first = 0; first < 63; first += batch)
            {
                int count = Math.Min(batch, 63 - first);
                var obs = sim.Reset(11, first, count);
                while (!sim.IsDone)
                {
                    pov.Decide(sim.Context, obs, fractions.AsSpan(0, count));
                    obs = sim.Step(fractions.AsSpan(0, count)).Observations;
                }

                for (int i = 0; i < count; i++) results.Add(sim.Result(i));
            }

            return results.ToArray();
        }

        Assert.Equal(RunBatches(63), RunBatches(5));
    }

    [Fact]
    public void Step_costs_sum_to_the_episode_shortfall()
    {
        var s = Volatile(ImpactModels.Transient);
        var sim = new ExecutionSimulation(s, 64);
        var obs = sim.Reset(7, 0, 64);
        var sums = new double[64];
        var fractions = new double[64];
        while (!sim.IsDone)
        {
            for (int i = 0; i < 64; i++) fractions[i] = 0.1 + 0.8 * obs[i].RemainingFraction * (i % 3) / 2;
            var r = sim.Step(fractions);
            for (int i = 0; i < 64; i++) sums[i] += r.CostBps[i];
            obs = r.Observations;
        }

        for (int i = 0; i < 64; i++) Assert.Equal(sim.Result(i).ShortfallBps, sums[i], 9);
    }

    [Fact]
    public void Zero_trades_cost_nothing_and_leave_no_impact()
    {
        foreach (string model in ImpactModels.All)
        {
            var s = Volatile(model);
            var sim = new ExecutionSimulation(s, 32);
            sim.Reset(3, 0, 32);
            var zeros = new double[32];
            for (int k = 0; k < s.Order.Steps - 1; k++)
            {
                var r = sim.Step(zeros);
                foreach (double c in r.CostBps) Assert.Equal(0.0, c);
                foreach (var o in r.Observations)
                {
                    Assert.Equal(0.0, o.TransientImpactBps);
                    Assert.Equal(1.0, o.RemainingFraction);
                }
            }

            for (int i = 0; i < 32; i++) Assert.Equal(0.0, sim.Result(i).PermanentImpactBps);
        }
    }

    [Theory]
    [InlineData(ImpactModels.Transient)]
    [InlineData(ImpactModels.ObizhaevaWang)]
    public void Transient_impact_decays_as_its_kernel_says(string model)
    {
        var s = ScenarioPresets.Demo() with
        {
            Market = ScenarioPresets.Demo().Market with
            {
                DailyVolatility = 0,
                Impact = model == ImpactModels.Transient ? new TransientImpactSpec { G0 = 0.4, Gamma = 2e-3, Beta = 0.6, DecayMinutes = 13 } : model == ImpactModels.ObizhaevaWang ? new ObizhaevaWangImpactSpec { Depth = 1e6, ResiliencePerDay = 30 } : ImpactSpec.Default(model),
                Volume = new VolumeSpec { Noise = 0 },
            },
        };
        var sim = new ExecutionSimulation(s, 4);
        sim.Reset(1, 0, 4);
        double volume = sim.Context.ExpectedStepVolume; // without volume noise, the step's realised volume
        double q = 0.3 * s.Quantity;
        var fractions = new double[4];
        Array.Fill(fractions, 0.3);
        var obs = sim.Step(fractions).Observations;
        double increment = model == ImpactModels.Transient
            ? s.Market.ArrivalPrice * 0.4 * 2e-3 * Math.Pow(q / volume, 0.6)
            : q / 1e6;
        double decay = Math.Exp(-30 * s.StepDays);
        Array.Fill(fractions, 0);
        for (int k = 1; k < s.Order.Steps; k++)
        {
            double expectedBps = increment * Math.Pow(decay, k) / s.Market.ArrivalPrice * 1e4;
            Assert.Equal(expectedBps, obs[0].TransientImpactBps, 1e-9 * expectedBps);
            obs = sim.Step(fractions).Observations;
        }
    }

    [Fact]
    public void Observations_are_typed_and_side_normalised()
    {
        var buy = Volatile() with { Order = ScenarioPresets.Demo().Order with { Side = Side.Buy } };
        var sell = Volatile();
        var b = new ExecutionSimulation(buy, 16);
        var s = new ExecutionSimulation(sell, 16);
        b.Reset(5, 0, 16);
        s.Reset(5, 0, 16);
        var zeros = new double[16];
        var ob = b.Step(zeros).Observations.ToArray();
        var os = s.Step(zeros).Observations.ToArray();
        for (int i = 0; i < 16; i++)
        {
            Assert.Equal(ob[i].PriceMoveSigma, -os[i].PriceMoveSigma, 12);
            Assert.Equal(1.0 / 12, ob[i].TimeFraction, 12);
            Assert.True(ob[i].SpreadBps > 0 && ob[i].Liquidity > 0 && ob[i].VolumeRatio > 0 && ob[i].RealizedVolatility >= 0);
            Assert.Equal(i, ob[i].Episode);
        }
    }

    [Fact]
    public void Stepping_a_finished_batch_is_an_error_and_bad_batch_sizes_are_rejected()
    {
        var s = ScenarioPresets.Demo();
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExecutionSimulation(s, 0));
        var sim = new ExecutionSimulation(s, 2);
        Assert.Throws<InvalidOperationException>(() => sim.Step(new double[2]));
        sim.Reset(1, 0, 2);
        Assert.Throws<ArgumentException>(() => sim.Step(new double[1]));
        for (int k = 0; k < s.Order.Steps; k++) sim.Step(new double[2]);
        Assert.True(sim.IsDone);
        Assert.Throws<InvalidOperationException>(() => sim.Step(new double[2]));
        Assert.Equal(s.Quantity, sim.Result(0).ForcedQuantity, 6);
    }
}

public class ObservationFeatureTests
{
    [Fact]
    public void Features_follow_their_names()
    {
        var o = new Observation
        {
            Episode = 3, RemainingFraction = 0.5, TimeFraction = 0.25, PriceMoveSigma = -1, RealizedVolatility = 1.5,
            SpreadBps = 4, Liquidity = 0.8, VolumeRatio = 1.2, TransientImpactBps = 7, BookImbalance = -0.25,
        };
        var f = new float[Observation.FeatureCount];
        o.CopyFeaturesTo(f);
        Assert.Equal(Observation.FeatureCount, Observation.FeatureNames.Count);
        for (int i = 0; i < f.Length; i++)
        {
            double expected = (double)typeof(Observation).GetProperty(Observation.FeatureNames[i])!.GetValue(o)!;
            Assert.Equal((float)expected, f[i]);
        }

        Assert.Throws<ArgumentException>(() => o.CopyFeaturesTo(new float[3]));
    }
}
