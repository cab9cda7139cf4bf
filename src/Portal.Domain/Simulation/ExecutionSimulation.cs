using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Simulation;

/// <summary>Batched stepping over the market simulator for one strategy: the building block of reinforcement-learning
/// environments (Gymnasium-style reset/step) and of the backtest runner, which shares its market and execution kernels.</summary>
/// <remarks>
/// <para>A batch holds up to <see cref="BatchSize"/> episodes stepped in lock-step. Episode i draws its market path from the
/// random stream (seed, i), exactly as in <see cref="BacktestRunner"/>, so an agent evaluated here and in a backtest sees the
/// same paths. Nothing is allocated per step.</para>
/// <para>Reward convention: <see cref="StepResult.CostBps"/> is the implementation shortfall incurred by this step's child
/// order, in bps of arrival notional; the sum over an episode is its shortfall, so a natural reward is its negative.</para>
/// </remarks>
public sealed class ExecutionSimulation
{
    private readonly MarketModel _model;
    private readonly MarketBlock _market;
    private readonly ExecutionBook _book;
    private readonly Observation[] _observations;
    private readonly double[] _costBps;
    private readonly bool[] _done;
    private readonly long[] _episodeBuffer;

    /// <summary>Creates a simulation of <paramref name="scenario"/> for batches of up to <paramref name="batchSize"/> episodes.</summary>
    /// <exception cref="ScenarioValidationException">The scenario is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is outside [1, 1,000,000].</exception>
    public ExecutionSimulation(Scenario scenario, int batchSize) : this(scenario, batchSize, trackPriceInnovation: false)
    {
    }

