using Portal.Domain.Simulation;

namespace Portal.Domain.Backtesting;

/// <summary>Options of a backtest run.</summary>
public sealed record BacktestOptions
{
    /// <summary>Strategies beyond the baselines (e.g. trained agents). One whose id is listed in the scenario replaces
    /// that entry; the others are appended.</summary>
    public IReadOnlyList<IExecutionStrategy> ExtraStrategies { get; init; } = [];

    /// <summary>Worker threads (null = all cores). Results do not depend on it.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Keep every episode's result in <see cref="StrategyResult.Episodes"/> (false keeps only the summaries).</summary>
    public bool KeepEpisodes { get; init; } = true;

    /// <summary>
    /// Add the reference strategies every comparison carries (Random beside TWAP, see
    /// <see cref="StrategyCatalog.AlwaysCompared"/>) and run the known optimum's schedule for paired regret. Only a
    /// fixed benchmark workload turns this off: it then runs exactly the scenario's strategies and TWAP, without regret.
    /// </summary>
    public bool ReferenceStrategies { get; init; } = true;

    /// <summary>Run deterministic schedules through the fused kernel where it applies (<see cref="FusedScheduleKernel"/>);
    /// false forces the general path, which gives the same numbers (tests compare the two).</summary>
    internal bool FusedSchedules { get; init; } = true;

    /// <summary>Advance the market in one pass per group of four episodes where the model allows it
    /// (<see cref="MarketBlock.FusedStep"/>); false forces the separate passes, which give the same numbers (tests compare the two).</summary>
    internal bool FusedMarketStep { get; init; } = true;

    /// <summary>Run POV, Random and schedules through the fused adaptive kernel where it applies
    /// (<see cref="FusedAdaptiveKernel"/>); false forces the general path, which gives the same numbers (tests compare the two).</summary>
    internal bool FusedAdaptive { get; init; } = true;
}

/// <summary>The outcome of one run: scenario × strategies × episodes on common random numbers.</summary>
public sealed record BacktestResult
{
    /// <summary>Name of the scenario.</summary>
    public string ScenarioName { get; init; } = "";

    /// <summary>Seed of the run.</summary>
    public long Seed { get; init; }

    /// <summary>Episodes run per strategy.</summary>
    public int Episodes { get; init; }

    /// <summary>Decision steps per episode.</summary>
    public int Steps { get; init; }

    /// <summary>Order quantity in shares.</summary>
    public double Quantity { get; init; }

    /// <summary>Arrival notional in currency (the denominator of costs in bps).</summary>
    public double ArrivalNotional { get; init; }

    /// <summary>One entry per strategy, in the order run.</summary>
    public IReadOnlyList<StrategyResult> Strategies { get; init; } = [];

    /// <summary>What the known optimum is, when the market model has one.</summary>
    public string? OptimumName { get; init; }

    /// <summary>Expected cost of the known optimum in bps of arrival notional.</summary>
    public double? OptimumExpectedCostBps { get; init; }

    /// <summary>Expected cost of the known optimum in currency.</summary>
    public double? OptimumExpectedCostCurrency { get; init; }

    /// <summary>What is wrong with the scenario's parameters, found while running it (e.g. that they admit price
    /// manipulation); shown with the run.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Independent units behind every interval of the run: the episodes of a simulation, the market windows of
    /// a replay (horizon-length blocks of the segment holding episode starts).</summary>
    public int IndependentUnits { get; init; }

    /// <summary>What an independent unit is: <see cref="UnitKinds.Episode"/> or <see cref="UnitKinds.Window"/>.</summary>
    public string UnitKind { get; init; } = UnitKinds.Episode;

    /// <summary>Risk guards of the run (<c>strategySettings.guards</c>): how often each fired and what it cost or saved
    /// against the unguarded strategy on the same paths; empty without guards.</summary>
    public IReadOnlyList<GuardResult> Guards { get; init; } = [];
}

