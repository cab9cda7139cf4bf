using Portal.Domain.MarketData;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Replay;

/// <summary>
/// A recorded dataset prepared for replay: per-snapshot mid, half-spread, visible depth and book imbalance, trade-volume
/// prefix sums, and the execution model of a replayed child order. <see cref="ReplayRunner"/> and the agents' replay
/// market both execute through this type, so a strategy costs the same in a backtest and in training.
/// </summary>
/// <remarks>
/// <para>Snapshots with an empty side carry the last two-sided mid and half-spread forward.</para>
/// <para>A child order walks the visible levels of the snapshot (<see cref="BookWalk.Execute"/>) shifted adversely by our own
/// transient displacement D; afterwards D grows by <c>TransientImpactFactor × q × (visible span + one spacing) / visible depth</c>
/// (a linear book with the recorded density, Obizhaeva and Wang 2013, section 2) and decays as e^(−t/τ) between steps.</para>
/// <para>The liquidity an observation shows is the visible depth over the mean depth of every snapshot up to and including
/// the one in force (an expanding mean), so it uses nothing recorded after the decision time.</para>
/// <para>Book imbalance is (bid depth − ask depth) / (bid depth + ask depth) summed over every recorded level (Cartea, Jaimungal
/// and Penalva 2015, section 4.3, volume imbalance), 0 for an empty book. It is a property of the recording alone: our own
/// displacement shifts prices, not sizes.</para>
/// </remarks>
public sealed class RecordedMarket
{
    private readonly long[] _tradeTimes;
    private readonly double[] _cumVolume;
    private readonly long[] _bookTimes;
    private readonly double[] _mid;
    private readonly double[] _halfSpread;
    private readonly double[] _depth;
    private readonly double[] _imbalance;
    private readonly double[] _depthSoFar;

    /// <summary>Prepares <paramref name="dataset"/> for replay with <paramref name="options"/> (defaults when null).</summary>
    /// <exception cref="ArgumentException">The book never has both a bid and an ask.</exception>
    public RecordedMarket(MarketDataset dataset, ReplayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        options ??= new ReplayOptions();
        options.Check();
        Dataset = dataset;
        Options = options;
        var book = dataset.Book;
        var n = book.Count;
        _bookTimes = book.Times.ToArray();
        _mid = new double[n]; _halfSpread = new double[n]; _depth = new double[n]; _imbalance = new double[n]; _depthSoFar = new double[n];
        double lastMid = double.NaN, lastHalf = 0;
        for (var i = 0; i < n && double.IsNaN(lastMid); i++) { lastMid = book.Mid(i); lastHalf = book.Spread(i) / 2; }
        if (double.IsNaN(lastMid)) throw new ArgumentException("The book never has both a bid and an ask.", nameof(dataset));
        var L = book.Levels;
        var askSizes = book.AskSizes;
        var bidSizes = book.BidSizes;
        double depthSum = 0;
        for (var i = 0; i < n; i++)
        {
            var m = book.Mid(i);
            if (!double.IsNaN(m)) { lastMid = m; lastHalf = book.Spread(i) / 2; }
            _mid[i] = lastMid; _halfSpread[i] = lastHalf;
            double dsum = 0, bids = 0, asks = 0;
            for (var l = 0; l < L; l++)
            {
                dsum += askSizes[i * L + l] + bidSizes[i * L + l];
                asks += askSizes[i * L + l];
                bids += bidSizes[i * L + l];
            }
            _depth[i] = dsum;
            _imbalance[i] = bids + asks > 0 ? (bids - asks) / (bids + asks) : 0;
            depthSum += dsum;
            _depthSoFar[i] = depthSum / (i + 1);
        }
        MeanDepth = depthSum / n > 0 ? depthSum / n : 1;
        _tradeTimes = dataset.Trades.Times.ToArray();
        _cumVolume = new double[_tradeTimes.Length + 1];
        var sizes = dataset.Trades.Sizes;
        for (var i = 0; i < _tradeTimes.Length; i++) _cumVolume[i + 1] = _cumVolume[i] + sizes[i];
        var s = dataset.Summary;
        var seconds = (s.EndTimeNs - s.StartTimeNs) / 1e9;
        Adv = seconds > 0 ? _cumVolume[^1] / seconds * options.SessionSeconds : 0;
    }

    /// <summary>The recording.</summary>
    public MarketDataset Dataset { get; }

    /// <summary>Replay settings in force (session length, ADV, own impact, split and segment).</summary>
    public ReplayOptions Options { get; }

    /// <summary>The recorded book.</summary>
    public BookSeries Book => Dataset.Book;

