using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies;

namespace Portal.Domain.Backtesting;

/// <summary>
/// What every shard of a run shares: the scenario's market model, the resolved strategies in their order (the known
/// optimum's schedule last, not shown), and the batch and statistics layout. Built once per process from the same
/// scenario and strategies, it is the same everywhere, so shards run on different workers merge into the single-process
/// result (<see cref="BacktestRunner.Merge"/>).
/// </summary>
/// <remarks>Strategies that take work to build (the best static schedule's search) can be built once, stored, and handed
/// back to every shard as extra strategies with their own ids (<see cref="StrategyCatalog.Resolve"/> keeps them in the
/// places the built-in ones take), so every shard runs the same schedule without searching again.</remarks>
public sealed class BacktestPlan
{
    private BacktestPlan(Scenario scenario, MarketModel model, IReadOnlyList<IExecutionStrategy> strategies, int visibleCount,
        (string Name, double ExpectedCost, double[] HoldingsFraction)? optimum)
    {
        Scenario = scenario;
        Model = model;
        Strategies = strategies;
        VisibleCount = visibleCount;
        Optimum = optimum;
        Episodes = scenario.Episodes;
        BlockSize = Math.Min(BacktestRunner.BlockSize, Episodes);
        Bins = Math.Clamp(4_000_000 / (strategies.Count * (model.Steps + 1)), 10, 1000);
        Stride = Math.Max(1, Episodes / 20_000);
    }

    /// <summary>Resolves the scenario's strategies (see <see cref="StrategyCatalog.Resolve"/>) and the known optimum.</summary>
    /// <param name="scenario">A valid scenario (throws <see cref="ScenarioValidationException"/> otherwise).</param>
    /// <param name="options">Extra strategies and whether the reference strategies run.</param>
    public static BacktestPlan Create(Scenario scenario, BacktestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        options ??= new BacktestOptions();
        var model = new MarketModel(scenario);
        var strategies = StrategyCatalog.Resolve(scenario, options.ExtraStrategies, options.ReferenceStrategies);
        int visibleCount = strategies.Count;
        // Where the model has a known optimum, its schedule also runs on the same paths (not shown) so that every
        // strategy's regret is a paired difference: the common price noise cancels.
        var optimum = options.ReferenceStrategies ? KnownOptimum.For(scenario) : null;
        if (optimum is { } known) strategies.Add(new ScheduleStrategy("optimum", known.Name, known.HoldingsFraction));
        return new BacktestPlan(scenario, model, strategies, visibleCount, optimum);
    }

    /// <summary>The scenario run.</summary>
    public Scenario Scenario { get; }

    /// <summary>Every strategy run, the shown ones first and the known optimum's schedule (if any) last.</summary>
    public IReadOnlyList<IExecutionStrategy> Strategies { get; }

    /// <summary>Strategies shown in the result (the first <see cref="VisibleCount"/> of <see cref="Strategies"/>).</summary>
    public int VisibleCount { get; }

    /// <summary>Episodes of the whole run.</summary>
    public int Episodes { get; }

    /// <summary>Episodes per batch; a shard starts at a multiple of it.</summary>
    public int BlockSize { get; }

    internal MarketModel Model { get; }

    internal (string Name, double ExpectedCost, double[] HoldingsFraction)? Optimum { get; }

    internal int OptimumIndex => Optimum is null ? -1 : Strategies.Count - 1;

    internal int Bins { get; }

    internal int Stride { get; }

    /// <summary>
    /// Cuts the run into shards of about <paramref name="episodesPerShard"/> episodes, rounded up to whole batches
    /// (<see cref="BlockSize"/>): (first episode, count) in episode order. A run no longer than one shard is one shard.
    /// </summary>
    /// <param name="episodesPerShard">Target episodes per shard, at least 1.</param>
    public IReadOnlyList<(int First, int Count)> Shards(int episodesPerShard)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(episodesPerShard, 1);
        return ShardRanges(Episodes, episodesPerShard);
    }

    /// <summary>
    /// Cuts <paramref name="episodes"/> episodes into shards of about <paramref name="episodesPerShard"/>, rounded up to whole
    /// batches of <see cref="BacktestRunner.BlockSize"/> (or the whole run when it is shorter than one batch).
    /// </summary>
    /// <param name="episodes">Episodes of the run, at least 1.</param>
    /// <param name="episodesPerShard">Target episodes per shard, at least 1.</param>
    public static IReadOnlyList<(int First, int Count)> ShardRanges(int episodes, int episodesPerShard)
    {
        if (episodes < 1) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, "Episodes must be at least 1.");
        if (episodesPerShard < 1) throw new ArgumentOutOfRangeException(nameof(episodesPerShard), episodesPerShard, "Episodes per shard must be at least 1.");
        int block = Math.Min(BacktestRunner.BlockSize, episodes);
        long size = Math.Max(1, ((long)episodesPerShard + block - 1) / block) * block;
        var shards = new List<(int, int)>();
        for (long first = 0; first < episodes; first += size)
        {
            shards.Add(((int)first, (int)Math.Min(size, episodes - first)));
        }

        return shards;
    }

    /// <summary>Cuts the run into <paramref name="count"/> shards of whole batches, as even as batches allow (one per
    /// batch when the run has fewer batches than that).</summary>
    /// <param name="episodes">Episodes of the run, at least 1.</param>
    /// <param name="count">Number of shards wanted, at least 1.</param>
    public static IReadOnlyList<(int First, int Count)> ShardRangesByCount(int episodes, int count)
    {
        if (episodes < 1) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, "Episodes must be at least 1.");
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Shard count must be at least 1.");
        int block = Math.Min(BacktestRunner.BlockSize, episodes);
        int blocks = (episodes + block - 1) / block;
        int shards = Math.Min(count, blocks);
        var ranges = new List<(int, int)>(shards);
        int firstBlock = 0;
        for (int i = 0; i < shards; i++)
        {
            int take = blocks / shards + (i < blocks % shards ? 1 : 0);
            int first = firstBlock * block;
            ranges.Add((first, Math.Min(take * block, episodes - first)));
            firstBlock += take;
        }

        return ranges;
    }
}
