namespace Portal.Domain.Simulation;

/// <summary>The exogenous market state of a batch of episodes at the current decision step, stored as arrays across
/// episodes. Every strategy run on the batch sees the same state (common random numbers).</summary>
internal sealed class MarketBlock
{
    private const double RealizedVolatilityWeight = 0.3;

    private readonly MarketModel _m;
    private readonly RandomStream[] _rng;
    private readonly double[] _level;
    private readonly double[] _spreadState;
    private readonly double[] _liquidityState;

    public MarketBlock(MarketModel model, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _m = model;
        Capacity = capacity;
        _rng = new RandomStream[capacity];
        Episodes = new long[capacity];
        _level = new double[capacity];
        _spreadState = new double[capacity];
        _liquidityState = new double[capacity];
        Mid = new double[capacity];
        HalfSpread = new double[capacity];
        SpreadBps = new double[capacity];
        Liquidity = new double[capacity];
        Volume = new double[capacity];
        ImpactScale = new double[capacity];
        Slip = new double[capacity];
        RealizedVariance = new double[capacity];
    }

    public MarketModel Model => _m;
    public int Capacity { get; }
    public int Count { get; private set; }
    public int Step { get; private set; }
    public long Seed { get; private set; }
    public long[] Episodes { get; }

    /// <summary>Unaffected mid price (currency).</summary>
    public double[] Mid { get; }

    /// <summary>Half the spread in currency per share.</summary>
    public double[] HalfSpread { get; }
    public double[] SpreadBps { get; }
    public double[] Liquidity { get; }

    /// <summary>Market volume of the current step (shares).</summary>
    public double[] Volume { get; }

    /// <summary>Factor applied to every impact coefficient at this step (events and liquidity scaling).</summary>
    public double[] ImpactScale { get; }

    /// <summary>Execution-price noise of this step in currency per share (0 when disabled).</summary>
    public double[] Slip { get; }

    /// <summary>Exponential average of squared standardised mid increments.</summary>
    public double[] RealizedVariance { get; }

    public void Reset(long seed, ReadOnlySpan<long> episodes)
    {
        if (episodes.Length < 1 || episodes.Length > Capacity)
            throw new ArgumentOutOfRangeException(nameof(episodes), episodes.Length, $"The batch must hold between 1 and {Capacity} episodes.");
        Count = episodes.Length;
        Seed = seed;
        Step = 0;
        var m = _m;
        for (int e = 0; e < Count; e++)
        {
            Episodes[e] = episodes[e];
            _rng[e] = new RandomStream(seed, episodes[e]);
            _level[e] = m.S0;
            Mid[e] = m.S0 * (1 + m.PriceOffset[0]);
            _spreadState[e] = m.SpreadMeanBps;
            _liquidityState[e] = 1.0;
            RealizedVariance[e] = 1.0;
        }

        FillStepState();
    }

    /// <summary>Moves every episode from the current step to the next one.</summary>
    public void Advance()
    {
        var m = _m;
        int k = Step;
        double sigmaStep = m.SigmaAbs * m.VolatilityMultiplier[k] * Math.Sqrt(m.Tau);
        double sigmaRel = m.SigmaAbs / m.S0 * m.VolatilityMultiplier[k];
        double offsetNext = m.PriceOffset[k + 1] * m.S0;
        double driftAbs = m.Drift * m.S0 * m.Tau;
        double gbmDrift = (m.Drift - 0.5 * sigmaRel * sigmaRel) * m.Tau;
        double gbmVol = sigmaRel * Math.Sqrt(m.Tau);
        double invVar = m.SigmaAbs > 0 ? 1.0 / (m.SigmaAbs * m.SigmaAbs * m.Tau) : 0;
        bool jumps = m.JumpProb > 0;
        for (int e = 0; e < Count; e++)
        {
            ref var rng = ref _rng[e];
            double z = rng.NextNormal();
            double level = _level[e];
            if (m.Gbm) level *= Math.Exp(gbmDrift + gbmVol * z);
            else level += driftAbs + sigmaStep * z;
            if (jumps && rng.NextUniform() < m.JumpProb)
            {
                double size = m.JumpMean + m.JumpStd * rng.NextNormal();
                level += (m.Gbm ? level : m.S0) * size;
            }

            _level[e] = level;
            double mid = level + offsetNext;
            double d = mid - Mid[e];
            RealizedVariance[e] += RealizedVolatilityWeight * (d * d * invVar - RealizedVariance[e]);
            Mid[e] = mid;

            if (m.SpreadStochastic)
                _spreadState[e] = m.SpreadMeanBps + (_spreadState[e] - m.SpreadMeanBps) * m.SpreadDecay + m.SpreadShock * rng.NextNormal();

            if (m.LiquidityStochastic)
            {
                double l = 1 + (_liquidityState[e] - 1) * m.LiquidityDecay;
                if (m.LiquidityShock > 0) l += m.LiquidityShock * rng.NextNormal();
                if (m.LiquidityShockProb > 0 && rng.NextUniform() < m.LiquidityShockProb) l *= m.LiquidityShockMultiplier;
                _liquidityState[e] = Math.Max(l, 0.01);
            }
        }

        Step = k + 1;
        if (Step < m.Steps) FillStepState();
    }

    private void FillStepState()
    {
        var m = _m;
        int k = Step;
        double spreadMult = m.SpreadMultiplier[k];
        double liqMult = m.LiquidityMultiplier[k];
        double impMult = m.ImpactMultiplier[k];
        double expected = m.ExpectedVolume[k];
        double noise = m.VolumeNoise;
        double noiseMean = -0.5 * noise * noise;
        double halfBpsToCurrency = 0.5e-4 * m.S0;
        for (int e = 0; e < Count; e++)
        {
            ref var rng = ref _rng[e];
            double spread = Math.Max(_spreadState[e], m.SpreadMinBps) * spreadMult;
            SpreadBps[e] = spread;
            HalfSpread[e] = spread * halfBpsToCurrency;
            double liq = _liquidityState[e] * liqMult;
            Liquidity[e] = liq;
            double v = expected * liq;
            if (noise > 0) v *= Math.Exp(noise * rng.NextNormal() + noiseMean);
            Volume[e] = v;
            ImpactScale[e] = m.LiquidityScaled ? impMult / liq : impMult;
            Slip[e] = m.SlipAbs > 0 ? m.SlipAbs * rng.NextNormal() : 0;
        }
    }
}
