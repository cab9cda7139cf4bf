using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Strategies;

/// <summary>
/// How a baseline strategy registers itself: id, display name, description, the parameters it reads and how it is built
/// for a scenario. Every non-abstract subclass in this assembly is found by the <see cref="StrategyRegistry"/>, so adding a
/// baseline is one file (its registration beside its strategy) plus its test.
/// </summary>
public abstract class BaselineRegistration
{
    /// <summary>Stable id, e.g. <c>twap</c> (scenarios and results carry it).</summary>
    public abstract string Id { get; }

    /// <summary>Name shown to users.</summary>
    public abstract string Name { get; }

    /// <summary>What it does, for the builder and the API.</summary>
    public abstract string Description { get; }

    /// <summary>Position in lists (builder, API, the order of a run's strategies); unique.</summary>
    public abstract int Order { get; }

    /// <summary>True when every run compares it whatever the scenario lists.</summary>
    public virtual bool AlwaysCompared => false;

    /// <summary>True when every run with a learned agent (<c>agent:…</c>) compares it, so an agent's credit is what it adds
    /// over this baseline.</summary>
    public virtual bool ComparedWithAgents => false;

    /// <summary>True when it posts limit orders (<see cref="IOrderTypeStrategy"/>): it can earn the spread, so the known
    /// optima of the impact models, which are optima over market-order schedules, do not bound its cost.</summary>
    public virtual bool PostsLimitOrders => false;

    /// <summary>The <c>strategySettings</c> fields it reads.</summary>
    public virtual IReadOnlyList<StrategyParameter> Parameters => [];

    /// <summary>Builds the strategy for a (valid) scenario, deciding only on what is known at each step.</summary>
    public abstract IExecutionStrategy Create(Scenario scenario);

    /// <summary>The typed id.</summary>
    public StrategyId StrategyId => StrategyId.Parse(Id);
}
