using System.Globalization;
using Portal.Domain.Scenarios;

namespace Portal.Domain.QualityDiversity;

/// <summary>The niches of a MAP-Elites archive: a grid of market regimes, realised volatility × liquidity.</summary>
/// <remarks>
/// <para>Each axis is a multiplier of the base scenario's level (volatility of its <c>dailyVolatility</c>, liquidity of its
/// liquidity level, which scales market volume and, with liquidity-scaled impact, impact), split into bins of equal width in
/// log space between a low and a high bound; a niche is one (volatility bin, liquidity bin) cell, as in the 3×3
/// volatility × liquidity grid of MAP-Elites execution specialists (descriptors chosen from the market, not from the
/// policy's behaviour: the multi-task variant of MAP-Elites, Mouret and Maguire, 2020, "Quality Diversity for Multi-task
/// Optimization", GECCO).</para>
/// <para>How a niche's scenario variant is drawn (<see cref="Variant"/>): the base scenario with one more market event, fixed
/// and permanent (at the start of the horizon, no recovery), whose volatility and liquidity multipliers are the bin centres
/// (geometric mean of the bin's bounds); every other parameter is the base scenario's. Strategies never see events
/// (<see cref="Simulation.DecisionContext.StrategyView"/>): the regime is hidden and revealed only by the market, through
/// realised volatility, liquidity, volume and prices, so a policy or a router can only infer its niche from past data.</para>
/// </remarks>
public sealed record NicheGrid
{
    /// <summary>Bins of the volatility axis. Allowed: [1, 16].</summary>
    public int VolatilityBins { get; init; } = 3;

    /// <summary>Bins of the liquidity axis. Allowed: [1, 16].</summary>
    public int LiquidityBins { get; init; } = 3;

    /// <summary>Lowest volatility multiplier. Allowed: (0, <see cref="VolatilityHigh"/>).</summary>
    public double VolatilityLow { get; init; } = 0.5;

    /// <summary>Highest volatility multiplier. Allowed: (<see cref="VolatilityLow"/>, 100].</summary>
    public double VolatilityHigh { get; init; } = 2;

    /// <summary>Lowest liquidity multiplier. Allowed: (0, <see cref="LiquidityHigh"/>).</summary>
    public double LiquidityLow { get; init; } = 1.0 / 3;

    /// <summary>Highest liquidity multiplier. Allowed: (<see cref="LiquidityLow"/>, 100].</summary>
    public double LiquidityHigh { get; init; } = 3;

    /// <summary>Number of niches.</summary>
    public int Count => VolatilityBins * LiquidityBins;

    /// <summary>Throws when a parameter is out of range; returns the grid otherwise.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of its range; the message names it.</exception>
    public NicheGrid EnsureValid()
    {
        if (VolatilityBins is < 1 or > 16) throw new ArgumentOutOfRangeException(nameof(VolatilityBins), VolatilityBins, "Volatility bins must be in [1, 16].");
        if (LiquidityBins is < 1 or > 16) throw new ArgumentOutOfRangeException(nameof(LiquidityBins), LiquidityBins, "Liquidity bins must be in [1, 16].");
        if (!(VolatilityLow > 0 && VolatilityLow < VolatilityHigh && VolatilityHigh <= 100))
            throw new ArgumentOutOfRangeException(nameof(VolatilityLow), VolatilityLow, "Volatility bounds must satisfy 0 < low < high ≤ 100.");
        if (!(LiquidityLow > 0 && LiquidityLow < LiquidityHigh && LiquidityHigh <= 100))
            throw new ArgumentOutOfRangeException(nameof(LiquidityLow), LiquidityLow, "Liquidity bounds must satisfy 0 < low < high ≤ 100.");
        return this;
    }

    /// <summary>Volatility bin of niche <paramref name="niche"/> (row of the grid).</summary>
    public int VolatilityBin(int niche) => Check(niche) / LiquidityBins;

    /// <summary>Liquidity bin of niche <paramref name="niche"/> (column of the grid).</summary>
    public int LiquidityBin(int niche) => Check(niche) % LiquidityBins;

