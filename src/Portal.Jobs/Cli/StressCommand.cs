using System.CommandLine;
using System.Text.Json;
using Portal.Agents.Training;
using Portal.Application.Studies;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies;
using Portal.Domain.Studies;

namespace Portal.Jobs.Cli;

/// <summary>
/// <c>stress --scenario FILE.json [--variants V…] [--strategies ID…] [--agent DIR…] [--agent-seed S] [--episodes N] [--json]</c>:
/// runs the scenario's strategies (trained agents included) across stress variants here (a study over the stress axis, each variant an ordinary run on the scenario's seed
/// and episodes) and prints the stress table, or the results as JSON.
/// </summary>
public static class StressCommand
{
    public static Command Create()
    {
        var scenarioFile = new Option<FileInfo>("--scenario") { Description = "Base scenario JSON (simulated; see docs/scenario-schema.md).", Required = true };
        var variants = new Option<string[]>("--variants")
        {
            Description = $"Stress variants to run (default: all): {string.Join(", ", StressVariants.Names)}. See docs/stress-reports.md.",
            AllowMultipleArgumentsPerToken = true,
        };
        var strategies = new Option<string[]>("--strategies")
        {
            Description = "Strategy ids to compare (default: the scenario's): baselines, the --agent ids (agent:NAME) and guarded ones " +
                "(guarded:ID runs ID with the scenario's risk guards, or the default guards, beside ID on the same paths); TWAP, Random and the best static schedule are always added.",
            AllowMultipleArgumentsPerToken = true,
        };
        var agentPaths = new Option<string[]>("--agent")
        {
            Description = "A trained agent (a seed's directory or archive, or a folder written by train) to run on every variant's paths beside the baselines, as agent:NAME; repeatable. " +
                "A folder of several seeds is their ensemble: the --agent-seed policy trades and the seeds' disagreement is the uncertainty the confidence fallback reads.",
        };
        var agentSeed = new Option<long?>("--agent-seed")
        {
            Description = "Which trained seed's policy each --agent trades with (default: the scenario's strategySettings.agentSeed, else the first seed).",
        };
        var episodes = new Option<int?>("--episodes") { Description = "Override the scenario's episodes." };
        var name = new Option<string>("--name") { Description = "Report name (each variant's run is named after it).", DefaultValueFactory = _ => "stress report" };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON (one cell per variant with each strategy's mean, CI, std, costSharpe, cvar95Bps, vsTwap and the best) instead of the table." };
        var command = new Command("stress", "Run strategies across stress variants of a scenario (liquidity collapse, liquidity shocks, volatility spike, impact shift, extreme liquidity drop) and print the stress table.")
        {
            scenarioFile, variants, strategies, episodes, name, json, agentPaths, agentSeed,
        };
        command.SetAction(async (parse, ct) =>
        {
            StressSpec spec;
            List<IExecutionStrategy> agents = [];
            try
            {
                var scenario = ScenarioJson.Parse(await File.ReadAllTextAsync(parse.GetValue(scenarioFile)!.FullName, ct));
                if (parse.GetValue(episodes) is { } n) scenario = scenario with { Episodes = n };
                agents = BacktestCommand.LoadEnsembles(parse.GetValue(agentPaths) ?? [], parse.GetValue(agentSeed) ?? scenario.StrategySettings.AgentSeed);
                spec = new StressSpec
                {
                    Name = parse.GetValue(name) ?? "stress report",
                    Scenario = scenario,
                    Variants = parse.GetValue(variants) ?? [],
                    Strategies = WithAgents(parse.GetValue(strategies) is { Length: > 0 } listed ? listed : scenario.Strategies, agents),
                };
                var errors = spec.ToStudy().Validate();
                if (errors.Count > 0) throw new ScenarioValidationException([.. errors.Select(e => e with { Field = e.Field.Replace("axes.stress", "variants", StringComparison.Ordinal) })]);
                var missing = spec.Strategies.Select(StripGuard).Where(id => StrategyId.IsAgentId(id) && agents.All(a => a.Id != id)).ToList();
                if (missing.Count > 0)
                    throw new ScenarioValidationException("strategies", $"'{missing[0]}' is not among the agents given with --agent ({string.Join(", ", agents.Select(a => a.Id))})");
            }
            catch (Exception e) when (e is ScenarioValidationException or IOException or ArgumentException or InvalidDataException or JsonException)
            {
                BacktestCommand.DisposeAll(agents);
                await parse.InvocationConfiguration.Error.WriteLineAsync(e.Message);
                return 2;
            }

            StudyResults results;
            try
            {
                results = Run(spec, ct, agents);
            }
            catch (InSampleEvaluationException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(e.Message);
                return 2;
            }
            finally
            {
                BacktestCommand.DisposeAll(agents);
            }
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) await output.WriteLineAsync(JsonSerializer.Serialize(results, ScenarioJson.Options));
            else await output.WriteAsync(StressTable.ToText(results));
            return 0;
        });
        return command;
    }

