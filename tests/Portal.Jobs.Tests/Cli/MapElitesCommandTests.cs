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

    [Fact]
    public async Task A_stored_archive_is_compared_on_the_same_held_out_episodes_with_generalist_agents()
    {
        string report = Path.Combine(_dir, "archive.json");
        var (exit, _, error) = await InvokeAsync("map-elites", "--candidates", "40", "--batch", "20", "--episodes-per-niche", "8", "--holdout-episodes", "16", "--json", report);
        Assert.True(exit == 0, error);

        // Without agents: the archive's own held-out comparison, number for number (same seed, same episodes).
        string again = Path.Combine(_dir, "again.json");
        (exit, _, error) = await InvokeAsync("map-elites", "--archive", report, "--holdout-episodes", "16", "--json", again);
        Assert.True(exit == 0, error);
        Assert.Equal(JsonNode.Parse(await File.ReadAllTextAsync(report))!["comparisons"]!.ToJsonString(),
            JsonNode.Parse(await File.ReadAllTextAsync(again))!["comparisons"]!.ToJsonString());

        // A PPO trained on the base scenario's niche mixture, two seeds.
        string scenario = Path.Combine(_dir, "base.json");
        await File.WriteAllTextAsync(scenario, Portal.Domain.Scenarios.ScenarioJson.Serialize(Portal.Domain.QualityDiversity.MapElitesSettings.DefaultScenario()));
        string train = Path.Combine(_dir, "ppo");
        (exit, _, error) = await InvokeAsync("train", "--agent", "ppo", "--scenario", scenario, "--niches", "3x3", "--seeds", "2", "--steps", "600", "--eval-episodes", "64", "--out", train);
        Assert.True(exit == 0, error);
        string agents = string.Join(',', Path.Combine(train, "ppo-seed-1"), Path.Combine(train, "ppo-seed-2"));
        string compared = Path.Combine(_dir, "compared.json");
        var (code, output, err) = await InvokeAsync("map-elites", "--archive", report, "--agents", agents, "--holdout-episodes", "16", "--json", compared);
        Assert.True(code == 0, err);
        Assert.Contains("overall", output, StringComparison.Ordinal);
        var node = JsonNode.Parse(await File.ReadAllTextAsync(compared))!;
        Assert.Equal(["ppo-1", "ppo-2"], node["agents"]!.AsArray().Select(a => (string)a!["id"]!));
        var across = node["acrossSeeds"]!.AsArray();
        Assert.Equal(9, across.Count);
        foreach (var (n, h) in across.Zip(node["comparisons"]!.AsArray()))
        {
            var pairs = h!["comparisons"]!.AsArray();
            double D(string a, string b) => (double)pairs.Single(p => (string?)p!["a"] == a && (string?)p["b"] == b)!["objective"]!["meanBps"]!;
            Assert.Equal((D("specialist", "ppo-1") + D("specialist", "ppo-2")) / 2, (double)n!["specialist"]!["meanBps"]!, 9);
            Assert.Equal((D("router", "ppo-1") + D("router", "ppo-2")) / 2, (double)n["router"]!["meanBps"]!, 9);
            Assert.Equal(2, (int)n["specialist"]!["seeds"]!);
        }

        // The specialists' numbers do not move when agents join.
        var before = JsonNode.Parse(await File.ReadAllTextAsync(report))!["comparisons"]!.AsArray();
        for (int j = 0; j < 9; j++)
        {
            Assert.Equal((double)before[j]!["objectiveBps"]!["specialist"]!, (double)node["comparisons"]![j]!["objectiveBps"]!["specialist"]!);
        }

        // An agent trained on another market, or agents without an archive, are refused.
        string other = Path.Combine(_dir, "plain");
        (exit, _, error) = await InvokeAsync("train", "--agent", "ppo", "--scenario", scenario, "--seeds", "1", "--steps", "300", "--eval-episodes", "16", "--out", other);
        Assert.True(exit == 0, error);
        (exit, _, error) = await InvokeAsync("map-elites", "--archive", report, "--agents", Path.Combine(other, "ppo-seed-1"), "--holdout-episodes", "16");
        Assert.Equal(2, exit);
        Assert.Contains("niche mixture", error, StringComparison.Ordinal);
        (exit, _, error) = await InvokeAsync("map-elites", "--agents", agents);
        Assert.Equal(2, exit);
        Assert.Contains("--archive", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_experiment_s_base_scenario_file_is_the_map_elites_default()
    {
        var file = Portal.Domain.Scenarios.ScenarioJson.Parse(File.ReadAllText(Path.Combine(Portal.Testing.RepositoryPaths.Root, "experiments", "scenarios", "map-elites-base.json")));
        Assert.Equal(Portal.Domain.Scenarios.ScenarioJson.Serialize(Portal.Domain.QualityDiversity.MapElitesSettings.DefaultScenario()),
            Portal.Domain.Scenarios.ScenarioJson.Serialize(file));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
