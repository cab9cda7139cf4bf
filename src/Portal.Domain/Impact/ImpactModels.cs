using Portal.Domain.Scenarios;

namespace Portal.Domain.Impact;

/// <summary>What the simulator applies to a child order of n shares in a step, before the step's impact scale
/// (events, liquidity): temporary cost per share <c>LinearTemporary·n + SqrtTemporary·√n</c>, permanent price move
/// <c>Permanent·n</c>, transient increment <c>TransientScale·n^TransientExponent</c> that decays by
/// <c>TransientDecayPerStep</c> each step, and a fixed cost <c>Epsilon</c> per share.</summary>
public readonly record struct ImpactCoefficients(
    double Epsilon,
    double LinearTemporary,
    double SqrtTemporary,
    double Permanent,
    double TransientScale,
    double TransientExponent,
    double TransientDecayPerStep);

/// <summary>A market impact model: maps its parameters to the coefficients the simulator applies per step.</summary>
public interface IImpactModel
{
    /// <summary>Model name as in <see cref="ImpactSpec.Model"/>.</summary>
    string Name { get; }

    /// <summary>Coefficients for a market and a step length in trading days.</summary>
    ImpactCoefficients Coefficients(MarketSpec market, double stepDays);
}

/// <summary>Builds the impact model a scenario names.</summary>
public static class ImpactModelFactory
{
    /// <summary>The model of <paramref name="spec"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Unknown model name or parameter out of range.</exception>
    public static IImpactModel Create(ImpactSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Model switch
        {
            ImpactModels.AlmgrenChriss => new AlmgrenChrissImpact(spec.Epsilon, spec.Eta, spec.Gamma),
            ImpactModels.SquareRoot => new SquareRootImpact(spec.Epsilon, spec.SquareRootY, spec.Gamma),
            ImpactModels.Transient => new TransientImpact(spec.Epsilon, spec.G0, spec.Beta, spec.ResiliencePerDay),
            ImpactModels.ObizhaevaWang => new ObizhaevaWangImpact(spec.Epsilon, spec.Depth, spec.ResiliencePerDay),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Model, $"Unknown impact model; allowed: {string.Join(", ", ImpactModels.All)}"),
        };
    }

    internal static double NonNegative(double value, string name) =>
        value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and ≥ 0.");

    internal static double Positive(double value, string name) =>
        value > 0 && !double.IsNaN(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be > 0.");
}

/// <summary>Linear temporary and permanent impact.</summary>
/// <remarks>Almgren and Chriss (2000), "Optimal execution of portfolio transactions", J. Risk 3(2), eq. 2–4 with the linear
/// forms of section 1.5: h(v) = ε·sgn(v) + η·v with v = n/τ the trading rate, g(v) = γ·v, so a child order of n shares
/// pays ε + η·n/τ per share and moves the price permanently by γ·n. Units: ε currency/share, η currency·day/share²,
/// γ currency/share².</remarks>
public sealed record AlmgrenChrissImpact : IImpactModel
{
    /// <summary>Validates the parameters.</summary>
    public AlmgrenChrissImpact(double epsilon, double eta, double gamma)
    {
        Epsilon = ImpactModelFactory.NonNegative(epsilon, nameof(epsilon));
        Eta = ImpactModelFactory.NonNegative(eta, nameof(eta));
        Gamma = ImpactModelFactory.NonNegative(gamma, nameof(gamma));
    }

    /// <summary>Fixed cost ε per share.</summary>
    public double Epsilon { get; }

    /// <summary>Temporary impact η.</summary>
    public double Eta { get; }

    /// <summary>Permanent impact γ.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    public string Name => ImpactModels.AlmgrenChriss;

    /// <inheritdoc />
    public ImpactCoefficients Coefficients(MarketSpec market, double stepDays) =>
        new(Epsilon, Eta / ImpactModelFactory.Positive(stepDays, nameof(stepDays)), 0, Gamma, 0, 1, 1);
}

/// <summary>Square-root temporary impact with optional linear permanent impact.</summary>
/// <remarks>The square-root law, impact per share <c>Y·σ·√(Q/V)</c> with σ the daily volatility and V the daily volume
/// (Tóth et al., 2011, "Anomalous price impact and the critical nature of liquidity in financial markets", Phys. Rev. X 1;
/// Bouchaud, Bonart, Donier and Gould, 2018, "Trades, Quotes and Prices", ch. 12), applied to each child order:
/// cost per share Y·σ·S0·√(n/ADV). The permanent part γ·n is as in Almgren and Chriss (2000).</remarks>
public sealed record SquareRootImpact : IImpactModel
{
    /// <summary>Validates the parameters.</summary>
    public SquareRootImpact(double epsilon, double y, double gamma)
    {
        Epsilon = ImpactModelFactory.NonNegative(epsilon, nameof(epsilon));
        Y = ImpactModelFactory.NonNegative(y, nameof(y));
        Gamma = ImpactModelFactory.NonNegative(gamma, nameof(gamma));
    }

