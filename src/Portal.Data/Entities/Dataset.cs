namespace Portal.Data.Entities;

/// <summary>
/// Uploaded market data (book snapshots and trades) in its compact binary form, stored in the database in chunks so
/// every worker on every machine can read it. Identified within a team by the content hash of the canonical input.
/// </summary>
public sealed class Dataset : ITeamOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TeamId { get; set; }
    public required string Name { get; set; }
    /// <summary><c>lobster</c> or <c>csv</c>.</summary>
    public required string Format { get; set; }
    public required string Instrument { get; set; }
    public DateTime TradingDate { get; set; }
    /// <summary>First and last event, nanoseconds since 1970-01-01.</summary>
    public long StartTimeNs { get; set; }
    public long EndTimeNs { get; set; }
    public int Levels { get; set; }
    public long BookRows { get; set; }
    public long TradeRows { get; set; }
    /// <summary>SHA-256 of the canonical input, hex.</summary>
    public required string ContentHash { get; set; }
    /// <summary>Size of the stored binary form.</summary>
    public long SizeBytes { get; set; }
    public string SourceFiles { get; set; } = "";
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedUtc { get; set; } = DateTime.UtcNow;
}

/// <summary>One piece of a dataset's binary form, in order of <see cref="Index"/>.</summary>
public sealed class DatasetChunk
{
    public Guid DatasetId { get; set; }
    public int Index { get; set; }
    public required byte[] Data { get; set; }
}

public enum CalibrationStatus
{
    Queued = 0,
    Running = 1,
    Succeeded = 2,
    Failed = 3,
}

/// <summary>A market profile calibrated from a dataset: what a scenario uses when it is "calibrated from dataset X".</summary>
public sealed class MarketProfileEntity : ITeamOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TeamId { get; set; }
    public Guid DatasetId { get; set; }
    public required string Name { get; set; }
    public CalibrationStatus Status { get; set; }
    /// <summary>The profile JSON (<c>MarketProfile.ToJson</c>) once calibrated.</summary>
    public string? Json { get; set; }
    public string? FailureReason { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedUtc { get; set; } = DateTime.UtcNow;
    public DateTime? FinishedUtc { get; set; }
    /// <summary>Times a worker started the calibration.</summary>
    public int Attempts { get; set; }
    /// <summary>Last sign of life of the worker calibrating; see <see cref="Run.HeartbeatUtc"/>.</summary>
    public DateTime? HeartbeatUtc { get; set; }
}
