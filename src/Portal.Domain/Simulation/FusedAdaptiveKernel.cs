using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Portal.Domain.Backtesting;
using Portal.Domain.Strategies;

namespace Portal.Domain.Simulation;

/// <summary>
/// Runs a batch of episodes of POV, Random and schedules on a market where no book stays uniform (a participation cap,
/// stochastic liquidity scaling the impact, or transient impact on realised volume), four episodes at a time, in four
/// passes over the steps: every step's draws (the four xoshiro256** streams), their exponentials, the market (mid, spread
/// and liquidity processes, volume), then every strategy's book (remaining quantity, permanent and transient impact, cost
/// sums, largest participation), each strategy deciding as it goes; only the per-episode result columns and the batch's
/// inventory and participation statistics leave it.
/// </summary>
/// <remarks>
/// <para>The kernel computes what <see cref="MarketBlock"/> (its one-pass step, <see cref="MarketBlock.RunsFused"/>) and
/// <see cref="ExecutionBook"/> (its general path) compute, with the same operations in the same order, so a run gives the
/// same result bit for bit on either path: each lane draws its own stream (seed, episode) in the market's order (at the
/// start the first step's volume and execution noise; then per step the price, spread, liquidity normal and uniform, the
/// next step's volume and noise), normals by the same ziggurat with its slow path per lane in scalar code, the volume's
/// exponential by the same vector exponential. Nothing a lane draws depends on the market or the books, so drawing every
/// step's numbers first gives the same numbers, and each later pass runs without the ziggurat's unpredictable branch and
/// with few values live from one step to the next (measured in <c>docs/performance.md</c>). POV decides as
/// <see cref="PovStrategy"/> does from the order's progress, Random draws <see cref="RandomStream.CounterUniform"/> four
/// episodes at once (the episode's hash once, the step's per step), a schedule trades its fraction of the remainder; the
/// book clamps, caps, force-finishes or holds to the horizon and prices the child exactly as
/// <see cref="ExecutionBook"/> does.</para>
/// <para>It applies (<see cref="TryCreate"/>) when every strategy is POV, Random or a schedule, the model has no jumps
/// and no event drawn per episode, at most one transient state, square-root or linear size terms, and some feature that
/// keeps every book off its uniform path from the first step; otherwise the general path runs.</para>
/// </remarks>
internal sealed unsafe class FusedAdaptiveKernel
{
    private const int Lanes = 4;

    /// <summary>Vectors per strategy's book: remaining, permanent impact, transient state, timing, permanent, temporary and
    /// spread costs, forced, unfilled, breaches, largest participation.</summary>
    private const int BookFields = 11;

    /// <summary>Vectors per step of the group's draws: the price normal (or, under geometric motion, the price factor e^(drift
    /// + vol·z)), the spread normal, the liquidity normal and uniform, the next step's volume factor e^(noise·z − noise²/2)
    /// and its slippage normal; then, in the same slots, the seven values of the market at that step that the books read.</summary>
    private const int Draws = 7;

    private enum Kind : byte { Schedule, Pov, Random }

    private readonly MarketModel _m;
    private readonly int _strategies;
    private readonly int _steps;
    private readonly Kind[] _kinds;
    private readonly double[] _rates;
    private readonly double[] _fractions;

    // Per step k, the constants of the market's move from k to k + 1 (as MarketBlock.AdvanceFused writes them).
    private readonly double[] _drift, _vol, _offset, _spreadMult, _liqMult, _impMult, _halfSpread, _invExpectedBefore, _expectedNext;

