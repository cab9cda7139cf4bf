using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies;
using Portal.Domain.Strategies.Baselines;

namespace Portal.Domain.Tests.Simulation;

/// <summary>Limit orders on the simulated book: the fill intensity A·e^(−kδ), the spread a passive fill earns, adverse
/// selection, and the pegged strategy's catch-up rule.</summary>
public class PassiveOrderTests
{
    /// <summary>No volatility, impact, fees or volume noise, a constant 4 bps spread: only the spread and fills remain.</summary>
    private static Scenario Quiet(PassiveFillSpec? fills = null, Side side = Side.Sell) => ScenarioPresets.Demo() with
    {
        Order = ScenarioPresets.Demo().Order with { Side = side },
        Market = ScenarioPresets.Demo().Market with
        {
            DailyVolatility = 0,
            Impact = new AlmgrenChrissImpactSpec { Eta = 0, Gamma = 0 },
            Spread = new SpreadSpec { MeanBps = 4, MinBps = 0 },
            Volume = new VolumeSpec { Noise = 0 },
            PassiveFills = fills ?? new PassiveFillSpec { MarkoutBps = 0 },
        },
        Costs = new CostSpec(),
        Episodes = 400,
        Seed = 11,
    };

    [Theory]
    [InlineData(2.0, 0.13, 0)]
    [InlineData(2.0, 0.14, 1)] // P(N = 0) = e^−2 = 0.1353
    [InlineData(2.0, 0.40, 1)]
    [InlineData(2.0, 0.41, 2)] // P(N ≤ 1) = 3e^−2 = 0.4060
    [InlineData(0.0, 0.99, 0)]
    public void Poisson_quantiles_match_the_cumulative_distribution(double mean, double u, long expected) =>
        Assert.Equal(expected, PassiveFillModel.PoissonQuantile(mean, u));

    [Theory]
    [InlineData(30.0)]
    [InlineData(2000.0)] // normal approximation
    public void Poisson_quantiles_over_a_stratified_grid_have_the_poisson_mean_and_variance(double mean)
    {
        const int m = 200_000;
        double sum = 0, sq = 0;
        for (int i = 0; i < m; i++)
        {
            double n = PassiveFillModel.PoissonQuantile(mean, (i + 0.5) / m);
            sum += n;
            sq += n * n;
        }

        double avg = sum / m;
        Assert.Equal(mean, avg, mean * 1e-3 + 0.01);
        Assert.Equal(mean, sq / m - avg * avg, mean * 0.02);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(2.0)]
    [InlineData(4.0)]
    public void Empirical_fill_rate_at_each_offset_matches_A_exp_minus_k_delta_within_monte_carlo_error(double offsetBps)
    {
        const double ttl = 0.5, k = 0.5;
        var probe = new ExecutionSimulation(Quiet(), 1);
        probe.Reset(1, 0, 1);
        double volume = probe.Context.ExpectedStepVolume;
        double stepSeconds = Quiet().Order.HorizonMinutes / Quiet().Order.Steps * 60;
        // m̄ chosen so that about 40 market orders reach the touch during the order's life: the exact Poisson path.
        double meanOrder = volume * ttl / (2 * 40);
        var fills = new PassiveFillSpec { FillDecayPerBps = k, MeanMarketOrderShares = meanOrder, QueueShare = 1, MarkoutBps = 0 };
        var scenario = Quiet(fills);
        double a = 0.5 * volume / (meanOrder * stepSeconds);
        double expectedRate = a * Math.Exp(-k * offsetBps);
        double life = ttl * stepSeconds;

        const int batch = 1000, batches = 4;
        var sim = new ExecutionSimulation(scenario, batch);
        var plan = new LimitOrderPlan(offsetBps, ttl, ExpiryAction.Cancel);
        var all = Enumerable.Repeat(1.0, batch).ToArray();
        double sum = 0;
        for (int b = 0; b < batches; b++)
        {
            sim.Reset(scenario.Seed, b * batch, batch);
            sim.Step(all, all, plan);
            for (int e = 0; e < batch; e++)
            {
                double hits = sim.Passive(e).Filled / meanOrder;
                Assert.Equal(Math.Round(hits), hits, 1e-6); // whole market orders: the posted order is never exhausted
                sum += hits;
            }
        }

        int count = batch * batches;
        double rate = sum / count / life;
        double se = Math.Sqrt(expectedRate * life / count) / life;
        Assert.InRange(rate, expectedRate - 4 * se, expectedRate + 4 * se);
    }

