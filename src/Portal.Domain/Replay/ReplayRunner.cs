using System.Globalization;
using Portal.Domain.Backtesting;
using Portal.Domain.MarketData;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies;

namespace Portal.Domain.Replay;

/// <summary>
/// Runs a scenario's strategies against a recorded dataset instead of a simulated market, producing the same
/// <see cref="BacktestResult"/> (same <see cref="EpisodeResult"/> metrics) as <see cref="BacktestRunner"/>.
/// </summary>
/// <remarks>
/// <para>Episode e starts at its own time of the chosen segment (windows evenly spaced over the segment, each wholly inside it)
/// and lasts <c>order.horizonMinutes</c> of recorded time, split into <c>order.steps</c> decision steps. Every strategy replays the
/// same windows, so comparisons are paired as in the simulator.</para>
/// <para>At step k a child order walks the visible levels of the last snapshot at or before the step time (<see cref="BookWalk"/>),
/// shifted adversely by our own transient displacement D. After the child, D grows by
/// <c>TransientImpactFactor × q × (visible span + one spacing) / visible depth</c> (a linear book with the recorded density:
/// Obizhaeva and Wang, 2013) and decays as e^(−t/τ) with τ = <see cref="ReplayOptions.ImpactDecaySeconds"/>; D shifts every
/// following snapshot this episode sees (its mid in the observations and every price it trades at).</para>
/// <para>The participation cap (<c>constraints.maxParticipationPct</c>) is measured against the recorded trade volume of the step;
/// the remainder is force-traded at the last step and reported. Costs follow the simulator's decomposition: timing = recorded mid
/// move since arrival, spread = half the recorded spread, temporary = the walk beyond the touch plus our displacement D,
/// permanent = 0 (replay has no permanent own impact), plus <c>costs.feeBps</c> and <c>costs.feePerShare</c>;
/// <c>costs.slippageNoiseBps</c> is not applied because prices are recorded. Observation.RealizedVolatility is the realised
/// variance of the recorded mid over the previous step, across every snapshot, relative to σ²Δt.</para>
/// <para>From the scenario's market only <c>dailyVolatility</c> is used (to scale observations, unless
/// <see cref="ReplayOptions.DailyVolatility"/> is set) and the baselines' own parameters; the order is sized from the dataset's ADV
/// (or <see cref="ReplayOptions.Adv"/>), and <c>order.startMinutesAfterOpen</c> is replaced by the episode windows.</para>
/// <para>The recording, the child-order execution and the observations live in <see cref="RecordedMarket"/>, shared with the
/// agents' replay market, so a strategy costs the same here and in training. Observation.BookImbalance is the recorded top-level
/// volume imbalance signed favourable-positive for the order's side.</para>
/// <para>Independent units: overlapping windows share market time, so episodes are not independent. The segment is cut
/// into non-overlapping horizon-length blocks and each episode belongs to the block its window starts in
/// (<see cref="WindowBlocks"/>); every interval (the mean's and each paired difference's) is a cluster-robust interval over
/// those blocks (<see cref="Statistics.ClusterMean"/>), and the result reports the number of blocks as
/// <c>IndependentUnits</c> with unit kind <see cref="UnitKinds.Window"/>. A 117-minute segment with a 30-minute horizon has
/// three blocks of starts however many episodes are drawn.</para>
/// <para>Deterministic: no randomness except strategies' own streams keyed by (seed, episode, step).</para>
/// </remarks>
public static class ReplayRunner
{
    /// <summary>Largest episodes × steps a replay accepts (its market path is held in memory).</summary>
    public const long MaxEpisodeSteps = 20_000_000;

    /// <summary>Replays <paramref name="scenario"/> on <paramref name="dataset"/>.</summary>
    /// <param name="scenario">A valid scenario: order, costs, constraints, strategies, episodes (windows) and seed are used; the market model is not.</param>
    /// <param name="dataset">Dataset with book snapshots (and trades for the participation cap and ADV).</param>
    /// <param name="options">Replay settings.</param>
    /// <param name="backtest">Extra strategies (e.g. trained agents) and whether to keep episodes; parallelism is ignored.</param>
    public static BacktestResult Run(Scenario scenario, MarketDataset dataset, ReplayOptions? options = null, BacktestOptions? backtest = null)
        => RunCore(scenario, dataset, options, backtest, null, out _);

    /// <summary>As <see cref="Run"/>, also returning how many book snapshots the replay advanced through.</summary>
    public static BacktestResult Run(Scenario scenario, MarketDataset dataset, ReplayOptions? options, BacktestOptions? backtest, out long bookUpdates)
        => RunCore(scenario, dataset, options, backtest, null, out bookUpdates);

