using System.Text.Json.Nodes;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Tests.Scenarios;

/// <summary>A regime is a named set of market values: naming it sets them, and a market is labelled with a regime only
/// when it has that regime's values.</summary>
public class RegimeTests
{
    public static TheoryData<string> Presets() => [.. RegimePresets.Names];

    private static MarketSpec UnusualReference() => new()
    {
        ArrivalPrice = 120,
        Adv = 800_000,
        TradingMinutesPerDay = 480,
        Price = new PriceSpec { Model = PriceModels.Gbm, DriftPerDay = 0.2 },
        Impact = new SquareRootImpactSpec { Y = 0.9, Kernel = PropagatorKernels.Exponential },
        Spread = new SpreadSpec { MeanBps = 30 },
        Events = [new MarketEvent { AtFraction = 0.1, ImpactMultiplier = 2 }],
        Regime = RegimePresets.Custom,
    };

    [Theory]
    [MemberData(nameof(Presets))]
    public void Applying_a_regime_labels_the_market_with_it_and_keeps_reference_levels_and_impact_model(string regime)
    {
        var start = UnusualReference();
        Assert.Equal(RegimePresets.Custom, RegimePresets.Derive(start));

        var market = RegimePresets.Apply(start, regime);

        Assert.Equal(regime, RegimePresets.Derive(market));
        Assert.Equal(regime, RegimePresets.Derive(market with { Regime = RegimePresets.Custom }));
        Assert.Equal((120.0, 800_000.0, 480.0, PriceModels.Gbm, ImpactModels.SquareRoot, 0.9, PropagatorKernels.Exponential),
            (market.ArrivalPrice, market.Adv, market.TradingMinutesPerDay, market.Price.Model, market.Impact.Model, ((SquareRootImpactSpec)market.Impact).Y, ((SquareRootImpactSpec)market.Impact).Kernel));
        // Reference levels and impact coefficients are the scenario's own: changing them keeps the label.
        Assert.Equal(regime, RegimePresets.Derive(market with { Adv = 1e7, Impact = (SquareRootImpactSpec)market.Impact with { Y = 0.5, RelaxationMinutes = 60 } }));
    }

    [Theory]
    [MemberData(nameof(Presets))]
    public void Editing_any_regime_field_makes_the_market_custom(string regime)
    {
        var m = RegimePresets.Apply(new MarketSpec(), regime);
        var edits = new List<MarketSpec>
        {
            m with { DailyVolatility = m.DailyVolatility + 0.001 },
            m with { Spread = m.Spread with { MeanBps = m.Spread.MeanBps + 1 } },
            m with { Price = m.Price with { DriftPerDay = m.Price.DriftPerDay + 0.01 } },
            m with { Liquidity = m.Liquidity with { ShockIntensityPerDay = m.Liquidity.ShockIntensityPerDay + 1 } },
            m with { Volume = m.Volume with { Noise = m.Volume.Noise + 0.05 } },
            m with { Impact = m.Impact with { LiquidityScaled = !m.Impact.LiquidityScaled } },
            m with { Events = [.. m.Events, new MarketEvent { AtFraction = 0.9, SpreadMultiplier = 2 }] },
        };
        if (m.Events.Count > 0) edits.Add(m with { Events = [m.Events[0] with { AtFraction = m.Events[0].AtFraction + 0.05 }] });

        foreach (var edited in edits) Assert.Equal(RegimePresets.Custom, RegimePresets.Derive(edited));
    }

