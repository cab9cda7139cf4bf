using Portal.Domain.Scenarios;

namespace Portal.Domain.Impact;

/// <summary>What the simulator applies to a child order of n shares at step k, before the step's impact scale (events,
/// liquidity). Per share the child pays <c>Epsilon + LinearTemporary·n + RateTemporary[k]·n^RateExponent +
/// PermanentOwnShare·Permanent·n</c> plus the accumulated permanent move and its transient cost (see
/// <see cref="TransientKernel"/>); afterwards the price has moved permanently by <c>Permanent·n</c>.</summary>
public sealed record ImpactCoefficients
{
    /// <summary>Fixed cost per share (currency).</summary>
    public double Epsilon { get; init; }

    /// <summary>Temporary cost per share per share traded in the step (Almgren–Chriss η/τ).</summary>
    public double LinearTemporary { get; init; }

    /// <summary>Per step: coefficient c_k of the temporary cost per share <c>c_k·n^RateExponent</c>, or null.</summary>
    public IReadOnlyList<double>? RateTemporary { get; init; }

    /// <summary>Exponent of the child size in <see cref="RateTemporary"/>.</summary>
    public double RateExponent { get; init; } = 1;

    /// <summary>Permanent price move per share traded (currency per share²).</summary>
    public double Permanent { get; init; }

    /// <summary>Share of its own permanent move that a child pays: 0 when the child trades at the step's opening price
    /// (Almgren and Chriss, 2000, discrete model), ½ when it trades evenly through the step so the price drifts linearly
    /// under it (continuous-time limit, and the I/2 of Almgren et al. 2005).</summary>
    public double PermanentOwnShare { get; init; }

    /// <summary>Transient impact, or null.</summary>
    public TransientKernel? Transient { get; init; }
}

/// <summary>Transient impact as a sum of decaying states J_i (a propagator whose kernel is a sum of exponentials).</summary>
/// <remarks>A child order of n shares at step k has size term <c>f = StepScale[k]·n^Exponent</c> (times
/// <c>(1/V)^Exponent</c> with V the step's realised market volume when <see cref="RealizedVolume"/>), and pays per share
/// <c>Σ_i Carry_i·J_i + OwnShare·f</c>; then every state moves to <c>Decay_i·J_i + Increment_i·f</c>. The displacement of the
/// price is Σ_i J_i.</remarks>
public sealed record TransientKernel
{
    /// <summary>Per step: scale of the size term (currency per share per share^Exponent).</summary>
    public required IReadOnlyList<double> StepScale { get; init; }

    /// <summary>Exponent of the size term.</summary>
    public double Exponent { get; init; } = 1;

    /// <summary>Divide the child size by the step's realised market volume (so the cost depends on the volume path).</summary>
    public bool RealizedVolume { get; init; }

    /// <summary>Per state: the share of the state present at the start of the step that the child pays.</summary>
    public required IReadOnlyList<double> Carry { get; init; }

    /// <summary>Per state: what the step's size term adds to the state by the end of the step.</summary>
    public required IReadOnlyList<double> Increment { get; init; }

    /// <summary>Per state: decay of the state over one step.</summary>
    public required IReadOnlyList<double> Decay { get; init; }

    /// <summary>Share of the step's size term the child pays itself (summed over states).</summary>
    public double OwnShare { get; init; }

    /// <summary>Number of states.</summary>
    public int Count => Decay.Count;
}

/// <summary>A market impact model: maps its parameters to the coefficients the simulator applies per step.</summary>
public interface IImpactModel
{
    /// <summary>Model name as in <see cref="ImpactSpec.Model"/>.</summary>
    string Name { get; }

    /// <summary>Share of its own impact increment that a child order pays, as the model's book shape or convention implies
    /// (null when the model has no transient book).</summary>
    double? OwnImpactShare { get; }

    /// <summary>Coefficients for a market, a step length in trading days and each step's expected market volume (shares).</summary>
    ImpactCoefficients Coefficients(MarketSpec market, double stepDays, IReadOnlyList<double> expectedStepVolume);
}

