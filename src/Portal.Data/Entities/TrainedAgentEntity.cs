namespace Portal.Data.Entities;

public enum TrainingStatus
{
    Queued = 0,
    Running = 1,
    Succeeded = 2,
    Failed = 3,
}

/// <summary>
/// A learning agent trained on a scenario with several seeds. Every seed's policy is kept; backtests use it as the
/// strategy <c>agent:{Id}</c>: the first seed's policy unless the run names another trained seed
/// (<c>strategySettings.agentSeed</c>), never a best one picked after evaluation.
/// </summary>
public sealed class TrainedAgentEntity : ITeamOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TeamId { get; set; }
    public required string Name { get; set; }
    /// <summary>A registered algorithm id: <c>qlearning</c>, <c>dqn</c>, <c>ppo</c>, <c>sac</c>, <c>bcq</c>, <c>td3bc</c>...</summary>
    public required string Algorithm { get; set; }
    public required string ScenarioName { get; set; }
    /// <summary>The scenario the agent trains on, as submitted.</summary>
    public required string ScenarioJson { get; set; }
    /// <summary>Training seeds, comma separated.</summary>
    public required string Seeds { get; set; }
    public long EnvironmentSteps { get; set; }
    /// <summary>Easier versions of the scenario trained on first (smaller order, lower volatility); 0 = no curriculum.</summary>
    public int CurriculumStages { get; set; }
    /// <summary>The stored offline dataset an offline learner (bcq, td3bc) trains on; null = it logs its own data per seed.</summary>
    public Guid? OfflineDatasetId { get; set; }
    /// <summary>
    /// The algorithm's hyperparameters the agent trains with, as a JSON object (camelCase names, every field with its
    /// effective value: the ones the request gave, the defaults for the rest). Null for agents trained before they were
    /// stored, which trained with their algorithm's defaults.
    /// </summary>
    public string? HyperparametersJson { get; set; }
    public TrainingStatus Status { get; set; }
    public double Progress { get; set; }
    public double? RecentMeanShortfallBps { get; set; }
    /// <summary>While training: the seed being trained, 0-based (seed k+1 of the n in <see cref="Seeds"/>); null before the first report.</summary>
    public int? CurrentSeedIndex { get; set; }
    /// <summary>While training: the share of the current seed's environment steps done, in [0, 1].</summary>
    public double? SeedProgress { get; set; }
    /// <summary>While training: the worker's estimate of the current seed's training time left, in seconds, at <see cref="ProgressUtc"/>.</summary>
    public double? SeedSecondsLeft { get; set; }
    /// <summary>While training: the worker's estimate of one seed's whole training time, in seconds (elapsed / share done).</summary>
    public double? SeedSecondsTotal { get; set; }
    /// <summary>When the worker last stored the training progress (UTC).</summary>
    public DateTime? ProgressUtc { get; set; }
    public string? FailureReason { get; set; }
    /// <summary>
    /// What the first seed's policy (the one backtests use by default) saw in training, as <c>TrainingExposure</c> JSON: the replayed
    /// dataset's content hash and training time ranges, or the simulated world's hash and the seed streams drawn. Null for
    /// agents trained before it was recorded, whose backtests are flagged in-sample (unknown).
    /// </summary>
    public string? TrainingExposureJson { get; set; }
    /// <summary>The summary over all seeds (JSON): mean and spread of regret and of the paired difference to TWAP.</summary>
    public string? SummaryJson { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedUtc { get; set; } = DateTime.UtcNow;
    public DateTime? StartedUtc { get; set; }
    public DateTime? FinishedUtc { get; set; }
    /// <summary>Times a worker started the training.</summary>
    public int Attempts { get; set; }
    /// <summary>Last sign of life of the worker training; see <see cref="Run.HeartbeatUtc"/>.</summary>
    public DateTime? HeartbeatUtc { get; set; }
}

/// <summary>One seed's trained policy: the saved artifact (weights, hyperparameters, normalisation, learning curve).</summary>
public sealed class TrainedAgentSeed
{
    public Guid AgentId { get; set; }
    public int SeedIndex { get; set; }
    public long Seed { get; set; }
    public required byte[] Artifact { get; set; }
    /// <summary>Held-out evaluation of this seed's policy (JSON).</summary>
    public required string EvaluationJson { get; set; }
    /// <summary>Learning curve points (JSON array).</summary>
    public required string LearningCurveJson { get; set; }
    /// <summary>What this seed's policy saw in training (<c>TrainingExposure</c> JSON), for the out-of-sample check of runs that
    /// choose this seed; null for agents trained before it was recorded per seed.</summary>
    public string? TrainingExposureJson { get; set; }
}
