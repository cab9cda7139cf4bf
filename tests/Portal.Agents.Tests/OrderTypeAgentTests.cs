using Portal.Agents.Cli;
using Portal.Agents.Common;
using Portal.Agents.Environment;
using Portal.Agents.QLearning;
using Portal.Agents.Training;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Agents.Tests;

/// <summary>
/// The (size, aggressiveness) action: masks keep every constraint, a certain passive fill earns the half-spread a market
/// order pays, the previous step's passive fill share and the agent's decisions use nothing revealed later, and a trained
/// agent posts limit orders as a backtest strategy on simulated and replayed markets.
/// </summary>
public sealed class OrderTypeAgentTests
{
    private const int Steps = 6;

    private static Scenario Capped(HorizonRule atHorizon) => ScenarioPresets.Demo() with
    {
        Order = ScenarioPresets.Demo().Order with { Side = Side.Sell, SizePctAdv = 5, Steps = Steps },
        Market = ScenarioPresets.Demo().Market with
        {
            Volume = new VolumeSpec { Noise = 0.4 },
            PassiveFills = new PassiveFillSpec { QueueShare = 0.3 },
        },
        Constraints = new ConstraintSpec { MaxParticipationPct = 10, AtHorizon = atHorizon },
        Episodes = 64,
        Seed = 5,
    };

    /// <summary>No volatility, impact, fees, adverse selection or volume noise, a constant 4 bps spread, and market orders of
    /// one share with the whole queue: a posted child of a third of the step's volume meets ~V/2 hits and always fills.</summary>
    private static Scenario CertainFills() => ScenarioPresets.Demo() with
    {
        Order = ScenarioPresets.Demo().Order with { Side = Side.Sell, Steps = 12 },
        Market = ScenarioPresets.Demo().Market with
        {
            DailyVolatility = 0,
            Impact = new AlmgrenChrissImpactSpec { Eta = 0, Gamma = 0, Epsilon = 0 },
            Spread = new SpreadSpec { MeanBps = 4, MinBps = 0, VolatilityBpsPerSqrtDay = 0 },
            Volume = new VolumeSpec { Noise = 0 },
            PassiveFills = new PassiveFillSpec { FillDecayPerBps = 0, MeanMarketOrderShares = 1, QueueShare = 1, MarkoutBps = 0 },
        },
        Costs = new CostSpec(),
        Constraints = new ConstraintSpec(),
        Episodes = 8,
        Seed = 3,
    };

    [Fact]
    public void Every_legal_action_trades_a_non_negative_child_within_the_cap_mask()
    {
        Assert.Equal(DiscreteActions.Count * OrderTypeActions.Levels, OrderTypeActions.Count);
        foreach (int stepsLeft in new[] { 1, 2, 3, 6, 12 })
        {
            foreach (double mask in new[] { 0.0, 0.01, 0.1, 0.4, 1.0 })
            {
                Assert.True(OrderTypeActions.IsLegal(OrderTypeActions.Of(0, 0), stepsLeft, mask)); // no trade is always legal
                for (int a = 0; a < OrderTypeActions.Count; a++)
                {
                    double f = OrderTypeActions.Fraction(a, stepsLeft), share = OrderTypeActions.PassiveShare(a);
                    Assert.InRange(share, 0, 1);
                    Assert.True(f >= 0, "a child never adds to the holdings (no buy for a sell order)");
                    if (!OrderTypeActions.IsLegal(a, stepsLeft, mask)) continue;
                    Assert.True(f <= mask + 1e-12, $"action {a} trades {f} above the mask {mask}");
                    Assert.True(OrderTypeActions.Size(a) > 0 || share == 0, "posting nothing is the market level only");
                }
            }
        }
    }

