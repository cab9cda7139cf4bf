using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies;

namespace Portal.Domain.Backtesting;

/// <summary>The strategies of a run: the scenario's baselines (from the <see cref="StrategyRegistry"/>), extra strategies
/// such as trained agents, and the baselines every run compares.</summary>
public static class StrategyCatalog
{
    /// <summary>Every registered baseline (<see cref="StrategyRegistry.Baselines"/>).</summary>
    public static IReadOnlyList<BaselineRegistration> Baselines => StrategyRegistry.Baselines;

    /// <summary>Baselines every run compares whatever the scenario lists: TWAP (the passive reference of every paired
    /// difference), Random (the floor a strategy worth anything must clear) and the best static schedule (the bar a
    /// learned, adaptive strategy must clear before adaptivity gets the credit).</summary>
    public static IReadOnlyList<string> AlwaysCompared => StrategyRegistry.AlwaysCompared;

    /// <summary>Id of the best static schedule (<see cref="BestStaticSchedule"/>).</summary>
    public const string BestStatic = "best-static";

    /// <summary>
    /// The strategies of a run: the scenario's, in its order (an id found among <paramref name="extras"/> is that strategy,
    /// e.g. a trained agent), then the remaining extras, then <see cref="AlwaysCompared"/> where missing (an extra with such an id in its place) (only TWAP, the reference of paired differences, when <paramref name="alwaysCompared"/> is false).
    /// </summary>
    /// <exception cref="ArgumentException">An id is neither a baseline nor an extra strategy; the message names it.</exception>
    public static List<IExecutionStrategy> Resolve(Scenario scenario, IReadOnlyList<IExecutionStrategy>? extras, bool alwaysCompared = true)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        extras ??= [];
        var list = new List<IExecutionStrategy>();
        foreach (string id in scenario.Strategies)
        {
            var extra = extras.FirstOrDefault(x => x.Id == id);
            if (extra is not null) list.Add(extra);
            else if (IsBaseline(id)) list.Add(Create(id, scenario));
            else throw new ArgumentException($"Strategy '{id}' is neither a baseline nor among the extra strategies supplied.", nameof(scenario));
        }

        IReadOnlyList<string> compared = alwaysCompared ? AlwaysCompared : [StrategyId.Twap.Value];
        foreach (var extra in extras)
        {
            if (!list.Any(x => x.Id == extra.Id) && !compared.Contains(extra.Id)) list.Add(extra);
        }

        // An extra with the id of an always-compared baseline (e.g. a best static schedule searched once for every shard of
        // a run) takes that baseline's place, so the order of strategies is the same whether it was built here or before.
        foreach (string id in compared)
        {
            if (!list.Any(x => x.Id == id)) list.Add(extras.FirstOrDefault(x => x.Id == id) ?? Create(id, scenario));
        }

        return list;
    }

    /// <summary>True when <paramref name="id"/> is a baseline id.</summary>
    public static bool IsBaseline(string id) => StrategyRegistry.IsBaseline(id);

    /// <summary>Creates baseline <paramref name="id"/> for a scenario.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is not a baseline.</exception>
    public static IExecutionStrategy Create(string id, Scenario s) => StrategyRegistry.Create(id, s);

    /// <summary>The Almgren–Chriss coefficients the <c>ac</c> schedules plan with: the market's own on an Almgren–Chriss
    /// market, otherwise the model's defaults (an <c>ac</c> schedule in another world is a fixed reference shape, not an
    /// optimum of that world).</summary>
    public static AlmgrenChrissImpactSpec AcCoefficients(MarketSpec market)
    {
        ArgumentNullException.ThrowIfNull(market);
        return market.Impact as AlmgrenChrissImpactSpec ?? new AlmgrenChrissImpactSpec();
    }

    /// <summary>The resilience ρ (per day) the <c>ow</c> schedule plans with: the market's own on an Obizhaeva–Wang
    /// market, otherwise the model's default.</summary>
    public static double OwResilience(MarketSpec market)
    {
        ArgumentNullException.ThrowIfNull(market);
        return (market.Impact as ObizhaevaWangImpactSpec ?? new ObizhaevaWangImpactSpec()).ResiliencePerDay;
    }
}
