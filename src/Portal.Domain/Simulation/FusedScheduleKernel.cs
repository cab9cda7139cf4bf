using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Portal.Domain.Backtesting;
using Portal.Domain.Strategies;

namespace Portal.Domain.Simulation;

/// <summary>
/// Runs a batch of episodes of deterministic schedules through every step at once: the market state of four episodes
/// stays in vector registers for the whole horizon, the random normals are drawn four streams per instruction, and each
/// schedule's cost is a running sum over the steps. Only what the summary needs leaves the kernel: each episode's
/// shortfall and largest participation, and per step the batch's Σ 1/volume.
/// </summary>
/// <remarks>
/// <para>The kernel computes exactly what <see cref="MarketBlock"/> and <see cref="ExecutionBook"/> compute on their
/// uniform path, with the same operations in the same order, so a run gives the same result bit for bit on either path:
/// every episode draws from its own xoshiro256** stream keyed by (seed, episode) (<see cref="RandomStream"/>, Blackman and
/// Vigna, 2021) in the market's order (the step's volume normal, then the price normal), normals by the same ziggurat
/// (Marsaglia and Tsang, 2000; Doornik, 2005) with its rare slow path taken per lane by the scalar code; the mid follows
/// the market's arithmetic (ABM or GBM, fixed event multipliers and offsets per step) and the volume
/// <c>V_k = E[V_k]·exp(σ_V ξ − σ_V²/2)</c> with the same vector exponential.</para>
/// <para>A deterministic schedule on a book whose episodes all hold the same quantity trades the same child order
/// <c>n_k</c> in every episode, so its remaining quantity, impact state and every cost term but timing are the same
/// scalars in every episode (<see cref="ExecutionBook"/>, uniform path). They are taken once per run from that path on one
/// episode; per episode only the timing term <c>Σ_k n_k·d(S_k − S_0)</c> and the largest participation
/// <c>max_k n_k/V_k</c> remain, summed here in step order as the book's deferred accumulation does.</para>
/// <para>It applies when every strategy is a schedule and the model keeps the book uniform: no participation cap, no
/// execution noise, jumps, stochastic spread or liquidity, no events drawn per episode, and transient impact not scaled by
/// realised volume. Otherwise <see cref="TryCreate"/> returns null and the general path runs (or, for POV, Random and schedules on a market
/// that keeps no book uniform, <see cref="FusedAdaptiveKernel"/>).</para>
/// </remarks>
internal sealed unsafe class FusedScheduleKernel
{
    private const int Lanes = 4;

    private readonly MarketModel _m;
    private readonly int _strategies;
    private readonly int _steps;
    private readonly double[] _q;
    private readonly double[] _remainingAt;
    private readonly double[] _permanentCost, _temporaryCost, _spreadCost, _forced, _finalRemaining;
    private readonly double[] _volumeBase;
    private readonly double[] _drift;
    private readonly double[] _vol;
    private readonly double[] _offset;
    private readonly double _mid0;

    private FusedScheduleKernel(MarketModel model, ScheduleStrategy[] schedules, long seed)
    {
        _m = model;
        _strategies = schedules.Length;
        int steps = _steps = model.Steps;
        _q = new double[_strategies * steps];
        _remainingAt = new double[_strategies * (steps + 1)];
        _permanentCost = new double[_strategies];
        _temporaryCost = new double[_strategies];
        _spreadCost = new double[_strategies];
        _forced = new double[_strategies];
        _finalRemaining = new double[_strategies];

        // The scalar part of every schedule, from the book's own uniform path on one episode.
        var market = new MarketBlock(model, 1, keepHistory: true);
        var books = new ExecutionBook[_strategies];
        for (int s = 0; s < _strategies; s++) books[s] = new ExecutionBook(model, 1) { DeferUniform = true };
        market.Reset(seed, [0L]);
        foreach (var book in books) book.Reset(1);
        for (int k = 0; k < steps; k++)
        {
            for (int s = 0; s < _strategies; s++)
            {
                _remainingAt[s * (steps + 1) + k] = books[s].UniformRemaining;
                if (!books[s].TryApplyUniform(market, schedules[s].FractionAt(k)))
                    throw new InvalidOperationException("A fused schedule left the uniform path.");
            }

            market.Advance();
        }

        for (int s = 0; s < _strategies; s++)
        {
            var u = books[s].UniformState();
            Array.Copy(u.StepQuantity, 0, _q, s * steps, steps);
            _remainingAt[s * (steps + 1) + steps] = u.Remaining;
            _permanentCost[s] = u.PermanentCost;
            _temporaryCost[s] = u.TemporaryCost;
            _spreadCost[s] = u.SpreadCost;
            _forced[s] = u.Forced;
            _finalRemaining[s] = u.Remaining;
        }

        // Per-step market constants, each written as MarketBlock writes it (no perturbation, no per-episode events).
        _volumeBase = new double[steps];
        _drift = new double[steps];
        _vol = new double[steps];
        _offset = new double[steps];
        for (int k = 0; k < steps; k++)
        {
            double liq = 1.0 * (model.LiquidityMultiplier[k] * 1.0);
            _volumeBase[k] = model.ExpectedVolume[k] * liq;
            if (model.Gbm)
            {
                double sigmaRel = model.SigmaAbs / model.S0 * model.VolatilityMultiplier[k];
                _drift[k] = (model.Drift - 0.5 * sigmaRel * sigmaRel) * model.Tau;
                _vol[k] = sigmaRel * Math.Sqrt(model.Tau);
            }
            else
            {
                _drift[k] = model.Drift * model.S0 * model.Tau;
                _vol[k] = model.SigmaAbs * model.VolatilityMultiplier[k] * Math.Sqrt(model.Tau);
            }

            _offset[k] = (model.PriceOffset[k + 1] + 0.0) * model.S0;
        }

        _mid0 = model.S0 * (1 + model.PriceOffset[0]);
    }

