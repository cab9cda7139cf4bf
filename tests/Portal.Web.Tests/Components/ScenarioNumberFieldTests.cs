using Bunit;
using Portal.Application.Scenarios;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;
using Portal.Web.Features.Scenarios;
using Portal.Web.Features.Scenarios.Components;

namespace Portal.Web.Tests.Components;

/// <summary>The builder's number fields keep what was typed, say what they expect, and refuse to save text; the horizon
/// field states and enforces the chosen market model's limit.</summary>
public sealed class ScenarioNumberFieldTests
{
    [Fact]
    public async Task Text_in_a_number_field_stays_says_what_is_expected_and_blocks_saving_until_it_is_a_number()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var model = new ScenarioFormModel(ScenarioPresets.Demo());
        var editor = ctx.Render<ScenarioEditor>(p => p.Add(x => x.Model, model));
        Assert.Equal("60", editor.Find("#horizon").GetAttribute("value"));

        await editor.InvokeAsync(() => editor.Find("#horizon").Input("an hour"));

        Assert.Equal("an hour", editor.Find("#horizon").GetAttribute("value"));
        Assert.Equal(60, model.HorizonMinutes);
        Assert.Null(await editor.InvokeAsync(() => editor.Instance.TryBuild()));
        var expected = "Horizon: enter a number of minutes, e.g. 60; \"an hour\" is not a number";
        var field = editor.Find("#horizon").Closest(".mud-input-control")!;
        Assert.Contains(expected, field.TextContent);
        Assert.Contains("mud-input-error", field.InnerHtml);
        Assert.Contains(expected, editor.Find(".scenario-error[data-field='order.horizonMinutes']").TextContent);

        await editor.InvokeAsync(() => editor.Find("#horizon").Input("1,000,000"));
        Assert.Equal(1_000_000, model.HorizonMinutes);
        Assert.Null(await editor.InvokeAsync(() => editor.Instance.TryBuild()));

        await editor.InvokeAsync(() => editor.Find("#horizon").Input("90"));
        var built = await editor.InvokeAsync(() => editor.Instance.TryBuild());
        Assert.NotNull(built);
        Assert.Equal(90, built.Order.HorizonMinutes);
    }

    [Fact]
    public async Task A_count_asks_for_a_whole_number_and_a_preset_replaces_text_that_was_not_a_number()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var model = new ScenarioFormModel(ScenarioPresets.Demo());
        var editor = ctx.Render<ScenarioEditor>(p => p.Add(x => x.Model, model));

        await editor.InvokeAsync(() => editor.Find("#steps").Input("12.5"));
        Assert.Contains(new ValidationError("order.steps", "enter a whole number of steps, e.g. 12; \"12.5\" is not a whole number"), model.Validate());

        await editor.InvokeAsync(() => editor.Find("#size-pct").Input("lots"));
        Assert.Contains(model.Validate(), e => e.Field == "order.sizePctAdv" && e.Message.StartsWith("enter a percentage of ADV (a number), e.g. 5;", StringComparison.Ordinal));
        await editor.InvokeAsync(() => editor.Find("#size-10").Click());
        Assert.Equal("10", editor.Find("#size-pct").GetAttribute("value"));
        Assert.DoesNotContain(model.Validate(), e => e.Field == "order.sizePctAdv");
    }

    [Theory]
    [InlineData("1,000,000", true, 1e6)]
    [InlineData(" 2.5e3 ", true, 2500)]
    [InlineData("abc", false, 0)]
    [InlineData("NaN", false, 0)]
    [InlineData("Infinity", false, 0)]
    [InlineData("", false, 0)]
    public void Doubles_are_read_in_invariant_culture_and_must_be_finite(string text, bool ok, double expected)
    {
        Assert.Equal(ok, NumberText.TryParse<double>(text, out var value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void Counts_take_whole_numbers_and_an_optional_number_may_be_empty()
    {
        Assert.False(NumberText.TryParse<int>("12.5", out _));
        Assert.True(NumberText.TryParse<int>("1,200", out var steps));
        Assert.Equal(1200, steps);
        Assert.True(NumberText.TryParse<double?>("  ", out var cap));
        Assert.Null(cap);
        Assert.False(NumberText.TryParse<double?>("x", out _));
    }

    [Fact]
    public async Task The_horizon_field_shows_the_replayed_segment_as_its_limit_and_refuses_beyond_it()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var id = Guid.NewGuid();
        // 09:30 to 11:30: a two-hour recording whose test segment (the last 30 %) lasts 36 minutes.
        var dataset = new DatasetChoice(id, "AMZN morning", "AMZN", new DateTime(2012, 6, 21, 0, 0, 0, DateTimeKind.Utc), [])
        {
            StartTimeNs = 34_200_000_000_000, EndTimeNs = 41_400_000_000_000,
        };
        var model = new ScenarioFormModel(ScenarioPresets.Demo())
        {
            Source = MarketSource.Replay, ReplayDatasetId = id, ReplaySegment = ReplaySegment.Test, HorizonMinutes = 30, Steps = 6,
        };
        var editor = ctx.Render<ScenarioEditor>(p => p.Add(x => x.Model, model).Add(x => x.Datasets, [dataset]));

        var help = editor.Find("#horizon").Closest(".mud-input-control")!.TextContent;
        Assert.Contains("at most 36 minutes for the replayed recording (the test segment of the replayed recording lasts 36 minutes", help);
        Assert.NotNull(await editor.InvokeAsync(() => editor.Instance.TryBuild()));

        await editor.InvokeAsync(() => editor.Find("#horizon").Input("60"));
        Assert.Null(await editor.InvokeAsync(() => editor.Instance.TryBuild()));
        Assert.Contains("Horizon must be more than 0 and at most 36 minutes; you entered 60. (the test segment of the replayed recording lasts 36 minutes",
            editor.Find(".scenario-error[data-field='order.horizonMinutes']").TextContent);

        model.ReplaySegment = ReplaySegment.All;
        Assert.NotNull(await editor.InvokeAsync(() => editor.Instance.TryBuild()));
    }
}
