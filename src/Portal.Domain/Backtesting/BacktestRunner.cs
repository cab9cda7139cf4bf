using System.Numerics;
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

    private const double FixedPointScale = 1L << 40;

    /// <summary>Runs the backtest.</summary>
    /// <param name="scenario">A valid scenario (throws <see cref="ScenarioValidationException"/> otherwise).</param>
    /// <param name="options">Extra strategies, parallelism, whether to keep per-episode results.</param>
    /// <param name="episodesDone">Receives the number of episodes completed so far (all strategies), monotonically.</param>
    /// <param name="ct">Cancels the run between batches.</param>
    public static BacktestResult Run(Scenario scenario, BacktestOptions? options = null, IProgress<int>? episodesDone = null, CancellationToken ct = default)
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
        int optimumIndex = optimum is null ? -1 : strategies.Count - 1;
        int strategyCount = strategies.Count;
        int steps = model.Steps;
        int episodes = scenario.Episodes;
        int blockSize = Math.Min(BlockSize, episodes);
        int blocks = (episodes + blockSize - 1) / blockSize;
        int bins = Math.Clamp(4_000_000 / (strategyCount * (steps + 1)), 10, 1000);

        var costBps = new double[strategyCount][];
        var costCurrency = new double[strategyCount][];
        // Per-episode forced and unfilled shares, cap breaches and opportunity costs are allocated only once some episode
        // has a non-zero value (schedules that finish have none); a missing array reads as zeros.
        var forced = new double[]?[strategyCount];
        var unfilled = new double[]?[strategyCount];
        var breaches = new int[]?[strategyCount];
        var opportunityBps = new double[]?[strategyCount];
        // Largest participation per strategy and batch (the maximum does not depend on the order it is taken in).
        var maxParticipation = new double[strategyCount][];
        // Each episode's largest participation, for the percentile across episodes (the maximum alone is one extreme draw).
        var episodeMaxParticipation = new double[strategyCount][];
        var passive = new PassiveStats[strategyCount][];
        var episodeResults = new EpisodeResult[strategyCount][];
        for (int s = 0; s < strategyCount; s++)
        {
            costBps[s] = GC.AllocateUninitializedArray<double>(episodes);
            costCurrency[s] = GC.AllocateUninitializedArray<double>(episodes);
            maxParticipation[s] = new double[blocks];
            episodeMaxParticipation[s] = GC.AllocateUninitializedArray<double>(episodes);
            passive[s] = new PassiveStats[episodes];
            episodeResults[s] = options.KeepEpisodes ? new EpisodeResult[episodes] : [];
        }

        int stride = Math.Max(1, episodes / 20_000);
        var totals = new InventoryStats(strategyCount, steps, bins, stride);
        var participation = new ParticipationStats(strategyCount, steps);
        var gate = new object();
        int done = 0;
        var po = new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount };
        Parallel.For(0, blocks, po,
            () => new Workspace(model, strategies, blockSize, bins, stride),
            (b, _, ws) =>
            {
                int first = b * blockSize;
                int count = Math.Min(blockSize, episodes - first);
                ws.RunBlock(scenario.Seed, first, count);
                double bpsScale = 1e4 / model.ArrivalNotional;
                for (int s = 0; s < strategyCount; s++)
                {
                    var book = ws.Books[s];
                    var currency = costCurrency[s].AsSpan(first, count);
                    var bps = costBps[s].AsSpan(first, count);
                    book.ShortfallCurrency(currency);
                    for (int e = 0; e < count; e++) bps[e] = currency[e] * bpsScale;
                    maxParticipation[s][b] = book.MaxParticipationOfBatch();
                    for (int e = 0; e < count; e++)
                    {
                        double f = book.ForcedOf(e), u = book.UnfilledOf(e), o = book.OpportunityOf(e) * bpsScale;
                        int breach = book.BreachesOf(e);
                        if (!IsPositiveZero(f)) Ensure(ref forced[s], episodes)[first + e] = f;
                        if (!IsPositiveZero(u)) Ensure(ref unfilled[s], episodes)[first + e] = u;
                        if (!IsPositiveZero(o)) Ensure(ref opportunityBps[s], episodes)[first + e] = o;
                        if (breach != 0) Ensure(ref breaches[s], episodes)[first + e] = breach;
                        passive[s][first + e] = book.PassiveOf(e);
                        episodeMaxParticipation[s][first + e] = book.MaxParticipationOf(e);
                        if (options.KeepEpisodes) episodeResults[s][first + e] = book.Result(ws.Market, e, first + e);
                    }
                }

                int now = Interlocked.Add(ref done, count);
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

        double? optimumBps = optimum is { } o ? o.ExpectedCost / model.ArrivalNotional * 1e4 : null;
        int twap = strategies.FindIndex(x => StrategyId.Twap.Is(x.Id));
        int bestStatic = strategies.FindIndex(x => StrategyId.BestStatic.Is(x.Id));
        double lambda = scenario.StrategySettings.RiskAversion;
        var results = new StrategyResult[visibleCount];
        // Each strategy's summary depends on its own costs (and TWAP's, best static's, the optimum's) only: they are
        // computed side by side, each exactly as on its own.
        Parallel.For(0, visibleCount, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = po.MaxDegreeOfParallelism }, s =>
        {
            double forcedSum = 0, unfilledSum = 0, opportunitySum = 0, maxPart = 0;
            long breachCount = 0;
            if (forced[s] is { } fs) foreach (double x in fs) forcedSum += x;
            if (unfilled[s] is { } us) foreach (double x in us) unfilledSum += x;
            if (opportunityBps[s] is { } os) foreach (double x in os) opportunitySum += x;
            if (breaches[s] is { } bs) foreach (int x in bs) breachCount += x;
            foreach (double x in maxParticipation[s]) maxPart = Math.Max(maxPart, x);

            PairedDifference? vsTwap = s == twap ? null : Statistics.Paired(costBps[s], costBps[twap]);
            double? regret = optimumIndex < 0 ? null : Statistics.ObjectiveRegretBps(costCurrency[s], costCurrency[optimumIndex], lambda, model.ArrivalNotional);
            double forcedFraction = forcedSum / (model.Quantity * episodes);
            double unfilledFraction = unfilledSum / (model.Quantity * episodes);
            var summary = Statistics.Summarize(costBps[s], costCurrency[s], 1 - forcedFraction - unfilledFraction, vsTwap, regret) with
            {
                VsBestStatic = s == bestStatic || bestStatic < 0 ? null : Statistics.Paired(costBps[s], costBps[bestStatic]),
                VsBestStaticObjective = s == bestStatic || bestStatic < 0 ? null
                    : Statistics.PairedObjective(costCurrency[s], costCurrency[bestStatic], lambda, model.ArrivalNotional),
            };
            var orders = OrderTypeMetrics.From(passive[s], model.Quantity, model.S0, unfilledFraction);
            var (mean, p5, p95) = totals.Inventory(s, episodes);
            results[s] = new StrategyResult
            {
                StrategyId = strategies[s].Id,
                DisplayName = HonestName(strategies[s].DisplayName, forcedFraction, unfilledFraction, breachCount),
                Summary = summary,
                Episodes = episodeResults[s],
                MeanInventoryFraction = mean,
                InventoryP5Fraction = p5,
                InventoryP95Fraction = p95,
                MeanParticipation = participation.Mean(s, episodes),
                MeanForcedFraction = forcedFraction,
                MeanUnfilledFraction = unfilledFraction,
                CapBreaches = breachCount,
                MaxParticipation = maxPart,
                MaxParticipationP95 = Statistics.Percentile(episodeMaxParticipation[s], 0.95),
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
        };
    }

    private static bool IsPositiveZero(double x) => BitConverter.DoubleToInt64Bits(x) == 0;

    /// <summary>The array, allocated by whichever batch needs it first.</summary>
    private static T[] Ensure<T>(ref T[]? array, int length)
    {
        var a = Volatile.Read(ref array);
        if (a is not null) return a;
        Interlocked.CompareExchange(ref array, new T[length], null);
        return array!;
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

        public Workspace(MarketModel model, IReadOnlyList<IExecutionStrategy> strategies, int capacity, int bins, int stride)
        {
            _model = model;
            _strategies = strategies;
            // Deferred schedule accumulation needs the market's per-step history; keep it while it stays a few megabytes.
            bool history = (long)model.Steps * capacity <= 400_000;
            Market = new MarketBlock(model, capacity, history);
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
    private sealed class ParticipationStats
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
    private sealed class InventoryStats
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
                double u = Math.Clamp(book.UniformRemaining / quantity, 0, 1);
                _sum[s][k] += count * (long)(u * FixedPointScale + 0.5);
                _min[s][k] = Math.Min(_min[s][k], u);
                _max[s][k] = Math.Max(_max[s][k], u);
                _hist[s][k * _bins + Math.Min((int)(u * _bins), _bins - 1)] += sampled;
                return;
            }

            var remaining = book.RemainingPerEpisode;
            double inv = 1.0 / quantity;
            int w = Vector<double>.Count;
            var vInv = new Vector<double>(inv);
            var vScale = new Vector<double>(FixedPointScale);
            var half = new Vector<double>(0.5);
            var zero = Vector<double>.Zero;
            var one = Vector<double>.One;
            var vSum = Vector<long>.Zero;
            var vMin = new Vector<double>(double.PositiveInfinity);
            var vMax = new Vector<double>(double.NegativeInfinity);
            int e = 0;
            for (; e + w <= remaining.Length; e += w)
            {
                var f = Vector.Min(Vector.Max(new Vector<double>(remaining[e..]) * vInv, zero), one);
                vSum += Vector.ConvertToInt64(f * vScale + half);
                vMin = Vector.Min(vMin, f);
                vMax = Vector.Max(vMax, f);
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

        public (double[] Mean, double[] P5, double[] P95) Inventory(int s, int episodes)
        {
            var mean = new double[_steps + 1];
            var p5 = new double[_steps + 1];
            var p95 = new double[_steps + 1];
            for (int k = 0; k <= _steps; k++)
            {
                mean[k] = _sum[s][k] / FixedPointScale / episodes;
                p5[k] = Percentile(s, k, 0.05);
                p95[k] = Percentile(s, k, 0.95);
            }

            return (mean, p5, p95);
        }

        private double Percentile(int s, int k, double p)
        {
            var hist = _hist[s].AsSpan(k * _bins, _bins);
            long total = 0;
            foreach (int h in hist) total += h;
            double target = p * total;
            double cum = 0;
            double value = 1;
            for (int i = 0; i < _bins; i++)
            {
                if (hist[i] == 0) continue;
                if (cum + hist[i] >= target)
                {
                    value = (i + (target - cum) / hist[i]) / _bins;
                    break;
                }

                cum += hist[i];
            }

            return Math.Clamp(value, _min[s][k], _max[s][k]);
        }
    }
}
