using Portal.Domain.Backtesting;

namespace Portal.Domain.Simulation;

/// <summary>One strategy's execution state and cost accumulators for a batch of episodes, stored as arrays across episodes.</summary>
/// <remarks>
/// All prices are tracked as adverse displacements from the arrival price S0 (positive = against the order), so buys and
/// sells share one code path. A child order of n shares at step k executes, per share, at
/// <c>d·(S_k − S0) + P_k + T_k + ½ΔT + h(n) + spread/2 + ε + noise</c>, where P is accumulated permanent impact
/// (Almgren and Chriss, 2000, eq. 2: the trade does not pay its own permanent impact), T the transient displacement,
/// ΔT the order's own transient increment (Obizhaeva and Wang, 2013: a block of n shares against depth q costs n·(D + n/(2q)))
/// and h the temporary impact. Implementation shortfall is the sum over steps of n times that plus fees, divided by S0·X.
/// </remarks>
internal sealed class ExecutionBook
{
    private readonly MarketModel _m;

    public ExecutionBook(MarketModel model, int capacity)
    {
        _m = model;
        Remaining = new double[capacity];
        Permanent = new double[capacity];
        Transient = new double[capacity];
        Timing = new double[capacity];
        PermanentCost = new double[capacity];
        TemporaryCost = new double[capacity];
        SpreadFeesCost = new double[capacity];
        Fees = new double[capacity];
        Forced = new double[capacity];
        MaxParticipation = new double[capacity];
        VolumeAdverse = new double[capacity];
        VolumeSum = new double[capacity];
        StepCost = new double[capacity];
    }

    public int Count { get; private set; }
    public double[] Remaining { get; }
    public double[] Permanent { get; }
    public double[] Transient { get; }
    public double[] Timing { get; }
    public double[] PermanentCost { get; }
    public double[] TemporaryCost { get; }
    public double[] SpreadFeesCost { get; }
    public double[] Fees { get; }
    public double[] Forced { get; }
    public double[] MaxParticipation { get; }
    public double[] VolumeAdverse { get; }
    public double[] VolumeSum { get; }

    /// <summary>Cost of the last step in currency.</summary>
    public double[] StepCost { get; }

    public void Reset(int count)
    {
        Count = count;
        Array.Fill(Remaining, _m.Quantity, 0, count);
        foreach (var a in new[] { Permanent, Transient, Timing, PermanentCost, TemporaryCost, SpreadFeesCost, Fees, Forced, MaxParticipation, VolumeAdverse, VolumeSum, StepCost })
            Array.Clear(a, 0, count);
    }

    /// <summary>Trades the clamped fractions at the market's current step and accumulates costs.</summary>
    public void Apply(MarketBlock market, ReadOnlySpan<double> fractions)
    {
        var m = _m;
        int n = Count;
        if (fractions.Length < n)
            throw new ArgumentException($"Expected {n} fractions, got {fractions.Length}.", nameof(fractions));
        bool last = market.Step == m.Steps - 1;
        double d = m.Sign;
        double s0 = m.S0;
        double cap = m.CapFraction;
        bool capped = !double.IsPositiveInfinity(cap);
        double eps = m.Epsilon;
        double feeRate = m.FeeRate;
        double feeShare = m.FeePerShare;
        double etaTau = m.EtaOverTau;
        double gamma = m.Gamma;
        double sqrtCoef = m.SqrtCoefficient;
        double trCoef = m.TransientCoefficient;
        double trBeta = m.TransientBeta;
        double trDecay = m.TransientDecay;
        bool transient = m.HasTransient;
        bool sqrt = sqrtCoef > 0;
        var mid = market.Mid;
        var half = market.HalfSpread;
        var vol = market.Volume;
        var scale = market.ImpactScale;
        var slip = market.Slip;
        for (int e = 0; e < n; e++)
        {
            double r = Remaining[e];
            double f = fractions[e];
            f = f > 0 ? (f < 1 ? f : 1) : 0; // NaN fails the comparison and becomes 0
            double q = f * r;
            double v = vol[e];
            if (capped && q > cap * v) q = cap * v;
            if (last)
            {
                Forced[e] = r - q;
                q = r;
            }

            double sc = scale[e];
            double move = d * (mid[e] - s0);
            double perm = Permanent[e];
            double tr = Transient[e];
            double temp = etaTau * q;
            if (sqrt) temp += sqrtCoef * Math.Sqrt(q);
            temp *= sc;
            double dT = 0;
            if (transient && q > 0) dT = sc * trCoef * (trBeta == 1 ? q : Math.Pow(q, trBeta));
            double hs = half[e] + eps;
            double execAdverse = move + perm + tr + 0.5 * dT + temp + hs + slip[e];
            double fee = q * (feeShare + feeRate * (s0 + d * execAdverse));

            Timing[e] += q * (move + slip[e]);
            PermanentCost[e] += q * perm;
            TemporaryCost[e] += q * (tr + 0.5 * dT + temp);
            SpreadFeesCost[e] += q * hs + fee;
            Fees[e] += fee;
            StepCost[e] = q * execAdverse + fee;
            VolumeAdverse[e] += v * (move + perm + tr);
            VolumeSum[e] += v;
            if (v > 0 && q > MaxParticipation[e] * v) MaxParticipation[e] = q / v;

            Permanent[e] = perm + sc * gamma * q;
            Transient[e] = (tr + dT) * trDecay;
            Remaining[e] = r - q;
        }
    }

