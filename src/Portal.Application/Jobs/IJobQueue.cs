namespace Portal.Application.Jobs;

/// <summary>The kinds of work handed to the workers; each job carries only the id of the stored row it works on.</summary>
public enum JobKind
{
    /// <summary>A stored run's backtest (id of the run).</summary>
    Run,

    /// <summary>A stored market profile's calibration (id of the profile).</summary>
    Calibration,

    /// <summary>A stored agent's training (id of the agent).</summary>
    Training,

    /// <summary>A stored MAP-Elites search (id of the search): plans its shards and queues the first generation's.</summary>
    MapElites,
}

/// <summary>Hands stored work to the workers: runs, calibrations and trainings alike. Delivery is at least once, so every
/// job is idempotent on its row.</summary>
public interface IJobQueue
{
    /// <summary>Queues job <paramref name="kind"/> for the stored row <paramref name="id"/>; returns the queue's job id.</summary>
    string Enqueue(JobKind kind, Guid id);

    /// <summary>Queues shard <paramref name="shard"/> of the stored run <paramref name="runId"/> (a run cut into episode
    /// ranges, see Portal.Data's RunShard); any worker may take it. Returns the queue's job id.</summary>
    string EnqueueShard(Guid runId, int shard);

    /// <summary>Queues shard <paramref name="shard"/> of generation <paramref name="generation"/> of the stored MAP-Elites
    /// search <paramref name="searchId"/> (a range of the generation's candidates, see Portal.Data's MapElitesShard); any
    /// worker may take it. Returns the queue's job id.</summary>
    string EnqueueMapElitesShard(Guid searchId, int generation, int shard);
}

/// <summary>When a running job counts as orphaned: its last heartbeat is older than <paramref name="HeartbeatTimeout"/>
/// (configured with the workers; pages use it to say a run's worker stopped).</summary>
public sealed record JobHeartbeat(TimeSpan HeartbeatTimeout);
