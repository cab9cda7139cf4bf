using System.CommandLine;
using System.Diagnostics;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;

namespace Portal.Jobs.Cli;

/// <summary><c>backtest --scenario FILE.json</c>: runs a scenario headless and prints the comparison table.</summary>
public static class BacktestCommand
{
    public static Command Create()
    {
        var scenarioFile = new Option<FileInfo?>("--scenario") { Description = "Scenario JSON (the same format as the portal and the API). Defaults to the demo scenario." };
        var episodes = new Option<int?>("--episodes") { Description = "Override the scenario's number of episodes." };
        var seed = new Option<long?>("--seed") { Description = "Override the scenario's seed." };
        var strategies = new Option<string[]>("--strategies") { Description = "Override the scenario's strategies (ids).", AllowMultipleArgumentsPerToken = true };
        var jsonOut = new Option<FileInfo?>("--json") { Description = "Also write the full result as JSON to this file." };
        var command = new Command("backtest", "Run a scenario's strategies on common random numbers and print the comparison.")
        {
            scenarioFile, episodes, seed, strategies, jsonOut,
        };
        command.SetAction(async (parse, ct) =>
        {
            Scenario scenario;
            try
            {
                var file = parse.GetValue(scenarioFile);
                scenario = file is null ? ScenarioPresets.Demo() : ScenarioJson.Parse(await File.ReadAllTextAsync(file.FullName, ct));
                scenario = scenario with
                {
                    Episodes = parse.GetValue(episodes) ?? scenario.Episodes,
                    Seed = parse.GetValue(seed) ?? scenario.Seed,
                    Strategies = parse.GetValue(strategies) is { Length: > 0 } s ? s : scenario.Strategies,
                };
                var errors = scenario.Validate();
                if (errors.Count > 0)
                {
                    throw new ScenarioValidationException(errors);
                }
            }
            catch (Exception e) when (e is ScenarioValidationException or IOException)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 2;
            }

            var clock = Stopwatch.StartNew();
            var result = BacktestRunner.Run(scenario, null, null, ct);
            clock.Stop();
            Console.WriteLine(BacktestReport.ToText(result));
            Console.WriteLine($"{result.Episodes:N0} episodes × {result.Strategies.Count} strategies in {clock.Elapsed.TotalSeconds:F2} s");
            if (parse.GetValue(jsonOut) is { } outFile)
            {
                await File.WriteAllTextAsync(outFile.FullName, BacktestReport.ToJson(result, scenario), ct);
            }
            return 0;
        });
        return command;
    }
}
