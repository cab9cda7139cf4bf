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

    private ClaimsPrincipal? _resolving;
    private Task<TeamResolution?>? _resolution;

    /// <summary>Resolves the caller's team and role now and sets the <see cref="TeamContext"/>. Components that initialise
    /// together (a page and the layout's team switcher) share one resolution while it is under way; any later call reads
    /// the database again, so a membership change takes effect at the next page.</summary>
    public async Task<TeamAccess?> ResolveAsync(ClaimsPrincipal principal, CancellationToken ct = default)
        => (await ResolveWithTeamsAsync(principal, ct)).Access;

    /// <summary>As <see cref="ResolveAsync"/>, with every team the user belongs to, read in the same query (the team
    /// switcher's list).</summary>
    public async Task<TeamResolution> ResolveWithTeamsAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(principal);
        Task<TeamResolution?> resolution;
        if (_resolution is { IsCompleted: false } running && ReferenceEquals(_resolving, principal))
        {
            resolution = running;
        }
        else
        {
            resolution = _resolution = ReadAsync(principal, ct);
            _resolving = principal;
        }
        var resolved = await resolution ?? NoTeams;
        context.Set(resolved.Access);
        return resolved;
    }

    private static readonly TeamResolution NoTeams = new(null, []);

    private async Task<TeamResolution?> ReadAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        var userId = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null)
        {
            return null;
        }
        var tokenTeam = principal.FindFirstValue(TokenTeamClaim);
        // A token whose team claim does not parse names no team the caller may use: it resolves to none.
        Guid? tokenTeamId = tokenTeam is null ? null : Guid.TryParse(tokenTeam, out var id) ? id : Guid.Empty;
        return await resolver.ResolveWithTeamsAsync(userId, tokenTeamId, ct);
    }
}
