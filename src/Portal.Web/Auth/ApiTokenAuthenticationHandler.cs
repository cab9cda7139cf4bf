using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Application.Tokens;
using Portal.Data;

namespace Portal.Web.Auth;

/// <summary>Authenticates <c>Authorization: Bearer el_…</c> personal access tokens. Revoked tokens fail at once.</summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IDbContextFactory<PortalDbContext> dbFactory) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string TokenPrefix = TokenService.TokenPrefix;

    /// <summary>A token's last-used time is written at most once per this interval.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

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
        var hash = Hash(token);
        await using var db = await dbFactory.CreateDbContextAsync(Context.RequestAborted);
        var stored = await db.ApiTokens.AsNoTracking().SingleOrDefaultAsync(t => t.Hash == hash, Context.RequestAborted);
        if (stored is null || stored.RevokedUtc is not null)
        {
            return AuthenticateResult.Fail("Unknown or revoked token.");
        }
        // "Last used" is for people; writing it on every request would turn each API read into a database write.
        var now = DateTime.UtcNow;
        var stale = now - LastUsedResolution;
        if (stored.LastUsedUtc is not { } last || last < stale)
        {
            await db.ApiTokens.Where(t => t.Id == stored.Id && (t.LastUsedUtc == null || t.LastUsedUtc < stale))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedUtc, now), Context.RequestAborted);
        }
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, stored.UserId),
                new Claim(TeamAccessResolver.TokenTeamClaim, stored.TeamId.ToString()),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    public static string NewToken() => TokenService.NewToken();

    public static string Hash(string token) => TokenService.Hash(token);
}
