using Portal.Domain.Backtesting;
using Portal.Domain.MarketData;
using Portal.Domain.QualityDiversity;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies;

namespace Portal.Domain.Tests.LookAhead;

/// <summary>
/// The information contract every strategy must keep: a decision at step k depends only on what is known at the start of
/// step k. For every baseline of the registry (a baseline added later is covered automatically) and on both market kinds,
/// every market input revealed after the start of step k is changed (the volume of step k and later; prices, spread,
/// liquidity and impact at later times; the random draws behind them; the events that start later) and the fractions the
/// strategy chose at steps ≤ k must stay exactly the same.
/// </summary>
public class LookAheadContractTests
{
    private const int Steps = 12;

    public static TheoryData<string, int> BaselinesAndSteps()
    {
        var data = new TheoryData<string, int>();
        foreach (var baseline in StrategyRegistry.Baselines)
        {
            foreach (int k in new[] { 0, 4, 9 }) data.Add(baseline.Id, k);
        }

        return data;
    }

    /// <summary>Noise in every input: volume, spread, liquidity, jumps, a random stress event, and a binding cap.</summary>
    private static Scenario Simulated(params MarketEvent[] extraEvents) => new()
    {
        Name = "look-ahead",
        Order = new OrderSpec { Side = Side.Sell, SizePctAdv = 5, HorizonMinutes = 60, Steps = Steps },
        Market = new MarketSpec
        {
            Price = new PriceSpec { JumpIntensityPerDay = 20, JumpMeanBps = -10, JumpStdBps = 30 },
            Spread = new SpreadSpec { VolatilityBpsPerSqrtDay = 20 },
            Liquidity = new LiquiditySpec { VolatilityPerSqrtDay = 1, ShockIntensityPerDay = 4 },
            Impact = new AlmgrenChrissImpactSpec { LiquidityScaled = true },
            Volume = new VolumeSpec { Noise = 0.4 },
            Events =
            [
                new MarketEvent
                {
                    AtFraction = 0, LatestAtFraction = 1, Probability = 0.7, SizeLogStd = 0.4, PriceJumpPct = -2,
                    LiquidityMultiplier = 0.3, SpreadMultiplier = 2, VolatilityMultiplier = 2, RecoveryMinutes = 15,
                },
                .. extraEvents,
            ],
        },
        Constraints = new ConstraintSpec { MaxParticipationPct = 25 },
        Episodes = 24,
        Seed = 17,
    };

    /// <summary>Events that start after step k: a fixed one and a random one.</summary>
    private static MarketEvent[] LaterEvents(int k) =>
    [
        new MarketEvent { AtFraction = (k + 0.5) / Steps, PriceJumpPct = -6, LiquidityMultiplier = 0.1, SpreadMultiplier = 5, VolatilityMultiplier = 4, ImpactMultiplier = 3 },
        new MarketEvent { AtFraction = (k + 0.5) / Steps, LatestAtFraction = 1, SizeLogStd = 0.8, PriceJumpPct = 4, LiquidityMultiplier = 3, RecoveryMinutes = 5 },
    ];

    [Theory]
    [MemberData(nameof(BaselinesAndSteps))]
    public void Decisions_up_to_step_k_ignore_every_simulated_input_revealed_after_it(string id, int k)
    {
        var baseScenario = Simulated();
        var perturbedScenario = Simulated(LaterEvents(k));
        var (plain, plainObs) = RunSimulated(id, baseScenario, null);
        var (changed, changedObs) = RunSimulated(id, perturbedScenario, new MarketPerturbation(k));

        for (int step = 0; step <= k; step++) Assert.Equal(plain[step], changed[step]);
        // The perturbation is real: what the market shows after step k differs.
        if (k + 1 < Steps) Assert.NotEqual(plainObs[k + 1], changedObs[k + 1]);
    }

    /// <summary>The MAP-Elites strategies: an elite's linear policy, and the regime router over nine different specialists
    /// (every weight non-zero, so each feature and every niche's belief feeds a decision).</summary>
    public static TheoryData<string, int> QualityDiversityAndSteps()
    {
        var data = new TheoryData<string, int>();
        foreach (string id in new[] { "router", "elite" })
        {
            foreach (int k in new[] { 0, 4, 9 }) data.Add(id, k);
        }

        return data;
    }

