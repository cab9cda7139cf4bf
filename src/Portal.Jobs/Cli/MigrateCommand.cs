using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Portal.Data;

namespace Portal.Jobs.Cli;

/// <summary><c>migrate</c>: creates the database schema or brings it up to date, then exits.</summary>
public static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Apply pending database migrations for the configured provider.");
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            var builder = Host.CreateApplicationBuilder(parse.UnmatchedTokens.ToArray());
            var database = builder.AddPortalData();
            using var host = builder.Build();
            await host.Services.MigratePortalDatabaseAsync(ct);
            Console.WriteLine($"Database up to date ({database.Provider}).");
            return 0;
        });
        return command;
    }
}
