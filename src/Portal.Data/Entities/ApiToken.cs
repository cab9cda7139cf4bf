namespace Portal.Data.Entities;

/// <summary>A personal access token for scripts: acts as its user within one team until revoked. Only a hash is stored.</summary>
public sealed class ApiToken : ITeamOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TeamId { get; set; }
    public required string UserId { get; set; }
    public required string Name { get; set; }
    /// <summary>The first characters of the token, shown in lists so users can tell tokens apart.</summary>
    public required string Prefix { get; set; }
    /// <summary>SHA-256 of the whole token, hex.</summary>
    public required string Hash { get; set; }
    public DateTime CreatedUtc { get; set; } = DateTime.UtcNow;
    public DateTime? RevokedUtc { get; set; }
    public DateTime? LastUsedUtc { get; set; }
}