    private FusedAdaptiveKernel(MarketModel model, Kind[] kinds, double[] rates, ScheduleStrategy?[] schedules)
    {
        _m = model;
        _strategies = kinds.Length;
        int steps = _steps = model.Steps;
        _kinds = kinds;
        _rates = rates;
        _fractions = new double[_strategies * steps];
        for (int s = 0; s < _strategies; s++)
        {
            if (schedules[s] is not { } schedule) continue;
            for (int k = 0; k < steps; k++) _fractions[s * steps + k] = schedule.FractionAt(k);
        }

        _drift = new double[steps];
        _vol = new double[steps];
        _offset = new double[steps];
        _spreadMult = new double[steps];
        _liqMult = new double[steps];
        _impMult = new double[steps];
        _halfSpread = new double[steps];
        _invExpectedBefore = new double[steps];
        _expectedNext = new double[steps];
        var m = model;
        double halfBpsToCurrency = 0.5e-4 * m.S0;
        for (int k = 0; k < steps; k++)
        {
            double sigmaRel = m.SigmaAbs / m.S0 * m.VolatilityMultiplier[k];
            _drift[k] = m.Gbm ? (m.Drift - 0.5 * sigmaRel * sigmaRel) * m.Tau : m.Drift * m.S0 * m.Tau;
            _vol[k] = m.Gbm ? sigmaRel * Math.Sqrt(m.Tau) : m.SigmaAbs * m.VolatilityMultiplier[k] * Math.Sqrt(m.Tau);
            _offset[k] = (m.PriceOffset[k + 1] + 0.0) * m.S0;
            bool another = k + 1 < steps;
            int next = k + 1;
            _spreadMult[k] = another ? m.SpreadMultiplier[next] * 1.0 : 0;
            _liqMult[k] = another ? m.LiquidityMultiplier[next] * 1.0 : 0;
            _impMult[k] = another ? m.ImpactMultiplier[next] * 1.0 : 0;
            _halfSpread[k] = Math.Max(m.SpreadMeanBps, m.SpreadMinBps) * _spreadMult[k] * halfBpsToCurrency;
            double expectedBefore = m.ExpectedVolume[k];
            _invExpectedBefore[k] = expectedBefore > 0 ? 1.0 / expectedBefore : 0;
            _expectedNext[k] = another ? m.ExpectedVolume[next] : 0;
        }
    }

    /// <summary>The kernel for these strategies on this model, or null when the general path must run (see remarks).</summary>
    public static FusedAdaptiveKernel? TryCreate(MarketModel model, IReadOnlyList<IExecutionStrategy> strategies)
    {
        if (!Avx2.IsSupported || !Fma.IsSupported || !Vector256.IsHardwareAccelerated || Vector<double>.Count != Lanes) return null;
        if (strategies.Count == 0 || !Eligible(model)) return null;
        var kinds = new Kind[strategies.Count];
        var rates = new double[strategies.Count];
        var schedules = new ScheduleStrategy?[strategies.Count];
        for (int s = 0; s < kinds.Length; s++)
        {
            switch (strategies[s])
            {
                case PovStrategy pov:
                    kinds[s] = Kind.Pov;
                    rates[s] = pov.Rate;
                    break;
                case RandomStrategy:
                    kinds[s] = Kind.Random;
                    break;
                case ScheduleStrategy schedule:
                    kinds[s] = Kind.Schedule;
                    schedules[s] = schedule;
                    break;
                default:
                    return null;
            }
        }

        return new FusedAdaptiveKernel(model, kinds, rates, schedules);
    }

    /// <summary>True when the model is one the kernel reproduces: the market's one-pass step applies (no jumps, no event
    /// drawn per episode), the book's size terms are vector ones with at most one transient state, and no book can stay
    /// uniform (a cap, an impact scale that differs between episodes, or transient impact on realised volume), so that every
    /// book leaves its uniform path at the first step.</summary>
    internal static bool Eligible(MarketModel m) =>
        !(m.JumpProb > 0) && m.RandomEvents.Length == 0
        && (!m.HasTransient || (m.TransientStates == 1 && IsVectorExponent(m.TransientExponent)))
        && (m.HasTransient || m.TransientStates == 0)
        && (!m.HasRateTemporary || IsVectorExponent(m.RateExponent))
        && !(double.IsPositiveInfinity(m.CapFraction) && MarketBlock.HasUniformImpactScale(m) && !m.TransientRealizedVolume);

    private static bool IsVectorExponent(double beta) => beta == 1 || beta == 0.5;