    /// <summary>The kernel for these strategies on this model, or null when the general path must run (see remarks).</summary>
    public static FusedScheduleKernel? TryCreate(MarketModel model, IReadOnlyList<IExecutionStrategy> strategies, long seed)
    {
        if (!Avx2.IsSupported || !Fma.IsSupported || !Vector256.IsHardwareAccelerated || System.Numerics.Vector<double>.Count != Lanes) return null;
        if (strategies.Count == 0 || !IsUniformModel(model)) return null;
        var schedules = new ScheduleStrategy[strategies.Count];
        for (int s = 0; s < schedules.Length; s++)
        {
            if (strategies[s] is not ScheduleStrategy schedule) return null;
            for (int k = 0; k < model.Steps; k++)
            {
                if (double.IsNaN(schedule.FractionAt(k))) return null;
            }

            schedules[s] = schedule;
        }

        return new FusedScheduleKernel(model, schedules, seed);
    }

    private static bool IsUniformModel(MarketModel m) =>
        double.IsPositiveInfinity(m.CapFraction) && !m.TransientRealizedVolume && m.RandomEvents.Length == 0
        && m.JumpProb == 0 && !m.SpreadStochastic && !m.LiquidityStochastic && m.SlipAbs == 0;

    /// <summary>Strategies the kernel runs.</summary>
    public int Strategies => _strategies;

    /// <summary>Per-thread buffers for batches of up to <paramref name="capacity"/> episodes.</summary>
    public Workspace CreateWorkspace(int capacity, int bins, int stride) => new(this, capacity, bins, stride);

    /// <summary>One thread's buffers and statistics.</summary>
    internal sealed class Workspace
    {
        private readonly FusedScheduleKernel _k;
        private readonly double[] _move, _move2;
        private readonly double[] _inv, _inv2;
        private readonly double[] _zv, _zv2;
        private readonly double[] _invSum;
        private readonly int _stride;
        private long _episodes;
        private int _sampled;

        public Workspace(FusedScheduleKernel kernel, int capacity, int bins, int stride)
        {
            _k = kernel;
            _move = new double[kernel._steps * Lanes];
            _inv = new double[kernel._steps * Lanes];
            _move2 = new double[kernel._steps * Lanes];
            _inv2 = new double[kernel._steps * Lanes];
            _zv = new double[kernel._steps * Lanes];
            _zv2 = new double[kernel._steps * Lanes];
            _invSum = new double[kernel._steps];
            _stride = stride;
            Participation = new BacktestRunner.ParticipationStats(kernel._strategies, kernel._steps);
        }

        public BacktestRunner.ParticipationStats Participation { get; }

