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
                // The guarded twin reports, per variant, each guard's firings and its paired difference to the agent on the same paths.
                var guard = Assert.Single(alone.Guards);
                var reported = cell.Strategy("guarded:agent:ql")!.Guard!;
                Assert.Equal("agent:ql", reported.InnerId);
                Assert.Equal(guard.Firings, reported.Firings);
                Assert.Equal(guard.GuardedMinusUnguarded, reported.GuardedMinusUnguarded);
                Assert.Equal(200, reported.GuardedMinusUnguarded.Pairs);
                Assert.Null(cell.Strategy("agent:ql")!.Guard);
                Assert.Contains($"guarded:agent:ql − agent:ql: {reported.GuardedMinusUnguarded.MeanBps.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)}",
                    StressTable.ToText(report), StringComparison.Ordinal);
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

    [Fact]
    public void An_agent_is_flagged_in_sample_on_the_variant_it_trained_on_and_never_shares_a_variants_paths()
    {
        string folder = TrainFolder();
        string[] variants = [StressVariants.None, StressVariants.LiquidityCollapse];
        var agents = BacktestCommand.LoadEnsembles([folder], seed: 2);
        try
        {
            var spec = new StressSpec { Scenario = Base() with { Episodes = 60 }, Variants = variants, Strategies = ["twap", "agent:ql", "guarded:agent:ql"] };
            var report = StressCommand.Run(spec, default, agents);

            // Trained on the base market: the `none` variant is its training distribution; the collapse is not.
            var none = report.Cells.Single(c => c.Coordinates.Stress == StressVariants.None);
            var collapse = report.Cells.Single(c => c.Coordinates.Stress == StressVariants.LiquidityCollapse);
            Assert.Contains("trained on this very market", none.Strategy("agent:ql")!.InSample, StringComparison.Ordinal);
            Assert.Equal(none.Strategy("agent:ql")!.InSample, none.Strategy("guarded:agent:ql")!.InSample);
            Assert.Null(none.Strategy("twap")!.InSample);
            Assert.All(collapse.Strategies, s => Assert.Null(s.InSample));
            string table = StressTable.ToText(report);
            string noneBlock = table[table.IndexOf("\nnone", StringComparison.Ordinal)..table.IndexOf("\nliquidity-collapse", StringComparison.Ordinal)];
            Assert.Contains("agent:ql (in-sample for this variant)", noneBlock, StringComparison.Ordinal);
            Assert.Contains("guarded:agent:ql (in-sample for this variant)", noneBlock, StringComparison.Ordinal);
            Assert.DoesNotContain("in-sample", table[table.IndexOf("\nliquidity-collapse", StringComparison.Ordinal)..], StringComparison.Ordinal);

            // Its training drew tagged streams only: no report seed reaches its training paths, on any variant.
            var exposure = AgentArtifact.Load(Path.Combine(folder, "qlearning-seed-1")).Exposure!;
            Assert.All(exposure.Sources.SelectMany(s => s.SeedStreams), s => Assert.NotEqual(0UL, s.Tag));
            foreach (var cell in spec.ToStudy().Expand())
            {
                for (long seed = 0; seed < 500; seed++) Assert.False(StressSampling.SharesPaths(exposure, cell.Scenario with { Seed = seed }));
            }
        }
        finally
        {
            BacktestCommand.DisposeAll(agents);
        }
    }

    [Fact]
    public async Task A_report_whose_seed_an_agent_trained_on_is_refused_naming_the_variant_and_the_seeds()
    {
        // An agent whose record says training batches drew the untagged streams 10 … 19 (the paths backtests with those seeds use).
        string source = TrainFolder();
        var artifact = AgentArtifact.Load(Path.Combine(source, "qlearning-seed-1"));
        var untagged = new TrainingExposure
        {
            Sources = [OutOfSample.SimulatedTraining(Base(), [new SeedStreamRange { Purpose = "training", Seed = 1, Tag = 0, FirstBatch = 0, BatchCount = 10, FirstPathSeed = 10 }])],
        };
        string single = Path.Combine(_dir, "untagged");
        (artifact with { Exposure = untagged }).Save(single);
        string scenario = Path.Combine(_dir, "seeded.json");

        foreach (var (seed, expected) in new[] { (13L, 2), (20L, 0) })
        {
            await File.WriteAllTextAsync(scenario, ScenarioJson.Serialize(Base() with { Episodes = 40, Seed = seed }));
            var output = new StringWriter();
            var error = new StringWriter();
            int exit = await PortalCommandLine.InvokeAsync(["stress", "--scenario", scenario, "--variants", "none", "liquidity-collapse", "--agent", single, "--strategies", "twap", "agent:untagged"],
                new InvocationConfiguration { Output = output, Error = error });
            Assert.True(exit == expected, error.ToString());
            if (expected == 2)
            {
                // Only the variant in its training world shares its paths; the message names it and the seeds.
                Assert.Contains("Variant 'none'", error.ToString(), StringComparison.Ordinal);
                Assert.Contains("seeds 10–19", error.ToString(), StringComparison.Ordinal);
                Assert.DoesNotContain("liquidity-collapse", error.ToString(), StringComparison.Ordinal);
                Assert.Empty(output.ToString());
            }
            else
            {
                // Seed 20 is outside the training streams: it runs, and `none` is flagged as the agent's training distribution.
                Assert.Contains("agent:untagged (in-sample for this variant)", output.ToString(), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Every_guarded_twin_completes_the_order_by_the_horizon_on_every_variant_or_is_charged_what_the_cap_leaves()
    {
        string folder = TrainFolder();
        var agents = BacktestCommand.LoadEnsembles([folder], seed: 2);
        try
        {
            bool capLeftSome = false;
            foreach (string variant in StressVariants.Names)
            {
                foreach (var constraints in new[] { new ConstraintSpec(), new ConstraintSpec { MaxParticipationPct = 2, AtHorizon = HorizonRule.HoldCap } })
                {
                    var scenario = StressStrategies.Apply(Base() with
                    {
                        Episodes = 60,
                        Market = StressVariants.Apply(Base().Market, variant),
                        Constraints = constraints,
                        Strategies = ["twap", "ac", "agent:ql"],
                        StrategySettings = Base().StrategySettings with { Guards = StressStrategies.DefaultGuards with { Strategies = ["twap", "agent:ql"] } },
                    });
                    var result = BacktestRunner.Run(scenario, new BacktestOptions { KeepEpisodes = true, ExtraStrategies = agents });
                    var twins = result.Strategies.Where(s => s.StrategyId.StartsWith(GuardedStrategy.IdPrefix, StringComparison.Ordinal)).ToList();
                    Assert.Equal(2, twins.Count);
                    foreach (var twin in twins)
                    {
                        string where = $"{twin.StrategyId} on {variant}, {constraints.AtHorizon}";
                        Assert.True(twin.Episodes.Count == 60, where);
                        if (constraints.AtHorizon == HorizonRule.ForceFinish)
                        {
                            // Nothing is left at the horizon: whatever the guards did, the last step finishes the order.
                            Assert.True(twin.MeanInventoryFraction[^1] == 0, where);
                            Assert.All(twin.Episodes, e => Assert.True(e.UnfilledQuantity == 0 && e.OpportunityCostBps == 0, where));
                        }
                        else
                        {
                            // The cap holds at every step; whatever it leaves is charged its opportunity cost, never dropped.
                            Assert.Equal(0, twin.CapBreaches);
                            Assert.True(twin.MaxParticipation <= 0.02 + 1e-12, where);
                            Assert.All(twin.Episodes, e => Assert.True(e.ForcedQuantity == 0 && (e.UnfilledQuantity == 0) == (e.OpportunityCostBps == 0), where));
                            Assert.Equal(twin.MeanUnfilledFraction, twin.MeanInventoryFraction[^1], 12);
                            capLeftSome |= twin.Episodes.Any(e => e.UnfilledQuantity > 0);
                        }
                    }
                }
            }
            Assert.True(capLeftSome, "A 2% cap should leave part of the order at the horizon on some variant.");
        }
        finally
        {
            BacktestCommand.DisposeAll(agents);
        }
    }

    public void Dispose() => Directory.Delete(_dir, true);
}
