using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;

namespace Portal.Jobs.Cli;

/// <summary><c>migrate</c>: creates the database schema or brings it up to date, then says what it applied.</summary>
public static class MigrateCommand
{
    public static Command Create(CliHost cli)
    {
        var command = new Command("migrate", "Apply pending database migrations for the configured provider (the portal's database by default).");
        command.SetAction(async (parse, ct) =>
        {
            var builder = cli.CreateBuilder(parse);
            var database = builder.AddPortalData();
            using var host = builder.Build();
            var factory = host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
            var before = await AppliedMigrationsAsync(factory, ct);
            await host.Services.MigratePortalDatabaseAsync(ct);
            var after = await AppliedMigrationsAsync(factory, ct);
            var applied = after.Except(before, StringComparer.Ordinal).ToList();
            // One line, opening as it always has (scripts look for "Database up to date (Provider)."), saying what changed.
            await parse.InvocationConfiguration.Output.WriteLineAsync(applied.Count == 0
                ? $"Database up to date ({database.Provider}). {database.Describe()}: nothing to apply, {after.Count} migrations."
                : $"Database up to date ({database.Provider}). {database.Describe()}: applied {applied.Count} migration(s) up to {applied[^1]}, {after.Count} in total.");
            return 0;
        });
        return command;
    }

    private static async Task<IReadOnlyList<string>> AppliedMigrationsAsync(IDbContextFactory<PortalDbContext> factory, CancellationToken ct)
    {
        await using var db = await factory.CreateDbContextAsync(ct);
        // Asked only where the history table exists: reading a missing one logs a failed command, even though EF Core
        // then answers "none".
        var history = db.GetService<IHistoryRepository>();
        return await db.Database.CanConnectAsync(ct) && await history.ExistsAsync(ct) ? (await history.GetAppliedMigrationsAsync(ct)).Select(m => m.MigrationId).ToList() : [];
    }
}
