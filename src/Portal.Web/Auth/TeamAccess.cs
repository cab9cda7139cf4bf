using System.Security.Claims;

namespace Portal.Web.Auth;

/// <summary>
/// The web adapter of <see cref="TeamResolver"/>: reads the user id and an access token's team from the principal,
/// resolves the caller's team and role, and sets the request's or circuit's <see cref="TeamContext"/>.
/// </summary>
public sealed class TeamAccessResolver(TeamResolver resolver, TeamContext context)
{
    public const string TokenTeamClaim = "portal:token-team";

    /// <summary>Sets the request's <see cref="TeamContext"/> to an access already resolved in this request (by the token
    /// handler, in the same query that authenticated the token).</summary>
    public TeamAccess? Use(TeamAccess? access)
    {
        context.Set(access);
        return access;
    }

    public async Task<TeamAccess?> ResolveAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var userId = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        TeamAccess? access = null;
        if (userId is not null)
        {
            var tokenTeam = principal.FindFirstValue(TokenTeamClaim);
            // A token whose team claim does not parse names no team the caller may use: it resolves to none.
            Guid? tokenTeamId = tokenTeam is null ? null : Guid.TryParse(tokenTeam, out var id) ? id : Guid.Empty;
            access = await resolver.ResolveAsync(userId, tokenTeamId, ct);
        }
        context.Set(access);
        return access;
    }
}
