using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
        builder.Services.AddDbContextFactory<PortalDbContext>(o => Configure(o, options.Provider, connectionString), ServiceLifetime.Singleton);
        builder.Services.AddDbContext<PortalDbContext>(o => Configure(o, options.Provider, connectionString), ServiceLifetime.Scoped, ServiceLifetime.Singleton);
        builder.Services.AddSingleton<Runs.RunResultStore>();
        builder.Services.AddSingleton<Datasets.DatasetStore>();
        return options;
    }

    public static void Configure(DbContextOptionsBuilder o, DatabaseProvider provider, string connectionString)
    {
        switch (provider)
        {
            case DatabaseProvider.Sqlite:
                o.UseSqlite(connectionString, s => s.MigrationsAssembly(SqliteMigrationsAssembly));
                break;
            case DatabaseProvider.Postgres:
                o.UseNpgsql(connectionString, s => s.MigrationsAssembly(PostgresMigrationsAssembly).EnableRetryOnFailure(3));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(provider), provider, "Database:Provider must be Sqlite or Postgres.");
        }
    }

    /// <summary>Creates the database if needed, applies every pending migration, and brings runs stored in an older
    /// scenario JSON version to the current one (<see cref="Runs.StoredRunUpgrade"/>).</summary>
    public static async Task MigratePortalDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using (var db = await factory.CreateDbContextAsync(ct))
        {
            await db.Database.MigrateAsync(ct);
        }
        await Runs.StoredRunUpgrade.UpgradeAsync(factory, ct);
    }
}