        /// <summary>Runs episodes <paramref name="first"/> … <paramref name="first"/> + <paramref name="count"/> − 1 (one batch)
        /// and writes, per strategy s, each episode's shortfall in currency and bps and its largest participation at
        /// [<paramref name="at"/> + e] of the given arrays; records the inventory and participation statistics.</summary>
        public void RunBlock(long seed, int first, int count, int at, double[][] costCurrency, double[][] costBps, double[][] maxParticipation, double[][] forced)
        {
            var k = _k;
            var m = k._m;
            int steps = k._steps;
            int strategies = k._strategies;
            Array.Clear(_invSum);
            int g = 0;
            // Eight episodes at a time: two independent groups of four in flight, so that one group's random numbers and
            // exponentials overlap the other's latencies. Each group is then summed and costed as on its own, in order.
            for (; count - g > Lanes; g += 2 * Lanes)
            {
                int second = Math.Min(Lanes, count - g - Lanes);
                MarketPair(seed, first + g, first + g + Lanes, second);
                Costs(at + g, Lanes, _move, _inv, costCurrency, costBps, maxParticipation);
                Costs(at + g + Lanes, second, _move2, _inv2, costCurrency, costBps, maxParticipation);
            }

            for (; g < count; g += Lanes)
            {
                int lanes = Math.Min(Lanes, count - g);
                Market(seed, first + g, lanes);
                AddInverseVolumes(_inv, lanes);
                Costs(at + g, lanes, _move, _inv, costCurrency, costBps, maxParticipation);
            }

            // Every episode of a schedule holds the same inventory at a step: the thread's episodes are recorded once, at the
            // end (RecordInventory), as the same integer sums and counts as batch by batch.
            _episodes += count;
            _sampled += BacktestRunner.InventoryStats.Sampled(first, count, _stride);
            for (int s = 0; s < strategies; s++)
            {
                for (int j = 0; j < steps; j++)
                {
                    double q = k._q[s * steps + j];
                    Participation.Record(s, j, q == 0 ? 0 : q * _invSum[j]);
                }

                forced[s].AsSpan(at, count).Fill(k._forced[s]);
            }
        }

        /// <summary>Records the inventory of every episode this workspace ran into <paramref name="inventory"/> (nothing if it
        /// ran none): call once, after the last <see cref="RunBlock"/>. Every episode of a schedule holds the same inventory at
        /// a step, so this is the same integer sums, extrema and counts as recording each batch into a statistics object of
        /// the workspace's own and adding that to <paramref name="inventory"/>, without a thread's own histograms to clear and
        /// add (2.4 MB at 100 steps and six schedules).</summary>
        public void RecordInventory(BacktestRunner.InventoryStats inventory)
        {
            var k = _k;
            int steps = k._steps;
            if (_episodes == 0) return;
            for (int s = 0; s < k._strategies; s++)
            {
                for (int j = 0; j <= steps; j++) inventory.RecordUniform(s, j, _episodes, _sampled, k._remainingAt[s * (steps + 1) + j], k._m.Quantity);
            }

            _episodes = 0;
            _sampled = 0;
        }

        /// <summary>Adds a group's 1/volume to the batch's per-step sums, lane by lane in episode order.</summary>
        private void AddInverseVolumes(double[] inv, int lanes)
        {
            int steps = _k._steps;
            for (int j = 0; j < steps; j++)
            {
                double sum = _invSum[j];
                for (int l = 0; l < lanes; l++) sum += inv[j * Lanes + l];
                _invSum[j] = sum;
            }
        }

