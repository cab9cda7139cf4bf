using Portal.Agents.Cli;

namespace Portal.Agents.Tests;

/// <summary><c>train</c> reads only the options it knows: a misspelt one is an error, never a silent default.</summary>
public sealed class TrainOptionsTests
{
    [Fact]
    public void A_misspelt_option_is_refused_naming_it_before_anything_trains()
    {
        var output = new StringWriter();
        string dir = Path.Combine(Path.GetTempPath(), $"train-{Guid.NewGuid():N}");

        int exit = TrainCommand.Run(["train", "--agent", "ppo", "--scenario", "none.json", "--out", dir, "--evl-episodes", "100"], output);

        Assert.Equal(2, exit);
        Assert.Contains("Unknown option '--evl-episodes'", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("training ppo", output.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Known_options_are_read_by_name_and_a_repeated_one_is_refused()
    {
        var options = TrainOptions.Parse(["train", "--agent", "dqn", "--eval-episodes", "100", "--curriculum", "auto:3"]);

        Assert.Equal(new Dictionary<string, string> { ["agent"] = "dqn", ["eval-episodes"] = "100", ["curriculum"] = "auto:3" }, options);
        Assert.Throws<ArgumentException>(() => TrainOptions.Parse(["--seeds", "2", "--seeds", "3"]));
        Assert.Throws<ArgumentException>(() => TrainOptions.Parse(["--seeds"]));
    }

    [Fact]
    public void Every_option_has_a_unique_name_a_value_name_and_help()
    {
        Assert.Equal(TrainOptions.All.Count, TrainOptions.All.Select(o => o.Name).Distinct().Count());
        Assert.All(TrainOptions.All, o =>
        {
            Assert.DoesNotContain("-", o.Name[..1], StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(o.ValueName));
            Assert.False(string.IsNullOrWhiteSpace(o.Description));
        });
        Assert.Equal(["agent", "scenario", "out"], TrainOptions.All.Where(o => o.Required).Select(o => o.Name));
    }
}
