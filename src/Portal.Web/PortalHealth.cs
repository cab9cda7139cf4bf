using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Portal.Data;

namespace Portal.Web;

/// <summary>What production needs beyond the pages: Data Protection keys in the database and a health endpoint.</summary>
public static class PortalHealth
{
    public const string Path = "/health";

    /// <summary>
    /// Login cookies and antiforgery tokens are signed with Data Protection keys. Kept in the database (not on one
    /// container's disk), every web process and every restart accept the cookies issued before.
    /// </summary>
    public static void AddPortalProduction(this IHostApplicationBuilder builder)
    {
        builder.Services.AddDataProtection()
            .SetApplicationName("Execution Lab")
            .PersistKeysToDbContext<PortalDbContext>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
    }

    /// <summary><c>GET /health</c>: 200 "Healthy" when the database answers, 503 otherwise. Anonymous, holds no data.</summary>
    public static void MapPortalHealth(this IEndpointRouteBuilder app) => app.MapHealthChecks(Path).AllowAnonymous();

    private sealed class DatabaseHealthCheck(IDbContextFactory<PortalDbContext> dbFactory) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The database does not answer.");
        }
    }
}