    /// <summary>The niche of a (volatility bin, liquidity bin) cell.</summary>
    public int NicheOf(int volatilityBin, int liquidityBin) => volatilityBin * LiquidityBins + liquidityBin;

    /// <summary>Volatility multiplier at the centre of bin <paramref name="bin"/> (geometric mean of its bounds).</summary>
    public double VolatilityCentre(int bin) => Centre(VolatilityLow, VolatilityHigh, VolatilityBins, bin + 0.5);

    /// <summary>Liquidity multiplier at the centre of bin <paramref name="bin"/> (geometric mean of its bounds).</summary>
    public double LiquidityCentre(int bin) => Centre(LiquidityLow, LiquidityHigh, LiquidityBins, bin + 0.5);

    /// <summary>Volatility multiplier at position <paramref name="position"/> ∈ [0, bins] of the axis (log-linear).</summary>
    public double VolatilityAt(double position) => Centre(VolatilityLow, VolatilityHigh, VolatilityBins, position);

    /// <summary>Liquidity multiplier at position <paramref name="position"/> ∈ [0, bins] of the axis (log-linear).</summary>
    public double LiquidityAt(double position) => Centre(LiquidityLow, LiquidityHigh, LiquidityBins, position);

    /// <summary>The niche whose bins hold the given multipliers (values beyond the bounds fall in the outer bins).</summary>
    public int Locate(double volatilityMultiplier, double liquidityMultiplier) =>
        NicheOf(Bin(volatilityMultiplier, VolatilityLow, VolatilityHigh, VolatilityBins), Bin(liquidityMultiplier, LiquidityLow, LiquidityHigh, LiquidityBins));

    /// <summary>Short label of a niche, e.g. <c>vol 1.59 × liq 0.48</c>.</summary>
    public string Label(int niche) => string.Create(CultureInfo.InvariantCulture,
        $"vol {VolatilityCentre(VolatilityBin(niche)):0.##} × liq {LiquidityCentre(LiquidityBin(niche)):0.##}");

    /// <summary>The scenario variant of niche <paramref name="niche"/>: the base with a hidden, permanent regime event at the
    /// niche's bin centres (see the remarks).</summary>
    public Scenario Variant(Scenario baseScenario, int niche) =>
        WithRegime(baseScenario, VolatilityCentre(VolatilityBin(niche)), LiquidityCentre(LiquidityBin(niche)), Label(niche));

    /// <summary>The base scenario in a hidden regime with the given multipliers (a permanent event from the start).</summary>
    public static Scenario WithRegime(Scenario baseScenario, double volatilityMultiplier, double liquidityMultiplier, string label)
    {
        ArgumentNullException.ThrowIfNull(baseScenario);
        if (Math.Abs(volatilityMultiplier - 1) < 1e-12 && Math.Abs(liquidityMultiplier - 1) < 1e-12)
        {
            // The nominal regime: no event (an event that changes nothing is not a valid scenario).
            return baseScenario with { Name = $"{baseScenario.Name} [{label}]" };
        }

        var regime = new MarketEvent
        {
            AtFraction = 0,
            VolatilityMultiplier = volatilityMultiplier,
            LiquidityMultiplier = liquidityMultiplier,
            RecoveryMinutes = 0,
        };
        return baseScenario with
        {
            Name = $"{baseScenario.Name} [{label}]",
            Market = baseScenario.Market with { Events = [.. baseScenario.Market.Events, regime] },
        };
    }

    private int Check(int niche)
    {
        if (niche < 0 || niche >= Count) throw new ArgumentOutOfRangeException(nameof(niche), niche, $"Niche must be in [0, {Count}).");
        return niche;
    }

    private static double Centre(double low, double high, int bins, double position) =>
        Math.Exp(Math.Log(low) + position / bins * (Math.Log(high) - Math.Log(low)));

    private static int Bin(double value, double low, double high, int bins)
    {
        if (!(value > 0)) return 0;
        double at = (Math.Log(value) - Math.Log(low)) / (Math.Log(high) - Math.Log(low)) * bins;
        return (int)Math.Clamp(Math.Floor(at), 0, bins - 1);
    }
}
