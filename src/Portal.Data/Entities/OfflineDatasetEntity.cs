namespace Portal.Data.Entities;

/// <summary>
/// Transitions a behaviour policy logged on a saved scenario (an offline dataset, docs/offline-rl.md), for offline learners
/// (BCQ, TD3+BC) to train on. The file itself, in the gzip binary format of docs/data-formats.md ("Offline datasets"), is
/// an <see cref="OfflineDatasetContent"/> row, kept in the database like a trained agent's artifact so every worker reads it.
/// </summary>
public sealed class OfflineDatasetEntity : ITeamOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TeamId { get; set; }
    public required string Name { get; set; }
    /// <summary>The saved scenario it was logged on (it may be edited or deleted later: <see cref="ScenarioJson"/> keeps what was logged).</summary>
    public Guid? ScenarioId { get; set; }
    public required string ScenarioName { get; set; }
    /// <summary>The scenario as it was when the dataset was requested: the market the transitions come from.</summary>
    public required string ScenarioJson { get; set; }
    /// <summary>Behaviour policy spec: twap, noisy-twap, ac, pov or mixture.</summary>
    public required string Behaviour { get; set; }
    /// <summary>Episodes to log (independent simulated paths).</summary>
    public int Episodes { get; set; }
    /// <summary>Seed of the logging (episode batch b uses the training stream of (seed, b), never an evaluation path).</summary>
    public long Seed { get; set; }
    public TrainingStatus Status { get; set; }
    public string? FailureReason { get; set; }
    /// <summary>Transitions logged (episodes × decisions); 0 until logged.</summary>
    public int Transitions { get; set; }
    /// <summary>Size of the stored file in bytes; 0 until logged.</summary>
    public long SizeBytes { get; set; }
    /// <summary>The file's header as JSON (scenario hash, behaviour, and the behaviour's own performance on its logged
    /// episodes: mean shortfall with its 95% interval and the episode count). Null until logged.</summary>
    public string? HeaderJson { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedUtc { get; set; } = DateTime.UtcNow;
    public DateTime? StartedUtc { get; set; }
    public DateTime? FinishedUtc { get; set; }
    /// <summary>Times a worker started logging it.</summary>
    public int Attempts { get; set; }
    /// <summary>Last sign of life of the worker logging it; see <see cref="Run.HeartbeatUtc"/>.</summary>
    public DateTime? HeartbeatUtc { get; set; }
}

/// <summary>The file of an <see cref="OfflineDatasetEntity"/>: the gzip binary dataset (docs/data-formats.md).</summary>
public sealed class OfflineDatasetContent
{
    public Guid DatasetId { get; set; }
    public required byte[] Content { get; set; }
}