    [Theory]
    [InlineData(Side.Sell, 0.0)]
    [InlineData(Side.Buy, 0.0)]
    [InlineData(Side.Sell, 1.5)]
    public void Passive_twap_without_adverse_selection_earns_half_the_spread_on_fills_and_pays_it_on_the_rest(Side side, double offsetBps)
    {
        var scenario = Quiet(side: side) with { StrategySettings = new StrategySettings { LimitOffsetBps = offsetBps } };
        var strategy = (IOrderTypeStrategy)StrategyCatalog.Create("twap-passive", scenario);
        double s0 = scenario.Market.ArrivalPrice;
        double half = 2e-4 * s0, offset = offsetBps * 1e-4 * s0;
        const int n = 200;
        var sim = new ExecutionSimulation(scenario, n);
        var obs = sim.Reset(scenario.Seed, 0, n);
        var fr = new double[n];
        var share = new double[n];
        while (!sim.IsDone)
        {
            strategy.Decide(sim.Context, obs, fr);
            strategy.DecidePassiveShare(sim.Context, obs, fr, share);
            obs = sim.Step(fr, share, strategy.Limit).Observations;
        }

        double q = scenario.Quantity;
        bool partial = false;
        for (int e = 0; e < n; e++)
        {
            var p = sim.Passive(e);
            Assert.Equal(0, sim.Remaining(e));
            Assert.Equal(q, p.Posted, 1e-6);
            Assert.Equal(q, p.Filled + p.Crossed, 1e-6);
            // Filled shares earn half the spread plus the offset against the mid, crossed ones pay half the spread.
            double expected = -p.Filled * (half + offset) + p.Crossed * half;
            Assert.Equal(expected, sim.Result(e).ShortfallCurrency, 1e-6 * q * half);
            partial |= p.Filled > 0 && p.Crossed > 0;
        }

        Assert.True(partial, "the case must mix passive fills and crossing");
    }

    [Fact]
    public void In_a_backtest_passive_twap_beats_twap_by_a_full_spread_on_its_passive_share()
    {
        var scenario = Quiet() with { Strategies = ["twap", "twap-passive"] };
        var result = BacktestRunner.Run(scenario);
        var twap = result.Strategies.Single(r => r.StrategyId == "twap");
        var passive = result.Strategies.Single(r => r.StrategyId == "twap-passive");

        Assert.Equal(2, twap.Summary.MeanBps, 1e-9);
        Assert.Equal(0, twap.Orders.PassiveShare);
        Assert.Equal(1, twap.Orders.FillRate);
        Assert.InRange(passive.Orders.PassiveShare, 0.01, 0.99);
        Assert.Equal(1, passive.Orders.FillRate);
        Assert.Equal(2 - 4 * passive.Orders.PassiveShare, passive.Summary.MeanBps, 1e-9);
        Assert.Equal(2, passive.Orders.SpreadCapturedBps!.Value, 1e-9);
        Assert.Equal(0, passive.Orders.MarkoutBps!.Value, 1e-12);
        Assert.Equal(1 - passive.Orders.PassiveShare, passive.Orders.CrossedOnExpiryShare, 1e-9);
    }

