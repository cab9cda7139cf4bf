using Microsoft.AspNetCore.Identity;
using MudBlazor.Services;
using Portal.Application.Leaderboards;
using Portal.Application.Reports;
using Portal.Application.Teams;
using Portal.Application.Tokens;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Api;
using Portal.Web.Auth;
using Portal.Web.Components;
using Portal.Web.Features.Account;
using Portal.Web.Features.Datasets;
using Portal.Web.Features.Reports;

namespace Portal.Web;

public static class PortalWebExtensions
{
    public static void AddPortalWeb(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(PortalOptions.Section).Get<PortalOptions>() ?? new PortalOptions();
        builder.Services.AddSingleton(options);
        builder.AddPortalProduction();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        // Bottom-left: a confirmation such as "Scenario saved" must not cover the action buttons at the top and right of the page it lands on.
        builder.Services.AddMudServices(c => c.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomLeft);
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddPortalAuth();
        builder.AddPortalFrontDoor();
        builder.AddPortalLimits();
        builder.Services.AddOpenApi();
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(sp =>
        {
            var limits = sp.GetRequiredService<LimitsOptions>();
            return new Portal.Application.Runs.RunLimits(limits.MaxRunStrategySteps, limits.MaxActiveRunsPerTeam);
        });
        builder.Services.AddScoped<Portal.Application.Runs.RunService>();
        builder.Services.AddScoped<Portal.Application.Scenarios.ScenarioStore>();
        builder.Services.AddSingleton(sp =>
        {
            var limits = sp.GetRequiredService<LimitsOptions>();
            return new Portal.Application.Studies.StudyLimits(limits.MaxActiveStudiesPerTeam, limits.MaxRunStrategySteps).Checked();
        });
        builder.Services.AddScoped<Portal.Application.Studies.StudyRequests>();
        builder.Services.AddScoped<Portal.Application.Studies.StudyService>();
        builder.Services.AddScoped<Portal.Application.QualityDiversity.MapElitesService>();
        builder.Services.AddSingleton<Portal.Application.Runs.RunListQuery>();
        builder.Services.AddSingleton<Portal.Application.Runs.RunTracking>();
        builder.Services.AddRunReports();
        builder.Services.AddRunReportModel();
        builder.Services.AddSingleton(builder.Configuration.GetSection(DatasetOptions.Section).Get<DatasetOptions>() ?? new DatasetOptions());
        builder.Services.AddScoped<DatasetImportService>();
        builder.Services.AddScoped<Portal.Application.Datasets.DatasetService>();
        builder.Services.AddScoped<Portal.Application.Agents.AgentService>();
        builder.Services.AddScoped<Portal.Application.Agents.OfflineDatasetService>();
        builder.Services.AddTransient<DemoSeeder>();
        builder.Services.AddScoped<TeamService>();
        builder.Services.AddScoped<TokenService>();
        builder.Services.AddSingleton<TokenAuthenticator>();
        builder.Services.AddScoped<LeaderboardService>();
        builder.Services.AddSingleton<LeaderboardCache>();
    }

    /// <summary>Migrates the database and seeds the demo before the app starts serving.</summary>
    public static async Task PreparePortalAsync(this WebApplication app)
    {
        var database = app.Services.GetRequiredService<DatabaseOptions>();
        if (database.MigrateOnStartup)
        {
            await app.Services.MigratePortalDatabaseAsync();
        }
        var options = app.Services.GetRequiredService<PortalOptions>();
        if (options.SeedDemo ?? database.Provider == DatabaseProvider.Sqlite)
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync();
        }
    }

    public static void UsePortalWeb(this WebApplication app)
    {
        app.UsePortalFrontDoor();
        app.UsePortalInputRules();
        app.UsePortalErrorHandling();
        app.UsePortalStatusPages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UsePortalRateLimits();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapPortalHealth();
        app.MapOpenApi("/api/openapi/{documentName}.json");
        // The interactive API page: Swagger UI's files come from the package, so the page works without internet access.
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "api/docs";
            o.SwaggerEndpoint("/api/openapi/v1.json", "Execution Lab API v1");
            o.DocumentTitle = "API · Execution Lab";
        });
        app.MapPortalApi();
        app.MapRunListApi();
        app.MapScenarioApi();
        app.MapReportApi();
        app.MapCompareApi();
        app.MapDatasetApi();
        app.MapAgentApi();
        app.MapOfflineDatasetApi();
        app.MapAccountEndpoints();
        app.MapTeamApi();
        app.MapTokenApi();
        app.MapLeaderboardApi();
        app.MapStrategyApi();
        app.MapStudyApi();
        app.MapStressApi();
        app.MapMapElitesApi();
        // Nobody frames the portal (clickjacking): Blazor would otherwise send frame-ancestors 'self'.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = "'none'");
    }
}