    [Fact]
    public void Volatile_sets_the_values_its_description_promises()
    {
        var m = RegimePresets.Apply(ScenarioPresets.Demo().Market, RegimePresets.Volatile);
        Assert.Equal((0.04, 8.0), (m.DailyVolatility, m.Spread.MeanBps));
        Assert.Contains("4% daily volatility, 8 bps", RegimePresets.Describe(RegimePresets.Volatile), StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_market_is_the_normal_regime()
    {
        Assert.Equal(RegimePresets.Normal, RegimePresets.Derive(new MarketSpec()));
        Assert.Equal(RegimePresets.Normal, RegimePresets.Derive(ScenarioPresets.Demo().Market));
        Assert.Equal(RegimePresets.Custom, RegimePresets.Derive(ScenarioPresets.AlmgrenChriss2000().Market));
    }

    private static string Minimal(string market) =>
        $$"""{"schemaVersion":2,"order":{"side":"sell","sizePctAdv":5,"horizonMinutes":60,"steps":12},"market":{{market}}}""";

    [Theory]
    [MemberData(nameof(Presets))]
    public void Naming_a_regime_in_json_fills_the_values_it_leaves_out(string regime)
    {
        var s = ScenarioJson.Parse(Minimal($$"""{"regime":"{{regime}}"}"""));

        Assert.Equal(regime, s.Market.Regime);
        var expected = RegimePresets.Apply(new MarketSpec(), regime);
        Assert.Equal(ScenarioJson.Serialize(s with { Market = expected }), ScenarioJson.Serialize(s));
    }

    [Fact]
    public void A_given_value_that_differs_from_the_named_regime_wins_and_makes_the_market_custom()
    {
        var s = ScenarioJson.Parse(Minimal("""{"regime":"volatile","dailyVolatility":0.05,"spread":{"minBps":1}}"""));

        Assert.Equal(RegimePresets.Custom, s.Market.Regime);
        Assert.Equal(0.05, s.Market.DailyVolatility);
        Assert.Equal((8.0, 20.0, 1.0), (s.Market.Spread.MeanBps, s.Market.Spread.VolatilityBpsPerSqrtDay, s.Market.Spread.MinBps));
        Assert.Equal(0.5, s.Market.Volume.Noise);
        Assert.Equal("custom", (string?)JsonNode.Parse(ScenarioJson.Serialize(s))!["market"]!["regime"]);
    }

    [Fact]
    public void Given_values_equal_to_the_regime_keep_its_label_and_non_regime_fields_are_the_scenarios_own()
    {
        var s = ScenarioJson.Parse(Minimal("""{"regime":"volatile","dailyVolatility":0.04,"adv":1000000,"impact":{"model":"square-root"}}"""));
        Assert.Equal(RegimePresets.Volatile, s.Market.Regime);
        Assert.Equal((1e6, ImpactModels.SquareRoot), (s.Market.Adv, s.Market.Impact.Model));
    }

    [Fact]
    public void The_label_follows_the_values_whatever_the_json_claims()
    {
        var volatileValues = JsonNode.Parse(ScenarioJson.Serialize(ScenarioPresets.Demo() with
        {
            Market = RegimePresets.Apply(ScenarioPresets.Demo().Market, RegimePresets.Volatile),
        }))!;
        volatileValues["market"]!["regime"] = "custom";
        Assert.Equal(RegimePresets.Volatile, ScenarioJson.Parse(volatileValues.ToJsonString()).Market.Regime);

        Assert.Equal(RegimePresets.Normal, ScenarioJson.Parse(Minimal("""{"regime":"custom"}""")).Market.Regime);
        Assert.Equal(RegimePresets.Normal, ScenarioJson.Parse(Minimal("{}")).Market.Regime);
        Assert.Equal(RegimePresets.Custom, ScenarioJson.Parse(Minimal("""{"dailyVolatility":0.03}""")).Market.Regime);
    }

    [Fact]
    public void An_unknown_regime_name_is_an_error_listing_the_names()
    {
        var ex = Assert.Throws<ScenarioValidationException>(() => ScenarioJson.Parse(Minimal("""{"regime":"meltdown"}""")));
        var error = Assert.Single(ex.Errors);
        Assert.Equal("market.regime", error.Field);
        Assert.Contains("liquidity-collapse", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writing_a_scenario_labels_it_by_its_values_not_by_a_stale_label()
    {
        var demo = ScenarioPresets.Demo();
        var mislabelled = demo with { Market = demo.Market with { Regime = RegimePresets.Volatile } };
        Assert.Equal("normal", (string?)JsonNode.Parse(ScenarioJson.Serialize(mislabelled))!["market"]!["regime"]);
    }
}
