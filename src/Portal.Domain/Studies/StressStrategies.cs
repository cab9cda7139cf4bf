using Portal.Domain.Scenarios;
using Portal.Domain.Strategies;

namespace Portal.Domain.Studies;

/// <summary>
/// The strategies a stress report may compare: baselines, trained agents (<c>agent:…</c>) and guarded strategies
/// (<c>guarded:ID</c>, ID a baseline or an agent). A guarded id is not a strategy of its own in a scenario: it turns on the
/// scenario's risk guards for ID (<c>strategySettings.guards.strategies</c>), so the run trades ID and its guarded twin on
/// the same paths (<see cref="GuardedStrategy"/>).
/// </summary>
public static class StressStrategies
{
    /// <summary>The guards a <c>guarded:</c> request turns on when the scenario has none: the circuit breaker with its
    /// defaults and the confidence fallback with its threshold taken from the data (the 95th percentile of the strategy's
    /// own signal on calibration paths of the nominal market, see <see cref="FallbackGuardSettings.ThresholdQuantile"/>).</summary>
    public static GuardSettings DefaultGuards { get; } = new()
    {
        Fallback = new FallbackGuardSettings { ThresholdQuantile = 0.95 },
        Breaker = new CircuitBreakerSettings(),
    };

    /// <summary>True when a stress report may list <paramref name="id"/>.</summary>
    public static bool IsAllowed(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return false;
        if (id.StartsWith(GuardedStrategy.IdPrefix, StringComparison.Ordinal)) id = id[GuardedStrategy.IdPrefix.Length..];
        return StrategyRegistry.IsBaseline(id) || (StrategyId.IsAgentId(id) && id.Length > StrategyId.AgentPrefix.Length);
    }

    /// <summary>Why <paramref name="id"/> is refused, with what is allowed.</summary>
    public static string Refusal(string? id) =>
        $"'{id}' is not a baseline, a trained agent ({StrategyId.AgentPrefix}ID) or a guarded one ({GuardedStrategy.IdPrefix}ID); baselines: {string.Join(", ", StrategyRegistry.Baselines.Select(b => b.Id))}";

    /// <summary>The strategies guarded by the <c>guarded:</c> ids of <paramref name="ids"/>, in order, once each.</summary>
    public static IReadOnlyList<string> GuardedInners(IEnumerable<string> ids) =>
        [.. ids.Where(i => i is not null && i.StartsWith(GuardedStrategy.IdPrefix, StringComparison.Ordinal)).Select(i => i[GuardedStrategy.IdPrefix.Length..]).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// The scenario a stress variant runs: its <c>guarded:ID</c> strategies replaced by ID (added where the list lacks it)
    /// and ID added to the guarded strategies of <c>strategySettings.guards</c> (the scenario's guards, or
    /// <see cref="DefaultGuards"/> when it has none; a scenario that guards every agent keeps guarding them). A scenario
    /// without guarded ids is returned unchanged.
    /// </summary>
    public static Scenario Apply(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (scenario.Strategies is null || scenario.StrategySettings is null) return scenario;
        var inners = GuardedInners(scenario.Strategies);
        if (inners.Count == 0) return scenario;
        var plain = scenario.Strategies.Where(i => i is not null && !i.StartsWith(GuardedStrategy.IdPrefix, StringComparison.Ordinal)).ToList();
        foreach (var inner in inners)
        {
            if (!plain.Contains(inner, StringComparer.Ordinal)) plain.Add(inner);
        }
        var guards = scenario.StrategySettings.Guards ?? DefaultGuards;
        IEnumerable<string> already = guards.Strategies is { Count: > 0 } listed ? listed : plain.Where(StrategyId.IsAgentId);
        if (scenario.StrategySettings.Guards is null) already = [];
        var targets = already.Concat(inners).Distinct(StringComparer.Ordinal).ToList();
        return scenario with
        {
            Strategies = plain,
            StrategySettings = scenario.StrategySettings with { Guards = guards with { Strategies = targets } },
        };
    }
}
