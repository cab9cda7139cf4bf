using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Portal.Application.Teams;
using Portal.Data.Entities;
using Portal.Web.Auth;

namespace Portal.Web.Features.Account;

/// <summary>Form posts for signing in and out and switching the current team (the pages are statically rendered forms).</summary>
public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").ExcludeFromDescription();

        account.MapPost("/login", async (
            [FromForm] string email, [FromForm] string password, [FromForm] string? returnUrl,
            SignInManager<PortalUser> signIn, UserManager<PortalUser> users, IPasswordHasher<PortalUser> hasher) =>
        {
            // One answer and one amount of work for every failure: an unknown e-mail still pays for a password hash
            // check, and a locked or disabled account checks the password before saying no, so neither the message
            // nor the time tells whether an account exists. Repeated guessing is throttled per address and per e-mail
            // (FrontDoor rate limits) for existing and unknown accounts alike, instead of locking the real user out.
            var user = email.Length <= 256 ? await users.FindByEmailAsync(email.Trim()) : null;
            bool passwordOk;
            if (user is null)
            {
                hasher.VerifyHashedPassword(UnknownUser, UnknownUserHash.Value, password);
                passwordOk = false;
            }
            else
            {
                passwordOk = await users.CheckPasswordAsync(user, password);
            }
            if (!passwordOk || user is null || await users.IsLockedOutAsync(user) || !await signIn.CanSignInAsync(user))
            {
                return Results.Redirect($"/login?error=invalid&returnUrl={Uri.EscapeDataString(LocalOrHome(returnUrl))}");
            }
            await signIn.SignInAsync(user, isPersistent: true);
            return Results.LocalRedirect(LocalOrHome(returnUrl));
        }).WithMetadata(new GuardedEndpoint("login"));

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
                // Without e-mail confirmation a registration that signs in at once cannot hide that an address is
                // taken; the answer stays neutral (it neither echoes nor confirms the address) and the register rate
                // limits bound how fast anyone can probe. Password and e-mail format problems are told as they are.
                var taken = created.Errors.Any(e => e.Code is "DuplicateEmail" or "DuplicateUserName");
                var errors = created.Errors.Where(e => e.Code is not ("DuplicateEmail" or "DuplicateUserName")).Select(e => e.Description).ToList();
                if (taken)
                {
                    errors.Add("This account cannot be created. If you registered before, sign in instead.");
                }
                return Results.Redirect(Back(string.Join(" ", errors)));
            }
            const string suffix = "'s team";
            await teams.CreateAsync(user.Id, displayName[..Math.Min(displayName.Length, TeamService.MaxNameLength - suffix.Length)] + suffix);
            await signIn.SignInAsync(user, isPersistent: true);
            return Results.LocalRedirect("/");
        }).WithMetadata(new GuardedEndpoint("register"));

        // No form fields are bound, so the framework does not check the antiforgery token by itself: a cross-site
        // form must not be able to sign the user out.
        account.MapPost("/logout", async (HttpContext http, IAntiforgery antiforgery, SignInManager<PortalUser> signIn) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.Problem("The sign-out form is missing its antiforgery token.", statusCode: StatusCodes.Status400BadRequest);
            }
            await signIn.SignOutAsync();
            return Results.LocalRedirect("/login");
        }).RequireAuthorization();

        account.MapPost("/team", async (
            [FromForm] Guid teamId, [FromForm] string? returnUrl, HttpContext http,
            TeamService teams, UserManager<PortalUser> users) =>
        {
            var userId = users.GetUserId(http.User);
            if (userId is null || !await teams.SwitchAsync(userId, teamId, http.RequestAborted))
            {
                return Results.NotFound();
            }
            return Results.LocalRedirect(LocalOrHome(returnUrl));
        }).RequireAuthorization();
    }

    private static readonly PortalUser UnknownUser = new() { UserName = "unknown", Email = "unknown", DisplayName = "unknown" };

    /// <summary>A hash of a random password, checked for unknown e-mails so that they cost what a real check costs.</summary>
    private static readonly Lazy<string> UnknownUserHash = new(() =>
        new PasswordHasher<PortalUser>().HashPassword(UnknownUser, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24))));

    private static string LocalOrHome(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";
}
