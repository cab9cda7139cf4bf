using System.CommandLine;

namespace Portal.Jobs.Cli;

/// <summary>
/// The verbs of the headless host: <c>worker</c>, <c>migrate</c>, <c>health</c>, <c>backtest</c>, <c>example</c>,
/// <c>bench</c>, <c>import</c>, <c>calibrate</c>, <c>train</c>, <c>study</c>, <c>map-elites</c>. Every verb refuses flags it does not know and answers
/// <c>--help</c>; verbs that open the database take the portal's configuration keys, also as <c>--Section:Key=value</c>.
/// </summary>
public static class PortalCommandLine
{
    /// <summary>Parses and runs a command line as <c>Portal.Jobs</c> does.</summary>
    public static Task<int> InvokeAsync(IReadOnlyList<string> args, InvocationConfiguration? invocation = null, CancellationToken ct = default)
    {
        var (settings, arguments) = CliHost.Split(args);
        return Build(new CliHost(settings)).Parse(arguments).InvokeAsync(invocation, ct);
    }

    public static RootCommand Build(CliHost? host = null)
    {
        host ??= new CliHost();
        var root = new RootCommand(
            "Execution Lab worker host and command line. Verbs that open the database read the portal's settings " +
            "(appsettings.json, Section__Key environment variables, or --Section:Key=value here); the default database is " +
            "the portal's: see README, Configuration.");
        root.Options.Add(host.Verbose);
        root.Subcommands.Add(WorkerCommand.Create(host));
        root.Subcommands.Add(MigrateCommand.Create(host));
        root.Subcommands.Add(HealthCommand.Create(host));
        root.Subcommands.Add(BacktestCommand.Create());
        root.Subcommands.Add(ExampleCommand.Create());
        root.Subcommands.Add(BenchCommand.Create());
        root.Subcommands.Add(ImportCommand.Create(host));
        root.Subcommands.Add(CalibrateCommand.Create(host));
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(StudyCommand.Create());
        root.Subcommands.Add(MapElitesCommand.Create());
        foreach (var verb in root.Subcommands)
        {
            RefuseUnknownFlagsAsValues(verb);
        }
        return root;
    }

    /// <summary>
    /// A list (files, strategy ids, agent folders) would take a misspelt flag such as <c>--fromat</c> as one of its values;
    /// refuse any value that starts with <c>--</c> as the unknown option it is.
    /// </summary>
    private static void RefuseUnknownFlagsAsValues(Command command)
    {
        foreach (var argument in command.Arguments.Where(a => a.Arity.MaximumNumberOfValues > 1))
        {
            argument.Validators.Add(result => RefuseFlags(result.Tokens, result.AddError));
        }
        foreach (var option in command.Options.Where(o => o.AllowMultipleArgumentsPerToken || o.Arity.MaximumNumberOfValues > 1))
        {
            option.Validators.Add(result => RefuseFlags(result.Tokens, result.AddError));
        }
    }

    private static void RefuseFlags(IReadOnlyList<System.CommandLine.Parsing.Token> tokens, Action<string> error)
    {
        foreach (var token in tokens.Where(t => t.Value.StartsWith("--", StringComparison.Ordinal)))
        {
            error($"Unrecognized option '{token.Value}'.");
        }
    }
}
