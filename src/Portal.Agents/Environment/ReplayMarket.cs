using Portal.Agents.Common;
using Portal.Domain.MarketData;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;

namespace Portal.Agents.Environment;

/// <summary>
/// <see cref="IExecutionMarket"/> over a recorded dataset, with the execution model of the portal's replay backtest
/// (<see cref="ReplayRunner"/>): children walk the recorded book shifted by our own decaying transient impact, the
/// participation cap is measured against recorded volume, and the remainder is force-traded at the last step.
/// </summary>
/// <remarks>
/// <para>Episodes are the replay backtest's windows of one segment (<see cref="ReplayRunner.Windows"/>: <c>scenario.episodes</c>
/// windows of <c>order.horizonMinutes</c>, evenly spaced inside the segment of <see cref="ReplayOptions.Segment"/>). Path p of a
/// reset with seed s (p = episode / episodesPerPath) is window ⌊u·n⌋ with u drawn from the SplitMix64 stream (s, p), so every
/// strategy reset with s sees the same windows (common random numbers) and window i costs exactly what episode i costs in the
/// backtest. Episodes never read the book or trades outside their window, so a market over the training segment never
/// touches a test-segment timestamp.</para>
/// <para>Child orders, observations and the participation cap come from <see cref="RecordedMarket"/>, the type the backtest
/// runs through. The book imbalance feature is the recorded top-level volume imbalance signed favourable-positive for the
/// order's side (see <see cref="ExecutionObservation.BookImbalance"/>).</para>
/// <para>The risk penalty is the Almgren–Chriss variance term λσ²τx_k² (Almgren and Chriss 2000, eq. 8) with σ = daily
/// volatility × the episode's arrival price and τ the step length in days, as in <see cref="ScenarioMarket"/>.</para>
/// </remarks>
public sealed class ReplayMarket : IExecutionMarket
{
    private readonly RecordedMarket _market;
    private readonly ReplayPlan _plan;
    private readonly IReadOnlyList<ReplayWindow> _windows;
    private readonly Path?[] _paths;
    private readonly int[] _window;
    private readonly double[] _remaining;
    private readonly double[] _displacement;
    private readonly double[] _traded;
    private readonly double _penaltyScale;
    private int _step;
    private bool _forced;

    /// <summary>
    /// Creates <paramref name="batchSize"/> parallel episodes of <paramref name="scenario"/>'s order replayed on
    /// <paramref name="market"/>, whose <see cref="ReplayOptions.Segment"/> chooses the windows, with risk aversion λ (1/currency).
    /// </summary>
    /// <exception cref="ArgumentException">The segment is shorter than the horizon, the dataset has no book or no trades (and no ADV is given), or the scenario has fewer than 2 steps.</exception>
    public ReplayMarket(Scenario scenario, RecordedMarket market, int batchSize, double riskAversion)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(market);
        if (batchSize is < 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be in [1, 1000000].");
        }

        if (!(riskAversion >= 0) || double.IsInfinity(riskAversion))
        {
            throw new ArgumentOutOfRangeException(nameof(riskAversion), riskAversion, "riskAversion must be finite and >= 0.");
        }

