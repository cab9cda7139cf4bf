using Portal.Domain.Scenarios;

namespace Portal.Domain.Simulation;

/// <summary>Fills of limit orders posted on the simulated market: Poisson hits at rate <c>A·e^(−kδ)</c> and the adverse
/// selection they reveal.</summary>
/// <remarks>
/// <para>Model and sources: <see cref="PassiveFillSpec"/> (Cartea, Jaimungal and Penalva, 2015, §8.2 and §10.2: fill
/// intensity λ·e^(−κδ) of a limit order at depth δ; §10.4: the mid moves by ε after each market order). Over a life of τ
/// seconds the number of market orders reaching the order is N ~ Poisson(A·e^(−kδ)·τ), with A = (V/2)/(m̄·Δt) from the
/// step's market volume V; the order fills min(posted, N·φ·m̄) shares (φ the queue share); the mid then moves by
/// ε·(N − E[N]) against the filled side.</para>
/// <para>N is drawn by inversion of one counter-based uniform per (seed, episode, step) (<see cref="RandomStream.CounterUniform"/>),
/// the same for every strategy of a run: strategies that post at different offsets see the same market-order flow, coupled
/// monotonically (common random numbers), and the market path itself is never disturbed. The inversion is exact for means up
/// to 500; above, the normal approximation with continuity correction is used (its error is below 1% of a standard deviation
/// there).</para>
/// </remarks>
public sealed class PassiveFillModel
{
    /// <summary>Stream index of the fill uniforms in <see cref="RandomStream.CounterUniform"/>.</summary>
    internal const int FillStream = 0x4C4D54; // "LMT"

    private const double ExactLimit = 500;

    /// <summary>Creates the model from the scenario's settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is outside its allowed range (see <see cref="PassiveFillSpec"/>).</exception>
    public PassiveFillModel(PassiveFillSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!(spec.FillDecayPerBps >= 0 && spec.FillDecayPerBps <= 100))
            throw new ArgumentOutOfRangeException(nameof(spec), spec.FillDecayPerBps, "fillDecayPerBps must be in [0, 100].");
        if (!(spec.MeanMarketOrderShares > 0 && spec.MeanMarketOrderShares <= 1e9))
            throw new ArgumentOutOfRangeException(nameof(spec), spec.MeanMarketOrderShares, "meanMarketOrderShares must be in (0, 1e9].");
        if (!(spec.QueueShare > 0 && spec.QueueShare <= 1))
            throw new ArgumentOutOfRangeException(nameof(spec), spec.QueueShare, "queueShare must be in (0, 1].");
        if (!(spec.MarkoutBps >= 0 && spec.MarkoutBps <= 100))
            throw new ArgumentOutOfRangeException(nameof(spec), spec.MarkoutBps, "markoutBps must be in [0, 100].");
        Spec = spec;
    }

    /// <summary>The parameters.</summary>
    public PassiveFillSpec Spec { get; }

    /// <summary>Intensity A of market orders of the other side reaching the touch, per second, over a step of
    /// <paramref name="stepSeconds"/> seconds with market volume <paramref name="stepVolume"/>.</summary>
    public double TouchIntensity(double stepVolume, double stepSeconds) =>
        stepVolume > 0 && stepSeconds > 0 ? 0.5 * stepVolume / (Spec.MeanMarketOrderShares * stepSeconds) : 0;

    /// <summary>λ(δ) = A·e^(−kδ): hits per second on an order <paramref name="offsetBps"/> beyond the touch.</summary>
    public double Intensity(double touchIntensity, double offsetBps) => touchIntensity * Math.Exp(-Spec.FillDecayPerBps * offsetBps);

    /// <summary>Shares filled per hit: φ·m̄.</summary>
    public double SharesPerHit => Spec.QueueShare * Spec.MeanMarketOrderShares;

    /// <summary>The Poisson(<paramref name="mean"/>) count at probability <paramref name="u"/> ∈ (0, 1): the smallest n with
    /// P(N ≤ n) ≥ u (exact up to a mean of 500, normal approximation above).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mean"/> is negative or not finite, or <paramref name="u"/> is outside (0, 1).</exception>
    public static long PoissonQuantile(double mean, double u)
    {
        if (!(mean >= 0) || double.IsPositiveInfinity(mean))
            throw new ArgumentOutOfRangeException(nameof(mean), mean, "The Poisson mean must be finite and non-negative.");
        if (!(u > 0 && u < 1)) throw new ArgumentOutOfRangeException(nameof(u), u, "The probability must be in (0, 1).");
        if (mean == 0) return 0;
        if (mean > ExactLimit)
        {
            double z = NormalQuantile(u);
            return Math.Max(0, (long)Math.Floor(mean + Math.Sqrt(mean) * z + 0.5));
        }

        double p = Math.Exp(-mean);
        double cdf = p;
        long n = 0;
        // The cdf reaches 1 − 1e-16 within mean + 40·√mean + 40 terms; stop there whatever rounding did.
        long limit = (long)(mean + 40 * Math.Sqrt(mean) + 40);
        while (cdf < u && n < limit)
        {
            n++;
            p *= mean / n;
            cdf += p;
        }

        return n;
    }

    /// <summary>Standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9).</summary>
    internal static double NormalQuantile(double p)
    {
        const double plow = 0.02425, phigh = 1 - plow;
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        if (p < plow)
        {
            double q = Math.Sqrt(-2 * Math.Log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }

        if (p > phigh)
        {
            double q = Math.Sqrt(-2 * Math.Log(1 - p));
            return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }

        double r = p - 0.5, s = r * r;
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
    }

    /// <summary>One posted order's life: hits, filled shares and the adverse-selection move.</summary>
    /// <param name="posted">Shares posted.</param>
    /// <param name="offsetBps">Offset beyond the touch.</param>
    /// <param name="lifeSeconds">Time-to-live in seconds.</param>
    /// <param name="touchIntensity">A, per second.</param>
    /// <param name="u">The step's uniform.</param>
    /// <returns>Hits N, shares filled and the mid move against the filled side in bps of the arrival price, ε·(N − E[N]).</returns>
    public (long Hits, double Filled, double MoveAgainstFillBps) Fill(double posted, double offsetBps, double lifeSeconds, double touchIntensity, double u)
    {
        double mean = Intensity(touchIntensity, offsetBps) * lifeSeconds;
        long hits = PoissonQuantile(mean, u);
        double filled = Math.Min(posted, hits * SharesPerHit);
        return (hits, filled, Spec.MarkoutBps * (hits - mean));
    }
}
