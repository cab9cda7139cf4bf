using Portal.Domain.Impact;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Strategies.Baselines;

/// <summary>Obizhaeva–Wang optimum: the discrete optimal schedule of the linear block-book model with resilience ρ.</summary>
/// <remarks>Obizhaeva and Wang (2013), "Optimal trading strategy and supply/demand dynamics", J. Financial Markets 16(1);
/// discrete optimum after Alfonsi, Fruth and Schied (2010), Quantitative Finance 10(2): see <see cref="ObizhaevaWang.OptimalTrades"/>,
/// with ρ = <c>market.impact.resiliencePerDay</c> and τ the step length in days.</remarks>
public sealed class ObizhaevaWangBaseline : BaselineRegistration
{
    /// <inheritdoc />
    public override string Id => "ow";

    /// <inheritdoc />
    public override string Name => "Obizhaeva–Wang optimum";

    /// <inheritdoc />
    public override string Description => "Discrete optimum of the linear block-book model with resilience market.impact.resiliencePerDay (Alfonsi, Fruth and Schied, 2010; the default 50 a day on another impact model).";

    /// <inheritdoc />
    public override int Order => 60;

    /// <inheritdoc />
    public override IExecutionStrategy Create(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return new ScheduleStrategy(Id, "Obizhaeva–Wang optimum", Holdings(Portal.Domain.Backtesting.StrategyCatalog.OwResilience(scenario.Market), scenario.StepDays, scenario.Order.Steps));
    }

    /// <summary>Discrete Obizhaeva–Wang optimal holdings (fractions of the order) for resilience ρ per day, step τ days, n steps.</summary>
    public static double[] Holdings(double rho, double tau, int n)
    {
        var trades = ObizhaevaWang.OptimalTrades(1, rho, tau, n);
        var x = new double[n + 1];
        x[0] = 1;
        for (int k = 0; k < n; k++) x[k + 1] = Math.Max(0, x[k] - trades[k]);
        x[^1] = 0;
        return x;
    }
}
