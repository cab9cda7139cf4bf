using Portal.Domain.Backtesting;
using Portal.Domain.Impact;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Strategies.Baselines;

/// <summary>Online re-optimisation: at every step, re-estimate volatility and liquidity from what the market has shown and
/// re-solve the best static schedule for the remaining quantity and time (receding horizon). Every run with a learned agent
/// compares it, so an agent's credit is what it adds over this classic adaptive baseline.</summary>
/// <remarks>See <see cref="ReoptimisationStrategy"/> for the estimates and the re-solve.</remarks>
public sealed class ReoptimisationBaseline : BaselineRegistration
{
    /// <summary>The id, <c>reopt</c>.</summary>
    public const string StrategyIdValue = "reopt";

    /// <inheritdoc />
    public override string Id => StrategyIdValue;

    /// <inheritdoc />
    public override string Name => "Online re-optimisation";

    /// <inheritdoc />
    public override string Description => "Receding horizon: at each step re-estimates volatility (realised, past increments only) and liquidity (current level) and re-solves the best static schedule for the remaining quantity and time with the Almgren–Chriss urgency of those estimates (λ = strategySettings.riskAversion). Compared in every run with a learned agent.";

    /// <inheritdoc />
    public override int Order => 85;

    /// <inheritdoc />
    public override bool ComparedWithAgents => true;

    /// <inheritdoc />
    public override IReadOnlyList<StrategyParameter> Parameters => [StrategyParameter.RiskAversion];

    /// <inheritdoc />
    public override IExecutionStrategy Create(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var view = DecisionContext.StrategyView(scenario);
        var best = BestStaticSchedule.Optimise(view);
        return new ReoptimisationStrategy(view, best.HoldingsFraction);
    }
}

/// <summary>The receding-horizon re-optimisation of <see cref="ReoptimisationBaseline"/>.</summary>
/// <remarks>
/// <para><b>Estimates</b> (known at the start of step k, <see cref="Observation"/>): volatility σ̂ = σ·v̂ with v̂ the realised
/// volatility of the past unaffected-mid increments relative to the model's (<see cref="Observation.RealizedVolatility"/>,
/// an exponential average of squared standardised increments up to the start of the step); liquidity ℓ̂ the current level
/// (<see cref="Observation.Liquidity"/>), which divides the impact coefficients when the market scales impact with
/// liquidity (<see cref="ImpactSpec.LiquidityScaled"/>) and does not move them otherwise. Both are assumed to persist over
/// the rest of the horizon (the receding-horizon certainty-equivalent assumption; Almgren, 2009, "Optimal trading in a
/// dynamic market", and Cartea, Jaimungal and Penalva, 2015, "Algorithmic and High-Frequency Trading", section 6.5).</para>
/// <para><b>Re-solve.</b> In a linear-quadratic Almgren–Chriss market the best static schedule of the remaining quantity r
/// over the remaining M = N − k steps is the closed form of Almgren and Chriss (2000, eq. 20), scaled to r:
/// <c>x_(k+j) = r·sinh(κ̂(M − j)τ)/sinh(κ̂Mτ)</c>, κ̂ solving <c>(2/τ²)(cosh(κ̂τ) − 1) = λσ̂²/η̃̂</c>, η̃̂ = (η − γτ/2)/ℓ̂
/// (<see cref="AlmgrenChriss.Kappa"/>; the problem is homogeneous in r, so the fraction of the remainder to trade now does
/// not depend on r). Only its first slice is traded: <c>1 − sinh(κ̂(M − 1)τ)/sinh(κ̂Mτ)</c>. For any market the strategy
/// starts from the scenario's own best static schedule H (<see cref="BestStaticSchedule"/>, which in the linear-quadratic
/// case is that closed form) and tilts its tail by the ratio of the re-estimated to the nominal Almgren–Chriss tails:
/// <c>x̂_(k+1)/x̂_k = (H_(k+1)/H_k)·A(κ̂)/A(κ)</c> with <c>A(κ) = sinh(κ(M − 1)τ)/sinh(κMτ)</c> (M·τ replaced by the limit
/// (M − 1)/M as κ → 0). So when the estimates equal the model's (v̂ = 1, ℓ̂ = 1) it trades exactly the best static schedule,
/// and in the Almgren–Chriss world it is the exact receding-horizon optimum; the Almgren–Chriss coefficients of another
/// impact model are <see cref="StrategyCatalog.AcCoefficients"/>. The fraction is clamped to [0, 1]; the last step sells
/// the rest.</para>
/// <para>Decisions read only the episode's own observation at the start of the step and fixed scenario facts, so the
/// strategy keeps no state between calls.</para>
/// </remarks>
public sealed class ReoptimisationStrategy : IExecutionStrategy
{
    private readonly double[] _holdings;
    private readonly double _lambda, _sigma, _etaTilde, _tau;
    private readonly bool _liquidityScaled;
    private readonly double[] _nominalTail;

