using Microsoft.EntityFrameworkCore;
using Portal.Application.Teams;
using Portal.Data;

namespace Portal.Application.Tokens;

/// <summary>A personal access token that authenticated: its user, the team it is bound to and, when the user is still a
/// member of that team, the caller's access there (read in the same query, so a removed or demoted member's token loses
/// its powers on the very next request).</summary>
public sealed record TokenCaller(Guid TokenId, string UserId, Guid TeamId, TeamAccess? Access);

/// <summary>
/// Authenticates a personal access token and resolves its caller's team and role in one database round trip: the token
/// by its hash, its user, and the user's membership of the token's team. Writes only the token's last use, at most once
/// per <see cref="LastUsedResolution"/>.
/// </summary>
public sealed class TokenAuthenticator(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>A token's last-used time is written at most once per this interval: "last used" is for people, and
    /// writing it on every request would turn each API read into a database write.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private sealed record Row(Guid Id, string UserId, Guid TeamId, DateTime? LastUsedUtc, bool UserExists, string? UserName,
        string? Email, Data.Entities.TeamRole? Role, string? TeamName);

    private static readonly CompiledQuery<Func<PortalDbContext, string, CancellationToken, Task<Row?>>> ByHash = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db, string hash, CancellationToken ct) =>
            (from t in db.ApiTokens.AsNoTracking()
             where t.Hash == hash && t.RevokedUtc == null
             from u in db.Users.Where(u => u.Id == t.UserId).DefaultIfEmpty()
             from m in db.TeamMembers.Where(m => m.UserId == t.UserId && m.TeamId == t.TeamId).DefaultIfEmpty()
             select new Row(t.Id, t.UserId, t.TeamId, t.LastUsedUtc, u != null, u!.UserName, u!.Email,
                 m != null ? (Data.Entities.TeamRole?)m.Role : null, m != null ? m.Team!.Name : null))
            .SingleOrDefault()));

    /// <summary>The token's caller, or null when the token is unknown or revoked.</summary>
    /// <param name="token">The secret as sent (<c>el_…</c>); only its hash is looked up.</param>
    public async Task<TokenCaller?> AuthenticateAsync(string token, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        var hash = TokenService.Hash(token);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await ByHash.For(db)(db, hash, ct);
        if (row is null)
        {
            return null;
        }
        var now = DateTime.UtcNow;
        var stale = now - LastUsedResolution;
        if (row.LastUsedUtc is not { } last || last < stale)
        {
            await db.ApiTokens.Where(t => t.Id == row.Id && (t.LastUsedUtc == null || t.LastUsedUtc < stale))
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedUtc, now), ct);
        }
        var access = row.UserExists && row.Role is { } role && row.TeamName is not null
            ? new TeamAccess(row.TeamId, row.TeamName, role, row.UserId, row.UserName ?? row.Email ?? row.UserId)
            : null;
        return new TokenCaller(row.Id, row.UserId, row.TeamId, access);
    }
}
