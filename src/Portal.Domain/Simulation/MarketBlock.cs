using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Portal.Domain.Simulation;

/// <summary>The exogenous market state of a batch of episodes at the current decision step, stored as arrays across
/// episodes. Every strategy run on the batch sees the same state (common random numbers).</summary>
/// <remarks>Random numbers are drawn episode by episode from each episode's own stream, always in the same order
/// (price, jump, spread, liquidity, then volume and execution noise of the new step), into scratch arrays; the
/// arithmetic then runs over whole vectors of episodes. Arrays are padded to a whole number of vectors so an episode's
/// numbers never depend on its position in the batch.
/// Where the model allows it (<see cref="FusedStep"/>), <see cref="Advance"/> runs as one pass over groups of four episodes:
/// each group's random states stay in registers through all of the step's draws (each lane still draws its own stream in
/// the order above) and the new price, spread, liquidity and volume go from registers to the step's arrays, with the same
/// operations in the same order as the separate passes, so the same numbers bit for bit.</remarks>
internal sealed unsafe class MarketBlock
{
    private const double RealizedVolatilityWeight = 0.3;

    private readonly MarketModel _m;
    private readonly RandomBlock _rng;
    private readonly double[] _zSlip;
    private readonly double[] _level;
    private readonly double[] _spreadState;
    private readonly double[] _liquidityState;
    private readonly double[] _z;
    private readonly double[] _jump;
    private readonly double[] _zSpread;
    private readonly double[] _zLiquidity;
    private readonly double[] _uLiquidity;
    private readonly double[] _zVolume;
    private readonly int _padded;
    private readonly (int Index, Scenarios.MarketEvent Event)[] _randomEvents;
    private readonly EventDraw[][] _eventDraws;
    private readonly double[] _evVolatility, _evVolatilityBefore, _evLiquidity, _evImpact, _evSpread, _evOffset;

    public MarketBlock(MarketModel model, int capacity, bool keepHistory = false, bool trackPriceInnovation = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _m = model;
        Capacity = capacity;
        int w = Vector<double>.Count;
        _padded = (capacity + w - 1) / w * w;
        _rng = new RandomBlock(capacity);
        Episodes = new long[capacity];
        _level = Padded();
        _spreadState = Padded();
        _liquidityState = Padded();
        _z = Padded();
        _jump = Padded();
        _zSpread = Padded();
        _zLiquidity = Padded();
        _uLiquidity = Padded();
        _zVolume = Padded();
        _zSlip = Padded();
        Mid = Padded();
        HalfSpread = Padded();
        SpreadBps = Padded();
        Liquidity = Padded();
        Volume = Padded();
        InvVolume = Padded();
        ImpactScale = Padded();
        Slip = Padded();
        RealizedVariance = Padded();
        Move = Padded();
        VolumeSum = Padded();
        VolumeMove = Padded();
        LastVolumeRatio = Padded();
        PastVolume = Padded();
        _randomEvents = model.RandomEvents;
        _eventDraws = new EventDraw[_randomEvents.Length][];
        for (int j = 0; j < _eventDraws.Length; j++) _eventDraws[j] = new EventDraw[capacity];
        _evVolatility = Padded();
        _evVolatilityBefore = Padded();
        _evLiquidity = Padded();
        _evImpact = Padded();
        _evSpread = Padded();
        _evOffset = Padded();
        // Events drawn per episode make the spread and the impact scale differ between episodes: leave the uniform paths.
        bool randomSpread = _randomEvents.Any(r => r.Event.SpreadMultiplier != 1);
        UniformHalfSpread = !model.SpreadStochastic && !randomSpread;
        UniformImpactScale = HasUniformImpactScale(model);
        HasSlip = model.SlipAbs > 0;
        _fusedEligible = Avx2.IsSupported && Vector256.IsHardwareAccelerated && Vector<double>.Count == 4 && !(model.JumpProb > 0)
            && _randomEvents.Length == 0 && !trackPriceInnovation;
        if (trackPriceInnovation) PriceInnovation = Padded();
        if (keepHistory)
        {
            // One cache line more than the batch per step: a stride of a whole number of 4 KiB pages would map every
            // step of an episode to the same L1 set, and reading a few steps of history back would evict itself.
            HistoryStride = _padded + 8;
            MoveHistory = new double[model.Steps * HistoryStride];
            InvVolumeHistory = new double[model.Steps * HistoryStride];
            VolumeHistory = new double[model.Steps * HistoryStride];
        }
    }

    private readonly bool _fusedEligible;

