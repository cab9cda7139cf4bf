using System.Globalization;
using System.Text.Json.Serialization;

namespace Portal.Domain.Scenarios;

/// <summary>
/// A market impact model and its own parameters: one record per model, named in JSON by <c>model</c>. Time is in trading
/// days, prices in currency per share. Every model also has a fixed cost per share <see cref="Epsilon"/> and may scale its
/// coefficients with the liquidity level (<see cref="LiquidityScaled"/>).
/// </summary>
/// <remarks>Sources and equations are on each record: <see cref="AlmgrenChrissImpactSpec"/>, <see cref="PowerLawImpactSpec"/>,
/// <see cref="SquareRootImpactSpec"/>, <see cref="TransientImpactSpec"/>, <see cref="ObizhaevaWangImpactSpec"/>. Until
/// scenario schema version 3 the market held one flat record with every model's fields; <see cref="ScenarioSchema"/>
/// upgrades such documents by keeping the named model's fields and dropping the others, which no model read.</remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "model", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(AlmgrenChrissImpactSpec), ImpactModels.AlmgrenChriss)]
[JsonDerivedType(typeof(PowerLawImpactSpec), ImpactModels.PowerLaw)]
[JsonDerivedType(typeof(SquareRootImpactSpec), ImpactModels.SquareRoot)]
[JsonDerivedType(typeof(TransientImpactSpec), ImpactModels.Transient)]
[JsonDerivedType(typeof(ObizhaevaWangImpactSpec), ImpactModels.ObizhaevaWang)]
public abstract record ImpactSpec
{
    /// <summary>Model name (<see cref="ImpactModels"/>); in JSON it is the <c>model</c> field that selects the record.</summary>
    [JsonIgnore]
    public string Model => ModelName;

    /// <summary>The model's name, as <see cref="Model"/> (not a JSON property: the discriminator writes it).</summary>
    private protected abstract string ModelName { get; }

    /// <summary>Fixed cost per share ε (currency per share), e.g. half the spread plus fees in Almgren–Chriss, on top of
    /// the half-spread the simulator charges. Allowed: [0, arrival price].</summary>
    public double Epsilon { get; init; }

    /// <summary>Divide the model's impact coefficients by the current liquidity level (a regime field).</summary>
    public bool LiquidityScaled { get; init; }

    /// <summary>The model's own parameters (without <see cref="Epsilon"/> and <see cref="LiquidityScaled"/>), in the order
    /// the builder and the scenario page show them.</summary>
    [JsonIgnore]
    public IReadOnlyList<ImpactParameter> Parameters => OwnParameters;

    /// <summary>The model's parameters, as <see cref="Parameters"/> (not a JSON property).</summary>
    private protected abstract IReadOnlyList<ImpactParameter> OwnParameters { get; }

    /// <summary>The named model with its default parameters.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Unknown model name.</exception>
    public static ImpactSpec Default(string model) => model switch
    {
        ImpactModels.AlmgrenChriss => new AlmgrenChrissImpactSpec(),
        ImpactModels.PowerLaw => new PowerLawImpactSpec(),
        ImpactModels.SquareRoot => new SquareRootImpactSpec(),
        ImpactModels.Transient => new TransientImpactSpec(),
        ImpactModels.ObizhaevaWang => new ObizhaevaWangImpactSpec(),
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, $"Unknown impact model; allowed: {string.Join(", ", ImpactModels.All)}"),
    };

    /// <summary>The named model with its default parameters, keeping this one's <see cref="Epsilon"/> and
    /// <see cref="LiquidityScaled"/> (what the builder does when the model is changed).</summary>
    public ImpactSpec SwitchTo(string model) =>
        model == Model ? this : Default(model) with { Epsilon = Epsilon, LiquidityScaled = LiquidityScaled };

    /// <summary>Checks the ranges of the fixed cost and of the model's own parameters, naming each by its JSON path.</summary>
    internal void Validate(Scenario.Validator v, MarketSpec market, double? stepDays)
    {
        // The ranges are declared once (MarketParameters); the model adds the checks that relate its parameters.
        foreach (var p in MarketParameters.All)
        {
            if (p.Record == typeof(ImpactSpec) || p.Record == GetType()) p.Check(v, this, market);
        }
        ValidateOwn(v, market, stepDays);
    }

    /// <summary>Checks that relate the model's own parameters beyond their declared ranges (none by default).</summary>
    private protected virtual void ValidateOwn(Scenario.Validator v, MarketSpec market, double? stepDays)
    {
    }

    private protected const string Path = "market.impact.";
}

