using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Strategies.Baselines;

/// <summary>The best static schedule (<see cref="BestStaticSchedule"/>), which every run compares: the bar a learned,
/// adaptive strategy must clear before adaptivity gets the credit.</summary>
/// <remarks>It is optimised on the scenario without its stress events (<see cref="DecisionContext.StrategyView"/>), like
/// every other strategy, which never reads the event list; see <see cref="BestStaticSchedule"/> for its sources.</remarks>
public sealed class BestStaticBaseline : BaselineRegistration
{
    /// <inheritdoc />
    public override string Id => StrategyId.BestStatic;

    /// <inheritdoc />
    public override string Name => "Best static schedule";

    /// <inheritdoc />
    public override string Description => "The deterministic schedule minimising E + λ·Var of the cost (λ = strategySettings.riskAversion) for the scenario's own market: solved exactly for linear-quadratic models, otherwise searched on training paths of the simulator that are never the run's paths. The bar adaptivity must clear.";

    /// <inheritdoc />
    public override int Order => 80;

    /// <inheritdoc />
    public override bool AlwaysCompared => true;

    /// <inheritdoc />
    public override IReadOnlyList<StrategyParameter> Parameters => [StrategyParameter.RiskAversion];

    /// <inheritdoc />
    public override IExecutionStrategy Create(Scenario scenario)
    {
        var best = BestStaticSchedule.Optimise(DecisionContext.StrategyView(scenario));
        return new ScheduleStrategy(Id, "Best static schedule", best.HoldingsFraction) { Warnings = best.Warnings };
    }
}
