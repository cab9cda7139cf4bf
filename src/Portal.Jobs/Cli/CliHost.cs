using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Portal.Jobs.Cli;

/// <summary>
/// What every verb that opens the database shares: the configuration overrides given on the command line
/// (<c>--Section:Key=value</c>, as the portal accepts them), the <c>--verbose</c> switch, and a host builder with the
/// portal's configuration sources and quiet logging.
/// </summary>
/// <remarks>
/// Logging: one-shot verbs (<c>migrate</c>, <c>import</c>, <c>calibrate</c>, <c>health</c>) show warnings and errors only
/// and no SQL, so their one-line summary is all they print; <c>worker</c> logs as the portal does (information, with EF Core, ASP.NET
/// Core and Hangfire at warnings). <c>--verbose</c> shows information from every source, EF Core's SQL included.
/// </remarks>
public sealed class CliHost
{
    /// <summary>Categories the portal's appsettings.json filters by name; each gets a rule here too, so the level set by
    /// the command line wins over a same-named rule from a configuration file.</summary>
    private static readonly string[] FrameworkCategories =
        ["Microsoft", "Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "Microsoft.Hosting.Lifetime", "Hangfire", "System"];

    private const string SqlCategory = "Microsoft.EntityFrameworkCore.Database.Command";

    public CliHost(IReadOnlyList<string>? settings = null)
    {
        Settings = settings ?? [];
    }

    /// <summary>Configuration overrides taken from the command line, e.g. <c>--Database:Provider=Postgres</c>.</summary>
    public IReadOnlyList<string> Settings { get; }

    /// <summary>The global <c>--verbose</c> switch, accepted by every verb.</summary>
    public Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Log information from every source, EF Core's SQL included (default: warnings and errors only).",
        Recursive = true,
    };

    /// <summary>
    /// A host builder over the portal's configuration sources (appsettings.json, <c>Section__Key</c> environment variables,
    /// the command line's overrides) with the verb's logging.
    /// </summary>
    /// <param name="longRunning">The worker: logs its own information as the portal does.</param>
    public HostApplicationBuilder CreateBuilder(ParseResult parse, bool longRunning = false)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var builder = Host.CreateApplicationBuilder([.. Settings]);
        ConfigureLogging(builder.Logging, parse.GetValue(Verbose), longRunning);
        return builder;
    }

    /// <summary>Sets the log levels described on <see cref="CliHost"/>.</summary>
    public static void ConfigureLogging(ILoggingBuilder logging, bool verbose, bool longRunning)
    {
        ArgumentNullException.ThrowIfNull(logging);
        var frameworkLevel = verbose ? LogLevel.Information : LogLevel.Warning;
        var ownLevel = verbose || longRunning ? LogLevel.Information : LogLevel.Warning;
        logging.SetMinimumLevel(ownLevel);
        logging.AddFilter((string?)null, ownLevel);
        foreach (var category in FrameworkCategories)
        {
            logging.AddFilter(category, category == "Microsoft.Hosting.Lifetime" ? ownLevel : frameworkLevel);
        }
        // SQL only with --verbose: EF Core also logs, as a failure, the read of a migrations history table that does not
        // exist yet on every new PostgreSQL database; a command that really fails throws, and the verb reports it.
        logging.AddFilter(SqlCategory, verbose ? LogLevel.Information : LogLevel.None);
    }

    /// <summary>
    /// Splits configuration overrides (<c>--Section:Key=value</c> or <c>--Section:Key value</c>: a name with a colon) from
    /// the verb's own arguments, so that every other unknown flag can be refused.
    /// </summary>
    public static (string[] Settings, string[] Arguments) Split(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var settings = new List<string>();
        var rest = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            string token = args[i];
            int equals = token.IndexOf('=', StringComparison.Ordinal);
            string name = equals < 0 ? token : token[..equals];
            bool isSetting = name.StartsWith("--", StringComparison.Ordinal) && name.Length > 2 && name.IndexOf(':', StringComparison.Ordinal) > 2;
            if (!isSetting)
            {
                rest.Add(token);
            }
            else if (equals >= 0)
            {
                settings.Add(token);
            }
            else if (i + 1 < args.Count)
            {
                settings.Add(token + "=" + args[++i]);
            }
            else
            {
                rest.Add(token);
            }
        }
        return ([.. settings], [.. rest]);
    }
}
