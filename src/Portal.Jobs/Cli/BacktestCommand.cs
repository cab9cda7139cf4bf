using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
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
            Console.WriteLine($"{"strategy",-28} {"mean bps",10} {"std bps",10} {"95% CI",22} {"vs TWAP",24}");
            foreach (var s in result.Strategies)
            {
                var m = s.Summary;
                var vs = m.VsTwap is { } p ? $"{p.MeanBps,8:F2} [{p.CiLowBps:F2}, {p.CiHighBps:F2}]" : "";
                Console.WriteLine($"{s.DisplayName,-28} {m.MeanBps,10:F2} {m.StdBps,10:F2} {$"[{m.MeanCiLowBps:F2}, {m.MeanCiHighBps:F2}]",22} {vs,24}");
            }
            Console.WriteLine($"{result.Episodes:N0} episodes × {result.Strategies.Count} strategies in {clock.Elapsed.TotalSeconds:F2} s");
            if (parse.GetValue(jsonOut) is { } outFile)
            {
                await File.WriteAllTextAsync(outFile.FullName, JsonSerializer.Serialize(result, ScenarioJson.Options), ct);
            }
            return 0;
        });
        return command;
    }
}
