namespace Portal.Domain.Scenarios;

/// <summary>Ready-made scenarios.</summary>
public static class ScenarioPresets
{
    /// <summary>Sell 5% of ADV in one hour in 12 steps on the Almgren–Chriss model in a normal market, TWAP against the
    /// risk-averse Almgren–Chriss trajectory.</summary>
    public static Scenario Demo() => new()
    {
        Name = "Sell 5% ADV in 1 hour (Almgren–Chriss, normal market)",
        Order = new OrderSpec { Side = Side.Sell, SizePctAdv = 5, HorizonMinutes = 60, Steps = 12 },
        Market = new MarketSpec
        {
            ArrivalPrice = 50,
            Adv = 5_000_000,
            DailyVolatility = 0.02,
            Regime = RegimePresets.Normal,
            Impact = new AlmgrenChrissImpactSpec { Eta = 3e-8, Gamma = 2e-7 },
        },
        Episodes = 10_000,
        Seed = 42,
        Strategies = ["twap", "ac"],
        StrategySettings = new StrategySettings { RiskAversion = 1e-6 },
    };

    /// <summary>The worked example of Almgren and Chriss (2000), section 3: X = 10⁶ shares, S0 = 50, σ = 0.95 per share
    /// per day^½ (1.9% of 50), ε = 0.0625, η = 2.5·10⁻⁶, γ = 2.5·10⁻⁷, T = 5 days in N = 5 steps, λ = 10⁻⁶; ADV 5·10⁶ so
    /// the order is 20% of ADV. Spread and volume noise are off so the model is exactly the paper's.</summary>
    public static Scenario AlmgrenChriss2000() => new()
    {
        Name = "Almgren–Chriss (2000) worked example",
        Order = new OrderSpec { Side = Side.Sell, SizePctAdv = 20, HorizonMinutes = 5 * 390, Steps = 5 },
        Market = new MarketSpec
        {
            ArrivalPrice = 50,
            Adv = 5_000_000,
            DailyVolatility = 0.95 / 50,
            Regime = RegimePresets.Custom,
            TradingMinutesPerDay = 390,
            Impact = new AlmgrenChrissImpactSpec { Epsilon = 0.0625, Eta = 2.5e-6, Gamma = 2.5e-7 },
            Spread = new SpreadSpec { MeanBps = 0, MinBps = 0 },
            Volume = new VolumeSpec { UShape = 0, Noise = 0 },
        },
        Episodes = 20_000,
        Seed = 2000,
        Strategies = ["twap", "ac", "ac-neutral", "immediate"],
        StrategySettings = new StrategySettings { RiskAversion = 1e-6 },
    };

    /// <summary>Sell 5% of ADV in one hour in 12 steps on the linear block-shaped book of Obizhaeva and Wang (2013): depth
    /// q = 1.25·10⁶ shares per unit of price (a 250,000-share block moves the price by 0.20, 40 bps), resilience ρ = 50 per
    /// day (half-life ≈ 5.4 minutes). The discrete optimum of Alfonsi, Fruth and Schied (2010) is the reference.</summary>
    public static Scenario ObizhaevaWang() => new()
    {
        Name = "Obizhaeva–Wang block book: sell 5% ADV in 1 hour",
        Order = new OrderSpec { Side = Side.Sell, SizePctAdv = 5, HorizonMinutes = 60, Steps = 12 },
        Market = new MarketSpec
        {
            ArrivalPrice = 50,
            Adv = 5_000_000,
            DailyVolatility = 0.02,
            Regime = RegimePresets.Normal,
            Impact = new ObizhaevaWangImpactSpec { Depth = 1_250_000, ResiliencePerDay = 50 },
        },
        Episodes = 20_000,
        Seed = 2013,
        Strategies = ["twap", "ow", "vwap", "ac-neutral", "immediate", "pov", "random"],
    };
}