/// <summary>A guarded strategy's effect in a run.</summary>
/// <param name="GuardedId">The guarded strategy, <c>guarded:INNER</c>.</param>
/// <param name="InnerId">The strategy inside the guards.</param>
/// <param name="Firings">Per guard (fallback, breaker): episode-steps and episodes it fired in, of the decisions it saw.</param>
/// <param name="Episodes">Episodes of the run.</param>
/// <param name="GuardedMinusUnguarded">Paired difference of cost (guarded − unguarded) in bps of arrival notional with its
/// 95% interval over the run's episodes: negative = the guard saved.</param>
public sealed record GuardResult(string GuardedId, string InnerId, IReadOnlyList<Strategies.GuardFiring> Firings, int Episodes, PairedDifference GuardedMinusUnguarded)
{
    /// <summary>The uncertainty above which the confidence fallback traded the safe schedule (configured or calibrated, see
    /// <see cref="Strategies.GuardedStrategy.FallbackThreshold"/>); null when the fallback is off or the strategy has no signal.</summary>
    public double? FallbackThreshold { get; init; }
}

/// <summary>One strategy's results over every episode.</summary>
public sealed record StrategyResult
{
    /// <summary>Strategy id.</summary>
    public string StrategyId { get; init; } = "";

    /// <summary>Display name.</summary>
    public string DisplayName { get; init; } = "";

    /// <summary>Summary statistics of implementation shortfall.</summary>
    public required StrategySummary Summary { get; init; }

    /// <summary>Per-episode results (empty when the run did not keep them).</summary>
    public IReadOnlyList<EpisodeResult> Episodes { get; init; } = [];

    /// <summary>Mean remaining inventory as a fraction of the order at each step time, Steps + 1 points from 1 to 0.</summary>
    public double[] MeanInventoryFraction { get; init; } = [];

    /// <summary>5th percentile of remaining inventory at each step time.</summary>
    public double[] InventoryP5Fraction { get; init; } = [];

    /// <summary>95th percentile of remaining inventory at each step time.</summary>
    public double[] InventoryP95Fraction { get; init; } = [];

    /// <summary>Mean share of the order force-traded at the last step beyond what the strategy asked for (the horizon
    /// winning over the strategy, and over the cap with <see cref="HorizonRule.ForceFinish"/>).</summary>
    public double MeanForcedFraction { get; init; }

    /// <summary>Mean share of the order left unfilled at the horizon (only with <see cref="HorizonRule.HoldCap"/>).</summary>
    public double MeanUnfilledFraction { get; init; }

    /// <summary>Mean share of the order filled beyond the recorded book's depth (replay only; 0 on simulated markets): the
    /// shares whose prices come from extending the recorded levels (<see cref="Replay.BookWalk.Execute"/>), not from the
    /// recording. Level-1 data has one recorded level, so anything larger than the touch's size lands here.</summary>
    public double MeanBeyondDepthFraction { get; init; }

    /// <summary>Number of (episode, step) pairs whose child order exceeded the participation cap (only the forced last step
    /// can, with <see cref="HorizonRule.ForceFinish"/>); 0 without a cap.</summary>
    public long CapBreaches { get; init; }

    /// <summary>Largest child order over its step's market volume in any episode.</summary>
    public double MaxParticipation { get; init; }

    /// <summary>95th percentile across episodes of each episode's largest child order over its step's market volume
    /// (type 7). Unlike <see cref="MaxParticipation"/>, one episode with a near-empty volume step does not set it.</summary>
    public double MaxParticipationP95 { get; init; }

    /// <summary>Mean opportunity cost of the unfilled remainder in bps of arrival notional (Perold, 1988), included in the
    /// shortfall; 0 unless the cap holds at the horizon.</summary>
    public double MeanOpportunityCostBps { get; init; }

    /// <summary>Limit and market order metrics: fill rate, passive share, spread captured, markouts.</summary>
    public OrderTypeMetrics Orders { get; init; } = OrderTypeMetrics.AllMarket(1);