/// <summary>One parameter of an impact model, for display.</summary>
/// <param name="Field">JSON name inside <c>market.impact</c>.</param>
/// <param name="Label">Symbol and meaning, e.g. <c>η (temporary)</c>.</param>
/// <param name="Value">Numeric value (NaN for <see cref="Text"/> parameters).</param>
/// <param name="Text">The value of a named choice (e.g. a kernel), or null for a number.</param>
public sealed record ImpactParameter(string Field, string Label, double Value, string? Text = null)
{
    /// <summary>The value as shown: the text, or the number in general format.</summary>
    public string Display => Text ?? Value.ToString("G4", CultureInfo.InvariantCulture);
}

/// <summary>Almgren–Chriss linear temporary and permanent impact.</summary>
/// <remarks>Almgren and Chriss (2000), "Optimal execution of portfolio transactions", J. Risk 3(2), eq. 2–4 and section 3: a
/// child order of <c>n</c> shares over a step of <c>τ</c> days executes at <c>S − sgn·(ε + η·n/τ)</c> and moves the price
/// permanently by <c>γ·n</c>. <see cref="Eta"/> is η (currency·day/share²), <see cref="Gamma"/> is γ (currency/share²).
/// The defaults are the demo's illustrative values, not a calibration.</remarks>
public sealed record AlmgrenChrissImpactSpec : ImpactSpec
{
    private protected override string ModelName => ImpactModels.AlmgrenChriss;

    /// <summary>Temporary impact η in currency·day/share² (cost per share per share-per-day of trading rate). Allowed:
    /// [γτ/2, 1000 × arrivalPrice / adv] (η̃ = η − γτ/2 ≥ 0, Almgren–Chriss 2000 eq. 6).</summary>
    public double Eta { get; init; } = 3e-8;

    /// <summary>Linear permanent impact γ in currency per share per share traded. Allowed: [0, 1000 × arrivalPrice / adv].</summary>
    public double Gamma { get; init; } = 2e-7;

    private protected override IReadOnlyList<ImpactParameter> OwnParameters => [new("eta", "η (temporary)", Eta), new("gamma", "γ (permanent)", Gamma)];

    private protected override void ValidateOwn(Scenario.Validator v, MarketSpec market, double? stepDays)
    {
        // The declared ranges bound η and γ by 1000 × arrivalPrice / adv (a coefficient that makes one day's volume cost
        // more than a thousand times the price is a typo, not a market); η must also cover γτ/2.
        if (stepDays is { } tau && Eta - 0.5 * Gamma * tau < 0)
        {
            v.Add(Path + "eta", string.Create(CultureInfo.InvariantCulture,
                $"is {Eta:G6} but must be at least γτ/2 = {0.5 * Gamma * tau:G6} (η̃ = η − γτ/2 ≥ 0, Almgren–Chriss 2000 eq. 6)"));
        }
    }
}

/// <summary>Power-law temporary impact on the trading rate with permanent impact.</summary>
/// <remarks>Almgren, Thum, Hauptmann and Li (2005), "Direct estimation of equity market impact", Risk 18(7): temporary cost
/// per share <c>η·σ·S0·(v/V)^β</c> with v the trading rate and V the expected market volume over the same interval, and
/// permanent move <c>γ·σ·S0·(n/ADV)·(Θ/ADV)^(1/4)</c>. Fitted on Citigroup US equity orders: η = 0.142, β = 0.6,
/// γ = 0.314 (the defaults).</remarks>
public sealed record PowerLawImpactSpec : ImpactSpec
{
    private protected override string ModelName => ImpactModels.PowerLaw;

