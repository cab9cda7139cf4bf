using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Strategies.Baselines;

/// <summary>Passive TWAP: TWAP's equal slices, each posted as a limit order at the touch (plus the scenario's offset) and
/// crossed with a market order for what is unfilled when its time-to-live ends.</summary>
public sealed class PassiveTwapBaseline : BaselineRegistration
{
    /// <inheritdoc />
    public override string Id => "twap-passive";

    /// <inheritdoc />
    public override string Name => "Passive TWAP";

    /// <inheritdoc />
    public override string Description => "TWAP's equal slices posted as limit orders (strategySettings.limitOffsetBps beyond the touch, for strategySettings.limitTtlPct of the step); the unfilled rest is crossed.";

    /// <inheritdoc />
    public override int Order => 12;

    /// <inheritdoc />
    public override bool PostsLimitOrders => true;

    /// <inheritdoc />
    public override IReadOnlyList<StrategyParameter> Parameters => [StrategyParameter.LimitOffsetBps, StrategyParameter.LimitTtlPct];

    /// <inheritdoc />
    public override IExecutionStrategy Create(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        int n = scenario.Order.Steps;
        return new PassiveScheduleStrategy(Id, Name, ScheduleStrategy.LinearHoldings(n, n), Plan(scenario.StrategySettings, ExpiryAction.Cross));
    }

    /// <summary>The limit-order plan the scenario's settings describe.</summary>
    public static LimitOrderPlan Plan(StrategySettings settings, ExpiryAction onExpiry)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new LimitOrderPlan(settings.LimitOffsetBps, settings.LimitTtlPct / 100.0, onExpiry);
    }
}
