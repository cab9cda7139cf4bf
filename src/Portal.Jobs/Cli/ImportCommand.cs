using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Datasets;
using Portal.Domain.MarketData;

namespace Portal.Jobs.Cli;

/// <summary><c>import --format lobster|csv FILES... [--team T]</c>: validates market data and stores it for a team.</summary>
public static class ImportCommand
{
    public static Command Create(CliHost cli)
    {
        var format = new Option<string>("--format") { Description = "lobster (message + orderbook pair) or csv (snapshots and/or trades).", Required = true };
        var files = new Argument<FileInfo[]>("files") { Arity = ArgumentArity.OneOrMore, Description = "The data files (gzip accepted)." };
        var team = new Option<string?>("--team") { Description = "Team name; may be omitted when the database has one team." };
        var name = new Option<string?>("--name") { Description = "Dataset name (default: instrument and date)." };
        var instrument = new Option<string?>("--instrument") { Description = "Instrument symbol when the file names do not carry it." };
        var command = new Command("import", "Validate market data files and store them for a team in the configured database (the portal's by default).") { format, files, team, name, instrument };
        command.SetAction(async (parse, ct) =>
        {
            MarketDataset data;
            try
            {
                data = MarketDataImporter.ImportFiles(parse.GetValue(format)!, parse.GetValue(files)!.Select(f => f.FullName).ToList(), parse.GetValue(instrument));
            }
            catch (MarketDataValidationException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("Rejected; nothing was stored:");
                foreach (var error in e.Errors)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync("  " + error);
                }
                return 2;
            }
            catch (Exception e) when (e is ArgumentException or IOException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(e.Message);
                return 2;
            }

            var builder = cli.CreateBuilder(parse);
            var database = builder.AddPortalData();
            using var host = builder.Build();
            if (database.MigrateOnStartup)
            {
                await host.Services.MigratePortalDatabaseAsync(ct);
            }
            await using var db = await host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(ct);
            var teamName = parse.GetValue(team);
            var teams = await db.Teams.Where(t => teamName == null || t.Name == teamName).ToListAsync(ct);
            if (teams.Count != 1)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(teams.Count == 0
                    ? teamName is null ? $"No team in {database.Describe()}." : $"No team named '{teamName}' in {database.Describe()}."
                    : "Several teams exist: name one with --team.");
                return 2;
            }
            var stored = await host.Services.GetRequiredService<DatasetStore>().SaveAsync(teams[0].Id, parse.GetValue(name) ?? "", data, "command line", ct);
            var s = data.Summary;
            string content = $"{s.Instrument} {s.Date:yyyy-MM-dd}, {data.Book.Count:N0} book rows ({data.Book.Levels} levels), {data.Trades.Count:N0} trades, hash {data.ContentHash[..12]}";
            await parse.InvocationConfiguration.Output.WriteLineAsync(stored.AlreadyStored
                ? $"Already stored as dataset {stored.Dataset.Id} ('{stored.Dataset.Name}') for team {teams[0].Name}; nothing added ({content})."
                : $"Imported {content} as dataset {stored.Dataset.Id} ('{stored.Dataset.Name}') for team {teams[0].Name}.");
            return 0;
        });
        return command;
    }
}
