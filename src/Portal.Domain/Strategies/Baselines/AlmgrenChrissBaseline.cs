using Portal.Domain.Impact;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Strategies.Baselines;

/// <summary>Almgren–Chriss (risk-averse): the optimal trajectory for risk aversion λ = <c>strategySettings.riskAversion</c>.</summary>
/// <remarks>Almgren and Chriss (2000), "Optimal execution of portfolio transactions", J. Risk 3(2): holdings
/// x_k = X·sinh(κ(T − t_k))/sinh(κT) with κ from λσ²/η̃ (eq. 20, η̃ = η − γτ/2); see <see cref="AlmgrenChriss"/>.</remarks>
public sealed class AlmgrenChrissBaseline : BaselineRegistration
{
    /// <inheritdoc />
    public override string Id => "ac";

    /// <inheritdoc />
    public override string Name => "Almgren–Chriss (risk-averse)";

    /// <inheritdoc />
    public override string Description => "Almgren–Chriss (2000) optimal trajectory for risk aversion λ = strategySettings.riskAversion, using market.impact.eta and gamma (the Almgren–Chriss defaults on another impact model).";

    /// <inheritdoc />
    public override int Order => 40;

    /// <inheritdoc />
    public override IReadOnlyList<StrategyParameter> Parameters => [StrategyParameter.RiskAversion];

    /// <inheritdoc />
    public override IExecutionStrategy Create(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        double lambda = scenario.StrategySettings.RiskAversion;
        return new ScheduleStrategy(Id, $"Almgren–Chriss ({ReadableNumber.RiskAversion(lambda)})", Holdings(scenario, lambda));
    }

    /// <summary>Almgren–Chriss holdings (as fractions of the order) for risk aversion λ; trades at once when the
    /// effective temporary impact η̃ is not positive and λ &gt; 0 (the closed form does not exist there).</summary>
    public static double[] Holdings(Scenario s, double lambda)
    {
        ArgumentNullException.ThrowIfNull(s);
        var m = s.Market;
        double sigma = m.DailyVolatility * m.ArrivalPrice;
        var ac = Portal.Domain.Backtesting.StrategyCatalog.AcCoefficients(m);
        double etaTilde = ac.Eta - 0.5 * ac.Gamma * s.StepDays;
        if (!(etaTilde > 0) && lambda > 0 && sigma > 0)
        {
            var now = new double[s.Order.Steps + 1];
            now[0] = 1;
            return now;
        }

        double kappa = AlmgrenChriss.Kappa(lambda, sigma, ac.Eta, ac.Gamma, s.StepDays);
        return AlmgrenChriss.Holdings(1, kappa, s.HorizonDays, s.Order.Steps);
    }
}
