using System.Text.Json.Serialization;

namespace Portal.Data.Entities;

/// <summary>A desk's group of analysts. Every scenario, run, dataset and token belongs to exactly one team.</summary>
public sealed class Team
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    public DateTime CreatedUtc { get; set; } = DateTime.UtcNow;
    public List<TeamMember> Members { get; set; } = [];
}

/// <summary>What a member may do in a team.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TeamRole>))]
public enum TeamRole
{
    /// <summary>Reads everything the team has.</summary>
    Viewer = 0,
    /// <summary>Creates scenarios, submits and cancels runs, uploads data.</summary>
    Analyst = 1,
    /// <summary>An analyst who also manages the team's members.</summary>
    Admin = 2,
}

public sealed class TeamMember : ITeamOwned
{
    public Guid TeamId { get; set; }
    public Team? Team { get; set; }
    public required string UserId { get; set; }
    public PortalUser? User { get; set; }
    public TeamRole Role { get; set; }
    public DateTime JoinedUtc { get; set; } = DateTime.UtcNow;
}
