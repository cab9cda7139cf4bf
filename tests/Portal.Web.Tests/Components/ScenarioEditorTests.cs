using System.Text.Json;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Portal.Domain.Calibration;
using Portal.Domain.MarketData;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;
using Portal.Application.Scenarios;
using Portal.Testing;
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
        Assert.Contains("Decision steps must be at least 1 and at most 100,000 steps; you entered 0.", errors);
        Assert.Contains("Horizon must be more than 0 and at most 11,700 minutes; you entered -5.", errors);
        Assert.DoesNotContain("order.steps", errors);
        Assert.NotEmpty(editor.FindAll(".scenario-error[data-field='order.steps']"));

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
        Assert.Equal(original.Market.Impact, edited.Market.Impact);
    }

    [Fact]
    public async Task The_baselines_every_run_compares_are_shown_ticked_and_fixed_whatever_the_scenario_lists()
    {
        await using var ctx = NewContext();
        var model = new ScenarioFormModel(ScenarioPresets.Demo());
        model.Strategies.RemoveWhere(id => id is "random" or "best-static");
        var editor = ctx.Render<ScenarioEditor>(p => p.Add(x => x.Model, model));

        foreach (var id in Portal.Domain.Strategies.StrategyRegistry.AlwaysCompared)
        {
            var box = editor.Find($"input#strategy-{id}");
            Assert.True(box.HasAttribute("checked"), id);
            Assert.True(box.HasAttribute("disabled"), id);
        }
        Assert.Contains("Random", editor.Find("#always-compared").TextContent);
        Assert.False(editor.Find("input#strategy-vwap").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Unticking_every_strategy_is_an_error_on_the_strategies_field()
    {
        await using var ctx = NewContext();
        var model = new ScenarioFormModel(ScenarioPresets.Demo());
        model.Strategies.Clear();
        var editor = ctx.Render<ScenarioEditor>(p => p.Add(x => x.Model, model));

        Assert.Null(await editor.InvokeAsync(() => editor.Instance.TryBuild()));
        Assert.Contains("Strategies: ", editor.Find("#scenario-errors").TextContent);
    }

    internal static readonly Lazy<MarketProfile> AmznProfile = new(() =>
        MarketCalibrator.Calibrate(LobsterParser.ParseFiles(SharedData.File(SharedData.AmznMessage1), SharedData.File(SharedData.AmznOrderbook1))));

    [Fact]
    public async Task Replay_without_a_dataset_names_the_field_and_with_one_the_scenario_carries_the_replay()
    {
        await using var ctx = NewContext();
        var datasetId = Guid.NewGuid();
        var model = new ScenarioFormModel(ScenarioPresets.Demo()) { Source = MarketSource.Replay };
        var editor = ctx.Render<ScenarioEditor>(p => p.Add(x => x.Model, model).Add(x => x.Datasets, [Dataset(datasetId, "AMZN day")]));

        Assert.Null(await editor.InvokeAsync(() => editor.Instance.TryBuild()));
        Assert.Contains("Dataset to replay: choose one of the team's datasets to replay", editor.Find("#scenario-errors").TextContent);
        Assert.NotNull(editor.Find("#replay-dataset"));

        model.ReplayDatasetId = datasetId;
        model.ReplaySegment = ReplaySegment.Test;
        model.ReplayImpactDecaySeconds = 30;
        var built = await editor.InvokeAsync(() => editor.Instance.TryBuild());

        Assert.NotNull(built);
        Assert.Equal(datasetId, built.Replay!.DatasetId);
        Assert.Equal(ReplaySegment.Test, built.Replay.Options.Segment);
        Assert.Equal(30, built.Replay.Options.ImpactDecaySeconds);
        var json = JsonDocument.Parse(ScenarioJson.Serialize(built)).RootElement.GetProperty("replay");
        Assert.Equal(datasetId, json.GetProperty("datasetId").GetGuid());
    }

    [Fact]
    public async Task A_replay_option_out_of_range_is_named_by_its_json_field()
    {
        await using var ctx = NewContext();
        var model = new ScenarioFormModel(ScenarioPresets.Demo()) { Source = MarketSource.Replay, ReplayDatasetId = Guid.NewGuid(), ReplayTrainFraction = 1.5 };
        var editor = ctx.Render<ScenarioEditor>(p => p.Add(x => x.Model, model));

        Assert.Null(await editor.InvokeAsync(() => editor.Instance.TryBuild()));

        Assert.NotEmpty(editor.FindAll(".scenario-error[data-field='replay.options.trainFraction']"));
        Assert.Contains("Training share", editor.Find("#scenario-errors").TextContent);
        Assert.DoesNotContain("replay.options", editor.Find("#scenario-errors").TextContent);
    }

    [Fact]
    public async Task Calibrated_market_needs_a_profile_and_applies_it_as_the_dataset_page_does()
    {
        await using var ctx = NewContext();
        var profile = AmznProfile.Value;
        var profileId = Guid.NewGuid();
        var model = new ScenarioFormModel(ScenarioPresets.Demo()) { Source = MarketSource.CalibratedProfile };
        var editor = ctx.Render<ScenarioEditor>(p => p.Add(x => x.Model, model)
            .Add(x => x.Datasets, [Dataset(Guid.NewGuid(), "AMZN day", new ProfileChoice(profileId, "AMZN day profile", profile))]));

        Assert.Null(await editor.InvokeAsync(() => editor.Instance.TryBuild()));
        Assert.Contains("Calibrated profile: choose a calibrated market profile", editor.Find("#scenario-errors").TextContent);
        Assert.NotNull(editor.Find("#profile-select"));

        model.ApplyProfile(profileId, profile);
        var built = await editor.InvokeAsync(() => editor.Instance.TryBuild());

        Assert.NotNull(built);
        Assert.Null(built.Replay);
        var expected = profile.ToMarketSpec(template: ScenarioPresets.Demo().Market);
        Assert.Equal(JsonSerializer.Serialize(expected, ScenarioJson.Options), JsonSerializer.Serialize(built.Market, ScenarioJson.Options));
        Assert.Equal(RegimePresets.Custom, built.Market.Regime);
        Assert.Equal(profile.Adv, model.Adv);
    }

    [Fact]
    public async Task Without_datasets_the_builder_says_where_to_upload_or_calibrate_one()
    {
        await using var ctx = NewContext();
        var replay = ctx.Render<ScenarioEditor>(p => p.Add(x => x.Model, new ScenarioFormModel(ScenarioPresets.Demo()) { Source = MarketSource.Replay }));
        var calibrated = ctx.Render<ScenarioEditor>(p => p.Add(x => x.Model, new ScenarioFormModel(ScenarioPresets.Demo()) { Source = MarketSource.CalibratedProfile }));

        Assert.Contains("no datasets yet", replay.Find("#no-datasets").TextContent);
        Assert.Contains("calibrated profile yet", calibrated.Find("#no-profiles").TextContent);
    }

    [Fact]
    public void A_stored_replay_scenario_opens_as_a_replay_and_keeps_its_options()
    {
        var id = Guid.NewGuid();
        var stored = ScenarioPresets.Demo() with
        {
            Replay = new ReplaySpec { DatasetId = id, Options = new ReplayOptions { Segment = ReplaySegment.Train, TrainFraction = 0.6, DailyVolatility = 0.03 } },
        };

        var model = new ScenarioFormModel(stored);
        var again = model.ToScenario();

        Assert.Equal(MarketSource.Replay, model.Source);
        Assert.Equal(id, model.ReplayDatasetId);
        Assert.Equal(stored.Replay.Options, again.Replay!.Options);
        model.Source = MarketSource.Synthetic;
        Assert.Null(model.ToScenario().Replay);
    }

    private static DatasetChoice Dataset(Guid id, string name, params ProfileChoice[] profiles) =>
        new(id, name, "AMZN", new DateTime(2012, 6, 21, 0, 0, 0, DateTimeKind.Utc), profiles);

    [Fact]
    public void Choosing_a_regime_fills_its_values_and_editing_one_makes_the_scenario_custom()
    {
        var demo = ScenarioPresets.Demo();
        var model = new ScenarioFormModel(demo);
        Assert.Equal(RegimePresets.Normal, model.Regime);

        model.ApplyRegime(RegimePresets.Volatile);

        Assert.Equal((RegimePresets.Volatile, 4.0, 8.0), (model.Regime, model.DailyVolatilityPct, model.SpreadBps));
        var built = model.ToScenario();
        var expected = RegimePresets.Apply(demo.Market, RegimePresets.Volatile);
        Assert.Equal(JsonSerializer.Serialize(expected, ScenarioJson.Options), JsonSerializer.Serialize(built.Market, ScenarioJson.Options));
        // The builder writes current-version JSON that reads back to the same scenario.
        string json = ScenarioJson.Serialize(built);
        Assert.Equal(ScenarioSchema.CurrentVersion, (int)System.Text.Json.Nodes.JsonNode.Parse(json)!["schemaVersion"]!);
        Assert.Equal(json, ScenarioJson.Serialize(ScenarioJson.Parse(json)));

        model.DailyVolatilityPct = 5;
        Assert.Equal(RegimePresets.Custom, model.Regime);
        built = model.ToScenario();
        Assert.Equal((RegimePresets.Custom, 0.05, 8.0), (built.Market.Regime, built.Market.DailyVolatility, built.Market.Spread.MeanBps));

        model.ApplyRegime(RegimePresets.FlashCrash);
        built = model.ToScenario();
        Assert.Equal((RegimePresets.FlashCrash, 0.02, 4.0), (built.Market.Regime, built.Market.DailyVolatility, built.Market.Spread.MeanBps));
        Assert.Equal(-5, Assert.Single(built.Market.Events).PriceJumpPct);
        Assert.True(built.Market.Impact.LiquidityScaled);
        Assert.Equal(((AlmgrenChrissImpactSpec)demo.Market.Impact).Eta, Assert.IsType<AlmgrenChrissImpactSpec>(built.Market.Impact).Eta);

        model.ApplyRegime(RegimePresets.Normal);
        Assert.Equal(JsonSerializer.Serialize(demo.Market, ScenarioJson.Options), JsonSerializer.Serialize(model.ToScenario().Market, ScenarioJson.Options));
    }

    [Fact]
    public async Task The_regime_select_applies_the_regime_and_shows_custom_after_an_edit()
    {
        await using var ctx = NewContext();
        var model = new ScenarioFormModel(ScenarioPresets.Demo());
        var editor = ctx.Render<ScenarioEditor>(p => p.Add(x => x.Model, model));
        MudBlazor.MudSelect<string> RegimeSelect() => editor.FindComponents<MudBlazor.MudSelect<string>>().Single(c => c.Instance.Label == "Regime").Instance;

        await editor.InvokeAsync(() => RegimeSelect().ValueChanged.InvokeAsync(RegimePresets.Volatile));

        Assert.Equal(4.0, model.DailyVolatilityPct);
        Assert.Equal(RegimePresets.Volatile, model.Regime);
        Assert.Contains("4% daily volatility", editor.Markup, StringComparison.Ordinal);
        var built = await editor.InvokeAsync(() => editor.Instance.TryBuild());
        Assert.Equal((RegimePresets.Volatile, 0.04), (built!.Market.Regime, built.Market.DailyVolatility));

        model.SpreadBps = 12;
        editor.Render();
        Assert.Contains("Custom: the values match no preset", editor.Markup, StringComparison.Ordinal);
        Assert.Equal(RegimePresets.Custom, (await editor.InvokeAsync(() => editor.Instance.TryBuild()))!.Market.Regime);
    }

    internal static BunitContext NewContext()
    {
        var ctx = new BunitContext();
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        return ctx;
    }
}
