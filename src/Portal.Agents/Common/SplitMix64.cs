namespace Portal.Agents.Common;

/// <summary>Counter-free SplitMix64 stream: one per episode, seeded from (seed, stream index), so paths do not depend on batching or threads.</summary>
/// <remarks>Steele, Lea and Flood (2014), "Fast splittable pseudorandom number generators", OOPSLA; constants from Vigna's reference code.</remarks>
public struct SplitMix64
{
    private ulong _state;

    /// <summary>Starts the stream for (<paramref name="seed"/>, <paramref name="stream"/>).</summary>
    public SplitMix64(long seed, long stream)
    {
        _state = Mix(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL) ^ Mix(unchecked((ulong)stream + 0xD1B54A32D192ED03UL)));
    }

    /// <summary>Next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        _state = unchecked(_state + 0x9E3779B97F4A7C15UL);
        return Mix(_state);
    }

    /// <summary>Uniform in (0, 1).</summary>
    public double NextOpenUnit() => ((NextUInt64() >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>Standard normal by Box–Muller (one draw per call).</summary>
    public double NextGaussian()
    {
        double u1 = NextOpenUnit();
        double u2 = NextOpenUnit();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private static ulong Mix(ulong z)
    {
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
