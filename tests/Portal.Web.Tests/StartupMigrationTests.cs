using System.Net;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Data;
using Portal.Testing;

namespace Portal.Web.Tests;

/// <summary>
/// First boot of the production set-up: the web app, every worker and the <c>migrate</c> verb may start together on an
/// empty database. Migrations run under a PostgreSQL advisory lock, so each process waits its turn instead of crashing
/// on tables another one is creating.
/// </summary>
public sealed class StartupMigrationTests
{
    [Fact]
    public async Task Five_migrate_processes_started_at_once_on_a_missing_database_all_succeed_and_leave_one_schema()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        await DropAsync(database);
        var environment = Environment(database.ConnectionString);

        var processes = Enumerable.Range(0, 5).Select(_ => HostProcess.Start("Portal.Jobs", ["migrate"], environment)).ToList();
        try
        {
            var exitCodes = await Task.WhenAll(processes.Select(p => p.WaitForExitAsync(180)));

            for (var i = 0; i < processes.Count; i++)
            {
                Assert.True(exitCodes[i] == 0, $"migrate #{i} ended with {exitCodes[i]}:\n{processes[i].Output}");
                Assert.Contains("Database up to date (Postgres).", processes[i].Output, StringComparison.Ordinal);
            }
            await AssertSchemaCompleteAsync(database.ConnectionString);
        }
        finally
        {
            processes.ForEach(p => p.Dispose());
        }
    }

    [Fact]
    public async Task A_web_app_and_a_worker_started_at_once_on_an_empty_database_both_come_up()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var environment = Environment(database.ConnectionString);

        using var web = HostProcess.Start("Portal.Web", [], new Dictionary<string, string>(environment)
        {
            ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
            ["Jobs__RunServerInProcess"] = "false",
        });
        using var worker = HostProcess.Start("Portal.Jobs", ["worker"], new Dictionary<string, string>(environment) { ["Jobs__WorkerName"] = "first-boot" });

        var address = await web.WaitForListeningAsync(180);
        Assert.True(address is not null, "The web app ended during start-up:\n" + web.Output);
        using var client = new HttpClient { BaseAddress = address };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        await WaitForWorkerAsync(database.ConnectionString, worker);
        Assert.False(web.HasExited, web.Output);
        await AssertSchemaCompleteAsync(database.ConnectionString);

        // The worker container's health check: healthy for the worker that heart-beats, unhealthy for one that does not exist.
        using var healthy = HostProcess.Start("Portal.Jobs", ["health"], new Dictionary<string, string>(environment) { ["Jobs__WorkerName"] = "first-boot" });
        using var absent = HostProcess.Start("Portal.Jobs", ["health"], new Dictionary<string, string>(environment) { ["Jobs__WorkerName"] = "no-such-worker" });
        Assert.True(await healthy.WaitForExitAsync(120) == 0, healthy.Output);
        Assert.True(await absent.WaitForExitAsync(120) == 1, absent.Output);
        Assert.Contains("no-such-worker", absent.Output, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Environment(string connectionString) => new()
    {
        ["Database__Provider"] = "Postgres",
        ["Database__ConnectionString"] = connectionString,
        ["Logging__LogLevel__Default"] = "Information",
    };

    /// <summary>The worker is up once its Hangfire server announces itself in the shared storage.</summary>
    private static async Task WaitForWorkerAsync(string connectionString, HostProcess worker)
    {
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (true)
        {
            Assert.False(worker.HasExited, "The worker ended during start-up:\n" + worker.Output);
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                await using var cmd = new NpgsqlCommand(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'hangfire' AND table_name = 'server'", connection);
                if ((long)(await cmd.ExecuteScalarAsync())! == 1)
                {
                    await using var servers = new NpgsqlCommand("SELECT count(*) FROM hangfire.server WHERE id LIKE 'first-boot%'", connection);
                    if ((long)(await servers.ExecuteScalarAsync())! >= 1)
                    {
                        return;
                    }
                }
            }
            Assert.True(DateTime.UtcNow < deadline, "The worker never announced its job server:\n" + worker.Output);
            await Task.Delay(250);
        }
    }

    private static async Task AssertSchemaCompleteAsync(string connectionString)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DataServiceCollectionExtensions.Configure(options, DatabaseProvider.Postgres, connectionString);
        await using var db = new PortalDbContext(options.Options);
        var known = db.Database.GetMigrations().ToList();
        Assert.NotEmpty(known);
        Assert.Equal(known, await db.Database.GetAppliedMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges());
        Assert.Equal(0, await db.Runs.CountAsync());
        Assert.Equal(0, await db.Teams.CountAsync());
    }

    private static async Task DropAsync(PostgresTestDatabase database)
    {
        var server = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "postgres" }.ConnectionString;
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE \"{database.Name}\" WITH (FORCE)", connection);
        await cmd.ExecuteNonQueryAsync();
    }
}