    /// <summary>Per-thread buffers for batches of up to <paramref name="capacity"/> episodes.</summary>
    public Workspace CreateWorkspace(int capacity, int bins, int stride) => new(this, bins, stride);

    /// <summary>One thread's buffers and statistics.</summary>
    internal sealed class Workspace
    {
        private readonly FusedAdaptiveKernel _k;

        // Per strategy and step, the group's remaining shares after the step (index k + 1) and its participations.
        private readonly double[] _remaining;
        private readonly double[] _participation;
        private readonly double[] _participationSum;
        private readonly Vector<long>[] _inventorySum;
        private readonly Vector<double>[] _inventoryMin, _inventoryMax;

        // Each strategy's book of the group in flight (BookFields vectors per strategy), pinned: read through a pointer.
        private readonly Vector<double>[] _book;

        // The group's draws for every step (Draws vectors per step), pinned: drawn before the steps run (see Group).
        private readonly Vector<double>[] _draws;

        public Workspace(FusedAdaptiveKernel kernel, int bins, int stride)
        {
            _k = kernel;
            int s = kernel._strategies, steps = kernel._steps;
            _remaining = new double[s * (steps + 1) * Lanes];
            _participation = new double[s * steps * Lanes];
            _participationSum = new double[s * steps];
            _inventorySum = new Vector<long>[s * (steps + 1)];
            _inventoryMin = new Vector<double>[s * (steps + 1)];
            _inventoryMax = new Vector<double>[s * (steps + 1)];
            _book = GC.AllocateArray<Vector<double>>(s * BookFields, pinned: true);
            _draws = GC.AllocateArray<Vector<double>>(steps * Draws, pinned: true);
            Inventory = new BacktestRunner.InventoryStats(s, steps, bins, stride);
            Participation = new BacktestRunner.ParticipationStats(s, steps);
        }

        public BacktestRunner.InventoryStats Inventory { get; }

        public BacktestRunner.ParticipationStats Participation { get; }

        /// <summary>Runs episodes <paramref name="first"/> … <paramref name="first"/> + <paramref name="count"/> − 1 (one batch)
        /// and writes each strategy's per-episode columns at [<paramref name="at"/> + e]; records the inventory and
        /// participation statistics as the general path does.</summary>
        public void RunBlock(long seed, int first, int count, int at, BacktestPartial part)
        {
            var k = _k;
            var m = k._m;
            int steps = k._steps;
            int strategies = k._strategies;
            double quantity = m.Quantity;
            Array.Clear(_participationSum);
            Array.Clear(_inventorySum);
            _inventoryMin.AsSpan().Fill(new Vector<double>(double.PositiveInfinity));
            _inventoryMax.AsSpan().Fill(new Vector<double>(double.NegativeInfinity));
            int stride = Inventory.Stride;
            int sampleStart = (first + stride - 1) / stride * stride - first;
            for (int g = 0; g < count; g += Lanes)
            {
                int lanes = Math.Min(Lanes, count - g);
                Group(seed, first + g, lanes, at + g, part);
                Reduce(g, lanes, sampleStart, stride, quantity);
            }

            for (int s = 0; s < strategies; s++)
            {
                // Every book is uniform before the first step (all hold the whole order).
                Inventory.RecordUniform(s, 0, count, quantity, quantity, first);
                int tail = count % Lanes;
                for (int j = 1; j <= steps; j++)
                {
                    int i = s * (steps + 1) + j;
                    Inventory.RecordReduced(s, j, Vector.Sum(_inventorySum[i]), _inventoryMin[i], _inventoryMax[i],
                        _remaining.AsSpan(i * Lanes, tail), quantity);
                }

                for (int j = 0; j < steps; j++) Participation.Record(s, j, _participationSum[s * steps + j]);
            }
        }