/// <summary>Builds the impact model a scenario names.</summary>
public static class ImpactModelFactory
{
    /// <summary>The model of <paramref name="spec"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Unknown model name or parameter out of range.</exception>
    public static IImpactModel Create(ImpactSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec switch
        {
            AlmgrenChrissImpactSpec ac => new AlmgrenChrissImpact(ac.Epsilon, ac.Eta, ac.Gamma),
            PowerLawImpactSpec pl => new PowerLawImpact(pl.Epsilon, pl.Eta, pl.Beta, pl.Gamma, pl.SharesOutstandingToAdv),
            SquareRootImpactSpec sr => new SquareRootPropagatorImpact(sr.Epsilon, sr.Y, sr.Delta, sr.Kernel, sr.KernelExponent, sr.RelaxationMinutes),
            TransientImpactSpec tr => new TransientImpact(tr.Epsilon, tr.G0, tr.Gamma, tr.Beta, tr.DecayMinutes),
            ObizhaevaWangImpactSpec ow => new ObizhaevaWangImpact(ow.Epsilon, ow.Depth, ow.ResiliencePerDay),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Model, $"Unknown impact model; allowed: {string.Join(", ", ImpactModels.All)}"),
        };
    }

    internal static double NonNegative(double value, string name) =>
        value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and ≥ 0.");

    internal static double Positive(double value, string name) =>
        value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and > 0.");

    internal static double Exponent(double value, string name) =>
        value > 0 && value <= 2 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be in (0, 2].");

    internal static double[] Constant(int steps, double value)
    {
        var a = new double[steps];
        Array.Fill(a, value);
        return a;
    }
}

/// <summary>The share of its own impact a child order pays when it walks a book whose price displacement after u shares is
/// <c>c·u^β</c>.</summary>
/// <remarks>Walking the book costs <c>∫₀ⁿ c·u^β du = c·n^(1+β)/(1+β)</c> beyond the touch, so the average price paid is the
/// final displacement c·n^β times <c>1/(1+β)</c>. A block-shaped book (constant depth, β = 1, Obizhaeva and Wang 2013,
/// section 3) gives ½; the GEO environment fills every share at the impacted price, share 1 (de Witt and Pakkanen 2026,
/// section 2.3.5).</remarks>
public static class BookShape
{
    /// <summary>1/(1+β) for a displacement c·u^β.</summary>
    public static double OwnImpactShare(double beta) =>
        beta >= 0 && double.IsFinite(beta) ? 1 / (1 + beta) : throw new ArgumentOutOfRangeException(nameof(beta), beta, "β must be finite and ≥ 0.");
}

/// <summary>Linear temporary and permanent impact.</summary>
/// <remarks>Almgren and Chriss (2000), "Optimal execution of portfolio transactions", J. Risk 3(2), eq. 2–4 with the linear
/// forms of section 1.5: h(v) = ε·sgn(v) + η·v with v = n/τ the trading rate, g(v) = γ·v, so a child order of n shares
/// pays ε + η·n/τ per share and moves the price permanently by γ·n (the child itself trades before that move). Units:
/// ε currency/share, η currency·day/share², γ currency/share².</remarks>
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
    public double? OwnImpactShare => null;

    /// <inheritdoc />
    public ImpactCoefficients Coefficients(MarketSpec market, double stepDays, IReadOnlyList<double> expectedStepVolume) =>
        new() { Epsilon = Epsilon, LinearTemporary = Eta / ImpactModelFactory.Positive(stepDays, nameof(stepDays)), Permanent = Gamma };
}