    /// <summary>Advance in one pass per group of four episodes where the model allows it (no jumps, no events drawn per
    /// episode, no price innovation kept, no perturbation, AVX2); false forces the separate passes, which give the same
    /// numbers (tests compare the two).</summary>
    public bool FusedStep { get; init; } = true;

    /// <summary>True when every episode of a batch on <paramref name="model"/> has the same impact scale at every step
    /// (<see cref="UniformImpactScale"/>): no stochastic liquidity scaling the impact and no event drawn per episode that
    /// changes it.</summary>
    public static bool HasUniformImpactScale(MarketModel model) =>
        !(model.LiquidityScaled && model.LiquidityStochastic)
        && !model.RandomEvents.Any(r => r.Event.ImpactMultiplier != 1 || (model.LiquidityScaled && r.Event.LiquidityMultiplier != 1));

    /// <summary>True when <see cref="Advance"/> takes the one-pass step (<see cref="FusedStep"/> and the model allows it).</summary>
    public bool RunsFused => FusedStep && _fusedEligible && Perturbation is null;

    /// <summary>Padded length of the per-episode arrays.</summary>
    public int PaddedCount => _padded;

    /// <summary>Distance between two steps in the histories (a little more than <see cref="PaddedCount"/>).</summary>
    public int HistoryStride { get; }

    /// <summary>When kept: <see cref="Move"/> of every step, step-major with stride <see cref="HistoryStride"/>.</summary>
    public double[]? MoveHistory { get; }

    /// <summary>When kept: <see cref="InvVolume"/> of every step.</summary>
    public double[]? InvVolumeHistory { get; }

    /// <summary>When kept: <see cref="Volume"/> of every step.</summary>
    public double[]? VolumeHistory { get; }

    public MarketModel Model => _m;
    public int Capacity { get; }
    public int Count { get; private set; }
    public int Step { get; private set; }
    public long Seed { get; private set; }
    public long[] Episodes { get; }

    /// <summary>Mid price including scheduled event offsets, before our own impact (currency).</summary>
    public double[] Mid { get; }

    /// <summary>Half the spread in currency per share.</summary>
    public double[] HalfSpread { get; }
    public double[] SpreadBps { get; }
    public double[] Liquidity { get; }

    /// <summary>Market volume of the current step (shares): realised over the step, so never shown to a strategy before it decides.</summary>
    public double[] Volume { get; }

    /// <summary>Realised volume of the previous step over its expected volume (1 at the first step): what is known at the
    /// start of the current step.</summary>
    public double[] LastVolumeRatio { get; }

    /// <summary>Market volume of the steps before the current one (shares).</summary>
    public double[] PastVolume { get; }

    /// <summary>True when some event is drawn per episode (<see cref="MarketModel.RandomEvents"/>).</summary>
    public bool HasRandomEvents => _randomEvents.Length > 0;

    /// <summary>A change of every market input revealed after the start of a given step, for the look-ahead contract tests;
    /// null in production. Set it before <see cref="Reset"/>.</summary>
    internal MarketPerturbation? Perturbation { get; set; }

    /// <summary>The draw of random event <paramref name="j"/> (in <see cref="MarketModel.RandomEvents"/> order) for episode
    /// <paramref name="e"/> of the batch.</summary>
    public EventDraw EventDrawOf(int j, int e) => _eventDraws[j][e];

    /// <summary>1 / market volume of the current step (0 when the volume is 0).</summary>
    public double[] InvVolume { get; }

    /// <summary>Factor applied to every impact coefficient at this step (events and liquidity scaling).</summary>
    public double[] ImpactScale { get; }

    /// <summary>Execution-price noise of this step in currency per share (0 when disabled).</summary>
    public double[] Slip { get; }

    /// <summary>
    /// Unpredictable part of the last <see cref="Advance"/>'s unaffected mid move, in currency: new level minus its
    /// expectation given the old one (drift and mean jump removed), so its mean given the past is 0. Null unless asked for.
    /// </summary>
    public double[]? PriceInnovation { get; }

    /// <summary>Exponential average of squared standardised mid increments.</summary>
    public double[] RealizedVariance { get; }

    /// <summary>Adverse move of the mid since arrival, d·(S − S0).</summary>
    public double[] Move { get; }

    /// <summary>Market volume traded so far over the horizon.</summary>
    public double[] VolumeSum { get; }

    /// <summary>Σ volume × adverse move (numerator of the market VWAP relative to arrival, before our impact).</summary>
    public double[] VolumeMove { get; }