    /// <summary>Participation rate at each decision step (Steps points): the child order executed at the step divided by
    /// the market volume of that step, averaged over episodes (a step without market volume counts as 0). The last step
    /// includes any quantity force-traded at the horizon.</summary>
    public double[] MeanParticipation { get; init; } = [];
}

/// <summary>Summary of one strategy's implementation shortfall (bps of arrival notional; positive is a cost).</summary>
/// <param name="Episodes">Number of episodes.</param>
/// <param name="MeanBps">Mean shortfall.</param>
/// <param name="StdBps">Sample standard deviation.</param>
/// <param name="MeanCiLowBps">Lower end of the 95% confidence interval of the mean.</param>
/// <param name="MeanCiHighBps">Upper end of the 95% confidence interval of the mean.</param>
/// <param name="P5Bps">5th percentile.</param>
/// <param name="P50Bps">Median.</param>
/// <param name="P95Bps">95th percentile.</param>
/// <param name="Cvar95Bps">Mean of the worst 5% of episodes (expected shortfall of the cost).</param>
/// <param name="CostSharpe">−mean/std of the cost (the sign makes cheaper score higher); null when undefined: std at or below
/// <see cref="Statistics.SharpeTolerance"/> · |mean|, or fewer than two independent units.</param>
/// <param name="Completion">Share of the order traded by the strategy itself, before any forced trade at the horizon.</param>
/// <param name="MeanShortfallCurrency">Mean shortfall in currency.</param>
/// <param name="VsTwap">Paired difference (this − TWAP) on common random numbers; null for TWAP itself.</param>
/// <param name="RegretBps">Regret against the known optimum's schedule run on the same paths, when the model has one, on
/// the run's objective E + λ·Var (λ = strategySettings.riskAversion, per currency unit) in bps of arrival notional: the
/// mean paired cost difference plus λ times the difference of the cost variances.</param>
public sealed record StrategySummary(int Episodes, double MeanBps, double StdBps, double MeanCiLowBps, double MeanCiHighBps,
    double P5Bps, double P50Bps, double P95Bps, double Cvar95Bps, double? CostSharpe, double Completion,
    double MeanShortfallCurrency, PairedDifference? VsTwap, double? RegretBps)
{
    /// <summary>Paired difference (this − best static schedule) on common random numbers; null for the best static
    /// schedule itself and when the run did not carry it.</summary>
    public PairedDifference? VsBestStatic { get; init; }

    /// <summary>Paired difference (this − best static schedule) of the run's objective E + λ·Var (λ =
    /// <c>strategySettings.riskAversion</c>, per currency unit) in bps, with its 95% interval (delta method, see
    /// <see cref="Statistics.PairedObjective"/>): the bar the best static schedule was optimised for. Equal to
    /// <see cref="VsBestStatic"/> up to the interval's method when λ = 0; null where that is null.</summary>
    public PairedDifference? VsBestStaticObjective { get; init; }

    /// <summary>How many independent units the interval of the mean rests on (episodes in simulation, market windows in
    /// replay; see <see cref="Statistics"/>).</summary>
    public int IndependentUnits { get; init; }

    /// <summary>What an independent unit is: <see cref="UnitKinds.Episode"/> or <see cref="UnitKinds.Window"/>.</summary>
    public string UnitKind { get; init; } = UnitKinds.Episode;

    /// <summary>99th percentile of the shortfall (type 7, as <see cref="P95Bps"/>): the cost a desk exceeds in one episode in a hundred.</summary>
    public double P99Bps { get; init; }
}

/// <summary>Mean of paired differences with its 95% confidence interval.</summary>
public sealed record PairedDifference(double MeanBps, double CiLowBps, double CiHighBps, int Pairs)
{
    /// <summary>How many independent units the interval rests on (pairs of episodes in simulation, windows in replay).</summary>
    public int IndependentUnits { get; init; }

    /// <summary>What an independent unit is: <see cref="UnitKinds.Episode"/> or <see cref="UnitKinds.Window"/>.</summary>
    public string UnitKind { get; init; } = UnitKinds.Episode;
}