    /// <summary>
    /// Replays episode (window) <paramref name="episode"/> alone, step by step, for the run page's episode explorer: every
    /// strategy's child orders with their fills, the recorded touch over the window, and the episode's result. The same
    /// code path as <see cref="Run"/> restricted to one window, so the result equals the stored episode's; nothing recorded
    /// after the window's end is read for the trace.
    /// </summary>
    /// <param name="scenario">A valid replay scenario (its episodes fix the windows).</param>
    /// <param name="dataset">The recording it replays.</param>
    /// <param name="episode">Window index in [0, scenario.Episodes).</param>
    /// <param name="options">Replay settings (the scenario's).</param>
    /// <param name="extras">Strategies beyond the baselines, e.g. trained agents, as the run had them.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="episode"/> is outside [0, scenario.Episodes).</exception>
    public static EpisodeTrace Trace(Scenario scenario, MarketDataset dataset, int episode, ReplayOptions? options = null, IReadOnlyList<IExecutionStrategy>? extras = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (episode < 0 || episode >= scenario.Episodes)
            throw new ArgumentOutOfRangeException(nameof(episode), episode, $"episode must be in [0, {scenario.Episodes}).");
        var recorder = new TraceRecorder(episode);
        RunCore(scenario, dataset, options, new BacktestOptions { ExtraStrategies = extras ?? [] }, recorder, out _);
        return recorder.Trace!;
    }

    /// <summary>The training/test boundary: <c>start + TrainFraction × (end − start)</c>, ns.</summary>
    public static long SplitTime(MarketDataset dataset, ReplayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= new ReplayOptions();
        options.Check();
        var s = dataset.Summary;
        return s.StartTimeNs + (long)Math.Round(options.TrainFraction * (s.EndTimeNs - s.StartTimeNs));
    }

    /// <summary>Episode windows for a scenario: evenly spaced over the segment, each wholly inside it.</summary>
    public static IReadOnlyList<ReplayWindow> Windows(Scenario scenario, MarketDataset dataset, ReplayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= new ReplayOptions();
        options.Check();
        var (from, to) = SegmentRange(dataset, options);
        var horizon = (long)Math.Round(scenario.Order.HorizonMinutes * 60e9);
        var room = to - from - horizon;
        if (room < 0)
        {
            // The same check and words as the portal's and the API's (HorizonLimits), with the recording in hand.
            var horizonError = HorizonLimits.Check(scenario with { Replay = (scenario.Replay ?? new ReplaySpec()) with { Options = options } }, (to - from) / 6e10)
                ?? new ValidationError("order.horizonMinutes", $"is {scenario.Order.HorizonMinutes:G6}, longer than the {options.Segment} segment of {(to - from) / 6e10:0.##} minutes");
            throw new ScenarioValidationException([horizonError]);
        }
        var n = scenario.Episodes;
        var windows = new ReplayWindow[n];
        for (var e = 0; e < n; e++)
        {
            var start = from + (n == 1 ? 0 : (long)Math.Round(room * (double)e / (n - 1)));
            windows[e] = new ReplayWindow(e, start, start + horizon);
        }
        return windows;
    }

    /// <summary>The independent unit of each episode: the index of the non-overlapping horizon-length block of the segment
    /// its window starts in (block b covers starts in [from + b·horizon, from + (b+1)·horizon)).</summary>
    public static int[] WindowBlocks(Scenario scenario, MarketDataset dataset, ReplayOptions? options = null)
    {
        var windows = Windows(scenario, dataset, options);
        options ??= new ReplayOptions();
        var from = SegmentRange(dataset, options).From;
        var horizon = (long)Math.Round(scenario.Order.HorizonMinutes * 60e9);
        return WindowBlocks(windows, from, horizon);
    }

    /// <summary>Block index of each window's start measured from <paramref name="from"/> in blocks of <paramref name="blockNs"/>.</summary>
    public static int[] WindowBlocks(IReadOnlyList<ReplayWindow> windows, long from, long blockNs)
    {
        ArgumentNullException.ThrowIfNull(windows);
        if (blockNs <= 0) throw new ArgumentOutOfRangeException(nameof(blockNs), blockNs, "Block length must be positive.");
        var blocks = new int[windows.Count];
        for (var e = 0; e < blocks.Length; e++) blocks[e] = (int)Math.Max(0, (windows[e].StartNs - from) / blockNs);
        return blocks;
    }