        /// <summary><see cref="Market"/> of two groups at once: four episodes from <paramref name="episodeA"/> into
        /// (<c>_move</c>, <c>_inv</c>) and <paramref name="lanesB"/> from <paramref name="episodeB"/> into (<c>_move2</c>,
        /// <c>_inv2</c>). Every lane draws from its own stream, so each group's numbers are those of <see cref="Market"/>.</summary>
        private void MarketPair(long seed, long episodeA, long episodeB, int lanesB)
        {
            var k = _k;
            var m = k._m;
            int steps = k._steps;
            Span<ulong> a = stackalloc ulong[2 * Lanes], b = stackalloc ulong[2 * Lanes], c = stackalloc ulong[2 * Lanes], d = stackalloc ulong[2 * Lanes];
            for (int l = 0; l < Lanes; l++)
            {
                new RandomStream(seed, episodeA + l).GetState(out a[l], out b[l], out c[l], out d[l]);
                new RandomStream(seed, l < lanesB ? episodeB + l : -1 - l).GetState(out a[Lanes + l], out b[Lanes + l], out c[Lanes + l], out d[Lanes + l]);
            }

            var s0 = Vector256.Create<ulong>(a);
            var s1 = Vector256.Create<ulong>(b);
            var s2 = Vector256.Create<ulong>(c);
            var s3 = Vector256.Create<ulong>(d);
            var t0 = Vector256.Create<ulong>(a[Lanes..]);
            var t1 = Vector256.Create<ulong>(b[Lanes..]);
            var t2 = Vector256.Create<ulong>(c[Lanes..]);
            var t3 = Vector256.Create<ulong>(d[Lanes..]);
            double* xs = (double*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(RandomStream.Ziggurat.X));
            double* ratio = (double*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(RandomStream.Ziggurat.Ratio));
            ulong* spill = stackalloc ulong[4 * Lanes];
            bool noisy = m.VolumeNoise > 0;
            bool gbm = m.Gbm;
            var vSign = Vector256.Create(m.Sign);
            var vS0 = Vector256.Create(m.S0);
            var zero = Vector256<double>.Zero;
            var levelA = Vector256.Create(m.S0);
            var levelB = levelA;
            var midA = Vector256.Create(k._mid0);
            var midB = midA;
            var zVolumeA = noisy ? Normal(ref s0, ref s1, ref s2, ref s3, xs, ratio, spill) : zero;
            var zVolumeB = noisy ? Normal(ref t0, ref t1, ref t2, ref t3, xs, ratio, spill) : zero;
            ref double moveA = ref MemoryMarshal.GetArrayDataReference(_move);
            ref double invA = ref MemoryMarshal.GetArrayDataReference(_inv);
            ref double moveB = ref MemoryMarshal.GetArrayDataReference(_move2);
            ref double invB = ref MemoryMarshal.GetArrayDataReference(_inv2);
            ref double zvA = ref MemoryMarshal.GetArrayDataReference(_zv);
            ref double zvB = ref MemoryMarshal.GetArrayDataReference(_zv2);
            // The draws and the mid first, the volumes after: the exponential's polynomial beside the eight random states and
            // the prices would not fit in the registers (and the slow path's rare call makes every vector register volatile).
            // Each volume depends only on its own normal, so the bits are the same.
            for (int j = 0; j < steps; j++)
            {
                zVolumeA.StoreUnsafe(ref zvA, (nuint)(j * Lanes));
                zVolumeB.StoreUnsafe(ref zvB, (nuint)(j * Lanes));
                (vSign * (midA - vS0)).StoreUnsafe(ref moveA, (nuint)(j * Lanes));
                (vSign * (midB - vS0)).StoreUnsafe(ref moveB, (nuint)(j * Lanes));

                var zA = Normal(ref s0, ref s1, ref s2, ref s3, xs, ratio, spill);
                var zB = Normal(ref t0, ref t1, ref t2, ref t3, xs, ratio, spill);
                if (noisy && j + 1 < steps)
                {
                    zVolumeA = Normal(ref s0, ref s1, ref s2, ref s3, xs, ratio, spill);
                    zVolumeB = Normal(ref t0, ref t1, ref t2, ref t3, xs, ratio, spill);
                }

                var drift = Vector256.Create(k._drift[j]);
                var vol = Vector256.Create(k._vol[j]);
                if (gbm)
                {
                    levelA *= VectorExponential.Exp(drift + vol * zA);
                    levelB *= VectorExponential.Exp(drift + vol * zB);
                }
                else
                {
                    levelA = levelA + drift + vol * zA;
                    levelB = levelB + drift + vol * zB;
                }

                var offset = Vector256.Create(k._offset[j]);
                midA = levelA + offset;
                midB = levelB + offset;
            }

            InverseVolumesPair(lanesB, noisy);
        }

        /// <summary><see cref="InverseVolumes"/> of both groups of <see cref="MarketPair"/> in one loop, with the batch's
        /// per-step Σ 1/V added while the values are in registers:
        /// group A's four lanes, then group B's <paramref name="lanesB"/>, in episode order as
        /// <see cref="AddInverseVolumes"/> adds them.</summary>
        private void InverseVolumesPair(int lanesB, bool noisy)
        {
            var k = _k;
            var m = k._m;
            int steps = k._steps;
            var vNoise = Vector256.Create(m.VolumeNoise);
            var vNoiseMean = Vector256.Create(-0.5 * m.VolumeNoise * m.VolumeNoise);
            var zero = Vector256<double>.Zero;
            var one = Vector256<double>.One;
            ref double zA = ref MemoryMarshal.GetArrayDataReference(_zv);
            ref double zB = ref MemoryMarshal.GetArrayDataReference(_zv2);
            ref double invA = ref MemoryMarshal.GetArrayDataReference(_inv);
            ref double invB = ref MemoryMarshal.GetArrayDataReference(_inv2);
            ref double invSum = ref MemoryMarshal.GetArrayDataReference(_invSum);
            ref double volumeBase = ref MemoryMarshal.GetArrayDataReference(k._volumeBase);
            for (int j = 0; j < steps; j++)
            {
                var b = Vector256.Create(Unsafe.Add(ref volumeBase, j));
                var vA = b;
                var vB = b;
                if (noisy)
                {
                    vA *= VectorExponential.Exp(vNoise * Vector256.LoadUnsafe(ref zA, (nuint)(j * Lanes)) + vNoiseMean);
                    vB *= VectorExponential.Exp(vNoise * Vector256.LoadUnsafe(ref zB, (nuint)(j * Lanes)) + vNoiseMean);
                }

                var positiveA = Vector256.GreaterThan(vA, zero);
                var positiveB = Vector256.GreaterThan(vB, zero);
                var iA = Vector256.ConditionalSelect(positiveA, one / Vector256.ConditionalSelect(positiveA, vA, one), zero);
                var iB = Vector256.ConditionalSelect(positiveB, one / Vector256.ConditionalSelect(positiveB, vB, one), zero);
                iA.StoreUnsafe(ref invA, (nuint)(j * Lanes));
                iB.StoreUnsafe(ref invB, (nuint)(j * Lanes));
                double sum = Unsafe.Add(ref invSum, j);
                sum += iA.GetElement(0);
                sum += iA.GetElement(1);
                sum += iA.GetElement(2);
                sum += iA.GetElement(3);
                if (lanesB == Lanes)
                {
                    sum += iB.GetElement(0);
                    sum += iB.GetElement(1);
                    sum += iB.GetElement(2);
                    sum += iB.GetElement(3);
                }
                else
                {
                    for (int l = 0; l < lanesB; l++) sum += iB.GetElement(l);
                }

                Unsafe.Add(ref invSum, j) = sum;
            }
        }

