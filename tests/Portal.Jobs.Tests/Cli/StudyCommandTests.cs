using System.CommandLine;
using System.Text.Json;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Studies;
using Portal.Jobs.Cli;

namespace Portal.Jobs.Tests.Cli;

/// <summary><c>study</c> runs a spec's grid here and prints one row per cell, or the results as JSON.</summary>
public sealed class StudyCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("el-study-").FullName;

    private static StudySpec Spec() => new()
    {
        Name = "cli grid",
        Scenario = ScenarioPresets.Demo() with { Episodes = 200, Seed = 11 },
        Axes = new StudyAxes { SizePctAdv = [1, 10], RiskAversion = [0, 1e-5] },
        Strategies = ["twap", "ac"],
    };

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await PortalCommandLine.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private string Write(string json)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public async Task The_table_has_a_row_per_cell_with_each_strategys_mean_cost()
    {
        var (exit, output, error) = await InvokeAsync("study", "--spec", Write(StudyJson.Serialize(Spec())));
        Assert.True(exit == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("cell", lines[0], StringComparison.Ordinal);
        Assert.Contains("twap bps", lines[0], StringComparison.Ordinal);
        Assert.Contains("ac bps", lines[0], StringComparison.Ordinal);
        Assert.Equal(4, lines.Count(l => l.Contains("Succeeded", StringComparison.Ordinal)));
        Assert.Contains("4 of 4 cells done", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_cells_hold_the_same_numbers_as_a_backtest_of_the_cell_scenario()
    {
        var spec = Spec();
        var (exit, output, error) = await InvokeAsync("study", "--spec", Write(StudyJson.Serialize(spec)), "--json");
        Assert.True(exit == 0, error);
        using var doc = JsonDocument.Parse(output);
        var cells = doc.RootElement.GetProperty("cells");
        Assert.Equal(4, cells.GetArrayLength());
        var cell = spec.Expand()[3]; // size 10, λ 1e-5
        var direct = BacktestRunner.Run(cell.Scenario, new BacktestOptions { KeepEpisodes = false });
        var json = cells[3].GetProperty("strategies").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "ac");
        Assert.Equal(direct.Strategies.Single(s => s.StrategyId == "ac").Summary.MeanBps, json.GetProperty("meanCostBps").GetDouble());
        Assert.Equal(10, cells[3].GetProperty("coordinates").GetProperty("sizePctAdv").GetDouble());
        Assert.Equal(1e-5, cells[3].GetProperty("coordinates").GetProperty("riskAversion").GetDouble());
        Assert.False(string.IsNullOrEmpty(cells[3].GetProperty("best").GetProperty("id").GetString()));
        // One frontier per size, with the Almgren–Chriss closed form on the demo's Almgren–Chriss market.
        Assert.Equal(2, doc.RootElement.GetProperty("frontiers").GetArrayLength());
        Assert.True(doc.RootElement.GetProperty("frontiers")[0].GetProperty("closedForm").GetArrayLength() > 2);
    }

    [Fact]
    public async Task An_invalid_spec_is_refused_naming_the_axis()
    {
        var json = StudyJson.Serialize(Spec()).Replace("\"riskAversion\": [", "\"riskAversion\": [5, ", StringComparison.Ordinal);
        var (exit, _, error) = await InvokeAsync("study", "--spec", Write(json));
        Assert.Equal(2, exit);
        Assert.Contains("axes.riskAversion[0]", error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