    private static IExecutionStrategy QualityDiversityStrategy(string id)
    {
        double[] Theta(int j) => [.. Enumerable.Range(0, LinearPolicy.ParameterCount).Select(i => 0.3 * Math.Sin(1 + i + 3 * j))];
        return id == "router"
            ? new RegimeRouter("router", new NicheGrid(), [.. Enumerable.Range(0, 9).Select(Theta)], null)
            : new LinearPolicyStrategy("elite", "elite", Theta(0));
    }

    [Theory]
    [MemberData(nameof(QualityDiversityAndSteps))]
    public void The_regime_router_and_elites_decide_up_to_step_k_ignoring_every_simulated_input_revealed_after_it(string id, int k)
    {
        // A hidden regime as in a MAP-Elites niche, plus everything the baselines are held to.
        var baseScenario = new NicheGrid().Variant(Simulated(), 2);
        var perturbedScenario = baseScenario with { Market = baseScenario.Market with { Events = [.. baseScenario.Market.Events, .. LaterEvents(k)] } };
        var (plain, plainObs) = RunSimulated(QualityDiversityStrategy(id), baseScenario, null);
        var (changed, changedObs) = RunSimulated(QualityDiversityStrategy(id), perturbedScenario, new MarketPerturbation(k));

        for (int step = 0; step <= k; step++) Assert.Equal(plain[step], changed[step]);
        if (k + 1 < Steps) Assert.NotEqual(plainObs[k + 1], changedObs[k + 1]);
        // The decisions are not trivially constant: they vary between episodes.
        Assert.Contains(plain[Math.Min(k + 1, Steps - 2)], f => f != plain[Math.Min(k + 1, Steps - 2)][0]);
    }

    [Theory]
    [MemberData(nameof(BaselinesAndSteps))]
    public void Decisions_up_to_step_k_ignore_every_recorded_input_revealed_after_it(string id, int k)
    {
        var dataset = LookAheadRecordings.Make();
        var scenario = Replayed(id);
        var options = new ReplayOptions { Adv = 2_000_000, SessionSeconds = 23_400 };
        var windows = ReplayRunner.Windows(scenario, dataset, options);
        var plan = new RecordedMarket(dataset, options).Plan(scenario);
        var perturbed = LookAheadRecordings.PerturbFrom(dataset, windows, plan.StepNs, k);

        var (plain, plainObs) = RunReplayed(id, scenario, dataset, options);
        var (changed, changedObs) = RunReplayed(id, scenario, perturbed, options);
        Assert.All(plain, f => Assert.Equal(windows.Count * (StrategyCatalog.Create(id, scenario) is IOrderTypeStrategy ? 2 : 1), f.Length));

        for (int step = 0; step <= k; step++) Assert.Equal(plain[step], changed[step]);
        if (k + 1 < Steps) Assert.NotEqual(plainObs[k + 1], changedObs[k + 1]);
    }

    [Theory]
    [MemberData(nameof(QualityDiversityAndSteps))]
    public void The_regime_router_and_elites_decide_up_to_step_k_ignoring_every_recorded_input_revealed_after_it(string id, int k)
    {
        // On replay the router's belief comes from the recorded messages alone: realised volatility of the recorded mid and
        // the liquidity shown at the start of each step. Every message after the start of step k is perturbed.
        var dataset = LookAheadRecordings.Make();
        var scenario = Replayed("twap");
        var options = new ReplayOptions { Adv = 2_000_000, SessionSeconds = 23_400 };
        var windows = ReplayRunner.Windows(scenario, dataset, options);
        var plan = new RecordedMarket(dataset, options).Plan(scenario);
        var perturbed = LookAheadRecordings.PerturbFrom(dataset, windows, plan.StepNs, k);

        var (plain, plainObs) = RunReplayed(QualityDiversityStrategy(id), scenario, dataset, options);
        var (changed, changedObs) = RunReplayed(QualityDiversityStrategy(id), scenario, perturbed, options);
        Assert.All(plain, f => Assert.Equal(windows.Count, f.Length));

        for (int step = 0; step <= k; step++) Assert.Equal(plain[step], changed[step]);
        if (k + 1 < Steps) Assert.NotEqual(plainObs[k + 1], changedObs[k + 1]);
        // The policy acts: its fractions are not TWAP's 1/(N − k) at every step.
        Assert.Contains(Enumerable.Range(0, Steps - 1), j => plain[j].Any(f => Math.Abs(f - 1.0 / (Steps - j)) > 1e-9));
    }