    /// <summary>Mid price of each snapshot (the last two-sided one where a side is empty).</summary>
    public ReadOnlySpan<double> Mid => _mid;

    /// <summary>Half the bid–ask spread of each snapshot (carried like <see cref="Mid"/>).</summary>
    public ReadOnlySpan<double> HalfSpread => _halfSpread;

    /// <summary>Visible depth (both sides, every recorded level) of each snapshot.</summary>
    public ReadOnlySpan<double> Depth => _depth;

    /// <summary>Mean of <see cref="Depth"/> over the whole recording (1 when the book is empty): the "normal" liquidity level.</summary>
    public double MeanDepth { get; }

    /// <summary>The recording's trade volume scaled to one session of <see cref="ReplayOptions.SessionSeconds"/>.</summary>
    public double Adv { get; }

    /// <summary>
    /// Volume imbalance of a snapshot over every recorded level, (bid depth − ask depth) / (bid depth + ask depth), in
    /// [−1, 1]: positive when the bids are deeper. 0 when both sides are empty.
    /// </summary>
    public double BookImbalance(int row) => _imbalance[row];

    /// <summary>Index of the last snapshot at or before <paramref name="t"/> (the first one when <paramref name="t"/> precedes them all).</summary>
    public int RowAtOrBefore(long t)
    {
        var i = Array.BinarySearch(_bookTimes, t);
        if (i >= 0) { while (i + 1 < _bookTimes.Length && _bookTimes[i + 1] == t) i++; return i; }
        return Math.Max(0, ~i - 1);
    }

    /// <summary>Recorded trade volume with time in [from, to).</summary>
    public double Volume(long from, long to) => _cumVolume[LowerBound(to)] - _cumVolume[LowerBound(from)];

    /// <summary>What <paramref name="scenario"/>'s order means on this recording: quantity, step clock, cap, fees and scales.</summary>
    /// <exception cref="ArgumentException">The recording has no trades and <see cref="ReplayOptions.Adv"/> is not set.</exception>
    public ReplayPlan Plan(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var adv = Options.Adv ?? Adv;
        if (!(adv > 0)) throw new ArgumentException("ADV is zero: the dataset has no trades; pass ReplayOptions.Adv.", "dataset");
        var steps = scenario.Order.Steps;
        var stepNs = (long)Math.Round(scenario.Order.HorizonMinutes * 60e9 / steps);
        var stepSeconds = stepNs / 1e9;
        var sigmaDay = Options.DailyVolatility ?? scenario.Market.DailyVolatility;
        return new ReplayPlan
        {
            Side = scenario.Order.Side,
            Quantity = scenario.Order.SizePctAdv / 100 * adv,
            Steps = steps,
            StepNs = stepNs,
            StepSeconds = stepSeconds,
            SessionSeconds = Options.SessionSeconds,
            DailyVolatility = sigmaDay,
            HorizonDays = scenario.Order.HorizonMinutes * 60 / Options.SessionSeconds,
            ExpectedStepVolume = adv * stepSeconds / Options.SessionSeconds,
            ExpectedStepVariance = sigmaDay * sigmaDay * stepSeconds / Options.SessionSeconds,
            MaxParticipation = scenario.Constraints.MaxParticipationPct is { } pct ? pct / 100 : double.PositiveInfinity,
            HoldCap = scenario.Constraints.MaxParticipationPct is not null && scenario.Constraints.AtHorizon == HorizonRule.HoldCap,
            FeeRate = scenario.Costs.FeeBps / 1e4,
            FeePerShare = scenario.Costs.FeePerShare,
            ImpactDecayPerStep = Math.Exp(-stepSeconds / Options.ImpactDecaySeconds),
        };
    }

