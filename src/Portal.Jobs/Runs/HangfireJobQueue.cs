using Hangfire;
using Portal.Application.Jobs;

namespace Portal.Jobs.Runs;

/// <summary>Queues every job kind on Hangfire. The job carries only the row's id.</summary>
public sealed class HangfireJobQueue(IBackgroundJobClient jobs) : IJobQueue
{
    /// <inheritdoc />
    public string Enqueue(JobKind kind, Guid id) => kind switch
    {
        JobKind.Run => jobs.Enqueue<RunBacktestJob>(j => j.ExecuteAsync(id, CancellationToken.None)),
        JobKind.Calibration => jobs.Enqueue<Datasets.CalibrateDatasetJob>(j => j.ExecuteAsync(id, CancellationToken.None)),
        JobKind.Training => jobs.Enqueue<Agents.TrainAgentJob>(j => j.ExecuteAsync(id, CancellationToken.None)),
        JobKind.MapElites => jobs.Enqueue<QualityDiversity.MapElitesJob>(j => j.ExecuteAsync(id, CancellationToken.None)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Job kind must be Run, Calibration, Training or MapElites."),
    };

    /// <inheritdoc />
    public string EnqueueShard(Guid runId, int shard) =>
        jobs.Enqueue<RunShardJob>(j => j.ExecuteAsync(runId, shard, CancellationToken.None));

    /// <inheritdoc />
    public string EnqueueMapElitesShard(Guid searchId, int generation, int shard) =>
        jobs.Enqueue<QualityDiversity.MapElitesJob>(j => j.ExecuteShardAsync(searchId, generation, shard, CancellationToken.None));
}
