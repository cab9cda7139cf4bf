using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Strategies.Baselines;

/// <summary>Immediate: the whole order at the first step (the most urgent schedule, the upper bound on impact cost).</summary>
public sealed class ImmediateBaseline : BaselineRegistration
{
    /// <inheritdoc />
    public override string Id => "immediate";

    /// <inheritdoc />
    public override string Name => "Immediate";

    /// <inheritdoc />
    public override string Description => "Trades the whole order at the first step.";

    /// <inheritdoc />
    public override int Order => 0;

    /// <inheritdoc />
    public override IExecutionStrategy Create(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return new ScheduleStrategy(Id, "Immediate", ScheduleStrategy.LinearHoldings(scenario.Order.Steps, 1));
    }
}
