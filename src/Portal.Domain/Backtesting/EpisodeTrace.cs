using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Backtesting;

/// <summary>
/// What one episode of a run looked like, step by step: the market's mid and volume, and every strategy's child orders
/// with their fill prices and costs. Built by re-simulating the episode (<see cref="EpisodeTracer"/>), never stored.
/// </summary>
/// <param name="Seed">Seed of the run.</param>
/// <param name="Episode">Episode index (the same market path for every strategy).</param>
/// <param name="Side">Side of the parent order.</param>
/// <param name="ArrivalPrice">Arrival price S0 (currency).</param>
/// <param name="Quantity">Parent order in shares.</param>
/// <param name="StepMinutes">Trading minutes per decision step.</param>
/// <param name="StartMinutesAfterOpen">Minutes after the open at which the order starts.</param>
/// <param name="Mid">Market mid at the start of each step, before the order's own impact (Steps + 1 points; the last is the horizon).</param>
/// <param name="MarketVolume">Market volume of each step in shares (Steps points).</param>
/// <param name="Strategies">One trace per strategy, in the run's order.</param>
public sealed record EpisodeTrace(long Seed, int Episode, Side Side, double ArrivalPrice, double Quantity, double StepMinutes,
    double StartMinutesAfterOpen, IReadOnlyList<double> Mid, IReadOnlyList<double> MarketVolume, IReadOnlyList<StrategyTrace> Strategies)
{
    /// <summary>For a replayed episode, the recorded market window it traded; null for a simulated episode.</summary>
    public RecordedWindow? Window { get; init; }
}

/// <summary>The recorded market window a replayed episode traded: where it lies and what the book's touch did in it.</summary>
/// <param name="Index">Window index (0-based; the episode index).</param>
/// <param name="Count">Windows in the run.</param>
/// <param name="StartNs">Start of the window, ns since 1970 on the exchange's clock.</param>
/// <param name="EndNs">End of the window (the horizon), same clock.</param>
/// <param name="BestBid">Recorded best bid at the start of each step and at the horizon (Steps + 1 points; NaN for an empty side).</param>
/// <param name="BestAsk">Recorded best ask, as <paramref name="BestBid"/>.</param>
/// <param name="Path">The recorded touch between the window's start and end (never after it), thinned to at most a few
/// hundred points for drawing.</param>
public sealed record RecordedWindow(int Index, int Count, long StartNs, long EndNs, IReadOnlyList<double> BestBid, IReadOnlyList<double> BestAsk,
    IReadOnlyList<RecordedQuote> Path);

/// <summary>One recorded snapshot of the touch.</summary>
/// <param name="TimeNs">Time of the snapshot, ns on the exchange's clock.</param>
/// <param name="Bid">Best bid (NaN when the side is empty).</param>
/// <param name="Ask">Best ask (NaN when the side is empty).</param>
/// <param name="Mid">Mid (the last two-sided one when a side is empty).</param>
public readonly record struct RecordedQuote(long TimeNs, double Bid, double Ask, double Mid);

/// <summary>How a replayed fill traded.</summary>
public enum FillKind
{
    /// <summary>A marketable child walking the recorded book.</summary>
    Market,

    /// <summary>Our resting limit order filled by recorded market orders reaching it in the queue.</summary>
    Limit,

    /// <summary>The unfilled rest of a limit order crossed the spread when it expired.</summary>
    CrossAtExpiry,
}

/// <summary>One fill of a replayed child order.</summary>
/// <param name="Kind">How it traded.</param>
/// <param name="TimeNs">When it traded, ns on the exchange's clock (a market child trades at its step's start).</param>
/// <param name="Shares">Shares filled.</param>
/// <param name="Price">Average price per share, fees excluded, our own displacement included (currency).</param>
/// <param name="TouchPrice">For a market fill, the recorded best price on the side traded of the snapshot it walked (before our
/// displacement); for a limit fill, the limit price it rested at.</param>
/// <param name="LevelsWalked">Book levels the fill consumed (1 for a limit fill; counting levels extrapolated beyond the recording).</param>
/// <param name="Displacement">Our own transient displacement in force when it traded (currency per share, ≥ 0).</param>
public sealed record ReplayFill(FillKind Kind, long TimeNs, double Shares, double Price, double TouchPrice, int LevelsWalked, double Displacement);

/// <summary>One strategy's child orders in one episode and the episode's result (the same numbers the run stored).</summary>
/// <param name="StrategyId">Strategy id.</param>
/// <param name="DisplayName">Name shown to people.</param>
/// <param name="Children">One entry per decision step, including steps that traded nothing.</param>
/// <param name="Result">The episode's shortfall and its breakdown.</param>
public sealed record StrategyTrace(string StrategyId, string DisplayName, IReadOnlyList<ChildFill> Children, EpisodeResult Result);

/// <summary>One child order: what was traded at one decision step and what it cost.</summary>
/// <param name="Step">Decision step (0-based).</param>
/// <param name="Shares">Shares traded at the step (the forced remainder included at the last step).</param>
/// <param name="FillPrice">Average fill price per share, fees excluded (currency); NaN when nothing traded.</param>
/// <param name="Participation">Shares over the step's market volume (0 when the market traded nothing).</param>
/// <param name="CostCurrency">Shortfall of the child against the arrival price, fees included (currency).</param>
/// <param name="CostBps">The same in bps of the arrival notional; the children's costs plus the opportunity cost add up to the episode's shortfall.</param>
public sealed record ChildFill(int Step, double Shares, double FillPrice, double Participation, double CostCurrency, double CostBps)
{
    /// <summary>For a replayed step, the fills that make up <see cref="Shares"/> (market, limit and crossed at expiry); empty when simulated.</summary>
    public IReadOnlyList<ReplayFill> Fills { get; init; } = [];
}

