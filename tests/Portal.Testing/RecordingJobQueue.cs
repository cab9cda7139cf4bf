using Portal.Application.Jobs;

namespace Portal.Testing;

/// <summary>
/// A job queue for tests: records every job handed to it, per kind and in order, and runs nothing unless told to
/// (<see cref="OnEnqueue"/>), so a test sees exactly what a use case or a job queued. Safe to call from several threads.
/// </summary>
public sealed class RecordingJobQueue : IJobQueue
{
    private readonly Lock gate = new();
    private readonly List<(JobKind Kind, Guid Id)> jobs = [];
    private readonly List<(Guid Run, int Shard)> shards = [];
    private readonly List<(Guid Search, int Generation, int Shard)> mapElitesShards = [];

    /// <summary>Runs after each <see cref="Enqueue"/> is recorded (e.g. to execute the job inline); null runs nothing.</summary>
    public Action<JobKind, Guid>? OnEnqueue { get; init; }

    /// <summary>Every job queued with <see cref="Enqueue"/>, in order.</summary>
    public IReadOnlyList<(JobKind Kind, Guid Id)> Jobs { get { lock (gate) return [.. jobs]; } }

    /// <summary>Every run shard queued, in order.</summary>
    public IReadOnlyList<(Guid Run, int Shard)> Shards { get { lock (gate) return [.. shards]; } }

    /// <summary>Every MAP-Elites shard queued, in order.</summary>
    public IReadOnlyList<(Guid Search, int Generation, int Shard)> MapElitesShards { get { lock (gate) return [.. mapElitesShards]; } }

    /// <summary>The ids queued as jobs of one kind, in order.</summary>
    public IReadOnlyList<Guid> Of(JobKind kind)
    {
        lock (gate) return [.. jobs.Where(j => j.Kind == kind).Select(j => j.Id)];
    }

    /// <summary>Runs queued, in order.</summary>
    public IReadOnlyList<Guid> Runs => Of(JobKind.Run);

    /// <summary>Calibrations queued, in order.</summary>
    public IReadOnlyList<Guid> Calibrations => Of(JobKind.Calibration);

    /// <summary>Trainings queued, in order.</summary>
    public IReadOnlyList<Guid> Trainings => Of(JobKind.Training);

    /// <summary>MAP-Elites searches queued, in order.</summary>
    public IReadOnlyList<Guid> Searches => Of(JobKind.MapElites);

    /// <summary>Offline datasets queued for logging, in order.</summary>
    public IReadOnlyList<Guid> OfflineDatasets => Of(JobKind.OfflineDataset);

    /// <inheritdoc />
    public string Enqueue(JobKind kind, Guid id)
    {
        int count;
        lock (gate)
        {
            jobs.Add((kind, id));
            count = jobs.Count;
        }
        OnEnqueue?.Invoke(kind, id);
        return $"{kind}-{count}";
    }

    /// <inheritdoc />
    public string EnqueueShard(Guid runId, int shard)
    {
        lock (gate) shards.Add((runId, shard));
        return $"{runId}/{shard}";
    }

    /// <inheritdoc />
    public string EnqueueMapElitesShard(Guid searchId, int generation, int shard)
    {
        lock (gate) mapElitesShards.Add((searchId, generation, shard));
        return $"{searchId}/{generation}/{shard}";
    }
}