        /// <summary>Adds a group's participations to the batch's per-step sums lane by lane in episode order, and its
        /// remaining fractions to the inventory statistics (whole groups in vector form, as <c>Record</c> does; the batch's
        /// last, partial group is left in the buffer for <c>RecordReduced</c>).</summary>
        private void Reduce(int g, int lanes, int sampleStart, int stride, double quantity)
        {
            var k = _k;
            int steps = k._steps;
            double inv = 1.0 / quantity;
            var vInv = new Vector<double>(inv);
            for (int s = 0; s < k._strategies; s++)
            {
                int j0 = 0;
                if (lanes == Lanes)
                {
                    // Four steps at a time: their participations turned lane-major (a 4×4 transpose), so that each step's
                    // sum still adds lane 0, 1, 2, 3 in turn.
                    fixed (double* participation = &_participation[s * steps * Lanes], sums = &_participationSum[s * steps])
                    {
                        for (; j0 + Lanes <= steps; j0 += Lanes)
                        {
                            var p = participation + j0 * Lanes;
                            var p0 = Avx.LoadVector256(p);
                            var p1 = Avx.LoadVector256(p + Lanes);
                            var p2 = Avx.LoadVector256(p + 2 * Lanes);
                            var p3 = Avx.LoadVector256(p + 3 * Lanes);
                            var t0 = Avx.UnpackLow(p0, p1);
                            var t1 = Avx.UnpackHigh(p0, p1);
                            var t2 = Avx.UnpackLow(p2, p3);
                            var t3 = Avx.UnpackHigh(p2, p3);
                            var sum = Avx.LoadVector256(sums + j0);
                            sum += Avx.Permute2x128(t0, t2, 0x20);
                            sum += Avx.Permute2x128(t1, t3, 0x20);
                            sum += Avx.Permute2x128(t0, t2, 0x31);
                            sum += Avx.Permute2x128(t1, t3, 0x31);
                            Avx.Store(sums + j0, sum);
                        }
                    }
                }

                for (int j = j0; j < steps; j++)
                {
                    int i = s * steps + j;
                    double sum = _participationSum[i];
                    for (int l = 0; l < lanes; l++) sum += _participation[i * Lanes + l];
                    _participationSum[i] = sum;
                }

                if (lanes == Lanes)
                {
                    int i0 = s * (steps + 1);
                    fixed (double* remaining = &_remaining[i0 * Lanes])
                    fixed (Vector<long>* sums = &_inventorySum[i0])
                    fixed (Vector<double>* minima = &_inventoryMin[i0], maxima = &_inventoryMax[i0])
                    {
                        for (int j = 1; j <= steps; j++)
                        {
                            var f = BacktestRunner.InventoryStats.Fraction(*(Vector<double>*)(remaining + j * Lanes), vInv);
                            sums[j] += BacktestRunner.InventoryStats.FixedPoint(f);
                            minima[j] = Vector.MinNative(minima[j], f);
                            maxima[j] = Vector.MaxNative(maxima[j], f);
                        }
                    }
                }

                for (int l = 0; l < lanes; l++)
                {
                    int e = g + l;
                    if (e < sampleStart || (e - sampleStart) % stride != 0) continue;
                    Inventory.Sample(s, _remaining.AsSpan((s * (steps + 1) + 1) * Lanes + l), Lanes, inv);
                }
            }
        }

