using Portal.Domain.Replay;

namespace Portal.Domain.Scenarios;

/// <summary>Replay a stored dataset instead of simulating: strategies trade against the recorded book.</summary>
public sealed record ReplaySpec
{
    /// <summary>Id of the dataset in the portal's store (the team's datasets only).</summary>
    public Guid DatasetId { get; init; }

    /// <summary>How the recording is replayed: segment (train/test split by time), own transient impact, session length.</summary>
    public ReplayOptions Options { get; init; } = new();
}
