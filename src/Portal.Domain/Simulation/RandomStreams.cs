using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Portal.Domain.Simulation;

/// <summary>Per-episode random streams: xoshiro256** seeded by SplitMix64 from (seed, episode), with ziggurat normals.</summary>
/// <remarks>xoshiro256** and SplitMix64: Blackman and Vigna (2021), "Scrambled linear pseudorandom number generators",
/// ACM TOMS 47(4). Normal variates: the ziggurat method of Marsaglia and Tsang (2000), "The ziggurat method for generating
/// random variables", J. Stat. Softw. 5(8), in Doornik's (2005) ZIGNOR form with 128 layers, which draws the layer index
/// from bits independent of the abscissa. Each episode owns its stream, so results do not depend on how episodes are
/// spread over threads.</remarks>
public struct RandomStream
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates the stream of episode <paramref name="episode"/> for <paramref name="seed"/>.</summary>
    public RandomStream(long seed, long episode)
    {
        ulong x = Mix64(unchecked((ulong)seed) ^ 0x6A09E667F3BCC909UL) ^ Mix64(unchecked((ulong)episode) + 0x9E3779B97F4A7C15UL);
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>Next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform on (0, 1): never exactly 0 or 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextUniform() => UniformFromBits(NextUInt64());

    /// <summary>(0, 1) from the top 52 bits: 1.m − 1 + 2⁻⁵³.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double UniformFromBits(ulong bits) =>
        BitConverter.UInt64BitsToDouble(0x3FF0000000000000UL | (bits >> 12)) - (1.0 - 1.1102230246251565e-16);

    /// <summary>[−1, 1) from the top 52 bits: 1x.m − 3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double SignedFromBits(ulong bits) =>
        BitConverter.UInt64BitsToDouble(0x4000000000000000UL | (bits >> 12)) - 3.0;

    internal RandomStream(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        _s0 = s0;
        _s1 = s1;
        _s2 = s2;
        _s3 = s3;
    }

    internal readonly void GetState(out ulong s0, out ulong s1, out ulong s2, out ulong s3)
    {
        s0 = _s0;
        s1 = _s1;
        s2 = _s2;
        s3 = _s3;
    }

    /// <summary>Standard normal variate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextNormal()
    {
        ulong bits = NextUInt64();
        int i = (int)(bits & 0x7F);
        double u = SignedFromBits(bits);
        if (Math.Abs(u) < Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Ziggurat.Ratio), i))
            return u * Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Ziggurat.X), i);
        return NextNormalSlow(i, u);
    }

    internal double NextNormalSlow(int i, double u)
    {
        while (true)
        {
            if (i == 0) return Ziggurat.Tail(ref this, u < 0);
            double x = u * Ziggurat.X[i];
            if (Ziggurat.UnderDensity(i, x, NextUniform())) return x;

            ulong bits = NextUInt64();
            i = (int)(bits & 0x7F);
            u = SignedFromBits(bits);
            if (Math.Abs(u) < Ziggurat.Ratio[i]) return u * Ziggurat.X[i];
        }
    }

    /// <summary>
    /// The seed of a named random stream derived from <paramref name="seed"/>: the tag is mixed into the seed, so the
    /// streams (seed, tag, i) used for training or validation are keyed apart from a run's own evaluation streams
    /// (seed, i) whatever the episode indices, and never rely on a sign convention.
    /// </summary>
    /// <param name="seed">The run's seed.</param>
    /// <param name="tag">A non-zero stream tag (e.g. an ASCII name packed into 64 bits).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tag"/> is 0 (the evaluation stream itself).</exception>
    public static long TaggedSeed(long seed, ulong tag)
    {
        if (tag == 0) throw new ArgumentOutOfRangeException(nameof(tag), tag, "The tag must be non-zero: 0 names the run's own evaluation streams.");
        return unchecked((long)Mix64(Mix64(unchecked((ulong)seed) ^ 0x3C6EF372FE94F82BUL) ^ Mix64(tag ^ 0xA54FF53A5F1D36F1UL)));
    }

    /// <summary>Stateless uniform on (0, 1) from a counter: the same (seed, episode, step, stream) always gives the same value.</summary>
    public static double CounterUniform(long seed, long episode, int step, int stream)
    {
        ulong h = Mix64(CounterSeedHash(seed) ^ unchecked((ulong)episode));
        h = Mix64(h ^ CounterTag(step, stream));
        return ((h >> 11) + 0.5) * (1.0 / 9007199254740992.0);
    }

    /// <summary><see cref="CounterUniform"/> of each of <paramref name="episodes"/> into <paramref name="destination"/>, several
    /// episodes per instruction: the same integer mixing and the same exact conversion, so the same values bit for bit.</summary>
    public static void CounterUniforms(long seed, ReadOnlySpan<long> episodes, int step, int stream, Span<double> destination)
    {
        if (destination.Length < episodes.Length) throw new ArgumentException($"The destination holds {destination.Length} values for {episodes.Length} episodes.", nameof(destination));
        ulong h0 = CounterSeedHash(seed);
        ulong tag = CounterTag(step, stream);
        int e = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vh0 = Vector256.Create(h0);
            var vTag = Vector256.Create(tag);
            ref long first = ref MemoryMarshal.GetReference(episodes);
            ref double target = ref MemoryMarshal.GetReference(destination);
            for (; e + 4 <= episodes.Length; e += 4)
                CounterUniforms(vh0, Vector256.LoadUnsafe(ref first, (nuint)e), vTag).StoreUnsafe(ref target, (nuint)e);
        }

        for (; e < episodes.Length; e++)
        {
            ulong h = Mix64(h0 ^ unchecked((ulong)episodes[e]));
            h = Mix64(h ^ tag);
            destination[e] = ((h >> 11) + 0.5) * (1.0 / 9007199254740992.0);
        }
    }

    /// <summary>The first hash of <see cref="CounterUniform"/>'s chain, which depends on the seed alone.</summary>
    internal static ulong CounterSeedHash(long seed) => Mix64(unchecked((ulong)seed) ^ 0xBB67AE8584CAA73BUL);

    /// <summary>The hash tag of <see cref="CounterUniform"/>'s last link for a step and a stream.</summary>
    internal static ulong CounterTag(int step, int stream) => (ulong)(uint)step << 32 | (uint)stream;

    /// <summary><see cref="CounterUniform"/> of four episodes at once, from the seed's hash
    /// (<see cref="CounterSeedHash"/>, broadcast) and the step's tag (<see cref="CounterTag"/>, broadcast): the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> CounterUniforms(Vector256<ulong> seedHash, Vector256<long> episodes, Vector256<ulong> tag) =>
        CounterUniforms(CounterEpisodeHash(seedHash, episodes), tag);

    /// <summary>The second hash of <see cref="CounterUniform"/>'s chain, which depends on the seed and the episode alone
    /// (four episodes at once): computed once per episode, it leaves one hash per step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<ulong> CounterEpisodeHash(Vector256<ulong> seedHash, Vector256<long> episodes) => Mix64(seedHash ^ episodes.AsUInt64());

    /// <summary><see cref="CounterUniform"/> of four episodes from their <see cref="CounterEpisodeHash"/> and the step's tag.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> CounterUniforms(Vector256<ulong> episodeHash, Vector256<ulong> tag)
    {
        var h = Mix64(episodeHash ^ tag);
        // (h >> 11) < 2⁵³ converts exactly, as the scalar conversion does.
        return (Vector256.ConvertToDouble(Vector256.ShiftRightLogical(h, 11)) + Vector256.Create(0.5)) * Vector256.Create(1.0 / 9007199254740992.0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Mix64(Vector256<ulong> z)
    {
        z = (z ^ Vector256.ShiftRightLogical(z, 30)) * Vector256.Create(0xBF58476D1CE4E5B9UL);
        z = (z ^ Vector256.ShiftRightLogical(z, 27)) * Vector256.Create(0x94D049BB133111EBUL);
        return z ^ Vector256.ShiftRightLogical(z, 31);
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Mix64(x);
    }

    private static ulong Mix64(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    internal static class Ziggurat
    {
        private const int Layers = 128;
        private const double R = 3.442619855899;
        private const double V = 9.91256303526217e-3;

        public static readonly double[] X = BuildX();
        public static readonly double[] Ratio = BuildRatio(X);

        /// <summary>Relative margin within which the wedge test is decided by <see cref="Math.Exp"/> itself: the vector and
        /// the scalar exponential differ by a few units in the last place (≈ 10⁻¹⁵ here), five orders of magnitude less.</summary>
        internal const double WedgeMargin = 1e-10;

        /// <summary>
        /// The wedge test of layer <paramref name="i"/> ≥ 1 at <paramref name="x"/> (within the layer) with the uniform
        /// <paramref name="v"/>: whether f₁ + v·(f₀ − f₁) &lt; 1 with f₀ = exp(−(X_i² − x²)/2) and f₁ = exp(−(X_{i+1}² −
        /// x²)/2) computed by <see cref="Math.Exp"/> (the density below the point, relative to the layer's corners).
        /// </summary>
        /// <remarks>The decision, not the exponentials, is what a draw depends on, so both come from the inlined vector
        /// exponential in one instruction sequence; only where the left side is within <see cref="WedgeMargin"/> of 1 are they
        /// computed again by <see cref="Math.Exp"/>, whose comparison then decides. f₀ ∈ (0, 1] and f₁ ∈ [1, 2.1] in every
        /// layer, so the two sides' difference (a few ulps of each exponential, carried through one multiply and two adds)
        /// stays below 10⁻¹⁴: every decision is the one <see cref="Math.Exp"/> gives. <c>ZigguratTests</c> checks this on
        /// random points and on points constructed to fall on the boundary.</remarks>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static bool UnderDensity(int i, double x, double v)
        {
            double a = -0.5 * (X[i] * X[i] - x * x);
            double b = -0.5 * (X[i + 1] * X[i + 1] - x * x);
            if (Fma.IsSupported && Vector256.IsHardwareAccelerated)
            {
                var f = VectorExponential.Exp(Vector256.Create(a, b, 0, 0));
                double f0 = f.GetElement(0), f1 = f.GetElement(1);
                double left = f1 + v * (f0 - f1);
                if (left < 1.0 - WedgeMargin) return true;
                if (left > 1.0 + WedgeMargin) return false;
            }

            double g0 = Math.Exp(a), g1 = Math.Exp(b);
            return g1 + v * (g0 - g1) < 1.0;
        }

        public static double Tail(ref RandomStream rng, bool negative)
        {
            double x, y;
            do
            {
                x = Math.Log(rng.NextUniform()) / R;
                y = Math.Log(rng.NextUniform());
            }
            while (-2 * y < x * x);
            return negative ? x - R : R - x;
        }

        private static double[] BuildX()
        {
            var x = GC.AllocateArray<double>(Layers + 1, pinned: true);
            double f = Math.Exp(-0.5 * R * R);
            x[0] = V / f;
            x[1] = R;
            x[Layers] = 0;
            for (int i = 2; i < Layers; i++)
            {
                x[i] = Math.Sqrt(-2 * Math.Log(V / x[i - 1] + f));
                f = Math.Exp(-0.5 * x[i] * x[i]);
            }

            return x;
        }

        private static double[] BuildRatio(double[] x)
        {
            var r = GC.AllocateArray<double>(Layers, pinned: true);
            for (int i = 0; i < Layers; i++) r[i] = x[i + 1] / x[i];
            return r;
        }
    }
}

/// <summary>The random streams of a batch of episodes, stored as arrays of generator state so that a draw for every
/// episode runs several streams per instruction. Each episode's sequence is exactly that of its <see cref="RandomStream"/>.</summary>
internal sealed unsafe class RandomBlock
{
    private readonly ulong[] _s0, _s1, _s2, _s3;
    private readonly int _padded;

    public RandomBlock(int capacity)
    {
        int w = Vector256<ulong>.Count;
        _padded = (capacity + w - 1) / w * w;
        _s0 = new ulong[_padded];
        _s1 = new ulong[_padded];
        _s2 = new ulong[_padded];
        _s3 = new ulong[_padded];
        for (int e = 0; e < _padded; e++) Seed(e, 0, -1 - e);
    }

    /// <summary>The four xoshiro256** state words of every stream (episode e's in element e), for draws that keep a
    /// group's states in registers through several draws.</summary>
    internal ulong[] State0 => _s0;

    /// <inheritdoc cref="State0"/>
    internal ulong[] State1 => _s1;

    /// <inheritdoc cref="State0"/>
    internal ulong[] State2 => _s2;

    /// <inheritdoc cref="State0"/>
    internal ulong[] State3 => _s3;

    public void Seed(int e, long seed, long episode)
    {
        new RandomStream(seed, episode).GetState(out _s0[e], out _s1[e], out _s2[e], out _s3[e]);
    }

    public double NextUniform(int e)
    {
        var r = new RandomStream(_s0[e], _s1[e], _s2[e], _s3[e]);
        double u = r.NextUniform();
        r.GetState(out _s0[e], out _s1[e], out _s2[e], out _s3[e]);
        return u;
    }

    public double NextNormal(int e)
    {
        var r = new RandomStream(_s0[e], _s1[e], _s2[e], _s3[e]);
        double z = r.NextNormal();
        r.GetState(out _s0[e], out _s1[e], out _s2[e], out _s3[e]);
        return z;
    }

    /// <summary>One standard normal per episode into <paramref name="destination"/>[0..n) (padding lanes get values too).</summary>
    public void Normals(double[] destination, int n)
    {
        if (!Avx2.IsSupported || destination.Length < _padded)
        {
            for (int e = 0; e < n; e++) destination[e] = NextNormal(e);
            return;
        }

        var mask = Vector256.Create(0x7FUL);
        var exponent = Vector256.Create(0x4000000000000000UL);
        var three = Vector256.Create(3.0);
        double* xs = (double*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(RandomStream.Ziggurat.X));
        double* ratio = (double*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(RandomStream.Ziggurat.Ratio));
        for (int e = 0; e < n; e += 4)
        {
            var bits = Next(e);
            var index = (bits & mask).AsInt64();
            var u = (Vector256.ShiftRightLogical(bits, 12) | exponent).AsDouble() - three;
            var r = Avx2.GatherVector256(ratio, index, 8);
            var x = Avx2.GatherVector256(xs, index, 8);
            (u * x).StoreUnsafe(ref destination[e]);
            var ok = Vector256.LessThan(Vector256.Abs(u), r);
            if (ok.AsUInt64() != Vector256<ulong>.AllBitsSet)
            {
                for (int l = 0; l < 4 && e + l < n; l++)
                {
                    if (ok.AsUInt64().GetElement(l) != 0) continue;
                    var stream = new RandomStream(_s0[e + l], _s1[e + l], _s2[e + l], _s3[e + l]);
                    destination[e + l] = stream.NextNormalSlow((int)index.GetElement(l), u.GetElement(l));
                    stream.GetState(out _s0[e + l], out _s1[e + l], out _s2[e + l], out _s3[e + l]);
                }
            }
        }
    }

    /// <summary>One uniform on (0, 1) per episode into <paramref name="destination"/>[0..n).</summary>
    public void Uniforms(double[] destination, int n)
    {
        if (!Avx2.IsSupported || destination.Length < _padded)
        {
            for (int e = 0; e < n; e++) destination[e] = NextUniform(e);
            return;
        }

        var exponent = Vector256.Create(0x3FF0000000000000UL);
        var offset = Vector256.Create(1.0 - 1.1102230246251565e-16);
        for (int e = 0; e < n; e += 4)
        {
            var bits = Next(e);
            ((Vector256.ShiftRightLogical(bits, 12) | exponent).AsDouble() - offset).StoreUnsafe(ref destination[e]);
        }
    }

    /// <summary>xoshiro256** on four streams at once (×5 and ×9 as shift-and-add).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector256<ulong> Next(int e)
    {
        var s0 = Vector256.LoadUnsafe(ref _s0[e]);
        var s1 = Vector256.LoadUnsafe(ref _s1[e]);
        var s2 = Vector256.LoadUnsafe(ref _s2[e]);
        var s3 = Vector256.LoadUnsafe(ref _s3[e]);
        var x = s1 + Vector256.ShiftLeft(s1, 2);
        x = Vector256.ShiftLeft(x, 7) | Vector256.ShiftRightLogical(x, 57);
        var result = x + Vector256.ShiftLeft(x, 3);
        var t = Vector256.ShiftLeft(s1, 17);
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = Vector256.ShiftLeft(s3, 45) | Vector256.ShiftRightLogical(s3, 19);
        s0.StoreUnsafe(ref _s0[e]);
        s1.StoreUnsafe(ref _s1[e]);
        s2.StoreUnsafe(ref _s2[e]);
        s3.StoreUnsafe(ref _s3[e]);
        return result;
    }
}
