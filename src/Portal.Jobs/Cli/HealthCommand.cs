using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data;
using Portal.Jobs.Hosting;

namespace Portal.Jobs.Cli;

/// <summary>
/// <c>health</c>: the worker container's health check. Healthy (exit 0) when the database answers and a job server of
/// this machine (<c>Jobs:WorkerName</c>, or the host name the worker names itself after) has sent a heartbeat within
/// <c>--max-age</c> seconds; unhealthy (exit 1) otherwise, saying why.
/// </summary>
public static class HealthCommand
{
    public static Command Create(CliHost cli)
    {
        var maxAge = new Option<int>("--max-age") { Description = "Seconds since the job server's last heartbeat.", DefaultValueFactory = _ => 60 };
        var command = new Command("health", "Exit 0 when the database answers and this machine's worker is heart-beating.") { maxAge };
        command.SetAction(async (parse, ct) =>
        {
            var builder = cli.CreateBuilder(parse);
            var database = builder.AddPortalData();
            var jobs = builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();
            using var host = builder.Build();
            await using (var db = await host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(ct))
            {
                if (!await db.Database.CanConnectAsync(ct))
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync("Unhealthy: the database does not answer.");
                    return 1;
                }
            }
            if (database.Provider != DatabaseProvider.Postgres)
            {
                parse.InvocationConfiguration.Output.WriteLine("Healthy: the database answers (embedded mode has no separate worker).");
                return 0;
            }
            var prefix = (jobs.WorkerName ?? Environment.MachineName + ":").ToLowerInvariant();
            var limit = DateTime.UtcNow.AddSeconds(-Math.Max(1, parse.GetValue(maxAge)));
            var servers = JobsHostingExtensions.CreatePostgresStorage(database, jobs, prepareSchema: false).GetMonitoringApi().Servers();
            var alive = servers.Where(s => s.Name.ToLowerInvariant().StartsWith(prefix, StringComparison.Ordinal) && s.Heartbeat >= limit).ToList();
            if (alive.Count == 0)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"Unhealthy: no job server named {prefix}… has sent a heartbeat since {limit:O}.");
                return 1;
            }
            parse.InvocationConfiguration.Output.WriteLine($"Healthy: {string.Join(", ", alive.Select(s => s.Name))}.");
            return 0;
        });
        return command;
    }
}
