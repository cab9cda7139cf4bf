using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Jobs.Cli;

namespace Portal.Jobs.Tests.Cli;

/// <summary><c>map-elites</c> evolves the archive here, sharded or not, and writes the report.</summary>
public sealed class MapElitesCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("el-map-elites-").FullName;

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await PortalCommandLine.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Help_lists_the_budget_seed_and_shard_flags()
    {
        var (exit, output, _) = await InvokeAsync("map-elites", "--help");
        Assert.Equal(0, exit);
        foreach (string flag in new[] { "--candidates", "--batch", "--seed", "--shards", "--json", "--holdout-episodes", "--episodes-per-niche" })
        {
            Assert.Contains(flag, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Local_shards_write_the_same_archive_as_one_process()
    {
        async Task<JsonNode> Run(int shards)
        {
            string path = Path.Combine(_dir, $"report-{shards}.json");
            var (exit, output, error) = await InvokeAsync("map-elites", "--candidates", "120", "--batch", "40", "--seed", "3",
                "--episodes-per-niche", "8", "--holdout-episodes", "16", "--shards", shards.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json", path);
            Assert.True(exit == 0, error);
            Assert.Contains("candidates/s", output, StringComparison.Ordinal);
            var node = JsonNode.Parse(await File.ReadAllTextAsync(path))!;
            node.AsObject().Remove("wallSeconds");
            node.AsObject().Remove("candidatesPerSecond");
            return node;
        }

        var one = await Run(1);
        var three = await Run(3);
        Assert.Equal(one.ToJsonString(), three.ToJsonString());
        Assert.Equal(9, one["niches"]!.AsArray().Count);
        Assert.Equal(3, one["iterations"]!.AsArray().Count);
        Assert.Equal(9, one["comparisons"]!.AsArray().Count);
        Assert.Equal(120, one["iterations"]!.AsArray()[^1]!["evaluated"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_report_s_elites_generalist_and_router_run_as_strategies_in_a_backtest()
    {
        string report = Path.Combine(_dir, "desk.json");
        var (exit, _, error) = await InvokeAsync("map-elites", "--candidates", "60", "--batch", "30", "--episodes-per-niche", "8", "--holdout-episodes", "0", "--json", report);
        Assert.True(exit == 0, error);

        var loaded = BacktestCommand.LoadArchives([report]);
        Assert.Equal([.. Enumerable.Range(0, 9).Select(j => $"elite:desk:{j}"), "elite:desk:generalist", "router:desk"], loaded.Select(s => s.Id));

        // An elite run as a strategy is the archived policy: on its niche's evaluation paths it reproduces its archived objective.
        var parsed = JsonSerializer.Deserialize<Portal.Domain.QualityDiversity.MapElitesReport>(await File.ReadAllTextAsync(report), Portal.Domain.Scenarios.ScenarioJson.Options)!;
        var settings = new Portal.Domain.QualityDiversity.MapElitesSettings { Candidates = 60, Batch = 30, EpisodesPerNiche = 8 };
        var evaluator = new Portal.Domain.QualityDiversity.CandidateEvaluator(Portal.Domain.QualityDiversity.MapElitesSettings.DefaultScenario(), settings);
        var niche = parsed.Niches[7];
        var costs = Portal.Domain.QualityDiversity.SpecialistComparison.EpisodeCosts(evaluator.Variants[7], loaded[7],
            Portal.Domain.QualityDiversity.CandidateEvaluator.EvaluationSeed(1), 0, 8);
        Assert.Equal(niche.EliteObjectiveBps!.Value, evaluator.Objective(costs), 9);

        string json = Path.Combine(_dir, "backtest.json");
        (exit, _, error) = await InvokeAsync("backtest", "--episodes", "200", "--archive", report, "--json", json);
        Assert.True(exit == 0, error);
        var ids = JsonNode.Parse(await File.ReadAllTextAsync(json))!["strategies"]!.AsArray().Select(x => (string?)x!["id"]).ToList();
        Assert.Contains("router:desk", ids);
        Assert.Contains("elite:desk:4", ids);
        Assert.Equal(2, (await InvokeAsync("backtest", "--archive", Path.Combine(_dir, "missing.json"))).Exit);
    }

    [Theory]
    [InlineData("--candidates", "0")]
    [InlineData("--shards", "0")]
    [InlineData("--episodes-per-niche", "1")]
    [InlineData("--holdout-episodes", "3")]
    public async Task Values_out_of_range_are_refused_with_exit_code_2(string flag, string value)
    {
        var (exit, _, error) = await InvokeAsync("map-elites", flag, value);
        Assert.Equal(2, exit);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