        /// <summary>Four episodes from <paramref name="episode"/> (the first <paramref name="lanes"/> of them real) through
        /// every step; writes their columns at [<paramref name="at"/> + l] and their per-step remaining shares and
        /// participations to the buffers.</summary>
        private void Group(long seed, long episode, int lanes, int at, BacktestPartial part)
        {
            var k = _k;
            var m = k._m;
            int steps = k._steps;
            int strategies = k._strategies;
            Span<ulong> a = stackalloc ulong[Lanes], b = stackalloc ulong[Lanes], c = stackalloc ulong[Lanes], d = stackalloc ulong[Lanes];
            Span<long> episodes = stackalloc long[Lanes];
            for (int l = 0; l < Lanes; l++)
            {
                episodes[l] = l < lanes ? episode + l : -1 - l;
                new RandomStream(seed, episodes[l]).GetState(out a[l], out b[l], out c[l], out d[l]);
            }

            var s0 = Vector256.Create<ulong>(a);
            var s1 = Vector256.Create<ulong>(b);
            var s2 = Vector256.Create<ulong>(c);
            var s3 = Vector256.Create<ulong>(d);
            var episodeHash = RandomStream.CounterEpisodeHash(Vector256.Create(RandomStream.CounterSeedHash(seed)), Vector256.Create<long>(episodes));
            double* xs = (double*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(RandomStream.Ziggurat.X));
            double* ratio = (double*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(RandomStream.Ziggurat.Ratio));
            ulong* spill = stackalloc ulong[4 * Lanes];

            bool spreadStochastic = m.SpreadStochastic;
            bool liquidityStochastic = m.LiquidityStochastic;
            bool liquidityNormal = m.LiquidityShock > 0;
            bool liquidityShocks = m.LiquidityShockProb > 0;
            bool noise = m.VolumeNoise > 0;
            bool slip = m.SlipAbs > 0;
            bool gbm = m.Gbm;
            bool liquidityScaled = m.LiquidityScaled;
            var zero = Vector<double>.Zero;
            var one = Vector<double>.One;
            var vS0 = new Vector<double>(m.S0);
            var vSign = new Vector<double>(m.Sign);
            var spreadMean = new Vector<double>(m.SpreadMeanBps);
            var spreadDecay = new Vector<double>(m.SpreadDecay);
            var spreadShock = new Vector<double>(m.SpreadShock);
            var spreadMin = new Vector<double>(m.SpreadMinBps);
            var toHalf = new Vector<double>(0.5e-4 * m.S0);
            var liqDecay = new Vector<double>(m.LiquidityDecay);
            var liqShock = new Vector<double>(m.LiquidityShock);
            var liqProb = new Vector<double>(liquidityShocks ? m.LiquidityShockProb : 0);
            var liqMultiplier = new Vector<double>(m.LiquidityShockMultiplier);
            var floor = new Vector<double>(0.01);
            var vSlip = new Vector<double>(m.SlipAbs);
            var vNoise = new Vector<double>(m.VolumeNoise);
            var vNoiseMean = new Vector<double>(-0.5 * m.VolumeNoise * m.VolumeNoise);
            var exponent = Vector256.Create(0x3FF0000000000000UL);
            var uniformOffset = Vector256.Create(1.0 - 1.1102230246251565e-16);

            // The book's constants (ExecutionBook.ApplyGeneral).
            bool capped = !double.IsPositiveInfinity(m.CapFraction);
            bool holdCap = capped && m.HoldCap;
            bool transient = m.HasTransient;
            bool realized = m.TransientRealizedVolume;
            bool rate = m.HasRateTemporary;
            bool ownPermanent = m.PermanentOwnShare > 0;
            bool linearSize = m.TransientExponent == 1;
            bool linearRate = m.RateExponent == 1;
            var cap = new Vector<double>(capped ? m.CapFraction : 0);
            var eps = new Vector<double>(m.Epsilon);
            var etaTau = new Vector<double>(m.EtaOverTau);
            var gamma = new Vector<double>(m.Gamma);
            var ownPermShare = new Vector<double>(m.PermanentOwnShare);
            var trOwn = new Vector<double>(m.TransientOwnShare);
            var carry0 = new Vector<double>(transient ? m.TransientCarry[0] : 0);
            var decay0 = new Vector<double>(transient ? m.TransientDecay[0] : 0);
            var increment0 = new Vector<double>(transient ? m.TransientIncrement[0] : 0);
            var breachTolerance = new Vector<double>(1 + 1e-12);
            double invQuantity = 1.0 / m.Quantity;
            var vInvQuantity = new Vector<double>(invQuantity);

            // The market at the first step (MarketBlock.Reset: the first step's volume and noise, then FillStepState).
            var zVolume0 = noise ? FusedScheduleKernel.Normal(ref s0, ref s1, ref s2, ref s3, xs, ratio, spill).AsVector() : zero;
            var zSlip0 = slip ? FusedScheduleKernel.Normal(ref s0, ref s1, ref s2, ref s3, xs, ratio, spill).AsVector() : zero;
            var slipNow = slip ? vSlip * zSlip0 : zero;
            var level = vS0;
            var mid = new Vector<double>(m.S0 * (1 + m.PriceOffset[0]));
            var spreadState = spreadMean;
            var liquidityState = one;
            Vector<double> half;
            double spreadMult0 = m.SpreadMultiplier[0] * 1.0;
            if (spreadStochastic) half = Vector.MaxNative(spreadState, spreadMin) * new Vector<double>(spreadMult0) * toHalf;
            else half = new Vector<double>(Math.Max(m.SpreadMeanBps, m.SpreadMinBps) * spreadMult0 * (0.5e-4 * m.S0));
            var liq0 = liquidityState * new Vector<double>(m.LiquidityMultiplier[0] * 1.0);
            var imp0 = new Vector<double>(m.ImpactMultiplier[0] * 1.0);
            var scale = liquidityScaled ? imp0 / liq0 : imp0;
            var lastRatio = one;
            var pastVolume = zero;
            var volume = new Vector<double>(m.ExpectedVolume[0]) * liq0;
            if (noise) volume *= VectorExponential.Exp((vNoise * zVolume0 + vNoiseMean).AsVector256()).AsVector();
            var positive0 = Vector.GreaterThan(volume, zero);
            var inv = Vector.ConditionalSelect(positive0, one / Vector.ConditionalSelect(positive0, volume, one), zero);
            var move = vSign * (mid - vS0);
            var volumeSum = zero + volume;

            // Each strategy's book: remaining, permanent impact, transient state, timing, permanent, temporary and spread
            // costs, forced, unfilled, breaches and largest participation.
            const int Fields = BookFields;
            var book = (Vector<double>*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_book));
            for (int s = 0; s < strategies; s++)
            {
                var x = book + s * Fields;
                x[0] = new Vector<double>(m.Quantity);
                for (int f = 1; f < Fields; f++) x[f] = zero;
            }