/// <summary>One episode of one strategy. Costs in bps of arrival notional, positive = cost. The components
/// spread-and-fees + temporary (including transient) + permanent + timing + opportunity cost add up to the shortfall.</summary>
/// <param name="Episode">Episode index.</param>
/// <param name="ShortfallBps">Implementation shortfall.</param>
/// <param name="ShortfallCurrency">Implementation shortfall in currency.</param>
/// <param name="ArrivalSlippageBps">Average execution price against arrival, fees excluded.</param>
/// <param name="VwapSlippageBps">Average execution price against the market's volume-weighted mid over the horizon, fees excluded.</param>
/// <param name="SpreadAndFeesBps">Half-spread, fixed cost ε and fees.</param>
/// <param name="TemporaryImpactBps">Temporary and transient impact.</param>
/// <param name="PermanentImpactBps">Permanent impact of earlier child orders.</param>
/// <param name="TimingBps">Market moves since arrival (drift, diffusion, jumps, events) and execution noise.</param>
/// <param name="ForcedQuantity">Shares force-traded at the last step.</param>
/// <param name="MaxParticipation">Largest child order as a fraction of its step's market volume.</param>
public sealed record EpisodeResult(int Episode, double ShortfallBps, double ShortfallCurrency, double ArrivalSlippageBps,
    double VwapSlippageBps, double SpreadAndFeesBps, double TemporaryImpactBps, double PermanentImpactBps, double TimingBps,
    double ForcedQuantity, double MaxParticipation)
{
    /// <summary>Shares left unfilled at the horizon (only when the cap holds there).</summary>
    public double UnfilledQuantity { get; init; }

    /// <summary>Opportunity cost of the unfilled shares (Perold, 1988), in bps; part of the shortfall, beside the components.</summary>
    public double OpportunityCostBps { get; init; }
}

