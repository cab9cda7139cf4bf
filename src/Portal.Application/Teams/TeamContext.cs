using Portal.Data.Entities;

namespace Portal.Application.Teams;

/// <summary>
/// The caller of this request (HTTP API) or circuit (pages): user, team and role, resolved once from the sign-in or the
/// access token by the web front end's adapter and read by every use case, so team scoping and role checks are written
/// once. Scoped: one per request or circuit. A page switches it when the user switches team.
/// </summary>
public sealed class TeamContext
{
    /// <summary>The caller's team and role; null before resolution or when the caller belongs to no team.</summary>
    public TeamAccess? Access { get; private set; }

    /// <summary>True once a team was resolved for the caller.</summary>
    public bool HasTeam => Access is not null;

    /// <summary>The caller's team id.</summary>
    /// <exception cref="InvalidOperationException">No team was resolved for the caller.</exception>
    public Guid TeamId => Require().TeamId;

    /// <summary>Sets the caller (the web adapter does, once per request or page); null for a caller without a team.</summary>
    public void Set(TeamAccess? access) => Access = access;

    /// <summary>The caller's access.</summary>
    /// <exception cref="InvalidOperationException">No team was resolved: the front end must answer before calling a use case.</exception>
    public TeamAccess Require() => Access ?? throw new InvalidOperationException("The caller belongs to no team; the front end answers such calls before they reach a use case.");

    /// <summary>The caller's access, checked to hold at least <paramref name="role"/>.</summary>
    /// <exception cref="UnauthorizedAccessException">The caller's role is below <paramref name="role"/>.</exception>
    public TeamAccess RequireRole(TeamRole role, string what)
    {
        var access = Require();
        access.RequireRole(role, what);
        return access;
    }
}