    /// <summary>
    /// The recorded market along one episode starting at <paramref name="startNs"/>: at each step k (time start + k·step) the
    /// snapshot row in force, the recorded trade volume of [t_k, t_k + step), and the realised volatility of the mid over the
    /// previous step (every snapshot) relative to σ√Δt (1 at the first step). The arrival price is <c>Mid[rows[0]]</c>.
    /// </summary>
    /// <returns>How many snapshots the episode advanced through.</returns>
    public long Trace(ReplayPlan plan, long startNs, Span<int> rows, Span<double> stepVolume, Span<double> volatilityRatio)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var steps = plan.Steps;
        if (rows.Length < steps || stepVolume.Length < steps || volatilityRatio.Length < steps)
            throw new ArgumentException($"Each span needs room for {steps} steps.", nameof(rows));
        var n = _bookTimes.Length;
        var cursor = RowAtOrBefore(startNs);
        double rv = 0;
        var prevMid = _mid[cursor];
        long updates = 0;
        var expectedVar = plan.ExpectedStepVariance;
        for (var k = 0; k < steps; k++)
        {
            var t = startNs + k * plan.StepNs;
            while (cursor + 1 < n && _bookTimes[cursor + 1] <= t)
            {
                cursor++;
                var m = _mid[cursor];
                var r = Math.Log(m / prevMid);
                rv += r * r;
                prevMid = m;
                updates++;
            }
            rows[k] = cursor;
            stepVolume[k] = Volume(t, t + plan.StepNs);
            volatilityRatio[k] = k == 0 || expectedVar <= 0 ? 1 : Math.Sqrt(rv / expectedVar);
            rv = 0;
        }
        return updates;
    }

    /// <summary>What a strategy sees at <paramref name="step"/> of an episode (see <see cref="Observation"/>).</summary>
    /// <param name="plan">The order on this recording.</param>
    /// <param name="episode">Episode index (strategies key their random streams by it).</param>
    /// <param name="step">Decision step.</param>
    /// <param name="row">Snapshot in force (from <see cref="Trace"/>).</param>
    /// <param name="remaining">Shares still to trade.</param>
    /// <param name="displacement">Our own transient displacement D ≥ 0 (currency).</param>
    /// <param name="arrival">Arrival mid of the episode.</param>
    /// <param name="lastStepVolume">Recorded volume of the previous step (from <see cref="Trace"/>; ignored at step 0): the
    /// volume of the step about to be traded is not known before it ends and is never shown.</param>
    /// <param name="pastVolume">Recorded volume of every step before this one.</param>
    /// <param name="volatilityRatio">Realised volatility ratio (from <see cref="Trace"/>).</param>
    public Observation Observe(ReplayPlan plan, long episode, int step, int row, double remaining, double displacement, double arrival, double lastStepVolume, double pastVolume, double volatilityRatio)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var sign = plan.Sign;
        var sigmaDay = plan.DailyVolatility;
        var s0 = arrival;
        var observedMid = _mid[row] + sign * displacement;
        return new Observation
        {
            Episode = episode,
            RemainingFraction = remaining / plan.Quantity,
            TimeFraction = (double)step / plan.Steps,
            PriceMoveSigma = sigmaDay > 0 ? sign * (observedMid - s0) / (sigmaDay * s0 * Math.Sqrt(plan.HorizonDays)) : 0,
            RealizedVolatility = volatilityRatio,
            SpreadBps = _halfSpread[row] * 2 / s0 * 1e4,
            Liquidity = _depthSoFar[row] > 0 ? _depth[row] / _depthSoFar[row] : 1,
            VolumeRatio = step == 0 ? 1 : plan.ExpectedStepVolume > 0 ? lastStepVolume / plan.ExpectedStepVolume : 0,
            PastMarketVolume = step == 0 ? 0 : pastVolume,
            TransientImpactBps = displacement / s0 * 1e4,
            BookImbalance = -sign * _imbalance[row],
        };
    }

    /// <summary>
    /// Executes a child of <paramref name="quantity"/> &gt; 0 shares at snapshot <paramref name="row"/> with our displacement
    /// <paramref name="displacement"/> in force; returns its cost split as in <see cref="Backtesting.EpisodeResult"/> (currency,
    /// positive = cost) and the displacement right after it (before the step's decay).
    /// </summary>
    public ChildFill Fill(ReplayPlan plan, int row, double quantity, double displacement, double arrival)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var sign = plan.Sign;
        var buy = sign > 0;
        var mid = _mid[row];
        var move = sign * (mid - arrival);
        var walk = BookWalk.Execute(Book, row, buy, quantity, displacement);
        var half = sign * (walk.TouchPrice - sign * displacement - mid);
        var beyondTouch = sign * (walk.AveragePrice - walk.TouchPrice);
        return new ChildFill(
            Timing: quantity * move,
            Spread: quantity * half,
            Temporary: quantity * (displacement + beyondTouch),
            Fees: quantity * (plan.FeePerShare + plan.FeeRate * walk.AveragePrice),
            Displacement: displacement + Options.TransientImpactFactor * BookWalk.LinearDisplacement(Book, row, buy, quantity))
        {
            BeyondDepth = walk.BeyondVisible,
        };
    }

    private int LowerBound(long t)
    {
        int lo = 0, hi = _tradeTimes.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_tradeTimes[mid] < t) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}

