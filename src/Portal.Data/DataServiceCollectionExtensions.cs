using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Portal.Data;

public static class DataServiceCollectionExtensions
{
    public const string SqliteMigrationsAssembly = "Portal.Data.Sqlite";
    public const string PostgresMigrationsAssembly = "Portal.Data.Postgres";

    /// <summary>Registers <see cref="PortalDbContext"/> (and its factory) on the configured provider.</summary>
    public static DatabaseOptions AddPortalData(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = options.ResolveConnectionString(builder.Environment.ContentRootPath);
        options.ConnectionString = connectionString;
        builder.Services.AddSingleton(options);
        // The factory hands out pooled contexts: a context made anew builds its own internal service scope on first use,
        // which cost a page request about a tenth of the portal's processor time for its three or four contexts
        // (docs/performance.md, "Portal under load"). A pooled context is reset when disposed (change tracker, command
        // timeout, connection closed); PortalDbContext keeps no state of its own.
        builder.Services.AddSingleton<IDbContextFactory<PortalDbContext>>(sp =>
        {
            var o = new DbContextOptionsBuilder<PortalDbContext>().UseApplicationServiceProvider(sp);
            Configure(o, options.Provider, connectionString);
            return new PooledDbContextFactory<PortalDbContext>(o.Options);
        });
        builder.Services.AddDbContext<PortalDbContext>(o => Configure(o, options.Provider, connectionString), ServiceLifetime.Scoped, ServiceLifetime.Singleton);
        builder.Services.AddSingleton<Runs.RunResultStore>();
        builder.Services.AddSingleton<Runs.EpisodeStore>();
        builder.Services.AddSingleton<Runs.RunShardStore>();
        builder.Services.AddSingleton<QualityDiversity.MapElitesStore>();
        builder.Services.AddSingleton<Datasets.DatasetStore>();
        return options;
    }