        /// <summary>Each step's 1/V_k (0 where V_k ≤ 0) of a group, V_k = E[V_k]·exp(σ_V ξ − σ_V²/2) from the stored normals.</summary>
        private void InverseVolumes(double[] normals, double[] inverse, bool noisy)
        {
            var k = _k;
            var m = k._m;
            int steps = k._steps;
            var vNoise = Vector256.Create(m.VolumeNoise);
            var vNoiseMean = Vector256.Create(-0.5 * m.VolumeNoise * m.VolumeNoise);
            var zero = Vector256<double>.Zero;
            var one = Vector256<double>.One;
            ref double z = ref MemoryMarshal.GetArrayDataReference(normals);
            ref double inv = ref MemoryMarshal.GetArrayDataReference(inverse);
            for (int j = 0; j < steps; j++)
            {
                var v = Vector256.Create(k._volumeBase[j]);
                if (noisy) v *= VectorExponential.Exp(vNoise * Vector256.LoadUnsafe(ref z, (nuint)(j * Lanes)) + vNoiseMean);
                var positive = Vector256.GreaterThan(v, zero);
                Vector256.ConditionalSelect(positive, one / Vector256.ConditionalSelect(positive, v, one), zero).StoreUnsafe(ref inv, (nuint)(j * Lanes));
            }
        }

        /// <summary>The market path of four episodes from <paramref name="episode0"/>: adverse move and 1/volume per step.</summary>
        private void Market(long seed, long episode0, int lanes)
        {
            var k = _k;
            var m = k._m;
            int steps = k._steps;
            Span<ulong> a = stackalloc ulong[Lanes], b = stackalloc ulong[Lanes], c = stackalloc ulong[Lanes], d = stackalloc ulong[Lanes];
            for (int l = 0; l < Lanes; l++)
            {
                // Lanes past the batch's end draw from some stream; nothing of theirs is read.
                new RandomStream(seed, l < lanes ? episode0 + l : -1 - l).GetState(out a[l], out b[l], out c[l], out d[l]);
            }

            var s0 = Vector256.Create<ulong>(a);
            var s1 = Vector256.Create<ulong>(b);
            var s2 = Vector256.Create<ulong>(c);
            var s3 = Vector256.Create<ulong>(d);
            double* xs = (double*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(RandomStream.Ziggurat.X));
            double* ratio = (double*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(RandomStream.Ziggurat.Ratio));
            ulong* spill = stackalloc ulong[4 * Lanes];
            bool noisy = m.VolumeNoise > 0;
            bool gbm = m.Gbm;
            var vSign = Vector256.Create(m.Sign);
            var vS0 = Vector256.Create(m.S0);
            var zero = Vector256<double>.Zero;
            var level = Vector256.Create(m.S0);
            var mid = Vector256.Create(k._mid0);
            var zVolume = noisy ? Normal(ref s0, ref s1, ref s2, ref s3, xs, ratio, spill) : zero;
            ref double move = ref MemoryMarshal.GetArrayDataReference(_move);
            ref double zv = ref MemoryMarshal.GetArrayDataReference(_zv);
            for (int j = 0; j < steps; j++)
            {
                zVolume.StoreUnsafe(ref zv, (nuint)(j * Lanes));
                (vSign * (mid - vS0)).StoreUnsafe(ref move, (nuint)(j * Lanes));

                var z = Normal(ref s0, ref s1, ref s2, ref s3, xs, ratio, spill);
                if (noisy && j + 1 < steps) zVolume = Normal(ref s0, ref s1, ref s2, ref s3, xs, ratio, spill);
                level = gbm
                    ? level * VectorExponential.Exp(Vector256.Create(k._drift[j]) + Vector256.Create(k._vol[j]) * z)
                    : level + Vector256.Create(k._drift[j]) + Vector256.Create(k._vol[j]) * z;
                mid = level + Vector256.Create(k._offset[j]);
            }

            InverseVolumes(_zv, _inv, noisy);
        }