    [Theory]
    [InlineData(HorizonRule.ForceFinish)]
    [InlineData(HorizonRule.HoldCap)]
    public void Random_legal_order_type_actions_never_add_to_holdings_respect_the_cap_and_liquidate(HorizonRule atHorizon)
    {
        var scenario = Capped(atHorizon);
        var market = new ScenarioMarket(scenario, 64, riskAversion: 0);
        var env = new ExecutionEnvironment(market, ObservationNormalizer.Identity);
        var random = new Random(7);
        var fractions = new double[env.BatchSize];
        var shares = new double[env.BatchSize];
        bool posted = false;
        for (int batch = 0; batch < 4; batch++)
        {
            env.Reset(100 + batch);
            while (!env.Done)
            {
                int stepsLeft = market.Steps - env.DecisionIndex;
                var before = Enumerable.Range(0, env.BatchSize).Select(market.RemainingShares).ToArray();
                for (int i = 0; i < env.BatchSize; i++)
                {
                    var legal = Enumerable.Range(0, OrderTypeActions.Count).Where(a => OrderTypeActions.IsLegal(a, stepsLeft, env.MaxFraction[i])).ToArray();
                    int action = legal[random.Next(legal.Length)];
                    fractions[i] = OrderTypeActions.Fraction(action, stepsLeft);
                    shares[i] = OrderTypeActions.PassiveShare(action);
                    posted |= shares[i] > 0 && fractions[i] > 0;
                }

                env.Step(fractions, shares);
                for (int i = 0; i < env.BatchSize; i++)
                {
                    Assert.True(market.RemainingShares(i) <= before[i] + 1e-9, "a step never adds to the holdings of a sell order");
                    Assert.True(market.LastTradedFraction[i] >= 0);
                }
            }

            var sim = market.Simulation;
            for (int i = 0; i < env.BatchSize; i++)
            {
                var result = sim.Result(i);
                if (atHorizon == HorizonRule.HoldCap)
                {
                    // The cap holds at every step, the last included; what is left is charged its opportunity cost.
                    Assert.True(result.MaxParticipation <= 0.10 * (1 + 1e-9), $"participation {result.MaxParticipation} above the 10% cap");
                    Assert.Equal(result.UnfilledQuantity, sim.Remaining(i), 6);
                }
                else
                {
                    Assert.Equal(0, sim.Remaining(i), 9); // full liquidation by the horizon
                }
            }
        }

        Assert.True(posted, "the random policy posted limit orders");
    }

    [Fact]
    public void A_certain_passive_fill_earns_half_the_spread_where_a_market_order_pays_it()
    {
        var scenario = CertainFills();
        double slice = 1.0 / 12;
        double Reward(double passiveShare)
        {
            var market = new ScenarioMarket(scenario, scenario.Episodes, riskAversion: 0);
            var env = new ExecutionEnvironment(market, ObservationNormalizer.Identity);
            env.Reset(scenario.Seed);
            var fractions = Enumerable.Repeat(slice, env.BatchSize).ToArray();
            env.Step(fractions, Enumerable.Repeat(passiveShare, env.BatchSize).ToArray());
            for (int i = 0; i < env.BatchSize; i++)
            {
                Assert.Equal(env.Rewards[0], env.Rewards[i], 12);
                Assert.Equal(passiveShare > 0 ? 1.0 : double.NaN, env.LastPassiveFillShare[i]); // the fill is certain and seen next step
            }

            return env.Rewards[0];
        }

        double market = Reward(0), passive = Reward(1);
        // 2 bps (half of the 4 bps spread) on a twelfth of the order: −2/12 bps for the market order, +2/12 for the fill.
        Assert.Equal(-2.0 * slice, market, 9);
        Assert.Equal(2.0 * slice, passive, 9);
        Assert.Equal(4.0 * slice, passive - market, 9); // half a spread better than the mid, a full spread better than crossing
    }

    public static TheoryData<int> PerturbedSteps() => [0, 2, 4];

    [Theory]
    [MemberData(nameof(PerturbedSteps))]
    public void Passive_fill_share_and_the_agents_decisions_up_to_step_k_ignore_every_input_revealed_after_it(int k)
    {
        using var agent = TrainedAgent(out var artifact);
        var (plainFills, plainObs, plainActions) = Run(k, perturbed: false, agent, artifact.Normalizer);
        var (changedFills, changedObs, changedActions) = Run(k, perturbed: true, agent, artifact.Normalizer);
        for (int step = 0; step <= k; step++)
        {
            Assert.Equal(plainFills[step], changedFills[step]);
            Assert.Equal(plainObs[step], changedObs[step]);
            Assert.Equal(plainActions[step], changedActions[step]);
        }

        // The perturbation is real: what step k filled (seen at k + 1) or the next observation differs.
        Assert.True(!plainFills[k + 1].SequenceEqual(changedFills[k + 1]) || !plainObs[k + 1].SequenceEqual(changedObs[k + 1]));
    }

