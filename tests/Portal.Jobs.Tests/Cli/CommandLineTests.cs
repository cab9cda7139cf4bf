using System.CommandLine;
using Portal.Jobs.Cli;

namespace Portal.Jobs.Tests.Cli;

/// <summary>Every verb refuses flags it does not know, answers <c>--help</c>, and lets the portal's settings through.</summary>
public sealed class CommandLineTests
{
    public static TheoryData<string> Verbs => ["worker", "migrate", "health", "backtest", "example", "bench", "import", "calibrate", "train", "study"];

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await PortalCommandLine.InvokeAsync(args, new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_misspelt_train_option_is_refused_before_anything_trains()
    {
        var (exit, output, error) = await InvokeAsync("train", "--agent", "ppo", "--scenario", "none.json", "--out", "nowhere", "--evl-episodes", "100");

        Assert.NotEqual(0, exit);
        Assert.Contains("--evl-episodes", error, StringComparison.Ordinal);
        Assert.DoesNotContain("training ppo", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists("nowhere"));
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public void Every_verb_refuses_a_flag_it_does_not_know(string verb)
    {
        var root = PortalCommandLine.Build();

        var parse = root.Parse([verb, "--no-such-flag", "1"]);

        Assert.Contains(parse.Errors, e => e.Message.Contains("--no-such-flag", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("import", "--format", "csv", "a.csv", "--fromat", "csv")]
    [InlineData("calibrate", "--out", "p.json", "--dataset", "a.csv", "b.csv", "--fromat", "csv")]
    [InlineData("backtest", "--strategies", "twap", "vwap", "--regim", "volatile")]
    [InlineData("backtest", "--agent", "dir", "--episodez", "10")]
    public void A_misspelt_flag_after_a_list_is_refused_not_taken_as_a_value(params string[] args)
    {
        var parse = PortalCommandLine.Build().Parse(args);

        var misspelt = args.Single(a => a.StartsWith("--", StringComparison.Ordinal) && !PortalCommandLine.Build().Subcommands
            .Single(c => c.Name == args[0]).Options.Any(o => o.Name == a));
        Assert.Contains(parse.Errors, e => e.Message.Contains(misspelt, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task Every_verb_answers_help_with_its_options_and_does_nothing_else(string verb)
    {
        var (exit, output, _) = await InvokeAsync(verb, "--help");

        Assert.Equal(0, exit);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Contains(verb, output, StringComparison.Ordinal);
        Assert.Contains("--verbose", output, StringComparison.Ordinal);
        var command = PortalCommandLine.Build().Subcommands.Single(c => c.Name == verb);
        Assert.All(command.Options.Where(o => !o.Hidden), o => Assert.Contains(o.Name, output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Train_help_lists_every_option_the_trainer_reads()
    {
        var (_, output, _) = await InvokeAsync("train", "--help");

        Assert.All(Portal.Agents.Cli.TrainOptions.All, o => Assert.Contains("--" + o.Name + " <" + o.ValueName + ">", output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Train_help_lists_every_hyperparameter_of_every_algorithm_with_its_default_range_and_help()
    {
        var (_, output, _) = await InvokeAsync("train", "--help");

        // Each line of the hyperparameter section is read back: the registry's values, not a hand-written copy.
        var lines = output.Split('\n').Select(l => l.Trim()).ToList();
        foreach (var algorithm in Portal.Agents.Training.AgentAlgorithms.All.Select(a => a.Info))
        {
            int header = lines.IndexOf($"{algorithm.Id} ({algorithm.Name}):");
            Assert.True(header >= 0, $"train --help does not list {algorithm.Id}");
            Assert.All(algorithm.Parameters, (p, i) =>
            {
                string line = lines[header + 1 + i];
                Assert.StartsWith(p.Name + " ", line, StringComparison.Ordinal);
                Assert.Contains($"default {p.Default}, range {p.Range}", line, StringComparison.Ordinal);
                Assert.EndsWith(p.Help, line, StringComparison.Ordinal);
            });
        }
        string td3bcRate = lines[lines.IndexOf("td3bc (TD3+BC):") + 1];
        Assert.Equal("learningRate     double, default 0.0003, range (0, 1]. Adam step size of actor and critics (paper: 3·10⁻⁴).", td3bcRate);
    }

    [Fact]
    public void Train_passes_exactly_the_options_given_to_the_trainer()
    {
        var parse = PortalCommandLine.Build().Parse(["train", "--agent", "dqn", "--scenario", "s.json", "--out", "o", "--eval-episodes", "100", "--verbose"]);

        Assert.Empty(parse.Errors);
        Assert.Equal("100", parse.GetValue<string>("--eval-episodes"));
        Assert.Null(parse.GetValue<string>("--steps"));
    }

    [Fact]
    public void A_train_option_missing_its_value_or_a_required_option_is_an_error()
    {
        var root = PortalCommandLine.Build();

        Assert.NotEmpty(root.Parse(["train", "--agent", "ppo", "--scenario", "s.json"]).Errors);
        Assert.NotEmpty(root.Parse(["train", "--agent", "ppo", "--scenario", "s.json", "--out", "o", "--eval-episodes"]).Errors);
    }

    [Fact]
    public void Settings_in_the_portals_form_are_set_aside_for_the_host_and_everything_else_is_parsed()
    {
        var (settings, arguments) = CliHost.Split(
            ["worker", "--Jobs:WorkerCount=2", "--Database:Provider", "Postgres", "--verbose", "--evl-episodes", "3", "--Jobs:WorkerName"]);

        Assert.Equal(["--Jobs:WorkerCount=2", "--Database:Provider=Postgres"], settings);
        Assert.Equal(["worker", "--verbose", "--evl-episodes", "3", "--Jobs:WorkerName"], arguments);
    }

    [Fact]
    public async Task A_setting_reaches_the_verbs_host_configuration()
    {
        string file = Path.Combine(Path.GetTempPath(), $"el-cli-{Guid.NewGuid():N}.db");
        try
        {
            var (exit, output, error) = await InvokeAsync("migrate", $"--Database:ConnectionString=Data Source={file}");

            Assert.True(exit == 0, error);
            Assert.True(File.Exists(file));
            Assert.Contains(file, output, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }
}
