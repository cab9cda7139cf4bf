using System.CommandLine;
using Portal.Agents.Cli;

namespace Portal.Jobs.Cli;

/// <summary>
/// <c>train --agent ppo --scenario FILE.json --seeds 5 --out DIR</c>: trains an agent headless (see Portal.Agents). The
/// options are the ones <see cref="TrainOptions"/> lists; any other flag is refused before training starts.
/// </summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var options = TrainOptions.All
            .Select(o => (o.Name, Option: new Option<string>("--" + o.Name) { Description = o.Description, HelpName = o.ValueName, Required = o.Required }))
            .ToList();
        var command = new Command("train",
            "Train a learning agent on a scenario with several seeds; writes each seed's artifact and summary.json.\n\n" + TrainOptions.HyperparameterHelp());
        options.ForEach(o => command.Options.Add(o.Option));
        command.SetAction((parse, ct) =>
        {
            var args = options
                .Where(o => parse.GetResult(o.Option) is { Implicit: false })
                .SelectMany(o => new[] { "--" + o.Name, parse.GetValue(o.Option)! })
                .ToArray();
            return Task.FromResult(Portal.Agents.Cli.TrainCommand.Run(args, parse.InvocationConfiguration.Output, ct));
        });
        return command;
    }
}