/// <summary>Re-simulates one episode of a scenario for every strategy of its run.</summary>
/// <remarks>
/// Episode i of a run draws its market path from the random stream (seed, i) whatever batch it ran in
/// (<see cref="RandomStreams"/>, <see cref="BacktestRunner"/>), so a batch of one episode reproduces the stored episode:
/// the same market path, the same decisions (strategies see only the step's observation, keyed by the episode), the same
/// shortfall. Per child, the execution price is that of <see cref="ExecutionBook"/>'s cost model: adverse displacement
/// d·(S_k − S0) + P_k + temporary/transient terms + half-spread + ε (Almgren and Chriss, 2000, eq. 2; Obizhaeva and Wang,
/// 2013), and fees q·(f_share + f_rate·price); the step's cost is q × displacement + fees, and its fill price
/// S0 + d × displacement with d = +1 for a buy, −1 for a sell.
/// </remarks>
public static class EpisodeTracer
{
    /// <summary>Traces episode <paramref name="episode"/> of <paramref name="scenario"/> for the run's strategies
    /// (the scenario's, then <paramref name="extras"/>, then the always-compared baselines, as <see cref="BacktestRunner"/> orders them).</summary>
    /// <param name="scenario">A valid simulated scenario (not a replay).</param>
    /// <param name="episode">Episode index in [0, scenario.Episodes).</param>
    /// <param name="extras">Strategies beyond the baselines, e.g. trained agents.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="episode"/> is outside [0, scenario.Episodes).</exception>
    /// <exception cref="ArgumentException">The scenario replays a dataset (trace it against the recording instead).</exception>
    public static EpisodeTrace Trace(Scenario scenario, int episode, IReadOnlyList<IExecutionStrategy>? extras = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (episode < 0 || episode >= scenario.Episodes)
            throw new ArgumentOutOfRangeException(nameof(episode), episode, $"episode must be in [0, {scenario.Episodes}).");
        if (scenario.Replay is not null)
            throw new ArgumentException("A replay scenario's episodes are windows of its recording, not simulated paths.", nameof(scenario));

        var model = new MarketModel(scenario);
        var strategies = StrategyCatalog.Resolve(scenario, extras);
        double[] mid = new double[model.Steps + 1];
        double[] volume = new double[model.Steps];
        var traces = new List<StrategyTrace>(strategies.Count);
        for (int s = 0; s < strategies.Count; s++)
        {
            var trace = TraceOne(model, strategies[s], scenario.Seed, episode, s == 0 ? mid : null, s == 0 ? volume : null);
            traces.Add(trace);
        }

        return new EpisodeTrace(scenario.Seed, episode, scenario.Order.Side, model.S0, model.Quantity, model.StepMinutes,
            scenario.Order.StartMinutesAfterOpen, mid, volume, traces);
    }

    private static StrategyTrace TraceOne(MarketModel model, IExecutionStrategy strategy, long seed, int episode, double[]? mid, double[]? volume)
    {
        var market = new MarketBlock(model, 1);
        var book = new ExecutionBook(model, 1) { TrackStepCost = true };
        market.Reset(seed, [(long)episode]);
        book.Reset(1);
        var observations = new Observation[1];
        var fraction = new double[1];
        var children = new ChildFill[model.Steps];
        double toBps = 1e4 / model.ArrivalNotional;
        for (int k = 0; k < model.Steps; k++)
        {
            var ctx = new DecisionContext
            {
                Scenario = model.StrategyScenario,
                Seed = seed,
                Step = k,
                Steps = model.Steps,
                Quantity = model.Quantity,
                ExpectedStepVolume = model.ExpectedVolume[k],
            };
            ReadOnlySpan<Observation> obs = default;
            if (strategy.UsesObservations)
            {
                book.Observe(market, observations);
                obs = observations;
            }

            if (mid is not null) mid[k] = market.Mid[0];
            if (volume is not null) volume[k] = market.Volume[0];
            double before = book.RemainingOf(0);
            strategy.Decide(ctx, obs, fraction);
            book.Apply(market, fraction);
            double shares = before - book.RemainingOf(0);
            double cost = shares > 0 ? book.StepCost[0] : 0;
            // StepCost = q·x + q·(f_share + f_rate·(S0 + d·x)), linear in the per-share displacement x: solve for x.
            double displacement = shares > 0
                ? (cost / shares - model.FeePerShare - model.FeeRate * model.S0) / (1 + model.FeeRate * model.Sign)
                : double.NaN;
            double marketVolume = market.Volume[0];
            children[k] = new ChildFill(k, shares, model.S0 + model.Sign * displacement,
                marketVolume > 0 ? shares / marketVolume : 0, cost, cost * toBps);
            market.Advance();
        }

        if (mid is not null) mid[model.Steps] = market.Mid[0];
        book.Close(market);
        return new StrategyTrace(strategy.Id, strategy.DisplayName, children, book.Result(market, 0, episode));
    }
}
