using System.Numerics;
using System.Runtime.CompilerServices;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies;

namespace Portal.Domain.Backtesting;

/// <summary>Runs a scenario's strategies over N episodes on common random numbers, in parallel over batches of episodes.</summary>
/// <remarks>Episode i of every strategy sees the market path drawn from the random stream (seed, i), so strategy
/// differences are paired. Each episode's numbers depend only on its own stream, and every aggregate is reduced in episode
/// order or with exact integer arithmetic, so results are bit-identical for a seed whatever the number of threads.</remarks>
public static class BacktestRunner
{
    /// <summary>Episodes per batch: arrays across a batch stay in the core's cache.</summary>
    public const int BlockSize = 512;

    internal const double FixedPointScale = 1L << 40;

    /// <summary>Runs the backtest.</summary>
    /// <param name="scenario">A valid scenario (throws <see cref="ScenarioValidationException"/> otherwise).</param>
    /// <param name="options">Extra strategies, parallelism, whether to keep per-episode results.</param>
    /// <param name="episodesDone">Receives the number of episodes completed so far (all strategies), monotonically.</param>
    /// <param name="ct">Cancels the run between batches.</param>
    public static BacktestResult Run(Scenario scenario, BacktestOptions? options = null, IProgress<int>? episodesDone = null, CancellationToken ct = default)
    {
        var plan = BacktestPlan.Create(scenario, options);
        var part = RunEpisodes(plan, 0, plan.Episodes, options, episodesDone, ct);
        try
        {
            return Merge(plan, [part]);
        }
        finally
        {
            // The result keeps no column of its only shard (episode results are separate arrays): the next run reuses them.
            part.ReturnColumns();
        }
    }

    /// <summary>
    /// Runs episodes <paramref name="first"/> to <paramref name="first"/> + <paramref name="count"/> − 1 of a plan: one shard
    /// of a run. <see cref="Merge"/> of shards that cover every episode gives the result of <see cref="Run"/>, bit for bit.
    /// </summary>
    /// <param name="plan">The run's plan (<see cref="BacktestPlan.Create"/>).</param>
    /// <param name="first">First episode, a multiple of <see cref="BacktestPlan.BlockSize"/> so that every batch of episodes
    /// is the batch a single process runs.</param>
    /// <param name="count">Episodes to run, at least 1, within the run.</param>
    /// <param name="options">Parallelism and whether to keep per-episode results (strategies come from the plan).</param>
    /// <param name="episodesDone">Receives the number of this shard's episodes completed so far, monotonically.</param>
    /// <param name="ct">Cancels the shard between batches.</param>
    public static BacktestPartial RunEpisodes(BacktestPlan plan, int first, int count, BacktestOptions? options = null, IProgress<int>? episodesDone = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (first < 0 || first >= plan.Episodes || first % plan.BlockSize != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(first), first, $"First episode must be a multiple of {plan.BlockSize} in [0, {plan.Episodes}).");
        }

