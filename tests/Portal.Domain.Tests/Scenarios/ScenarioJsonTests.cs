using System.Text.Json.Nodes;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Tests.Scenarios;

public class ScenarioJsonTests
{
    [Fact]
    public void Demo_round_trips_through_json_unchanged()
    {
        var demo = ScenarioPresets.Demo();
        string json = ScenarioJson.Serialize(demo);
        var back = ScenarioJson.Parse(json);
        Assert.Equal(json, ScenarioJson.Serialize(back));
        Assert.Equal(demo.Order, back.Order);
        Assert.Equal(demo.Market.Impact, back.Market.Impact);
        Assert.Equal(demo.Strategies, back.Strategies);
    }

    [Fact]
    public void Json_uses_camel_case_names_and_enum_strings()
    {
        var node = JsonNode.Parse(ScenarioJson.Serialize(ScenarioPresets.Demo()))!;
        Assert.Equal("sell", (string?)node["order"]!["side"]);
        Assert.Equal(5.0, (double)node["order"]!["sizePctAdv"]!);
        Assert.Equal("almgren-chriss", (string?)node["market"]!["impact"]!["model"]);
        Assert.Null(node["Order"]);
    }

    [Fact]
    public void Every_preset_is_valid()
    {
        Assert.Empty(ScenarioPresets.Demo().Validate());
        Assert.Empty(ScenarioPresets.AlmgrenChriss2000().Validate());
        foreach (string regime in RegimePresets.Names)
        {
            var s = ScenarioPresets.Demo() with { Market = RegimePresets.Apply(ScenarioPresets.Demo().Market, regime) };
            Assert.Empty(s.Validate());
        }
    }

    [Theory]
    [InlineData("market.dailyVolatility", -0.1, "[0, 1]")]
    [InlineData("order.horizonMinutes", 0.0, "(0,")]
    [InlineData("order.sizePctAdv", 0.0, "(0, 1000]")]
    [InlineData("market.arrivalPrice", -5.0, "(0,")]
    [InlineData("episodes", 0.0, "[1, 2000000]")]
    public void Out_of_range_values_are_rejected_naming_field_and_range(string path, double value, string range)
    {
        var node = JsonNode.Parse(ScenarioJson.Serialize(ScenarioPresets.Demo()))!;
        string[] parts = path.Split('.');
        JsonNode target = node;
        foreach (string p in parts[..^1]) target = target[p]!;
        target[parts[^1]] = parts[^1] == "episodes" ? JsonValue.Create((int)value) : JsonValue.Create(value);

        var ex = Assert.Throws<ScenarioValidationException>(() => ScenarioJson.Parse(node.ToJsonString()));
        var error = Assert.Single(ex.Errors, e => e.Field == path);
        Assert.Contains(range, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_steps_than_the_horizon_resolution_are_rejected()
    {
        var s = ScenarioPresets.Demo() with { Order = new OrderSpec { HorizonMinutes = 1, Steps = 61 } };
        var error = Assert.Single(s.Validate());
        Assert.Equal("order.steps", error.Field);
        Assert.Contains("at most 60", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_regime_is_rejected_listing_the_allowed_names()
    {
        var s = ScenarioPresets.Demo() with { Market = ScenarioPresets.Demo().Market with { Regime = "meltdown" } };
        var error = Assert.Single(s.Validate());
        Assert.Equal("market.regime", error.Field);
        Assert.Contains("flash-crash", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_strategy_is_rejected()
    {
        var s = ScenarioPresets.Demo() with { Strategies = ["twap", "magic"] };
        Assert.Equal("strategies[1]", Assert.Single(s.Validate()).Field);
    }

    [Fact]
    public void Wrong_json_type_names_the_field()
    {
        var node = JsonNode.Parse(ScenarioJson.Serialize(ScenarioPresets.Demo()))!;
        node["order"]!["steps"] = "twelve";
        var ex = Assert.Throws<ScenarioValidationException>(() => ScenarioJson.Parse(node.ToJsonString()));
        Assert.Equal("order.steps", Assert.Single(ex.Errors).Field);
    }

    [Fact]
    public void Unknown_field_is_rejected_by_name()
    {
        var node = JsonNode.Parse(ScenarioJson.Serialize(ScenarioPresets.Demo()))!;
        node["market"]!["volatility"] = 0.3;
        var ex = Assert.Throws<ScenarioValidationException>(() => ScenarioJson.Parse(node.ToJsonString()));
        Assert.Contains("volatility", ex.Errors[0].Field + ex.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_order_is_rejected_naming_it()
    {
        var node = JsonNode.Parse(ScenarioJson.Serialize(ScenarioPresets.Demo()))!.AsObject();
        node.Remove("order");
        var ex = Assert.Throws<ScenarioValidationException>(() => ScenarioJson.Parse(node.ToJsonString()));
        Assert.Equal("order", Assert.Single(ex.Errors).Field);
    }

    [Fact]
    public void Malformed_json_is_a_validation_error()
    {
        var ex = Assert.Throws<ScenarioValidationException>(() => ScenarioJson.Parse("{ \"order\": "));
        Assert.NotEmpty(ex.Errors);
    }
}
