using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Agents.Environment;

/// <summary>
/// <see cref="IExecutionMarket"/> over the portal's simulator (<see cref="ExecutionSimulation"/>) for any scenario: impact
/// model, regime, liquidity, spread, volume profile, fees and participation cap all come from the scenario.
/// </summary>
/// <remarks>
/// Episode i of a reset with seed s draws the simulator's stream (s, i / episodesPerPath), the same keying the backtest
/// runner uses, so an agent evaluated in a backtest with seed s sees exactly the paths it would see here. The risk penalty
/// is the Almgren–Chriss variance term λσ²τx_k² (Almgren and Chriss 2000, eq. 8) with σ = daily volatility × arrival price.
/// With limit orders, <see cref="PriceNoiseBps"/> also holds the adverse-selection move of the mid (Cartea, Jaimungal and
/// Penalva 2015, §10.4: ε·(N − E[N]), zero-mean before the step) on the holdings the child leaves: the holdings decided at
/// the start of the step, never the realised remainder, which depends on the fills and so on N.
/// </remarks>
public sealed class ScenarioMarket : IExecutionMarket
{
    private readonly ExecutionSimulation _sim;
    private readonly Scenario _scenario;
    private readonly long[] _episodes;
    private readonly double[] _traded;
    private readonly double[] _remainingBefore;
    private readonly double _capFraction;
    private readonly double _penaltyPerShare2Bps;
    private readonly double _unrealisedScale;
    private readonly double _noiseScale;
    private readonly double[] _noise;
    private bool _forced;

    /// <summary>Creates <paramref name="batchSize"/> parallel episodes of <paramref name="scenario"/> with risk aversion λ (1/currency).</summary>
    public ScenarioMarket(Scenario scenario, int batchSize, double riskAversion)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (!(riskAversion >= 0) || double.IsInfinity(riskAversion))
        {
            throw new ArgumentOutOfRangeException(nameof(riskAversion), riskAversion, "riskAversion must be finite and >= 0.");
        }