    /// <summary>Runs every variant of <paramref name="spec"/> and builds the results, as the portal does from stored runs.</summary>
    /// <param name="spec">The report.</param>
    /// <param name="ct">Cancels between variants and batches.</param>
    /// <param name="agents">The trained agents the spec's <c>agent:</c> ids name, run on every variant's paths.</param>
    /// <exception cref="InSampleEvaluationException">An agent drew a variant's own paths in training (untagged streams holding
    /// the report's seed in the same world): the message names the variant, the agent and the seeds; nothing is run.</exception>
    public static StudyResults Run(StressSpec spec, CancellationToken ct = default, IReadOnlyList<IExecutionStrategy>? agents = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var study = spec.ToStudy();
        var checks = CheckAgents(study, agents ?? []);
        var sharedPaths = checks.Where(c => c.SharesPaths).Select(c => c.Check).ToList();
        if (sharedPaths.Count > 0) throw new InSampleEvaluationException(sharedPaths);
        var results = StudyCommand.Run(study, ct, agents);
        var flagged = checks.Where(c => c.Check.Verdict != SampleVerdict.OutOfSample).ToList();
        if (flagged.Count == 0) return results;
        return results with
        {
            Cells = [.. results.Cells.Select(cell => cell with
            {
                Strategies = [.. cell.Strategies.Select(s => flagged.Where(f => f.Variant == cell.Coordinates.Stress && f.Check.StrategyId == StripGuard(s.Id))
                    .Select(f => f.Check.Reason).FirstOrDefault() is { } reason
                    ? s with { InSample = reason }
                    : s)],
            })],
        };
    }

    /// <summary>The out-of-sample check (<see cref="StressSampling"/>) of every agent the study lists (plainly or guarded)
    /// on every variant, and whether the agent drew that variant's own paths in training.</summary>
    public static IReadOnlyList<(string Variant, AgentSampleCheck Check, bool SharesPaths)> CheckAgents(StudySpec study, IReadOnlyList<IExecutionStrategy> agents)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(agents);
        var listed = study.EffectiveStrategies.Select(StripGuard).ToHashSet(StringComparer.Ordinal);
        var checks = new List<(string, AgentSampleCheck, bool)>();
        foreach (var cell in study.Expand())
        {
            foreach (var agent in agents.Where(a => StrategyId.IsAgentId(a.Id) && listed.Contains(a.Id)))
            {
                var exposure = ExposureOf(agent);
                checks.Add((cell.Coordinates.Stress, StressSampling.Check(agent.Id, exposure, cell.Scenario, cell.Coordinates.Stress),
                    StressSampling.SharesPaths(exposure, cell.Scenario)));
            }
        }
        return checks;
    }

    /// <summary>What an agent (or an ensemble of seeds: every member's record) trained on; null when unrecorded.</summary>
    private static TrainingExposure? ExposureOf(IExecutionStrategy agent) => agent switch
    {
        AgentStrategy a => a.Exposure,
        EnsembleStrategy e when e.Members.Select(ExposureOf).ToList() is var members && members.All(m => m is not null) =>
            new TrainingExposure { Sources = [.. members.SelectMany(m => m!.Sources)] },
        _ => null,
    };

    /// <summary><paramref name="strategies"/> followed by each agent not yet listed (plainly or guarded).</summary>
    public static IReadOnlyList<string> WithAgents(IReadOnlyList<string> strategies, IEnumerable<IExecutionStrategy> agents)
    {
        var list = strategies.ToList();
        foreach (var a in agents)
        {
            if (!list.Any(id => StripGuard(id) == a.Id)) list.Add(a.Id);
        }
        return list;
    }

    private static string StripGuard(string id) =>
        id.StartsWith(GuardedStrategy.IdPrefix, StringComparison.Ordinal) ? id[GuardedStrategy.IdPrefix.Length..] : id;
}
