using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Strategies.Baselines;

/// <summary>Passive VWAP: VWAP's slices along the expected volume profile, each posted as a limit order at the touch (plus
/// the scenario's offset) and crossed for what is unfilled when its time-to-live ends.</summary>
public sealed class PassiveVwapBaseline : BaselineRegistration
{
    /// <inheritdoc />
    public override string Id => "vwap-passive";

    /// <inheritdoc />
    public override string Name => "Passive VWAP";

    /// <inheritdoc />
    public override string Description => "VWAP's slices posted as limit orders (strategySettings.limitOffsetBps beyond the touch, for strategySettings.limitTtlPct of the step); the unfilled rest is crossed.";

    /// <inheritdoc />
    public override int Order => 22;

    /// <inheritdoc />
    public override bool PostsLimitOrders => true;

    /// <inheritdoc />
    public override IReadOnlyList<StrategyParameter> Parameters => [StrategyParameter.LimitOffsetBps, StrategyParameter.LimitTtlPct];

    /// <inheritdoc />
    public override IExecutionStrategy Create(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return new PassiveScheduleStrategy(Id, Name, VwapBaseline.Holdings(scenario), PassiveTwapBaseline.Plan(scenario.StrategySettings, ExpiryAction.Cross));
    }
}