    /// <summary>True when every episode has the same half-spread at every step (<see cref="HalfSpreadValue"/>).</summary>
    public bool UniformHalfSpread { get; }

    /// <summary>The common half-spread of the current step when <see cref="UniformHalfSpread"/>.</summary>
    public double HalfSpreadValue { get; private set; }

    /// <summary>True when every episode has the same impact scale at every step (<see cref="ImpactScaleValue"/>).</summary>
    public bool UniformImpactScale { get; }

    /// <summary>The common impact scale of the current step when <see cref="UniformImpactScale"/>.</summary>
    public double ImpactScaleValue { get; private set; }

    /// <summary>True when execution-price noise is enabled.</summary>
    public bool HasSlip { get; }

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
            _rng.Seed(e, seed, episodes[e]);
        }

        for (int j = 0; j < _randomEvents.Length; j++)
        {
            var (index, ev) = _randomEvents[j];
            for (int e = 0; e < Count; e++) _eventDraws[j][e] = StressEvents.Draw(seed, episodes[e], index, ev, m.HorizonMinutes);
        }

        Array.Fill(_level, m.S0);
        if (HasRandomEvents)
        {
            ComputeEvents(0);
            for (int e = 0; e < _padded; e++) Mid[e] = m.S0 * (1 + _evOffset[e]);
        }
        else Array.Fill(Mid, m.S0 * (1 + m.PriceOffset[0]));
        Array.Fill(LastVolumeRatio, 1.0);
        Array.Clear(PastVolume);
        Array.Fill(_spreadState, m.SpreadMeanBps);
        Array.Fill(_liquidityState, 1.0);
        Array.Fill(RealizedVariance, 1.0);
        Array.Clear(VolumeSum);
        Array.Clear(VolumeMove);
        Array.Clear(Slip);
        if (PriceInnovation is not null) Array.Clear(PriceInnovation);
        if (Perturbation is { FromStep: 0 } p) Reseed(p);
        DrawStepNoise();
        FillStepState();
    }

    /// <summary>Draws from other streams from here on (perturbation only).</summary>
    private void Reseed(MarketPerturbation p)
    {
        for (int e = 0; e < Count; e++) _rng.Seed(e, Seed ^ p.StreamSeed, Episodes[e]);
    }

    /// <summary>Per episode, the multipliers and price offset of every event (fixed and drawn) at step time
    /// <paramref name="k"/> (padding lanes get the fixed events only).</summary>
    private void ComputeEvents(int k)
    {
        var m = _m;
        double minutes = k * m.StepMinutes;
        for (int e = 0; e < _padded; e++)
        {
            double vol = m.VolatilityMultiplier[k], liq = m.LiquidityMultiplier[k], imp = m.ImpactMultiplier[k];
            double spread = m.SpreadMultiplier[k], offset = m.PriceOffset[k];
            if (e < Count)
            {
                for (int j = 0; j < _randomEvents.Length; j++)
                    StressEvents.Accumulate(_randomEvents[j].Event, _eventDraws[j][e], minutes, ref vol, ref liq, ref imp, ref spread, ref offset);
            }

            _evVolatility[e] = vol;
            _evLiquidity[e] = liq;
            _evImpact[e] = imp;
            _evSpread[e] = spread;
            _evOffset[e] = offset;
        }
    }

    /// <summary>Draws the noise of a new decision step: volume and execution-price noise.</summary>
    private void DrawStepNoise()
    {
        if (_m.VolumeNoise > 0) _rng.Normals(_zVolume, Count);
        if (HasSlip)
        {
            _rng.Normals(_zSlip, Count);
            for (int e = 0; e < Count; e++) Slip[e] = _m.SlipAbs * _zSlip[e];
        }
    }

    /// <summary>Moves every episode from the current step to the next one.</summary>
    public void Advance()
    {
        if (RunsFused)
        {
            AdvanceFused();
            return;
        }

        var m = _m;
        int k = Step;
        int n = Count;
        bool jumps = m.JumpProb > 0;
        bool liquidityNormal = m.LiquidityShock > 0;
        bool liquidityShocks = m.LiquidityShockProb > 0;
        bool another = k + 1 < m.Steps;

        // Every episode draws, in this order: price, jump, spread, liquidity, then the next step's volume and noise.
        _rng.Normals(_z, n);
        if (jumps)
        {
            for (int e = 0; e < n; e++)
                _jump[e] = _rng.NextUniform(e) < m.JumpProb ? m.JumpMean + m.JumpStd * _rng.NextNormal(e) : 0;
        }

        if (m.SpreadStochastic) _rng.Normals(_zSpread, n);
        if (liquidityNormal) _rng.Normals(_zLiquidity, n);
        if (liquidityShocks) _rng.Uniforms(_uLiquidity, n);
        var perturbation = Perturbation;
        if (perturbation is not null && k + 1 == perturbation.FromStep && another) Reseed(perturbation);
        if (another) DrawStepNoise();
        bool random = HasRandomEvents;
        if (random)
        {
            Array.Copy(_evVolatility, _evVolatilityBefore, _padded);
            ComputeEvents(k + 1);
        }

        double priceShift = perturbation is not null && k + 1 > perturbation.FromStep ? perturbation.PriceShiftFraction : 0;

        double sigmaRel = m.SigmaAbs / m.S0 * m.VolatilityMultiplier[k];
        double invVar = m.SigmaAbs > 0 ? 1.0 / (m.SigmaAbs * m.SigmaAbs * m.Tau) : 0;
        int w = Vector<double>.Count;
        var offset = new Vector<double>((m.PriceOffset[k + 1] + priceShift) * m.S0);
        var rvW = new Vector<double>(RealizedVolatilityWeight);
        var vInvVar = new Vector<double>(invVar);
        var vS0 = new Vector<double>(m.S0);
        var one = Vector<double>.One;
        var innovation = PriceInnovation;
        if (innovation is not null) Array.Copy(_level, innovation, n);
        if (m.Gbm)
        {
            var drift = new Vector<double>((m.Drift - 0.5 * sigmaRel * sigmaRel) * m.Tau);
            var vol = new Vector<double>(sigmaRel * Math.Sqrt(m.Tau));
            var sigmaBase = new Vector<double>(m.SigmaAbs / m.S0);
            var vDrift = new Vector<double>(m.Drift);
            var vTau = new Vector<double>(m.Tau);
            var sqrtTau = new Vector<double>(Math.Sqrt(m.Tau));
            for (int e = 0; e < _padded; e += w)
            {
                if (random)
                {
                    var sr = sigmaBase * new Vector<double>(_evVolatilityBefore, e);
                    drift = (vDrift - new Vector<double>(0.5) * sr * sr) * vTau;
                    vol = sr * sqrtTau;
                    offset = (new Vector<double>(_evOffset, e) + new Vector<double>(priceShift)) * vS0;
                }

                var level = new Vector<double>(_level, e) * Exp(drift + vol * new Vector<double>(_z, e));
                if (jumps) level *= one + new Vector<double>(_jump, e);
                StorePrice(e, level, offset, rvW, vInvVar);
            }
        }
        else
        {
            var drift = new Vector<double>(m.Drift * m.S0 * m.Tau);
            var vol = new Vector<double>(m.SigmaAbs * m.VolatilityMultiplier[k] * Math.Sqrt(m.Tau));
            var volBase = new Vector<double>(m.SigmaAbs * Math.Sqrt(m.Tau));
            for (int e = 0; e < _padded; e += w)
            {
                if (random)
                {
                    vol = volBase * new Vector<double>(_evVolatilityBefore, e);
                    offset = (new Vector<double>(_evOffset, e) + new Vector<double>(priceShift)) * vS0;
                }

                var level = new Vector<double>(_level, e) + drift + vol * new Vector<double>(_z, e);
                if (jumps) level += vS0 * new Vector<double>(_jump, e);
                StorePrice(e, level, offset, rvW, vInvVar);
            }
        }

        if (innovation is not null)
        {
            double meanJump = jumps ? m.JumpProb * m.JumpMean : 0;
            double growth = Math.Exp(m.Drift * m.Tau) * (1 + meanJump);
            double shift = m.Drift * m.S0 * m.Tau + m.S0 * meanJump;
            for (int e = 0; e < n; e++)
                innovation[e] = _level[e] - (m.Gbm ? innovation[e] * growth : innovation[e] + shift);
        }

        if (m.SpreadStochastic)
        {
            var mean = new Vector<double>(m.SpreadMeanBps);
            var decay = new Vector<double>(m.SpreadDecay);
            var shock = new Vector<double>(m.SpreadShock);
            for (int e = 0; e < _padded; e += w)
                (mean + (new Vector<double>(_spreadState, e) - mean) * decay + shock * new Vector<double>(_zSpread, e)).CopyTo(_spreadState, e);
        }

        if (m.LiquidityStochastic)
        {
            var decay = new Vector<double>(m.LiquidityDecay);
            var shock = new Vector<double>(m.LiquidityShock);
            var prob = new Vector<double>(liquidityShocks ? m.LiquidityShockProb : 0);
            var mult = new Vector<double>(m.LiquidityShockMultiplier);
            var floor = new Vector<double>(0.01);
            for (int e = 0; e < _padded; e += w)
            {
                var l = one + (new Vector<double>(_liquidityState, e) - one) * decay;
                if (liquidityNormal) l += shock * new Vector<double>(_zLiquidity, e);
                if (liquidityShocks) l = Vector.ConditionalSelect(Vector.LessThan(new Vector<double>(_uLiquidity, e), prob), l * mult, l);
                Vector.Max(l, floor).CopyTo(_liquidityState, e);
            }
        }

        Step = k + 1;
        if (another) FillStepState();
    }

    /// <summary>e^x of every lane: <see cref="VectorExponential.Exp"/> inlined where <see cref="Vector{T}"/> holds four
    /// doubles and the processor has fused multiply-add (the same bits as the runtime's <see cref="Vector.Exp(Vector{double})"/>
    /// there, without a call that spills the loop's vectors and without the unoptimised first calls of the runtime's generic
    /// method in a fresh process), <see cref="Vector.Exp(Vector{double})"/> otherwise. The conditions are constants to the
    /// JIT, which keeps one branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector<double> Exp(Vector<double> x) =>
        Vector<double>.Count == 4 && Fma.IsSupported && Avx2.IsSupported
            ? VectorExponential.Exp(x.AsVector256()).AsVector()
            : Vector.Exp(x);

    /// <summary>Stores the episodes' new price level from <paramref name="e"/> on, their mid (level plus the step's offset)
    /// and the realised variance's update with the mid's move: one place for both the separate and the one-pass step.
    /// Returns the mid.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector<double> StorePrice(int e, Vector<double> level, Vector<double> offset, Vector<double> rvW, Vector<double> vInvVar)
    {
        level.CopyTo(_level, e);
        var mid = level + offset;
        var d = mid - new Vector<double>(Mid, e);
        var rv = new Vector<double>(RealizedVariance, e);
        (rv + rvW * (d * d * vInvVar - rv)).CopyTo(RealizedVariance, e);
        mid.CopyTo(Mid, e);
        return mid;
    }

    /// <summary><see cref="Advance"/> in one pass per group of four episodes, for a model without jumps or events drawn per
    /// episode and without a perturbation: the same draws per stream in the same order (price, spread, liquidity, then the
    /// next step's volume and execution noise) and the same arithmetic as the separate passes and <see cref="FillStepState"/>.</summary>
    private void AdvanceFused()
    {
        var m = _m;
        int k = Step;
        bool liquidityNormal = m.LiquidityShock > 0;
        bool liquidityShocks = m.LiquidityShockProb > 0;
        bool another = k + 1 < m.Steps;
        bool spreadStochastic = m.SpreadStochastic;
        bool liquidityStochastic = m.LiquidityStochastic;
        bool noisy = another && m.VolumeNoise > 0;
        bool slip = another && HasSlip;
        bool gbm = m.Gbm;

        // Price (as Advance with no event drawn per episode and no perturbation: the price shift is 0).
        double priceShift = 0;
        double sigmaRel = m.SigmaAbs / m.S0 * m.VolatilityMultiplier[k];
        double invVar = m.SigmaAbs > 0 ? 1.0 / (m.SigmaAbs * m.SigmaAbs * m.Tau) : 0;
        var offset = new Vector<double>((m.PriceOffset[k + 1] + priceShift) * m.S0);
        var rvW = new Vector<double>(RealizedVolatilityWeight);
        var vInvVar = new Vector<double>(invVar);
        var vS0 = new Vector<double>(m.S0);
        var one = Vector<double>.One;
        var zero = Vector<double>.Zero;
        var drift = gbm ? new Vector<double>((m.Drift - 0.5 * sigmaRel * sigmaRel) * m.Tau) : new Vector<double>(m.Drift * m.S0 * m.Tau);
        var vol = gbm ? new Vector<double>(sigmaRel * Math.Sqrt(m.Tau)) : new Vector<double>(m.SigmaAbs * m.VolatilityMultiplier[k] * Math.Sqrt(m.Tau));
        var spreadMean = new Vector<double>(m.SpreadMeanBps);
        var spreadDecay = new Vector<double>(m.SpreadDecay);
        var spreadShock = new Vector<double>(m.SpreadShock);
        var liqDecay = new Vector<double>(m.LiquidityDecay);
        var liqShock = new Vector<double>(m.LiquidityShock);
        var liqProb = new Vector<double>(liquidityShocks ? m.LiquidityShockProb : 0);
        var liqMultiplier = new Vector<double>(m.LiquidityShockMultiplier);
        var floor = new Vector<double>(0.01);
        var vSlip = new Vector<double>(m.SlipAbs);

        // The next step's state (as FillStepState with no event drawn per episode and no perturbation: every factor is 1).
        int next = k + 1;
        double spreadFactor = 1, liqFactor = 1, impFactor = 1;
        double spreadMult = another ? m.SpreadMultiplier[next] * spreadFactor : 0;
        double liqMult = another ? m.LiquidityMultiplier[next] * liqFactor : 0;
        double impMult = another ? m.ImpactMultiplier[next] * impFactor : 0;
        double prevSpreadMult = m.SpreadMultiplier[k] * 1.0;
        double prevLiqMult = m.LiquidityMultiplier[k] * 1.0;
        double prevImpMult = m.ImpactMultiplier[k] * 1.0;
        double noise = m.VolumeNoise;
        double halfBpsToCurrency = 0.5e-4 * m.S0;
        if (another)
        {
            HalfSpreadValue = Math.Max(m.SpreadMeanBps, m.SpreadMinBps) * spreadMult * halfBpsToCurrency;
            ImpactScaleValue = m.LiquidityScaled ? impMult / liqMult : impMult;
            if (!spreadStochastic && spreadMult != prevSpreadMult)
            {
                Array.Fill(SpreadBps, Math.Max(m.SpreadMeanBps, m.SpreadMinBps) * spreadMult);
                Array.Fill(HalfSpread, HalfSpreadValue);
            }
        }

        bool storeLevels = liquidityStochastic || liqMult != prevLiqMult || impMult != prevImpMult;
        bool liquidityScaled = m.LiquidityScaled;
        var spreadMin = new Vector<double>(m.SpreadMinBps);
        var vSpreadMult = new Vector<double>(spreadMult);
        var toHalf = new Vector<double>(halfBpsToCurrency);
        var vLiqMult = new Vector<double>(liqMult);
        double expectedBefore = m.ExpectedVolume[k];
        var vInvExpectedBefore = new Vector<double>(expectedBefore > 0 ? 1.0 / expectedBefore : 0);
        var vExpected = new Vector<double>(another ? m.ExpectedVolume[next] : 0);
        var vNoise = new Vector<double>(noise);
        var vNoiseMean = new Vector<double>(-0.5 * noise * noise);
        var vImp = new Vector<double>(impMult);
        var vSign = new Vector<double>(m.Sign);
        bool history = MoveHistory is not null;
        int h = next * HistoryStride;

        double* xs = (double*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(RandomStream.Ziggurat.X));
        double* ratio = (double*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(RandomStream.Ziggurat.Ratio));
        ulong* spill = stackalloc ulong[16];
        var exponent = Vector256.Create(0x3FF0000000000000UL);
        var uniformOffset = Vector256.Create(1.0 - 1.1102230246251565e-16);
        var st0 = _rng.State0;
        var st1 = _rng.State1;
        var st2 = _rng.State2;
        var st3 = _rng.State3;
        for (int e = 0; e < _padded; e += 4)
        {
            // This group's draws, each lane on its own stream, in the separate passes' order.
            var s0 = Vector256.LoadUnsafe(ref st0[e]);
            var s1 = Vector256.LoadUnsafe(ref st1[e]);
            var s2 = Vector256.LoadUnsafe(ref st2[e]);
            var s3 = Vector256.LoadUnsafe(ref st3[e]);
            var z = FusedScheduleKernel.Normal(ref s0, ref s1, ref s2, ref s3, xs, ratio, spill).AsVector();
            var zSpread = spreadStochastic ? FusedScheduleKernel.Normal(ref s0, ref s1, ref s2, ref s3, xs, ratio, spill).AsVector() : zero;
            var zLiquidity = liquidityNormal ? FusedScheduleKernel.Normal(ref s0, ref s1, ref s2, ref s3, xs, ratio, spill).AsVector() : zero;
            var uLiquidity = liquidityShocks
                ? ((Vector256.ShiftRightLogical(FusedScheduleKernel.Next(ref s0, ref s1, ref s2, ref s3), 12) | exponent).AsDouble() - uniformOffset).AsVector()
                : zero;
            var zVolume = noisy ? FusedScheduleKernel.Normal(ref s0, ref s1, ref s2, ref s3, xs, ratio, spill).AsVector() : zero;
            var zSlip = slip ? FusedScheduleKernel.Normal(ref s0, ref s1, ref s2, ref s3, xs, ratio, spill).AsVector() : zero;
            s0.StoreUnsafe(ref st0[e]);
            s1.StoreUnsafe(ref st1[e]);
            s2.StoreUnsafe(ref st2[e]);
            s3.StoreUnsafe(ref st3[e]);
            if (slip) (vSlip * zSlip).CopyTo(Slip, e);

            var level = gbm
                ? new Vector<double>(_level, e) * Exp(drift + vol * z)
                : new Vector<double>(_level, e) + drift + vol * z;
            var mid = StorePrice(e, level, offset, rvW, vInvVar);

            var spreadState = new Vector<double>(_spreadState, e);
            if (spreadStochastic)
            {
                spreadState = spreadMean + (spreadState - spreadMean) * spreadDecay + spreadShock * zSpread;
                spreadState.CopyTo(_spreadState, e);
            }

            var liquidityState = new Vector<double>(_liquidityState, e);
            if (liquidityStochastic)
            {
                var l = one + (liquidityState - one) * liqDecay;
                if (liquidityNormal) l += liqShock * zLiquidity;
                if (liquidityShocks) l = Vector.ConditionalSelect(Vector.LessThan(uLiquidity, liqProb), l * liqMultiplier, l);
                liquidityState = Vector.Max(l, floor);
                liquidityState.CopyTo(_liquidityState, e);
            }

            if (!another) continue;
            if (spreadStochastic)
            {
                var spread = Vector.Max(spreadState, spreadMin) * vSpreadMult;
                spread.CopyTo(SpreadBps, e);
                (spread * toHalf).CopyTo(HalfSpread, e);
            }

            var liq = liquidityState * vLiqMult;
            if (storeLevels)
            {
                liq.CopyTo(Liquidity, e);
                (liquidityScaled ? vImp / liq : vImp).CopyTo(ImpactScale, e);
            }

            (new Vector<double>(Volume, e) * vInvExpectedBefore).CopyTo(LastVolumeRatio, e);
            var volumeSum = new Vector<double>(VolumeSum, e);
            volumeSum.CopyTo(PastVolume, e);
            var v = vExpected * liq;
            if (noise > 0) v *= Exp(vNoise * zVolume + vNoiseMean);
            v.CopyTo(Volume, e);
            var positive = Vector.GreaterThan(v, zero);
            var inv = Vector.ConditionalSelect(positive, one / Vector.ConditionalSelect(positive, v, one), zero);
            inv.CopyTo(InvVolume, e);
            var move = vSign * (mid - vS0);
            move.CopyTo(Move, e);
            if (history)
            {
                move.CopyTo(MoveHistory!, h + e);
                inv.CopyTo(InvVolumeHistory!, h + e);
                v.CopyTo(VolumeHistory!, h + e);
            }

            (volumeSum + v).CopyTo(VolumeSum, e);
            (new Vector<double>(VolumeMove, e) + v * move).CopyTo(VolumeMove, e);
        }

        Step = next;
    }

    private void FillStepState()
    {
        var m = _m;
        int k = Step;
        var p = Perturbation;
        bool random = HasRandomEvents;
        // Perturbation (tests only): volume from its step on, step-time states after it.
        double volumeFactor = p is not null && k >= p.FromStep ? p.VolumeFactor : 1;
        bool after = p is not null && k > p.FromStep;
        double spreadFactor = after ? p!.SpreadFactor : 1, liqFactor = after ? p!.LiquidityFactor : 1, impFactor = after ? p!.ImpactFactor : 1;
        double spreadMult = m.SpreadMultiplier[k] * spreadFactor;
        double liqMult = m.LiquidityMultiplier[k] * liqFactor;
        double impMult = m.ImpactMultiplier[k] * impFactor;
        double prevSpreadMult = k > 0 ? m.SpreadMultiplier[k - 1] * (p is not null && k - 1 > p.FromStep ? p.SpreadFactor : 1) : double.NaN;
        double prevLiqMult = k > 0 ? m.LiquidityMultiplier[k - 1] * (p is not null && k - 1 > p.FromStep ? p.LiquidityFactor : 1) : double.NaN;
        double prevImpMult = k > 0 ? m.ImpactMultiplier[k - 1] * (p is not null && k - 1 > p.FromStep ? p.ImpactFactor : 1) : double.NaN;
        double noise = m.VolumeNoise;
        double halfBpsToCurrency = 0.5e-4 * m.S0;
        HalfSpreadValue = Math.Max(m.SpreadMeanBps, m.SpreadMinBps) * spreadMult * halfBpsToCurrency;
        ImpactScaleValue = m.LiquidityScaled ? impMult / liqMult : impMult;

        int w = Vector<double>.Count;
        if (m.SpreadStochastic)
        {
            var min = new Vector<double>(m.SpreadMinBps);
            var mult = new Vector<double>(spreadMult);
            var toHalf = new Vector<double>(halfBpsToCurrency);
            var vSpreadFactor = new Vector<double>(spreadFactor);
            for (int e = 0; e < _padded; e += w)
            {
                if (random) mult = new Vector<double>(_evSpread, e) * vSpreadFactor;
                var spread = Vector.Max(new Vector<double>(_spreadState, e), min) * mult;
                spread.CopyTo(SpreadBps, e);
                (spread * toHalf).CopyTo(HalfSpread, e);
            }
        }
        else if (random)
        {
            double level = Math.Max(m.SpreadMeanBps, m.SpreadMinBps);
            for (int e = 0; e < _padded; e++)
            {
                double spread = level * (_evSpread[e] * spreadFactor);
                SpreadBps[e] = spread;
                HalfSpread[e] = spread * halfBpsToCurrency;
            }
        }
        else if (k == 0 || spreadMult != prevSpreadMult)
        {
            Array.Fill(SpreadBps, Math.Max(m.SpreadMeanBps, m.SpreadMinBps) * spreadMult);
            Array.Fill(HalfSpread, HalfSpreadValue);
        }

        // Liquidity and impact scale only change with stochastic liquidity or an event: otherwise keep the stored values.
        bool storeLevels = m.LiquidityStochastic || random || k == 0 || liqMult != prevLiqMult || impMult != prevImpMult;

        var vLiqMult = new Vector<double>(liqMult);
        var vLiqFactor = new Vector<double>(liqFactor);
        var vImpFactor = new Vector<double>(impFactor);
        var vVolumeFactor = new Vector<double>(volumeFactor);
        double expectedBefore = k > 0 ? m.ExpectedVolume[k - 1] : 0;
        var vInvExpectedBefore = new Vector<double>(expectedBefore > 0 ? 1.0 / expectedBefore : 0);
        var vExpected = new Vector<double>(m.ExpectedVolume[k]);
        var vNoise = new Vector<double>(noise);
        var vNoiseMean = new Vector<double>(-0.5 * noise * noise);
        var vImp = new Vector<double>(impMult);
        var vSign = new Vector<double>(m.Sign);
        var vS0 = new Vector<double>(m.S0);
        var zero = Vector<double>.Zero;
        var one = Vector<double>.One;
        bool history = MoveHistory is not null;
        int h = k * HistoryStride;
        for (int e = 0; e < _padded; e += w)
        {
            if (random)
            {
                vLiqMult = new Vector<double>(_evLiquidity, e) * vLiqFactor;
                vImp = new Vector<double>(_evImpact, e) * vImpFactor;
            }

            var liq = new Vector<double>(_liquidityState, e) * vLiqMult;
            if (storeLevels)
            {
                liq.CopyTo(Liquidity, e);
                (m.LiquidityScaled ? vImp / liq : vImp).CopyTo(ImpactScale, e);
            }

            // What the previous step realised is known now; this step's volume is not (until it ends).
            if (k > 0) (new Vector<double>(Volume, e) * vInvExpectedBefore).CopyTo(LastVolumeRatio, e);
            new Vector<double>(VolumeSum, e).CopyTo(PastVolume, e);
            var v = vExpected * liq;
            if (noise > 0) v *= Exp(vNoise * new Vector<double>(_zVolume, e) + vNoiseMean);
            if (volumeFactor != 1) v *= vVolumeFactor;
            v.CopyTo(Volume, e);
            var positive = Vector.GreaterThan(v, zero);
            var inv = Vector.ConditionalSelect(positive, one / Vector.ConditionalSelect(positive, v, one), zero);
            inv.CopyTo(InvVolume, e);
            var move = vSign * (new Vector<double>(Mid, e) - vS0);
            move.CopyTo(Move, e);
            if (history)
            {
                move.CopyTo(MoveHistory!, h + e);
                inv.CopyTo(InvVolumeHistory!, h + e);
                v.CopyTo(VolumeHistory!, h + e);
            }

            (new Vector<double>(VolumeSum, e) + v).CopyTo(VolumeSum, e);
            (new Vector<double>(VolumeMove, e) + v * move).CopyTo(VolumeMove, e);
        }
    }

    private double[] Padded() => new double[_padded];
}