        _scenario = scenario.EnsureValid();
        _sim = new ExecutionSimulation(scenario, batchSize, trackPriceInnovation: true);
        if (_sim.Steps < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(scenario), _sim.Steps, "The scenario needs at least 2 steps for an agent to decide anything.");
        }

        _episodes = new long[batchSize];
        _traded = new double[batchSize];
        _remainingBefore = new double[batchSize];
        _capFraction = scenario.Constraints.MaxParticipationPct is { } cap ? cap / 100.0 : double.PositiveInfinity;
        double s0 = scenario.Market.ArrivalPrice;
        double sigmaAbs = scenario.Market.DailyVolatility * s0;
        double notional = scenario.Quantity * s0;
        _penaltyPerShare2Bps = riskAversion * sigmaAbs * sigmaAbs * scenario.StepDays / notional * 1e4;
        _unrealisedScale = scenario.Market.DailyVolatility * Math.Sqrt(scenario.HorizonDays) * 1e4;
        _noiseScale = (scenario.Order.Side == Side.Buy ? 1.0 : -1.0) / notional * 1e4;
        _noise = new double[batchSize];
        BatchSize = batchSize;
        RiskAversion = riskAversion;
        Reset(0);
    }

    /// <summary>The scenario simulated.</summary>
    public Scenario Scenario => _scenario;

    /// <summary>The simulator behind the market (for the look-ahead contract tests).</summary>
    internal ExecutionSimulation Simulation => _sim;

    /// <summary>Risk aversion λ of the penalty.</summary>
    public double RiskAversion { get; }

    /// <inheritdoc />
    public int BatchSize { get; }

    /// <inheritdoc />
    public int Steps => _sim.Steps;

    /// <inheritdoc />
    public int StepIndex => _sim.CurrentStep;

    /// <inheritdoc />
    public ReadOnlySpan<double> LastTradedFraction => _traded;

    /// <inheritdoc />
    public bool LastStepWasForced => _forced;

    /// <summary>Remaining shares of one episode.</summary>
    public double RemainingShares(int episode) => _sim.Remaining(episode);

    /// <inheritdoc />
    public void Reset(long seed, int episodesPerPath = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(episodesPerPath, 1);
        for (int i = 0; i < BatchSize; i++)
        {
            _episodes[i] = i / episodesPerPath;
        }

        _sim.Reset(seed, _episodes);
        Array.Clear(_traded);
        Array.Clear(_noise);
        _forced = false;
    }

    /// <inheritdoc />
    public ExecutionObservation Observe(int episode) => FromSimulator(_sim.Observations[episode]);

    /// <summary>Maps the simulator's (or the replay backtest's) observation to the agents' (price move signed favourable-positive).</summary>
    public static ExecutionObservation FromSimulator(in Observation o) => new(
        RemainingFraction: o.RemainingFraction,
        TimeFraction: o.TimeFraction,
        PriceMoveSigmas: -o.PriceMoveSigma,
        RealisedVolatility: o.RealizedVolatility,
        SpreadBps: o.SpreadBps,
        LiquidityLevel: o.Liquidity,
        VolumeRatio: o.VolumeRatio,
        TransientImpactBps: o.TransientImpactBps,
        BookImbalance: o.BookImbalance);

    /// <inheritdoc />
    public double UnrealisedCostBps(int episode)
    {
        if (_sim.IsDone) return 0; // an unfilled rest has been charged its opportunity cost with the last step
        var o = _sim.Observations[episode];
        return o.RemainingFraction * o.PriceMoveSigma * _unrealisedScale;
    }

    /// <inheritdoc />
    public double PriceNoiseBps(int episode) => _noise[episode];

    /// <inheritdoc />
    public double MaxFractionOfRemaining(int episode)
    {
        var o = _sim.Observations[episode];
        var context = _sim.Context;
        return MaxFraction(_capFraction, o, context.ExpectedStepVolume, context.Quantity, context.IsLastStep);
    }

    /// <summary>Largest fraction of the remainder a participation cap is expected to allow (1 at the last step or without a
    /// cap), from start-of-step information only: cap × the step's forecast volume (expected volume × the last step's
    /// realised ratio, <see cref="Observation.VolumeRatio"/>). The market still holds every child to the cap on the volume the
    /// step actually trades.</summary>
    public static double MaxFraction(double capFraction, in Observation o, double expectedStepVolume, double quantity, bool lastStep)
    {
        if (lastStep || double.IsPositiveInfinity(capFraction))
        {
            return 1;
        }

        double remaining = o.RemainingFraction * quantity;
        return remaining <= 0 ? 1 : Math.Clamp(capFraction * o.VolumeRatio * expectedStepVolume / remaining, 0, 1);
    }

    /// <inheritdoc />
    public void Step(ReadOnlySpan<double> fractionOfRemaining, Span<double> costIncrementBps, Span<double> riskPenaltyBps)
    {
        BeginStep();
        EndStep(_sim.Step(fractionOfRemaining), costIncrementBps, riskPenaltyBps);
    }

    /// <inheritdoc />
    public bool SupportsLimitOrders => true;

    /// <inheritdoc />
    public void Step(ReadOnlySpan<double> fractionOfRemaining, ReadOnlySpan<double> passiveShare, Span<double> costIncrementBps, Span<double> riskPenaltyBps)
    {
        BeginStep();
        EndStep(_sim.Step(fractionOfRemaining, passiveShare, Common.OrderTypeActions.Plan), costIncrementBps, riskPenaltyBps);
        // The adverse-selection move ε·(N − E[N]) is zero-mean given the start of the step; on the holdings the child leaves
        // (decided at the start, so uncorrelated with N) it is pure noise in the shaped reward, removed like the price noise.
        var selection = _sim.SelectionMove;
        double toBps = 1e4 / (_sim.Quantity * _scenario.Market.ArrivalPrice);
        for (int i = 0; i < BatchSize; i++)
        {
            double f = fractionOfRemaining[i];
            f = f > 0 ? (f < 1 ? f : 1) : 0;
            double left = _forced ? 0 : _remainingBefore[i] * (1 - f);
            _noise[i] += left * selection[i] * toBps;
        }
    }

    /// <inheritdoc />
    public double LastPassiveFillShare(int episode) => _sim.IsDone ? double.NaN : _sim.Observations[episode].LastPassiveFillShare ?? double.NaN;

    private void BeginStep()
    {
        _forced = _sim.CurrentStep == _sim.Steps - 1;
        for (int i = 0; i < BatchSize; i++)
        {
            _remainingBefore[i] = _sim.Remaining(i);
        }
    }

    private void EndStep(StepResult result, Span<double> costIncrementBps, Span<double> riskPenaltyBps)
    {
        double quantity = _sim.Quantity;
        var innovation = _sim.PriceInnovation;
        for (int i = 0; i < BatchSize; i++)
        {
            costIncrementBps[i] = result.CostBps[i];
            double remaining = _sim.Remaining(i);
            _traded[i] = (_remainingBefore[i] - remaining) / quantity;
            riskPenaltyBps[i] = _penaltyPerShare2Bps * remaining * remaining;
            _noise[i] = remaining * innovation[i] * _noiseScale;
        }
    }
}
