using System.CommandLine;

namespace Portal.Jobs.Cli;

/// <summary>The verbs of the headless host: <c>worker</c>, <c>migrate</c>, <c>backtest</c>, <c>example</c>, <c>bench</c>.</summary>
public static class PortalCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Execution Lab worker host and command line.");
        root.Subcommands.Add(WorkerCommand.Create());
        root.Subcommands.Add(MigrateCommand.Create());
        root.Subcommands.Add(HealthCommand.Create());
        root.Subcommands.Add(BacktestCommand.Create());
        root.Subcommands.Add(ExampleCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ImportCommand.Create());
        root.Subcommands.Add(CalibrateCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        return root;
    }
}