        if (count < 1 || count > plan.Episodes - first)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Episode count must be in [1, {plan.Episodes - first}] from episode {first}.");
        }

        options ??= new BacktestOptions();
        var model = plan.Model;
        var strategies = plan.Strategies;
        var scenario = plan.Scenario;
        int strategyCount = strategies.Count;
        int blockSize = plan.BlockSize;
        int blocks = (count + blockSize - 1) / blockSize;
        int bins = plan.Bins;
        int stride = plan.Stride;
        // Deterministic schedules alone: the fused kernel computes the same numbers without materialising the market.
        var fused = options.FusedSchedules && !options.KeepEpisodes ? FusedScheduleKernel.TryCreate(model, strategies, scenario.Seed) : null;
        // POV, Random and schedules on a market where no book stays uniform: the fused adaptive kernel, same numbers.
        var adaptive = fused is null && options.FusedAdaptive && !options.KeepEpisodes ? FusedAdaptiveKernel.TryCreate(model, strategies) : null;
        var posts = strategies.Select(x => x is IOrderTypeStrategy).ToArray();
        var part = BacktestPartial.ForRun(first, count, strategyCount, model.Steps, bins, stride, options.KeepEpisodes, new BacktestPartial.ColumnLayout(fused is not null, posts));
        var costBps = part.CostBps;
        var costCurrency = part.CostCurrency;
        var forced = part.Forced;
        var unfilled = part.Unfilled;
        var breaches = part.Breaches;
        var maxParticipation = part.MaxParticipation;
        var opportunityBps = part.OpportunityBps;
        var passive = part.Passive;
        var episodeResults = part.EpisodeResults;
        var totals = part.Inventory;
        var participation = part.Participation;
        var gate = new object();
        int done = 0;
        var po = new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount };
        if (fused is not null)
        {
            // One worker per core, each taking the next batch as it finishes one, so that every core stays busy to the last
            // batch (ranges of batches handed out per worker left one core idle for the last few). A batch writes only its own
            // episodes' columns and the statistics are exact integer sums, so which worker ran it does not matter.
            int workers = Math.Min(po.MaxDegreeOfParallelism > 0 ? po.MaxDegreeOfParallelism : Environment.ProcessorCount, blocks);
            int nextBlock = -1;
            Parallel.For(0, workers, po, _ =>
            {
                var ws = fused.CreateWorkspace(blockSize, bins, stride);
                int b;
                while (!ct.IsCancellationRequested && (b = Interlocked.Increment(ref nextBlock)) < blocks)
                {
                    int at = b * blockSize;
                    int n = Math.Min(blockSize, count - at);
                    ws.RunBlock(scenario.Seed, first + at, n, at, costCurrency, costBps, maxParticipation, forced);
                    int now = Interlocked.Add(ref done, n);
                    episodesDone?.Report(now);
                }

                lock (gate)
                {
                    ws.RecordInventory(totals);
                    participation.Add(ws.Participation);
                }
            });
            ct.ThrowIfCancellationRequested();
            return part;
        }

        if (adaptive is not null)
        {
            Parallel.For(0, blocks, po,
                () => adaptive.CreateWorkspace(blockSize, bins, stride),
                (b, _, ws) =>
                {
                    int at = b * blockSize;
                    int n = Math.Min(blockSize, count - at);
                    ws.RunBlock(scenario.Seed, first + at, n, at, part);
                    int now = Interlocked.Add(ref done, n);
                    episodesDone?.Report(now);
                    return ws;
                },
                ws =>
                {
                    lock (gate)
                    {
                        totals.Add(ws.Inventory);
                        participation.Add(ws.Participation);
                    }
                });
            return part;
        }

        Parallel.For(0, blocks, po,
            () => new Workspace(model, strategies, blockSize, bins, stride, options.FusedMarketStep),
            (b, _, ws) =>
            {
                int at = b * blockSize;
                int n = Math.Min(blockSize, count - at);
                ws.RunBlock(scenario.Seed, first + at, n);
                for (int s = 0; s < strategyCount; s++)
                {
                    var book = ws.Books[s];
                    bool posts = strategies[s] is IOrderTypeStrategy;
                    double bpsScale = 1e4 / model.ArrivalNotional;
                    var currency = costCurrency[s].AsSpan(at, n);
                    var bps = costBps[s].AsSpan(at, n);
                    book.ShortfallCurrency(currency);
                    for (int e = 0; e < n; e++) bps[e] = currency[e] * bpsScale;
                    for (int e = 0; e < n; e++)
                    {
                        forced[s][at + e] = book.ForcedOf(e);
                        unfilled[s][at + e] = book.UnfilledOf(e);
                        breaches[s][at + e] = book.BreachesOf(e);
                        maxParticipation[s][at + e] = book.MaxParticipationOf(e);
                        opportunityBps[s][at + e] = book.OpportunityOf(e) * bpsScale;
                        if (posts) passive[s][at + e] = book.PassiveOf(e);
                        if (options.KeepEpisodes) episodeResults[s][at + e] = book.Result(ws.Market, e, first + at + e);
                    }
                }

                int now = Interlocked.Add(ref done, n);
                episodesDone?.Report(now);
                return ws;
            },
            ws =>
            {
                lock (gate)
                {
                    totals.Add(ws.Inventory);
                    participation.Add(ws.Participation);
                }
            });

        // This shard's own episodes' guard firings (every episode is decided at every step), so that the merge adds up the
        // shards' counts whichever process ran each and whatever else the strategy instance ran.
        for (int s = 0; s < strategyCount; s++)
        {
            if (strategies[s] is GuardedStrategy guarded) part.Firings[s] = guarded.FiringsIn(first, count, (long)count * model.Steps);
        }

        return part;
    }

    /// <summary>
    /// Builds a run's result from its shards: per-episode values are laid end to end in episode order and the
    /// aggregates are exact integer sums, extrema and histograms, so the result is the one <see cref="Run"/> gives, bit for
    /// bit, whatever the number of shards and the order they finished in.
    /// </summary>
    /// <param name="plan">The plan the shards ran.</param>
    /// <param name="partials">Shards covering every episode of the run exactly once, in any order.</param>
    /// <exception cref="ArgumentException">The shards leave a gap, overlap, or do not match the plan.</exception>
    public static BacktestResult Merge(BacktestPlan plan, IReadOnlyList<BacktestPartial> partials)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(partials);
        var ordered = partials.OrderBy(p => p.First).ToArray();
        int strategyCount = plan.Strategies.Count;
        int steps = plan.Model.Steps;
        int episodes = plan.Episodes;
        int next = 0;
        foreach (var p in ordered)
        {
            if (p.First != next) throw new ArgumentException($"Shards must cover episodes 0 to {episodes - 1} once each; episode {next} is {(p.First > next ? "missing" : "covered twice")}.", nameof(partials));
            if (p.Strategies != strategyCount || p.Steps != steps || p.Bins != plan.Bins || p.Stride != plan.Stride)
            {
                throw new ArgumentException($"Shard from episode {p.First} was run for another plan ({p.Strategies} strategies × {p.Steps} steps, expected {strategyCount} × {steps}).", nameof(partials));
            }

            next += p.Count;
        }

        if (next != episodes) throw new ArgumentException($"Shards cover {next} of {episodes} episodes.", nameof(partials));
        bool keep = ordered.All(p => p.KeepEpisodes);
        var costBps = Concat(ordered, p => p.CostBps);
        var costCurrency = Concat(ordered, p => p.CostCurrency);
        var forced = Concat(ordered, p => p.Forced);
        var unfilled = Concat(ordered, p => p.Unfilled);
        var breaches = Concat(ordered, p => p.Breaches);
        var maxParticipation = Concat(ordered, p => p.MaxParticipation);
        var opportunityBps = Concat(ordered, p => p.OpportunityBps);
        var passive = Concat(ordered, p => p.Passive);
        var episodeResults = keep ? Concat(ordered, p => p.EpisodeResults) : new EpisodeResult[strategyCount][];
        // One shard's statistics are read as they are: added to empty statistics (zero sums and counts, infinite extrema) they
        // would come out the same, after a 2.4 MB allocation and pass at 100 steps and six strategies.
        var totals = ordered.Length == 1 ? ordered[0].Inventory : new InventoryStats(strategyCount, steps, plan.Bins, plan.Stride);
        var participation = ordered.Length == 1 ? ordered[0].Participation : new ParticipationStats(strategyCount, steps);
        if (ordered.Length > 1)
        {
            foreach (var p in ordered)
            {
                totals.Add(p.Inventory);
                participation.Add(p.Participation);
            }
        }

        var model = plan.Model;
        var scenario = plan.Scenario;
        var strategies = plan.Strategies;
        var optimum = plan.Optimum;
        int optimumIndex = plan.OptimumIndex;
        int visibleCount = plan.VisibleCount;
        double? optimumBps = optimum is { } o ? o.ExpectedCost / model.ArrivalNotional * 1e4 : null;
        int twap = strategies.ToList().FindIndex(x => StrategyId.Twap.Is(x.Id));
        int bestStatic = strategies.ToList().FindIndex(x => StrategyId.BestStatic.Is(x.Id));
        double lambda = scenario.StrategySettings.RiskAversion;
        var results = new StrategyResult[visibleCount];
        // Columns that several strategies share (the all-zero unfilled, breach, opportunity and passive columns of the fused
        // kernel, the passive column of strategies that post no limit orders) are reduced once: the same numbers, in the
        // same order, as each strategy reducing its own copy.
        var unfilledSums = SharedReductions(unfilled, visibleCount, Sum);
        var opportunitySums = SharedReductions(opportunityBps, visibleCount, Sum);
        var breachSums = SharedReductions(breaches, visibleCount, Sum);
        var orderMetrics = new Dictionary<(PassiveStats[], double[]), Lazy<OrderTypeMetrics>>(ColumnPairComparer.Instance);
        for (int s = 0; s < visibleCount; s++)
        {
            var (p, u) = (passive[s], unfilled[s]);
            orderMetrics.TryAdd((p, u), new Lazy<OrderTypeMetrics>(() => OrderTypeMetrics.From(p, u, model.Quantity, model.S0)));
        }

        // The currency costs' mean and standard deviation, which the regret and the objective's paired difference of several
        // strategies read: once per column.
        var currencyMoments = new (double Mean, double Std)[strategyCount];
        var momentColumns = Enumerable.Range(0, visibleCount).Append(optimumIndex).Append(bestStatic).Where(j => j >= 0).Distinct().ToArray();
        Parallel.For(0, momentColumns.Length, j => currencyMoments[momentColumns[j]] = Statistics.MeanStd(costCurrency[momentColumns[j]]));

        // Each strategy's summary depends on its own costs (and TWAP's, best static's, the optimum's) only: they are
        // computed side by side, each exactly as on its own.
        Parallel.For(0, visibleCount, s =>
        {
            double unfilledSum = unfilledSums[unfilled[s]].Value;
            double opportunitySum = opportunitySums[opportunityBps[s]].Value;
            long breachCount = breachSums[breaches[s]].Value;
            var (summary, forcedSum, maxPart) = Statistics.SummarizeInRun(costBps, costCurrency, currencyMoments, forced[s], maxParticipation[s],
                s, twap, optimumIndex, bestStatic, lambda, model.ArrivalNotional, model.Quantity, unfilledSum);
            double forcedFraction = forcedSum / (model.Quantity * episodes);
            double unfilledFraction = unfilledSum / (model.Quantity * episodes);
            // Per-episode passive statistics (zero for strategies that post no limit orders: their column is never written).
            var orders = orderMetrics[(passive[s], unfilled[s])].Value with { };
            var (mean, p5, p95) = totals.Inventory(s, episodes);
            results[s] = new StrategyResult
            {
                StrategyId = strategies[s].Id,
                DisplayName = HonestName(strategies[s].DisplayName, forcedFraction, unfilledFraction, breachCount),
                Summary = summary,
                Episodes = keep ? episodeResults[s] : [],
                MeanInventoryFraction = mean,
                InventoryP5Fraction = p5,
                InventoryP95Fraction = p95,
                MeanParticipation = participation.Mean(s, episodes),
                MeanForcedFraction = forcedFraction,
                MeanUnfilledFraction = unfilledFraction,
                CapBreaches = breachCount,
                MaxParticipation = maxPart,
                // The p95 across episodes of each episode's largest participation (the maximum alone is one extreme draw).
                MaxParticipationP95 = OrderStatistics.Percentile(maxParticipation[s], 0.95),
                MeanOpportunityCostBps = opportunitySum / episodes,
                Orders = orders,
            };
        });

        return new BacktestResult
        {
            ScenarioName = scenario.Name,
            Seed = scenario.Seed,
            Episodes = episodes,
            Steps = steps,
            Quantity = model.Quantity,
            ArrivalNotional = model.ArrivalNotional,
            Strategies = results,
            OptimumName = optimum?.Name,
            OptimumExpectedCostBps = optimumBps,
            OptimumExpectedCostCurrency = optimum?.ExpectedCost,
            Warnings = StrategyWarnings(strategies),
            IndependentUnits = episodes,
            UnitKind = UnitKinds.Episode,
            Guards = GuardResults(strategies, visibleCount, costBps, episodes, ordered),
        };
    }

    /// <summary>One lazily computed reduction per distinct column (by reference) of the first <paramref name="count"/> strategies.</summary>
    private static Dictionary<T[], Lazy<TResult>> SharedReductions<T, TResult>(T[][] columns, int count, Func<T[], TResult> reduce)
    {
        var reductions = new Dictionary<T[], Lazy<TResult>>(ReferenceEqualityComparer.Instance);
        for (int s = 0; s < count; s++)
        {
            var column = columns[s];
            reductions.TryAdd(column, new Lazy<TResult>(() => reduce(column)));
        }

        return reductions;
    }

    /// <summary>The sum in index order.</summary>
    private static double Sum(double[] values)
    {
        double sum = 0;
        foreach (double x in values) sum += x;
        return sum;
    }

    private static long Sum(int[] values)
    {
        long sum = 0;
        foreach (int x in values) sum += x;
        return sum;
    }

    /// <summary>Pairs of columns compared by reference.</summary>
    private sealed class ColumnPairComparer : IEqualityComparer<(PassiveStats[], double[])>
    {
        public static readonly ColumnPairComparer Instance = new();

        public bool Equals((PassiveStats[], double[]) x, (PassiveStats[], double[]) y) =>
            ReferenceEquals(x.Item1, y.Item1) && ReferenceEquals(x.Item2, y.Item2);

        public int GetHashCode((PassiveStats[], double[]) obj) =>
            HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Item1), System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Item2));
    }

    /// <summary>Each guarded strategy's firings and its paired difference against its unguarded self on the same paths.</summary>
    /// <remarks>Firings are the shards' counts added up in episode order (integer sums: the same for any sharding). Shards
    /// stored before they carried firings fall back to what this process's strategy instances counted.</remarks>
    private static IReadOnlyList<GuardResult> GuardResults(IReadOnlyList<IExecutionStrategy> strategies, int visibleCount, double[][] costBps, int episodes, BacktestPartial[] ordered)
    {
        var list = new List<GuardResult>();
        for (int g = 0; g < visibleCount; g++)
        {
            if (strategies[g] is not GuardedStrategy guarded) continue;
            int inner = strategies.ToList().FindIndex(x => x.Id == guarded.Inner.Id);
            if (inner < 0 || inner >= visibleCount) continue;
            var firings = ordered.All(p => p.HasFirings) ? SumFirings(ordered.Select(p => p.Firings[g])) : guarded.Firings;
            list.Add(new GuardResult(guarded.Id, guarded.Inner.Id, firings, episodes, Statistics.Paired(costBps[g], costBps[inner])) { FallbackThreshold = guarded.FallbackThreshold });
        }
        return list;
    }

    private static IReadOnlyList<GuardFiring> SumFirings(IEnumerable<IReadOnlyList<GuardFiring>> shards)
    {
        var sum = new List<GuardFiring>();
        foreach (var shard in shards)
        {
            foreach (var f in shard)
            {
                int i = sum.FindIndex(x => x.Guard == f.Guard);
                if (i < 0) sum.Add(f);
                else sum[i] = sum[i] with { StepsFired = sum[i].StepsFired + f.StepsFired, EpisodesFired = sum[i].EpisodesFired + f.EpisodesFired, Decisions = sum[i].Decisions + f.Decisions };
            }
        }

        return sum;
    }

    private static T[][] Concat<T>(BacktestPartial[] ordered, Func<BacktestPartial, T[][]> column)
    {
        if (ordered.Length == 1) return column(ordered[0]);
        int strategies = ordered[0].Strategies;
        var all = new T[strategies][];
        int episodes = ordered.Sum(p => p.Count);
        for (int s = 0; s < strategies; s++)
        {
            all[s] = new T[episodes];
            foreach (var p in ordered) Array.Copy(column(p)[s], 0, all[s], p.First, p.Count);
        }

        return all;
    }

    /// <summary>The distinct warnings the run's strategies raised while they were built (e.g. price manipulation).</summary>
    internal static IReadOnlyList<string> StrategyWarnings(IEnumerable<IExecutionStrategy> strategies) =>
        strategies.OfType<ScheduleStrategy>().SelectMany(x => x.Warnings).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// The name a strategy is shown under, saying what the constraints did to it: "POV 10%" that was force-finished past
    /// its cap is not the POV 10% its name promises. Strategies that completed the order within every constraint keep their name.
    /// </summary>
    public static string HonestName(string name, double forcedFraction, double unfilledFraction, long capBreaches)
    {
        ArgumentNullException.ThrowIfNull(name);
        // Below a thousandth of the order (e.g. Random's last crumbs) a forced finish is not worth a different name.
        const double Material = 1e-3;
        if (unfilledFraction >= Material) return FormattableString.Invariant($"{name} (unfinished: {unfilledFraction * 100:0.#}% left at the horizon)");
        if (capBreaches > 0) return FormattableString.Invariant($"{name} (force-finished over the cap: {forcedFraction * 100:0.#}% forced)");
        if (forcedFraction >= Material) return FormattableString.Invariant($"{name} (force-finished: {forcedFraction * 100:0.#}% forced)");
        return name;
    }

    /// <summary>Per-thread buffers: one market batch shared by one execution book per strategy.</summary>
    private sealed class Workspace
    {
        private readonly MarketModel _model;
        private readonly IReadOnlyList<IExecutionStrategy> _strategies;
        private readonly double[][] _fractions;
        private readonly ScheduleStrategy?[] _schedules;
        private readonly double[][] _passiveShares;
        private readonly Observation[][] _observations;
        private readonly long[] _episodes;

        public Workspace(MarketModel model, IReadOnlyList<IExecutionStrategy> strategies, int capacity, int bins, int stride, bool fusedMarketStep)
        {
            _model = model;
            _strategies = strategies;
            // Deferred schedule accumulation needs the market's per-step history; keep it while it stays a few megabytes, and
            // only where a book can stay uniform at all (ExecutionBook.UniformModel): with a participation cap, impact on
            // realised volume or an impact scale that differs between episodes no book ever reads it.
            bool history = (long)model.Steps * capacity <= 400_000 && double.IsPositiveInfinity(model.CapFraction)
                && !model.TransientRealizedVolume && MarketBlock.HasUniformImpactScale(model);
            Market = new MarketBlock(model, capacity, history) { FusedStep = fusedMarketStep };
            Books = new ExecutionBook[strategies.Count];
            _fractions = new double[strategies.Count][];
            _schedules = strategies.Select(x => x as ScheduleStrategy).ToArray();
            _passiveShares = new double[strategies.Count][];
            _observations = new Observation[strategies.Count][];
            for (int s = 0; s < strategies.Count; s++)
            {
                Books[s] = new ExecutionBook(model, capacity) { DeferUniform = history };
                _fractions[s] = new double[capacity];
                _passiveShares[s] = strategies[s] is IOrderTypeStrategy ? new double[capacity] : [];
                _observations[s] = strategies[s].UsesObservations ? new Observation[capacity] : [];
            }

            _episodes = new long[capacity];
            Inventory = new InventoryStats(strategies.Count, model.Steps, bins, stride);
            Participation = new ParticipationStats(strategies.Count, model.Steps);
        }

        public MarketBlock Market { get; }
        public ExecutionBook[] Books { get; }
        public InventoryStats Inventory { get; }
        public ParticipationStats Participation { get; }

        public void RunBlock(long seed, int first, int count)
        {
            for (int e = 0; e < count; e++) _episodes[e] = first + e;
            Market.Reset(seed, _episodes.AsSpan(0, count));
            for (int s = 0; s < Books.Length; s++) Books[s].Reset(count);
            int steps = _model.Steps;
            for (int k = 0; k < steps; k++)
            {
                var ctx = new DecisionContext
                {
                    Scenario = _model.StrategyScenario,
                    Seed = seed,
                    Step = k,
                    Steps = steps,
                    Quantity = _model.Quantity,
                    ExpectedStepVolume = _model.ExpectedVolume[k],
                };
                double? inverseVolume = null;
                for (int s = 0; s < Books.Length; s++)
                {
                    var book = Books[s];
                    Inventory.Record(s, k, book, _model.Quantity, first);
                    // A schedule trades the same fraction in every episode: while the book is uniform, skip the per-episode
                    // fractions (same arithmetic as Decide then Apply).
                    if (_schedules[s] is not { } schedule || !book.TryApplyUniform(Market, schedule.FractionAt(k)))
                    {
                        var fr = _fractions[s].AsSpan(0, count);
                        if (_strategies[s] is IProgressStrategy progress and not IOrderTypeStrategy)
                        {
                            // Decided straight from the book's arrays: no observation is built per episode.
                            progress.Decide(ctx, book.Progress(Market), fr);
                            book.Apply(Market, fr);
                        }
                        else
                        {
                            ReadOnlySpan<Observation> obs = default;
                            if (_observations[s].Length > 0)
                            {
                                var o = _observations[s].AsSpan(0, count);
                                book.Observe(Market, o);
                                obs = o;
                            }

                            _strategies[s].Decide(ctx, obs, fr);
                            if (_strategies[s] is IOrderTypeStrategy typed)
                            {
                                var share = _passiveShares[s].AsSpan(0, count);
                                typed.DecidePassiveShare(ctx, obs, fr, share);
                                book.ApplyOrders(Market, fr, share, typed.Limit);
                            }
                            else book.Apply(Market, fr);
                        }
                    }

                    if (book.IsUniform) inverseVolume ??= ExecutionBook.InverseVolumeSum(Market, count);
                    Participation.Record(s, k, book.StepParticipationSum(Market, inverseVolume));
                }

                Market.Advance();

                // Flush deferred schedule terms while the recent market history is still in cache.
                if ((k & 7) == 7)
                {
                    foreach (var book in Books) book.Flush(Market);
                }
            }

            for (int s = 0; s < Books.Length; s++)
            {
                Inventory.Record(s, steps, Books[s], _model.Quantity, first);
                Books[s].Flush(Market);
                Books[s].Close(Market);
            }
        }
    }

    /// <summary>Participation-rate sums per strategy and step. Each batch's sum is taken in episode order and then added as a
    /// 128-bit fixed-point integer, so the total (and the mean) does not depend on how batches were spread over threads.</summary>
    internal sealed class ParticipationStats
    {
        private readonly Int128[][] _sum;

        public ParticipationStats(int strategies, int steps)
        {
            _sum = new Int128[strategies][];
            for (int s = 0; s < strategies; s++) _sum[s] = new Int128[steps];
        }

        public void Record(int s, int k, double batchSum) => _sum[s][k] += (Int128)Math.Round(batchSum * FixedPointScale);

        public void Add(ParticipationStats other)
        {
            for (int s = 0; s < _sum.Length; s++)
            {
                for (int k = 0; k < _sum[s].Length; k++) _sum[s][k] += other._sum[s][k];
            }
        }

        public void Write(BinaryWriter w)
        {
            foreach (var row in _sum)
            {
                foreach (var v in row)
                {
                    w.Write((ulong)(v >> 64));
                    w.Write((ulong)v);
                }
            }
        }

        public void Read(BinaryReader r)
        {
            foreach (var row in _sum)
            {
                for (int k = 0; k < row.Length; k++) row[k] = (Int128)new UInt128(r.ReadUInt64(), r.ReadUInt64());
            }
        }

        public double[] Mean(int s, int episodes)
        {
            var mean = new double[_sum[s].Length];
            for (int k = 0; k < mean.Length; k++) mean[k] = (double)_sum[s][k] / FixedPointScale / episodes;
            return mean;
        }
    }

    /// <summary>Remaining-inventory statistics per strategy and step: exact fixed-point sums over every episode (integer
    /// addition is associative, so the mean does not depend on thread scheduling), exact minima and maxima, and histograms
    /// for percentiles over the deterministic sample of episodes whose index is a multiple of the stride.</summary>
    internal sealed class InventoryStats
    {
        private readonly int _steps;
        private readonly int _bins;
        private readonly int _stride;
        private readonly long[][] _sum;
        private readonly int[][] _hist;
        private readonly double[][] _min;
        private readonly double[][] _max;

        public InventoryStats(int strategies, int steps, int bins, int stride)
        {
            _steps = steps;
            _bins = bins;
            _stride = stride;
            _sum = new long[strategies][];
            _hist = new int[strategies][];
            _min = new double[strategies][];
            _max = new double[strategies][];
            for (int s = 0; s < strategies; s++)
            {
                _sum[s] = new long[steps + 1];
                _hist[s] = new int[(steps + 1) * bins];
                _min[s] = new double[steps + 1];
                _max[s] = new double[steps + 1];
                Array.Fill(_min[s], double.PositiveInfinity);
                Array.Fill(_max[s], double.NegativeInfinity);
            }
        }

        public void Record(int s, int k, ExecutionBook book, double quantity, int first)
        {
            int count = book.Count;
            int sampled = (first + count + _stride - 1) / _stride - (first + _stride - 1) / _stride;
            if (book.IsUniform)
            {
                RecordUniform(s, k, count, book.UniformRemaining, quantity, first);
                return;
            }

            var remaining = book.RemainingPerEpisode;
            double inv = 1.0 / quantity;
            int w = Vector<double>.Count;
            var vInv = new Vector<double>(inv);
            var vSum = Vector<long>.Zero;
            var vMin = new Vector<double>(double.PositiveInfinity);
            var vMax = new Vector<double>(double.NegativeInfinity);
            int e = 0;
            for (; e + w <= remaining.Length; e += w)
            {
                var f = Fraction(new Vector<double>(remaining[e..]), vInv);
                vSum += FixedPoint(f);
                vMin = Vector.MinNative(vMin, f);
                vMax = Vector.MaxNative(vMax, f);
            }

            long sum = Vector.Sum(vSum);
            double lo = _min[s][k], hi = _max[s][k];
            for (int i = 0; i < w; i++)
            {
                lo = Math.Min(lo, vMin[i]);
                hi = Math.Max(hi, vMax[i]);
            }

            for (; e < remaining.Length; e++)
            {
                double f = Math.Clamp(remaining[e] * inv, 0, 1);
                sum += (long)(f * FixedPointScale + 0.5);
                lo = Math.Min(lo, f);
                hi = Math.Max(hi, f);
            }

            _sum[s][k] += sum;
            _min[s][k] = lo;
            _max[s][k] = hi;
            var hist = _hist[s].AsSpan(k * _bins, _bins);
            int start = (first + _stride - 1) / _stride * _stride - first;
            for (int j = start; j < count; j += _stride)
            {
                double f = Math.Clamp(remaining[j] * inv, 0, 1);
                hist[Math.Min((int)(f * _bins), _bins - 1)]++;
            }
        }

        /// <summary><c>Math.Clamp(remaining × inverseQuantity, 0, 1)</c> lane by lane, with its result for NaN and −0 (each
        /// passes through), in one instruction per bound: the native maximum and minimum return their second operand when
        /// the comparison fails.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<double> Fraction(Vector<double> remaining, Vector<double> inverseQuantity) =>
            Vector.MinNative(Vector<double>.One, Vector.MaxNative(Vector<double>.Zero, remaining * inverseQuantity));

        /// <summary><c>(long)(f × FixedPointScale + 0.5)</c> lane by lane for fractions from <see cref="Fraction"/> (in
        /// [0, 1] or NaN, which gives 0 as the conversion does): the sum is floored and read off the bits of 2⁵² plus it,
        /// exact below 2⁵², where a vector conversion without AVX-512 goes through memory lane by lane.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector<long> FixedPoint(Vector<double> f)
        {
            const double TwoTo52 = 4503599627370496.0;
            var t = f * new Vector<double>(FixedPointScale) + new Vector<double>(0.5);
            var bits = Vector.AsVectorInt64(Vector.Floor(t) + new Vector<double>(TwoTo52)) - new Vector<long>(0x4330000000000000L);
            return Vector.ConditionalSelect(Vector.AsVectorInt64(Vector.Equals(t, t)), bits, Vector<long>.Zero);
        }

        /// <summary>
        /// What <see cref="Record"/> adds for a batch whose remaining fractions were reduced elsewhere with its operations:
        /// <paramref name="sum"/> (the fixed-point sum of the batch's whole vectors) and their lane minima and maxima, then
        /// the last episodes that do not fill a vector (<paramref name="tail"/>, remaining shares) one by one. The
        /// histogram's samples are added by <see cref="Sample"/>.
        /// </summary>
        public void RecordReduced(int s, int k, long sum, Vector<double> min, Vector<double> max, ReadOnlySpan<double> tail, double quantity)
        {
            double inv = 1.0 / quantity;
            double lo = _min[s][k], hi = _max[s][k];
            for (int i = 0; i < Vector<double>.Count; i++)
            {
                lo = Math.Min(lo, min[i]);
                hi = Math.Max(hi, max[i]);
            }

            foreach (double r in tail)
            {
                double f = Math.Clamp(r * inv, 0, 1);
                sum += (long)(f * FixedPointScale + 0.5);
                lo = Math.Min(lo, f);
                hi = Math.Max(hi, f);
            }

            _sum[s][k] += sum;
            _min[s][k] = lo;
            _max[s][k] = hi;
        }

        /// <summary>Adds the sampled episode whose remaining shares at steps 1, 2, … are <paramref name="remaining"/>[j ×
        /// <paramref name="spacing"/>] (j from 0) to the histograms of those steps, as <see cref="Record"/> does for the
        /// episodes whose index is a multiple of the stride.</summary>
        public void Sample(int s, ReadOnlySpan<double> remaining, int spacing, double inverseQuantity)
        {
            var hist = _hist[s];
            int bins = _bins;
            for (int k = 1, j = 0; k <= _steps; k++, j += spacing)
            {
                double f = Math.Clamp(remaining[j] * inverseQuantity, 0, 1);
                hist[k * bins + Math.Min((int)(f * bins), bins - 1)]++;
            }
        }

        /// <summary>Every how many episodes one is sampled for the histograms (<see cref="Sample"/>).</summary>
        public int Stride => _stride;

        /// <summary>Records a batch of <paramref name="count"/> episodes from <paramref name="first"/> that all hold
        /// <paramref name="remaining"/> at step <paramref name="k"/>.</summary>
        public void RecordUniform(int s, int k, int count, double remaining, double quantity, int first) =>
            RecordUniform(s, k, count, Sampled(first, count), remaining, quantity);

        /// <summary>Episodes first … first + count − 1 that the histograms sample (indices that are multiples of the stride).</summary>
        public int Sampled(int first, int count) => Sampled(first, count, _stride);

        /// <summary><see cref="Sampled(int, int)"/> for a sampling stride of <paramref name="stride"/>.</summary>
        public static int Sampled(int first, int count, int stride) => (first + count + stride - 1) / stride - (first + stride - 1) / stride;

        /// <summary>Records <paramref name="episodes"/> episodes that all hold <paramref name="remaining"/> at step
        /// <paramref name="k"/>, <paramref name="sampled"/> of them sampled: the same integer sums, extrema and counts as
        /// recording them batch by batch (integer addition is associative, wrapping included).</summary>
        public void RecordUniform(int s, int k, long episodes, int sampled, double remaining, double quantity)
        {
            double u = Math.Clamp(remaining / quantity, 0, 1);
            _sum[s][k] += episodes * (long)(u * FixedPointScale + 0.5);
            _min[s][k] = Math.Min(_min[s][k], u);
            _max[s][k] = Math.Max(_max[s][k], u);
            _hist[s][k * _bins + Math.Min((int)(u * _bins), _bins - 1)] += sampled;
        }

        public void Add(InventoryStats other)
        {
            for (int s = 0; s < _sum.Length; s++)
            {
                for (int k = 0; k <= _steps; k++)
                {
                    _sum[s][k] += other._sum[s][k];
                    _min[s][k] = Math.Min(_min[s][k], other._min[s][k]);
                    _max[s][k] = Math.Max(_max[s][k], other._max[s][k]);
                }

                for (int i = 0; i < _hist[s].Length; i++) _hist[s][i] += other._hist[s][i];
            }
        }

        public void Write(BinaryWriter w)
        {
            for (int s = 0; s < _sum.Length; s++)
            {
                foreach (var v in _sum[s]) w.Write(v);
                foreach (var v in _min[s]) w.Write(v);
                foreach (var v in _max[s]) w.Write(v);
                // Histograms are mostly empty: runs of zeros are stored as their length.
                var hist = _hist[s];
                for (int i = 0; i < hist.Length;)
                {
                    int zeros = 0;
                    while (i + zeros < hist.Length && hist[i + zeros] == 0) zeros++;
                    if (zeros > 0)
                    {
                        w.Write(-zeros);
                        i += zeros;
                    }
                    else
                    {
                        w.Write(hist[i++]);
                    }
                }
            }
        }

        public void Read(BinaryReader r)
        {
            for (int s = 0; s < _sum.Length; s++)
            {
                for (int k = 0; k <= _steps; k++) _sum[s][k] = r.ReadInt64();
                for (int k = 0; k <= _steps; k++) _min[s][k] = r.ReadDouble();
                for (int k = 0; k <= _steps; k++) _max[s][k] = r.ReadDouble();
                var hist = _hist[s];
                for (int i = 0; i < hist.Length;)
                {
                    int v = r.ReadInt32();
                    if (v < 0)
                    {
                        if (i - v > hist.Length) throw new InvalidDataException("Inventory histogram runs past its end.");
                        Array.Clear(hist, i, -v);
                        i -= v;
                    }
                    else
                    {
                        hist[i++] = v;
                    }
                }
            }
        }

        public (double[] Mean, double[] P5, double[] P95) Inventory(int s, int episodes)
        {
            var mean = new double[_steps + 1];
            var p5 = new double[_steps + 1];
            var p95 = new double[_steps + 1];
            for (int k = 0; k <= _steps; k++)
            {
                mean[k] = _sum[s][k] / FixedPointScale / episodes;
                (p5[k], p95[k]) = Percentiles(s, k, 0.05, 0.95);
            }

            return (mean, p5, p95);
        }

        /// <summary>Percentiles <paramref name="low"/> ≤ <paramref name="high"/> of step k's histogram, interpolated within
        /// the bin, in one scan of the bins (the running count is the same for both).</summary>
        private (double Low, double High) Percentiles(int s, int k, double low, double high)
        {
            var hist = _hist[s].AsSpan(k * _bins, _bins);
            long total = 0;
            foreach (int h in hist) total += h;
            double lowTarget = low * total, highTarget = high * total;
            double cum = 0;
            double lowValue = 1, highValue = 1;
            bool lowFound = false;
            for (int i = 0; i < _bins; i++)
            {
                if (hist[i] == 0) continue;
                if (!lowFound && cum + hist[i] >= lowTarget)
                {
                    lowValue = (i + (lowTarget - cum) / hist[i]) / _bins;
                    lowFound = true;
                }

                if (cum + hist[i] >= highTarget)
                {
                    highValue = (i + (highTarget - cum) / hist[i]) / _bins;
                    break;
                }

                cum += hist[i];
            }

            return (Math.Clamp(lowValue, _min[s][k], _max[s][k]), Math.Clamp(highValue, _min[s][k], _max[s][k]));
        }
    }
}
