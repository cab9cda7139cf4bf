using System.CommandLine;
using System.Text.Json;
using Portal.Application.Studies;
using Portal.Domain.Scenarios;
using Portal.Domain.Studies;

namespace Portal.Jobs.Cli;

/// <summary>
/// <c>stress --scenario FILE.json [--variants V…] [--strategies ID…] [--episodes N] [--json]</c>: runs the scenario's
/// strategies across stress variants here (a study over the stress axis, each variant an ordinary run on the scenario's seed
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
        var strategies = new Option<string[]>("--strategies") { Description = "Baseline ids to compare (default: the scenario's); TWAP, Random and the best static schedule are always added.", AllowMultipleArgumentsPerToken = true };
        var episodes = new Option<int?>("--episodes") { Description = "Override the scenario's episodes." };
        var name = new Option<string>("--name") { Description = "Report name (each variant's run is named after it).", DefaultValueFactory = _ => "stress report" };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON (one cell per variant with each strategy's mean, CI, std, costSharpe, cvar95Bps, vsTwap and the best) instead of the table." };
        var command = new Command("stress", "Run strategies across stress variants of a scenario (liquidity collapse, liquidity shocks, volatility spike, impact shift, extreme liquidity drop) and print the stress table.")
        {
            scenarioFile, variants, strategies, episodes, name, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            StressSpec spec;
            try
            {
                var scenario = ScenarioJson.Parse(await File.ReadAllTextAsync(parse.GetValue(scenarioFile)!.FullName, ct));
                if (parse.GetValue(episodes) is { } n) scenario = scenario with { Episodes = n };
                spec = new StressSpec
                {
                    Name = parse.GetValue(name) ?? "stress report",
                    Scenario = scenario,
                    Variants = parse.GetValue(variants) ?? [],
                    Strategies = parse.GetValue(strategies) ?? [],
                };
                var errors = spec.ToStudy().Validate();
                if (errors.Count > 0) throw new ScenarioValidationException([.. errors.Select(e => e with { Field = e.Field.Replace("axes.stress", "variants", StringComparison.Ordinal) })]);
            }
            catch (Exception e) when (e is ScenarioValidationException or IOException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(e.Message);
                return 2;
            }

            var results = Run(spec, ct);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json)) await output.WriteLineAsync(JsonSerializer.Serialize(results, ScenarioJson.Options));
            else await output.WriteAsync(StressTable.ToText(results));
            return 0;
        });
        return command;
    }

    /// <summary>Runs every variant of <paramref name="spec"/> and builds the results, as the portal does from stored runs.</summary>
    public static StudyResults Run(StressSpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return StudyCommand.Run(spec.ToStudy(), ct);
    }
}
