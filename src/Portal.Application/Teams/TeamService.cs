using Microsoft.EntityFrameworkCore;
using Portal.Application.Common;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Application.Teams;

/// <summary>A member of the caller's team as the team page and the API show it.</summary>
public sealed record MemberView(string UserId, string Email, string DisplayName, TeamRole Role, DateTime JoinedUtc);

/// <summary>A team the caller belongs to.</summary>
public sealed record TeamView(Guid Id, string Name, TeamRole Role, bool IsCurrent)
{
    /// <summary>A user's teams as every list shows them: ordered by name, <paramref name="currentTeamId"/> marked current.</summary>
    internal static IReadOnlyList<TeamView> List(IEnumerable<(Guid Id, string Name, TeamRole Role)> memberships, Guid? currentTeamId) =>
        [.. memberships.OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).Select(t => new TeamView(t.Id, t.Name, t.Role, t.Id == currentTeamId))];
}

/// <summary>A change to a team's members that the team's rules forbid (e.g. leaving it with no admin).</summary>
public sealed class TeamRuleException(string message) : InvalidOperationException(message);

/// <summary>
/// Teams and their members. Only admins change members; every change keeps at least one admin in the team. Pages and the
/// HTTP API both go through here, so the rules hold whichever way a change arrives.
/// </summary>
public sealed class TeamService(IDbContextFactory<PortalDbContext> dbFactory)
{
    public const int MaxNameLength = 100;