    private static (long From, long To) SegmentRange(MarketDataset dataset, ReplayOptions options)
    {
        var s = dataset.Summary;
        var first = dataset.Book.Count > 0 ? dataset.Book.Times[0] : s.StartTimeNs;
        return SegmentRange(s.StartTimeNs, s.EndTimeNs, first, options);
    }

    /// <summary>
    /// The time range episode windows of <paramref name="options"/>' segment are drawn from, for a dataset whose events run
    /// from <paramref name="startNs"/> to <paramref name="endNs"/> and whose first book snapshot is at <paramref name="firstBookNs"/>.
    /// </summary>
    public static (long From, long To) SegmentRange(long startNs, long endNs, long firstBookNs, ReplayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Check();
        var split = startNs + (long)Math.Round(options.TrainFraction * (endNs - startNs));
        return options.Segment switch
        {
            ReplaySegment.Train => (firstBookNs, split),
            ReplaySegment.Test => (split, endNs),
            _ => (firstBookNs, endNs),
        };
    }

    private static BacktestResult RunCore(Scenario scenario, MarketDataset dataset, ReplayOptions? options, BacktestOptions? backtest, TraceRecorder? recorder, out long bookUpdates)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(dataset);
        scenario.EnsureValid();
        options ??= new ReplayOptions();
        options.Check();
        backtest ??= new BacktestOptions();
        var book = dataset.Book;
        if (book.Count < 2) throw new ArgumentException($"Replay needs book snapshots; dataset has {book.Count}.", nameof(dataset));

        if ((long)scenario.Episodes * scenario.Order.Steps > MaxEpisodeSteps)
            throw new ArgumentOutOfRangeException(nameof(scenario), (long)scenario.Episodes * scenario.Order.Steps,
                $"Replay holds episodes × steps in memory; at most {MaxEpisodeSteps:N0} (episodes {scenario.Episodes} × steps {scenario.Order.Steps}).");
        var windows = Windows(scenario, dataset, options);
        var blocks = WindowBlocks(windows, SegmentRange(dataset, options).From, (long)Math.Round(scenario.Order.HorizonMinutes * 60e9));
        var strategyView = DecisionContext.StrategyView(scenario);
        var strategies = StrategyCatalog.Resolve(scenario, backtest.ExtraStrategies, backtest.ReferenceStrategies);
        var market = new RecordedMarket(dataset, options);
        var plan = market.Plan(scenario);
        var quantity = plan.Quantity;
        var steps = plan.Steps;
        var episodes = windows.Count;
        var sign = plan.Sign;
        var expectedStepVolume = plan.ExpectedStepVolume;
        var decay = plan.ImpactDecayPerStep;
        // Episodes computed: every window, or the traced one alone.
        var lo = recorder?.Episode ?? 0;
        var hi = recorder is null ? episodes : lo + 1;

        // Market path per episode (flat, [episode × steps + step]): snapshot row, step volume and realised volatility.
        var rows = new int[episodes * steps];
        var stepVolume = new double[episodes * steps];
        var rvRatio = new double[episodes * steps];
        var arrival = new double[episodes];
        long updates = 0;
        for (var e = lo; e < hi; e++)
        {
            updates += market.Trace(plan, windows[e].StartNs, rows.AsSpan(e * steps, steps), stepVolume.AsSpan(e * steps, steps), rvRatio.AsSpan(e * steps, steps));
            arrival[e] = market.Mid[rows[e * steps]];
        }
        bookUpdates = updates;

