using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Portal.Application.Reports;

/// <summary>Registers the run report use cases.</summary>
public static class ReportsServiceCollectionExtensions
{
    /// <summary>Adds <see cref="RunReportBuilder"/> and <see cref="RunReports"/> and <see cref="EpisodeExplorer"/> as singletons (they open a context per call).</summary>
    public static IServiceCollection AddRunReportModel(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<RunReportBuilder>();
        services.TryAddSingleton<RunReports>();
        services.TryAddSingleton(sp => new EpisodeExplorer(
            sp.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Data.PortalDbContext>>(),
            sp.GetService<Agents.IAgentStrategyLoader>()));
        return services;
    }
}
