namespace Portal.Web.Features.Reports;

/// <summary>Registers the run report writers.</summary>
public static class ReportsServiceCollectionExtensions
{
    /// <summary>Adds <see cref="RunCsvReport"/> and <see cref="RunPdfReport"/> as singletons (both are stateless).</summary>
    public static IServiceCollection AddRunReports(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<RunCsvReport>();
        services.AddSingleton<RunPdfReport>();
        return services;
    }
}
