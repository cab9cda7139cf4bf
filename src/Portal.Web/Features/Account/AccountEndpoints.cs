using Microsoft.AspNetCore.Identity;
using SignInResult = Microsoft.AspNetCore.Identity.SignInResult;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Features.Teams;

namespace Portal.Web.Features.Account;

/// <summary>Form posts for signing in and out and switching the current team (the pages are statically rendered forms).</summary>
public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").ExcludeFromDescription();

        account.MapPost("/login", async (
            [FromForm] string email, [FromForm] string password, [FromForm] string? returnUrl,
            SignInManager<PortalUser> signIn, UserManager<PortalUser> users) =>
        {
            var user = await users.FindByEmailAsync(email.Trim());
            var result = user is null
                ? SignInResult.Failed
                : await signIn.PasswordSignInAsync(user, password, isPersistent: true, lockoutOnFailure: true);
            if (!result.Succeeded)
            {
                var reason = result.IsLockedOut ? "locked" : "invalid";
                return Results.Redirect($"/login?error={reason}&returnUrl={Uri.EscapeDataString(LocalOrHome(returnUrl))}");
            }
            return Results.LocalRedirect(LocalOrHome(returnUrl));
        });

        account.MapPost("/register", async (
            [FromForm] string email, [FromForm] string displayName, [FromForm] string password,
            SignInManager<PortalUser> signIn, UserManager<PortalUser> users, TeamService teams) =>
        {
            email = email.Trim();
            displayName = displayName.Trim();
            string Back(string error) =>
                $"/register?error={Uri.EscapeDataString(error)}&email={Uri.EscapeDataString(email)}&displayName={Uri.EscapeDataString(displayName)}";
            if (displayName.Length is 0 or > 100)
            {
                return Results.Redirect(Back("The display name must have 1 to 100 characters."));
            }
            var user = new PortalUser { UserName = email, Email = email, DisplayName = displayName };
            var created = await users.CreateAsync(user, password);
            if (!created.Succeeded)
            {
                return Results.Redirect(Back(string.Join(" ", created.Errors.Select(e => e.Description))));
            }
            const string suffix = "'s team";
            await teams.CreateAsync(user.Id, displayName[..Math.Min(displayName.Length, TeamService.MaxNameLength - suffix.Length)] + suffix);
            await signIn.SignInAsync(user, isPersistent: true);
            return Results.LocalRedirect("/");
        });

        account.MapPost("/logout", async (SignInManager<PortalUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/login");
        }).RequireAuthorization();

        account.MapPost("/team", async (
            [FromForm] Guid teamId, [FromForm] string? returnUrl, HttpContext http,
            IDbContextFactory<PortalDbContext> dbFactory, UserManager<PortalUser> users) =>
        {
            var userId = users.GetUserId(http.User);
            await using var db = await dbFactory.CreateDbContextAsync(http.RequestAborted);
            if (userId is null || !await db.TeamMembers.AnyAsync(m => m.UserId == userId && m.TeamId == teamId, http.RequestAborted))
            {
                return Results.NotFound();
            }
            await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.CurrentTeamId, teamId), http.RequestAborted);
            return Results.LocalRedirect(LocalOrHome(returnUrl));
        }).RequireAuthorization();
    }

    private static string LocalOrHome(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";
}
