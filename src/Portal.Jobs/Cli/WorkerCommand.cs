using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Portal.Data;
using Portal.Jobs.Hosting;

namespace Portal.Jobs.Cli;

/// <summary><c>worker</c>: executes queued jobs from the shared PostgreSQL storage until stopped.</summary>
public static class WorkerCommand
{
    public static Command Create(CliHost cli)
    {
        var command = new Command("worker", "Run a standalone job worker against PostgreSQL (configure Database__ConnectionString; settings such as --Jobs:WorkerCount=2 may follow).");
        command.SetAction(async (parse, ct) =>
        {
            var builder = cli.CreateBuilder(parse, longRunning: true);
            var database = builder.AddPortalData();
            if (database.Provider != DatabaseProvider.Postgres)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(
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