        var results = new StrategyResult[strategies.Count];
        var costBps = new double[strategies.Count][];
        var costCurrency = new double[strategies.Count][];
        var twap = strategies.FindIndex(s => StrategyId.Twap.Is(s.Id));
        var arrivalNotional = arrival.AsSpan(lo, hi - lo).ToArray().Average() * quantity;
        recorder?.Begin(market, plan, windows, rows, stepVolume, arrival[lo], scenario.Seed);
        for (var si = 0; si < strategies.Count; si++)
        {
            var strategy = strategies[si];
            var remaining = new double[episodes];
            Array.Fill(remaining, quantity);
            var d = new double[episodes];
            var timing = new double[episodes];
            var spread = new double[episodes];
            var temporary = new double[episodes];
            var fees = new double[episodes];
            var forced = new double[episodes];
            var unfilled = new double[episodes];
            var breaches = new int[episodes];
            var maxPart = new double[episodes];
            var volAdverse = new double[episodes];
            var beyondDepth = new double[episodes];
            var volSum = new double[episodes];
            var inventory = new double[steps + 1][];
            var participation = new double[steps];
            var fractions = new double[episodes];
            var typed = strategy as IOrderTypeStrategy;
            var passiveShare = typed is null ? [] : new double[episodes];
            var passive = typed is null ? null : new ReplayPassive(episodes);
            var observations = strategy.UsesObservations ? new Observation[episodes] : [];
            // The previous step's limit order (posted, filled), which the next decision may know: its life has ended.
            var lastPosted = typed is null ? [] : new double[episodes];
            var lastFilled = typed is null ? [] : new double[episodes];
            for (var k = 0; k < steps; k++)
            {
                inventory[k] = remaining.Select(r => r / quantity).ToArray();
                var last = k == steps - 1;
                for (var e = lo; e < hi && observations.Length > 0; e++)
                {
                    var at = e * steps + k;
                    observations[e] = market.Observe(plan, e, k, rows[at], remaining[e], d[e], arrival[e], k > 0 ? stepVolume[at - 1] : 0, volSum[e], rvRatio[at])
                        with { LastPassiveFillShare = lastPosted.Length > 0 && lastPosted[e] > 0 ? lastFilled[e] / lastPosted[e] : null };
                }
                var ctx = new DecisionContext
                {
                    Scenario = strategyView,
                    Seed = scenario.Seed,
                    Step = k,
                    Steps = steps,
                    Quantity = quantity,
                    ExpectedStepVolume = expectedStepVolume,
                };
                ReadOnlySpan<Observation> batch = observations.Length > 0 ? observations.AsSpan(lo, hi - lo) : default;
                strategy.Decide(ctx, batch, fractions.AsSpan(lo, hi - lo));
                typed?.DecidePassiveShare(ctx, batch, fractions.AsSpan(lo, hi - lo), passiveShare.AsSpan(lo, hi - lo));
                for (var e = lo; e < hi; e++)
                {
                    var costBefore = timing[e] + spread[e] + temporary[e] + fees[e];
                    var step = recorder is null ? null : new List<ReplayFill>();
                    var at = e * steps + k;
                    var r = remaining[e];
                    var v = stepVolume[at];
                    var q = plan.ChildQuantity(fractions[e], r, v, last, out var forcedNow, out var unfilledNow);
                    if (last) { forced[e] = forcedNow; unfilled[e] = unfilledNow; }
                    if (q > plan.MaxParticipation * v * (1 + 1e-12)) breaches[e]++;
                    var row = rows[at];
                    var move = sign * (market.Mid[row] - arrival[e]);
                    volAdverse[e] += v * (move + d[e]);
                    volSum[e] += v;
                    var posted = typed is null || (last && plan.HoldCap) ? 0 : Math.Clamp(double.IsNaN(passiveShare[e]) ? 0 : passiveShare[e], 0, 1) * q;
                    if (typed is not null) { lastPosted[e] = 0; lastFilled[e] = 0; }
                    if (posted > 0)
                    {
                        // The limit part rests on the recorded queue from the decision time for its time-to-live; the
                        // market part below trades at once, and the unfilled rest is crossed at expiry (or kept).
                        var postNs = windows[e].StartNs + k * plan.StepNs;
                        var expiryNs = postNs + (long)Math.Round(typed!.Limit.TtlFraction * plan.StepNs);
                        var rest = passive!.Rest(market, plan, e, row, posted, typed.Limit, postNs, expiryNs, arrival[e], ref d[e],
                            ref timing[e], ref spread[e], ref temporary[e], ref fees[e], step);
                        q = Math.Max(0, q - posted);
                        lastPosted[e] = posted;
                        lastFilled[e] = posted - rest;
                        if (typed.Limit.OnExpiry == ExpiryAction.Cross || last)
                        {
                            if (rest > 0)
                            {
                                passive.Crossed[e] += rest;
                                var expiryRow = market.RowAtOrBefore(expiryNs);
                                step?.Add(TraceRecorder.Walked(FillKind.CrossAtExpiry, market, plan, expiryRow, expiryNs, rest, d[e]));
                                var cross = market.Fill(plan, expiryRow, rest, d[e], arrival[e]);
                                timing[e] += cross.Timing;
                                spread[e] += cross.Spread;
                                temporary[e] += cross.Temporary;
                                fees[e] += cross.Fees;
                                beyondDepth[e] += cross.BeyondDepth;
                                d[e] = cross.Displacement;
                            }
                            remaining[e] -= posted;
                        }
                        else remaining[e] -= posted - rest;
                    }
                    if (q > 0)
                    {
                        step?.Add(TraceRecorder.Walked(FillKind.Market, market, plan, row, windows[e].StartNs + k * plan.StepNs, q, d[e]));
                        var fill = market.Fill(plan, row, q, d[e], arrival[e]);
                        timing[e] += fill.Timing;
                        spread[e] += fill.Spread;
                        temporary[e] += fill.Temporary;
                        fees[e] += fill.Fees;
                        beyondDepth[e] += fill.BeyondDepth;
                        if (v > 0 && q > maxPart[e] * v) maxPart[e] = q / v;
                        d[e] = fill.Displacement;
                    }
                    if (v > 0) participation[k] += q / v;
                    remaining[e] -= q;
                    recorder?.Step(k, step!, v, timing[e] + spread[e] + temporary[e] + fees[e] - costBefore);
                    d[e] *= decay;
                }
            }
            inventory[steps] = remaining.Select(r => r / quantity).ToArray();

            var bps = new double[episodes];
            var currency = new double[episodes];
            var episodeResults = backtest.KeepEpisodes || recorder is not null ? new EpisodeResult[episodes] : [];
            double forcedSum = 0, unfilledSum = 0, opportunitySum = 0, maxPartAll = 0, beyondSum = 0;
            long breachCount = 0;
            for (var e = lo; e < hi; e++)
            {
                var notional = arrival[e] * quantity;
                // Perold (1988): the unfilled rest costs its quantity times the adverse move of the mid (with what is left
                // of our displacement) from arrival to the horizon.
                var opportunity = unfilled[e] > 0
                    ? unfilled[e] * (sign * (market.Mid[market.RowAtOrBefore(windows[e].EndNs)] - arrival[e]) + d[e])
                    : 0;
                var total = timing[e] + spread[e] + temporary[e] + fees[e] + opportunity;
                unfilledSum += unfilled[e];
                beyondSum += beyondDepth[e];
                opportunitySum += opportunity / notional * 1e4;
                breachCount += breaches[e];
                maxPartAll = Math.Max(maxPartAll, maxPart[e]);
                currency[e] = total;
                bps[e] = total / notional * 1e4;
                forcedSum += forced[e];
                if (!backtest.KeepEpisodes && recorder is null) continue;
                var vwapAdverse = volSum[e] > 0 ? volAdverse[e] / volSum[e] : 0;
                var execAdverse = (total - fees[e] - opportunity) / quantity;
                var vwap = arrival[e] + sign * vwapAdverse;
                episodeResults[e] = new EpisodeResult(
                    Episode: e,
                    ShortfallBps: bps[e],
                    ShortfallCurrency: total,
                    ArrivalSlippageBps: (total - fees[e] - opportunity) / notional * 1e4,
                    VwapSlippageBps: vwap > 0 ? (execAdverse - vwapAdverse) / vwap * 1e4 : 0,
                    SpreadAndFeesBps: (spread[e] + fees[e]) / notional * 1e4,
                    TemporaryImpactBps: temporary[e] / notional * 1e4,
                    PermanentImpactBps: 0,
                    TimingBps: timing[e] / notional * 1e4,
                    ForcedQuantity: forced[e],
                    MaxParticipation: maxPart[e])
                {
                    UnfilledQuantity = unfilled[e],
                    OpportunityCostBps = opportunity / notional * 1e4,
                };
            }
            if (recorder is not null)
            {
                recorder.EndStrategy(strategy, episodeResults[lo]);
                continue;
            }
            costBps[si] = bps;
            costCurrency[si] = currency;
            var (meanInv, p5, p95) = InventoryBands(inventory);
            results[si] = new StrategyResult
            {
                StrategyId = strategy.Id,
                DisplayName = BacktestRunner.HonestName(strategy.DisplayName, forcedSum / (quantity * episodes), unfilledSum / (quantity * episodes), breachCount),
                Summary = Statistics.Summarize(bps, currency, 1 - (forcedSum + unfilledSum) / (quantity * episodes), null, null, blocks),
                MeanForcedFraction = forcedSum / (quantity * episodes),
                MeanUnfilledFraction = unfilledSum / (quantity * episodes),
                MeanBeyondDepthFraction = beyondSum / (quantity * episodes),
                CapBreaches = breachCount,
                MaxParticipation = maxPartAll,
                MaxParticipationP95 = Statistics.Percentile(maxPart.ToArray(), 0.95),
                MeanOpportunityCostBps = opportunitySum / episodes,
                // Replayed books fill market orders only (limit-order strategies cross their slices here).
                Orders = passive is null
                    ? OrderTypeMetrics.AllMarket(unfilled, quantity, blocks)
                    : passive.Metrics(quantity, arrival.Average(), 1 - unfilledSum / (quantity * episodes), unfilled, blocks),
                Episodes = episodeResults,
                MeanInventoryFraction = meanInv,
                InventoryP5Fraction = p5,
                InventoryP95Fraction = p95,
                MeanParticipation = participation.Select(p => p / episodes).ToArray(),
            };
        }
        if (recorder is not null)
        {
            recorder.Finish(scenario, quantity, plan.StepSeconds / 60);
            return new BacktestResult { ScenarioName = scenario.Name, Seed = scenario.Seed, Episodes = 1, Steps = steps, Quantity = quantity, ArrivalNotional = arrivalNotional, Strategies = [] };
        }
        var bestStatic = strategies.FindIndex(s => StrategyId.BestStatic.Is(s.Id));
        for (var si = 0; si < strategies.Count; si++)
        {
            if (si != twap)
                results[si] = results[si] with { Summary = results[si].Summary with { VsTwap = Statistics.Paired(costBps[si], costBps[twap], blocks) } };
            if (bestStatic >= 0 && si != bestStatic)
                results[si] = results[si] with
                {
                    Summary = results[si].Summary with
                    {
                        VsBestStatic = Statistics.Paired(costBps[si], costBps[bestStatic], blocks),
                        VsBestStaticObjective = Statistics.PairedObjective(costCurrency[si], costCurrency[bestStatic],
                            scenario.StrategySettings.RiskAversion, arrivalNotional, blocks),
                    },
                };
        }