/// <summary>How a strategy's child orders were filled: the limit-or-market view of its execution.</summary>
/// <param name="FillRate">Share of the parent quantity executed by the horizon (passively or by market orders); below 1 only
/// when the participation cap holds at the horizon, the rest being charged its opportunity cost.</param>
/// <param name="PassiveShare">Share of the parent quantity filled by limit orders (the rest of what was executed crossed the spread).</param>
/// <param name="PostedFillRatio">Shares filled passively over shares posted as limit orders; null when nothing was posted.</param>
/// <param name="CrossedOnExpiryShare">Share of the parent quantity crossed when a limit order's time-to-live ended (or at the horizon).</param>
/// <param name="SpreadCapturedBps">What the passive fills earned against the mid (half-spread plus offset), bps of their
/// notional at arrival price; null without passive fills.</param>
/// <param name="MarkoutBps">Mid move against the passive fills over the next decision step (market move and adverse
/// selection), bps of their notional at arrival price: positive is adverse selection; null without passive fills.</param>
public sealed record OrderTypeMetrics(double FillRate, double PassiveShare, double? PostedFillRatio, double CrossedOnExpiryShare,
    double? SpreadCapturedBps, double? MarkoutBps)
{
    /// <summary>Mid move against the passive fills 1 s after each fill (replayed books only), bps; null otherwise.</summary>
    public double? Markout1sBps { get; init; }

    /// <summary>Mid move against the passive fills 10 s after each fill (replayed books only), bps; null otherwise.</summary>
    public double? Markout10sBps { get; init; }

    /// <summary>Mid move against the passive fills 60 s after each fill (replayed books only), bps; null otherwise.</summary>
    public double? Markout60sBps { get; init; }

    /// <summary>95% intervals of the metrics over the run's independent units (episodes on simulated paths, market
    /// windows on a replay, clustered as the shortfall's interval); null where the run carried no per-episode statistics.</summary>
    public OrderTypeIntervals? Intervals { get; init; }

    /// <summary>Metrics of a strategy that sends only market orders.</summary>
    public static OrderTypeMetrics AllMarket(double fillRate) => new(fillRate, 0, null, 0, null, null);

    /// <summary>Metrics of a strategy that sends only market orders, with the fill rate's interval from each episode's
    /// unfilled rest.</summary>
    /// <param name="unfilled">Shares left unfilled at the horizon in each episode.</param>
    /// <param name="quantity">Parent quantity in shares.</param>
    /// <param name="cluster">Empty for independent episodes, else each episode's market window (replay).</param>
    public static OrderTypeMetrics AllMarket(ReadOnlySpan<double> unfilled, double quantity, ReadOnlySpan<int> cluster = default)
    {
        double unfilledSum = 0;
        foreach (double u in unfilled) unfilledSum += u;
        double fillRate = 1 - unfilledSum / (quantity * Math.Max(1, unfilled.Length));
        var (_, bounds, units) = Statistics.MeanBounds(FillRates(unfilled, quantity), cluster);
        return AllMarket(fillRate) with
        {
            Intervals = new OrderTypeIntervals(units, cluster.IsEmpty ? UnitKinds.Episode : UnitKinds.Window)
            {
                FillRate = Around(fillRate, bounds),
                PassiveShare = new ConfidenceBounds(0, 0),
            },
        };
    }

    /// <summary>
    /// Aggregates per-episode statistics with their 95% intervals over independent units: fill rate and passive share
    /// are means of per-episode fractions of the parent quantity; spread captured and markout are ratios of sums (per
    /// filled share), whose intervals come from the delta method (<see cref="Statistics.RatioBounds"/>).
    /// </summary>
    /// <param name="episodes">One entry per episode.</param>
    /// <param name="unfilled">Shares left unfilled at the horizon in each episode (same length as <paramref name="episodes"/>).</param>
    /// <param name="quantity">Parent quantity in shares.</param>
    /// <param name="arrivalPrice">Arrival price S0.</param>
    /// <param name="cluster">Empty for independent episodes (simulation), else each episode's market window (replay).</param>
    public static OrderTypeMetrics From(ReadOnlySpan<PassiveStats> episodes, ReadOnlySpan<double> unfilled, double quantity, double arrivalPrice, ReadOnlySpan<int> cluster = default)
    {
        if (unfilled.Length != episodes.Length) throw new ArgumentException($"Unfilled rests and episodes differ in length: {unfilled.Length} vs {episodes.Length}.", nameof(unfilled));
        if (cluster.IsEmpty) return FromIndependent(episodes, unfilled, quantity, arrivalPrice);
        double unfilledSum = 0;
        foreach (double u in unfilled) unfilledSum += u;
        var point = From(episodes, quantity, arrivalPrice, unfilledSum / (quantity * Math.Max(1, episodes.Length)));
        int n = episodes.Length;
        var passive = new double[n];
        var captured = new double[n];
        var filled = new double[n];
        var markout = new double[n];
        var markoutQ = new double[n];
        for (int e = 0; e < n; e++)
        {
            var p = episodes[e];
            passive[e] = p.Filled / quantity;
            filled[e] = p.Filled;
            captured[e] = p.SpreadCaptured / arrivalPrice * 1e4;
            markout[e] = p.MarkoutCost / arrivalPrice * 1e4;
            markoutQ[e] = p.MarkoutQuantity;
        }

        var (_, fillBounds, units) = Statistics.MeanBounds(FillRates(unfilled, quantity), cluster);
        var (_, passiveBounds, _) = Statistics.MeanBounds(passive, cluster);
        return point with
        {
            Intervals = new OrderTypeIntervals(units, cluster.IsEmpty ? UnitKinds.Episode : UnitKinds.Window)
            {
                FillRate = Around(point.FillRate, fillBounds),
                PassiveShare = Around(point.PassiveShare, passiveBounds),
                SpreadCapturedBps = Around(point.SpreadCapturedBps, Statistics.RatioBounds(captured, filled, cluster)?.Bounds),
                MarkoutBps = Around(point.MarkoutBps, Statistics.RatioBounds(markout, markoutQ, cluster)?.Bounds),
            },
        };
    }

    /// <summary>
    /// <see cref="From(ReadOnlySpan{PassiveStats}, ReadOnlySpan{double}, double, double, ReadOnlySpan{int})"/> over
    /// independent episodes: the point estimates (<see cref="From(ReadOnlySpan{PassiveStats}, double, double, double)"/>),
    /// the fill rate's and passive share's <see cref="Statistics.MeanBounds(ReadOnlySpan{double}, ReadOnlySpan{int})"/> and
    /// the two ratios' <see cref="Statistics.RatioBounds(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{int})"/>,
    /// each sum in episode order as those compute it, so the same numbers bit for bit; the independent sums run side by side
    /// in three passes over the episodes instead of one or more passes each.
    /// </summary>
    private static OrderTypeMetrics FromIndependent(ReadOnlySpan<PassiveStats> episodes, ReadOnlySpan<double> unfilled, double quantity, double arrivalPrice)
    {
        int n = episodes.Length;
        double unfilledSum = 0, posted = 0, filled = 0, crossed = 0, captured = 0, markout = 0, markoutQ = 0;
        double fillSum = 0, shareSum = 0, capturedBpsSum = 0, markoutBpsSum = 0;
        for (int e = 0; e < n; e++)
        {
            var p = episodes[e];
            unfilledSum += unfilled[e];
            posted += p.Posted;
            filled += p.Filled;
            crossed += p.Crossed;
            captured += p.SpreadCaptured;
            markout += p.MarkoutCost;
            markoutQ += p.MarkoutQuantity;
            fillSum += 1 - unfilled[e] / quantity;
            shareSum += p.Filled / quantity;
            capturedBpsSum += p.SpreadCaptured / arrivalPrice * 1e4;
            markoutBpsSum += p.MarkoutCost / arrivalPrice * 1e4;
        }

        var point = PointFrom(posted, filled, crossed, captured, markout, markoutQ, episodes.Length, quantity, arrivalPrice, unfilledSum / (quantity * Math.Max(1, n)));
        if (n == 0)
        {
            return point with { Intervals = new OrderTypeIntervals(0, UnitKinds.Episode) { FillRate = Around(point.FillRate, new ConfidenceBounds(0, 0)), PassiveShare = Around(point.PassiveShare, new ConfidenceBounds(0, 0)) } };
        }

        // RatioOf: R = Σy/Σx and x̄ (Σx is the same sum as the point's filled and markout quantity).
        bool capturedRatio = filled > 0, markoutRatio = markoutQ > 0;
        double rc = capturedRatio ? capturedBpsSum / filled : 0, xc = capturedRatio ? filled / n : 1;
        double rm = markoutRatio ? markoutBpsSum / markoutQ : 0, xm = markoutRatio ? markoutQ / n : 1;
        double fillMean = fillSum / n, shareMean = shareSum / n;
        double fillSs = 0, shareSs = 0, capturedResidualSum = 0, markoutResidualSum = 0;
        if (capturedRatio || markoutRatio)
        {
            for (int e = 0; e < n; e++)
            {
                var p = episodes[e];
                double df = 1 - unfilled[e] / quantity - fillMean;
                fillSs += df * df;
                double ds = p.Filled / quantity - shareMean;
                shareSs += ds * ds;
                capturedResidualSum += (p.SpreadCaptured / arrivalPrice * 1e4 - rc * p.Filled) / xc;
                markoutResidualSum += (p.MarkoutCost / arrivalPrice * 1e4 - rm * p.MarkoutQuantity) / xm;
            }
        }
        else
        {
            // Nothing filled passively and no markout: no ratio, so no residuals.
            for (int e = 0; e < n; e++)
            {
                double df = 1 - unfilled[e] / quantity - fillMean;
                fillSs += df * df;
                double ds = episodes[e].Filled / quantity - shareMean;
                shareSs += ds * ds;
            }
        }

        double capturedResidualMean = capturedResidualSum / n, markoutResidualMean = markoutResidualSum / n;
        double capturedSs = 0, markoutSs = 0;
        if (n > 1 && (capturedRatio || markoutRatio))
        {
            for (int e = 0; e < n; e++)
            {
                var p = episodes[e];
                double dc = (p.SpreadCaptured / arrivalPrice * 1e4 - rc * p.Filled) / xc - capturedResidualMean;
                capturedSs += dc * dc;
                double dm = (p.MarkoutCost / arrivalPrice * 1e4 - rm * p.MarkoutQuantity) / xm - markoutResidualMean;
                markoutSs += dm * dm;
            }
        }

        return point with
        {
            Intervals = new OrderTypeIntervals(n, UnitKinds.Episode)
            {
                FillRate = Around(point.FillRate, MeanBoundsFromSums(fillMean, fillSs, n)),
                PassiveShare = Around(point.PassiveShare, MeanBoundsFromSums(shareMean, shareSs, n)),
                SpreadCapturedBps = Around(point.SpreadCapturedBps, capturedRatio ? RatioBoundsFromSums(rc, capturedResidualMean, capturedSs, n) : null),
                MarkoutBps = Around(point.MarkoutBps, markoutRatio ? RatioBoundsFromSums(rm, markoutResidualMean, markoutSs, n) : null),
            },
        };
    }

    /// <summary>Statistics.MeanBounds over independent units from the mean and the sum of squared deviations.</summary>
    private static ConfidenceBounds MeanBoundsFromSums(double mean, double ss, int n)
    {
        double std = n > 1 ? Math.Sqrt(ss / (n - 1)) : 0;
        double half = n > 1 ? Statistics.Z95 * std / Math.Sqrt(n) : 0;
        return new ConfidenceBounds(mean - half, mean + half);
    }

    /// <summary>Statistics.RatioBounds over independent units from the ratio and its linearised residuals' mean and sum
    /// of squared deviations.</summary>
    private static ConfidenceBounds RatioBoundsFromSums(double ratio, double residualMean, double residualSs, int n)
    {
        var b = MeanBoundsFromSums(residualMean, residualSs, n);
        double half = (b.High - b.Low) / 2;
        return new ConfidenceBounds(ratio - half, ratio + half);
    }

    /// <summary>The interval's half-width around the point estimate (sums in a different order differ in the last bits).</summary>
    internal static ConfidenceBounds? Around(double? point, ConfidenceBounds? bounds)
    {
        if (point is not { } p || bounds is null) return null;
        double half = (bounds.High - bounds.Low) / 2;
        return new ConfidenceBounds(p - half, p + half);
    }

    /// <summary>1 − unfilled/quantity per episode, as <see cref="FillRates"/>.</summary>
    private readonly ref struct FillRateValues(ReadOnlySpan<double> unfilled, double quantity) : Statistics.IValues
    {
        private readonly ReadOnlySpan<double> _unfilled = unfilled;
        private readonly double _quantity = quantity;

        public int Length => _unfilled.Length;

        public double this[int i] => 1 - _unfilled[i] / _quantity;
    }

    /// <summary>One per-episode figure of the passive statistics, computed as <see cref="From(ReadOnlySpan{PassiveStats}, ReadOnlySpan{double}, double, double, ReadOnlySpan{int})"/> stores it.</summary>
    private readonly ref struct PassiveValues(ReadOnlySpan<PassiveStats> episodes, PassiveValues.Field field, double quantity, double arrivalPrice) : Statistics.IValues
    {
        private readonly ReadOnlySpan<PassiveStats> _episodes = episodes;
        private readonly Field _field = field;
        private readonly double _quantity = quantity;
        private readonly double _arrivalPrice = arrivalPrice;

        public enum Field
        {
            Share,
            Filled,
            CapturedBps,
            MarkoutBps,
            MarkoutQuantity,
        }

        public int Length => _episodes.Length;

        public double this[int i] => _field switch
        {
            Field.Share => _episodes[i].Filled / _quantity,
            Field.Filled => _episodes[i].Filled,
            Field.CapturedBps => _episodes[i].SpreadCaptured / _arrivalPrice * 1e4,
            Field.MarkoutBps => _episodes[i].MarkoutCost / _arrivalPrice * 1e4,
            _ => _episodes[i].MarkoutQuantity,
        };
    }

    private static double[] FillRates(ReadOnlySpan<double> unfilled, double quantity)
    {
        var fill = new double[unfilled.Length];
        for (int e = 0; e < fill.Length; e++) fill[e] = 1 - unfilled[e] / quantity;
        return fill;
    }

    /// <summary>Aggregates per-episode statistics (summed in episode order, so independent of threading).</summary>
    /// <param name="episodes">One entry per episode.</param>
    /// <param name="quantity">Parent quantity in shares.</param>
    /// <param name="arrivalPrice">Arrival price S0.</param>
    /// <param name="unfilledFraction">Mean share of the order left unfilled at the horizon.</param>
    public static OrderTypeMetrics From(ReadOnlySpan<PassiveStats> episodes, double quantity, double arrivalPrice, double unfilledFraction)
    {
        double posted = 0, filled = 0, crossed = 0, captured = 0, markout = 0, markoutQ = 0;
        foreach (var p in episodes)
        {
            posted += p.Posted;
            filled += p.Filled;
            crossed += p.Crossed;
            captured += p.SpreadCaptured;
            markout += p.MarkoutCost;
            markoutQ += p.MarkoutQuantity;
        }

        return PointFrom(posted, filled, crossed, captured, markout, markoutQ, episodes.Length, quantity, arrivalPrice, unfilledFraction);
    }

    /// <summary>The point estimates from the per-episode sums.</summary>
    private static OrderTypeMetrics PointFrom(double posted, double filled, double crossed, double captured, double markout, double markoutQ,
        int episodes, double quantity, double arrivalPrice, double unfilledFraction)
    {
        double parent = quantity * Math.Max(1, episodes);
        return new OrderTypeMetrics(
            FillRate: 1 - unfilledFraction,
            PassiveShare: filled / parent,
            PostedFillRatio: posted > 0 ? filled / posted : null,
            CrossedOnExpiryShare: crossed / parent,
            SpreadCapturedBps: filled > 0 ? captured / (filled * arrivalPrice) * 1e4 : null,
            MarkoutBps: markoutQ > 0 ? markout / (markoutQ * arrivalPrice) * 1e4 : null);
    }
}

