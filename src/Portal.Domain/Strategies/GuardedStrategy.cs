using System.Collections.Concurrent;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies.Baselines;

namespace Portal.Domain.Strategies;

/// <summary>How often a guard fired in a run: decision steps and episodes.</summary>
/// <param name="Guard"><c>fallback</c> or <c>breaker</c>.</param>
/// <param name="StepsFired">Episode-steps at which it overrode the strategy.</param>
/// <param name="EpisodesFired">Episodes in which it fired at least once.</param>
/// <param name="Decisions">Episode-steps it saw.</param>
public sealed record GuardFiring(string Guard, long StepsFired, int EpisodesFired, long Decisions);

/// <summary>
/// Any strategy wrapped in the risk guards of <see cref="GuardSettings"/> (a decorator: it decides what the inner strategy
/// decides unless a guard overrides it), under the id <c>guarded:INNER</c>.
/// </summary>
/// <remarks>
/// <para><b>Confidence fallback</b> (first): where the inner strategy's uncertainty (<see cref="IUncertaintySignal"/>)
/// exceeds the threshold (configured, or a quantile of the signal on calibration paths of the nominal market: see
/// <see cref="FallbackThreshold"/>), the step trades the safe schedule's share of the remainder instead: <c>twap</c> trades
/// 1/(N − k) of it (the remainder in equal slices over the steps left), <c>ac</c> the Almgren–Chriss trajectory's
/// (x_k − x_(k+1))/x_k (Almgren and Chriss, 2000, eq. 20; the trajectory's share of the remainder is the same from any
/// holdings, so it is the optimum of the remaining order). A strategy without a signal never falls back.</para>
/// <para><b>Circuit breaker</b> (then): the market is beyond its bounds when, at the start of the step, the spread exceeds
/// maxSpreadRatio × the scenario's nominal spread, the liquidity level is below minLiquidity, |the mid's move since
/// arrival| exceeds maxMoveSigma horizon volatilities σ·S0·√T, or the last step's volume was below minVolumeRatio × its
/// expectation. While tripped the fraction is multiplied by slowFactor (0 = pause), except that in the last completionPct
/// of the horizon it is at least 1/(N − k): the order then finishes in equal slices over the steps left instead of one
/// forced block at the deadline (a participation cap can still leave a remainder unfilled, as for any strategy). The last
/// step always sells the rest. Measuring against the scenario's nominal levels keeps the guard stateless: the simulated
/// market starts there, so they are the arrival conditions.</para>
/// <para>Every input is the step's observation or a fixed scenario fact, so the guard keeps the inner strategy's
/// information contract. The firing counters are for reporting only (updated atomically; decisions never read them).</para>
/// </remarks>
public sealed class GuardedStrategy : IExecutionStrategy
{
    /// <summary>Prefix of a guarded strategy's id.</summary>
    public const string IdPrefix = "guarded:";

    private readonly IExecutionStrategy _inner;
    private readonly FallbackGuardSettings? _fallback;
    private readonly CircuitBreakerSettings? _breaker;
    private readonly ScheduleStrategy? _safeAc;
    private readonly double _nominalSpreadBps;
    private long _fallbackSteps, _breakerSteps, _decisions;
    // Steps fired per episode (only episodes in which a guard fired): a shard reads its own episodes' counts from them.
    private readonly ConcurrentDictionary<long, int> _fallbackEpisodes = new(), _breakerEpisodes = new();

    /// <summary>Wraps <paramref name="inner"/> in the guards of <paramref name="guards"/> for <paramref name="scenario"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The guards are invalid (see <see cref="Scenario.Validate"/>); the message names the field.</exception>
    public GuardedStrategy(IExecutionStrategy inner, GuardSettings guards, Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(guards);
        ArgumentNullException.ThrowIfNull(scenario);
        var check = (scenario with { StrategySettings = scenario.StrategySettings with { Guards = guards } }).Validate()
            .FirstOrDefault(e => e.Field.StartsWith("strategySettings.guards", StringComparison.Ordinal));
        if (check is not null) throw new ArgumentOutOfRangeException(nameof(guards), check.Field + ": " + check.Message);
        _inner = inner;
        _fallback = guards.Fallback;
        _breaker = guards.Breaker;
        if (_fallback?.Safe == "ac")
            _safeAc = new ScheduleStrategy("ac", "ac", AlmgrenChrissBaseline.Holdings(scenario, scenario.StrategySettings.RiskAversion));
        _nominalSpreadBps = Math.Max(scenario.Market.Spread.MeanBps, scenario.Market.Spread.MinBps);
        if (_fallback is not null && inner is IUncertaintySignal)
        {
            FallbackThreshold = _fallback.ThresholdQuantile is { } q
                ? CalibratedThreshold(inner, scenario, _fallback.CalibrationEpisodes ?? FallbackGuardSettings.DefaultCalibrationEpisodes, q)
                : _fallback.Threshold;
        }
        Id = IdPrefix + inner.Id;
        DisplayName = inner.DisplayName + " (guarded)";
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public string DisplayName { get; }

    /// <summary>The uncertainty above which the confidence fallback trades the safe schedule: the configured threshold, or
    /// the quantile of the inner strategy's signal on calibration paths of the nominal market when
    /// <c>thresholdQuantile</c> is set (<see cref="Backtesting.UncertaintyCalibration"/>); null when the fallback is off or
    /// the inner strategy has no signal.</summary>
    public double? FallbackThreshold { get; }

    private static double CalibratedThreshold(IExecutionStrategy inner, Scenario scenario, int episodes, double quantile)
    {
        var signal = new SignalOf(inner);
        return Backtesting.UncertaintyCalibration.Quantile(signal, scenario, episodes, quantile);
    }

    /// <summary>A strategy and its signal as one type (the calibration needs both).</summary>
    private sealed class SignalOf(IExecutionStrategy inner) : IExecutionStrategy, IUncertaintySignal
    {
        public string Id => inner.Id;

        public string DisplayName => inner.DisplayName;

        public bool UsesObservations => inner.UsesObservations;

        public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining) =>
            inner.Decide(context, observations, fractionOfRemaining);

        public void Uncertainty(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> uncertainty) =>
            ((IUncertaintySignal)inner).Uncertainty(context, observations, uncertainty);
    }