        scenario.EnsureValid();
        if (scenario.Order.Steps < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(scenario), scenario.Order.Steps, "The scenario needs at least 2 steps for an agent to decide anything.");
        }

        if (market.Book.Count < 2)
        {
            throw new ArgumentException($"Replay needs book snapshots; dataset has {market.Book.Count}.", nameof(market));
        }

        Scenario = scenario;
        _market = market;
        _plan = market.Plan(scenario);
        _windows = ReplayRunner.Windows(scenario, market.Dataset, market.Options);
        _paths = new Path?[_windows.Count];
        BatchSize = batchSize;
        RiskAversion = riskAversion;
        _window = new int[batchSize];
        _remaining = new double[batchSize];
        _displacement = new double[batchSize];
        _traded = new double[batchSize];
        // λσ²τ x² / (S0·X) · 1e4 with σ = σ_day·S0, so per episode: λ σ_day² S0 τ x² / X · 1e4.
        _penaltyScale = riskAversion * _plan.DailyVolatility * _plan.DailyVolatility * (_plan.StepSeconds / _plan.SessionSeconds) / _plan.Quantity * 1e4;
        Reset(0);
    }

    /// <summary>Creates the market over <paramref name="dataset"/> replayed with <paramref name="options"/>.</summary>
    public ReplayMarket(Scenario scenario, MarketDataset dataset, ReplayOptions options, int batchSize, double riskAversion)
        : this(scenario, new RecordedMarket(dataset, options), batchSize, riskAversion)
    {
    }

    /// <summary>The scenario whose order is replayed.</summary>
    public Scenario Scenario { get; }

    /// <summary>Risk aversion λ of the penalty.</summary>
    public double RiskAversion { get; }

    /// <summary>The order on this recording (quantity, step clock, cap, fees).</summary>
    public ReplayPlan Plan => _plan;

    /// <summary>The windows episodes are drawn from (the replay backtest's windows of the segment).</summary>
    public IReadOnlyList<ReplayWindow> Windows => _windows;

    /// <inheritdoc />
    public int BatchSize { get; }

    /// <inheritdoc />
    public int Steps => _plan.Steps;

    /// <inheritdoc />
    public int StepIndex => _step;

    /// <inheritdoc />
    public ReadOnlySpan<double> LastTradedFraction => _traded;

    /// <inheritdoc />
    public bool LastStepWasForced => _forced;

    /// <summary>Index into <see cref="Windows"/> of the window one episode replays.</summary>
    public int WindowIndex(int episode) => _window[episode];

    /// <summary>The window one episode replays.</summary>
    public ReplayWindow Window(int episode) => _windows[_window[episode]];

    /// <summary>Snapshot row of the recorded book in force at step <paramref name="step"/> of one episode.</summary>
    public int BookRow(int episode, int step) => PathOf(episode).Rows[Math.Clamp(step, 0, Steps - 1)];

    /// <summary>Remaining shares of one episode.</summary>
    public double RemainingShares(int episode) => _remaining[episode];

    /// <summary>Arrival mid of one episode.</summary>
    public double ArrivalPrice(int episode) => PathOf(episode).Arrival;

    /// <summary>The window path p of a reset with seed s replays: ⌊u·n⌋ with u uniform from the stream (s, p).</summary>
    public static int WindowFor(long seed, long path, int windows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windows, 1);
        var random = new SplitMix64(seed, path);
        return Math.Min(windows - 1, (int)(random.NextOpenUnit() * windows));
    }

    /// <inheritdoc />
    public void Reset(long seed, int episodesPerPath = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(episodesPerPath, 1);
        for (int i = 0; i < BatchSize; i++)
        {
            _window[i] = WindowFor(seed, i / episodesPerPath, _windows.Count);
            _remaining[i] = _plan.Quantity;
            _displacement[i] = 0;
            _traded[i] = 0;
        }

        _step = 0;
        _forced = false;
    }

    /// <inheritdoc />
    public ExecutionObservation Observe(int episode) => ScenarioMarket.FromSimulator(ObserveRecorded(episode));

    /// <summary>The observation as the replay backtest shows it to strategies (adverse-positive price move).</summary>
    public Domain.Simulation.Observation ObserveRecorded(int episode)
    {
        var path = PathOf(episode);
        int k = Math.Min(_step, Steps - 1);
        // Only what is known at the start of step k: the previous step's volume and the volume of the steps before it.
        return _market.Observe(_plan, episode, _step, path.Rows[k], _remaining[episode], _displacement[episode], path.Arrival,
            k > 0 ? path.Volume[k - 1] : 0, path.VolumeBefore[k], path.VolatilityRatio[k]);
    }

    /// <inheritdoc />
    public double MaxFractionOfRemaining(int episode)
    {
        if (_step >= Steps - 1 || _remaining[episode] <= 0)
        {
            return 1;
        }

        // The same rule as a trained agent's mask in the replay backtest, from the same observation.
        return ScenarioMarket.MaxFraction(_plan.MaxParticipation, ObserveRecorded(episode), _plan.ExpectedStepVolume, _plan.Quantity, lastStep: false);
    }

    /// <inheritdoc />
    public double UnrealisedCostBps(int episode)
    {
        double remaining = _remaining[episode];
        if (remaining <= 0 || _step >= Steps)
        {
            return 0; // an unfilled rest has been charged its opportunity cost with the last step
        }

        // Remainder × adverse move of the observed mid (recorded mid shifted by our displacement) since arrival.
        var path = PathOf(episode);
        int k = Math.Min(_step, Steps - 1);
        double adverse = _plan.Sign * (_market.Mid[path.Rows[k]] - path.Arrival) + _displacement[episode];
        return remaining * adverse / (path.Arrival * _plan.Quantity) * 1e4;
    }

    /// <inheritdoc />
    public void Step(ReadOnlySpan<double> fractionOfRemaining, Span<double> costIncrementBps, Span<double> riskPenaltyBps)
    {
        if (_step >= Steps)
        {
            throw new InvalidOperationException($"The episodes are over after {Steps} steps; call Reset first.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(fractionOfRemaining.Length, BatchSize, nameof(fractionOfRemaining));
        ArgumentOutOfRangeException.ThrowIfLessThan(costIncrementBps.Length, BatchSize, nameof(costIncrementBps));
        ArgumentOutOfRangeException.ThrowIfLessThan(riskPenaltyBps.Length, BatchSize, nameof(riskPenaltyBps));

        int k = _step;
        _forced = k == Steps - 1;
        for (int i = 0; i < BatchSize; i++)
        {
            var path = PathOf(i);
            double r = _remaining[i];
            double q = _plan.ChildQuantity(fractionOfRemaining[i], r, path.Volume[k], _forced, out _, out double unfilled);
            double d = _displacement[i];
            double cost = 0;
            if (q > 0)
            {
                var fill = _market.Fill(_plan, path.Rows[k], q, d, path.Arrival);
                cost = fill.Total;
                d = fill.Displacement;
            }

            double remaining = r - q;
            _remaining[i] = remaining;
            _displacement[i] = d * _plan.ImpactDecayPerStep;
            if (unfilled > 0)
            {
                // The cap held at the horizon: the unfilled rest costs its opportunity cost (Perold 1988), as in the backtest.
                double end = _market.Mid[_market.RowAtOrBefore(Window(i).EndNs)];
                cost += unfilled * (_plan.Sign * (end - path.Arrival) + _displacement[i]);
            }

            _traded[i] = q / _plan.Quantity;
            costIncrementBps[i] = cost / (path.Arrival * _plan.Quantity) * 1e4;
            riskPenaltyBps[i] = _penaltyScale * path.Arrival * remaining * remaining;
        }

        _step++;
    }

    private Path PathOf(int episode)
    {
        int w = _window[episode];
        return _paths[w] ??= Trace(_windows[w]);
    }

    private Path Trace(ReplayWindow window)
    {
        var path = new Path(new int[Steps], new double[Steps], new double[Steps], new double[Steps]);
        _market.Trace(_plan, window.StartNs, path.Rows, path.Volume, path.VolatilityRatio);
        for (int k = 1; k < Steps; k++)
        {
            path.VolumeBefore[k] = path.VolumeBefore[k - 1] + path.Volume[k - 1];
        }

        path.Arrival = _market.Mid[path.Rows[0]];
        return path;
    }

    /// <summary>One window's recorded path, traced once and reused by every episode that replays it.</summary>
    private sealed class Path(int[] rows, double[] volume, double[] volatilityRatio, double[] volumeBefore)
    {
        /// <summary>Recorded volume of the steps before each step.</summary>
        public double[] VolumeBefore { get; } = volumeBefore;

        public int[] Rows { get; } = rows;

        public double[] Volume { get; } = volume;

        public double[] VolatilityRatio { get; } = volatilityRatio;

        public double Arrival { get; set; }
    }
}