        /// <summary>Each schedule's running timing sum and largest participation over the steps, then the shortfall.</summary>
        /// <remarks>Up to four schedules run side by side over the steps, so their sums are independent chains; each sum
        /// still adds its steps in step order. A step without a child order adds 0·move and compares 0·(1/V) with a
        /// non-negative maximum, which changes neither (the sums start at +0 and prices are finite), so unlike the book no
        /// step is skipped.</remarks>
        private void Costs(int at, int lanes, double[] moves, double[] inverseVolumes, double[][] costCurrency, double[][] costBps, double[][] maxParticipation)
        {
            var k = _k;
            int s = 0;
            if (Avx512F.VL.IsSupported)
            {
                for (; s + 6 <= k._strategies; s += 6) Six(s, at, lanes, moves, inverseVolumes, costCurrency, costBps, maxParticipation);
            }

            for (; s + 4 <= k._strategies; s += 4) Four(s, at, lanes, moves, inverseVolumes, costCurrency, costBps, maxParticipation);
            for (; s + 2 <= k._strategies; s += 2) Two(s, at, lanes, moves, inverseVolumes, costCurrency, costBps, maxParticipation);
            for (; s < k._strategies; s++) One(s, at, lanes, moves, inverseVolumes, costCurrency, costBps, maxParticipation);
        }

        private void Two(int s, int at, int lanes, double[] moves, double[] inverseVolumes, double[][] costCurrency, double[][] costBps, double[][] maxParticipation)
        {
            var k = _k;
            int steps = k._steps;
            ref double move = ref MemoryMarshal.GetArrayDataReference(moves);
            ref double inv = ref MemoryMarshal.GetArrayDataReference(inverseVolumes);
            ref double qa = ref k._q[s * steps];
            ref double qb = ref k._q[(s + 1) * steps];
            Vector256<double> ta = default, tb = default, pa = default, pb = default;
            for (int j = 0; j < steps; j++)
            {
                var mv = Vector256.LoadUnsafe(ref move, (nuint)(j * Lanes));
                var iv = Vector256.LoadUnsafe(ref inv, (nuint)(j * Lanes));
                var a = Vector256.Create(Unsafe.Add(ref qa, j));
                var b = Vector256.Create(Unsafe.Add(ref qb, j));
                ta += a * mv;
                tb += b * mv;
                pa = Vector256.Max(pa, a * iv);
                pb = Vector256.Max(pb, b * iv);
            }

            Store(s, ta, pa, at, lanes, costCurrency, costBps, maxParticipation);
            Store(s + 1, tb, pb, at, lanes, costCurrency, costBps, maxParticipation);
        }

        /// <summary><see cref="Four"/> and <see cref="Two"/> in one pass over the steps (twelve sums: with AVX-512VL's 32
        /// vector registers they all stay in registers); each sum the same chain in step order.</summary>
        private void Six(int s, int at, int lanes, double[] moves, double[] inverseVolumes, double[][] costCurrency, double[][] costBps, double[][] maxParticipation)
        {
            var k = _k;
            int steps = k._steps;
            ref double move = ref MemoryMarshal.GetArrayDataReference(moves);
            ref double inv = ref MemoryMarshal.GetArrayDataReference(inverseVolumes);
            ref double qa = ref k._q[s * steps];
            ref double qb = ref k._q[(s + 1) * steps];
            ref double qc = ref k._q[(s + 2) * steps];
            ref double qd = ref k._q[(s + 3) * steps];
            ref double qe = ref k._q[(s + 4) * steps];
            ref double qf = ref k._q[(s + 5) * steps];
            Vector256<double> ta = default, tb = default, tc = default, td = default, te = default, tf = default;
            Vector256<double> pa = default, pb = default, pc = default, pd = default, pe = default, pf = default;
            for (int j = 0; j < steps; j++)
            {
                var mv = Vector256.LoadUnsafe(ref move, (nuint)(j * Lanes));
                var iv = Vector256.LoadUnsafe(ref inv, (nuint)(j * Lanes));
                var a = Vector256.Create(Unsafe.Add(ref qa, j));
                var b = Vector256.Create(Unsafe.Add(ref qb, j));
                var c = Vector256.Create(Unsafe.Add(ref qc, j));
                var d = Vector256.Create(Unsafe.Add(ref qd, j));
                var e = Vector256.Create(Unsafe.Add(ref qe, j));
                var f = Vector256.Create(Unsafe.Add(ref qf, j));
                ta += a * mv;
                tb += b * mv;
                tc += c * mv;
                td += d * mv;
                te += e * mv;
                tf += f * mv;
                pa = Vector256.Max(pa, a * iv);
                pb = Vector256.Max(pb, b * iv);
                pc = Vector256.Max(pc, c * iv);
                pd = Vector256.Max(pd, d * iv);
                pe = Vector256.Max(pe, e * iv);
                pf = Vector256.Max(pf, f * iv);
            }

            Store(s, ta, pa, at, lanes, costCurrency, costBps, maxParticipation);
            Store(s + 1, tb, pb, at, lanes, costCurrency, costBps, maxParticipation);
            Store(s + 2, tc, pc, at, lanes, costCurrency, costBps, maxParticipation);
            Store(s + 3, td, pd, at, lanes, costCurrency, costBps, maxParticipation);
            Store(s + 4, te, pe, at, lanes, costCurrency, costBps, maxParticipation);
            Store(s + 5, tf, pf, at, lanes, costCurrency, costBps, maxParticipation);
        }

