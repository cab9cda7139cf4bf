using System.Globalization;
using Bunit;
using Portal.Domain.Scenarios;
using Portal.Web.Features.Scenarios;
using Portal.Web.Features.Scenarios.Components;

namespace Portal.Web.Tests.Components;

/// <summary>The builder renders one field per declared market parameter (<see cref="MarketParameters"/>) and every one
/// of them reaches the scenario.</summary>
public sealed class ScenarioMarketParameterFieldsTests
{
    [Fact]
    public async Task Each_impact_model_shows_its_own_declared_parameters_at_their_defaults_with_unit_range_and_help()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var model = new ScenarioFormModel(ScenarioPresets.Demo());
        foreach (var impactModel in ImpactModels.All)
        {
            model.ImpactModel = impactModel;
            var editor = ctx.Render<ScenarioEditor>(p => p.Add(x => x.Model, model));
            foreach (var p in MarketParameters.ForImpactModel(impactModel))
            {
                var input = editor.Find("#" + ScenarioEditor.FieldId(p));
                Assert.Equal(p.Default.ToString("G4", CultureInfo.InvariantCulture), input.GetAttribute("value"));
                var field = input.Closest(".mud-input-control")!.TextContent;
                Assert.Contains(p.Label, field, StringComparison.Ordinal);
                Assert.Contains(p.Help, field, StringComparison.Ordinal);
                Assert.Contains(p.MinExclusive ? "Allowed: more than" : "Allowed: at least", field, StringComparison.Ordinal);
            }
            // Another model's own parameter is not shown.
            bool transient = impactModel == ImpactModels.Transient;
            Assert.Equal(transient, editor.FindAll("#param-market-impact-decayMinutes").Count > 0);
        }
    }

    [Fact]
    public async Task The_price_spread_liquidity_volume_and_cost_fields_are_shown_and_a_typed_value_reaches_the_scenario()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var model = new ScenarioFormModel(ScenarioPresets.Demo());
        var editor = ctx.Render<ScenarioEditor>(p => p.Add(x => x.Model, model));
        var shown = MarketParameters.Of<PriceSpec>().Concat(MarketParameters.Of<SpreadSpec>()).Concat(MarketParameters.Of<LiquiditySpec>())
            .Concat(MarketParameters.Of<VolumeSpec>()).Concat(MarketParameters.Of<CostSpec>()).Concat(MarketParameters.Of<ImpactSpec>()).ToList();
        Assert.Equal(18, shown.Count);
        foreach (var p in shown) Assert.NotEmpty(editor.FindAll("#" + ScenarioEditor.FieldId(p)));

        await editor.InvokeAsync(() => editor.Find("#param-market-liquidity-volatilityPerSqrtDay").Input("0.4"));
        await editor.InvokeAsync(() => editor.Find("#param-costs-slippageNoiseBps").Input("2.5"));
        await editor.InvokeAsync(() => editor.Find("#param-market-price-jumpIntensityPerDay").Input("3"));
        var scenario = model.ToScenario();
        Assert.Equal((0.4, 2.5, 3.0), (scenario.Market.Liquidity.VolatilityPerSqrtDay, scenario.Costs.SlippageNoiseBps, scenario.Market.Price.JumpIntensityPerDay));
        Assert.Equal(RegimePresets.Custom, scenario.Market.Regime);

        // Out of range: the message stands at the field, in its unit.
        await editor.InvokeAsync(() => editor.Find("#param-market-liquidity-shockMultiplier").Input("0"));
        var shock = editor.Find("#param-market-liquidity-shockMultiplier").Closest(".mud-input-control")!;
        Assert.Contains("Shock multiplier must be more than 0 and at most 10; you entered 0.", shock.TextContent, StringComparison.Ordinal);
        Assert.Null(await editor.InvokeAsync(() => editor.Instance.TryBuild()));
    }

    [Fact]
    public void Every_declared_parameter_set_in_the_form_reaches_the_scenario_and_a_regime_refreshes_them()
    {
        var model = new ScenarioFormModel(ScenarioPresets.Demo());
        foreach (var p in MarketParameters.All)
        {
            if (p.ImpactModel is { } impactModel) model.ImpactModel = impactModel;
            double value = p.MinExclusive ? p.Min + 0.25 : p.Min + 0.5;
            model.SetMarketParameter(p, value);
            Assert.Equal(value, model.GetMarketParameter(p), 12);
            Assert.Equal(value, p.ReadFrom(model.ToScenario())!.Value, 12);
        }

        model.ApplyRegime(RegimePresets.Volatile);
        var liquidity = MarketParameters.Find("market.liquidity.volatilityPerSqrtDay")!;
        var expected = RegimePresets.Apply(ScenarioPresets.Demo().Market, RegimePresets.Volatile).Liquidity.VolatilityPerSqrtDay;
        Assert.Equal(expected, model.GetMarketParameter(liquidity));
        Assert.Equal(RegimePresets.Volatile, model.Regime);
    }
}
