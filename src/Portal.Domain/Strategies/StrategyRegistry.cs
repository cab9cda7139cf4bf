using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Strategies;

/// <summary>
/// Every baseline strategy, found once from the <see cref="BaselineRegistration"/> subclasses of this assembly and
/// ordered by <see cref="BaselineRegistration.Order"/>. The builder, the API, the command line, reports and leaderboards
/// read it instead of lists of ids.
/// </summary>
public static class StrategyRegistry
{
    private static readonly Lazy<IReadOnlyList<BaselineRegistration>> All = new(Discover);

    /// <summary>Every registered baseline, in display order.</summary>
    public static IReadOnlyList<BaselineRegistration> Baselines => All.Value;

    /// <summary>Every <c>strategySettings</c> parameter some baseline reads, once each, in the order of the
    /// <see cref="StrategySettings"/> fields (the order validation reports them in).</summary>
    public static IReadOnlyList<StrategyParameter> Parameters => AllParameters.Value;

    private static readonly Lazy<IReadOnlyList<StrategyParameter>> AllParameters = new(() =>
    {
        var fields = typeof(StrategySettings).GetProperties().Select(p => p.Name).ToList();
        return [.. Baselines.SelectMany(b => b.Parameters).Distinct()
            .OrderBy(p => fields.FindIndex(f => string.Equals(f, p.Field, StringComparison.OrdinalIgnoreCase)))];
    });

    /// <summary>Ids of the baselines every run compares, in display order.</summary>
    public static IReadOnlyList<string> AlwaysCompared => [.. Baselines.Where(b => b.AlwaysCompared).Select(b => b.Id)];

    /// <summary>Ids of the baselines every run with a learned agent also compares (the online re-optimisation), in display order.</summary>
    public static IReadOnlyList<string> ComparedWithAgents => [.. Baselines.Where(b => b.ComparedWithAgents && !b.AlwaysCompared).Select(b => b.Id)];

    /// <summary>The baselines a run of <paramref name="strategyIds"/> compares whatever it lists: <see cref="AlwaysCompared"/>,
    /// and <see cref="ComparedWithAgents"/> when one of them is a learned agent.</summary>
    public static IReadOnlyList<string> ComparedFor(IEnumerable<string> strategyIds)
    {
        ArgumentNullException.ThrowIfNull(strategyIds);
        return strategyIds.Any(StrategyId.IsAgentId) ? [.. AlwaysCompared, .. ComparedWithAgents] : AlwaysCompared;
    }

    /// <summary>True when <paramref name="id"/> is a registered baseline.</summary>
    public static bool IsBaseline(string? id) => id is not null && Baselines.Any(b => b.Id == id);

    /// <summary>The registration of baseline <paramref name="id"/>, or null.</summary>
    public static BaselineRegistration? Find(string? id) => Baselines.FirstOrDefault(b => b.Id == id);

    /// <summary>Position of <paramref name="id"/> in display order; <see cref="int.MaxValue"/> for anything else.</summary>
    public static int OrderOf(string id)
    {
        for (int k = 0; k < Baselines.Count; k++)
        {
            if (Baselines[k].Id == id) return k;
        }
        return int.MaxValue;
    }

    /// <summary>Creates baseline <paramref name="id"/> for a scenario.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is not a baseline; the message lists the allowed ids.</exception>
    public static IExecutionStrategy Create(string id, Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var registration = Find(id) ?? throw new ArgumentOutOfRangeException(nameof(id), id, $"Unknown strategy; allowed: {string.Join(", ", Baselines.Select(b => b.Id))}");
        return registration.Create(scenario);
    }

    private static IReadOnlyList<BaselineRegistration> Discover()
    {
        var list = typeof(StrategyRegistry).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && typeof(BaselineRegistration).IsAssignableFrom(t))
            .Select(t => (BaselineRegistration)(Activator.CreateInstance(t)
                ?? throw new InvalidOperationException($"{t.Name} needs a public parameterless constructor.")))
            .OrderBy(b => b.Order)
            .ToList();
        var twice = list.GroupBy(b => b.Id).FirstOrDefault(g => g.Count() > 1)?.Key
            ?? list.GroupBy(b => b.Order).Where(g => g.Count() > 1).Select(g => g.First().Id).FirstOrDefault();
        if (twice is not null) throw new InvalidOperationException($"Baseline '{twice}' shares its id or order with another registration.");
        return list;
    }
}
