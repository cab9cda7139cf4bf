using Hangfire;

namespace Portal.Jobs.Runs;

/// <summary>Hands a stored run to the workers. The job carries only the run's id.</summary>
public interface IRunQueue
{
    string Enqueue(Guid runId);
}

public sealed class HangfireRunQueue(IBackgroundJobClient jobs) : IRunQueue
{
    public string Enqueue(Guid runId) => jobs.Enqueue<RunBacktestJob>(j => j.ExecuteAsync(runId, CancellationToken.None));
}