/// <summary>A scenario's order on one recording (built by <see cref="RecordedMarket.Plan"/>).</summary>
public sealed record ReplayPlan
{
    /// <summary>Side of the parent order.</summary>
    public required Side Side { get; init; }

    /// <summary>+1 for a buy, −1 for a sell: the sign that makes a price move adverse when positive.</summary>
    public double Sign => Side == Side.Buy ? 1.0 : -1.0;

    /// <summary>Order quantity: <c>order.sizePctAdv</c> % of the ADV.</summary>
    public required double Quantity { get; init; }

    /// <summary>Decision steps.</summary>
    public required int Steps { get; init; }

    /// <summary>Length of a step in ns of recorded time.</summary>
    public required long StepNs { get; init; }

    /// <summary>Length of a step in seconds.</summary>
    public required double StepSeconds { get; init; }

    /// <summary>Seconds per trading day.</summary>
    public required double SessionSeconds { get; init; }

    /// <summary>Daily volatility σ that scales observations.</summary>
    public required double DailyVolatility { get; init; }

    /// <summary>Horizon in trading days.</summary>
    public required double HorizonDays { get; init; }

    /// <summary>ADV × step length / session: the volume an average step trades.</summary>
    public required double ExpectedStepVolume { get; init; }

    /// <summary>σ² Δt in days: the expected squared log return of the mid over a step.</summary>
    public required double ExpectedStepVariance { get; init; }

    /// <summary>Largest share of a step's recorded volume a child may take (∞ without a cap).</summary>
    public required double MaxParticipation { get; init; }

    /// <summary>True when the cap holds at the horizon: the last step trades at most the cap and the rest stays unfilled.</summary>
    public bool HoldCap { get; init; }

    /// <summary>Fee as a fraction of traded notional.</summary>
    public required double FeeRate { get; init; }

    /// <summary>Fee per share.</summary>
    public required double FeePerShare { get; init; }

    /// <summary>e^(−Δt/τ): what is left of our displacement after one step.</summary>
    public required double ImpactDecayPerStep { get; init; }

    /// <summary>
    /// Shares a child trades when a strategy asks for <paramref name="fractionOfRemaining"/> (clamped to [0, 1], NaN = 0) of
    /// <paramref name="remaining"/>, capped at <see cref="MaxParticipation"/> × <paramref name="stepVolume"/>; at the last step
    /// everything left, with <paramref name="forced"/> the part the strategy did not ask for or the cap held back.
    /// </summary>
    public double ChildQuantity(double fractionOfRemaining, double remaining, double stepVolume, bool lastStep, out double forced)
        => ChildQuantity(fractionOfRemaining, remaining, stepVolume, lastStep, out forced, out _);

    /// <summary>As <see cref="ChildQuantity(double, double, double, bool, out double)"/>; with <see cref="HoldCap"/> the last
    /// step trades at most the cap and <paramref name="unfilled"/> is what stays unfilled at the horizon.</summary>
    public double ChildQuantity(double fractionOfRemaining, double remaining, double stepVolume, bool lastStep, out double forced, out double unfilled)
    {
        var f = fractionOfRemaining;
        f = f > 0 ? (f < 1 ? f : 1) : 0;
        var q = f * remaining;
        if (q > MaxParticipation * stepVolume) q = MaxParticipation * stepVolume;
        forced = 0;
        unfilled = 0;
        if (lastStep && HoldCap)
        {
            var allowed = Math.Min(remaining, MaxParticipation * stepVolume);
            forced = allowed - q;
            unfilled = remaining - allowed;
            q = allowed;
        }
        else if (lastStep) { forced = remaining - q; q = remaining; }
        return q;
    }
}

/// <summary>Cost of one replayed child order in currency (positive = cost), split as in <see cref="Backtesting.EpisodeResult"/>.</summary>
/// <param name="Timing">Quantity × recorded mid move since arrival, adverse positive.</param>
/// <param name="Spread">Quantity × half the recorded spread.</param>
/// <param name="Temporary">Quantity × (our displacement + the walk beyond the touch).</param>
/// <param name="Fees">Explicit fees.</param>
/// <param name="Displacement">Our displacement right after the child (before the step's decay).</param>
public readonly record struct ChildFill(double Timing, double Spread, double Temporary, double Fees, double Displacement)
{
    /// <summary>Shares filled on levels beyond the snapshot's recorded depth, priced by the book's extension
    /// (<see cref="BookWalk.Execute"/>): the part of the fill that rests on an assumption rather than on the recording.</summary>
    public double BeyondDepth { get; init; }

    /// <summary>Timing + spread + temporary + fees.</summary>
    public double Total => Timing + Spread + Temporary + Fees;
}
