using System.CommandLine;
using System.Text.Json;
using Portal.Agents.Training;
using Portal.Application.Studies;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Strategies;
using Portal.Domain.Studies;
using Portal.Jobs.Cli;

namespace Portal.Jobs.Tests.Cli;

/// <summary><c>stress --agent</c>: trained agents (and their guarded twins) run on every variant's paths beside the baselines,
/// and the report's numbers are those of separate backtests of the same variants with the same agents, bit for bit.</summary>
public sealed class StressAgentTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("el-stress-agents-").FullName;

    private static Scenario Base()
    {
        var demo = ScenarioPresets.Demo();
        return demo with { Order = demo.Order with { Steps = 6 }, Episodes = 200, Seed = 13, Strategies = ["twap", "ac"] };
    }

    /// <summary>A folder as <c>train</c> writes it: a short Q-learning training per seed, one sub-folder each.</summary>
    private string TrainFolder()
    {
        var request = new TrainRequest
        {
            Algorithm = "qlearning",
            Market = MarketSource.For(Base(), riskAversion: 0),
            Seeds = [1, 2, 3],
            EnvironmentSteps = 3_000,
            EvaluationEpisodes = 20,
        };
        string folder = Path.Combine(_dir, "ql");
        foreach (var seed in request.Seeds)
        {
            var (agent, artifact) = AgentTrainer.TrainOne(request, seed);
            agent.Dispose();
            artifact.Save(Path.Combine(folder, $"qlearning-seed-{seed}"));
        }
        return folder;
    }

    [Fact]
    public void A_report_with_an_agent_equals_separate_backtests_of_the_same_variants_with_that_agent()
    {
        string folder = TrainFolder();
        string[] variants = [StressVariants.None, StressVariants.LiquidityCollapse, StressVariants.ExtremeLiquidityDrop];
        var agents = BacktestCommand.LoadEnsembles([folder], seed: 2);
        try
        {
            var ensemble = Assert.IsType<EnsembleStrategy>(Assert.Single(agents));
            Assert.Equal(3, ensemble.Members.Count);
            Assert.Equal("agent:ql", ensemble.Id);
            var spec = new StressSpec { Scenario = Base(), Variants = variants, Strategies = ["twap", "ac", "agent:ql", "guarded:agent:ql"] };
            var report = StressCommand.Run(spec, default, agents);

            foreach (var cell in report.Cells)
            {
                var scenario = StressStrategies.Apply(Base() with
                {
                    Market = StressVariants.Apply(Base().Market, cell.Coordinates.Stress),
                    Strategies = ["twap", "ac", "agent:ql"],
                    StrategySettings = Base().StrategySettings with { Guards = StressStrategies.DefaultGuards with { Strategies = ["agent:ql"] } },
                });
                var alone = BacktestCommand.Run(scenario, agents);
                Assert.Equal(alone.Strategies.Select(s => s.StrategyId), cell.Strategies.Select(s => s.Id));
                Assert.Contains("guarded:agent:ql", cell.Strategies.Select(s => s.Id));
                Assert.Contains("reopt", cell.Strategies.Select(s => s.Id));
                foreach (var s in alone.Strategies)
                {
                    var r = cell.Strategy(s.StrategyId)!;
                    Assert.Equal(s.Summary.MeanBps, r.MeanCostBps);
                    Assert.Equal(s.Summary.StdBps, r.StdBps);
                    Assert.Equal(s.Summary.MeanCiLowBps, r.MeanCiLowBps);
                    Assert.Equal(s.Summary.MeanCiHighBps, r.MeanCiHighBps);
                    Assert.Equal(s.Summary.Cvar95Bps, r.Cvar95Bps);
                    Assert.Equal(s.Summary.VsTwap?.MeanBps, r.VsTwapBps);
                    Assert.Equal(200, r.Episodes);
                }
            }
            // The agent trades on the same paths as the baselines: TWAP's numbers do not move when it joins.
            var baselines = StressCommand.Run(new StressSpec { Scenario = Base(), Variants = variants, Strategies = ["twap", "ac"] });
            Assert.Equal(baselines.Cells.Select(c => c.Strategy("twap")!.MeanCostBps), report.Cells.Select(c => c.Strategy("twap")!.MeanCostBps));
        }
        finally
        {
            BacktestCommand.DisposeAll(agents);
        }
    }

    [Fact]
    public async Task The_verb_adds_the_agents_and_refuses_an_agent_it_was_not_given_naming_it()
    {
        string folder = TrainFolder();
        string scenario = Path.Combine(_dir, "scenario.json");
        await File.WriteAllTextAsync(scenario, ScenarioJson.Serialize(Base() with { Episodes = 100 }));

        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await PortalCommandLine.InvokeAsync(["stress", "--scenario", scenario, "--variants", "liquidity-collapse", "--agent", folder, "--agent-seed", "3", "--strategies", "twap", "guarded:agent:ql", "--json"],
            new InvocationConfiguration { Output = output, Error = error });
        Assert.True(exit == 0, error.ToString());
        using var doc = JsonDocument.Parse(output.ToString());
        var ids = Assert.Single(doc.RootElement.GetProperty("cells").EnumerateArray()).GetProperty("strategies").EnumerateArray().Select(s => s.GetProperty("id").GetString()).ToList();
        Assert.Contains("agent:ql", ids);
        Assert.Contains("guarded:agent:ql", ids);

        var refusedError = new StringWriter();
        int refused = await PortalCommandLine.InvokeAsync(["stress", "--scenario", scenario, "--variants", "none", "--agent", folder, "--strategies", "twap", "agent:other"],
            new InvocationConfiguration { Output = new StringWriter(), Error = refusedError });
        Assert.Equal(2, refused);
        Assert.Contains("'agent:other'", refusedError.ToString(), StringComparison.Ordinal);

        var (helpExit, help) = (await PortalCommandLine.InvokeAsync(["stress", "--help"], new InvocationConfiguration { Output = output = new StringWriter(), Error = new StringWriter() }), output.ToString());
        Assert.Equal(0, helpExit);
        Assert.Contains("--agent-seed", help, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, true);
}