            // Every step's draws first, in the market's order (MarketBlock.AdvanceFused: the price, spread, liquidity normal and
            // uniform, the next step's volume and slippage normals): a lane's stream depends on nothing the steps compute, so
            // drawing ahead gives the same numbers, and the steps' loop then runs without the ziggurat's branches.
            var draws = (Vector<double>*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_draws));
            for (int step = 0; step < steps; step++)
            {
                bool another = step + 1 < steps;
                var w = draws + step * Draws;
                w[0] = FusedScheduleKernel.Normal(ref s0, ref s1, ref s2, ref s3, xs, ratio, spill).AsVector();
                if (spreadStochastic) w[1] = FusedScheduleKernel.Normal(ref s0, ref s1, ref s2, ref s3, xs, ratio, spill).AsVector();
                if (liquidityNormal) w[2] = FusedScheduleKernel.Normal(ref s0, ref s1, ref s2, ref s3, xs, ratio, spill).AsVector();
                if (liquidityShocks)
                    w[3] = ((Vector256.ShiftRightLogical(FusedScheduleKernel.Next(ref s0, ref s1, ref s2, ref s3), 12) | exponent).AsDouble() - uniformOffset).AsVector();
                if (another && noise) w[4] = FusedScheduleKernel.Normal(ref s0, ref s1, ref s2, ref s3, xs, ratio, spill).AsVector();
                if (another && slip) w[5] = FusedScheduleKernel.Normal(ref s0, ref s1, ref s2, ref s3, xs, ratio, spill).AsVector();
            }

            // Then the exponentials, each step's independent of the others'.
            for (int step = 0; step < steps; step++)
            {
                var w = draws + step * Draws;
                if (gbm) w[0] = VectorExponential.Exp((new Vector<double>(k._drift[step]) + new Vector<double>(k._vol[step]) * w[0]).AsVector256()).AsVector();
                if (noise && step + 1 < steps) w[4] = VectorExponential.Exp((vNoise * w[4] + vNoiseMean).AsVector256()).AsVector();
            }

