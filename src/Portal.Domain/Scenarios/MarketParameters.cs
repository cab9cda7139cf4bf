using System.Globalization;

namespace Portal.Domain.Scenarios;

/// <summary>
/// One numeric parameter of the market model or of the costs, declared once: its JSON path, how the builder labels it,
/// its unit, a help sentence naming the source's symbol, its allowed range and its default. <see cref="Scenario.Validate"/>
/// checks ranges from it, the builder renders one field per declaration, and the documentation lists every path
/// (<see cref="MarketParameters"/>).
/// </summary>
public sealed class MarketParameterSpec
{
    private readonly Func<object, double> _read;
    private readonly Func<object, double, object> _write;

    private MarketParameterSpec(string path, Type record, string? impactModel, string label, string unit, string help, double defaultValue,
        double min, double max, bool minExclusive, bool maxExclusive, Func<MarketSpec?, double>? maxFor, string? maxMeaning,
        Func<object, double> read, Func<object, double, object> write)
    {
        Path = path;
        Record = record;
        ImpactModel = impactModel;
        Label = label;
        Unit = unit;
        Help = help;
        Default = defaultValue;
        Min = min;
        Max = max;
        MinExclusive = minExclusive;
        MaxExclusive = maxExclusive;
        _maxFor = maxFor;
        MaxMeaning = maxMeaning;
        _read = read;
        _write = write;
    }

    private readonly Func<MarketSpec?, double>? _maxFor;

    /// <summary>JSON path as validation errors name it, e.g. <c>market.impact.decayMinutes</c>.</summary>
    public string Path { get; }

    /// <summary>The last segment of <see cref="Path"/>, the JSON name inside its record (e.g. <c>decayMinutes</c>).</summary>
    public string Field => Path[(Path.LastIndexOf('.') + 1)..];

    /// <summary>The record that holds the value (<see cref="SpreadSpec"/>, <see cref="TransientImpactSpec"/>, ...;
    /// <see cref="ImpactSpec"/> for the fixed cost every impact model has).</summary>
    public Type Record { get; }

    /// <summary>The impact model the parameter belongs to (<see cref="ImpactModels"/>), or null when it is not one model's.</summary>
    public string? ImpactModel { get; }

    /// <summary>Symbol and meaning as the builder labels the field, e.g. <c>τ decay (min)</c>.</summary>
    public string Label { get; }

    /// <summary>Unit of the value in words (<c>minutes</c>, <c>bps</c>, <c>per trading day</c>); empty for a pure number.</summary>
    public string Unit { get; }

    /// <summary>One sentence naming the source's symbol and what the value does.</summary>
    public string Help { get; }

    /// <summary>The value a new record has (from the cited paper, a calibration or the docs).</summary>
    public double Default { get; }

    /// <summary>Lower end of the allowed range.</summary>
    public double Min { get; }

    /// <summary>Upper end of the allowed range when it does not depend on other fields (<see cref="double.MaxValue"/> = ∞).</summary>
    public double Max { get; }

    /// <summary>True when <see cref="Min"/> itself is not allowed.</summary>
    public bool MinExclusive { get; }

    /// <summary>True when the upper end itself is not allowed.</summary>
    public bool MaxExclusive { get; }

    /// <summary>What the upper end is when it depends on other fields (e.g. <c>the arrival price</c>); null for a fixed one.</summary>
    public string? MaxMeaning { get; }

    /// <summary>The upper end of the range for <paramref name="market"/> (fixed unless <see cref="MaxMeaning"/> is set).</summary>
    public double UpperBound(MarketSpec? market) => _maxFor?.Invoke(market) ?? Max;

    /// <summary>True when <paramref name="value"/> is allowed in <paramref name="market"/>.</summary>
    public bool Allows(double value, MarketSpec? market)
    {
        double max = UpperBound(market);
        return (MinExclusive ? value > Min : value >= Min) && (MaxExclusive ? value < max : value <= max);
    }

