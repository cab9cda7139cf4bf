using Portal.Domain.Backtesting;
using Portal.Domain.Impact;
using Portal.Domain.Scenarios;
using Portal.Domain.Strategies.Baselines;

namespace Portal.Domain.Studies;

/// <summary>One point of an efficient frontier: risk aversion, expected cost and its standard deviation in bps of the
/// arrival notional.</summary>
public sealed record FrontierPoint(double RiskAversion, double MeanBps, double StdBps);

/// <summary>The Almgren–Chriss efficient frontier of a scenario: expected cost against its standard deviation of the optimal
/// static trajectory as λ varies.</summary>
/// <remarks>
/// Almgren and Chriss (2000), "Optimal execution of portfolio transactions", J. Risk 3(2), section 3 ("The efficient
/// frontier"): for each λ the optimal holdings x_j = X·sinh(κ(T − t_j))/sinh(κT) (<see cref="AlmgrenChrissBaseline.Holdings"/>),
/// whose expected cost E(x) and variance V(x) = σ²·Σ τ·x_k² (<see cref="AlmgrenChriss.Variance"/>) trace the frontier
/// (E, √V). Symbols: σ = <c>market.dailyVolatility</c> × <c>market.arrivalPrice</c> (currency per share per day^½),
/// τ = the step in trading days, X the order in shares. E is evaluated on the scenario's own cost model
/// (<see cref="KnownOptimum.ExpectedCost"/>: half-spread, ε, temporary and permanent impact, fees), so the curve sits where
/// the simulated <c>ac</c> means should fall. It exists only where the model has the closed form: Almgren–Chriss impact, an
/// arithmetic Brownian price without drift, jumps or events, constant spread and liquidity, no participation cap.
/// </remarks>
public static class EfficientFrontier
{
    /// <summary>Whether the scenario's market has the Almgren–Chriss closed form.</summary>
    public static bool HasClosedForm(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return scenario.Market.Impact is AlmgrenChrissImpactSpec
            && KnownOptimum.For(scenario with { StrategySettings = scenario.StrategySettings with { RiskAversion = 0 } }) is not null;
    }

    /// <summary>The frontier points at each λ of <paramref name="lambdas"/>, or null when the model has no closed form.</summary>
    public static IReadOnlyList<FrontierPoint>? AlmgrenChriss(Scenario scenario, IEnumerable<double> lambdas)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(lambdas);
        if (!HasClosedForm(scenario)) return null;
        double notional = scenario.Quantity * scenario.Market.ArrivalPrice;
        double sigma = scenario.Market.DailyVolatility * scenario.Market.ArrivalPrice;
        var points = new List<FrontierPoint>();
        foreach (double lambda in lambdas)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(lambda);
            var fraction = AlmgrenChrissBaseline.Holdings(scenario, lambda);
            var shares = fraction.Select(f => f * scenario.Quantity).ToArray();
            double e = KnownOptimum.ExpectedCost(scenario, fraction);
            double v = Impact.AlmgrenChriss.Variance(shares, sigma, scenario.StepDays);
            points.Add(new FrontierPoint(lambda, e / notional * 1e4, Math.Sqrt(v) / notional * 1e4));
        }
        return points;
    }

    /// <summary>λ values to draw the curve between <paramref name="min"/> and <paramref name="max"/>: λ = 0 when it is in
    /// range, and <paramref name="count"/> log-spaced values over the positive part.</summary>
    public static IReadOnlyList<double> Sweep(double min, double max, int count = 40)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(min);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        var values = new List<double>();
        if (min == 0) values.Add(0);
        double low = min > 0 ? min : max / 1000;
        if (max <= 0) return values;
        double a = Math.Log(low), b = Math.Log(max);
        for (int i = 0; i < count; i++) values.Add(Math.Exp(a + (b - a) * i / (count - 1)));
        return values;
    }
}
