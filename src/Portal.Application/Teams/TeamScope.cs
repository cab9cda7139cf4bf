using Portal.Data.Entities;

namespace Portal.Application.Teams;

/// <summary>The one way a use case reads team data: <c>db.Runs.ForTeam(access)</c> keeps the caller's team's rows only.</summary>
public static class TeamScope
{
    /// <summary>The rows of the caller's team.</summary>
    public static IQueryable<T> ForTeam<T>(this IQueryable<T> rows, TeamAccess access) where T : class, ITeamOwned
    {
        ArgumentNullException.ThrowIfNull(access);
        return rows.ForTeam(access.TeamId);
    }

    /// <summary>The rows of the caller's team.</summary>
    /// <exception cref="InvalidOperationException">No team was resolved for the caller.</exception>
    public static IQueryable<T> ForTeam<T>(this IQueryable<T> rows, TeamContext team) where T : class, ITeamOwned
    {
        ArgumentNullException.ThrowIfNull(team);
        return rows.ForTeam(team.TeamId);
    }

    /// <summary>The rows of team <paramref name="teamId"/>.</summary>
    public static IQueryable<T> ForTeam<T>(this IQueryable<T> rows, Guid teamId) where T : class, ITeamOwned
    {
        ArgumentNullException.ThrowIfNull(rows);
        return rows.Where(r => r.TeamId == teamId);
    }
}
