using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Application.Teams;

/// <summary>
/// Finds a caller's team: a personal access token carries its own team; a signed-in user works in the team they last
/// chose (or their first). Membership is checked against the database on every resolution, so removing a member takes
/// effect at once.
/// </summary>
public sealed class TeamResolver(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <param name="userId">The signed-in user's id.</param>
    /// <param name="tokenTeamId">The team an access token is bound to; null for a signed-in browser.</param>
    /// <returns>Null when the user does not exist or is not a member of the team asked for (or, without a token, of any team).</returns>
    public async Task<TeamAccess?> ResolveAsync(string userId, Guid? tokenTeamId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == userId, ct);
        if (user is null)
        {
            return null;
        }
        var teamId = tokenTeamId ?? user.CurrentTeamId;
        var memberships = db.TeamMembers.AsNoTracking().Where(m => m.UserId == userId);
        var membership = teamId is { } id
            ? await memberships.Include(m => m.Team).SingleOrDefaultAsync(m => m.TeamId == id, ct)
            : null;
        if (membership is null && tokenTeamId is null)
        {
            membership = await memberships.Include(m => m.Team).OrderBy(m => m.JoinedUtc).FirstOrDefaultAsync(ct);
        }
        return membership is null
            ? null
            : new TeamAccess(membership.TeamId, membership.Team!.Name, membership.Role, userId, user.UserName ?? user.Email ?? userId);
    }
}