/// <summary>Power-law temporary impact on the trading rate and linear permanent impact.</summary>
/// <remarks>Almgren, Thum, Hauptmann and Li (2005), "Direct estimation of equity market impact", Risk 18(7), eq. for the
/// permanent impact <c>I = γ·σ·(X/V)·(Θ/V)^(1/4)</c> and the temporary impact <c>J − I/2 = η·σ·(X/(V·T))^β</c>, fitted on
/// Citigroup US equity orders with η = 0.142, β = 0.6 and γ = 0.314. Symbol mapping: σ the daily volatility, X/(V·T) the
/// trading rate over the volume rate of the same interval, here a child of n shares over step k against that step's
/// expected market volume V_k (from the intraday profile, so the cost depends on the schedule only); Θ/V the shares
/// outstanding over the daily volume. A child pays <c>η·σ·S0·(n/V_k)^β</c> per share, and half of its own permanent
/// move (it trades evenly through the step), so a schedule's expected cost is the Riemann sum of the paper's continuous
/// cost and does not change when the same schedule is cut into more children.</remarks>
public sealed record PowerLawImpact : IImpactModel
{
    /// <summary>Validates the parameters.</summary>
    public PowerLawImpact(double epsilon, double eta, double beta, double gamma, double sharesOutstandingToAdv)
    {
        Epsilon = ImpactModelFactory.NonNegative(epsilon, nameof(epsilon));
        Eta = ImpactModelFactory.NonNegative(eta, nameof(eta));
        Beta = ImpactModelFactory.Exponent(beta, nameof(beta));
        Gamma = ImpactModelFactory.NonNegative(gamma, nameof(gamma));
        SharesOutstandingToAdv = sharesOutstandingToAdv >= 1 && double.IsFinite(sharesOutstandingToAdv)
            ? sharesOutstandingToAdv
            : throw new ArgumentOutOfRangeException(nameof(sharesOutstandingToAdv), sharesOutstandingToAdv, "Θ/ADV must be finite and ≥ 1.");
    }

    /// <summary>Fixed cost ε per share.</summary>
    public double Epsilon { get; }

    /// <summary>Temporary coefficient η.</summary>
    public double Eta { get; }

    /// <summary>Rate exponent β.</summary>
    public double Beta { get; }

    /// <summary>Permanent coefficient γ.</summary>
    public double Gamma { get; }

    /// <summary>Shares outstanding over ADV, Θ/V.</summary>
    public double SharesOutstandingToAdv { get; }

    /// <inheritdoc />
    public string Name => ImpactModels.PowerLaw;

    /// <inheritdoc />
    public double? OwnImpactShare => null;

    /// <inheritdoc />
    public ImpactCoefficients Coefficients(MarketSpec market, double stepDays, IReadOnlyList<double> expectedStepVolume)
    {
        ArgumentNullException.ThrowIfNull(market);
        ArgumentNullException.ThrowIfNull(expectedStepVolume);
        double scale = Eta * market.DailyVolatility * market.ArrivalPrice;
        var rate = new double[expectedStepVolume.Count];
        for (int k = 0; k < rate.Length; k++)
            rate[k] = expectedStepVolume[k] > 0 ? scale * Math.Pow(1 / expectedStepVolume[k], Beta) : 0;
        return new()
        {
            Epsilon = Epsilon,
            RateTemporary = rate,
            RateExponent = Beta,
            Permanent = Gamma * market.DailyVolatility * market.ArrivalPrice * Math.Pow(SharesOutstandingToAdv, 0.25) / market.Adv,
            PermanentOwnShare = 0.5,
        };
    }
}

