using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Strategies;

/// <summary>
/// What the passive schedules (passive TWAP, passive VWAP) share: a market-order schedule's slices, each posted as a limit
/// order <c>strategySettings.limitOffsetBps</c> beyond the touch for <c>strategySettings.limitTtlPct</c> of its step, the
/// unfilled rest crossed at expiry (<see cref="PassiveScheduleStrategy"/>). A subclass gives only its id, name, order and
/// holdings schedule.
/// </summary>
public abstract class PassiveScheduleBaseline : BaselineRegistration
{
    /// <summary>How the slices are cut, in words, e.g. "TWAP's equal slices".</summary>
    protected abstract string Slices { get; }

    /// <summary>The holdings schedule (fraction of the order still held at the start of each step, then 0).</summary>
    protected abstract double[] Holdings(Scenario scenario);

    /// <inheritdoc />
    public sealed override string Description =>
        $"{Slices} posted as limit orders (strategySettings.limitOffsetBps beyond the touch, for strategySettings.limitTtlPct of the step); the unfilled rest is crossed.";

    /// <inheritdoc />
    public sealed override bool PostsLimitOrders => true;

    /// <inheritdoc />
    public sealed override IReadOnlyList<StrategyParameter> Parameters => [StrategyParameter.LimitOffsetBps, StrategyParameter.LimitTtlPct];

    /// <inheritdoc />
    public sealed override IExecutionStrategy Create(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return new PassiveScheduleStrategy(Id, Name, Holdings(scenario), Plan(scenario.StrategySettings, ExpiryAction.Cross));
    }

    /// <summary>The limit-order plan the scenario's settings describe.</summary>
    public static LimitOrderPlan Plan(StrategySettings settings, ExpiryAction onExpiry)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new LimitOrderPlan(settings.LimitOffsetBps, settings.LimitTtlPct / 100.0, onExpiry);
    }
}
