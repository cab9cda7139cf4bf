using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Portal.Data.Postgres;

/// <summary>Lets <c>dotnet ef migrations add X --project src/Portal.Data.Postgres</c> build the model for PostgreSQL.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DataServiceCollectionExtensions.Configure(options, DatabaseProvider.Postgres, "Host=localhost;Database=design");
        return new PortalDbContext(options.Options);
    }
}
