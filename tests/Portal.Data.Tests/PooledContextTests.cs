using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Data.Tests;

/// <summary>The registered context factory hands out pooled contexts, each one as a new context would be.</summary>
public sealed class PooledContextTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_context_handed_out_again_carries_nothing_of_its_last_use(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production });
        builder.Configuration["Database:Provider"] = provider.ToString();
        builder.Configuration["Database:ConnectionString"] = store.ConnectionString;
        builder.AddPortalData();
        using var host = builder.Build();
        var factory = host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();

        PortalDbContext used;
        TimeSpan? timeout;
        await using (var db = await factory.CreateDbContextAsync())
        {
            used = db;
            timeout = db.Database.GetCommandTimeout() is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
            db.Teams.Add(new Team { Name = "Saved" });
            await db.SaveChangesAsync();
            db.Teams.Add(new Team { Name = "Never saved" });
            db.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking;
            db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        }

        await using (var db = await factory.CreateDbContextAsync())
        {
            Assert.Same(used, db);
            Assert.Empty(db.ChangeTracker.Entries());
            Assert.Equal(QueryTrackingBehavior.TrackAll, db.ChangeTracker.QueryTrackingBehavior);
            Assert.Equal(timeout, db.Database.GetCommandTimeout() is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
            Assert.Equal(["Saved"], await db.Teams.Select(t => t.Name).ToListAsync());
        }
    }
}
