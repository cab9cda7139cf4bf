namespace Portal.Data.Entities;

/// <summary>
/// The summary of one strategy in one run. The key (run, index) makes a second copy impossible. Only what SQL groups,
/// filters or sorts on (leaderboards, the regime breakdown, run lists) has a column of its own; everything else is in
/// <see cref="Summary"/>, one JSON column, so a new per-strategy metric needs no new column.
/// </summary>
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
    /// <summary>Independent units the intervals rest on (episodes in simulation, market windows in replay); 0 for runs
    /// stored before it was recorded.</summary>
    public int IndependentUnits { get; set; }
    /// <summary>What an independent unit is (<c>episode</c> or <c>window</c>); empty for runs stored before it was recorded.</summary>
    public string UnitKind { get; set; } = "";
    /// <summary>Every other figure of the strategy (percentiles, paired differences, inventory and participation paths,
    /// execution counters), stored as one JSON column.</summary>
    public RunStrategySummary Summary { get; set; } = new();

    /// <summary>A strategy's result as stored: the one conversion from the domain result to storage (the columns here, the
    /// rest through <see cref="RunStrategySummary.From"/>).</summary>
    /// <param name="runId">The run the result belongs to.</param>
    /// <param name="index">The strategy's position in the run (0-based).</param>
    /// <param name="s">The strategy's result.</param>
    /// <param name="guard">The run's guard result for this strategy when it is a guarded one.</param>
    public static RunStrategyResult From(Guid runId, int index, Portal.Domain.Backtesting.StrategyResult s, Portal.Domain.Backtesting.GuardResult? guard = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new()
        {
            RunId = runId,
            Index = index,
            StrategyId = s.StrategyId,
            DisplayName = s.DisplayName,
            Episodes = s.Summary.Episodes,
            MeanBps = s.Summary.MeanBps,
            StdBps = s.Summary.StdBps,
            MeanCiLowBps = s.Summary.MeanCiLowBps,
            MeanCiHighBps = s.Summary.MeanCiHighBps,
            IndependentUnits = s.Summary.IndependentUnits,
            UnitKind = s.Summary.UnitKind,
            Summary = RunStrategySummary.From(s, guard),
        };
    }
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
/// A contiguous range of episodes of one strategy in one run, packed column by column into <see cref="Data"/> (see
/// <see cref="Runs.EpisodeColumns"/>): a run stored as one job has one block per strategy starting at episode 0, a sharded
/// run one per strategy and shard, written by the shard itself. The key (run, strategy index, first episode) makes a
/// second copy impossible. Read through <see cref="Runs.EpisodeStore"/>, which lays the blocks end to end in episode order
/// and also reads the per-episode rows of runs stored before.
/// </summary>
public sealed class RunEpisodeBlock
{
    public Guid RunId { get; set; }
    public int StrategyIndex { get; set; }
    /// <summary>First episode of the block (0 for a run stored as one job, and for every run stored before blocks were split).</summary>
    public int FirstEpisode { get; set; }
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

/// <summary>
/// Two strategies of one run compared episode by episode on the run's shared market paths: the count, sum and sum of
/// squares of the per-episode differences A − B (A the lower strategy index), stored once when the run's results are
/// stored so that leaderboards rank ties (paired differences) without reading every episode of every run per request.
/// </summary>
/// <remarks>
/// The sufficient statistics of a paired comparison (e.g. Efron and Tibshirani, <i>An Introduction to the Bootstrap</i>,
/// 1993, §10: the paired difference dₑ = xₑ − yₑ over shared episodes e): n = <see cref="Pairs"/>, Σd = <see cref="Sum"/>,
/// Σd² = <see cref="SumSquares"/>; <see cref="WeightedVariance"/> = n·s² with s² = max(0, (Σd² − n·d̄²)/(n − 1)) the
/// run's sample variance of d, so that the variance of a pooled mean over runs r, Σ(nᵣ/n)²·sᵣ²/nᵣ = Σ nᵣsᵣ² / n², is one
/// SQL sum. B − A is the same row with the sum negated (IEEE subtraction is antisymmetric, so this is exact).
/// </remarks>
public sealed class RunStrategyPair
{
    public Guid RunId { get; set; }
    /// <summary>The lower strategy index of the pair (<see cref="RunStrategyResult.Index"/>).</summary>
    public int IndexA { get; set; }
    /// <summary>The higher strategy index of the pair.</summary>
    public int IndexB { get; set; }
    public required string StrategyA { get; set; }
    public required string StrategyB { get; set; }
    /// <summary>Episodes both strategies hold (the number of differences).</summary>
    public int Pairs { get; set; }
    /// <summary>Episodes strategy A's summary counts (<see cref="RunStrategyResult.Episodes"/>).</summary>
    public int EpisodesA { get; set; }
    /// <summary>Episodes strategy B's summary counts.</summary>
    public int EpisodesB { get; set; }
    /// <summary>Σ (A − B) over the shared episodes, in episode order, bps.</summary>
    public double Sum { get; set; }
    /// <summary>Σ (A − B)², bps².</summary>
    public double SumSquares { get; set; }
    /// <summary>n·s²: the pair count times the sample variance of the differences (0 below two pairs), bps².</summary>
    public double WeightedVariance { get; set; }
}