    /// <summary>Temporary coefficient η (dimensionless; Almgren et al. 2005 fit: 0.142). Allowed: [0, 100].</summary>
    public double Eta { get; init; } = 0.142;

    /// <summary>Exponent β of the trading rate (Almgren et al. 2005: 0.6, "a 3/5 power law"). Allowed: (0, 2].</summary>
    public double Beta { get; init; } = 0.6;

    /// <summary>Permanent coefficient γ (dimensionless; Almgren et al. 2005 fit: 0.314). Allowed: [0, 100].</summary>
    public double Gamma { get; init; } = 0.314;

    /// <summary>Shares outstanding Θ divided by the average daily volume (the inverse daily turnover) that scales permanent
    /// impact by (Θ/ADV)^(1/4). Default 263, the ratio of the paper's worked example (IBM: Θ ≈ 1.72·10⁹ shares,
    /// V ≈ 6.56·10⁶ shares a day). Allowed: [1, 1e6].</summary>
    public double SharesOutstandingToAdv { get; init; } = 263;

    private protected override IReadOnlyList<ImpactParameter> OwnParameters =>
        [new("eta", "η (temporary)", Eta), new("beta", "β (rate exponent)", Beta), new("gamma", "γ (permanent)", Gamma), new("sharesOutstandingToAdv", "Θ/ADV", SharesOutstandingToAdv)];
}

/// <summary>The square-root law of metaorders through a propagator.</summary>
/// <remarks>Gatheral (2010), "No-dynamic-arbitrage and market impact", Quant. Finance 10(7); Bouchaud, Gefen, Potters and
/// Wyart (2004), "Fluctuations and response in financial markets", Quant. Finance 4(2): instantaneous impact
/// <c>∝ (v/V)^δ</c> with V the daily volume, decaying with a power-law or exponential kernel, scaled so that a metaorder's
/// peak impact is <c>Y·σ·S0·(Q/V)^δ</c>. <see cref="Y"/> is Y, <see cref="Delta"/> δ, <see cref="KernelExponent"/> the
/// kernel's γ and <see cref="RelaxationMinutes"/> its relaxation time T_r (one trading day: Brokmann et al. 2015).</remarks>
public sealed record SquareRootImpactSpec : ImpactSpec
{
    private protected override string ModelName => ImpactModels.SquareRoot;

    /// <summary>Coefficient Y of the square-root law (dimensionless, typically 0.5–1; Tóth et al. 2011). Allowed: [0, 100].</summary>
    public double Y { get; init; } = 0.7;

    /// <summary>Exponent δ of the instantaneous impact f(v) ∝ (v/V)^δ (the square-root law: ½). Allowed: (0, 2].</summary>
    public double Delta { get; init; } = 0.5;

    /// <summary>Decay kernel, <c>power-law</c> (G(t) ∝ t^(−γ) up to the relaxation time) or <c>exponential</c>
    /// (G(t) ∝ e^(−t/T_r)).</summary>
    public string Kernel { get; init; } = PropagatorKernels.PowerLaw;

    /// <summary>Exponent γ of the power-law kernel t^(−γ); no dynamic arbitrage needs δ + γ ≥ 1 (Gatheral 2010).
    /// Default ½ = 1 − δ, under which the peak impact does not depend on the duration. Allowed: (0, 1).</summary>
    public double KernelExponent { get; init; } = 0.5;

    /// <summary>Relaxation time T_r in minutes: the e-folding time of the exponential kernel, and the time beyond which the
    /// power-law kernel decays exponentially. Default one trading day (390 minutes). Allowed: (0, 1e6].</summary>
    public double RelaxationMinutes { get; init; } = 390;