        return new BacktestResult
        {
            ScenarioName = scenario.Name,
            Seed = scenario.Seed,
            Episodes = episodes,
            Steps = steps,
            Quantity = quantity,
            ArrivalNotional = arrivalNotional,
            Strategies = results,
            Warnings = [.. BacktestRunner.StrategyWarnings(strategies), .. BeyondDepthWarnings(results, book.Levels)],
            IndependentUnits = results.Length > 0 ? results[0].Summary.IndependentUnits : blocks.Distinct().Count(),
            UnitKind = UnitKinds.Window,
        };
    }

    /// <summary>Smallest share of the order filled beyond the recorded depth that a run's warnings name (0.1%).</summary>
    public const double BeyondDepthWarningFraction = 0.001;

    /// <summary>
    /// One warning naming every strategy that filled at least <see cref="BeyondDepthWarningFraction"/> of the order beyond
    /// the recorded depth, with its share: those shares are priced by extending the book (<see cref="BookWalk.Execute"/>),
    /// so that part of the cost is an assumption, and on level-1 data (one recorded level) it can be most of the order.
    /// </summary>
    public static IEnumerable<string> BeyondDepthWarnings(IReadOnlyList<StrategyResult> results, int recordedLevels)
    {
        ArgumentNullException.ThrowIfNull(results);
        var named = results.Where(r => r.MeanBeyondDepthFraction >= BeyondDepthWarningFraction)
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.DisplayName} {r.MeanBeyondDepthFraction * 100:0.0}%"))
            .ToList();
        if (named.Count == 0) yield break;
        var levels = recordedLevels == 1 ? "the one recorded book level" : $"the {recordedLevels} recorded book levels";
        yield return $"Fills beyond {levels} (share of the order): {string.Join(", ", named)}. Those shares are priced on "
            + "levels extrapolated from the recording (the mean visible size per level at the mean level spacing; the spread "
            + "when one level is recorded), an assumption rather than data: upload deeper book snapshots to price them.";
    }

    private static (double[] Mean, double[] P5, double[] P95) InventoryBands(double[][] inventory)
    {
        var n = inventory.Length;
        var mean = new double[n]; var p5 = new double[n]; var p95 = new double[n];
        for (var k = 0; k < n; k++)
        {
            var sorted = inventory[k].Order().ToArray();
            mean[k] = Statistics.MeanStd(sorted).Mean;
            p5[k] = Statistics.PercentileSorted(sorted, 0.05);
            p95[k] = Statistics.PercentileSorted(sorted, 0.95);
        }
        return (mean, p5, p95);
    }


    /// <summary>Collects one window's trace while <see cref="RunCore"/> replays it alone.</summary>
    private sealed class TraceRecorder(int episode)
    {
        /// <summary>Most points of the recorded touch kept for drawing.</summary>
        private const int MaxPathPoints = 600;

        private readonly List<StrategyTrace> _strategies = [];
        private List<Domain.Backtesting.ChildFill> _children = [];
        private RecordedMarket? _market;
        private ReplayPlan? _plan;
        private IReadOnlyList<ReplayWindow> _windows = [];
        private int[] _rows = [];
        private double _arrival;
        private long _seed;

        public int Episode { get; } = episode;

        public EpisodeTrace? Trace { get; private set; }

        private double[] _volume = [];

        public void Begin(RecordedMarket market, ReplayPlan plan, IReadOnlyList<ReplayWindow> windows, int[] rows, double[] stepVolume, double arrival, long seed)
        {
            (_market, _plan, _windows, _arrival, _seed) = (market, plan, windows, arrival, seed);
            _rows = rows.AsSpan(Episode * plan.Steps, plan.Steps).ToArray();
            _volume = stepVolume.AsSpan(Episode * plan.Steps, plan.Steps).ToArray();
        }

        /// <summary>A fill that walks the recorded book at <paramref name="row"/> with our displacement <paramref name="shift"/> in force.</summary>
        public static ReplayFill Walked(FillKind kind, RecordedMarket market, ReplayPlan plan, int row, long timeNs, double shares, double shift)
        {
            var walk = BookWalk.Execute(market.Book, row, plan.Sign > 0, shares, shift);
            return new ReplayFill(kind, timeNs, shares, walk.AveragePrice, walk.TouchPrice - plan.Sign * shift, walk.LevelsTouched, shift);
        }

        public void Step(int k, List<ReplayFill> fills, double stepVolume, double cost)
        {
            var shares = fills.Sum(f => f.Shares);
            var price = shares > 0 ? fills.Sum(f => f.Shares * f.Price) / shares : double.NaN;
            var notional = _arrival * _plan!.Quantity;
            _children.Add(new Domain.Backtesting.ChildFill(k, shares, price, stepVolume > 0 ? shares / stepVolume : 0, cost, cost / notional * 1e4) { Fills = fills });
        }

        public void EndStrategy(IExecutionStrategy strategy, EpisodeResult result)
        {
            _strategies.Add(new StrategyTrace(strategy.Id, strategy.DisplayName, _children, result));
            _children = [];
        }

        public void Finish(Scenario scenario, double quantity, double stepMinutes)
        {
            var market = _market!;
            var plan = _plan!;
            var window = _windows[Episode];
            var book = market.Book;
            var levels = book.Levels;
            double Bid(int row) => levels > 0 ? book.BidPrices[row * levels] : double.NaN;
            double Ask(int row) => levels > 0 ? book.AskPrices[row * levels] : double.NaN;
            var horizonRow = market.RowAtOrBefore(window.EndNs);
            var stepRows = _rows.Append(horizonRow).ToArray();
            // The recorded touch from the snapshot in force at the start to the last one at or before the end.
            var first = market.RowAtOrBefore(window.StartNs);
            var count = horizonRow - first + 1;
            var stride = Math.Max(1, (int)Math.Ceiling(count / (double)MaxPathPoints));
            var path = new List<RecordedQuote>();
            for (var r = first; r <= horizonRow; r += stride)
            {
                path.Add(new RecordedQuote(Math.Max(book.Times[r], window.StartNs), Bid(r), Ask(r), market.Mid[r]));
            }
            if (path.Count == 0 || path[^1].TimeNs < window.EndNs) path.Add(new RecordedQuote(window.EndNs, Bid(horizonRow), Ask(horizonRow), market.Mid[horizonRow]));
            Trace = new EpisodeTrace(_seed, Episode, scenario.Order.Side, _arrival, quantity, stepMinutes, 0,
                stepRows.Select(r => market.Mid[r]).ToArray(), _volume, _strategies)
            {
                Window = new RecordedWindow(Episode, _windows.Count, window.StartNs, window.EndNs,
                    stepRows.Select(Bid).ToArray(), stepRows.Select(Ask).ToArray(), path),
            };
        }
    }

    /// <summary>One strategy's limit orders on the replayed book: queue fills, their costs and markouts.</summary>
    private sealed class ReplayPassive(int episodes)
    {
        private static readonly double[] MarkoutSeconds = [1, 10, 60];

        public readonly PassiveStats[] Stats = new PassiveStats[episodes];
        public readonly double[] Crossed = new double[episodes];
        private readonly double[] _markoutCost = new double[MarkoutSeconds.Length];
        private double _markoutQuantity, _stepMarkoutCost;

        // The same sums per episode (currency and shares): the intervals cluster them by market window.
        private readonly double[][] _episodeMarkoutCost = [new double[episodes], new double[episodes], new double[episodes]];
        private readonly double[] _episodeStepMarkoutCost = new double[episodes];
        private readonly double[] _episodeMarkoutQuantity = new double[episodes];

        /// <summary>Posts <paramref name="posted"/> shares, books the fills' costs and feeds their impact into
        /// <paramref name="displacement"/>; returns the unfilled rest at expiry.</summary>
        public double Rest(RecordedMarket market, ReplayPlan plan, int e, int row, double posted, LimitOrderPlan limit, long postNs, long expiryNs,
            double arrival, ref double displacement, ref double timing, ref double spread, ref double temporary, ref double fees,
            List<ReplayFill>? trace = null)
        {
            var sign = plan.Sign;
            var buy = sign > 0;
            var book = market.Book;
            var mid = market.Mid[row];
            var price = RecordedQueue.LimitPrice(book, row, buy, limit.OffsetBps * arrival / 1e4);
            var fills = RecordedQueue.Simulate(market.Dataset, buy, price, posted, postNs, expiryNs, market.Options.Cancellations);
            double filled = 0, captured = 0;
            foreach (var f in fills)
            {
                filled += f.Size;
                trace?.Add(new ReplayFill(FillKind.Limit, f.TimeNs, f.Size, price + sign * displacement, price, 1, displacement));
                // Executed at our limit price, shifted by our own displacement like every recorded price.
                timing += f.Size * sign * (mid - arrival);
                spread += f.Size * sign * (price - mid);
                temporary += f.Size * displacement;
                fees += f.Size * (plan.FeePerShare + plan.FeeRate * price);
                captured -= f.Size * sign * (price - mid);
                // A passive fill is our order flow too: it leaves the transient displacement a market order of its size would.
                displacement += market.Options.TransientImpactFactor * BookWalk.LinearDisplacement(book, row, buy, f.Size);
                var fillMid = market.Mid[market.RowAtOrBefore(f.TimeNs)];
                for (var h = 0; h < MarkoutSeconds.Length; h++)
                {
                    var later = market.Mid[market.RowAtOrBefore(f.TimeNs + (long)(MarkoutSeconds[h] * 1e9))];
                    _markoutCost[h] -= f.Size * sign * (later - fillMid);
                    _episodeMarkoutCost[h][e] -= f.Size * sign * (later - fillMid);
                }
                var nextStep = market.Mid[market.RowAtOrBefore(postNs + plan.StepNs)];
                _stepMarkoutCost -= f.Size * sign * (nextStep - fillMid);
                _episodeStepMarkoutCost[e] -= f.Size * sign * (nextStep - fillMid);
                _markoutQuantity += f.Size;
                _episodeMarkoutQuantity[e] += f.Size;
            }
            var s = Stats[e];
            Stats[e] = s with { Posted = s.Posted + posted, Filled = s.Filled + filled, SpreadCaptured = s.SpreadCaptured + captured };
            // Fills sum to the posted size up to rounding: never leave a negative rest.
            return Math.Max(0, posted - filled);
        }

        public OrderTypeMetrics Metrics(double quantity, double arrivalPrice, double fillRate, double[] unfilled, int[] blocks)
        {
            for (var e = 0; e < Stats.Length; e++) Stats[e] = Stats[e] with { Crossed = Crossed[e] };
            var m = OrderTypeMetrics.From(Stats, unfilled, quantity, arrivalPrice, blocks) with { FillRate = fillRate };
            double? Bps(double cost) => _markoutQuantity > 0 ? cost / (_markoutQuantity * arrivalPrice) * 1e4 : null;
            // Per-episode markouts in bps of the fills' notional at arrival price, as the point estimates.
            ConfidenceBounds? Bounds(double? point, double[] cost) =>
                OrderTypeMetrics.Around(point, Statistics.RatioBounds(cost.Select(c => c / arrivalPrice * 1e4).ToArray(), _episodeMarkoutQuantity, blocks)?.Bounds);
            var step = Bps(_stepMarkoutCost);
            var one = Bps(_markoutCost[0]);
            var ten = Bps(_markoutCost[1]);
            var sixty = Bps(_markoutCost[2]);
            return m with
            {
                MarkoutBps = step,
                Markout1sBps = one,
                Markout10sBps = ten,
                Markout60sBps = sixty,
                Intervals = m.Intervals! with
                {
                    FillRate = OrderTypeMetrics.Around(fillRate, m.Intervals.FillRate),
                    MarkoutBps = Bounds(step, _episodeStepMarkoutCost),
                    Markout1sBps = Bounds(one, _episodeMarkoutCost[0]),
                    Markout10sBps = Bounds(ten, _episodeMarkoutCost[1]),
                    Markout60sBps = Bounds(sixty, _episodeMarkoutCost[2]),
                },
            };
        }
    }
}
