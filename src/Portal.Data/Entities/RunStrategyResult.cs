namespace Portal.Data.Entities;

/// <summary>The summary of one strategy in one run. The key (run, index) makes a second copy impossible.</summary>
public sealed class RunStrategyResult
{
    public Guid RunId { get; set; }
    public int Index { get; set; }
    public required string StrategyId { get; set; }
    public required string DisplayName { get; set; }
    public int Episodes { get; set; }
    public double MeanBps { get; set; }
    public double StdBps { get; set; }
    public double MeanCiLowBps { get; set; }
    public double MeanCiHighBps { get; set; }
    public double P5Bps { get; set; }
    public double P50Bps { get; set; }
    public double P95Bps { get; set; }
    public double Cvar95Bps { get; set; }
    /// <summary>−mean/std of the cost; null when undefined (no spread beyond rounding, or fewer than two independent units).</summary>
    public double? CostSharpe { get; set; }
    public double Completion { get; set; }
    public double MeanShortfallCurrency { get; set; }
    public double? VsTwapMeanBps { get; set; }
    public double? VsTwapCiLowBps { get; set; }
    public double? VsTwapCiHighBps { get; set; }
    public double? RegretBps { get; set; }
    /// <summary>Paired difference (this − best static schedule), mean and 95% interval in bps; null for the best static
    /// schedule itself and for runs stored before it was always compared.</summary>
    public double? VsBestStaticMeanBps { get; set; }
    public double? VsBestStaticCiLowBps { get; set; }
    public double? VsBestStaticCiHighBps { get; set; }
    /// <summary>Paired difference (this − best static schedule) of the run's objective E + λ·Var, mean and 95% interval in
    /// bps (delta method); null where <see cref="VsBestStaticMeanBps"/> is and for runs stored before it was recorded.</summary>
    public double? VsBestStaticObjectiveBps { get; set; }
    public double? VsBestStaticObjectiveCiLowBps { get; set; }
    public double? VsBestStaticObjectiveCiHighBps { get; set; }
    /// <summary>Independent units the intervals rest on (episodes in simulation, market windows in replay); 0 for runs
    /// stored before it was recorded.</summary>
    public int IndependentUnits { get; set; }
    /// <summary>What an independent unit is (<c>episode</c> or <c>window</c>); empty for runs stored before it was recorded.</summary>
    public string UnitKind { get; set; } = "";
    /// <summary>Mean remaining fraction at each decision time (steps + 1 points).</summary>
    public double[] MeanInventory { get; set; } = [];
    public double[] InventoryP5 { get; set; } = [];
    public double[] InventoryP95 { get; set; } = [];
    /// <summary>Mean participation rate (child order / market volume of the step) at each decision step (steps points);
    /// empty for runs stored before it was recorded.</summary>
    public double[] MeanParticipation { get; set; } = [];
    /// <summary>Mean share of the order force-traded at the last step beyond what the strategy asked for.</summary>
    public double ForcedFraction { get; set; }
    /// <summary>Mean share of the order left unfilled at the horizon (cap held).</summary>
    public double UnfilledFraction { get; set; }
    /// <summary>Child orders over the participation cap, over every episode.</summary>
    public long CapBreaches { get; set; }
    /// <summary>Largest child order over its step's market volume in any episode.</summary>
    public double MaxParticipation { get; set; }
    /// <summary>Mean opportunity cost of the unfilled rest in bps (Perold 1988), inside the shortfall.</summary>
    public double OpportunityCostBps { get; set; }
}

/// <summary>One episode of one strategy, as runs were stored before <see cref="RunEpisodeBlock"/>: read only, through
/// <see cref="Runs.EpisodeStore"/>. The key (run, strategy index, episode) makes a second copy impossible.</summary>
public sealed class RunEpisodeResult
{
    public Guid RunId { get; set; }
    public int StrategyIndex { get; set; }
    public int Episode { get; set; }
    public double ShortfallBps { get; set; }
    public double ShortfallCurrency { get; set; }
    public double ArrivalSlippageBps { get; set; }
    public double VwapSlippageBps { get; set; }
    public double SpreadAndFeesBps { get; set; }
    public double TemporaryImpactBps { get; set; }
    public double PermanentImpactBps { get; set; }
    public double TimingBps { get; set; }
    public double ForcedQuantity { get; set; }
    public double MaxParticipation { get; set; }
}

/// <summary>
/// Every episode of one strategy in one run, packed column by column into <see cref="Data"/> (see
/// <see cref="Runs.EpisodeColumns"/>): one row per run × strategy instead of one per episode. The key (run, strategy index)
/// makes a second copy impossible. Read through <see cref="Runs.EpisodeStore"/>, which also reads the per-episode rows of
/// runs stored before.
/// </summary>
public sealed class RunEpisodeBlock
{
    public Guid RunId { get; set; }
    public int StrategyIndex { get; set; }
    /// <summary>Episodes packed in <see cref="Data"/>.</summary>
    public int Count { get; set; }
    /// <summary>The packed, compressed episode columns.</summary>
    public byte[] Data { get; set; } = [];
}

/// <summary>
/// One shard of a run cut into episode ranges, each run by its own job on any worker. The key (run, shard) holds one
/// result per shard: a shard that runs twice stores its result once (the second copy, bit-identical, is dropped).
/// </summary>
public sealed class RunShard
{
    public Guid RunId { get; set; }
    public int Index { get; set; }
    /// <summary>First episode of the shard (a multiple of the engine's batch size).</summary>
    public int FirstEpisode { get; set; }
    /// <summary>Episodes in the shard.</summary>
    public int Episodes { get; set; }
    /// <summary>How many times a worker started this shard.</summary>
    public int Attempts { get; set; }
    /// <summary>The worker that last started the shard.</summary>
    public string? WorkerName { get; set; }
    public DateTime? StartedUtc { get; set; }
    /// <summary>Last sign of life of the worker running the shard; a started shard whose heartbeat stops is queued again by the watchdog.</summary>
    public DateTime? HeartbeatUtc { get; set; }
    public DateTime? FinishedUtc { get; set; }
    /// <summary>The shard's packed partial result (Portal.Domain's BacktestPartial), kept until the run's result is stored.</summary>
    public byte[]? Data { get; set; }
}
