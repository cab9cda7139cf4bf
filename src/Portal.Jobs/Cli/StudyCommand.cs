using System.CommandLine;
using System.Text.Json;
using Portal.Application.Studies;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Studies;

namespace Portal.Jobs.Cli;

/// <summary>
/// <c>study --spec FILE.json [--episodes N] [--json]</c>: runs every cell of a study spec (the format of <c>POST /api/studies</c>)
/// here, one after the other, and prints the per-cell table, or the results as JSON.
/// </summary>
public static class StudyCommand
{
    public static Command Create()
    {
        var specFile = new Option<FileInfo>("--spec") { Description = "Study spec JSON: name, scenario, axes, strategies (see docs/studies.md).", Required = true };
        var episodes = new Option<int?>("--episodes") { Description = "Override the scenario's episodes in every cell." };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON (cells with strategies and best, frontiers) instead of the table." };
        var command = new Command("study", "Run a study's grid locally, one cell after another, and print the per-cell results.") { specFile, episodes, json };
        command.SetAction(async (parse, ct) =>
        {
            StudySpec spec;
            try
            {
                var file = parse.GetValue(specFile)!;
                spec = StudyJson.Parse(await File.ReadAllTextAsync(file.FullName, ct));
                if (parse.GetValue(episodes) is { } n)
                {
                    spec = spec with { Scenario = spec.Scenario with { Episodes = n } };
                    var errors = spec.Validate();
                    if (errors.Count > 0) throw new ScenarioValidationException(errors);
                }
            }
            catch (Exception e) when (e is ScenarioValidationException or IOException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(e.Message);
                return 2;
            }

            var results = Run(spec, ct);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(results, ScenarioJson.Options));
            }
            else
            {
                await output.WriteAsync(StudyTable.ToText(results));
            }
            return 0;
        });
        return command;
    }

    /// <summary>Runs every cell of <paramref name="spec"/> and builds the study's results, as the portal does from stored runs.</summary>
    /// <param name="spec">The study.</param>
    /// <param name="ct">Cancels between cells and batches.</param>
    /// <param name="extras">Strategies the cells' scenarios name beyond the baselines (e.g. trained agents), run on every
    /// cell's paths beside the baselines.</param>
    public static StudyResults Run(StudySpec spec, CancellationToken ct = default, IReadOnlyList<Portal.Domain.Simulation.IExecutionStrategy>? extras = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var inputs = new List<StudyCellInput>();
        foreach (var cell in spec.Expand())
        {
            ct.ThrowIfCancellationRequested();
            var result = BacktestRunner.Run(cell.Scenario, new BacktestOptions { KeepEpisodes = false, ExtraStrategies = extras ?? [] }, null, ct);
            var strategies = result.Strategies.Select(s => new StudyStrategyInput(s.StrategyId, s.DisplayName, s.Summary.MeanBps, s.Summary.StdBps,
                s.Summary.MeanCiLowBps, s.Summary.MeanCiHighBps, s.Summary.VsTwap?.MeanBps, s.Summary.VsTwap?.CiLowBps, s.Summary.VsTwap?.CiHighBps,
                s.Summary.CostSharpe, s.Summary.Cvar95Bps, s.Summary.IndependentUnits) { Guard = result.Guards.FirstOrDefault(g => g.GuardedId == s.StrategyId) }).ToList();
            inputs.Add(new StudyCellInput(cell.Coordinates, null, "Succeeded", 1, strategies));
        }
        return StudyResultsBuilder.Build(spec, inputs);
    }
}