    /// <summary>Fills observations for the market's current step.</summary>
    public void Observe(MarketBlock market, Span<Observation> observations)
    {
        var m = _m;
        double invX = 1.0 / m.Quantity;
        double sigmaH = m.SigmaAbs * Math.Sqrt(m.HorizonDays);
        double invSigmaH = sigmaH > 0 ? 1.0 / sigmaH : 0;
        double time = (double)market.Step / m.Steps;
        double expected = m.ExpectedVolume[Math.Min(market.Step, m.Steps - 1)];
        double invExpected = expected > 0 ? 1.0 / expected : 0;
        double toBps = 1e4 / m.S0;
        for (int e = 0; e < Count; e++)
        {
            double adverse = m.Sign * (market.Mid[e] - m.S0) + Permanent[e] + Transient[e];
            observations[e] = new Observation
            {
                Episode = market.Episodes[e],
                RemainingFraction = Remaining[e] * invX,
                TimeFraction = time,
                PriceMoveSigma = adverse * invSigmaH,
                RealizedVolatility = Math.Sqrt(market.RealizedVariance[e]),
                SpreadBps = market.SpreadBps[e],
                Liquidity = market.Liquidity[e],
                VolumeRatio = market.Volume[e] * invExpected,
                TransientImpactBps = Transient[e] * toBps,
            };
        }
    }

    /// <summary>Implementation shortfall of episode <paramref name="e"/> in currency.</summary>
    public double ShortfallCurrency(int e) => Timing[e] + PermanentCost[e] + TemporaryCost[e] + SpreadFeesCost[e];

    public EpisodeResult Result(int e, int episode)
    {
        var m = _m;
        double bps = 1e4 / m.ArrivalNotional;
        double total = ShortfallCurrency(e);
        double vwapAdverse = VolumeSum[e] > 0 ? VolumeAdverse[e] / VolumeSum[e] : 0;
        double execAdverse = (total - Fees[e]) / m.Quantity;
        double vwap = m.S0 + m.Sign * vwapAdverse;
        return new EpisodeResult(
            Episode: episode,
            ShortfallBps: total * bps,
            ShortfallCurrency: total,
            ArrivalSlippageBps: (total - Fees[e]) * bps,
            VwapSlippageBps: vwap > 0 ? (execAdverse - vwapAdverse) / vwap * 1e4 : 0,
            SpreadAndFeesBps: SpreadFeesCost[e] * bps,
            TemporaryImpactBps: TemporaryCost[e] * bps,
            PermanentImpactBps: PermanentCost[e] * bps,
            TimingBps: Timing[e] * bps,
            ForcedQuantity: Forced[e],
            MaxParticipation: MaxParticipation[e]);
    }
}
