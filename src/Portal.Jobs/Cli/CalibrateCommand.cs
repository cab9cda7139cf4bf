using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Data.Datasets;
using Portal.Domain.Calibration;
using Portal.Domain.MarketData;

namespace Portal.Jobs.Cli;

/// <summary><c>calibrate --dataset ID|FILES... --out PROFILE.json</c>: fits the market models to recorded data.</summary>
public static class CalibrateCommand
{
    public static Command Create(CliHost cli)
    {
        var dataset = new Option<string[]>("--dataset") { Description = "A stored dataset id, or data files to read directly.", Required = true, AllowMultipleArgumentsPerToken = true };
        var format = new Option<string?>("--format") { Description = "lobster or csv, when --dataset names files (default: lobster for two files whose names contain _message_/_orderbook_, else csv)." };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the profile JSON.", Required = true };
        var command = new Command("calibrate", "Calibrate a market profile (ADV, volume profile, volatility, spread, impact, liquidity) from data.") { dataset, format, output };
        command.SetAction(async (parse, ct) =>
        {
            var args = parse.GetValue(dataset)!;
            MarketDataset data;
            try
            {
                if (args.Length == 1 && Guid.TryParse(args[0], out var id))
                {
                    var builder = cli.CreateBuilder(parse);
                    builder.AddPortalData();
                    using var host = builder.Build();
                    await using var db = await host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(ct);
                    var stored = await db.Datasets.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct);
                    data = stored is null
                        ? throw new ArgumentException($"No dataset {id} in the configured database.")
                        : (await host.Services.GetRequiredService<DatasetStore>().LoadAsync(stored.TeamId, id, ct))!;
                }
                else
                {
                    var kind = parse.GetValue(format)
                        ?? (args.Length == 2 && args.Any(a => a.Contains("_message_", StringComparison.OrdinalIgnoreCase)) ? "lobster" : "csv");
                    data = MarketDataImporter.ImportFiles(kind, args);
                }
            }
            catch (MarketDataValidationException e)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(string.Join(Environment.NewLine, e.Errors));
                return 2;
            }
            catch (Exception e) when (e is ArgumentException or IOException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(e.Message);
                return 2;
            }

            var profile = MarketCalibrator.Calibrate(data);
            var file = parse.GetValue(output)!;
            await File.WriteAllTextAsync(file.FullName, profile.ToJson(), ct);
            await parse.InvocationConfiguration.Output.WriteLineAsync(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Calibrated {data.Summary.Instrument} {data.Summary.Date:yyyy-MM-dd} ({profile.TradeCount:N0} trades): ADV {profile.Adv:N0}, daily volatility {profile.DailyVolatility:P2}, mean spread {profile.MeanSpreadBps:F1} bps{(profile.PassiveFills is { } pf ? $"; limit orders k {pf.FillDecayPerBps:F2}/bps, queue share {pf.QueueShare:F4}, adverse selection {pf.MarkoutBpsPerMarketOrder:F3} bps per market order" : "")}; profile written to {file.FullName}"));
            return 0;
        });
        return command;
    }
}
