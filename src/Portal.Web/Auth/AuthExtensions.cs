using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Web.Auth;

public static class AuthExtensions
{
    private const string PolicyScheme = "CookieOrToken";

    public static void AddPortalAuth(this IServiceCollection services)
    {
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = PolicyScheme;
                o.DefaultChallengeScheme = PolicyScheme;
            })
            .AddPolicyScheme(PolicyScheme, "Cookie or personal access token", o =>
                o.ForwardDefaultSelector = ctx =>
                    ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                        ? ApiTokenAuthenticationHandler.SchemeName
                        : IdentityConstants.ApplicationScheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/login";
            o.AccessDeniedPath = "/login";
            o.Cookie.Name = "executionlab.auth";
            // Secure whenever the request is HTTPS, including HTTPS ended at a trusted proxy (X-Forwarded-Proto).
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.Cookie.HttpOnly = true;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromDays(7);
            // API callers get status codes, not redirects to the login page.
            o.Events.OnRedirectToLogin = ctx => Reply(ctx, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ctx => Reply(ctx, StatusCodes.Status403Forbidden);
        });
        services.AddIdentityCore<PortalUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        services.AddAuthorization();
        services.AddAntiforgery(o => o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        services.AddScoped<Portal.Application.Teams.TeamContext>();
        services.AddScoped<Portal.Application.Teams.TeamResolver>();
        services.AddScoped<TeamAccessResolver>();
    }

    private static Task Reply(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> ctx, int status)
    {
        if (ctx.Request.Path.StartsWithSegments("/api"))
        {
            ctx.Response.StatusCode = status;
        }
        else
        {
            ctx.Response.Redirect(ctx.RedirectUri);
        }
        return Task.CompletedTask;
    }
}

/// <summary>
/// The job dashboard lists every team's jobs and their failures, so it is for the operators named in configuration
/// (<see cref="PortalOptions.Operators"/>) only; no team role grants it and the demo login never gets it.
/// </summary>
public static class OperatorAccess
{
    /// <summary>True when the signed-in caller's stored e-mail address is an operator's.</summary>
    public static async Task<bool> IsOperatorAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.User.Identity?.IsAuthenticated != true)
        {
            return false;
        }
        var options = http.RequestServices.GetRequiredService<PortalOptions>();
        var userId = http.User.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null || options.Operators.Length == 0)
        {
            return false;
        }
        // The stored address, not a claim in an old cookie: changing an account's e-mail changes what it may see.
        var dbFactory = http.RequestServices.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync(http.RequestAborted);
        var email = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.Email).SingleOrDefaultAsync(http.RequestAborted);
        return options.IsOperator(email);
    }
}
