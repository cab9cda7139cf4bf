namespace Portal.Data.Entities;

public enum RunStatus
{
    Queued = 0,
    Running = 1,
    Succeeded = 2,
    Failed = 3,
    Cancelled = 4,
}

/// <summary>
/// One scenario × several strategies × N episodes on common random numbers. The scenario JSON is copied into
/// the run when it is submitted so that later edits of the scenario never change what a stored run means.
/// </summary>
public sealed class Run : ITeamOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TeamId { get; set; }
    public Guid? ScenarioId { get; set; }
    public required string ScenarioName { get; set; }
    public required string ScenarioJson { get; set; }
    public RunStatus Status { get; set; }
    /// <summary>Share of the work done, 0 to 1.</summary>
    public double Progress { get; set; }
    public string? FailureReason { get; set; }
    public bool CancelRequested { get; set; }
    /// <summary>How many times a worker started this run (more than one after a crash or a re-delivered job).</summary>
    public int Attempts { get; set; }
    public string? WorkerName { get; set; }
    /// <summary>Last sign of life of the worker executing the run; a running run whose heartbeat stops is re-queued or failed by the watchdog.</summary>
    public DateTime? HeartbeatUtc { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedUtc { get; set; } = DateTime.UtcNow;
    public DateTime? StartedUtc { get; set; }
    public DateTime? FinishedUtc { get; set; }
    public int Episodes { get; set; }
    public long Seed { get; set; }
    public string? OptimumName { get; set; }
    public double? OptimumExpectedCostBps { get; set; }
    /// <summary>What the run found wrong with its scenario's parameters (e.g. that they admit price manipulation).</summary>
    public string[] Warnings { get; set; } = [];
    public List<RunStrategyResult> Strategies { get; set; } = [];

    /// <summary>
    /// Whether the results count on leaderboards. Simulated runs always do (their seeds are fresh); a run evaluated on
    /// the training part of a dataset, or an agent scored on the episodes it trained on, does not.
    /// </summary>
    public bool IsOutOfSample { get; set; } = true;
    /// <summary>
    /// Why an agent in this run is scored in-sample: it trained on the evaluated data and the user chose to run it
    /// flagged, or it has no record of its training data (unknown). Null otherwise. Such a run stays off leaderboards.
    /// </summary>
    public string? InSampleReason { get; set; }
    /// <summary>The scenario family's regime (see <see cref="ScenarioFamily"/>), copied from the scenario for indexed grouping.</summary>
    public string Regime { get; set; } = "";
    /// <summary>The scenario family's impact-model family (e.g. <c>almgren-chriss</c>, <c>transient</c>,
    /// <c>obizhaeva-wang</c>; <c>recorded book</c> for a replay); empty for runs stored before it was recorded.</summary>
    public string ImpactFamily { get; set; } = "";
    /// <summary>The scenario family's market source: <c>simulated</c>, <c>simulated · custom parameters</c> (e.g. calibrated
    /// from a profile) or <c>replay · INSTRUMENT</c>; empty for runs stored before it was recorded.</summary>
    public string MarketSource { get; set; } = "";
    /// <summary>The scenario family's order-size bucket (<see cref="SizeBucket"/>).</summary>
    public SizeBucket SizeBucket { get; set; }
    /// <summary>The scenario family's horizon bucket (<see cref="HorizonBucket"/>).</summary>
    public HorizonBucket HorizonBucket { get; set; }
    /// <summary>
    /// SHA-256 (hex) of <see cref="ScenarioJson"/>, seed and episodes included: two runs with the same fingerprint drew
    /// the same market paths, so leaderboards count only the first of them.
    /// </summary>
    public string ScenarioHash { get; set; } = "";

    /// <summary>
    /// The run's report as it stood when the run completed (versioned JSON, see Portal.Application's RunReportSnapshot):
    /// the page, the PDF and the CSV render it, so the same run always gives the same report. Null until it is frozen
    /// (runs completed before reports were frozen get it on first view).
    /// </summary>
    public string? ReportJson { get; set; }

    /// <summary>The study this run is a cell of (see <see cref="Study"/>); null for a run submitted on its own.</summary>
    public Guid? StudyId { get; set; }

    /// <summary>The cell's index in its study's grid (λ fastest, then impact model, regime, horizon, size); the coordinates
    /// follow from the study's spec. Null outside a study.</summary>
    public int? StudyCell { get; set; }

    /// <summary>The run's name, shown in lists and reports: the scenario's name when submitted, editable by members.
    /// Null only for runs stored before runs had names (read <see cref="DisplayName"/>).</summary>
    public string? Name { get; set; }
    /// <summary>The run's tags, normalised by <see cref="RunTags"/> to <c>|tag1|tag2|</c> (lower case, sorted, unique) so
    /// that a filter on one tag is a plain <c>LIKE '%|tag|%'</c> on both providers; null when the run has none.</summary>
    public string? Tags { get; set; }
    /// <summary>Free-text notes on the run (what was tried, why), editable by members.</summary>
    public string? Notes { get; set; }

    /// <summary>The order's side (<c>buy</c> or <c>sell</c>), copied from the scenario so the runs list can filter on it.</summary>
    public string? Side { get; set; }
    /// <summary>The order's size in percent of ADV, copied from the scenario for filtering and sorting.</summary>
    public double? SizePctAdv { get; set; }
    /// <summary>The order's horizon in trading minutes, copied from the scenario for filtering and sorting.</summary>
    public double? HorizonMinutes { get; set; }
    /// <summary>The replayed dataset (null for a simulated market), copied from the scenario for filtering.</summary>
    public Guid? DatasetId { get; set; }

    /// <summary>Headline of a succeeded run: the strategy with the lowest mean cost (its id).</summary>
    public string? BestStrategyId { get; set; }
    /// <summary>Headline: the best strategy's readable name.</summary>
    public string? BestStrategyName { get; set; }
    /// <summary>Headline: the best strategy's mean implementation shortfall in bps.</summary>
    public double? BestMeanBps { get; set; }
    /// <summary>Headline: TWAP's mean implementation shortfall in bps (TWAP is always compared).</summary>
    public double? TwapMeanBps { get; set; }
    /// <summary>Headline: the best strategy's regret against the model's known optimum in bps; null where no optimum is known.</summary>
    public double? BestRegretBps { get; set; }

    /// <summary>The name to show: <see cref="Name"/>, or the scenario's name for runs stored before runs had names.</summary>
    public string DisplayName => string.IsNullOrWhiteSpace(Name) ? ScenarioName : Name;

    /// <summary>Shards the run was cut into (<see cref="RunShard"/>), each its own job; 0 while it runs as one job.</summary>
    public int Shards { get; set; }
    /// <summary>Shards finished so far (shown with the run's status).</summary>
    public int ShardsDone { get; set; }
    /// <summary>The workers that took the run's shards, comma-separated (shown with the run's status).</summary>
    public string? ShardWorkers { get; set; }
    /// <summary>
    /// What every shard of the run shares that takes work to build, built once before the run was cut (versioned JSON: the
    /// best static schedule's holdings and warnings), so every shard runs the same strategies without searching again.
    /// </summary>
    public string? ShardPlanJson { get; set; }

    /// <summary>When the paired statistics of the run's strategies (<see cref="RunStrategyPair"/>) were stored; null for
    /// runs stored before they existed until the start-up backfill reaches them (leaderboards then pair episodes directly).</summary>
    public DateTime? PairsStoredUtc { get; set; }

    public bool IsFinished => Status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled;
}