        private void Four(int s, int at, int lanes, double[] moves, double[] inverseVolumes, double[][] costCurrency, double[][] costBps, double[][] maxParticipation)
        {
            var k = _k;
            int steps = k._steps;
            ref double move = ref MemoryMarshal.GetArrayDataReference(moves);
            ref double inv = ref MemoryMarshal.GetArrayDataReference(inverseVolumes);
            ref double qa = ref k._q[s * steps];
            ref double qb = ref k._q[(s + 1) * steps];
            ref double qc = ref k._q[(s + 2) * steps];
            ref double qd = ref k._q[(s + 3) * steps];
            Vector256<double> ta = default, tb = default, tc = default, td = default;
            Vector256<double> pa = default, pb = default, pc = default, pd = default;
            for (int j = 0; j < steps; j++)
            {
                var mv = Vector256.LoadUnsafe(ref move, (nuint)(j * Lanes));
                var iv = Vector256.LoadUnsafe(ref inv, (nuint)(j * Lanes));
                var a = Vector256.Create(Unsafe.Add(ref qa, j));
                var b = Vector256.Create(Unsafe.Add(ref qb, j));
                var c = Vector256.Create(Unsafe.Add(ref qc, j));
                var d = Vector256.Create(Unsafe.Add(ref qd, j));
                ta += a * mv;
                tb += b * mv;
                tc += c * mv;
                td += d * mv;
                pa = Vector256.Max(pa, a * iv);
                pb = Vector256.Max(pb, b * iv);
                pc = Vector256.Max(pc, c * iv);
                pd = Vector256.Max(pd, d * iv);
            }

            Store(s, ta, pa, at, lanes, costCurrency, costBps, maxParticipation);
            Store(s + 1, tb, pb, at, lanes, costCurrency, costBps, maxParticipation);
            Store(s + 2, tc, pc, at, lanes, costCurrency, costBps, maxParticipation);
            Store(s + 3, td, pd, at, lanes, costCurrency, costBps, maxParticipation);
        }

        private void One(int s, int at, int lanes, double[] moves, double[] inverseVolumes, double[][] costCurrency, double[][] costBps, double[][] maxParticipation)
        {
            var k = _k;
            int steps = k._steps;
            ref double move = ref MemoryMarshal.GetArrayDataReference(moves);
            ref double inv = ref MemoryMarshal.GetArrayDataReference(inverseVolumes);
            ref double q0 = ref k._q[s * steps];
            var t = Vector256<double>.Zero;
            var p = Vector256<double>.Zero;
            for (int j = 0; j < steps; j++)
            {
                var vq = Vector256.Create(Unsafe.Add(ref q0, j));
                t += vq * Vector256.LoadUnsafe(ref move, (nuint)(j * Lanes));
                p = Vector256.Max(p, vq * Vector256.LoadUnsafe(ref inv, (nuint)(j * Lanes)));
            }

            Store(s, t, p, at, lanes, costCurrency, costBps, maxParticipation);
        }

