namespace Portal.Domain.Scenarios;

/// <summary>Named sets of market-model parameters. <see cref="Apply"/> returns a copy of a market with the regime's
/// parameters set; every field stays editable afterwards, and <see cref="Derive"/> names the regime a market's values
/// belong to, so a label never claims conditions that were not simulated. Stress regimes draw their event's time and size
/// per episode (see <see cref="MarketEvent"/>), so no strategy can learn when the event hits.</summary>
/// <remarks>
/// A regime owns these fields of <see cref="MarketSpec"/>: <c>dailyVolatility</c>, <c>price</c> (all but the price model),
/// <c>spread</c>, <c>liquidity</c>, <c>volume</c>, <c>events</c> and <c>impact.liquidityScaled</c>. Reference levels
/// (arrival price, ADV, trading day), the price model and the impact model with its coefficients are the scenario's own and
/// every regime keeps them. A market is labelled with regime R exactly when <c>Apply(market, R)</c> changes nothing;
/// any other market is <c>custom</c>.
/// </remarks>
public static class RegimePresets
{
    /// <summary>Moderate volatility, tight spread, constant liquidity.</summary>
    public const string Normal = "normal";

    /// <summary>Low volatility and tight spread.</summary>
    public const string Calm = "calm";

    /// <summary>Double volatility, wider and noisier spread, noisy liquidity.</summary>
    public const string Volatile = "volatile";

    /// <summary>Upward drift of 3% a day.</summary>
    public const string TrendingUp = "trending-up";

    /// <summary>Downward drift of 3% a day.</summary>
    public const string TrendingDown = "trending-down";

    /// <summary>A price fall of about 5% at a random time between 20% and 80% of the horizon with a 90% liquidity collapse, then recovery.</summary>
    public const string FlashCrash = "flash-crash";

    /// <summary>Liquidity drops by about 85% at a random time between 10% and 60% of the horizon and stays low.</summary>
    public const string LiquidityCollapse = "liquidity-collapse";

    /// <summary>Volatility quadruples at a random time between 20% and 80% of the horizon and decays back.</summary>
    public const string VolatilitySpike = "volatility-spike";

    /// <summary>Impact coefficients triple at a random time between 20% and 80% of the horizon.</summary>
    public const string ImpactShift = "impact-shift";

    /// <summary>High volatility, falling prices with negative jumps, wide spreads and liquidity shocks.</summary>
    public const string Panic = "panic";

    /// <summary>Marker for parameters that come from no preset.</summary>
    public const string Custom = "custom";

    /// <summary>Every preset name.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [Normal, Calm, Volatile, TrendingUp, TrendingDown, FlashCrash, LiquidityCollapse, VolatilitySpike, ImpactShift, Panic];