    /// <summary>Creates a team whose creator is its admin, and makes it the creator's current team.</summary>
    /// <exception cref="ArgumentException">The name is empty or longer than <see cref="MaxNameLength"/>.</exception>
    public async Task<Team> CreateAsync(string userId, string name, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        name = (name ?? "").Trim();
        if (name.Length is 0 or > MaxNameLength)
        {
            throw new ArgumentException($"The team name must have 1 to {MaxNameLength} characters; it has {name.Length}.", nameof(name));
        }
        if (TextRules.HasControlCharacter(name))
        {
            throw new ArgumentException("The team name must not contain control characters.", nameof(name));
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var team = new Team { Name = name };
        db.Teams.Add(team);
        db.TeamMembers.Add(new TeamMember { TeamId = team.Id, UserId = userId, Role = TeamRole.Admin });
        await db.SaveChangesAsync(ct);
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.CurrentTeamId, team.Id), ct);
        return team;
    }

    /// <summary>Makes <paramref name="teamId"/> the user's current team, the one pages and sign-in work in.</summary>
    /// <returns>False (and nothing changes) when the user is not a member of the team.</returns>
    public async Task<bool> SwitchAsync(string userId, Guid teamId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.TeamMembers.AnyAsync(m => m.UserId == userId && m.TeamId == teamId, ct))
        {
            return false;
        }
        await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.CurrentTeamId, teamId), ct);
        return true;
    }

    private sealed record Membership(Guid TeamId, string Name, TeamRole Role);

    /// <summary>
    /// A user's teams: compiled, because the layout's team switcher asks on every page request and translating the LINQ
    /// query each time cost more processor time than the database's answer.
    /// </summary>
    private static readonly CompiledQuery<Func<PortalDbContext, string, IAsyncEnumerable<Membership>>> Memberships = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db, string userId) =>
            db.TeamMembers.AsNoTracking().Where(m => m.UserId == userId).Select(m => new Membership(m.TeamId, m.Team!.Name, m.Role))));

    public async Task<IReadOnlyList<TeamView>> MyTeamsAsync(string userId, Guid? currentTeamId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var teams = new List<Membership>();
        await foreach (var team in Memberships.For(db)(db, userId).WithCancellation(ct))
        {
            teams.Add(team);
        }
        return TeamView.List(teams.Select(t => (t.TeamId, t.Name, t.Role)), currentTeamId);
    }

    public async Task<IReadOnlyList<MemberView>> MembersAsync(TeamAccess access, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var members = await db.TeamMembers.AsNoTracking().Where(m => m.TeamId == access.TeamId)
            .Select(m => new MemberView(m.UserId, m.User!.Email ?? "", m.User.DisplayName, m.Role, m.JoinedUtc)).ToListAsync(ct);
        return members.OrderByDescending(m => m.Role).ThenBy(m => m.Email, StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>Adds an existing user, found by email, to the caller's team.</summary>
    /// <exception cref="UnauthorizedAccessException">The caller is not an admin of the team.</exception>
    /// <exception cref="KeyNotFoundException">No account has this email.</exception>
    /// <exception cref="TeamRuleException">The user is already a member.</exception>
    public async Task<MemberView> AddMemberAsync(TeamAccess access, string email, TeamRole role, CancellationToken ct = default)
    {
        RequireAdmin(access);
        RequireDefined(role);
        var normalized = (email ?? "").Trim().ToUpperInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await db.Users.SingleOrDefaultAsync(u => u.NormalizedEmail == normalized, ct)
            ?? throw new KeyNotFoundException($"No account has the email '{email}'. They can register first.");
        if (await db.TeamMembers.AnyAsync(m => m.TeamId == access.TeamId && m.UserId == user.Id, ct))
        {
            throw new TeamRuleException($"{user.Email} is already a member of {access.TeamName}.");
        }
        var member = new TeamMember { TeamId = access.TeamId, UserId = user.Id, Role = role };
        db.TeamMembers.Add(member);
        user.CurrentTeamId ??= access.TeamId;
        await db.SaveChangesAsync(ct);
        return new MemberView(user.Id, user.Email ?? "", user.DisplayName, role, member.JoinedUtc);
    }

    /// <exception cref="UnauthorizedAccessException">The caller is not an admin of the team.</exception>
    /// <exception cref="KeyNotFoundException">The user is not a member of the team.</exception>
    /// <exception cref="TeamRuleException">The change would leave the team with no admin.</exception>
    public async Task ChangeRoleAsync(TeamAccess access, string userId, TeamRole role, CancellationToken ct = default)
    {
        RequireAdmin(access);
        RequireDefined(role);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // PostgreSQL's retrying execution strategy refuses a transaction it does not own: the whole unit runs inside it.
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var member = await FindMemberAsync(db, access, userId, ct);
            if (member.Role == TeamRole.Admin && role != TeamRole.Admin)
            {
                await RequireAnotherAdminAsync(db, access, userId, ct);
            }
            member.Role = role;
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
    }

    /// <exception cref="UnauthorizedAccessException">The caller is not an admin of the team.</exception>
    /// <exception cref="KeyNotFoundException">The user is not a member of the team.</exception>
    /// <exception cref="TeamRuleException">The user is the team's last admin.</exception>
    public async Task RemoveMemberAsync(TeamAccess access, string userId, CancellationToken ct = default)
    {
        RequireAdmin(access);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var member = await FindMemberAsync(db, access, userId, ct);
            if (member.Role == TeamRole.Admin)
            {
                await RequireAnotherAdminAsync(db, access, userId, ct);
            }
            db.TeamMembers.Remove(member);
            await db.SaveChangesAsync(ct);
            await db.Users.Where(u => u.Id == userId && u.CurrentTeamId == access.TeamId)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.CurrentTeamId, (Guid?)null), ct);
            // The removed member's personal access tokens for this team stop working at once.
            await db.ApiTokens.Where(t => t.UserId == userId && t.TeamId == access.TeamId && t.RevokedUtc == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedUtc, DateTime.UtcNow), ct);
            await tx.CommitAsync(ct);
        });
    }

    private static void RequireAdmin(TeamAccess access)
    {
        ArgumentNullException.ThrowIfNull(access);
        if (!access.IsAdmin)
        {
            throw new UnauthorizedAccessException("Only the team's admins manage its members.");
        }
    }

    private static void RequireDefined(TeamRole role)
    {
        if (!Enum.IsDefined(role))
        {
            throw new ArgumentOutOfRangeException(nameof(role), role, "The role must be viewer, analyst or admin.");
        }
    }

    private static async Task<TeamMember> FindMemberAsync(PortalDbContext db, TeamAccess access, string userId, CancellationToken ct) =>
        await db.TeamMembers.SingleOrDefaultAsync(m => m.TeamId == access.TeamId && m.UserId == userId, ct)
            ?? throw new KeyNotFoundException($"User {userId} is not a member of {access.TeamName}.");

    private static async Task RequireAnotherAdminAsync(PortalDbContext db, TeamAccess access, string userId, CancellationToken ct)
    {
        if (!await db.TeamMembers.AnyAsync(m => m.TeamId == access.TeamId && m.UserId != userId && m.Role == TeamRole.Admin, ct))
        {
            throw new TeamRuleException($"{access.TeamName} needs at least one admin: make someone else admin first.");
        }
    }
}