/// <summary>The square-root law of metaorder impact through a propagator.</summary>
/// <remarks>
/// <para>Propagator model (Bouchaud, Gefen, Potters and Wyart, 2004, "Fluctuations and response in financial markets",
/// Quant. Finance 4(2); Gatheral, 2010, "No-dynamic-arbitrage and market impact", Quant. Finance 10(7), eq. 1):
/// <c>S_t = S0 + ∫ f(v_s)·G(t − s) ds</c> with instantaneous impact <c>f(v) = Y·σ·S0·(v/V)^δ</c>, v the trading rate and V
/// the daily volume (shares per day), and a decaying kernel G. The power-law kernel <c>G(t) ∝ t^(−γ)</c> is approximated
/// by a fixed sum of exponentials (Bochud and Challet, 2007, "Optimal approximations of power laws with exponentials",
/// Quant. Finance 7(6)): rates spaced geometrically, three a decade, from 30 ms to the relaxation time T_r, weighted
/// <c>∝ τ_i^(−γ)</c> (a quadrature of <c>t^(−γ) = Γ(γ)^(−1)∫ s^(γ−1)e^(−st) ds</c>), so the kernel is a power law between
/// those times and decays exponentially beyond T_r; the exponential kernel is a single state with time T_r.</para>
/// <para>With δ + γ = 1 a metaorder of Q shares traded at a constant rate over T peaks at <c>Y·σ·S0·(Q/V)^δ</c> whatever T,
/// the square-root law (Tóth et al., 2011, Phys. Rev. X 1; Bouchaud, Bonart, Donier and Gould, 2018, "Trades, Quotes and
/// Prices", ch. 12–13). The kernel's amplitude is set so that a 30-minute metaorder peaks at exactly that value. The
/// default relaxation time of one trading day cuts the power law where metaorder impact is observed to have largely
/// decayed (Brokmann, Sérié, Kockelkoren and Bouchaud, 2015, "Slow decay of impact in equity markets", Market
/// Microstructure and Liquidity 1(2)); it makes slower execution cheaper: a metaorder over a whole day costs less than over
/// an hour, and trading in one step costs more than spreading the order.</para>
/// <para>Each child trades evenly through its step, so the states are integrated exactly over the step: with
/// <c>d = e^(−Δ/τ_i)</c> a child pays the existing state's average <c>τ_i(1 − d)/Δ</c> and its own flow's average
/// <c>w_i·τ_i·(1 − τ_i(1 − d)/Δ)</c>, and the state becomes <c>d·J_i + w_i·τ_i(1 − d)·f</c>. Cutting a step in two gives the
/// same cost: the expected cost of a schedule does not depend on how finely it is sliced.</para>
/// <para>No dynamic arbitrage (Gatheral 2010, sections 4–5): a power-law kernel t^(−γ) needs δ + γ ≥ 1; an exponential
/// kernel admits price manipulation unless δ = 1. Violations are reported by <see cref="ScenarioWarnings"/>.</para>
/// </remarks>
public sealed record SquareRootPropagatorImpact : IImpactModel
{
    /// <summary>Shortest time of the sum of exponentials, in minutes (30 ms).</summary>
    public const double ShortestTimeMinutes = 0.0005;

    /// <summary>Exponentials per decade of time in the power-law approximation.</summary>
    public const int StatesPerDecade = 3;

    /// <summary>Duration in minutes of the constant-rate metaorder whose peak impact is exactly Y·σ·S0·(Q/V)^δ.</summary>
    public const double ReferenceMinutes = 30;

    /// <summary>Validates the parameters.</summary>
    public SquareRootPropagatorImpact(double epsilon, double y, double delta, string kernel, double kernelExponent, double relaxationMinutes)
    {
        Epsilon = ImpactModelFactory.NonNegative(epsilon, nameof(epsilon));
        Y = ImpactModelFactory.NonNegative(y, nameof(y));
        Delta = ImpactModelFactory.Exponent(delta, nameof(delta));
        Kernel = kernel is PropagatorKernels.PowerLaw or PropagatorKernels.Exponential
            ? kernel
            : throw new ArgumentOutOfRangeException(nameof(kernel), kernel, $"Allowed: {string.Join(", ", PropagatorKernels.All)}.");
        KernelExponent = kernelExponent > 0 && kernelExponent < 1
            ? kernelExponent
            : throw new ArgumentOutOfRangeException(nameof(kernelExponent), kernelExponent, "γ must be in (0, 1).");
        RelaxationMinutes = ImpactModelFactory.Positive(relaxationMinutes, nameof(relaxationMinutes));
    }

    /// <summary>Fixed cost ε per share.</summary>
    public double Epsilon { get; }

    /// <summary>Square-root law coefficient Y.</summary>
    public double Y { get; }

    /// <summary>Exponent δ of the instantaneous impact.</summary>
    public double Delta { get; }

    /// <summary>Kernel name.</summary>
    public string Kernel { get; }

    /// <summary>Power-law kernel exponent γ.</summary>
    public double KernelExponent { get; }

    /// <summary>Relaxation time T_r in minutes.</summary>
    public double RelaxationMinutes { get; }

    /// <inheritdoc />
    public string Name => ImpactModels.SquareRoot;

    /// <inheritdoc />
    /// <remarks>Not a book shape: the child trades through its step, so its share follows from the flow (between ½ for
    /// states much slower than the step and 1 for much faster ones).</remarks>
    public double? OwnImpactShare => null;

