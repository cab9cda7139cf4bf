using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    public double NextUniform() => ((NextUInt64() >> 11) + 0.5) * (1.0 / 9007199254740992.0);

    /// <summary>Standard normal variate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextNormal()
    {
        ulong bits = NextUInt64();
        int i = (int)(bits & 0x7F);
        double u = ((long)bits >> 11) * (1.0 / 4503599627370496.0); // uniform on [-1, 1)
        if (Math.Abs(u) < Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Ziggurat.Ratio), i))
            return u * Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Ziggurat.X), i);
        return NextNormalSlow(i, u);
    }

    private double NextNormalSlow(int i, double u)
    {
        while (true)
        {
            if (i == 0) return Ziggurat.Tail(ref this, u < 0);
            double x = u * Ziggurat.X[i];
            double f0 = Math.Exp(-0.5 * (Ziggurat.X[i] * Ziggurat.X[i] - x * x));
            double f1 = Math.Exp(-0.5 * (Ziggurat.X[i + 1] * Ziggurat.X[i + 1] - x * x));
            if (f1 + NextUniform() * (f0 - f1) < 1.0) return x;

            ulong bits = NextUInt64();
            i = (int)(bits & 0x7F);
            u = ((long)bits >> 11) * (1.0 / 4503599627370496.0);
            if (Math.Abs(u) < Ziggurat.Ratio[i]) return u * Ziggurat.X[i];
        }
    }

    /// <summary>Stateless uniform on (0, 1) from a counter: the same (seed, episode, step, stream) always gives the same value.</summary>
    public static double CounterUniform(long seed, long episode, int step, int stream)
    {
        ulong h = Mix64(unchecked((ulong)seed) ^ 0xBB67AE8584CAA73BUL);
        h = Mix64(h ^ unchecked((ulong)episode));
        h = Mix64(h ^ ((ulong)(uint)step << 32 | (uint)stream));
        return ((h >> 11) + 0.5) * (1.0 / 9007199254740992.0);
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

    private static class Ziggurat
    {
        private const int Layers = 128;
        private const double R = 3.442619855899;
        private const double V = 9.91256303526217e-3;

        public static readonly double[] X = BuildX();
        public static readonly double[] Ratio = BuildRatio(X);

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
            var x = new double[Layers + 1];
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
            var r = new double[Layers];
            for (int i = 0; i < Layers; i++) r[i] = x[i + 1] / x[i];
            return r;
        }
    }
}
