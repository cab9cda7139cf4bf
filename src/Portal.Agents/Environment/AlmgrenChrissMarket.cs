using Portal.Agents.Common;

namespace Portal.Agents.Environment;

/// <summary>
/// Batched discrete Almgren–Chriss market for a sell order: arithmetic Brownian mid price, linear temporary and
/// permanent impact, optional participation cap, forced trade of the remainder at the last step.
/// </summary>
/// <remarks>
/// Almgren and Chriss (2000), section 2: trade n_k at S̃_k = S_{k−1} − h(n_k/τ) with h(v) = ε + ηv, then
/// S_k = S_{k−1} + στ^½ξ_k − τg(n_k/τ) with g(v) = γv. The cost increment is n_k(S₀ − S̃_k)/(X·S₀)·10⁴ bps, so an
/// episode's increments add up to its implementation shortfall. The risk penalty of step k is λσ²τx_k²/(X·S₀)·10⁴
/// (x_k the remainder held over the next interval), whose sum is λ·V(x) of the paper's eq. (2)–(9), so expected
/// reward is −(E + λV) in basis points, the objective whose minimiser is the closed-form trajectory.
/// </remarks>
public sealed class AlmgrenChrissMarket : IExecutionMarket
{
    private readonly AlmgrenChrissParameters _p;
    private readonly SplitMix64[] _rng;
    private readonly double[] _remaining;
    private readonly double[] _price;
    private readonly double[] _lastReturnSq;
    private readonly double[] _traded;
    private readonly double[] _noise;
    private int _step;
    private bool _forced;

    /// <summary>Creates <paramref name="batchSize"/> parallel episodes of the model <paramref name="parameters"/>.</summary>
    public AlmgrenChrissMarket(AlmgrenChrissParameters parameters, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _p = parameters.Validated();
        if (batchSize is < 1 or > 1_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be in [1, 1000000].");
        }

        BatchSize = batchSize;
        _rng = new SplitMix64[batchSize];
        _remaining = new double[batchSize];
        _price = new double[batchSize];
        _lastReturnSq = new double[batchSize];
        _traded = new double[batchSize];
        _noise = new double[batchSize];
        Reset(0);
    }

    /// <summary>The model's parameters.</summary>
    public AlmgrenChrissParameters Parameters => _p;

    /// <inheritdoc />
    public int BatchSize { get; }

    /// <inheritdoc />
    public int Steps => _p.Steps;

    /// <inheritdoc />
    public int StepIndex => _step;

    /// <inheritdoc />
    public ReadOnlySpan<double> LastTradedFraction => _traded;

    /// <inheritdoc />
    public bool LastStepWasForced => _forced;

    /// <summary>Remaining shares of one episode.</summary>
    public double RemainingShares(int episode) => _remaining[episode];

    /// <inheritdoc />
    public void Reset(long seed, int episodesPerPath = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(episodesPerPath, 1);
        for (int i = 0; i < BatchSize; i++)
        {
            _rng[i] = new SplitMix64(seed, i / episodesPerPath);
            _remaining[i] = _p.Quantity;
            _price[i] = _p.ArrivalPrice;
            _lastReturnSq[i] = _p.Sigma * _p.Sigma * _p.Tau;
            _traded[i] = 0;
            _noise[i] = 0;
        }

        _step = 0;
        _forced = false;
    }

    /// <inheritdoc />
    public ExecutionObservation Observe(int episode)
    {
        double sigmaHorizon = _p.Sigma * Math.Sqrt(_p.Horizon);
        double expectedSq = _p.Sigma * _p.Sigma * _p.Tau;
        return new ExecutionObservation(
            RemainingFraction: _remaining[episode] / _p.Quantity,
            TimeFraction: (double)_step / _p.Steps,
            PriceMoveSigmas: sigmaHorizon > 0 ? (_price[episode] - _p.ArrivalPrice) / sigmaHorizon : 0,
            RealisedVolatility: expectedSq > 0 ? Math.Sqrt(_lastReturnSq[episode] / expectedSq) : 0,
            SpreadBps: 2 * _p.Epsilon / _p.ArrivalPrice * 1e4,
            LiquidityLevel: 1,
            VolumeRatio: 1,
            TransientImpactBps: 0,
            BookImbalance: 0);
    }

    /// <inheritdoc />
    public double UnrealisedCostBps(int episode) =>
        _remaining[episode] * (_p.ArrivalPrice - _price[episode]) / _p.Notional * 1e4;

    /// <inheritdoc />
    public double PriceNoiseBps(int episode) => _noise[episode];

    /// <inheritdoc />
    public double MaxFractionOfRemaining(int episode)
    {
        if (_step >= _p.Steps - 1 || _p.MaxParticipation is not { } cap || _remaining[episode] <= 0)
        {
            return 1;
        }

        return Math.Min(1, cap * _p.StepVolume / _remaining[episode]);
    }

    /// <inheritdoc />
    public void Step(ReadOnlySpan<double> fractionOfRemaining, Span<double> costIncrementBps, Span<double> riskPenaltyBps)
    {
        if (_step >= _p.Steps)
        {
            throw new InvalidOperationException($"The episodes are over after {_p.Steps} steps; call Reset first.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(fractionOfRemaining.Length, BatchSize, nameof(fractionOfRemaining));
        ArgumentOutOfRangeException.ThrowIfLessThan(costIncrementBps.Length, BatchSize, nameof(costIncrementBps));
        ArgumentOutOfRangeException.ThrowIfLessThan(riskPenaltyBps.Length, BatchSize, nameof(riskPenaltyBps));

        _forced = _step == _p.Steps - 1;
        double tau = _p.Tau;
        double sqrtTau = Math.Sqrt(tau);
        double toBps = 1e4 / _p.Notional;
        for (int i = 0; i < BatchSize; i++)
        {
            double remaining = _remaining[i];
            double f = _forced ? 1 : Clamp(fractionOfRemaining[i], MaxFractionOfRemaining(i));
            double n = f * remaining;
            if (_forced || n > remaining)
            {
                n = remaining;
            }

            double executionPrice = _price[i] - (n > 0 ? _p.Epsilon + _p.Eta * n / tau : 0);
            costIncrementBps[i] = n * (_p.ArrivalPrice - executionPrice) * toBps;
            remaining -= n;
            _remaining[i] = remaining;
            _traded[i] = n / _p.Quantity;

            double shock = _p.Sigma * sqrtTau * _rng[i].NextGaussian();
            _price[i] += shock - _p.Gamma * n;
            _lastReturnSq[i] = shock * shock;
            _noise[i] = -remaining * shock * toBps;
            riskPenaltyBps[i] = _p.RiskAversion * _p.Sigma * _p.Sigma * tau * remaining * remaining * toBps;
        }

        _step++;
    }

    private static double Clamp(double fraction, double max) =>
        double.IsNaN(fraction) || fraction <= 0 ? 0 : Math.Min(fraction, max);
}
