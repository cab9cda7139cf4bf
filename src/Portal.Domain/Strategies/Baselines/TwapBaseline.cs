using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Strategies.Baselines;

/// <summary>TWAP: equal child orders at every step; the passive reference of every paired difference, so every run compares it.</summary>
public sealed class TwapBaseline : BaselineRegistration
{
    /// <inheritdoc />
    public override string Id => "twap";

    /// <inheritdoc />
    public override string Name => "TWAP";

    /// <inheritdoc />
    public override string Description => "Equal child orders at every step.";

    /// <inheritdoc />
    public override int Order => 10;

    /// <inheritdoc />
    public override bool AlwaysCompared => true;

    /// <inheritdoc />
    public override IExecutionStrategy Create(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        int n = scenario.Order.Steps;
        return new ScheduleStrategy(Id, "TWAP", ScheduleStrategy.LinearHoldings(n, n));
    }
}
