using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Portal.Application.Teams;
using Portal.Application.Tokens;

namespace Portal.Web.Auth;

/// <summary>Authenticates <c>Authorization: Bearer el_…</c> personal access tokens. Revoked tokens fail at once.</summary>
/// <remarks>The token, its user and the user's role in the token's team are read in one query
/// (<see cref="TokenAuthenticator"/>); the team access found is kept for this request only
/// (<see cref="ResolvedAccess"/>), so an API request resolves its team without asking the database again.</remarks>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenAuthenticator authenticator) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string TokenPrefix = TokenService.TokenPrefix;

    private static readonly object ItemKey = new();

    /// <summary>What this request's token resolved to.</summary>
    private sealed record Resolution(ClaimsIdentity Identity, TeamAccess? Access);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }
        var token = header["Bearer ".Length..].Trim();
        if (!token.StartsWith(TokenPrefix, StringComparison.Ordinal))
        {
            return AuthenticateResult.Fail("Not a personal access token.");
        }
        var caller = await authenticator.AuthenticateAsync(token, Context.RequestAborted);
        if (caller is null)
        {
            return AuthenticateResult.Fail("Unknown or revoked token.");
        }
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, caller.UserId),
                new Claim(TeamAccessResolver.TokenTeamClaim, caller.TeamId.ToString()),
            ],
            SchemeName);
        Context.Items[ItemKey] = new Resolution(identity, caller.Access);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>The team access that this request's token resolved to when it authenticated <paramref name="principal"/>
    /// (null access: the user is no longer a member of the token's team); false when the principal was not authenticated
    /// by a token in this request, and the caller must resolve the team itself.</summary>
    public static bool ResolvedAccess(HttpContext http, ClaimsPrincipal principal, out TeamAccess? access)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(principal);
        if (http.Items.TryGetValue(ItemKey, out var value) && value is Resolution r && principal.Identities.Any(i => ReferenceEquals(i, r.Identity)))
        {
            access = r.Access;
            return true;
        }
        access = null;
        return false;
    }
}
