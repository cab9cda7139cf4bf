using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Portal.Data;
using Portal.Jobs.Hosting;

namespace Portal.Jobs.Cli;

/// <summary><c>worker</c>: executes queued jobs from the shared PostgreSQL storage until stopped.</summary>
public static class WorkerCommand
{
    public static Command Create()
    {
        var command = new Command("worker", "Run a standalone job worker against PostgreSQL (configure Database__ConnectionString).");
        var settings = new Argument<string[]>("settings") { Arity = ArgumentArity.ZeroOrMore, Description = "Configuration overrides such as --Jobs:WorkerCount=2." };
        command.Arguments.Add(settings);
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            var builder = Host.CreateApplicationBuilder(parse.UnmatchedTokens.Concat(parse.GetValue(settings) ?? []).ToArray());
            var database = builder.AddPortalData();
            if (database.Provider != DatabaseProvider.Postgres)
            {
                await Console.Error.WriteLineAsync(
                    "A standalone worker needs the shared PostgreSQL storage: set Database__Provider=Postgres and Database__ConnectionString. " +
                    "The embedded SQLite mode runs its jobs inside the web process.");
                return 2;
            }
            builder.AddPortalJobs(database, defaultRunServer: true);
            using var host = builder.Build();
            if (database.MigrateOnStartup)
            {
                await host.Services.MigratePortalDatabaseAsync(ct);
            }
            await host.RunAsync(ct);
            return 0;
        });
        return command;
    }
}
