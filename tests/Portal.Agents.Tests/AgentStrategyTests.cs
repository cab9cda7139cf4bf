using Portal.Agents.Environment;
using Portal.Agents.Ppo;
using Portal.Agents.Training;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;

namespace Portal.Agents.Tests;

/// <summary>A trained agent is a strategy: it runs in the portal's backtest beside baselines on the same paths.</summary>
[Collection(TorchCollection.Name)]
public sealed class AgentStrategyTests
{
    private static Scenario SmallDemo() => ScenarioPresets.Demo() with
    {
        Order = ScenarioPresets.Demo().Order with { Steps = 6 },
        Constraints = new ConstraintSpec { MaxParticipationPct = 25 },
        Episodes = 600,
        Seed = 17,
        Strategies = ["twap", "random"],
    };

    [Fact]
    public void Agent_trained_on_a_scenario_runs_in_a_backtest_on_the_same_paths_as_the_environment()
    {
        var scenario = SmallDemo();
        var request = new TrainRequest
        {
            Algorithm = "ppo",
            Market = MarketSource.For(scenario, riskAversion: 0),
            Seeds = [2],
            EnvironmentSteps = 3_000,
            Hyperparameters = new PpoHyperparameters(parallelEpisodes: 32),
        };
        var (agent, artifact) = AgentTrainer.TrainOne(request, 2);
        agent.Dispose();
        using var strategy = new AgentStrategy(artifact);

        var result = BacktestRunner.Run(scenario, new BacktestOptions { ExtraStrategies = [strategy], MaxDegreeOfParallelism = 2 });
        var inBacktest = result.Strategies.Single(s => s.StrategyId == strategy.Id);
        var twapInBacktest = result.Strategies.Single(s => s.StrategyId == "twap");
        Assert.NotNull(inBacktest.Summary.VsTwap);
        Assert.Equal(scenario.Episodes, inBacktest.Episodes.Count);

        // The same episodes stepped through the agents' environment give the same shortfall, episode by episode.
        using var reloaded = artifact.CreateAgent();
        var market = new ScenarioMarket(scenario, scenario.Episodes, riskAversion: 0);
        var env = new ExecutionEnvironment(market, artifact.Normalizer);
        env.Reset(scenario.Seed);
        var fractions = new double[scenario.Episodes];
        while (!env.Done)
        {
            reloaded.Act(env.Observations, env.MaxFraction, env.DecisionIndex, market.Steps, fractions);
            env.Step(fractions);
        }

        for (int e = 0; e < scenario.Episodes; e++)
        {
            Assert.Equal(inBacktest.Episodes[e].ShortfallBps, env.EpisodeShortfallBps[e], 6);
        }

        // And TWAP through the environment matches TWAP in the backtest: common random numbers.
        env.Reset(scenario.Seed);
        while (!env.Done)
        {
            Array.Fill(fractions, 1.0 / (market.Steps - env.DecisionIndex));
            env.Step(fractions);
        }

        for (int e = 0; e < scenario.Episodes; e++)
        {
            Assert.Equal(twapInBacktest.Episodes[e].ShortfallBps, env.EpisodeShortfallBps[e], 6);
        }
    }

    [Fact]
    public void Scenario_market_shaped_rewards_sum_to_minus_objective_and_trades_never_add_to_holdings()
    {
        var scenario = SmallDemo();
        var market = new ScenarioMarket(scenario, 64, riskAversion: 1e-6);
        var env = new ExecutionEnvironment(market, ObservationNormalizer.Identity);
        env.Reset(3);
        var sums = new double[64];
        var fractions = new double[64];
        while (!env.Done)
        {
            var before = Enumerable.Range(0, 64).Select(market.RemainingShares).ToArray();
            for (int i = 0; i < 64; i++)
            {
                fractions[i] = env.MaxFraction[i];
            }

            env.Step(fractions);
            for (int i = 0; i < 64; i++)
            {
                sums[i] += env.Rewards[i];
                Assert.True(market.RemainingShares(i) <= before[i]);
            }
        }

        for (int i = 0; i < 64; i++)
        {
            Assert.Equal(-env.EpisodeObjectiveBps[i], sums[i], 8);
            Assert.True(env.EpisodeObjectiveBps[i] > env.EpisodeShortfallBps[i]);
        }
    }
}