    /// <summary>
    /// Creates a simulation of <paramref name="scenario"/>; with <paramref name="trackPriceInnovation"/> each step also
    /// records the unpredictable part of the unaffected mid move (<see cref="PriceInnovation"/>).
    /// </summary>
    /// <exception cref="ScenarioValidationException">The scenario is invalid.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is outside [1, 1,000,000].</exception>
    public ExecutionSimulation(Scenario scenario, int batchSize, bool trackPriceInnovation)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (batchSize < 1 || batchSize > 1_000_000)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be in [1, 1,000,000].");
        _model = new MarketModel(scenario);
        _market = new MarketBlock(_model, batchSize, trackPriceInnovation: trackPriceInnovation);
        _book = new ExecutionBook(_model, batchSize) { TrackStepCost = true };
        _observations = new Observation[batchSize];
        _costBps = new double[batchSize];
        _done = new bool[batchSize];
        _episodeBuffer = new long[batchSize];
        BatchSize = batchSize;
    }

    /// <summary>The scenario simulated.</summary>
    public Scenario Scenario => _model.Scenario;

    /// <summary>Largest batch.</summary>
    public int BatchSize { get; }

    /// <summary>Episodes in the current batch.</summary>
    public int Count => _market.Count;

    /// <summary>Decision steps per episode.</summary>
    public int Steps => _model.Steps;

    /// <summary>Current decision step (equals <see cref="Steps"/> once the batch is finished).</summary>
    public int CurrentStep => _market.Step;

    /// <summary>True once the horizon is reached.</summary>
    public bool IsDone => Count == 0 || _market.Step >= _model.Steps;

    /// <summary>Order quantity in shares.</summary>
    public double Quantity => _model.Quantity;

    /// <summary>Observations of the current step, one per episode of the batch.</summary>
    public ReadOnlySpan<Observation> Observations => _observations.AsSpan(0, Count);

    /// <summary>Facts common to the batch at the current step.</summary>
    public DecisionContext Context => new()
    {
        Scenario = _model.StrategyScenario,
        Seed = _market.Seed,
        Step = Math.Min(_market.Step, _model.Steps - 1),
        Steps = _model.Steps,
        Quantity = _model.Quantity,
        ExpectedStepVolume = _model.ExpectedVolume[Math.Min(_market.Step, _model.Steps - 1)],
    };

    /// <summary>A change of the market from a step on, for the look-ahead contract tests (null in production).</summary>
    internal MarketPerturbation? Perturbation
    {
        get => _market.Perturbation;
        set => _market.Perturbation = value;
    }

    /// <summary>Starts episodes <paramref name="firstEpisode"/> … <paramref name="firstEpisode"/> + <paramref name="count"/> − 1.</summary>
    public ReadOnlySpan<Observation> Reset(long seed, long firstEpisode, int count)
    {
        if (count < 1 || count > BatchSize)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"The episode count must be in [1, {BatchSize}].");
        for (int e = 0; e < count; e++) _episodeBuffer[e] = firstEpisode + e;
        return Reset(seed, _episodeBuffer.AsSpan(0, count));
    }

    /// <summary>Starts the given episodes (each keyed by its index, so any subset can be replayed).</summary>
    public ReadOnlySpan<Observation> Reset(long seed, ReadOnlySpan<long> episodes)
    {
        _market.Reset(seed, episodes);
        _book.Reset(episodes.Length);
        Array.Clear(_done, 0, episodes.Length);
        Array.Clear(_costBps, 0, episodes.Length);
        _book.Observe(_market, _observations.AsSpan(0, episodes.Length));
        return Observations;
    }

    /// <summary>Trades the given fraction of each episode's remaining quantity at the current step and moves to the next.
    /// Fractions are clamped to [0, 1] (NaN becomes 0); at the last step the remainder is force-traded.</summary>
    /// <exception cref="InvalidOperationException">The batch is finished or was never reset.</exception>
    /// <exception cref="ArgumentException">Fewer fractions than episodes.</exception>
    public StepResult Step(ReadOnlySpan<double> fractionOfRemaining)
    {
        if (IsDone) throw new InvalidOperationException("The batch is finished (or was never reset): call Reset first.");
        _book.Apply(_market, fractionOfRemaining);
        return Finish();
    }

    private StepResult Finish()
    {
        int n = Count;
        double toBps = 1e4 / _model.ArrivalNotional;
        bool last = _market.Step == _model.Steps - 1;
        for (int e = 0; e < n; e++)
        {
            _costBps[e] = _book.StepCost[e] * toBps;
            _done[e] = last || _book.RemainingOf(e) <= 0;
        }

        _market.Advance();
        if (last)
        {
            // The unfilled rest (cap held at the horizon) is charged its opportunity cost with the final step.
            _book.Close(_market);
            for (int e = 0; e < n; e++) _costBps[e] += _book.OpportunityOf(e) * toBps;
        }

        _book.Observe(_market, _observations.AsSpan(0, n));
        return new StepResult(_costBps.AsSpan(0, n), _done.AsSpan(0, n), Observations);
    }

    /// <summary>Trades each episode's child order split into a market order and a limit order
    /// (<see cref="IOrderTypeStrategy"/>): <paramref name="passiveShare"/> of the child rests per <paramref name="plan"/>,
    /// the rest is a market order; then moves to the next step.</summary>
    /// <exception cref="InvalidOperationException">The batch is finished or was never reset.</exception>
    /// <exception cref="ArgumentException">Fewer fractions or shares than episodes.</exception>
    public StepResult Step(ReadOnlySpan<double> fractionOfRemaining, ReadOnlySpan<double> passiveShare, LimitOrderPlan plan)
    {
        if (IsDone) throw new InvalidOperationException("The batch is finished (or was never reset): call Reset first.");
        _book.ApplyOrders(_market, fractionOfRemaining, passiveShare, plan);
        return Finish();
    }

    /// <summary>Limit-order statistics of episode <paramref name="index"/> so far.</summary>
    public PassiveStats Passive(int index) => _book.PassiveOf(CheckIndex(index));

    /// <summary>
    /// Per episode, the unpredictable part of the last step's unaffected mid move in currency (the new mid minus its
    /// expectation given the past: drift and mean jump removed), zero after a reset. Empty unless the simulation was
    /// created with <c>trackPriceInnovation</c>.
    /// </summary>
    public ReadOnlySpan<double> PriceInnovation => _market.PriceInnovation is { } p ? p.AsSpan(0, Count) : [];

    /// <summary>
    /// Per episode, the adverse-selection move of the mid caused by the last step's limit order (<see cref="PassiveFillModel"/>:
    /// ε·(N − E[N]) against the filled side), as an adverse displacement in currency per share for the parent order;
    /// zero-mean given everything known before the step, 0 after a step without a limit order.
    /// </summary>
    public ReadOnlySpan<double> SelectionMove => _book.StepSelection;

    /// <summary>Remaining shares of episode <paramref name="index"/> of the batch.</summary>
    public double Remaining(int index) => _book.RemainingOf(CheckIndex(index));

    /// <summary>Shortfall so far of episode <paramref name="index"/> in bps of arrival notional.</summary>
    public double ShortfallBps(int index) => _book.ShortfallCurrency(CheckIndex(index)) * 1e4 / _model.ArrivalNotional;

    /// <summary>Full result of episode <paramref name="index"/> (meaningful once <see cref="IsDone"/>).</summary>
    public EpisodeResult Result(int index) => _book.Result(_market, CheckIndex(index), (int)_market.Episodes[index]);

    private int CheckIndex(int index)
    {
        if (index < 0 || index >= Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The batch holds {Count} episodes.");
        return index;
    }
}

/// <summary>What one step of a batch produced.</summary>
/// <param name="CostBps">Per episode: shortfall incurred at this step in bps of arrival notional.</param>
/// <param name="Done">Per episode: true once nothing remains to trade or the horizon is reached.</param>
/// <param name="Observations">Per episode: observation at the next step.</param>
public readonly ref struct StepResult(ReadOnlySpan<double> CostBps, ReadOnlySpan<bool> Done, ReadOnlySpan<Observation> Observations)
{
    /// <summary>Per episode: shortfall incurred at this step in bps of arrival notional.</summary>
    public ReadOnlySpan<double> CostBps { get; } = CostBps;

    /// <summary>Per episode: true once nothing remains to trade or the horizon is reached.</summary>
    public ReadOnlySpan<bool> Done { get; } = Done;

    /// <summary>Per episode: observation at the next step.</summary>
    public ReadOnlySpan<Observation> Observations { get; } = Observations;
}
