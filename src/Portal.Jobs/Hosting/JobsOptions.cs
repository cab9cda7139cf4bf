namespace Portal.Jobs.Hosting;

/// <summary>Bound from the <c>Jobs</c> configuration section.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>
    /// Whether this process executes jobs. The embedded default (SQLite) runs them in the web process; with PostgreSQL
    /// the web app only enqueues and separate <c>worker</c> processes execute, unless this is set to true.
    /// </summary>
    public bool? RunServerInProcess { get; set; }

    /// <summary>Parallel jobs per process. Each backtest already uses every core, so one or two is right.</summary>
    public int WorkerCount { get; set; } = 1;

    /// <summary>How long a job fetched by a worker that stopped heart-beating stays invisible before another worker takes it.</summary>
    public int InvisibilityTimeoutSeconds { get; set; } = 180;

    /// <summary>How often idle workers look for new jobs.</summary>
    public double PollIntervalSeconds { get; set; } = 1;

    /// <summary>Name shown for this worker in run details and the Hangfire dashboard.</summary>
    public string? WorkerName { get; set; }

    /// <summary>How often a running job records that it is alive (run, calibration or training).</summary>
    public double HeartbeatSeconds { get; set; } = 10;

    /// <summary>
    /// A running job whose last heartbeat is older than this is orphaned (its worker died, or the job gave up during a
    /// database outage): the watchdog queues it again or, after <see cref="MaxAttempts"/>, marks it Failed with the reason.
    /// </summary>
    public double HeartbeatTimeoutSeconds { get; set; } = 120;

    /// <summary>How often the watchdog of each job-executing process looks for orphaned work.</summary>
    public double WatchdogIntervalSeconds { get; set; } = 15;

    /// <summary>Starts of one run, calibration or training before an orphaned one is failed instead of queued again.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How long a finished job keeps retrying to store its outcome while the database is unreachable.</summary>
    public double OutageToleranceSeconds { get; set; } = 180;

    /// <summary>
    /// Episodes per shard of a simulated run: a longer run is cut into shards of about this many episodes (whole batches of
    /// 512), each its own job that any worker can take, merged into the same result as one job. A run this long or shorter
    /// (and every replay) runs as one job. The default cuts a 10,000-episode run into three shards.
    /// </summary>
    public int EpisodesPerShard { get; set; } = 4096;

    public TimeSpan HeartbeatInterval => TimeSpan.FromSeconds(Math.Max(0.1, HeartbeatSeconds));

    public TimeSpan HeartbeatTimeout => TimeSpan.FromSeconds(Math.Max(1, HeartbeatTimeoutSeconds));

    public TimeSpan OutageTolerance => TimeSpan.FromSeconds(Math.Max(0, OutageToleranceSeconds));
}