            // The market through every step: at each, what the books read (its half spread, price move, impact scale, volume,
            // inverse volume, last volume ratio and past volume) replaces the step's draws, then the market moves on.
            for (int step = 0; step < steps; step++)
            {
                // What the books read at this step, in the step's slots (its draws read first).
                bool another = step + 1 < steps;
                var w = draws + step * Draws;
                var dPrice = w[0];
                var dSpread = w[1];
                var dLiquidity = w[2];
                var uLiquidity = w[3];
                var dVolume = w[4];
                var dSlip = w[5];
                w[0] = half + eps;
                w[1] = move + slipNow;
                w[2] = scale;
                w[3] = volume;
                w[4] = inv;
                w[5] = lastRatio;
                w[6] = pastVolume;

                // MarketBlock.AdvanceFused: this step's draws, then the next step's state.
                if (another && slip) slipNow = vSlip * dSlip;

                level = gbm
                    ? level * dPrice
                    : level + new Vector<double>(k._drift[step]) + new Vector<double>(k._vol[step]) * dPrice;
                mid = level + new Vector<double>(k._offset[step]);
                if (spreadStochastic) spreadState = spreadMean + (spreadState - spreadMean) * spreadDecay + spreadShock * dSpread;
                if (liquidityStochastic)
                {
                    var l = one + (liquidityState - one) * liqDecay;
                    if (liquidityNormal) l += liqShock * dLiquidity;
                    if (liquidityShocks) l = Vector.ConditionalSelect(Vector.LessThan(uLiquidity, liqProb), l * liqMultiplier, l);
                    liquidityState = Vector.MaxNative(l, floor);
                }

                if (!another) continue;
                half = spreadStochastic
                    ? Vector.MaxNative(spreadState, spreadMin) * new Vector<double>(k._spreadMult[step]) * toHalf
                    : new Vector<double>(k._halfSpread[step]);
                var liq = liquidityState * new Vector<double>(k._liqMult[step]);
                var vImp = new Vector<double>(k._impMult[step]);
                scale = liquidityScaled ? vImp / liq : vImp;
                lastRatio = volume * new Vector<double>(k._invExpectedBefore[step]);
                pastVolume = volumeSum;
                var vNext = new Vector<double>(k._expectedNext[step]) * liq;
                if (noise) vNext *= dVolume;
                volume = vNext;
                var positive = Vector.GreaterThan(volume, zero);
                inv = Vector.ConditionalSelect(positive, one / Vector.ConditionalSelect(positive, volume, one), zero);
                move = vSign * (mid - vS0);
                volumeSum = volumeSum + volume;
            }