    /// <summary>Creates the strategy for a scenario (as strategies see it) and its best static holdings (fractions, steps + 1 points).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The holdings do not have steps + 1 points.</exception>
    public ReoptimisationStrategy(Scenario scenario, IReadOnlyList<double> bestStaticHoldings)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(bestStaticHoldings);
        int n = scenario.Order.Steps;
        if (bestStaticHoldings.Count != n + 1)
            throw new ArgumentOutOfRangeException(nameof(bestStaticHoldings), bestStaticHoldings.Count, $"Need steps + 1 = {n + 1} holdings.");
        _holdings = [.. bestStaticHoldings];
        var ac = StrategyCatalog.AcCoefficients(scenario.Market);
        _lambda = scenario.StrategySettings.RiskAversion;
        _sigma = scenario.Market.DailyVolatility * scenario.Market.ArrivalPrice;
        _tau = scenario.StepDays;
        _etaTilde = ac.Eta - 0.5 * ac.Gamma * _tau;
        _liquidityScaled = scenario.Market.Impact.LiquidityScaled;
        _nominalTail = new double[n];
        double kappa = Kappa(1, 1);
        for (int k = 0; k < n; k++) _nominalTail[k] = Tail(kappa, n - k);
    }

    /// <inheritdoc />
    public string Id => ReoptimisationBaseline.StrategyIdValue;

    /// <inheritdoc />
    public string DisplayName => "Online re-optimisation";

    /// <summary>The best static holdings the strategy starts from (fractions of the order).</summary>
    public IReadOnlyList<double> BestStaticHoldings => _holdings;

    /// <inheritdoc />
    public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining)
    {
        int k = context.Step;
        int remainingSteps = context.Steps - k;
        for (int e = 0; e < fractionOfRemaining.Length; e++)
            fractionOfRemaining[e] = remainingSteps <= 1 ? 1 : Fraction(k, remainingSteps, observations[e].RealizedVolatility, observations[e].Liquidity);
    }

    /// <summary>The fraction of the remainder traded at step <paramref name="step"/> for relative volatility and liquidity
    /// estimates <paramref name="volatilityRatio"/> (σ̂/σ) and <paramref name="liquidity"/> (ℓ̂).</summary>
    public double Fraction(int step, int remainingSteps, double volatilityRatio, double liquidity)
    {
        double h = _holdings[step];
        if (!(h > 0)) return 1;
        double staticKeep = _holdings[step + 1] / h;
        double nominal = _nominalTail[step];
        double estimated = Tail(Kappa(volatilityRatio, liquidity), remainingSteps);
        double keep = nominal > 0 ? staticKeep * estimated / nominal : staticKeep;
        double f = 1 - keep;
        return f > 0 ? (f < 1 ? f : 1) : 0;
    }

    /// <summary>Almgren–Chriss urgency κ for the estimates; 0 when there is no finite urgency (no risk aversion, no
    /// volatility, a liquidity estimate that is not positive, or η̃ ≤ 0, where the closed form does not exist).</summary>
    private double Kappa(double volatilityRatio, double liquidity)
    {
        double v = double.IsFinite(volatilityRatio) && volatilityRatio > 0 ? volatilityRatio : 0;
        double l = _liquidityScaled ? liquidity : 1;
        if (_lambda == 0 || _sigma == 0 || v == 0 || !(_etaTilde > 0) || !(l > 0) || !double.IsFinite(l)) return 0;
        double sigma = _sigma * v;
        double etaTilde = _etaTilde / l;
        double kt2 = _lambda * sigma * sigma / etaTilde * _tau * _tau;
        return Math.Acosh(1 + 0.5 * kt2) / _tau;
    }

    /// <summary>Share of the remainder kept after the next step in the Almgren–Chriss trajectory over <paramref name="m"/> steps.</summary>
    private double Tail(double kappa, int m)
    {
        double kt = kappa * _tau;
        if (kt * m < 1e-9) return (m - 1.0) / m;
        if (kt * m > 700) return Math.Exp(-kt);
        return Math.Sinh(kt * (m - 1)) / Math.Sinh(kt * m);
    }
}
