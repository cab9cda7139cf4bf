using System.Text.Json.Nodes;
using Portal.Jobs.Cli;

namespace Portal.Jobs.Tests.Cli;

/// <summary><c>backtest --shards N</c> runs the workers' sharding in one process and prints the same result whatever N.</summary>
public sealed class BacktestShardsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backtest-shards-").FullName;

    private async Task<(int Exit, string Json)> BacktestAsync(params string[] args)
    {
        string output = Path.Combine(_dir, $"{Guid.NewGuid():N}.json");
        int exit = await PortalCommandLine.Build().Parse(["backtest", .. args, "--json", output]).InvokeAsync();
        return (exit, File.Exists(output) ? await File.ReadAllTextAsync(output) : "");
    }

    [Fact]
    public async Task One_two_three_and_seven_shards_write_the_same_json()
    {
        // 3,600 episodes are 8 batches of 512: seven shards are uneven and the last batch is short.
        string[] run = ["--regime", "volatile", "--episodes", "3600", "--seed", "21", "--strategies", "twap", "ac", "pov"];
        var (exit, single) = await BacktestAsync(run);
        Assert.Equal(0, exit);
        var parsed = JsonNode.Parse(single)!;
        Assert.Equal(3600, (int)parsed["episodes"]!);
        Assert.Contains("best-static", parsed["strategies"]!.AsArray().Select(s => (string?)s!["id"]));
        foreach (var shards in new[] { 1, 2, 3, 7 })
        {
            var (code, json) = await BacktestAsync([.. run, "--shards", shards.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            Assert.Equal(0, code);
            Assert.Equal(single, json);
        }
    }

    [Fact]
    public async Task Zero_shards_are_refused()
    {
        var (exit, json) = await BacktestAsync("--episodes", "100", "--shards", "0");
        Assert.Equal(2, exit);
        Assert.Equal("", json);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
