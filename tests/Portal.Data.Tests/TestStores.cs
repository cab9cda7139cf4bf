using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Testing;

namespace Portal.Data.Tests;

/// <summary>A migrated database on one provider, with a context factory over it.</summary>
public sealed class TestStore : IAsyncDisposable
{
    private readonly PostgresTestDatabase? _postgres;
    private readonly string? _sqliteFile;

    private TestStore(DatabaseProvider provider, string connectionString, PostgresTestDatabase? postgres, string? sqliteFile)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _postgres = postgres;
        _sqliteFile = sqliteFile;
        Factory = new ContextFactory(provider, connectionString);
    }

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }
    public IDbContextFactory<PortalDbContext> Factory { get; }


    /// <summary>A new database on the provider, with every migration applied unless <paramref name="migrate"/> is false.</summary>
    public static async Task<TestStore> CreateAsync(DatabaseProvider provider, bool migrate = true)
    {
        TestStore store;
        if (provider == DatabaseProvider.Postgres)
        {
            var db = await PostgresTestDatabase.CreateAsync();
            store = new TestStore(provider, db.ConnectionString, db, null);
        }
        else
        {
            var file = Path.Combine(Path.GetTempPath(), $"el-test-{Guid.NewGuid():N}.db");
            store = new TestStore(provider, $"Data Source={file}", null, file);
        }
        if (migrate)
        {
            await using var context = await store.Factory.CreateDbContextAsync();
            await context.Database.MigrateAsync();
        }
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
        if (_sqliteFile is not null)
        {
            SqliteConnection.ClearAllPools();
            File.Delete(_sqliteFile);
        }
    }

    private sealed class ContextFactory(DatabaseProvider provider, string connectionString) : IDbContextFactory<PortalDbContext>
    {
        public PortalDbContext CreateDbContext()
        {
            var options = new DbContextOptionsBuilder<PortalDbContext>();
            DataServiceCollectionExtensions.Configure(options, provider, connectionString);
            return new PortalDbContext(options.Options);
        }
    }
}
