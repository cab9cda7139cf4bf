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
}