    private static Scenario LookAheadScenario(int k, bool perturbed) => Capped(HorizonRule.ForceFinish) with
    {
        Market = Capped(HorizonRule.ForceFinish).Market with
        {
            Spread = new SpreadSpec { VolatilityBpsPerSqrtDay = 20 },
            Liquidity = new LiquiditySpec { VolatilityPerSqrtDay = 1, ShockIntensityPerDay = 4 },
            Events = perturbed
                ? [new MarketEvent { AtFraction = (k + 0.5) / Steps, LatestAtFraction = 1, PriceJumpPct = -5, LiquidityMultiplier = 0.1, SpreadMultiplier = 4 }]
                : [],
        },
        Constraints = new ConstraintSpec { MaxParticipationPct = 20 },
    };

    private static (double[][] Fills, ExecutionObservation[][] Observations, (double, double)[][] Actions) Run(int k, bool perturbed, IOrderTypeAgent agent, ObservationNormalizer normalizer)
    {
        const int batch = 16;
        var market = new ScenarioMarket(LookAheadScenario(k, perturbed), batch, riskAversion: 1e-6);
        if (perturbed) market.Simulation.Perturbation = new MarketPerturbation(k);
        var env = new ExecutionEnvironment(market, normalizer);
        env.Reset(4);
        var fills = new List<double[]>();
        var observations = new List<ExecutionObservation[]>();
        var actions = new List<(double, double)[]>();
        var fractions = new double[batch];
        var shares = new double[batch];
        while (!env.Done)
        {
            fills.Add([.. env.LastPassiveFillShare]);
            observations.Add([.. env.RawObservations]);
            agent.Act(env.Observations, env.LastPassiveFillShare, env.MaxFraction, env.DecisionIndex, market.Steps, fractions, shares);
            // Post part of every child whatever the agent chose, so that fills are observed at every step.
            for (int i = 0; i < batch; i++) shares[i] = Math.Max(shares[i], 0.5);
            actions.Add([.. fractions.Zip(shares)]);
            env.Step(fractions, shares);
        }

        fills.Add([.. env.LastPassiveFillShare]);
        observations.Add([.. env.RawObservations]);
        return ([.. fills], [.. observations], [.. actions]);
    }

    private static QLearningAgent TrainedAgent(out AgentArtifact artifact)
    {
        var request = new TrainRequest
        {
            Algorithm = "qlearning",
            Market = MarketSource.For(Capped(HorizonRule.ForceFinish), riskAversion: 1e-6),
            Seeds = [3],
            EnvironmentSteps = 60_000,
            Hyperparameters = new QLearningHyperparameters(parallelEpisodes: 32) { LimitOrders = true },
        };
        var (agent, trained) = AgentTrainer.TrainOne(request, 3);
        artifact = trained;
        return (QLearningAgent)agent;
    }

    [Fact]
    public void A_trained_order_type_agent_posts_limit_orders_in_a_backtest_on_the_paths_of_its_environment()
    {
        using var agent = TrainedAgent(out var artifact);
        var scenario = Capped(HorizonRule.ForceFinish) with { Episodes = 300, Strategies = ["twap", "twap-passive"] };
        using var strategy = AgentStrategy.Create(artifact);
        Assert.IsType<OrderTypeAgentStrategy>(strategy);
        Assert.Throws<ArgumentException>(() => new AgentStrategy(artifact));

        var result = BacktestRunner.Run(scenario, new BacktestOptions { ExtraStrategies = [strategy], MaxDegreeOfParallelism = 2 });
        var inBacktest = result.Strategies.Single(s => s.StrategyId == strategy.Id);
        Assert.True(inBacktest.Orders.PassiveShare > 0, "the agent filled part of the order passively");
        Assert.Equal(1, inBacktest.Orders.FillRate, 9);

        // The same episodes stepped through the agents' environment give the same shortfall, episode by episode.
        var market = new ScenarioMarket(scenario, scenario.Episodes, riskAversion: 0);
        var env = new ExecutionEnvironment(market, artifact.Normalizer);
        env.Reset(scenario.Seed);
        var fractions = new double[scenario.Episodes];
        var shares = new double[scenario.Episodes];
        while (!env.Done)
        {
            agent.Act(env.Observations, env.LastPassiveFillShare, env.MaxFraction, env.DecisionIndex, market.Steps, fractions, shares);
            env.Step(fractions, shares);
        }

        for (int e = 0; e < scenario.Episodes; e++)
        {
            Assert.Equal(inBacktest.Episodes[e].ShortfallBps, env.EpisodeShortfallBps[e], 6);
        }
    }