    /// <summary>Fixed cost ε per share.</summary>
    public double Epsilon { get; }

    /// <summary>Square-root coefficient Y.</summary>
    public double Y { get; }

    /// <summary>Permanent impact γ.</summary>
    public double Gamma { get; }

    /// <inheritdoc />
    public string Name => ImpactModels.SquareRoot;

    /// <inheritdoc />
    public ImpactCoefficients Coefficients(MarketSpec market, double stepDays)
    {
        ArgumentNullException.ThrowIfNull(market);
        return new(Epsilon, 0, Y * market.DailyVolatility * market.ArrivalPrice / Math.Sqrt(market.Adv), Gamma, 0, 1, 1);
    }
}

/// <summary>Transient propagator impact with exponential kernel and power-law size term.</summary>
/// <remarks>Propagator model of Bouchaud et al. (2004) and Gatheral (2010), "No-dynamic-arbitrage and market impact",
/// Quant. Finance 10(7), section 4: price displacement <c>Σ f(n_j)·G(t − t_j)</c> with <c>G(ℓ) = G0·e^(−ℓ/τ)</c> and
/// <c>f(n) = (n/ADV)^β</c> (Bouchaud, Gefen, Potters and Wyart, 2004, "Fluctuations and response in financial
/// markets", Quant. Finance 4(2)). A child order adds
/// S0·G0·(n/ADV)^β to the displacement and pays half of its own increment; the displacement decays by e^(−ρτ) per step
/// with ρ = 1/τ_G the resilience.</remarks>
public sealed record TransientImpact : IImpactModel
{
    /// <summary>Validates the parameters.</summary>
    public TransientImpact(double epsilon, double g0, double beta, double resiliencePerDay)
    {
        Epsilon = ImpactModelFactory.NonNegative(epsilon, nameof(epsilon));
        G0 = ImpactModelFactory.NonNegative(g0, nameof(g0));
        Beta = beta > 0 && beta <= 2 ? beta : throw new ArgumentOutOfRangeException(nameof(beta), beta, "β must be in (0, 2].");
        ResiliencePerDay = ImpactModelFactory.NonNegative(resiliencePerDay, nameof(resiliencePerDay));
    }

    /// <summary>Fixed cost ε per share.</summary>
    public double Epsilon { get; }

    /// <summary>Kernel amplitude G0.</summary>
    public double G0 { get; }

    /// <summary>Size exponent β.</summary>
    public double Beta { get; }

    /// <summary>Resilience ρ per day.</summary>
    public double ResiliencePerDay { get; }

    /// <inheritdoc />
    public string Name => ImpactModels.Transient;

    /// <inheritdoc />
    public ImpactCoefficients Coefficients(MarketSpec market, double stepDays)
    {
        ArgumentNullException.ThrowIfNull(market);
        return new(Epsilon, 0, 0, 0, market.ArrivalPrice * G0 * Math.Pow(1.0 / market.Adv, Beta), Beta, Math.Exp(-ResiliencePerDay * stepDays));
    }
}

/// <summary>Linear block-shaped limit order book with exponential resilience.</summary>
/// <remarks>Obizhaeva and Wang (2013), "Optimal trading strategy and supply/demand dynamics", J. Financial Markets 16(1),
/// section 3: a block of the book of depth q (shares per unit of price) above the best quote, so a trade of n shares moves
/// the price by n/q and costs n·(D + n/(2q)) beyond the half-spread; the displacement D recovers at rate ρ.
/// Its discrete optimum is in <see cref="ObizhaevaWang"/>.</remarks>
public sealed record ObizhaevaWangImpact : IImpactModel
{
    /// <summary>Validates the parameters.</summary>
    public ObizhaevaWangImpact(double epsilon, double depth, double resiliencePerDay)
    {
        Epsilon = ImpactModelFactory.NonNegative(epsilon, nameof(epsilon));
        Depth = ImpactModelFactory.Positive(depth, nameof(depth));
        ResiliencePerDay = ImpactModelFactory.NonNegative(resiliencePerDay, nameof(resiliencePerDay));
    }

    /// <summary>Fixed cost ε per share.</summary>
    public double Epsilon { get; }

    /// <summary>Depth q in shares per unit of price.</summary>
    public double Depth { get; }

    /// <summary>Resilience ρ per day.</summary>
    public double ResiliencePerDay { get; }

    /// <inheritdoc />
    public string Name => ImpactModels.ObizhaevaWang;

    /// <inheritdoc />
    public ImpactCoefficients Coefficients(MarketSpec market, double stepDays) =>
        new(Epsilon, 0, 0, 0, 1.0 / Depth, 1, Math.Exp(-ResiliencePerDay * stepDays));
}
