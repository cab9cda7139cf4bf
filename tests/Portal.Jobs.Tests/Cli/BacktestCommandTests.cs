using Portal.Agents.Training;
using Portal.Domain.Scenarios;
using Portal.Jobs.Cli;

namespace Portal.Jobs.Tests.Cli;

/// <summary>The command line's backtest runs trained agents (artifacts written by <c>train</c>) beside the baselines.</summary>
public sealed class BacktestCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backtest-agents-").FullName;

    [Fact]
    public void An_agent_saved_by_train_runs_beside_the_baselines_on_the_same_paths()
    {
        var demo = ScenarioPresets.Demo();
        var scenario = demo with { Order = demo.Order with { Steps = 6 }, Episodes = 400, Seed = 5, Strategies = ["twap", "immediate"] };
        var request = new TrainRequest
        {
            Algorithm = "qlearning",
            Market = MarketSource.For(scenario, riskAversion: 0),
            Seeds = [4],
            EnvironmentSteps = 20_000,
            EvaluationEpisodes = 100,
        };
        var (agent, artifact) = AgentTrainer.TrainOne(request, 4);
        agent.Dispose();
        string path = Path.Combine(_dir, "ql-seed-4");
        artifact.Save(path);

        var agents = BacktestCommand.LoadAgents([path]);
        var withAgent = BacktestCommand.Run(scenario, agents);
        var baselinesOnly = BacktestCommand.Run(scenario, []);
        agents.ForEach(a => a.Dispose());

        Assert.Equal(["twap", "immediate", "agent:ql-seed-4", "random", "best-static", "reopt"], withAgent.Strategies.Select(s => s.StrategyId));
        var twapWith = withAgent.Strategies.Single(s => s.StrategyId == "twap");
        var twapWithout = baselinesOnly.Strategies.Single(s => s.StrategyId == "twap");
        Assert.Equal(twapWithout.Summary.MeanBps, twapWith.Summary.MeanBps);
        var agentRow = withAgent.Strategies.Single(s => s.StrategyId == "agent:ql-seed-4");
        Assert.True(double.IsFinite(agentRow.Summary.MeanBps));
        // What the agent left for the horizon is force-traded and counted: its own share plus the forced share is the order.
        Assert.InRange(agentRow.Summary.Completion, 0.0, 1.0);
        Assert.Equal(1.0, agentRow.Summary.Completion + agentRow.MeanForcedFraction, 9);
        Assert.Equal(0.0, agentRow.MeanUnfilledFraction);
        Assert.NotNull(agentRow.Summary.VsTwap);
    }

    [Fact]
    public void With_recorded_data_the_backtest_replays_it_and_immediate_costs_more_than_twap()
    {
        var demo = ScenarioPresets.Demo();
        var scenario = demo with { Order = demo.Order with { HorizonMinutes = 30, Steps = 10, SizePctAdv = 1 }, Episodes = 8, Strategies = ["twap", "immediate"] };
        var dataset = Portal.Agents.Cli.TrainCommand.ReadDataset(
            string.Join(',', Portal.Testing.SharedData.File(Portal.Testing.SharedData.AmznMessage5), Portal.Testing.SharedData.File(Portal.Testing.SharedData.AmznOrderbook5)));

        var replayed = BacktestCommand.Run(scenario, [], dataset);
        var simulated = BacktestCommand.Run(scenario, []);

        double twap = replayed.Strategies.Single(s => s.StrategyId == "twap").Summary.MeanBps;
        double immediate = replayed.Strategies.Single(s => s.StrategyId == "immediate").Summary.MeanBps;
        Assert.True(immediate > twap, $"immediate {immediate} bps vs twap {twap} bps on the recorded book");
        Assert.NotEqual(simulated.Strategies[0].Summary.MeanBps, replayed.Strategies[0].Summary.MeanBps);
    }

    [Fact]
    public void A_missing_agent_path_is_named_in_the_error()
    {
        string missing = Path.Combine(_dir, "nothing-here");
        var error = Assert.Throws<ArgumentException>(() => BacktestCommand.LoadAgents([missing]));
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_agent_seed_picks_that_seeds_policy_from_a_train_folder_and_the_first_seed_by_default()
    {
        var demo = ScenarioPresets.Demo();
        var scenario = demo with { Order = demo.Order with { Steps = 4 }, Episodes = 50, Seed = 5 };
        var request = new TrainRequest
        {
            Algorithm = "qlearning",
            Market = MarketSource.For(scenario, riskAversion: 0),
            Seeds = [3, 8],
            EnvironmentSteps = 400,
            EvaluationEpisodes = 20,
        };
        // A folder as train writes it: one sub-folder per seed.
        string folder = Path.Combine(_dir, "ql-run");
        foreach (var seed in request.Seeds)
        {
            var (agent, artifact) = AgentTrainer.TrainOne(request, seed);
            agent.Dispose();
            artifact.Save(Path.Combine(folder, $"qlearning-seed-{seed}"));
        }

        static string Loaded(List<AgentStrategy> agents)
        {
            var name = Assert.Single(agents).DisplayName;
            agents.ForEach(a => a.Dispose());
            return name;
        }

        Assert.Contains("(seed 3)", Loaded(BacktestCommand.LoadAgents([folder])));
        Assert.Contains("(seed 8)", Loaded(BacktestCommand.LoadAgents([folder], seed: 8)));
        Assert.Contains("(seed 8)", Loaded(BacktestCommand.LoadAgents([Path.Combine(folder, "qlearning-seed-8")], seed: 8)));
        Assert.Equal("agent:ql-run", BacktestCommand.LoadAgents([folder], seed: 8).Single().Id);

        var lacking = Assert.Throws<ArgumentException>(() => BacktestCommand.LoadAgents([folder], seed: 5));
        Assert.Contains("no policy of seed 5 (--agent-seed); its seeds: 3, 8", lacking.Message, StringComparison.Ordinal);
        var other = Assert.Throws<ArgumentException>(() => BacktestCommand.LoadAgents([Path.Combine(folder, "qlearning-seed-3")], seed: 8));
        Assert.Contains("holds the policy of seed 3, not of seed 8", other.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