    private protected override IReadOnlyList<ImpactParameter> OwnParameters =>
    [
        new("y", "Y (square-root law)", Y), new("delta", "δ (rate exponent)", Delta), new("kernel", "kernel", double.NaN, Kernel),
        new("kernelExponent", "γ (kernel exponent)", KernelExponent), new("relaxationMinutes", "T_r (relaxation, min)", RelaxationMinutes),
    ];

    private protected override void ValidateOwn(Scenario.Validator v, MarketSpec market, double? stepDays)
    {
        if (Kernel is null || !PropagatorKernels.All.Contains(Kernel, StringComparer.Ordinal))
            v.Add(Path + "kernel", $"is '{Kernel}', allowed: {string.Join(", ", PropagatorKernels.All)}");
    }
}

/// <summary>Transient impact with an exponential kernel on the bar's participation (the GEO environment).</summary>
/// <remarks>de Witt and Pakkanen (2026), "Diverse approaches to optimal execution schedule generation" (arXiv 2601.22113),
/// section 2.1: <c>I_t = Σ_ℓ G0·e^(−ℓ/τ)·γ·(|q_(t−ℓ)|/V_(t−ℓ))^β</c> with V the bar's realised market volume, fills at the
/// bar's price × (1 + side·I_t). <see cref="G0"/> is G0, <see cref="Gamma"/> γ, <see cref="Beta"/> β and
/// <see cref="DecayMinutes"/> τ. The paper calibrates G0·γ per stock from 0 to 7.2·10⁻⁴ (its Figure 5).</remarks>
public sealed record TransientImpactSpec : ImpactSpec
{
    private protected override string ModelName => ImpactModels.Transient;

    /// <summary>Kernel amplitude G0 at lag 0 (dimensionless). Only the product G0·γ matters. Allowed: [0, 100].</summary>
    public double G0 { get; init; } = 0.5;

    /// <summary>Impact scale γ, fraction of the price per unit of (q/V)^β; with G0 = ½ the default gives G0·γ = 5·10⁻⁴,
    /// within the per-stock range the GEO calibration reports (0 to 7.2·10⁻⁴). Allowed: [0, 1].</summary>
    public double Gamma { get; init; } = 1e-3;

    /// <summary>Exponent β of the bar's participation q/V. Allowed: (0, 2].</summary>
    public double Beta { get; init; } = 0.5;

    /// <summary>Decay time τ of the kernel e^(−ℓ/τ) in minutes. Allowed: (0, 1e6].</summary>
    public double DecayMinutes { get; init; } = 1;

    private protected override IReadOnlyList<ImpactParameter> OwnParameters =>
        [new("g0", "G0 (kernel at lag 0)", G0), new("gamma", "γ (impact scale)", Gamma), new("beta", "β (participation exponent)", Beta), new("decayMinutes", "τ (decay, min)", DecayMinutes)];
}

/// <summary>Linear block-shaped limit order book with exponential resilience.</summary>
/// <remarks>Obizhaeva and Wang (2013), "Optimal trading strategy and supply/demand dynamics", J. Financial Markets 16(1),
/// section 3: depth <see cref="Depth"/> = q shares per unit of price, so a trade of n shares displaces the price by n/q and
/// costs <c>n·(D + n/(2q))</c>; the displacement D recovers at rate <see cref="ResiliencePerDay"/> = ρ. The discrete
/// optimum (Alfonsi, Fruth and Schied 2010) is the <c>ow</c> strategy.</remarks>
public sealed record ObizhaevaWangImpactSpec : ImpactSpec
{
    private protected override string ModelName => ImpactModels.ObizhaevaWang;

    /// <summary>Order book depth q, in shares per unit of price displacement. Allowed: (0, ∞).</summary>
    public double Depth { get; init; } = 2_000_000;

    /// <summary>Resilience ρ of the book, per trading day. Allowed: [0, 1e6].</summary>
    public double ResiliencePerDay { get; init; } = 50;

    private protected override IReadOnlyList<ImpactParameter> OwnParameters => [new("depth", "q (depth, shares per unit of price)", Depth), new("resiliencePerDay", "ρ (resilience per day)", ResiliencePerDay)];
}
