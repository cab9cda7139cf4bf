using Bunit;
using Portal.Domain.Scenarios;
using Portal.Web.Features.Scenarios;
using Portal.Web.Features.Scenarios.Components;

namespace Portal.Web.Tests.Components;

public sealed class ScenarioImpactFieldsTests
{
    [Fact]
    public void The_chosen_models_parameters_are_edited_and_the_scenario_keeps_only_that_models_record()
    {
        var original = ScenarioPresets.Demo() with
        {
            Market = ScenarioPresets.Demo().Market with { Impact = new SquareRootImpactSpec { Y = 0.8, Epsilon = 0.01 } },
        };
        var model = new ScenarioFormModel(original) { SquareRootY = 0.9, Kernel = PropagatorKernels.Exponential, RelaxationMinutes = 45 };
        model.ImpactModel = ImpactModels.PowerLaw;
        model.PowerLawBeta = 0.5;

        var powerLaw = Assert.IsType<PowerLawImpactSpec>(model.ToScenario().Market.Impact);
        Assert.Equal(new PowerLawImpactSpec { Beta = 0.5, Epsilon = 0.01 }, powerLaw);

        // Switching back in the builder finds the square-root edits where they were left.
        model.ImpactModel = ImpactModels.SquareRoot;
        var squareRoot = Assert.IsType<SquareRootImpactSpec>(model.ToScenario().Market.Impact);
        Assert.Equal(new SquareRootImpactSpec { Y = 0.9, Kernel = PropagatorKernels.Exponential, RelaxationMinutes = 45, Epsilon = 0.01 }, squareRoot);
        Assert.DoesNotContain("beta", ScenarioJson.Serialize(model.ToScenario()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_editor_shows_the_square_root_kernel_fields_only_for_that_model()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var model = new ScenarioFormModel(ScenarioPresets.Demo() with
        {
            Market = ScenarioPresets.Demo().Market with { Impact = new SquareRootImpactSpec() },
        });
        var editor = ctx.Render<ScenarioEditor>(p => p.Add(x => x.Model, model));
        Assert.Contains("γ kernel exponent", editor.Markup);
        Assert.DoesNotContain("η temporary impact", editor.Markup);

        model.ImpactModel = ImpactModels.AlmgrenChriss;
        editor.Render();
        Assert.DoesNotContain("γ kernel exponent", editor.Markup);
        Assert.Contains("η temporary impact", editor.Markup);
    }

    [Fact]
    public async Task Warnings_name_the_parameters_and_stored_json_is_read()
    {
        await using var ctx = ScenarioEditorTests.NewContext();
        var manipulable = ScenarioPresets.Demo() with
        {
            Market = ScenarioPresets.Demo().Market with { Impact = new SquareRootImpactSpec { KernelExponent = 0.3 } },
        };
        var list = ctx.Render<ScenarioWarningList>(p => p.Add(x => x.ScenarioJson, ScenarioJson.Serialize(manipulable)));
        var alert = Assert.Single(list.FindAll(".scenario-warning"));
        Assert.Equal("market.impact.kernelExponent", alert.GetAttribute("data-field"));

        var clean = ctx.Render<ScenarioWarningList>(p => p.Add(x => x.Scenario, ScenarioPresets.Demo()));
        Assert.Empty(clean.FindAll(".scenario-warning"));
    }
}
