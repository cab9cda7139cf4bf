using Portal.Domain.Simulation;

namespace Portal.Domain.QualityDiversity;

/// <summary>A counter-based random stream for one candidate: draw k of candidate (seed, generation, index) is a pure
/// function of those four numbers (<see cref="RandomStream.CounterUniform"/>), so a candidate is the same whatever batch,
/// shard or worker generates it.</summary>
public struct CandidateStream(long seed, int generation, int index)
{
    private const int Base = 0x4D415045; // "MAPE"
    private int _k;

    /// <summary>A uniform on (0, 1).</summary>
    public double Uniform() => RandomStream.CounterUniform(seed, generation, index, Base + _k++);

    /// <summary>A standard normal (Box and Muller, 1958, from two uniforms).</summary>
    public double Normal()
    {
        double u1 = Uniform(), u2 = Uniform();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>A uniform integer in [0, <paramref name="n"/>).</summary>
    public int Below(int n) => Math.Min(n - 1, (int)(Uniform() * n));
}

/// <summary>The variation operators of MAP-Elites.</summary>
/// <remarks>
/// <para>Gaussian mutation: <c>x' = x + σ·N(0, I)</c> (Mouret and Clune, 2015, "Illuminating search spaces by mapping
/// elites", arXiv:1504.04909, section 3).</para>
/// <para>Iso-line variation: <c>x' = xᵢ + σ_iso·N(0, I) + σ_line·N(0, 1)·(xⱼ − xᵢ)</c> with xᵢ, xⱼ two elites (Vassiliades
/// and Mouret, 2018, "Discovering the elite hypervolume by leveraging interspecies correlation", GECCO, eq. 1): elites of
/// different niches are correlated, so moving along the line between two of them explores where other elites lie.</para>
/// Offspring are clipped to [−bound, bound].
/// </remarks>
public static class Variation
{
    /// <summary>Gaussian mutation of <paramref name="parent"/> into <paramref name="child"/>.</summary>
    public static void Gaussian(ReadOnlySpan<double> parent, double sigma, double bound, ref CandidateStream rng, Span<double> child)
    {
        if (!(sigma >= 0)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "σ must be ≥ 0.");
        for (int i = 0; i < parent.Length; i++) child[i] = Math.Clamp(parent[i] + sigma * rng.Normal(), -bound, bound);
    }

    /// <summary>Iso-line variation of <paramref name="x"/> towards <paramref name="y"/> into <paramref name="child"/>.</summary>
    public static void IsoLine(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double isoSigma, double lineSigma, double bound, ref CandidateStream rng, Span<double> child)
    {
        if (!(isoSigma >= 0)) throw new ArgumentOutOfRangeException(nameof(isoSigma), isoSigma, "σ_iso must be ≥ 0.");
        if (!(lineSigma >= 0)) throw new ArgumentOutOfRangeException(nameof(lineSigma), lineSigma, "σ_line must be ≥ 0.");
        double line = lineSigma * rng.Normal();
        for (int i = 0; i < x.Length; i++) child[i] = Math.Clamp(x[i] + isoSigma * rng.Normal() + line * (y[i] - x[i]), -bound, bound);
    }
}
