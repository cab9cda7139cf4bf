using Portal.Domain.Scenarios;

namespace Portal.Domain.Strategies.Baselines;

/// <summary>Passive TWAP: TWAP's equal slices, each posted as a limit order at the touch (plus the scenario's offset) and
/// crossed with a market order for what is unfilled when its time-to-live ends.</summary>
public sealed class PassiveTwapBaseline : PassiveScheduleBaseline
{
    /// <inheritdoc />
    public override string Id => "twap-passive";

    /// <inheritdoc />
    public override string Name => "Passive TWAP";

    /// <inheritdoc />
    public override int Order => 12;

    /// <inheritdoc />
    protected override string Slices => "TWAP's equal slices";

    /// <inheritdoc />
    protected override double[] Holdings(Scenario scenario) => ScheduleStrategy.LinearHoldings(scenario.Order.Steps, scenario.Order.Steps);
}
