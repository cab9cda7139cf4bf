using System.CommandLine;
using Portal.Domain.Impact;

namespace Portal.Jobs.Cli;

/// <summary><c>example</c>: reproduces the Almgren–Chriss (2000) worked example in closed form and by simulation.</summary>
public static class ExampleCommand
{
    public static Command Create()
    {
        var episodes = new Option<int>("--episodes") { Description = "Simulated episodes for the Monte Carlo check.", DefaultValueFactory = _ => 20_000 };
        var seed = new Option<long>("--seed") { Description = "Seed of the simulated paths.", DefaultValueFactory = _ => 2000 };
        var command = new Command("example", "Almgren–Chriss (2000) worked example: expected shortfall and standard deviation of its optimal trajectory.")
        {
            episodes, seed,
        };
        command.SetAction(parse =>
        {
            var result = AlmgrenChrissWorkedExample.Run(parse.GetValue(episodes), parse.GetValue(seed));
            parse.InvocationConfiguration.Output.WriteLine(result.ToText());
            return result.MeanAgrees ? 0 : 1;
        });
        return command;
    }
}