/// <summary>95% intervals of a strategy's limit-or-market metrics (<see cref="OrderTypeMetrics"/>), each over the same
/// independent units as the run's shortfall interval; null where the metric is null (nothing filled passively, or a markout
/// horizon the book does not measure).</summary>
/// <param name="IndependentUnits">How many independent units the intervals rest on: episodes on simulated paths, market
/// windows (clusters) on a replay.</param>
/// <param name="UnitKind">What a unit is: <see cref="UnitKinds.Episode"/> or <see cref="UnitKinds.Window"/>.</param>
public sealed record OrderTypeIntervals(int IndependentUnits, string UnitKind)
{
    /// <summary>Interval of the fill rate (mean of per-episode executed fractions).</summary>
    public ConfidenceBounds? FillRate { get; init; }

    /// <summary>Interval of the passive share (mean of per-episode passively filled fractions).</summary>
    public ConfidenceBounds? PassiveShare { get; init; }

    /// <summary>Interval of the spread captured per filled share, bps (ratio of sums, delta method).</summary>
    public ConfidenceBounds? SpreadCapturedBps { get; init; }

    /// <summary>Interval of the markout over the next decision step, bps (ratio of sums, delta method).</summary>
    public ConfidenceBounds? MarkoutBps { get; init; }

    /// <summary>Interval of the 1-s markout, bps (replayed books only).</summary>
    public ConfidenceBounds? Markout1sBps { get; init; }

    /// <summary>Interval of the 10-s markout, bps (replayed books only).</summary>
    public ConfidenceBounds? Markout10sBps { get; init; }

    /// <summary>Interval of the 60-s markout, bps (replayed books only).</summary>
    public ConfidenceBounds? Markout60sBps { get; init; }
}
