using Portal.Data.Entities;

namespace Portal.Application.Teams;

/// <summary>Who is asking, in which team, with which role. Every query of team data filters on <see cref="TeamId"/>.</summary>
public sealed record TeamAccess(Guid TeamId, string TeamName, TeamRole Role, string UserId, string UserName)
{
    public bool CanRun => Role >= TeamRole.Analyst;
    public bool IsAdmin => Role == TeamRole.Admin;

    /// <summary>Throws unless the caller holds at least <paramref name="role"/>.</summary>
    /// <param name="what">What the caller tried, for the message (e.g. "submit runs").</param>
    /// <exception cref="UnauthorizedAccessException">The caller's role is below <paramref name="role"/>.</exception>
    public void RequireRole(TeamRole role, string what)
    {
        if (Role < role)
        {
            throw new UnauthorizedAccessException(role switch
            {
                TeamRole.Admin => $"Only team admins can {what}.",
                _ => $"Viewers cannot {what}.",
            });
        }
    }
}