    /// <summary>The strategy inside the guards.</summary>
    public IExecutionStrategy Inner => _inner;

    /// <inheritdoc />
    public bool UsesObservations => true;

    /// <summary>How often each configured guard fired so far (the confidence fallback, then the circuit breaker).</summary>
    public IReadOnlyList<GuardFiring> Firings
    {
        get
        {
            long decisions = Interlocked.Read(ref _decisions);
            var list = new List<GuardFiring>();
            if (_fallback is not null) list.Add(new GuardFiring("fallback", Interlocked.Read(ref _fallbackSteps), _fallbackEpisodes.Count, decisions));
            if (_breaker is not null) list.Add(new GuardFiring("breaker", Interlocked.Read(ref _breakerSteps), _breakerEpisodes.Count, decisions));
            return list;
        }
    }

    /// <summary>
    /// How often each configured guard fired in episodes <paramref name="firstEpisode"/> to <paramref name="firstEpisode"/> +
    /// <paramref name="episodes"/> − 1 only (one shard of a run), whatever else this instance ran, with
    /// <paramref name="decisions"/> the episode-steps those episodes saw. Integer sums over episodes, so the counts of
    /// shards that cover a run add up to <see cref="Firings"/> of one process running it all.
    /// </summary>
    public IReadOnlyList<GuardFiring> FiringsIn(long firstEpisode, int episodes, long decisions)
    {
        var list = new List<GuardFiring>();
        if (_fallback is not null) list.Add(In("fallback", _fallbackEpisodes, firstEpisode, episodes, decisions));
        if (_breaker is not null) list.Add(In("breaker", _breakerEpisodes, firstEpisode, episodes, decisions));
        return list;
    }

    private static GuardFiring In(string guard, ConcurrentDictionary<long, int> fired, long first, int count, long decisions)
    {
        long steps = 0;
        int episodes = 0;
        foreach (var (episode, n) in fired)
        {
            if (episode < first || episode >= first + count) continue;
            steps += n;
            episodes++;
        }
        return new GuardFiring(guard, steps, episodes, decisions);
    }

    /// <summary>True when the circuit breaker's bounds are crossed in <paramref name="o"/>.</summary>
    public bool Tripped(in Observation o)
    {
        var b = _breaker;
        if (b is null) return false;
        return (_nominalSpreadBps > 0 && o.SpreadBps > b.MaxSpreadRatio * _nominalSpreadBps)
            || o.Liquidity < b.MinLiquidity
            || Math.Abs(o.PriceMoveSigma) > b.MaxMoveSigma
            || o.VolumeRatio < b.MinVolumeRatio;
    }

    /// <inheritdoc />
    public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining)
    {
        _inner.Decide(context, _inner.UsesObservations ? observations : [], fractionOfRemaining);
        int n = fractionOfRemaining.Length;
        Interlocked.Add(ref _decisions, n);
        if (context.IsLastStep)
        {
            fractionOfRemaining.Fill(1);
            return;
        }

        int stepsLeft = context.Steps - context.Step;
        double even = 1.0 / stepsLeft;
        if (_fallback is not null && _inner is IUncertaintySignal signal && FallbackThreshold is { } threshold)
        {
            Span<double> u = n <= 256 ? stackalloc double[n] : new double[n];
            signal.Uncertainty(context, observations, u);
            double safe = _safeAc?.FractionAt(context.Step) ?? even;
            for (int e = 0; e < n; e++)
            {
                if (!(u[e] > threshold)) continue;
                fractionOfRemaining[e] = safe;
                Interlocked.Increment(ref _fallbackSteps);
                _fallbackEpisodes.AddOrUpdate(observations[e].Episode, 1, static (_, v) => v + 1);
            }
        }

        if (_breaker is not null)
        {
            bool completing = context.TimeFraction >= 1 - _breaker.CompletionPct / 100 - 1e-12;
            for (int e = 0; e < n; e++)
            {
                if (!Tripped(observations[e])) continue;
                double f = fractionOfRemaining[e];
                f = (f > 0 ? (f < 1 ? f : 1) : 0) * _breaker.SlowFactor;
                if (completing && f < even) f = even;
                fractionOfRemaining[e] = f;
                Interlocked.Increment(ref _breakerSteps);
                _breakerEpisodes.AddOrUpdate(observations[e].Episode, 1, static (_, v) => v + 1);
            }
        }
    }
}