    /// <summary>The allowed range as the documentation writes it, e.g. <c>(0, 1e6]</c> or <c>[0, arrival price]</c>.</summary>
    public string RangeText => $"{(MinExclusive ? "(" : "[")}{Words(Min)}, {(MaxMeaning ?? Words(Max))}{(MaxExclusive || Max == double.MaxValue && MaxMeaning is null ? ")" : "]")}";

    /// <summary>The value held by <paramref name="record"/> (an instance of <see cref="Record"/>).</summary>
    public double Read(object record) => _read(record);

    /// <summary>A copy of <paramref name="record"/> holding <paramref name="value"/>.</summary>
    public object Write(object record, double value) => _write(record, value);

    /// <summary>The value in <paramref name="scenario"/>, or null when the scenario's impact model is not this parameter's.</summary>
    public double? ReadFrom(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return RecordIn(scenario) is { } record ? Read(record) : null;
    }

    /// <summary>A copy of <paramref name="scenario"/> holding <paramref name="value"/>; for another model's impact
    /// parameter, the scenario switches to that model first (with its defaults).</summary>
    public Scenario WriteTo(Scenario scenario, double value)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var m = scenario.Market;
        return Record switch
        {
            _ when Record == typeof(MarketSpec) => scenario with { Market = (MarketSpec)Write(m, value) },
            _ when Record == typeof(PriceSpec) => scenario with { Market = m with { Price = (PriceSpec)Write(m.Price, value) } },
            _ when Record == typeof(SpreadSpec) => scenario with { Market = m with { Spread = (SpreadSpec)Write(m.Spread, value) } },
            _ when Record == typeof(LiquiditySpec) => scenario with { Market = m with { Liquidity = (LiquiditySpec)Write(m.Liquidity, value) } },
            _ when Record == typeof(VolumeSpec) => scenario with { Market = m with { Volume = (VolumeSpec)Write(m.Volume, value) } },
            _ when Record == typeof(PassiveFillSpec) => scenario with { Market = m with { PassiveFills = (PassiveFillSpec)Write(m.PassiveFills, value) } },
            _ when Record == typeof(CostSpec) => scenario with { Costs = (CostSpec)Write(scenario.Costs, value) },
            _ => scenario with { Market = m with { Impact = (ImpactSpec)Write(ImpactModel is { } model ? m.Impact.SwitchTo(model) : m.Impact, value) } },
        };
    }

    private object? RecordIn(Scenario scenario)
    {
        var m = scenario.Market;
        if (Record == typeof(CostSpec)) return scenario.Costs;
        if (m is null) return null;
        if (Record == typeof(MarketSpec)) return m;
        if (Record == typeof(PriceSpec)) return m.Price;
        if (Record == typeof(SpreadSpec)) return m.Spread;
        if (Record == typeof(LiquiditySpec)) return m.Liquidity;
        if (Record == typeof(VolumeSpec)) return m.Volume;
        if (Record == typeof(PassiveFillSpec)) return m.PassiveFills;
        return m.Impact is { } impact && Record.IsInstanceOfType(impact) ? impact : null;
    }

    /// <summary>Checks the value held by <paramref name="record"/>, in the words every range check uses
    /// (<c>is X, allowed range (a, b]</c>).</summary>
    internal void Check(Scenario.Validator v, object record, MarketSpec? market)
    {
        double value = Read(record);
        double max = UpperBound(market);
        if (MaxExclusive)
        {
            if (!Allows(value, market))
                v.Add(Path, string.Create(CultureInfo.InvariantCulture, $"is {value} but must be in {(MinExclusive ? "(" : "[")}{Min:G10}, {max:G10})"));
        }
        else if (MaxMeaning is not null) v.Range(Path, value, Min, max, MaxMeaning);
        else if (MinExclusive) v.RangeOpenLow(Path, value, Min, max);
        else v.Range(Path, value, Min, max);
    }

    /// <summary>Declares a parameter held by record <typeparamref name="T"/>.</summary>
    internal static MarketParameterSpec Of<T>(string path, string label, string unit, string help, double defaultValue, double min, double max,
        Func<T, double> get, Func<T, double, T> set, bool minExclusive = false, bool maxExclusive = false,
        Func<MarketSpec?, double>? maxFor = null, string? maxMeaning = null, string? impactModel = null) where T : class =>
        new(path, typeof(T), impactModel, label, unit, help, defaultValue, min, max, minExclusive, maxExclusive, maxFor, maxMeaning,
            r => get((T)r), (r, x) => set((T)r, x));

    private static string Words(double x)
    {
        if (x == double.MaxValue) return "∞";
        double exponent = Math.Log10(Math.Abs(x));
        if (Math.Abs(x) >= 1e4 && exponent == Math.Floor(exponent)) return (x < 0 ? "−1e" : "1e") + exponent.ToString(CultureInfo.InvariantCulture);
        return x.ToString("G10", CultureInfo.InvariantCulture).Replace("-", "−", StringComparison.Ordinal);
    }
}

/// <summary>
/// Every numeric market-model and cost parameter of a scenario (<see cref="MarketParameterSpec"/>): reference levels, price
/// process, each impact model's own parameters, spread, liquidity, volume, limit-order fills and costs. The builder renders
/// them, <see cref="Scenario.Validate"/> checks their ranges, <c>docs/scenario-schema.md</c> lists them, and a test checks
/// that every numeric field of those records is declared here. Stress events (<see cref="MarketEvent"/>) are a list and
/// are checked where they are read.
/// </summary>
public static class MarketParameters
{
    private const string Impact = "market.impact.";

    /// <summary>Highest η or γ of Almgren–Chriss for <paramref name="m"/>: 1000 × arrivalPrice / adv.</summary>
    private static double CoefficientMax(MarketSpec? m)
    {
        double price = PriceOr(m);
        return m is { Adv: > 0 } && double.IsFinite(m.Adv) ? Scenario.MaxImpactTimesAdvOverPrice * price / m.Adv : double.MaxValue;
    }

    private static double PriceOr(MarketSpec? m) => m is { ArrivalPrice: > 0 } && double.IsFinite(m.ArrivalPrice) ? m.ArrivalPrice : 1e9;

    /// <summary>Every declared parameter, section by section, in the order the builder shows them and validation reports them.</summary>
    public static IReadOnlyList<MarketParameterSpec> All { get; } =
    [
        // Reference levels (MarketSpec).
        MarketParameterSpec.Of<MarketSpec>("market.arrivalPrice", "Arrival price", "per share", "Mid price S0 when the parent order starts (Almgren–Chriss 2000: S0).",
            50, 0, 1e9, m => m.ArrivalPrice, (m, x) => m with { ArrivalPrice = x }, minExclusive: true),
        MarketParameterSpec.Of<MarketSpec>("market.adv", "ADV", "shares", "Average daily volume V in shares per day.",
            5_000_000, 0, 1e15, m => m.Adv, (m, x) => m with { Adv = x }, minExclusive: true),
        MarketParameterSpec.Of<MarketSpec>("market.dailyVolatility", "Daily volatility σ", "fraction of the price per day^½", "Standard deviation σ of a day's return (Almgren–Chriss 2000: σ).",
            0.02, 0, 1, m => m.DailyVolatility, (m, x) => m with { DailyVolatility = x }),
        MarketParameterSpec.Of<MarketSpec>("market.tradingMinutesPerDay", "Trading day (min)", "minutes", "Length of a trading day, the unit of time of the model parameters.",
            390, 1, 1440, m => m.TradingMinutesPerDay, (m, x) => m with { TradingMinutesPerDay = x }),

        // Price process (PriceSpec).
        MarketParameterSpec.Of<PriceSpec>("market.price.driftPerDay", "μ drift (per day)", "fraction of the price per day", "Drift μ of the unaffected mid, as a fraction of the price per trading day (0.01 = +1 % a day).",
            0, -1, 1, p => p.DriftPerDay, (p, x) => p with { DriftPerDay = x }),
        MarketParameterSpec.Of<PriceSpec>("market.price.jumpIntensityPerDay", "λ jumps (per day)", "per trading day", "Intensity λ of Merton's (1976) Poisson jumps: expected jumps per trading day.",
            0, 0, 10_000, p => p.JumpIntensityPerDay, (p, x) => p with { JumpIntensityPerDay = x }),
        MarketParameterSpec.Of<PriceSpec>("market.price.jumpMeanBps", "Mean jump (bps)", "bps", "Mean of Merton's (1976) normal jump size, in basis points of the price.",
            0, -5000, 5000, p => p.JumpMeanBps, (p, x) => p with { JumpMeanBps = x }),
        MarketParameterSpec.Of<PriceSpec>("market.price.jumpStdBps", "Jump std (bps)", "bps", "Standard deviation δ of Merton's (1976) normal jump size, in basis points of the price.",
            0, 0, 5000, p => p.JumpStdBps, (p, x) => p with { JumpStdBps = x }),

        // Impact: the fixed cost every model has, then each model's own parameters.
        MarketParameterSpec.Of<ImpactSpec>(Impact + "epsilon", "ε fixed cost per share", "per share", "Fixed cost ε per share (Almgren–Chriss 2000: ε), on top of the half-spread.",
            0, 0, 1e9, i => i.Epsilon, (i, x) => i with { Epsilon = x }, maxFor: PriceOr, maxMeaning: "the arrival price"),

        MarketParameterSpec.Of<AlmgrenChrissImpactSpec>(Impact + "eta", "η temporary impact", "currency·day per share²", "Temporary impact η of Almgren–Chriss (2000, eq. 4): a child of n shares over τ days pays η·n/τ per share; at least γτ/2.",
            3e-8, 0, double.MaxValue, i => i.Eta, (i, x) => i with { Eta = x }, maxFor: CoefficientMax, maxMeaning: "1000 × arrivalPrice / adv", impactModel: ImpactModels.AlmgrenChriss),
        MarketParameterSpec.Of<AlmgrenChrissImpactSpec>(Impact + "gamma", "γ permanent impact", "currency per share²", "Linear permanent impact γ of Almgren–Chriss (2000, eq. 2): each share traded moves the price by γ.",
            2e-7, 0, double.MaxValue, i => i.Gamma, (i, x) => i with { Gamma = x }, maxFor: CoefficientMax, maxMeaning: "1000 × arrivalPrice / adv", impactModel: ImpactModels.AlmgrenChriss),

        MarketParameterSpec.Of<PowerLawImpactSpec>(Impact + "eta", "η temporary", "", "Temporary coefficient η of Almgren, Thum, Hauptmann and Li (2005): cost η·σ·S0·(v/V)^β per share; their fit 0.142.",
            0.142, 0, 100, i => i.Eta, (i, x) => i with { Eta = x }, impactModel: ImpactModels.PowerLaw),
        MarketParameterSpec.Of<PowerLawImpactSpec>(Impact + "beta", "β rate exponent", "", "Exponent β of the trading rate v/V (Almgren et al. 2005: 0.6, the 3/5 power law).",
            0.6, 0, 2, i => i.Beta, (i, x) => i with { Beta = x }, minExclusive: true, impactModel: ImpactModels.PowerLaw),
        MarketParameterSpec.Of<PowerLawImpactSpec>(Impact + "gamma", "γ permanent", "", "Permanent coefficient γ of Almgren et al. (2005): move γ·σ·S0·(n/ADV)·(Θ/ADV)^¼; their fit 0.314.",
            0.314, 0, 100, i => i.Gamma, (i, x) => i with { Gamma = x }, impactModel: ImpactModels.PowerLaw),
        MarketParameterSpec.Of<PowerLawImpactSpec>(Impact + "sharesOutstandingToAdv", "Θ/ADV", "days of volume", "Shares outstanding Θ over ADV, scaling permanent impact by (Θ/ADV)^¼ (263 in the paper's IBM example).",
            263, 1, 1e6, i => i.SharesOutstandingToAdv, (i, x) => i with { SharesOutstandingToAdv = x }, impactModel: ImpactModels.PowerLaw),

        MarketParameterSpec.Of<SquareRootImpactSpec>(Impact + "y", "Y square-root law", "", "Coefficient Y of the square-root law: a metaorder of Q shares peaks at Y·σ·S0·(Q/V)^δ (Tóth et al. 2011: 0.5–1).",
            0.7, 0, 100, i => i.Y, (i, x) => i with { Y = x }, impactModel: ImpactModels.SquareRoot),
        MarketParameterSpec.Of<SquareRootImpactSpec>(Impact + "delta", "δ rate exponent", "", "Exponent δ of the instantaneous impact f(v) ∝ (v/V)^δ (Gatheral 2010; the square-root law: ½).",
            0.5, 0, 2, i => i.Delta, (i, x) => i with { Delta = x }, minExclusive: true, impactModel: ImpactModels.SquareRoot),
        MarketParameterSpec.Of<SquareRootImpactSpec>(Impact + "kernelExponent", "γ kernel exponent", "", "Exponent γ of the power-law kernel G(t) ∝ t^(−γ); no dynamic arbitrage needs δ + γ ≥ 1 (Gatheral 2010).",
            0.5, 0, 1, i => i.KernelExponent, (i, x) => i with { KernelExponent = x }, minExclusive: true, maxExclusive: true, impactModel: ImpactModels.SquareRoot),
        MarketParameterSpec.Of<SquareRootImpactSpec>(Impact + "relaxationMinutes", "T_r relaxation (min)", "minutes", "Relaxation time T_r: cut-off of the power-law kernel, e-folding time of the exponential one (one day: Brokmann et al. 2015).",
            390, 0, 1e6, i => i.RelaxationMinutes, (i, x) => i with { RelaxationMinutes = x }, minExclusive: true, impactModel: ImpactModels.SquareRoot),

        MarketParameterSpec.Of<TransientImpactSpec>(Impact + "g0", "G0 kernel amplitude", "", "Amplitude G0 of the kernel G0·e^(−ℓ/τ) at lag 0 (de Witt and Pakkanen 2026, section 2.1); only G0·γ matters.",
            0.5, 0, 100, i => i.G0, (i, x) => i with { G0 = x }, impactModel: ImpactModels.Transient),
        MarketParameterSpec.Of<TransientImpactSpec>(Impact + "gamma", "γ impact scale", "fraction of the price", "Impact scale γ per unit of (q/V)^β (de Witt and Pakkanen 2026); their per-stock G0·γ spans 0 to 7.2·10⁻⁴.",
            1e-3, 0, 1, i => i.Gamma, (i, x) => i with { Gamma = x }, impactModel: ImpactModels.Transient),
        MarketParameterSpec.Of<TransientImpactSpec>(Impact + "beta", "β participation exponent", "", "Exponent β of the bar's participation q/V (de Witt and Pakkanen 2026: ½); β ≠ 1 admits price manipulation.",
            0.5, 0, 2, i => i.Beta, (i, x) => i with { Beta = x }, minExclusive: true, impactModel: ImpactModels.Transient),
        MarketParameterSpec.Of<TransientImpactSpec>(Impact + "decayMinutes", "τ decay (min)", "minutes", "Decay time τ of the kernel e^(−ℓ/τ) (de Witt and Pakkanen 2026, section 2.1).",
            1, 0, 1e6, i => i.DecayMinutes, (i, x) => i with { DecayMinutes = x }, minExclusive: true, impactModel: ImpactModels.Transient),

        MarketParameterSpec.Of<ObizhaevaWangImpactSpec>(Impact + "depth", "q depth", "shares per unit of price", "Depth q of Obizhaeva and Wang's (2013) block book: a trade of n shares moves the price by n/q.",
            2_000_000, 0, double.MaxValue, i => i.Depth, (i, x) => i with { Depth = x }, minExclusive: true, impactModel: ImpactModels.ObizhaevaWang),
        MarketParameterSpec.Of<ObizhaevaWangImpactSpec>(Impact + "resiliencePerDay", "ρ resilience (per day)", "per trading day", "Resilience ρ of Obizhaeva and Wang (2013): the displacement recovers as e^(−ρt).",
            50, 0, 1e6, i => i.ResiliencePerDay, (i, x) => i with { ResiliencePerDay = x }, impactModel: ImpactModels.ObizhaevaWang),

        // Spread (SpreadSpec).
        MarketParameterSpec.Of<SpreadSpec>("market.spread.meanBps", "Mean spread (bps)", "bps", "Long-run mean s̄ of the Ornstein–Uhlenbeck spread, the spread at arrival; a trade pays half.",
            4, 0, 10_000, s => s.MeanBps, (s, x) => s with { MeanBps = x }),
        MarketParameterSpec.Of<SpreadSpec>("market.spread.meanReversionPerDay", "θ spread reversion (per day)", "per trading day", "Mean-reversion speed θ of the spread towards s̄.",
            100, 0, 1e6, s => s.MeanReversionPerDay, (s, x) => s with { MeanReversionPerDay = x }),
        MarketParameterSpec.Of<SpreadSpec>("market.spread.volatilityBpsPerSqrtDay", "σ_s spread volatility", "bps per day^½", "Volatility σ_s of the spread (0 = constant spread).",
            0, 0, 10_000, s => s.VolatilityBpsPerSqrtDay, (s, x) => s with { VolatilityBpsPerSqrtDay = x }),
        MarketParameterSpec.Of<SpreadSpec>("market.spread.minBps", "Spread floor (bps)", "bps", "Floor of the spread.",
            0.5, 0, 10_000, s => s.MinBps, (s, x) => s with { MinBps = x }),

        // Stochastic liquidity (LiquiditySpec).
        MarketParameterSpec.Of<LiquiditySpec>("market.liquidity.meanReversionPerDay", "θ liquidity reversion (per day)", "per trading day", "Mean-reversion speed θ of the liquidity level towards 1 (Cartea, Jaimungal and Penalva 2015, ch. 7, reduced form).",
            20, 0, 1e6, l => l.MeanReversionPerDay, (l, x) => l with { MeanReversionPerDay = x }),
        MarketParameterSpec.Of<LiquiditySpec>("market.liquidity.volatilityPerSqrtDay", "σ_L liquidity volatility", "per day^½", "Volatility of the liquidity level (0 = constant liquidity).",
            0, 0, 100, l => l.VolatilityPerSqrtDay, (l, x) => l with { VolatilityPerSqrtDay = x }),
        MarketParameterSpec.Of<LiquiditySpec>("market.liquidity.shockIntensityPerDay", "Shocks (per day)", "per trading day", "Expected number of Poisson liquidity shocks per trading day.",
            0, 0, 10_000, l => l.ShockIntensityPerDay, (l, x) => l with { ShockIntensityPerDay = x }),
        MarketParameterSpec.Of<LiquiditySpec>("market.liquidity.shockMultiplier", "Shock multiplier", "", "Factor a shock applies to the liquidity level (0.5 halves it).",
            0.5, 0, 10, l => l.ShockMultiplier, (l, x) => l with { ShockMultiplier = x }, minExclusive: true),

        // Intraday volume (VolumeSpec).
        MarketParameterSpec.Of<VolumeSpec>("market.volume.uShape", "c U-shape", "", "Curvature c of the intraday profile (1 + c·(2u − 1)²)/(1 + c/3): open and close trade 1 + c times midday (0 = flat).",
            2, 0, 100, v => v.UShape, (v, x) => v with { UShape = x }),
        MarketParameterSpec.Of<VolumeSpec>("market.volume.noise", "σ_v volume noise", "", "Lognormal noise σ_v of each step's volume.",
            0.3, 0, 5, v => v.Noise, (v, x) => v with { Noise = x }),

        // Limit-order fills on the simulated book (PassiveFillSpec).
        MarketParameterSpec.Of<PassiveFillSpec>("market.passiveFills.fillDecayPerBps", "k fill decay (per bps)", "per bps", "Each bps further from the touch divides the fill rate by e^k (Cartea, Jaimungal and Penalva 2015: κ).",
            0.8, 0, 100, p => p.FillDecayPerBps, (p, x) => p with { FillDecayPerBps = x }),
        MarketParameterSpec.Of<PassiveFillSpec>("market.passiveFills.meanMarketOrderShares", "m̄ market order (shares)", "shares", "Mean market-order size; sets how many market orders a step's volume holds.",
            100, 0, 1e9, p => p.MeanMarketOrderShares, (p, x) => p with { MeanMarketOrderShares = x }, minExclusive: true),
        MarketParameterSpec.Of<PassiveFillSpec>("market.passiveFills.queueShare", "φ queue share", "", "Share of each market order reaching our price that fills us.",
            0.058, 0, 1, p => p.QueueShare, (p, x) => p with { QueueShare = x }, minExclusive: true),
        MarketParameterSpec.Of<PassiveFillSpec>("market.passiveFills.markoutBps", "ε adverse selection (bps)", "bps", "Mid move against a fill per market order that reached it (Cartea, Jaimungal and Penalva 2015, §10.4: ε).",
            0.38, 0, 100, p => p.MarkoutBps, (p, x) => p with { MarkoutBps = x }),

        // Costs (CostSpec).
        MarketParameterSpec.Of<CostSpec>("costs.feeBps", "Fees (bps)", "bps", "Fee in basis points of traded notional.",
            0, 0, 1000, c => c.FeeBps, (c, x) => c with { FeeBps = x }),
        MarketParameterSpec.Of<CostSpec>("costs.feePerShare", "Fee per share", "per share", "Fee per share traded, in price currency.",
            0, 0, 1e9, c => c.FeePerShare, (c, x) => c with { FeePerShare = x }, maxFor: PriceOr, maxMeaning: "the arrival price"),
        MarketParameterSpec.Of<CostSpec>("costs.slippageNoiseBps", "Slippage noise (bps)", "bps", "Standard deviation of a zero-mean execution-price noise on every child order, in bps of the arrival price.",
            0, 0, 1000, c => c.SlippageNoiseBps, (c, x) => c with { SlippageNoiseBps = x }),
    ];

    /// <summary>The parameters held by record <typeparamref name="T"/>, in declaration order (an impact model's own
    /// parameters, without the common fixed cost).</summary>
    public static IReadOnlyList<MarketParameterSpec> Of<T>() => [.. All.Where(p => p.Record == typeof(T))];

    /// <summary>The named impact model's own parameters (without the fixed cost ε every model has).</summary>
    public static IReadOnlyList<MarketParameterSpec> ForImpactModel(string model) => [.. All.Where(p => p.ImpactModel == model)];

    /// <summary>The declaration of <paramref name="path"/>; for an impact field that several models have (<c>eta</c>,
    /// <c>gamma</c>, <c>beta</c>), the one of <paramref name="impactModel"/>, else the first. Null when undeclared.</summary>
    public static MarketParameterSpec? Find(string path, string? impactModel = null) =>
        All.FirstOrDefault(p => p.Path == path && (impactModel is null || p.ImpactModel is null || p.ImpactModel == impactModel))
        ?? All.FirstOrDefault(p => p.Path == path);

    /// <summary>Checks every parameter held by <paramref name="record"/> (of record type <typeparamref name="T"/>).</summary>
    internal static void Check<T>(Scenario.Validator v, T record, MarketSpec? market) where T : class
    {
        foreach (var p in All)
        {
            if (p.Record == typeof(T)) p.Check(v, record, market);
        }
    }
}
