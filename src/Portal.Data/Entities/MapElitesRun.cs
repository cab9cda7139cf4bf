namespace Portal.Data.Entities;

/// <summary>
/// A MAP-Elites search run by the workers: its base scenario and settings as submitted, its evaluation budget cut into
/// <see cref="MapElitesShard"/>s (each generation's candidates split into <see cref="ShardsPerGeneration"/> ranges, one job
/// each), the coverage and QD-score after each finished generation while it runs, and the archive's report once done. Its
/// id names the archive: <c>elite:{id}:{niche}</c> and <c>router:{id}</c> in a run.
/// </summary>
public sealed class MapElitesRun : ITeamOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TeamId { get; set; }
    public required string Name { get; set; }
    /// <summary>The base scenario (Portal.Domain's ScenarioJson), copied at submission.</summary>
    public required string ScenarioJson { get; set; }
    /// <summary>The search settings (Portal.Domain's MapElitesSettings as JSON), copied at submission.</summary>
    public required string SettingsJson { get; set; }
    public RunStatus Status { get; set; }
    /// <summary>Candidates in all (from the settings; kept as a column for lists).</summary>
    public int Candidates { get; set; }
    /// <summary>Generations of the search, ⌈candidates / batch⌉.</summary>
    public int Generations { get; set; }
    /// <summary>Candidate ranges (jobs) per generation.</summary>
    public int ShardsPerGeneration { get; set; }
    /// <summary>Generations merged into the archive so far.</summary>
    public int GenerationsDone { get; set; }
    /// <summary>Held-out episodes per niche of the specialist-vs-generalist comparison made when the search ends (0: none).</summary>
    public int HoldoutEpisodes { get; set; }
    /// <summary>Coverage and QD-score after each merged generation (JSON list of Portal.Domain's MapElitesIteration).</summary>
    public string? IterationsJson { get; set; }
    /// <summary>The archive's report (Portal.Domain's MapElitesReport as JSON) once the search and comparison are done.</summary>
    public string? ReportJson { get; set; }
    public string? FailureReason { get; set; }
    /// <summary>The workers that took the search's shards, comma-separated.</summary>
    public string? Workers { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedUtc { get; set; } = DateTime.UtcNow;
    public DateTime? StartedUtc { get; set; }
    public DateTime? HeartbeatUtc { get; set; }
    public DateTime? FinishedUtc { get; set; }

    public bool IsFinished => Status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled;
}

/// <summary>
/// One job of a MAP-Elites search: candidates <see cref="First"/> … <see cref="First"/> + <see cref="Count"/> − 1 of
/// generation <see cref="Generation"/>. The key (search, generation, shard) holds one result: a shard evaluated twice stores
/// its objectives once (the second copy is the same, bit for bit). The objectives of every generation stay stored: they
/// are the archive's history, from which any worker rebuilds the archive a later generation starts from.
/// </summary>
public sealed class MapElitesShard
{
    public Guid RunId { get; set; }
    public int Generation { get; set; }
    public int Index { get; set; }
    /// <summary>First candidate of the range within its generation.</summary>
    public int First { get; set; }
    /// <summary>Candidates in the range.</summary>
    public int Count { get; set; }
    /// <summary>How many times a worker started this shard.</summary>
    public int Attempts { get; set; }
    public string? WorkerName { get; set; }
    public DateTime? StartedUtc { get; set; }
    public DateTime? HeartbeatUtc { get; set; }
    public DateTime? FinishedUtc { get; set; }
    /// <summary>The candidates' objectives, candidate-major (Count × niches), as little-endian doubles.</summary>
    public byte[]? Data { get; set; }
}
