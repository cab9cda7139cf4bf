namespace Portal.Data.Entities;

/// <summary>A row that belongs to exactly one team: every query of it on behalf of a caller filters on <see cref="TeamId"/>.</summary>
public interface ITeamOwned
{
    Guid TeamId { get; }
}
