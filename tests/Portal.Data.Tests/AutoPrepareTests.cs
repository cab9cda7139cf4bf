using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Data.Tests;

/// <summary>
/// The portal's PostgreSQL contexts prepare the statements they send again (Npgsql's automatic preparation), and a
/// migration applied while a process holds prepared statements (a column added, a selected column's type changed, an
/// index added) leaves its next queries answering as before.
/// </summary>
public sealed class AutoPrepareTests
{
    [Theory]
    [InlineData("Host=db;Database=el", 64)]
    [InlineData("Host=db;Database=el;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;Database=el;MaxAutoPrepare=8", 8)]
    [InlineData("Host=db;Database=el;max auto prepare=16", 16)]
    public void Automatic_preparation_is_on_unless_the_connection_string_sets_it(string connectionString, int expected)
    {
        var built = new NpgsqlConnectionStringBuilder(DataServiceCollectionExtensions.WithAutoPrepare(connectionString));
        Assert.Equal(expected, built.MaxAutoPrepare);
        Assert.Equal("db", built.Host);
        Assert.Equal("el", built.Database);
    }

    [Theory]
    [InlineData("Host=db;Database=el", true)]
    [InlineData("Host=db;Database=el;No Reset On Close=false", false)]
    [InlineData("Host=db;Database=el;noresetonclose=False", false)]
    public void Pooled_connections_are_not_reset_unless_the_connection_string_says_so(string connectionString, bool expected)
    {
        var built = new NpgsqlConnectionStringBuilder(DataServiceCollectionExtensions.PortalConnectionString(connectionString));
        Assert.Equal(expected, built.NoResetOnClose);
        Assert.Equal(64, built.MaxAutoPrepare);
        Assert.Equal("el", built.Database);
    }

    /// <summary>Pooled connections go back without a reset, so the migration lock (session-scoped) must be released
    /// before: a connection handed out again still holding it would make every later migration wait forever.</summary>
    [Fact]
    public async Task A_connection_used_for_a_migration_goes_back_to_the_pool_without_the_migration_lock()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Postgres, migrate: false);
        using var host = OneConnectionHost(store);
        var factory = host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            Assert.True(new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()).NoResetOnClose);
            await db.MigratePortalAsync();
        }

        // The pool's one connection, as the migration left it: no advisory lock held by it or any other.
        await using (var db = await factory.CreateDbContextAsync())
        {
            var held = await db.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM pg_locks WHERE locktype = 'advisory'").SingleAsync();
            Assert.Equal(0, held);
        }

        // Another process's migration (a connection of its own) takes the lock at once and finds nothing to do.
        await using var other = new PortalDbContext(new DbContextOptionsBuilder<PortalDbContext>()
            .UseNpgsql(new NpgsqlConnectionStringBuilder(store.ConnectionString) { Pooling = false, CommandTimeout = 10 }.ConnectionString,
                s => s.MigrationsAssembly(DataServiceCollectionExtensions.PostgresMigrationsAssembly)).Options);
        await other.Database.OpenConnectionAsync();
        var locked = await other.Database.SqlQueryRaw<bool>(
            $"SELECT pg_try_advisory_lock({DataServiceCollectionExtensions.MigrationLockKey}) AS \"Value\"").SingleAsync();
        Assert.True(locked, "The migration lock is still held by a pooled connection.");
        Assert.Empty(await other.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task Statements_prepared_before_a_migration_answer_as_before_after_it()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Postgres);
        // One physical connection, so that every query below runs where the earlier ones were prepared.
        using var host = OneConnectionHost(store);
        var factory = host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            db.Teams.AddRange(new Team { Name = "Rates desk" }, new Team { Name = "Equities desk" });
            await db.SaveChangesAsync();
        }

        async Task<(List<string> Names, long Prepared)> QueryAsync(string name)
        {
            await using var db = await factory.CreateDbContextAsync();
            var names = await db.Teams.Where(t => t.Name != name).OrderBy(t => t.Name).Select(t => t.Name).ToListAsync();
            var prepared = await db.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM pg_prepared_statements").SingleAsync();
            return (names, prepared);
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(["Equities desk", "Rates desk"], (await QueryAsync("Nobody")).Names);
        }
        Assert.True((await QueryAsync("Nobody")).Prepared >= 1, "The repeated query was not prepared.");

        // Another process migrates: a column added, the selected column's type changed, an index added.
        await using (var other = new NpgsqlConnection(store.ConnectionString))
        {
            await other.OpenAsync();
            await using var ddl = new NpgsqlCommand(
                "ALTER TABLE \"Teams\" ADD COLUMN \"Region\" text NULL; ALTER TABLE \"Teams\" ALTER COLUMN \"Name\" TYPE varchar(300); CREATE INDEX \"IX_Teams_Region\" ON \"Teams\" (\"Region\");",
                other);
            await ddl.ExecuteNonQueryAsync();
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(["Equities desk", "Rates desk"], (await QueryAsync("Nobody")).Names);
        }
        Assert.Equal(["Rates desk"], (await QueryAsync("Equities desk")).Names);
    }

    /// <summary>The portal's data services as production configures them, over a pool of one connection to the store.</summary>
    private static IHost OneConnectionHost(TestStore store)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.Configuration["Database:Provider"] = nameof(DatabaseProvider.Postgres);
        builder.Configuration["Database:ConnectionString"] = new NpgsqlConnectionStringBuilder(store.ConnectionString) { MaxPoolSize = 1 }.ConnectionString;
        builder.AddPortalData();
        return builder.Build();
    }
}
