using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Web.Auth;

/// <summary>Who is asking, in which team, with which role. Every query of team data filters on <see cref="TeamId"/>.</summary>
public sealed record TeamAccess(Guid TeamId, string TeamName, TeamRole Role, string UserId, string UserName)
{
    public bool CanRun => Role >= TeamRole.Analyst;
    public bool IsAdmin => Role == TeamRole.Admin;
}

/// <summary>
/// Resolves a principal to its team: a personal access token carries its own team; a signed-in user works in the team
/// they last chose (or their first). Membership is checked against the database on every resolution, so removing a
/// member takes effect at once.
/// </summary>
public sealed class TeamAccessResolver(IDbContextFactory<PortalDbContext> dbFactory)
{
    public const string TokenTeamClaim = "portal:token-team";

    public async Task<TeamAccess?> ResolveAsync(ClaimsPrincipal principal, CancellationToken ct = default)
    {
        var userId = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null)
        {
            return null;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        Guid? teamId = Guid.TryParse(principal.FindFirstValue(TokenTeamClaim), out var tokenTeam) ? tokenTeam : null;
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return null;
        }
        teamId ??= user.CurrentTeamId;
        var memberships = db.TeamMembers.AsNoTracking().Where(m => m.UserId == userId);
        var membership = teamId is { } id
            ? await memberships.Include(m => m.Team).SingleOrDefaultAsync(m => m.TeamId == id, ct)
            : null;
        if (membership is null && principal.FindFirstValue(TokenTeamClaim) is null)
        {
            membership = await memberships.Include(m => m.Team).OrderBy(m => m.JoinedUtc).FirstOrDefaultAsync(ct);
        }
        return membership is null
            ? null
            : new TeamAccess(membership.TeamId, membership.Team!.Name, membership.Role, userId, user.UserName ?? user.Email ?? userId);
    }
}
