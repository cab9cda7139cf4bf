using Portal.Domain.Simulation;

namespace Portal.Domain.QualityDiversity;

/// <summary>A linear execution policy over the observation: the genome MAP-Elites evolves.</summary>
/// <remarks>
/// <para>Action: the fraction of the remaining quantity to trade at step k of N is
/// <c>a = min(1, exp(clamp(θ₀ + Σᵢ θᵢ·xᵢ, −4, 4)) / (N − k))</c>, i.e. TWAP's fraction of what remains, 1/(N − k), scaled by a
/// log-linear factor of the features; θ = 0 is exactly TWAP's fraction, so the search starts from the desk's reference and
/// each weight reads as "trade faster (θᵢ·xᵢ &gt; 0) or slower when feature i is high". The engine enforces every constraint
/// the action itself does not (as for every strategy, <see cref="IExecutionStrategy"/>): fractions are clamped to [0, 1]
/// (never against the order's side), the participation cap applies, and the remainder is force-traded at the last step.</para>
/// <para>Features xᵢ (from <see cref="Observation"/>, each known at the start of the step, centred so that 0 is "as
/// expected"): remaining − (1 − time) (behind the straight-line schedule when positive), time fraction, adverse price move
/// in horizon σ units, realised volatility − 1, ln liquidity, volume ratio − 1, ln(spread / the scenario's mean spread),
/// transient impact / 10 bps, book imbalance.</para>
/// </remarks>
public static class LinearPolicy
{
    /// <summary>Number of features.</summary>
    public const int Features = 9;

    /// <summary>Number of parameters: a bias and one weight per feature.</summary>
    public const int ParameterCount = Features + 1;

    /// <summary>Largest magnitude of the log-rate multiplier.</summary>
    public const double MaxLogRate = 4;

    /// <summary>Names of the parameters, bias first.</summary>
    public static IReadOnlyList<string> ParameterNames { get; } =
        ["bias", "behindSchedule", "time", "priceMove", "realizedVolatility", "logLiquidity", "volumeRatio", "logSpread", "transientImpact", "bookImbalance"];

    /// <summary>The fraction of the remaining quantity to trade.</summary>
    /// <param name="theta">Parameters (<see cref="ParameterCount"/>).</param>
    /// <param name="o">The observation at the start of the step.</param>
    /// <param name="meanSpreadBps">The scenario's mean spread (the reference of the spread feature).</param>
    /// <param name="stepsLeft">Steps left including this one, N − k ≥ 1.</param>
    public static double Fraction(ReadOnlySpan<double> theta, in Observation o, double meanSpreadBps, int stepsLeft)
    {
        double z = theta[0]
            + theta[1] * (o.RemainingFraction - (1 - o.TimeFraction))
            + theta[2] * o.TimeFraction
            + theta[3] * o.PriceMoveSigma
            + theta[4] * (o.RealizedVolatility - 1)
            + theta[5] * Math.Log(Math.Max(o.Liquidity, 1e-3))
            + theta[6] * (o.VolumeRatio - 1)
            + theta[7] * Math.Log(Math.Max(o.SpreadBps, 1e-3) / Math.Max(meanSpreadBps, 1e-3))
            + theta[8] * (o.TransientImpactBps * 0.1)
            + theta[9] * o.BookImbalance;
        if (double.IsNaN(z)) z = 0;
        double f = Math.Exp(Math.Clamp(z, -MaxLogRate, MaxLogRate)) / stepsLeft;
        return f < 1 ? f : 1;
    }

    /// <summary>Fills a batch's fractions for one policy.</summary>
    public static void Decide(ReadOnlySpan<double> theta, in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining)
    {
        if (theta.Length != ParameterCount)
            throw new ArgumentOutOfRangeException(nameof(theta), theta.Length, $"A linear policy has {ParameterCount} parameters.");
        double spread = context.Scenario.Market.Spread.MeanBps;
        int left = context.Steps - context.Step;
        for (int e = 0; e < observations.Length; e++) fractionOfRemaining[e] = Fraction(theta, observations[e], spread, left);
    }
}

/// <summary>A linear policy (<see cref="LinearPolicy"/>) run as a strategy: how an archive's elite is used.</summary>
public sealed class LinearPolicyStrategy : IExecutionStrategy
{
    private readonly double[] _theta;

    /// <summary>Creates the strategy.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The parameters are not <see cref="LinearPolicy.ParameterCount"/> finite numbers.</exception>
    public LinearPolicyStrategy(string id, string displayName, IReadOnlyList<double> parameters)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count != LinearPolicy.ParameterCount || parameters.Any(p => !double.IsFinite(p)))
            throw new ArgumentOutOfRangeException(nameof(parameters), parameters.Count, $"A linear policy has {LinearPolicy.ParameterCount} finite parameters.");
        Id = id;
        DisplayName = displayName;
        _theta = [.. parameters];
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public string DisplayName { get; }

    /// <summary>The policy's parameters.</summary>
    public IReadOnlyList<double> Parameters => _theta;

    /// <inheritdoc />
    public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining) =>
        LinearPolicy.Decide(_theta, context, observations, fractionOfRemaining);
}