    public static TheoryData<string, int> GuardedAndSteps()
    {
        var data = new TheoryData<string, int>();
        foreach (string id in new[] { "twap", "reopt", "ac", "pov" })
        {
            foreach (int k in new[] { 0, 4, 9 }) data.Add(id, k);
        }

        return data;
    }

    /// <summary>The risk guards keep the contract of the strategy they wrap: the breaker and the fallback read only the
    /// step's observation (the fallback here with a signal, the uncertainty a function of the observation).</summary>
    [Theory]
    [MemberData(nameof(GuardedAndSteps))]
    public void Guarded_decisions_up_to_step_k_ignore_every_simulated_input_revealed_after_it(string id, int k)
    {
        var guards = new GuardSettings
        {
            Breaker = new CircuitBreakerSettings { MaxSpreadRatio = 1.5, MinLiquidity = 0.7, MaxMoveSigma = 0.3, MinVolumeRatio = 0.6, SlowFactor = 0.3 },
            Fallback = new FallbackGuardSettings { Threshold = 0.5, Safe = "ac" },
        };
        IExecutionStrategy Guarded(Scenario s) => new GuardedStrategy(new Unsure(StrategyCatalog.Create(id, s)), guards, DecisionContext.StrategyView(s));
        var baseScenario = Simulated();
        var perturbedScenario = Simulated(LaterEvents(k));
        var (plain, plainObs) = RunSimulated(Guarded(baseScenario), baseScenario, null);
        var (changed, changedObs) = RunSimulated(Guarded(perturbedScenario), perturbedScenario, new MarketPerturbation(k));

        for (int step = 0; step <= k; step++) Assert.Equal(plain[step], changed[step]);
        if (k + 1 < Steps) Assert.NotEqual(plainObs[k + 1], changedObs[k + 1]);
    }

    /// <summary>A strategy with an uncertainty signal read from the step's observation: unsure when liquidity is below 0.8.</summary>
    private sealed class Unsure(IExecutionStrategy inner) : IExecutionStrategy, IUncertaintySignal
    {
        public string Id => inner.Id;

        public string DisplayName => inner.DisplayName;

        public bool UsesObservations => inner.UsesObservations;

        public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining) =>
            inner.Decide(context, observations, fractionOfRemaining);