    public static void Configure(DbContextOptionsBuilder o, DatabaseProvider provider, string connectionString)
    {
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                o.UseSqlite(connectionString, s => s.MigrationsAssembly(SqliteMigrationsAssembly));
                // Migrations that rebuild a SQLite table switch foreign keys off, which SQLite allows only outside a
                // transaction; EF Core does so on purpose and would warn about it on every new database.
                o.ConfigureWarnings(w => w.Ignore(RelationalEventId.NonTransactionalMigrationOperationWarning));
                break;
            case DatabaseProvider.Postgres:
                // 0A000 ("cached plan must not change result type"): a statement prepared before a migration changed the
                // type of a column it reads fails once on each connection; Npgsql then drops it, and the retry prepares it anew.
                o.UseNpgsql(PortalConnectionString(connectionString), s => s.MigrationsAssembly(PostgresMigrationsAssembly)
                    .EnableRetryOnFailure(3, TimeSpan.FromSeconds(30), [PostgresErrorCodes.FeatureNotSupported]));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "Database:Provider must be Sqlite or Postgres.");
        }
    }

    /// <summary>Statements each PostgreSQL connection of the portal's contexts keeps prepared (Npgsql's automatic
    /// preparation), unless the connection string sets <c>Max Auto Prepare</c> itself (0 turns it off).</summary>
    public const int AutoPreparedStatements = 64;

    /// <summary>
    /// The connection string with Npgsql's automatic preparation on: a statement the portal sends a second time on a
    /// connection is prepared there, so PostgreSQL parses and plans it once per connection instead of once per request
    /// (planning a statement on the runs table, which has many indexes, was a third of PostgreSQL's time per runs page).
    /// The portal's statements name their columns, and Npgsql drops a prepared statement that a schema change has made
    /// stale, so a migration applied while older processes run does not break them (<c>AutoPrepareTests</c>).
    /// </summary>
    public static string WithAutoPrepare(string connectionString)
    {
        if (Sets(connectionString, "MaxAutoPrepare"))
        {
            return connectionString;
        }
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.MaxAutoPrepare = AutoPreparedStatements;
        builder.AutoPrepareMinUsages = 2;
        return builder.ConnectionString;
    }

    /// <summary>
    /// The connection string with <c>No Reset On Close=true</c>, unless it sets <c>No Reset On Close</c> itself: a pooled
    /// connection is handed out again as it was returned, instead of first sending PostgreSQL a reset of seven statements
    /// (<c>RESET ALL; CLOSE ALL; UNLISTEN *; SELECT pg_advisory_unlock_all(); …</c>) on every open, i.e. two to four times
    /// per page. The portal's contexts keep no session state on a connection past its use: settings are not changed,
    /// there are no cursors, listeners or temporary tables, the quota locks are transaction-scoped, and the migration
    /// lock is released before the connection goes back (and the pool cleared if that fails, <see cref="MigratePortalAsync"/>).
    /// </summary>
    public static string WithoutResetOnClose(string connectionString)
    {
        if (Sets(connectionString, "NoResetOnClose"))
        {
            return connectionString;
        }
        return new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true }.ConnectionString;
    }

    /// <summary>The connection string of the portal's PostgreSQL contexts (<see cref="WithAutoPrepare"/>, <see cref="WithoutResetOnClose"/>).</summary>
    public static string PortalConnectionString(string connectionString) => WithoutResetOnClose(WithAutoPrepare(connectionString));

    /// <summary>Whether the connection string writes the key (spaces and case aside); Npgsql's own builder reports every
    /// keyword it knows as present, so the keys are read as written.</summary>
    private static bool Sets(string connectionString, string key)
    {
        var written = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        return written.Keys.Cast<string>().Any(k => k.Replace(" ", "", StringComparison.Ordinal).Equals(key, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Key of the PostgreSQL advisory lock that serialises migrations: the web app, every worker and the <c>migrate</c>
    /// verb may start together on an empty database, and only one of them at a time may migrate it.
    /// </summary>
    public const long MigrationLockKey = 0x45_4C_4D_49_47_52_41_54; // "ELMIGRAT"

    /// <summary>Creates the database if needed, applies every pending migration, and brings runs stored in an older
    /// scenario JSON version to the current one (<see cref="Runs.StoredRunUpgrade"/>), strategy summaries stored in
    /// columns into their JSON column (<see cref="Runs.StrategySummaryUpgrade"/>), and fills the runs list's columns of
    /// runs stored before them (<see cref="Runs.StoredRunUpgrade.BackfillTrackingAsync"/>), and stores the paired statistics
    /// leaderboards rank with for runs stored before them (<see cref="Runs.RunPairStatistics.BackfillAsync"/>), all under the
    /// migration lock.</summary>
    public static async Task MigratePortalDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        await db.MigratePortalAsync(ct, async token =>
        {
            await Runs.StoredRunUpgrade.UpgradeAsync(factory, token);
            await Runs.StrategySummaryUpgrade.UpgradeAsync(factory, token);
            await Runs.StoredRunUpgrade.BackfillTrackingAsync(factory, token);
            await Runs.RunPairStatistics.BackfillAsync(factory, ct: token);
        });
    }

    /// <summary>
    /// Applies every pending migration. On PostgreSQL the work runs under a session-level advisory lock
    /// (<c>pg_advisory_lock</c>): processes that start together wait for each other, and each later one finds nothing
    /// left to do, instead of racing to create the same tables (<c>relation … already exists</c>).
    /// </summary>
    /// <param name="thenAsync">More start-up work on the data that must also run once at a time (e.g. upgrading stored rows).</param>
    public static async Task MigratePortalAsync(this PortalDbContext db, CancellationToken ct = default, Func<CancellationToken, Task>? thenAsync = null)
    {
        if (!db.Database.IsNpgsql())
        {
            await db.Database.MigrateAsync(ct);
            if (thenAsync is not null)
            {
                await thenAsync(ct);
            }
            return;
        }

        await CreatePostgresDatabaseAsync(db, ct);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            // Waiting for another process's migration may take longer than one command is normally allowed.
            var timeout = db.Database.GetCommandTimeout();
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({MigrationLockKey})", ct);
            db.Database.SetCommandTimeout(timeout);
            try
            {
                await db.Database.MigrateAsync(ct);
                if (thenAsync is not null)
                {
                    await thenAsync(ct);
                }
            }
            finally
            {
                try
                {
                    await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
                }
                catch
                {
                    // Pooled connections are not reset when they are returned (WithoutResetOnClose): one still holding the
                    // lock must not be handed out again, or every later migration would wait for it.
                    NpgsqlConnection.ClearPool((NpgsqlConnection)db.Database.GetDbConnection());
                    throw;
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The advisory lock lives inside the database, so the database itself must exist first; two creators may race.</summary>
    private static async Task CreatePostgresDatabaseAsync(PortalDbContext db, CancellationToken ct)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (await creator.ExistsAsync(ct))
        {
            return;
        }
        try
        {
            await creator.CreateAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another process created it a moment ago.
        }
    }
}
