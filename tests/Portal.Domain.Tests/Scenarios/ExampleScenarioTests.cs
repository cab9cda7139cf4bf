using Portal.Domain.Scenarios;

namespace Portal.Domain.Tests.Scenarios;

public class ExampleScenarioTests
{
    private static string ExamplesDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ExecutionLab.sln"))) dir = dir.Parent;
        Assert.True(dir is not null, "ExecutionLab.sln not found above " + AppContext.BaseDirectory);
        return Path.Combine(dir.FullName, "examples", "scenarios");
    }

    [Fact]
    public void Every_example_scenario_parses_and_is_valid()
    {
        var files = Directory.GetFiles(ExamplesDirectory(), "*.json");
        Assert.True(files.Length >= 3 + RegimePresets.Names.Count, $"only {files.Length} example scenarios");
        foreach (string file in files) Assert.Empty(ScenarioJson.Parse(File.ReadAllText(file)).Validate());
    }

    [Fact]
    public void There_is_one_example_per_regime_preset_using_that_regime()
    {
        foreach (string regime in RegimePresets.Names)
        {
            var s = ScenarioJson.Parse(File.ReadAllText(Path.Combine(ExamplesDirectory(), $"regime-{regime}.json")));
            Assert.Equal(regime, s.Market.Regime);
            Assert.Equal(ScenarioJson.Serialize(s with { Market = RegimePresets.Apply(s.Market, regime) }), ScenarioJson.Serialize(s));
        }
    }

    [Fact]
    public void Paper_examples_match_their_presets()
    {
        var ac = ScenarioJson.Parse(File.ReadAllText(Path.Combine(ExamplesDirectory(), "almgren-chriss-2000.json")));
        Assert.Equal(ScenarioJson.Serialize(ScenarioPresets.AlmgrenChriss2000()), ScenarioJson.Serialize(ac));
        Assert.Equal(1e6, ac.Quantity, 6);
        Assert.Equal(0.95, ac.Market.DailyVolatility * ac.Market.ArrivalPrice, 12);
        Assert.Equal(1.0, ac.StepDays, 12);

        var ow = ScenarioJson.Parse(File.ReadAllText(Path.Combine(ExamplesDirectory(), "obizhaeva-wang.json")));
        Assert.Equal(ImpactModels.ObizhaevaWang, ow.Market.Impact.Model);
        Assert.Contains("ow", ow.Strategies);
    }
}
