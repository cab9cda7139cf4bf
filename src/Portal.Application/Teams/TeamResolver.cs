using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Application.Teams;

/// <summary>
/// Finds a caller's team: a personal access token carries its own team; a signed-in user works in the team they last
/// chose (or their first). Membership is checked against the database on every resolution, so removing a member takes
/// effect at once.
/// </summary>
public sealed class TeamResolver(IDbContextFactory<PortalDbContext> dbFactory)
{
    private sealed record Chosen(string? UserName, string? Email, Guid? TeamId, TeamRole? Role, string? TeamName);

    /// <summary>The user and their membership of their current team, in one query.</summary>
    private static readonly CompiledQuery<Func<PortalDbContext, string, CancellationToken, Task<Chosen?>>> UserAndCurrentTeam = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db, string userId, CancellationToken ct) =>
            (from u in db.Users.AsNoTracking()
             where u.Id == userId
             from m in db.TeamMembers.Where(m => m.UserId == u.Id && m.TeamId == u.CurrentTeamId).DefaultIfEmpty()
             select new Chosen(u.UserName, u.Email, m != null ? m.TeamId : null, m != null ? m.Role : null, m != null ? m.Team!.Name : null))
            .SingleOrDefault()));

    /// <summary>The user and their membership of the team an access token is bound to, in one query.</summary>
    private static readonly CompiledQuery<Func<PortalDbContext, string, Guid, CancellationToken, Task<Chosen?>>> UserAndTokenTeam = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db, string userId, Guid teamId, CancellationToken ct) =>
            (from u in db.Users.AsNoTracking()
             where u.Id == userId
             from m in db.TeamMembers.Where(m => m.UserId == u.Id && m.TeamId == teamId).DefaultIfEmpty()
             select new Chosen(u.UserName, u.Email, m != null ? m.TeamId : null, m != null ? m.Role : null, m != null ? m.Team!.Name : null))
            .SingleOrDefault()));

    /// <param name="userId">The signed-in user's id.</param>
    /// <param name="tokenTeamId">The team an access token is bound to; null for a signed-in browser.</param>
    /// <returns>Null when the user does not exist or is not a member of the team asked for (or, without a token, of any team).</returns>
    public async Task<TeamAccess?> ResolveAsync(string userId, Guid? tokenTeamId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(userId);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var chosen = tokenTeamId is { } tokenTeam
            ? await UserAndTokenTeam.For(db)(db, userId, tokenTeam, ct)
            : await UserAndCurrentTeam.For(db)(db, userId, ct);
        if (chosen is null)
        {
            return null;
        }
        var userName = chosen.UserName ?? chosen.Email ?? userId;
        if (chosen is { TeamId: { } teamId, Role: { } role, TeamName: { } teamName })
        {
            return new TeamAccess(teamId, teamName, role, userId, userName);
        }
        if (tokenTeamId is not null)
        {
            return null;
        }
        // No current team, or no longer a member of it: the team the user joined first.
        var first = await db.TeamMembers.AsNoTracking().Where(m => m.UserId == userId).OrderBy(m => m.JoinedUtc)
            .Select(m => new { m.TeamId, m.Role, m.Team!.Name }).FirstOrDefaultAsync(ct);
        return first is null ? null : new TeamAccess(first.TeamId, first.Name, first.Role, userId, userName);
    }
}
