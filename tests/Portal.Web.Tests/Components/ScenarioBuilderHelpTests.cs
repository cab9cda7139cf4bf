using Bunit;
using Portal.Domain.Scenarios;
using Portal.Web.Features.Scenarios;
using Portal.Web.Features.Scenarios.Components;

namespace Portal.Web.Tests.Components;

/// <summary>The builder's errors in plain words beside their fields, its presets and its strategy parameters.</summary>
public sealed class ScenarioBuilderHelpTests
{
    [Theory]
    [InlineData("order.sizePctAdv", "is -5, allowed range (0, 1000]", "Order size must be more than 0 and at most 1,000 % of ADV; you entered -5.")]
    [InlineData("market.adv", "is 1E+16, allowed range (0, 1E+15]", "ADV must be more than 0 and at most 1,000,000,000,000,000 shares; you entered 1E+16.")]
    [InlineData("market.dailyVolatility", "is 1.5, allowed range [0, 1]", "Daily volatility must be at least 0 and at most 100 %; you entered 150.")]
    [InlineData("strategySettings.povRatePct", "is 0, allowed range (0, 100]", "POV rate must be more than 0 and at most 100 %; you entered 0.")]
    [InlineData("strategies", "must list at least one strategy id", "Strategies: must list at least one strategy id")]
    public void Validation_messages_read_as_plain_words_with_units(string field, string message, string expected) =>
        Assert.Equal(expected, ScenarioFieldText.Plain(new ValidationError(field, message)));

    [Fact]
    public void A_million_minute_horizon_is_refused_with_the_longest_allowed_in_minutes_and_days()
    {
        var scenario = ScenarioPresets.Demo() with { Order = ScenarioPresets.Demo().Order with { HorizonMinutes = 1_000_000 } };
        var error = Assert.Single(scenario.Validate(), e => e.Field == "order.horizonMinutes");
        Assert.Equal("Horizon must be more than 0 and at most 11,700 minutes; you entered 1,000,000. (30 trading days of 390 minutes: longer is a portfolio transition, not an execution)",
            ScenarioFieldText.Plain(error));
    }

    [Fact]
    public async Task The_error_stands_beside_its_field_and_the_summary_names_the_field_in_words()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var model = new ScenarioFormModel(ScenarioPresets.Demo()) { SizePctAdv = -5 };
        var editor = ctx.Render<ScenarioEditor>(p => p.Add(x => x.Model, model));

        await editor.InvokeAsync(() => editor.Instance.TryBuild());

        var field = editor.Find("#size-pct").Closest(".mud-input-control")!;
        Assert.Contains("mud-input-error", field.InnerHtml);
        Assert.Contains("Order size must be more than 0 and at most 1,000 % of ADV; you entered -5.", field.TextContent);
        Assert.Contains("One field needs attention", editor.Find("#scenario-errors").TextContent);
    }

    [Fact]
    public async Task The_chosen_presets_are_shown_selected()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var model = new ScenarioFormModel(ScenarioPresets.Demo()) { SizePctAdv = 5, HorizonMinutes = 30 };

        var editor = ctx.Render<ScenarioEditor>(p => p.Add(x => x.Model, model));

        Assert.Contains("mud-chip-selected", editor.Find("#size-5").ClassName);
        Assert.DoesNotContain("mud-chip-selected", editor.Find("#size-10").ClassName);
        Assert.Contains("mud-chip-selected", editor.Find("#horizon-30").ClassName);
    }

    [Fact]
    public async Task The_pov_rate_is_editable_once_pov_is_chosen_with_its_range_from_the_registry()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var model = new ScenarioFormModel(ScenarioPresets.Demo() with { Strategies = ["twap"] });
        var editor = ctx.Render<ScenarioEditor>(p => p.Add(x => x.Model, model));
        Assert.Empty(editor.FindAll("#strategy-parameter-povRatePct"));
        // Best static, always compared, reads the risk aversion.
        Assert.NotEmpty(editor.FindAll("#strategy-parameter-riskAversion"));

        model.Strategies.Add("pov");
        model.PovRatePct = 25;
        editor = ctx.Render<ScenarioEditor>(p => p.Add(x => x.Model, model));

        var pov = editor.Find("#strategy-parameter-povRatePct").Closest(".mud-input-control")!;
        Assert.Contains("Allowed: more than 0, at most 100", pov.TextContent);
        Assert.Equal(25, model.ToScenario().StrategySettings.PovRatePct);
    }

    [Fact]
    public async Task Choosing_a_passive_strategy_shows_the_limit_order_fields_which_reach_the_scenario_and_are_checked_beside_themselves()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var model = new ScenarioFormModel(ScenarioPresets.Demo() with { Strategies = ["twap"] });
        var editor = ctx.Render<ScenarioEditor>(p => p.Add(x => x.Model, model));
        Assert.Empty(editor.FindAll("#queue-share"));
        Assert.Empty(editor.FindAll("#strategy-parameter-limitOffsetBps"));

        model.Strategies.Add("twap-passive");
        model.Strategies.Add("pegged");
        model.SetStrategyParameter("limitOffsetBps", 1.5);
        model.SetStrategyParameter("limitTtlPct", 50);
        model.SetStrategyParameter("catchUpPct", 10);
        model.QueueShare = 2;
        model.MarkoutBps = 0.2;
        editor = ctx.Render<ScenarioEditor>(p => p.Add(x => x.Model, model));

        Assert.Contains("Allowed: more than 0, at most 100", editor.Find("#strategy-parameter-limitTtlPct").Closest(".mud-input-control")!.TextContent);
        Assert.NotEmpty(editor.FindAll("#strategy-parameter-catchUpPct"));
        Assert.Contains("Mid move against a fill per market order", editor.Find("#markout").Closest(".mud-input-control")!.TextContent);
        await editor.InvokeAsync(() => editor.Instance.TryBuild());
        var field = editor.Find("#queue-share").Closest(".mud-input-control")!;
        Assert.Contains("mud-input-error", field.InnerHtml);

        model.QueueShare = 0.1;
        var scenario = model.ToScenario();
        Assert.Empty(scenario.Validate());
        Assert.Equal((1.5, 50.0, 10.0), (scenario.StrategySettings.LimitOffsetBps, scenario.StrategySettings.LimitTtlPct, scenario.StrategySettings.CatchUpPct));
        Assert.Equal((0.1, 0.2), (scenario.Market.PassiveFills.QueueShare, scenario.Market.PassiveFills.MarkoutBps));
    }
}
