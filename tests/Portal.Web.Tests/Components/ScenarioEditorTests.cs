using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Portal.Domain.Scenarios;
using Portal.Web.Features.Scenarios;
using Portal.Web.Features.Scenarios.Components;

namespace Portal.Web.Tests.Components;

public sealed class ScenarioEditorTests
{
    [Fact]
    public async Task An_invalid_field_is_named_and_blocks_the_build_until_fixed()
    {
        await using var ctx = NewContext();
        var model = new ScenarioFormModel(ScenarioPresets.Demo()) { Steps = 0, HorizonMinutes = -5 };
        var editor = ctx.Render<ScenarioEditor>(p => p.Add(x => x.Model, model));

        var built = await editor.InvokeAsync(() => editor.Instance.TryBuild());

        Assert.Null(built);
        var errors = editor.Find("#scenario-errors").TextContent;
        Assert.Contains("order.steps", errors);
        Assert.Contains("order.horizonMinutes", errors);

        model.Steps = 12;
        model.HorizonMinutes = 60;
        built = await editor.InvokeAsync(() => editor.Instance.TryBuild());
        Assert.NotNull(built);
        Assert.Equal(12, built.Order.Steps);
        Assert.Empty(editor.FindAll("#scenario-errors"));
    }

    [Fact]
    public void The_form_round_trips_every_field_it_does_not_show()
    {
        var original = ScenarioPresets.Demo() with
        {
            Market = ScenarioPresets.Demo().Market with { Volume = new VolumeSpec { UShape = 3.5, Noise = 0.1 } },
        };
        var model = new ScenarioFormModel(original) { SizePctAdv = 10, Side = Side.Buy, DailyVolatilityPct = 3 };

        var edited = model.ToScenario();

        Assert.Equal(10, edited.Order.SizePctAdv);
        Assert.Equal(Side.Buy, edited.Order.Side);
        Assert.Equal(0.03, edited.Market.DailyVolatility, 12);
        Assert.Equal(3.5, edited.Market.Volume.UShape);
        Assert.Equal(original.Market.Impact.Eta, edited.Market.Impact.Eta);
    }

    [Fact]
    public async Task Unticking_every_strategy_is_an_error_on_the_strategies_field()
    {
        await using var ctx = NewContext();
        var model = new ScenarioFormModel(ScenarioPresets.Demo());
        model.Strategies.Clear();
        var editor = ctx.Render<ScenarioEditor>(p => p.Add(x => x.Model, model));

        Assert.Null(await editor.InvokeAsync(() => editor.Instance.TryBuild()));
        Assert.Contains("strategies", editor.Find("#scenario-errors").TextContent);
    }

    internal static BunitContext NewContext()
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        return ctx;
    }
}
