using System.Text.Json.Nodes;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Testing;

namespace Portal.Domain.Tests.Scenarios;

/// <summary>Schema version 3: <c>market.impact</c> is one record per model. Version-2 documents (frozen copies of what the
/// portal exported: every example and experiment scenario, and builder exports of the other models) are upgraded keeping
/// the named model's values and read strictly.</summary>
public class ImpactSpecUpgradeTests
{
    private static string V2Folder => Path.Combine(RepositoryPaths.Root, "tests", "Portal.Domain.Tests", "Scenarios", "Fixtures", "v2");

    private static string[] VersionTwoNames() =>
        [.. Directory.GetFiles(V2Folder, "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    public static TheoryData<string> VersionTwoFiles() => [.. VersionTwoNames()];

    /// <summary>Version-2 field → version-3 field, per model (docs/scenario-schema.md, "Version 2 → 3").</summary>
    private static readonly Dictionary<string, (string V2, string V3)[]> Renames = new()
    {
        [ImpactModels.AlmgrenChriss] = [("eta", "eta"), ("gamma", "gamma")],
        [ImpactModels.PowerLaw] = [("powerLawEta", "eta"), ("powerLawBeta", "beta"), ("powerLawGamma", "gamma"), ("sharesOutstandingToAdv", "sharesOutstandingToAdv")],
        [ImpactModels.SquareRoot] = [("squareRootY", "y"), ("delta", "delta"), ("kernel", "kernel"), ("kernelExponent", "kernelExponent"), ("relaxationMinutes", "relaxationMinutes")],
        [ImpactModels.Transient] = [("g0", "g0"), ("transientGamma", "gamma"), ("beta", "beta"), ("transientDecayMinutes", "decayMinutes")],
        [ImpactModels.ObizhaevaWang] = [("depth", "depth"), ("resiliencePerDay", "resiliencePerDay")],
    };

    [Fact]
    public void The_frozen_version_two_exports_cover_every_impact_model()
    {
        var models = VersionTwoNames().Select(f => (string)JsonNode.Parse(File.ReadAllText(Path.Combine(V2Folder, f)))!["market"]!["impact"]!["model"]!);
        Assert.Equal(ImpactModels.All.Order(StringComparer.Ordinal), models.Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(13, VersionTwoNames().Count(f => f.StartsWith("examples-", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(VersionTwoFiles))]
    public void A_version_two_export_keeps_exactly_its_models_values_under_their_new_names(string file)
    {
        var v2 = JsonNode.Parse(File.ReadAllText(Path.Combine(V2Folder, file)))!.AsObject();
        Assert.Equal(2, ScenarioSchema.VersionOf(v2));
        var oldImpact = v2["market"]!["impact"]!.AsObject();
        string model = (string)oldImpact["model"]!;

        var upgraded = ScenarioSchema.Upgrade(v2);
        Assert.Equal(3, (int)upgraded["schemaVersion"]!);
        Assert.Empty(ScenarioSchema.Check(upgraded));
        var impact = upgraded["market"]!["impact"]!.AsObject();
        string[] expectedFields = ["model", "epsilon", "liquidityScaled", .. Renames[model].Select(r => r.V3)];
        Assert.Equal(expectedFields.Order(StringComparer.Ordinal), impact.Select(p => p.Key).Order(StringComparer.Ordinal));
        foreach (var (before, after) in Renames[model].Append(("epsilon", "epsilon")).Append(("liquidityScaled", "liquidityScaled")))
        {
            Assert.True(JsonNode.DeepEquals(oldImpact[before], impact[after]), $"{file}: {before} → {after}");
        }

        // Everything outside market.impact is untouched.
        var rest = v2.DeepClone().AsObject();
        rest["market"]!.AsObject().Remove("impact");
        rest.Remove("schemaVersion");
        var restUpgraded = upgraded.DeepClone().AsObject();
        restUpgraded["market"]!.AsObject().Remove("impact");
        restUpgraded.Remove("schemaVersion");
        Assert.True(JsonNode.DeepEquals(rest, restUpgraded));

        // Read, written in version 3, read again: the same scenario, the same record the model is built from.
        var scenario = ScenarioJson.Parse(v2.ToJsonString());
        Assert.Equal(model, scenario.Market.Impact.Model);
        Assert.Equal(ImpactSpec.Default(model).GetType(), scenario.Market.Impact.GetType());
        string written = ScenarioJson.Serialize(scenario);
        Assert.Equal(written, ScenarioJson.Serialize(ScenarioJson.Parse(written)));
        Assert.True(JsonNode.DeepEquals(impact, JsonNode.Parse(written)!["market"]!["impact"]));
    }

    [Theory]
    [InlineData("portal-square-root.json")]
    [InlineData("portal-power-law.json")]
    [InlineData("portal-transient.json")]
    [InlineData("examples-obizhaeva-wang.json")]
    public void A_version_two_export_backtests_to_the_same_numbers_as_its_upgraded_version_three_form(string file)
    {
        // Both forms are read into the same record, so every figure of a short backtest is bit-for-bit the same.
        string v2 = File.ReadAllText(Path.Combine(V2Folder, file));
        var fromV2 = ScenarioJson.Parse(v2) with { Episodes = 200 };
        var fromV3 = ScenarioJson.Parse(ScenarioJson.Serialize(ScenarioJson.Parse(v2))) with { Episodes = 200 };
        Assert.Equal(fromV2.Market.Impact, fromV3.Market.Impact);

        var a = BacktestRunner.Run(fromV2, new BacktestOptions { KeepEpisodes = false });
        var b = BacktestRunner.Run(fromV3, new BacktestOptions { KeepEpisodes = false });
        Assert.Equal(a.Strategies.Select(s => (s.StrategyId, s.Summary.MeanBps, s.Summary.StdBps, s.Summary.P95Bps)),
            b.Strategies.Select(s => (s.StrategyId, s.Summary.MeanBps, s.Summary.StdBps, s.Summary.P95Bps)));
    }

    [Fact]
    public void A_version_two_impact_without_a_model_is_almgren_chriss_and_a_typo_is_still_named()
    {
        var v2 = """{"schemaVersion":2,"order":{"side":"sell","sizePctAdv":5,"horizonMinutes":60,"steps":12},"market":{"impact":{"eta":4e-8,"squareRootY":0.9}}}""";
        var impact = Assert.IsType<AlmgrenChrissImpactSpec>(ScenarioJson.Parse(v2).Market.Impact);
        Assert.Equal(new AlmgrenChrissImpactSpec { Eta = 4e-8 }, impact);

        var typo = v2.Replace("\"eta\"", "\"etta\"", StringComparison.Ordinal);
        var ex = Assert.Throws<ScenarioValidationException>(() => ScenarioJson.Parse(typo));
        var error = Assert.Single(ex.Errors);
        Assert.Equal("market.impact.etta", error.Field);
        Assert.Contains("known fields: epsilon, eta, gamma, liquidityScaled", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_version_one_square_root_scenario_reaches_version_three_through_the_chain()
    {
        var v1 = """{"order":{"side":"buy","sizePctAdv":2,"horizonMinutes":30,"steps":6},"market":{"regime":"normal","impact":{"model":"square-root","eta":1e-7,"gamma":3e-7,"squareRootY":0.55,"depth":1e6}}}""";
        var s = ScenarioJson.Parse(v1);
        Assert.Equal(new SquareRootImpactSpec { Y = 0.55 }, s.Market.Impact);
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"model":"square-root","y":0.55,"delta":0.5,"kernel":"power-law","kernelExponent":0.5,"relaxationMinutes":390,"epsilon":0,"liquidityScaled":false}"""),
            JsonNode.Parse(ScenarioJson.Serialize(s))!["market"]!["impact"]));
    }

    [Theory]
    [InlineData("""{"model":"square-root","eta":1e-7}""", "market.impact.eta", "known fields: delta, epsilon, kernel, kernelExponent, liquidityScaled, relaxationMinutes, y")]
    [InlineData("""{"model":"obizhaeva-wang","squareRootY":0.7}""", "market.impact.squareRootY", "known fields: depth, epsilon, liquidityScaled, resiliencePerDay")]
    [InlineData("""{"eta":1e-7}""", "market.impact.model", "is required")]
    [InlineData("""{"model":"kyle"}""", "market.impact.model", "is \"kyle\", allowed: almgren-chriss, power-law, square-root, transient, obizhaeva-wang")]
    [InlineData("""{"model":"transient","decayMinutes":0}""", "market.impact.decayMinutes", "allowed range (0, 1000000]")]
    [InlineData("""{"model":"power-law","beta":3}""", "market.impact.beta", "allowed range (0, 2]")]
    [InlineData("""{"model":"square-root","y":-1}""", "market.impact.y", "allowed range [0, 100]")]
    [InlineData("""{"model":"square-root","kernelExponent":1}""", "market.impact.kernelExponent", "must be in (0, 1)")]
    [InlineData("""{"model":"obizhaeva-wang","depth":0}""", "market.impact.depth", "allowed range (0, ∞]")]
    [InlineData("""{"model":"almgren-chriss","eta":1e-9,"gamma":2e-7}""", "market.impact.eta", "γτ/2")]
    public void A_version_three_impact_is_read_strictly_against_its_own_models_fields_and_ranges(string impact, string field, string message)
    {
        var json = $$$"""{"schemaVersion":3,"order":{"side":"sell","sizePctAdv":5,"horizonMinutes":60,"steps":12},"market":{"impact":{{{impact}}}}}""";
        var ex = Assert.Throws<ScenarioValidationException>(() => ScenarioJson.Parse(json));
        var error = Assert.Single(ex.Errors);
        Assert.Equal(field, error.Field);
        const string known = "known fields: ";
        if (message.StartsWith(known, StringComparison.Ordinal))
        {
            // The fields of the model the object names, in any order.
            int at = error.Message.IndexOf(known, StringComparison.Ordinal);
            Assert.True(at >= 0, error.Message);
            Assert.Equal(message[known.Length..].Split(", ").Order(StringComparer.Ordinal), error.Message[(at + known.Length)..].Split(", ").Order(StringComparer.Ordinal));
        }
        else
        {
            Assert.Contains(message, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_model_may_come_after_its_fields_and_a_market_without_impact_is_almgren_chriss()
    {
        var late = """{"schemaVersion":3,"order":{"side":"sell","sizePctAdv":5,"horizonMinutes":60,"steps":12},"market":{"impact":{"y":0.6,"model":"square-root"}}}""";
        Assert.Equal(new SquareRootImpactSpec { Y = 0.6 }, ScenarioJson.Parse(late).Market.Impact);

        var none = """{"schemaVersion":3,"order":{"side":"sell","sizePctAdv":5,"horizonMinutes":60,"steps":12},"market":{}}""";
        Assert.Equal(new AlmgrenChrissImpactSpec(), ScenarioJson.Parse(none).Market.Impact);
    }

    [Fact]
    public void Each_model_lists_its_own_parameters_and_switching_keeps_only_the_shared_ones()
    {
        foreach (string model in ImpactModels.All)
        {
            var spec = ImpactSpec.Default(model);
            Assert.Equal(model, spec.Model);
            var json = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(spec, ScenarioJson.Options))!.AsObject();
            string[] fields = ["model", "epsilon", "liquidityScaled", .. spec.Parameters.Select(p => p.Field)];
            Assert.Equal(fields.Order(StringComparer.Ordinal), json.Select(p => p.Key).Order(StringComparer.Ordinal));
        }

        var switched = new SquareRootImpactSpec { Y = 0.9, Epsilon = 0.02, LiquidityScaled = true }.SwitchTo(ImpactModels.Transient);
        Assert.Equal(new TransientImpactSpec { Epsilon = 0.02, LiquidityScaled = true }, switched);
        Assert.Throws<ArgumentOutOfRangeException>(() => ImpactSpec.Default("kyle"));
    }
}