            // Every strategy's book through the steps, reading the market's.
            for (int step = 0; step < steps; step++)
            {
                bool last = step == steps - 1;
                var rateCoef = new Vector<double>(rate ? m.RateTemporary[step] : 0);
                var trScale = new Vector<double>(transient ? m.TransientScale[step] : 0);
                var market = draws + step * Draws;
                var hs = market[0];
                var mv = market[1];
                var scaleAt = market[2];
                var volumeAt = market[3];
                var invAt = market[4];
                var lastRatioAt = market[5];
                var pastVolumeAt = market[6];
                var tag = Vector256.Create(RandomStream.CounterTag(step, RandomStrategy.Stream));
                for (int s = 0; s < strategies; s++)
                {
                    var x = book + s * Fields;
                    var r = x[0];
                    Vector<double> f;
                    switch (k._kinds[s])
                    {
                        case Kind.Pov:
                        {
                            // PovStrategy.Decide from the order's progress.
                            double rateS = k._rates[s];
                            var remainingFraction = r * vInvQuantity;
                            var traded = one - remainingFraction;
                            var forecastShare = new Vector<double>(rateS * m.ExpectedVolume[step] / m.Quantity);
                            var want = new Vector<double>(rateS) * pastVolumeAt / new Vector<double>(m.Quantity) + forecastShare * lastRatioAt - traded;
                            want = Vector.ConditionalSelect(Vector.GreaterThan(want, zero), want, zero);
                            var share = want / remainingFraction;
                            share = Vector.ConditionalSelect(Vector.LessThan(share, one), share, one);
                            f = Vector.ConditionalSelect(Vector.GreaterThan(remainingFraction, zero), share, zero);
                            break;
                        }

                        case Kind.Random:
                            f = RandomStream.CounterUniforms(episodeHash, tag).AsVector();
                            break;
                        default:
                            f = new Vector<double>(k._fractions[s * steps + step]);
                            break;
                    }

                    // ExecutionBook.ApplyGeneral.
                    f = Vector.MinNative(Vector.ConditionalSelect(Vector.GreaterThan(f, zero), f, zero), one); // NaN becomes 0
                    var q = f * r;
                    var v = volumeAt;
                    if (capped) q = Vector.MinNative(q, cap * v);
                    if (last && holdCap)
                    {
                        var allowed = Vector.MinNative(r, cap * v);
                        x[7] = allowed - q;
                        x[8] = r - allowed;
                        q = allowed;
                    }
                    else if (last)
                    {
                        x[7] = r - q;
                        q = r;
                        if (capped)
                        {
                            var over = Vector.GreaterThan(q, cap * v * breachTolerance);
                            x[9] = x[9] + Vector.ConditionalSelect(over, one, zero);
                        }
                    }

                    var sc = scaleAt;
                    var perm = x[1];
                    var temp = etaTau * q;
                    if (rate) temp += rateCoef * (linearRate ? q : Vector.SquareRoot(q));
                    temp *= sc;
                    var permPaid = perm;
                    if (ownPermanent) permPaid += ownPermShare * sc * gamma * q;
                    var carried = zero;
                    var ownImpact = temp;
                    if (transient)
                    {
                        var sizeBase = realized ? q * invAt : q;
                        var size = linearSize ? sizeBase : Vector.SquareRoot(sizeBase);
                        var dT = sc * trScale * size;
                        ownImpact += trOwn * dT;
                        var j = x[2];
                        carried += carry0 * j;
                        x[2] = decay0 * j + increment0 * dT;
                    }

                    x[3] = x[3] + q * mv;
                    x[4] = x[4] + q * permPaid;
                    x[5] = x[5] + q * (carried + ownImpact);
                    x[6] = x[6] + q * hs;
                    var participation = q * invAt;
                    x[10] = Vector.MaxNative(x[10], participation);
                    participation.CopyTo(_participation, (s * steps + step) * Lanes);
                    x[1] = perm + sc * gamma * q;
                    x[0] = r - q;
                    x[0].CopyTo(_remaining, (s * (steps + 1) + step + 1) * Lanes);
                }

            }

            // ExecutionBook.Close (opportunity cost of what the cap left) and ShortfallCurrency, per lane.
            double perShare = m.FeePerShare + m.FeeRate * m.S0;
            double slope = m.FeeRate * m.Sign;
            double bpsScale = 1e4 / m.ArrivalNotional;
            for (int s = 0; s < strategies; s++)
            {
                var x = book + s * Fields;
                for (int l = 0; l < lanes; l++)
                {
                    double remaining = x[0][l];
                    double opportunity = 0;
                    if (holdCap)
                    {
                        double u = x[8][l];
                        double tr = 0;
                        if (transient) tr += x[2][l];
                        opportunity = u > 0 ? u * (m.Sign * (mid[l] - m.S0) + x[1][l] + tr) : 0;
                    }

                    double price = x[3][l] + x[4][l] + x[5][l] + x[6][l];
                    double currency = price + ((m.Quantity - remaining) * perShare + slope * price) + opportunity;
                    part.CostCurrency[s][at + l] = currency;
                    part.CostBps[s][at + l] = currency * bpsScale;
                    part.Forced[s][at + l] = x[7][l];
                    part.Unfilled[s][at + l] = x[8][l];
                    part.Breaches[s][at + l] = (int)x[9][l];
                    part.MaxParticipation[s][at + l] = x[10][l];
                    part.OpportunityBps[s][at + l] = opportunity * bpsScale;
                }
            }
        }
    }
}
