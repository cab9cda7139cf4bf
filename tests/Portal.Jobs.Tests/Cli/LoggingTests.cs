using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Jobs.Cli;

namespace Portal.Jobs.Tests.Cli;

/// <summary>One-shot verbs log warnings only and never SQL, the worker logs as the portal does, and <c>--verbose</c> shows EF Core's SQL.</summary>
public sealed class LoggingTests
{
    private const string Sql = "Microsoft.EntityFrameworkCore.Database.Command";

    private static ILoggerFactory Loggers(params string[] args)
    {
        var (settings, arguments) = CliHost.Split(args);
        var cli = new CliHost(settings);
        var parse = PortalCommandLine.Build(cli).Parse(arguments);
        var builder = cli.CreateBuilder(parse, longRunning: arguments[0] == "worker");
        return builder.Build().Services.GetRequiredService<ILoggerFactory>();
    }

    [Fact]
    public void A_one_shot_verb_shows_warnings_but_no_sql_and_no_information()
    {
        var loggers = Loggers("migrate");

        Assert.False(loggers.CreateLogger(Sql).IsEnabled(LogLevel.Critical));
        Assert.True(loggers.CreateLogger("Microsoft.EntityFrameworkCore.Migrations").IsEnabled(LogLevel.Warning));
        Assert.False(loggers.CreateLogger("Microsoft.EntityFrameworkCore.Migrations").IsEnabled(LogLevel.Information));
        Assert.False(loggers.CreateLogger("Portal.Jobs.Cli").IsEnabled(LogLevel.Information));
        Assert.False(loggers.CreateLogger("Microsoft.Hosting.Lifetime").IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void Verbose_shows_the_sql_and_information_from_every_source()
    {
        var loggers = Loggers("migrate", "--verbose");

        Assert.True(loggers.CreateLogger(Sql).IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger("Hangfire.Server").IsEnabled(LogLevel.Information));
        Assert.False(loggers.CreateLogger(Sql).IsEnabled(LogLevel.Debug));
    }

    [Fact]
    public void The_worker_logs_its_own_information_but_not_the_frameworks()
    {
        var loggers = Loggers("worker");

        Assert.True(loggers.CreateLogger("Portal.Jobs.Runs.RunBacktestJob").IsEnabled(LogLevel.Information));
        Assert.False(loggers.CreateLogger(Sql).IsEnabled(LogLevel.Information));
        Assert.False(loggers.CreateLogger("Hangfire.Server.Worker").IsEnabled(LogLevel.Information));
    }

    [Fact]
    public void Verbose_wins_over_a_configured_level_for_the_same_category()
    {
        var loggers = Loggers("migrate", "--verbose", "--Logging:LogLevel:Microsoft.EntityFrameworkCore=Warning");

        Assert.True(loggers.CreateLogger(Sql).IsEnabled(LogLevel.Information));
    }
}
