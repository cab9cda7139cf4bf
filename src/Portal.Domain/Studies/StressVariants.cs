using Portal.Domain.Scenarios;

namespace Portal.Domain.Studies;

/// <summary>
/// The stress variants of a stress report (a study whose axis is <see cref="StudyAxisNames.Stress"/>): each adds market
/// events (<see cref="MarketEvent"/>, drawn per episode by <see cref="Simulation.StressEvents"/>) to the base scenario's
/// market and keeps everything else, so every variant shares the base scenario's seed, episodes and paths up to the event.
/// </summary>
/// <remarks>
/// <para>Each event draws per episode whether it happens, when (uniform over its window) and how hard (a mean-one lognormal
/// size factor s that raises every multiplier M to M^s); see <see cref="Simulation.StressEvents"/>. The definitions:</para>
/// <list type="bullet">
/// <item><c>none</c>: the base scenario unchanged (the reference row of the report).</item>
/// <item><c>liquidity-collapse</c>: from a start uniform in [10%, 60%] of the horizon, liquidity ×0.3 (−70%) and spread ×3
/// for the rest of the order, size σ = 0.3; impact is divided by the liquidity level (liquidity-scaled impact).</item>
/// <item><c>liquidity-shocks</c>: three independent shocks, each with probability 0.6 and a start uniform over the whole
/// horizon, liquidity ×0.4 and spread ×2, recovering with a 5-minute time constant, size σ = 0.5; liquidity-scaled impact
/// (the intermittent form of the liquidity shocks of Cartea, Jaimungal and Penalva, 2015, ch. 7).</item>
/// <item><c>volatility-spike</c>: from a start uniform in [20%, 80%], volatility ×4, decaying with a 15-minute time
/// constant, size σ = 0.3.</item>
/// <item><c>impact-shift</c>: from a start uniform in [20%, 80%], every impact coefficient ×3 for the rest of the order
/// (an impact regime shift), size σ = 0.3.</item>
/// <item><c>extreme-liquidity-drop</c>: from a start uniform in [10%, 50%], liquidity ×0.1 (a 90% drop, always: size σ = 0
/// so no draw makes it milder than the stated &gt; 80%) and spread ×5 for the rest of the order; liquidity-scaled impact.</item>
/// </list>
/// <para>The base market's own events are kept and the variant's are appended. Strategies never see the event list
/// (<see cref="Simulation.DecisionContext.StrategyView"/>): they learn of a stress only from prices, spread, liquidity and volume.</para>
/// </remarks>
public static class StressVariants
{
    /// <summary>The base scenario unchanged.</summary>
    public const string None = "none";

    /// <summary>Liquidity −70% and spread ×3 from a random time on.</summary>
    public const string LiquidityCollapse = "liquidity-collapse";

    /// <summary>Three random, recovering liquidity shocks.</summary>
    public const string LiquidityShocks = "liquidity-shocks";

    /// <summary>Volatility ×4 at a random time, decaying.</summary>
    public const string VolatilitySpike = "volatility-spike";

    /// <summary>Impact ×3 from a random time on.</summary>
    public const string ImpactShift = "impact-shift";

    /// <summary>Liquidity −90% and spread ×5 from a random time on.</summary>
    public const string ExtremeLiquidityDrop = "extreme-liquidity-drop";

    /// <summary>Every variant, in report order.</summary>
    public static IReadOnlyList<string> Names { get; } = [None, LiquidityCollapse, LiquidityShocks, VolatilitySpike, ImpactShift, ExtremeLiquidityDrop];

    /// <summary>One line per variant, with its numbers.</summary>
    public static string Describe(string name) => name switch
    {
        None => "the base scenario unchanged",
        LiquidityCollapse => "liquidity ×0.3 (−70%) and spread ×3 from a random time in 10–60% of the horizon on (size lognormal σ 0.3), liquidity-scaled impact",
        LiquidityShocks => "3 shocks, each with probability 0.6 at a random time: liquidity ×0.4, spread ×2, 5-minute recovery (size σ 0.5), liquidity-scaled impact",
        VolatilitySpike => "volatility ×4 at a random time in 20–80% of the horizon, 15-minute recovery (size σ 0.3)",
        ImpactShift => "impact coefficients ×3 from a random time in 20–80% of the horizon on (size σ 0.3)",
        ExtremeLiquidityDrop => "liquidity ×0.1 (−90%) and spread ×5 from a random time in 10–50% of the horizon on, liquidity-scaled impact",
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, $"Unknown stress variant; allowed: {string.Join(", ", Names)}"),
    };

    /// <summary>The events a variant adds (empty for <see cref="None"/>).</summary>
    public static IReadOnlyList<MarketEvent> Events(string name) => name switch
    {
        None => [],
        LiquidityCollapse => [new MarketEvent { AtFraction = 0.1, LatestAtFraction = 0.6, SizeLogStd = 0.3, LiquidityMultiplier = 0.3, SpreadMultiplier = 3 }],
        LiquidityShocks => [.. Enumerable.Range(0, 3).Select(_ => new MarketEvent
        {
            AtFraction = 0, LatestAtFraction = 1, Probability = 0.6, SizeLogStd = 0.5, LiquidityMultiplier = 0.4, SpreadMultiplier = 2, RecoveryMinutes = 5,
        })],
        VolatilitySpike => [new MarketEvent { AtFraction = 0.2, LatestAtFraction = 0.8, SizeLogStd = 0.3, VolatilityMultiplier = 4, RecoveryMinutes = 15 }],
        ImpactShift => [new MarketEvent { AtFraction = 0.2, LatestAtFraction = 0.8, SizeLogStd = 0.3, ImpactMultiplier = 3 }],
        ExtremeLiquidityDrop => [new MarketEvent { AtFraction = 0.1, LatestAtFraction = 0.5, LiquidityMultiplier = 0.1, SpreadMultiplier = 5 }],
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, $"Unknown stress variant; allowed: {string.Join(", ", Names)}"),
    };

    /// <summary>True when the variant acts through liquidity, so impact must scale with it for the stress to bite.</summary>
    public static bool ScalesImpactWithLiquidity(string name) => name is LiquidityCollapse or LiquidityShocks or ExtremeLiquidityDrop;

    /// <summary><paramref name="market"/> under the named variant: its events followed by the variant's, and liquidity-scaled
    /// impact for the liquidity variants. <see cref="None"/> returns the market itself.</summary>
    public static MarketSpec Apply(MarketSpec market, string name)
    {
        ArgumentNullException.ThrowIfNull(market);
        var events = Events(name);
        if (events.Count == 0) return market;
        var impact = ScalesImpactWithLiquidity(name) ? market.Impact with { LiquidityScaled = true } : market.Impact;
        return market with { Impact = impact, Events = [.. market.Events, .. events] };
    }
}
