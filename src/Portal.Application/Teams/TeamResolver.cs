using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Application.Teams;

/// <summary>The caller's team and role (null without one) and every team the user belongs to.</summary>
public sealed record TeamResolution(TeamAccess? Access, IReadOnlyList<TeamView> Teams);

/// <summary>
/// Finds a caller's team: a personal access token carries its own team; a signed-in user works in the team they last
/// chose (or their first). Membership is checked against the database on every resolution, so removing a member takes
/// effect at once.
/// </summary>
public sealed class TeamResolver(IDbContextFactory<PortalDbContext> dbFactory)
{
    private sealed record Member(string? UserName, string? Email, Guid? CurrentTeamId, Guid? TeamId, TeamRole? Role, string? TeamName, DateTime? JoinedUtc);

    /// <summary>The user and every team they belong to, in one query: a page's team and its team switcher's list.</summary>
    private static readonly CompiledQuery<Func<PortalDbContext, string, IAsyncEnumerable<Member>>> UserAndTeams = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db, string userId) =>
            from u in db.Users.AsNoTracking()
            where u.Id == userId
            from m in db.TeamMembers.Where(m => m.UserId == u.Id).DefaultIfEmpty()
            select new Member(u.UserName, u.Email, u.CurrentTeamId, m != null ? m.TeamId : null, m != null ? m.Role : null,
                m != null ? m.Team!.Name : null, m != null ? m.JoinedUtc : null)));

    /// <summary>
    /// The caller's team and role, chosen as <see cref="ResolveAsync"/> chooses them, and every team the user belongs to
    /// (ordered by name, the chosen one marked current), read in one query: a page resolves its team and lists the team
    /// switcher's teams on every request.
    /// </summary>
    /// <param name="userId">The signed-in user's id.</param>
    /// <param name="tokenTeamId">The team an access token is bound to; null for a signed-in browser.</param>
    /// <returns>Null when the user does not exist; an access of null when they are not a member of the team asked for
    /// (or, without a token, of any team).</returns>
    public async Task<TeamResolution?> ResolveWithTeamsAsync(string userId, Guid? tokenTeamId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = new List<Member>();
        await foreach (var row in UserAndTeams.For(db)(db, userId).WithCancellation(ct))
        {
            rows.Add(row);
        }
        if (rows.Count == 0)
        {
            return null;
        }
        var user = rows[0];
        var userName = user.UserName ?? user.Email ?? userId;
        var memberships = rows.Where(r => r.TeamId is not null).ToList();
        // A token's team; else the current team; else (none chosen, or no longer a member of it) the team joined first.
        var chosen = tokenTeamId is { } tokenTeam
            ? memberships.FirstOrDefault(m => m.TeamId == tokenTeam)
            : memberships.FirstOrDefault(m => m.TeamId == user.CurrentTeamId)
              ?? memberships.OrderBy(m => m.JoinedUtc).FirstOrDefault();
        var access = chosen is { TeamId: { } teamId, Role: { } role, TeamName: { } teamName }
            ? new TeamAccess(teamId, teamName, role, userId, userName)
            : null;
        return new TeamResolution(access, TeamView.List(memberships.Select(m => (m.TeamId!.Value, m.TeamName!, m.Role!.Value)), access?.TeamId));
    }

    /// <param name="userId">The signed-in user's id.</param>
    /// <param name="tokenTeamId">The team an access token is bound to; null for a signed-in browser.</param>
    /// <returns>Null when the user does not exist or is not a member of the team asked for (or, without a token, of any team).</returns>
    public async Task<TeamAccess?> ResolveAsync(string userId, Guid? tokenTeamId, CancellationToken ct = default)
        => (await ResolveWithTeamsAsync(userId, tokenTeamId, ct))?.Access;
}