    /// <summary>One-line description of each preset.</summary>
    public static string Describe(string name) => name switch
    {
        Normal => "2% daily volatility, 4 bps spread, constant liquidity",
        Calm => "1% daily volatility, 2 bps spread, steady volume",
        Volatile => "4% daily volatility, 8 bps noisy spread, noisy liquidity",
        TrendingUp => "normal market drifting up 3% a day",
        TrendingDown => "normal market drifting down 3% a day",
        FlashCrash => "~5% fall at a random time in 20–80% of the horizon (size ×lognormal σ 0.3), liquidity −90%, spread ×5, volatility ×3, 80% recovery over 20 minutes",
        LiquidityCollapse => "liquidity −85% from a random time in 10–60% of the horizon on (size ×lognormal σ 0.3), spread ×3, liquidity-scaled impact",
        VolatilitySpike => "volatility ×4 at a random time in 20–80% of the horizon (size ×lognormal σ 0.3), decaying over 15 minutes",
        ImpactShift => "impact coefficients ×3 from a random time in 20–80% of the horizon on (size ×lognormal σ 0.3)",
        Panic => "6% volatility, −5% a day drift, negative jumps, 15 bps spread, liquidity shocks",
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, $"Unknown regime; allowed: {string.Join(", ", Names)}"),
    };

    /// <summary>Returns <paramref name="market"/> with the parameters of the named regime (reference levels, impact model and
    /// its coefficients are kept).</summary>
    public static MarketSpec Apply(MarketSpec market, string name)
    {
        ArgumentNullException.ThrowIfNull(market);
        var calmBase = market with
        {
            Regime = name,
            DailyVolatility = 0.02,
            Price = new PriceSpec { Model = market.Price?.Model ?? PriceModels.Abm },
            Spread = new SpreadSpec(),
            Liquidity = new LiquiditySpec(),
            Volume = new VolumeSpec(),
            Events = [],
        };
        var impact = market.Impact ?? new AlmgrenChrissImpactSpec();
        calmBase = calmBase with { Impact = impact with { LiquidityScaled = false } };
        return name switch
        {
            Normal => calmBase,
            Calm => calmBase with
            {
                DailyVolatility = 0.01,
                Spread = new SpreadSpec { MeanBps = 2 },
                Volume = new VolumeSpec { Noise = 0.15 },
            },
            Volatile => calmBase with
            {
                DailyVolatility = 0.04,
                Spread = new SpreadSpec { MeanBps = 8, VolatilityBpsPerSqrtDay = 20 },
                Liquidity = new LiquiditySpec { VolatilityPerSqrtDay = 1.5, ShockIntensityPerDay = 2, ShockMultiplier = 0.6 },
                Volume = new VolumeSpec { Noise = 0.5 },
            },
            TrendingUp => calmBase with { Price = calmBase.Price with { DriftPerDay = 0.03 } },
            TrendingDown => calmBase with { Price = calmBase.Price with { DriftPerDay = -0.03 } },
            FlashCrash => calmBase with
            {
                Impact = impact with { LiquidityScaled = true },
                Events =
                [
                    new MarketEvent
                    {
                        AtFraction = 0.2, LatestAtFraction = 0.8, SizeLogStd = 0.3, PriceJumpPct = -5, PriceRecoveryFraction = 0.8, LiquidityMultiplier = 0.1,
                        VolatilityMultiplier = 3, SpreadMultiplier = 5, RecoveryMinutes = 20,
                    },
                ],
            },
            LiquidityCollapse => calmBase with
            {
                Impact = impact with { LiquidityScaled = true },
                Events = [new MarketEvent { AtFraction = 0.1, LatestAtFraction = 0.6, SizeLogStd = 0.3, LiquidityMultiplier = 0.15, SpreadMultiplier = 3 }],
            },
            VolatilitySpike => calmBase with
            {
                Events = [new MarketEvent { AtFraction = 0.2, LatestAtFraction = 0.8, SizeLogStd = 0.3, VolatilityMultiplier = 4, RecoveryMinutes = 15 }],
            },
            ImpactShift => calmBase with
            {
                Events = [new MarketEvent { AtFraction = 0.2, LatestAtFraction = 0.8, SizeLogStd = 0.3, ImpactMultiplier = 3 }],
            },
            Panic => calmBase with
            {
                DailyVolatility = 0.06,
                Price = calmBase.Price with { DriftPerDay = -0.05, JumpIntensityPerDay = 20, JumpMeanBps = -30, JumpStdBps = 50 },
                Spread = new SpreadSpec { MeanBps = 15, VolatilityBpsPerSqrtDay = 40, MinBps = 2 },
                Liquidity = new LiquiditySpec { VolatilityPerSqrtDay = 2, ShockIntensityPerDay = 6, ShockMultiplier = 0.5 },
                Impact = impact with { LiquidityScaled = true },
                Volume = new VolumeSpec { Noise = 0.6 },
            },
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, $"Unknown regime; allowed: {string.Join(", ", Names)}"),
        };
    }

    /// <summary>The regime whose values <paramref name="market"/> has (the label is ignored): the preset R with
    /// <c>Apply(market, R)</c> equal to the market in every field, or <see cref="Custom"/> when there is none.</summary>
    /// <remarks>The comparison is over the market's JSON form, so fields added to the market records later take part
    /// without being listed here.</remarks>
    public static string Derive(MarketSpec market)
    {
        ArgumentNullException.ThrowIfNull(market);
        if (market.Price is null || market.Impact is null || market.Spread is null || market.Liquidity is null || market.Volume is null || market.Events is null)
        {
            return Custom;
        }
        string? actual = null;
        foreach (string name in Names)
        {
            var preset = Apply(market, name);
            // Cheap tests first: most presets differ from a market in volatility or in the number of events.
            if (preset.DailyVolatility != market.DailyVolatility || preset.Events.Count != market.Events.Count)
            {
                continue;
            }
            actual ??= System.Text.Json.JsonSerializer.Serialize(market with { Regime = Custom }, ScenarioJson.Options);
            if (System.Text.Json.JsonSerializer.Serialize(preset with { Regime = Custom }, ScenarioJson.Options) == actual)
            {
                return name;
            }
        }
        return Custom;
    }

    /// <summary><paramref name="market"/> with its <see cref="MarketSpec.Regime"/> label set to <see cref="Derive"/>'s answer.</summary>
    public static MarketSpec Labelled(MarketSpec market)
    {
        ArgumentNullException.ThrowIfNull(market);
        string regime = Derive(market);
        return market.Regime == regime ? market : market with { Regime = regime };
    }
}
