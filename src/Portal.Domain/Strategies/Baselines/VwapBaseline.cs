using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Strategies.Baselines;

/// <summary>VWAP: child orders proportional to the expected intraday volume profile of the scenario's market.</summary>
public sealed class VwapBaseline : BaselineRegistration
{
    /// <inheritdoc />
    public override string Id => "vwap";

    /// <inheritdoc />
    public override string Name => "VWAP";

    /// <inheritdoc />
    public override string Description => "Child orders proportional to the expected intraday volume profile.";

    /// <inheritdoc />
    public override int Order => 20;

    /// <inheritdoc />
    public override IExecutionStrategy Create(Scenario scenario) => new ScheduleStrategy(Id, "VWAP", Holdings(scenario));

    /// <summary>VWAP holdings (fractions of the order) along the expected intraday volume profile.</summary>
    public static double[] Holdings(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var model = new MarketModel(scenario);
        var v = model.ExpectedVolume;
        double total = v.Sum();
        var x = new double[v.Length + 1];
        x[0] = 1;
        double done = 0;
        for (int k = 0; k < v.Length; k++)
        {
            done += v[k];
            x[k + 1] = Math.Max(0, 1 - done / total);
        }

        x[^1] = 0;
        return x;
    }
}