    /// <summary>Decay times (days) and unnormalised weights of the kernel's exponentials.</summary>
    public (double[] Times, double[] Weights) KernelStates(double minutesPerDay)
    {
        double tMax = RelaxationMinutes / minutesPerDay;
        if (Kernel == PropagatorKernels.Exponential || RelaxationMinutes <= ShortestTimeMinutes) return ([tMax], [1.0]);
        double tMin = ShortestTimeMinutes / minutesPerDay;
        int n = (int)Math.Ceiling(Math.Log10(tMax / tMin) * StatesPerDecade) + 1;
        double ratio = Math.Pow(tMax / tMin, 1.0 / (n - 1));
        var times = new double[n];
        var weights = new double[n];
        for (int i = 0; i < n; i++)
        {
            times[i] = tMin * Math.Pow(ratio, i);
            weights[i] = Math.Pow(times[i], -KernelExponent);
        }

        return (times, weights);
    }

    /// <summary>Amplitude A of the kernel so that a constant-rate metaorder over the reference duration peaks at Y·σ·S0·(Q/V)^δ.</summary>
    public double Amplitude(double minutesPerDay)
    {
        var (times, weights) = KernelStates(minutesPerDay);
        double tRef = ReferenceMinutes / minutesPerDay;
        double sum = 0;
        for (int i = 0; i < times.Length; i++) sum += weights[i] * times[i] * -double.ExpM1(-tRef / times[i]);
        return Math.Pow(tRef, Delta) / sum;
    }

    /// <inheritdoc />
    public ImpactCoefficients Coefficients(MarketSpec market, double stepDays, IReadOnlyList<double> expectedStepVolume)
    {
        ArgumentNullException.ThrowIfNull(market);
        ArgumentNullException.ThrowIfNull(expectedStepVolume);
        ImpactModelFactory.Positive(stepDays, nameof(stepDays));
        var (times, weights) = KernelStates(market.TradingMinutesPerDay);
        double a = Amplitude(market.TradingMinutesPerDay);
        int k = times.Length;
        var carry = new double[k];
        var increment = new double[k];
        var decay = new double[k];
        double own = 0;
        for (int i = 0; i < k; i++)
        {
            double x = stepDays / times[i];
            double oneMinusD = -double.ExpM1(-x);
            double average = oneMinusD / x;                                              // τ(1 − d)/Δ
            double ownAverage = x < 1e-4 ? x / 2 - x * x / 6 + x * x * x / 24 : 1 - average; // 1 − τ(1 − d)/Δ
            decay[i] = 1 - oneMinusD;
            carry[i] = average;
            increment[i] = a * weights[i] * times[i] * oneMinusD;
            own += a * weights[i] * times[i] * ownAverage;
        }

        // f = Y·σ·S0·(v/V)^δ with v = n/Δ shares a day and V = ADV shares a day.
        double scale = Y * market.DailyVolatility * market.ArrivalPrice * Math.Pow(1 / (stepDays * market.Adv), Delta);
        return new()
        {
            Epsilon = Epsilon,
            Transient = Y == 0 || market.DailyVolatility == 0 ? null : new TransientKernel
            {
                StepScale = ImpactModelFactory.Constant(expectedStepVolume.Count, scale),
                Exponent = Delta,
                Carry = carry,
                Increment = increment,
                Decay = decay,
                OwnShare = own,
            },
        };
    }
}

/// <summary>Transient impact with an exponential kernel on each bar's participation, as in the GEO environment.</summary>
/// <remarks>de Witt and Pakkanen (2026), "Diverse approaches to optimal execution schedule generation" (arXiv 2601.22113),
/// section 2.1, the transient impact model of the GEO environment: <c>I_t = Σ_ℓ G0·e^(−ℓ/τ)·γ·(|q_(t−ℓ)|/V_(t−ℓ))^β</c> with
/// q the child order of bar t − ℓ, V that bar's realised market volume and ℓ the time since it in minutes, and fills at
/// <c>p_VWAP·(1 + side·I_t)</c> (section 2.3.5). Here a bar is a decision step, the bar's reference price is the mid at the
/// step (so the fill is S0·I_t beyond it, to first order in the price move), and the current bar is included (ℓ = 0):
/// the child pays its own increment in full, own share 1 (the paper's sum starts at ℓ = 1, which would let a single-bar
/// order trade for free). The paper calibrates G0·γ per stock on one-minute bars with β = ½ (square root, section 3.1)
/// and τ constrained to [0.5, 180] minutes. The model is stated per bar, so its costs depend on the bar length: it is
/// time-consistent only at the paper's one-minute bars.</remarks>
public sealed record TransientImpact : IImpactModel
{
    /// <summary>Validates the parameters.</summary>
    public TransientImpact(double epsilon, double g0, double gamma, double beta, double decayMinutes)
    {
        Epsilon = ImpactModelFactory.NonNegative(epsilon, nameof(epsilon));
        G0 = ImpactModelFactory.NonNegative(g0, nameof(g0));
        Gamma = ImpactModelFactory.NonNegative(gamma, nameof(gamma));
        Beta = ImpactModelFactory.Exponent(beta, nameof(beta));
        DecayMinutes = ImpactModelFactory.Positive(decayMinutes, nameof(decayMinutes));
    }

