using System.Text.Json.Serialization;

namespace Portal.Agents.Environment;

/// <summary>
/// The discrete Almgren–Chriss execution world in the paper's own units.
/// </summary>
/// <remarks>
/// Almgren, R. and Chriss, N. (2000), "Optimal execution of portfolio transactions", Journal of Risk 3(2), 5–39.
/// Symbols: X = <see cref="Quantity"/>, S₀ = <see cref="ArrivalPrice"/>, σ = <see cref="Sigma"/> (price units per
/// √time unit), T = <see cref="Horizon"/>, N = <see cref="Steps"/>, τ = T/N, ε = <see cref="Epsilon"/>,
/// η = <see cref="Eta"/>, γ = <see cref="Gamma"/>, λ = <see cref="RiskAversion"/>. Temporary impact
/// h(v) = ε·sgn(v) + η·v with v = n/τ; permanent impact g(v) = γ·v (eq. 3–5); price S_k = S_{k−1} + στ^½ξ_k − τg(n_k/τ).
/// </remarks>
public sealed record AlmgrenChrissParameters
{
    /// <summary>Parent quantity X in shares. Allowed: (0, ∞).</summary>
    public double Quantity { get; init; } = 50_000;

    /// <summary>Arrival mid price S₀. Allowed: (0, ∞).</summary>
    public double ArrivalPrice { get; init; } = 100;

    /// <summary>Price volatility σ in price units per √time unit. Allowed: [0, ∞).</summary>
    public double Sigma { get; init; } = 2.0;

    /// <summary>Horizon T in time units (the unit of σ²). Allowed: (0, ∞).</summary>
    public double Horizon { get; init; } = 60.0 / 390.0;

    /// <summary>Number of trading steps N (the last one force-trades the remainder). Allowed: [2, 10000].</summary>
    public int Steps { get; init; } = 12;

    /// <summary>Fixed temporary cost ε per share (half-spread plus fees). Allowed: [0, ∞).</summary>
    public double Epsilon { get; init; } = 0.01;

    /// <summary>Linear temporary impact η in price × time / shares². Allowed: (0, ∞).</summary>
    public double Eta { get; init; } = 1.5e-7;

    /// <summary>Linear permanent impact γ in price / shares. Allowed: [0, ∞), with η − γτ/2 &gt; 0.</summary>
    public double Gamma { get; init; } = 2e-6;

    /// <summary>Risk aversion λ of the mean–variance objective E + λV, in 1/price. Allowed: [0, ∞).</summary>
    public double RiskAversion { get; init; }

    /// <summary>Market volume of one step in shares, for the participation cap. Allowed: (0, ∞).</summary>
    public double StepVolume { get; init; } = 1_000_000.0 / 390.0 * 5.0;

    /// <summary>Maximum child order as a fraction of <see cref="StepVolume"/> (null = no cap). Allowed: (0, 1].</summary>
    public double? MaxParticipation { get; init; }

    /// <summary>Interval length τ = T/N.</summary>
    [JsonIgnore]
    public double Tau => Horizon / Steps;

    /// <summary>η̃ = η − γτ/2, the effective quadratic cost coefficient of the discrete model.</summary>
    [JsonIgnore]
    public double EtaTilde => Eta - 0.5 * Gamma * Tau;

    /// <summary>Notional X·S₀ used to express costs in basis points.</summary>
    [JsonIgnore]
    public double Notional => Quantity * ArrivalPrice;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public AlmgrenChrissParameters Validated()
    {
        Positive(Quantity, nameof(Quantity));
        Positive(ArrivalPrice, nameof(ArrivalPrice));
        NonNegative(Sigma, nameof(Sigma));
        Positive(Horizon, nameof(Horizon));
        if (Steps is < 2 or > 10_000)
        {
            throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "Steps must be in [2, 10000].");
        }

        NonNegative(Epsilon, nameof(Epsilon));
        Positive(Eta, nameof(Eta));
        NonNegative(Gamma, nameof(Gamma));
        if (!(EtaTilde > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(Gamma), Gamma, $"Gamma must satisfy Eta - Gamma*Tau/2 > 0 (Eta = {Eta}, Tau = {Tau}).");
        }

        NonNegative(RiskAversion, nameof(RiskAversion));
        Positive(StepVolume, nameof(StepVolume));
        if (MaxParticipation is { } cap && !(cap > 0 && cap <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxParticipation), cap, "MaxParticipation must be in (0, 1] or null.");
        }

        return this;
    }

    /// <summary>The paper's worked example (section 3): X = 10⁶, S₀ = 50, σ = 0.95, T = 5 days, N = 5, λ = 10⁻⁶.</summary>
    public static AlmgrenChrissParameters PaperExample { get; } = new()
    {
        Quantity = 1_000_000, ArrivalPrice = 50, Sigma = 0.95, Horizon = 5, Steps = 5,
        Epsilon = 0.0625, Eta = 2.5e-6, Gamma = 2.5e-7, RiskAversion = 1e-6, StepVolume = 5_000_000,
    };

    /// <summary>A desk order: sell 5% of a 1M-share ADV over one hour in 12 steps at 100, 2% daily volatility.</summary>
    public static AlmgrenChrissParameters DeskHour { get; } = new();

    private static void Positive(double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and > 0.");
        }
    }

    private static void NonNegative(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and >= 0.");
        }
    }
}
