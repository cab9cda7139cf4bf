using Hangfire;

namespace Portal.Jobs.Runs;

/// <summary>Hands a stored run to the workers. The job carries only the run's id.</summary>
public interface IRunQueue
{
    string Enqueue(Guid runId);

    /// <summary>Queues the calibration of a stored market profile.</summary>
    string EnqueueCalibration(Guid profileId);

    /// <summary>Queues the training of a stored agent.</summary>
    string EnqueueTraining(Guid agentId);
}

public sealed class HangfireRunQueue(IBackgroundJobClient jobs) : IRunQueue
{
    public string Enqueue(Guid runId) => jobs.Enqueue<RunBacktestJob>(j => j.ExecuteAsync(runId, CancellationToken.None));

    public string EnqueueCalibration(Guid profileId) =>
        jobs.Enqueue<Datasets.CalibrateDatasetJob>(j => j.ExecuteAsync(profileId, CancellationToken.None));

    public string EnqueueTraining(Guid agentId) =>
        jobs.Enqueue<Agents.TrainAgentJob>(j => j.ExecuteAsync(agentId, CancellationToken.None));
}
