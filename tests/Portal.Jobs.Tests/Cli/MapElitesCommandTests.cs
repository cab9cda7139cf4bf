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