        /// <summary>ExecutionBook.ShortfallCurrency on the uniform path (no spread per episode, nothing unfilled).</summary>
        /// <remarks>Inlined, so that the running sums are not kept in the frame through the loop for a call after it.</remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Store(int s, Vector256<double> t, Vector256<double> p, int at, int lanes, double[][] costCurrency, double[][] costBps, double[][] maxParticipation)
        {
            var k = _k;
            var m = k._m;
            double perShare = m.FeePerShare + m.FeeRate * m.S0;
            double slope = m.FeeRate * m.Sign;
            double bpsScale = 1e4 / m.ArrivalNotional;
            double fixedFees = (m.Quantity - k._finalRemaining[s]) * perShare;
            var price = t + Vector256.Create(k._permanentCost[s]) + Vector256.Create(k._temporaryCost[s]) + Vector256.Create(0.0 + k._spreadCost[s]);
            var currency = price + (Vector256.Create(fixedFees) + Vector256.Create(slope) * price) + Vector256.Create(0.0);
            var bps = currency * Vector256.Create(bpsScale);
            if (lanes == Lanes)
            {
                currency.StoreUnsafe(ref costCurrency[s][at]);
                bps.StoreUnsafe(ref costBps[s][at]);
                p.StoreUnsafe(ref maxParticipation[s][at]);
                return;
            }

            for (int l = 0; l < lanes; l++)
            {
                costCurrency[s][at + l] = currency.GetElement(l);
                costBps[s][at + l] = bps.GetElement(l);
                maxParticipation[s][at + l] = p.GetElement(l);
            }
        }
    }

    /// <summary>One standard normal per lane: <see cref="RandomBlock.Normals"/> on registers.</summary>
    /// <remarks>The rare slow path gets the states by value and leaves them in <paramref name="spill"/>, so that the states
    /// never have their address taken and stay in registers through the loop.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> Normal(ref Vector256<ulong> s0, ref Vector256<ulong> s1, ref Vector256<ulong> s2, ref Vector256<ulong> s3, double* xs, double* ratio, ulong* spill)
    {
        var bits = Next(ref s0, ref s1, ref s2, ref s3);
        var index = (bits & Vector256.Create(0x7FUL)).AsInt64();
        var u = (Vector256.ShiftRightLogical(bits, 12) | Vector256.Create(0x4000000000000000UL)).AsDouble() - Vector256.Create(3.0);
        var r = Avx2.GatherVector256(ratio, index, 8);
        var x = Avx2.GatherVector256(xs, index, 8);
        var z = u * x;
        if (!Vector256.LessThanAll(Vector256.Abs(u), r))
        {
            z = Slow(s0, s1, s2, s3, z, r, index, u, spill);
            s0 = Vector256.Load(spill);
            s1 = Vector256.Load(spill + Lanes);
            s2 = Vector256.Load(spill + 2 * Lanes);
            s3 = Vector256.Load(spill + 3 * Lanes);
        }

        return z;
    }

    /// <summary>The ziggurat's slow path for the lanes that left the fast one (<c>|u| ≥ ratio</c>), each on its own stream;
    /// the states after it go to <paramref name="state"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector256<double> Slow(Vector256<ulong> s0, Vector256<ulong> s1, Vector256<ulong> s2, Vector256<ulong> s3,
        Vector256<double> z, Vector256<double> r, Vector256<long> index, Vector256<double> u, ulong* state)
    {
        var values = stackalloc double[2 * Lanes];
        var layers = stackalloc long[Lanes];
        s0.Store(state);
        s1.Store(state + Lanes);
        s2.Store(state + 2 * Lanes);
        s3.Store(state + 3 * Lanes);
        z.Store(values);
        u.Store(values + Lanes);
        index.Store(layers);
        uint slow = ~Vector256.LessThan(Vector256.Abs(u), r).ExtractMostSignificantBits() & ((1u << Lanes) - 1);
        while (slow != 0)
        {
            int l = BitOperations.TrailingZeroCount(slow);
            slow &= slow - 1;
            var stream = new RandomStream(state[l], state[Lanes + l], state[2 * Lanes + l], state[3 * Lanes + l]);
            values[l] = stream.NextNormalSlow((int)layers[l], values[Lanes + l]);
            stream.GetState(out state[l], out state[Lanes + l], out state[2 * Lanes + l], out state[3 * Lanes + l]);
        }

        return Vector256.Load(values);
    }

    /// <summary>xoshiro256** on four streams at once (as <see cref="RandomBlock"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<ulong> Next(ref Vector256<ulong> s0, ref Vector256<ulong> s1, ref Vector256<ulong> s2, ref Vector256<ulong> s3)
    {
        var x = s1 + Vector256.ShiftLeft(s1, 2);
        x = Avx512F.VL.IsSupported ? Avx512F.VL.RotateLeft(x, 7) : Vector256.ShiftLeft(x, 7) | Vector256.ShiftRightLogical(x, 57);
        var result = x + Vector256.ShiftLeft(x, 3);
        var t = Vector256.ShiftLeft(s1, 17);
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Avx512F.VL.IsSupported ? Avx512F.VL.RotateLeft(s3, 45) : Vector256.ShiftLeft(s3, 45) | Vector256.ShiftRightLogical(s3, 19);
        return result;
    }
}