    /// <summary>Fixed cost ε per share.</summary>
    public double Epsilon { get; }

    /// <summary>Kernel amplitude G0.</summary>
    public double G0 { get; }

    /// <summary>Impact scale γ (fraction of price).</summary>
    public double Gamma { get; }

    /// <summary>Participation exponent β.</summary>
    public double Beta { get; }

    /// <summary>Decay time τ in minutes.</summary>
    public double DecayMinutes { get; }

    /// <inheritdoc />
    public string Name => ImpactModels.Transient;

    /// <inheritdoc />
    /// <remarks>GEO's convention: every share fills at the impacted price.</remarks>
    public double? OwnImpactShare => 1;

    /// <inheritdoc />
    public ImpactCoefficients Coefficients(MarketSpec market, double stepDays, IReadOnlyList<double> expectedStepVolume)
    {
        ArgumentNullException.ThrowIfNull(market);
        ArgumentNullException.ThrowIfNull(expectedStepVolume);
        double scale = market.ArrivalPrice * G0 * Gamma;
        double d = Math.Exp(-ImpactModelFactory.Positive(stepDays, nameof(stepDays)) * market.TradingMinutesPerDay / DecayMinutes);
        return new()
        {
            Epsilon = Epsilon,
            Transient = scale == 0 ? null : new TransientKernel
            {
                StepScale = ImpactModelFactory.Constant(expectedStepVolume.Count, scale),
                Exponent = Beta,
                RealizedVolume = true,
                Carry = [1.0],
                Increment = [d],
                Decay = [d],
                OwnShare = OwnImpactShare!.Value,
            },
        };
    }
}

/// <summary>Linear block-shaped limit order book with exponential resilience.</summary>
/// <remarks>Obizhaeva and Wang (2013), "Optimal trading strategy and supply/demand dynamics", J. Financial Markets 16(1),
/// section 3: a block of the book of depth q (shares per unit of price) above the best quote, so a trade of n shares moves
/// the price by n/q and costs n·(D + n/(2q)) beyond the half-spread: own share ½ = 1/(1+β) with β = 1
/// (<see cref="BookShape"/>); the displacement D recovers at rate ρ. Its discrete optimum is in <see cref="ObizhaevaWang"/>.</remarks>
public sealed record ObizhaevaWangImpact : IImpactModel
{
    /// <summary>Validates the parameters.</summary>
    public ObizhaevaWangImpact(double epsilon, double depth, double resiliencePerDay)
    {
        Epsilon = ImpactModelFactory.NonNegative(epsilon, nameof(epsilon));
        Depth = depth > 0 && !double.IsNaN(depth) ? depth : throw new ArgumentOutOfRangeException(nameof(depth), depth, "depth must be > 0.");
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
    public double? OwnImpactShare => BookShape.OwnImpactShare(1);

    /// <inheritdoc />
    public ImpactCoefficients Coefficients(MarketSpec market, double stepDays, IReadOnlyList<double> expectedStepVolume)
    {
        ArgumentNullException.ThrowIfNull(expectedStepVolume);
        double d = Math.Exp(-ResiliencePerDay * stepDays);
        return new()
        {
            Epsilon = Epsilon,
            Transient = new TransientKernel
            {
                StepScale = ImpactModelFactory.Constant(expectedStepVolume.Count, 1.0 / Depth),
                Exponent = 1,
                Carry = [1.0],
                Increment = [d],
                Decay = [d],
                OwnShare = OwnImpactShare!.Value,
            },
        };
    }
}