    [Fact]
    public void Order_types_flag_sets_the_hyperparameter_for_qlearning_and_is_refused_elsewhere()
    {
        Assert.Null(TrainCommand.WithOrderTypes("qlearning", null, null));
        Assert.Null(TrainCommand.WithOrderTypes("dqn", null, "market"));
        var hp = Assert.IsType<QLearningHyperparameters>(TrainCommand.WithOrderTypes("qlearning", new QLearningHyperparameters(remainingBuckets: 7), "market-limit"));
        Assert.True(hp.LimitOrders);
        Assert.Equal(7, hp.RemainingBuckets);
        Assert.Throws<ArgumentException>(() => TrainCommand.WithOrderTypes("dqn", null, "market-limit"));
        Assert.Throws<ArgumentException>(() => TrainCommand.WithOrderTypes("qlearning", null, "limit"));
        Assert.False(new QLearningHyperparameters().LimitOrders);
    }

    [Fact]
    public void The_control_variate_removes_adverse_selection_noise_without_moving_the_expected_return()
    {
        // No price noise: the only zero-mean term is the adverse-selection move ε·(N − E[N]) on the holdings the child leaves.
        var scenario = CertainFills() with
        {
            Market = CertainFills().Market with { PassiveFills = new PassiveFillSpec { QueueShare = 0.05, MarkoutBps = 1 } },
        };
        const int episodes = 4000;
        double[] Returns(bool controlVariate)
        {
            var env = new ExecutionEnvironment(new ScenarioMarket(scenario, episodes, riskAversion: 0), ObservationNormalizer.Identity, controlVariate);
            env.Reset(21);
            var returns = new double[episodes];
            var fractions = new double[episodes];
            var shares = Enumerable.Repeat(1.0, episodes).ToArray();
            while (!env.Done)
            {
                Array.Fill(fractions, 1.0 / (env.Market.Steps - env.DecisionIndex));
                env.Step(fractions, shares);
                for (int i = 0; i < episodes; i++) returns[i] += env.Rewards[i];
            }

            return returns;
        }

        double[] raw = Returns(false), corrected = Returns(true);
        var diff = raw.Zip(corrected, (a, b) => a - b).ToArray();
        double mean = diff.Average(), sd = Math.Sqrt(diff.Sum(d => (d - mean) * (d - mean)) / (episodes - 1));
        Assert.True(sd > 0.1, $"the correction is real (sd {sd} bps)");
        Assert.True(Math.Abs(mean) < 4 * sd / Math.Sqrt(episodes), $"mean correction {mean} bps is not 0 within 4 standard errors ({sd / Math.Sqrt(episodes)})");
        static double Var(double[] x) => x.Sum(v => (v - x.Average()) * (v - x.Average())) / (x.Length - 1);
        Assert.True(Var(corrected) < Var(raw), "the corrected returns vary less");
    }

    [Fact]
    public void Markets_without_limit_orders_refuse_them()
    {
        var env = new ExecutionEnvironment(new AlmgrenChrissMarket(TestMarkets.Desk(), 8), ObservationNormalizer.Identity);
        env.Reset(1);
        Assert.False(env.SupportsLimitOrders);
        Assert.Throws<NotSupportedException>(() => env.Step(new double[8], new double[8]));
    }
}