    [Fact]
    public void Adverse_selection_shows_in_markouts_and_raises_the_cost_of_the_same_fills()
    {
        // One step, about four market orders reaching the touch, an order of four fills: the rest crossed at expiry is
        // larger exactly when fewer orders came, and then the mid has moved against it by ε·(E[N] − N) ≥ 0, so adverse
        // selection can only add cost, episode by episode.
        var one = Quiet() with { Order = Quiet().Order with { Steps = 1 } };
        var probe = new ExecutionSimulation(one, 1);
        probe.Reset(1, 0, 1);
        double volume = probe.Context.ExpectedStepVolume;
        double meanOrder = volume / 8; // E[N] = (V/2)/m̄ = 4
        var clean = one with
        {
            Order = one.Order with { SizePctAdv = 4 * meanOrder / one.Market.Adv * 100 },
            Market = one.Market with { PassiveFills = new PassiveFillSpec { MeanMarketOrderShares = meanOrder, QueueShare = 1, MarkoutBps = 0 } },
            Strategies = ["twap-passive"],
            Episodes = 2000,
        };
        var picked = clean with { Market = clean.Market with { PassiveFills = clean.Market.PassiveFills with { MarkoutBps = 0.5 } } };
        var a = BacktestRunner.Run(clean).Strategies.Single(r => r.StrategyId == "twap-passive");
        var b = BacktestRunner.Run(picked).Strategies.Single(r => r.StrategyId == "twap-passive");

        // The same market orders reach the order (common random numbers), so the fills are identical...
        Assert.Equal(a.Orders.PassiveShare, b.Orders.PassiveShare);
        Assert.InRange(a.Orders.PassiveShare, 0.3, 0.99);
        // ...but a fill is followed by a move against it, and a quiet book by a move against the rest, which is then crossed.
        Assert.Equal(0, a.Orders.MarkoutBps!.Value, 1e-12);
        Assert.True(b.Orders.MarkoutBps > 0, $"markout {b.Orders.MarkoutBps}");
        for (int e = 0; e < clean.Episodes; e++) Assert.True(b.Episodes[e].ShortfallBps >= a.Episodes[e].ShortfallBps - 1e-9);
        var diff = Statistics.Paired(b.Episodes.Select(e => e.ShortfallBps).ToArray(), a.Episodes.Select(e => e.ShortfallBps).ToArray());
        Assert.True(diff.CiLowBps > 0, $"adverse selection should cost: {diff.MeanBps} [{diff.CiLowBps}, {diff.CiHighBps}]");
    }

    [Fact]
    public void Pegged_strategy_never_lags_twap_by_more_than_its_tolerance_plus_one_slice_and_finishes()
    {
        var scenario = ScenarioPresets.Demo() with { StrategySettings = new StrategySettings { CatchUpPct = 5 } };
        var strategy = (IOrderTypeStrategy)StrategyCatalog.Create("pegged", scenario);
        int steps = scenario.Order.Steps;
        const int n = 300;
        var sim = new ExecutionSimulation(scenario, n);
        var obs = sim.Reset(scenario.Seed, 0, n);
        var fr = new double[n];
        var share = new double[n];
        bool caughtUp = false;
        while (!sim.IsDone)
        {
            int k = sim.CurrentStep;
            foreach (var o in obs) Assert.True(o.RemainingFraction - (1 - (double)k / steps) <= 0.05 + 1.0 / steps + 1e-12);
            strategy.Decide(sim.Context, obs, fr);
            strategy.DecidePassiveShare(sim.Context, obs, fr, share);
            caughtUp |= share.Any(x => x < 1);
            obs = sim.Step(fr, share, strategy.Limit).Observations;
        }

        Assert.True(caughtUp, "the catch-up rule must have crossed at least once");
        for (int e = 0; e < n; e++) Assert.Equal(0, sim.Remaining(e));
    }

    [Fact]
    public void With_the_cap_holding_nothing_is_posted_at_the_last_step_and_the_cap_is_kept()
    {
        var scenario = ScenarioPresets.Demo() with
        {
            Constraints = new ConstraintSpec { MaxParticipationPct = 5, AtHorizon = HorizonRule.HoldCap },
            Strategies = ["twap-passive", "pegged"],
            Episodes = 200,
        };
        foreach (var r in BacktestRunner.Run(scenario).Strategies.Where(r => r.StrategyId is "twap-passive" or "pegged"))
        {
            Assert.True(r.MaxParticipation <= 0.05 + 1e-9, $"{r.StrategyId}: {r.MaxParticipation}");
            Assert.True(r.Orders.FillRate < 1);
            Assert.Equal(1 - r.MeanUnfilledFraction, r.Orders.FillRate, 1e-12);
        }
    }

    [Fact]
    public void Invalid_plans_and_fill_parameters_are_refused_naming_the_parameter()
    {
        Assert.Equal("ttlFraction", Assert.Throws<ArgumentOutOfRangeException>(() => new LimitOrderPlan(0, 0, ExpiryAction.Cross)).ParamName);
        Assert.Equal("offsetBps", Assert.Throws<ArgumentOutOfRangeException>(() => new LimitOrderPlan(-1, 1, ExpiryAction.Cross)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PassiveFillModel(new PassiveFillSpec { QueueShare = 0 }));
        var bad = ScenarioPresets.Demo() with { Market = ScenarioPresets.Demo().Market with { PassiveFills = new PassiveFillSpec { QueueShare = 2 } } };
        Assert.Contains(bad.Validate(), e => e.Field == "market.passiveFills.queueShare");
    }
}