        public void Uncertainty(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> uncertainty)
        {
            for (int e = 0; e < uncertainty.Length; e++) uncertainty[e] = observations[e].Liquidity < 0.8 ? 1 : 0;
        }
    }

    [Fact]
    public void Strategies_never_see_the_scenario_events_in_simulation_backtest_or_replay()
    {
        var scenario = Simulated(LaterEvents(3)) with { Strategies = ["twap"] };
        var spy = new Recorder(StrategyCatalog.Create("twap", scenario));
        BacktestRunner.Run(scenario, new BacktestOptions { ExtraStrategies = [spy], MaxDegreeOfParallelism = 1 });
        Assert.True(spy.Calls > 0);
        Assert.Equal(0, spy.MostEventsSeen);

        var sim = new ExecutionSimulation(scenario, 4);
        sim.Reset(1, 0, 4);
        Assert.Empty(sim.Context.Scenario.Market.Events);

        var replay = Replayed("twap") with { Market = scenario.Market };
        var replaySpy = new Recorder(StrategyCatalog.Create("twap", replay));
        ReplayRunner.Run(replay, LookAheadRecordings.Make(), new ReplayOptions { Adv = 2_000_000 }, new BacktestOptions { ExtraStrategies = [replaySpy] });
        Assert.True(replaySpy.Calls > 0);
        Assert.Equal(0, replaySpy.MostEventsSeen);

        // Whatever a caller puts in a context, a strategy reads the view without events.
        var context = new DecisionContext { Scenario = scenario, Steps = Steps };
        Assert.Empty(context.Scenario.Market.Events);
        Assert.Equal(3, scenario.Market.Events.Count);
    }

    private static Scenario Replayed(string id) => new()
    {
        Name = "look-ahead replay",
        Order = new OrderSpec { Side = Side.Buy, SizePctAdv = 2, HorizonMinutes = 30, Steps = Steps },
        Market = new MarketSpec { DailyVolatility = 0.015 },
        Constraints = new ConstraintSpec { MaxParticipationPct = 30 },
        Episodes = 4,
        Seed = 3,
        Strategies = [id],
    };

    /// <summary>Fractions chosen at each step (episode order) and the observations shown, on the simulator.</summary>
    private static (double[][] Fractions, Observation[][] Observations) RunSimulated(string id, Scenario scenario, MarketPerturbation? perturbation) =>
        RunSimulated(StrategyCatalog.Create(id, scenario), scenario, perturbation);

    private static (double[][] Fractions, Observation[][] Observations) RunSimulated(IExecutionStrategy strategy, Scenario scenario, MarketPerturbation? perturbation)
    {
        int n = scenario.Episodes;
        var sim = new ExecutionSimulation(scenario, n) { Perturbation = perturbation };
        sim.Reset(scenario.Seed, 0, n);
        var fractions = new double[Steps][];
        var observations = new Observation[Steps][];
        for (int k = 0; k < Steps; k++)
        {
            var fr = new double[n];
            observations[k] = sim.Observations.ToArray();
            var obs = strategy.UsesObservations ? sim.Observations : [];
            strategy.Decide(sim.Context, obs, fr);
            if (strategy is IOrderTypeStrategy typed)
            {
                // Order-type strategies also decide which share of the child rests as a limit order: both decisions are
                // held to the contract, and the fills of the resting orders feed the later observations.
                var share = new double[n];
                typed.DecidePassiveShare(sim.Context, obs, fr, share);
                fractions[k] = [.. fr, .. share];
                sim.Step(fr, share, typed.Limit);
            }
            else
            {
                fractions[k] = fr;
                sim.Step(fr);
            }
        }

        return (fractions, observations);
    }

    /// <summary>Fractions chosen at each step and the observations shown, in the replay backtest.</summary>
    private static (double[][] Fractions, Observation[][] Observations) RunReplayed(string id, Scenario scenario, MarketDataset dataset, ReplayOptions options) =>
        RunReplayed(StrategyCatalog.Create(id, scenario), scenario, dataset, options);

    private static (double[][] Fractions, Observation[][] Observations) RunReplayed(IExecutionStrategy inner, Scenario scenario, MarketDataset dataset, ReplayOptions options)
    {
        // Strategies posting limit orders keep their type, so the replay rests their orders on the recorded queue and the
        // passive share they choose is recorded with the fractions.
        var recorder = inner is IOrderTypeStrategy typed ? new OrderRecorder(typed) : new Recorder(inner, observe: true);
        ReplayRunner.Run(scenario, dataset, options, new BacktestOptions { ExtraStrategies = [recorder] });
        Assert.Equal(Steps, recorder.Fractions.Count);
        return ([.. recorder.Fractions], [.. recorder.Observations]);
    }

    /// <summary>A <see cref="Recorder"/> for strategies posting limit orders: each step's entry is the fractions followed
    /// by the passive shares.</summary>
    private sealed class OrderRecorder(IOrderTypeStrategy inner) : Recorder(inner, observe: true), IOrderTypeStrategy
    {
        public LimitOrderPlan Limit => inner.Limit;

        public void DecidePassiveShare(in DecisionContext context, ReadOnlySpan<Observation> observations, ReadOnlySpan<double> fractionOfRemaining, Span<double> passiveShare)
        {
            inner.DecidePassiveShare(context, inner.UsesObservations ? observations : [], fractionOfRemaining, passiveShare);
            Fractions[^1] = [.. Fractions[^1], .. passiveShare];
        }
    }

    /// <summary>Passes decisions through to a strategy and keeps what it chose and saw at each call.</summary>
    private class Recorder(IExecutionStrategy inner, bool observe = false) : IExecutionStrategy
    {
        public List<double[]> Fractions { get; } = [];

        public List<Observation[]> Observations { get; } = [];

        public int Calls { get; private set; }

        public int MostEventsSeen { get; private set; }

        public string Id => inner.Id;

        public string DisplayName => inner.DisplayName;

        public bool UsesObservations => observe || inner.UsesObservations;

        public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining)
        {
            Calls++;
            MostEventsSeen = Math.Max(MostEventsSeen, context.Scenario.Market.Events.Count);
            inner.Decide(context, inner.UsesObservations ? observations : [], fractionOfRemaining);
            Fractions.Add(fractionOfRemaining.ToArray());
            Observations.Add(observations.ToArray());
        }
    }
}
