namespace Portal.Data.Entities;

/// <summary>A saved scenario: the same JSON document the HTTP API and the command line use.</summary>
public sealed class ScenarioEntity : ITeamOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TeamId { get; set; }
    public required string Name { get; set; }
    public required string Json { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedUtc { get; set; } = DateTime.UtcNow;
    public DateTime UpdatedUtc { get; set; } = DateTime.UtcNow;
}
