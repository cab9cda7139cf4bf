using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;
using Portal.Testing;

namespace Portal.Domain.Tests.Scenarios;

/// <summary>Scenario JSON versions: old documents are upgraded, then read strictly as the current version.</summary>
public class ScenarioSchemaTests
{
    private static string FixtureFolder => Path.Combine(RepositoryPaths.Root, "tests", "Portal.Domain.Tests", "Scenarios", "Fixtures", "v1");

    /// <summary>Every version-1 document we have: the frozen copies and the files in the repository today that have no
    /// schemaVersion (the experiments' AC-environment files, which are not scenarios, have no <c>order</c>).</summary>
    public static TheoryData<string> VersionOneFiles()
    {
        var files = Directory.GetFiles(FixtureFolder, "*.json")
            .Concat(Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "examples", "scenarios"), "*.json"))
            .Concat(Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "experiments", "scenarios"), "*.json"))
            .Where(f => JsonNode.Parse(File.ReadAllText(f)) is JsonObject o && o.ContainsKey("order") && !o.ContainsKey("schemaVersion"))
            .Select(f => Path.GetRelativePath(RepositoryPaths.Root, f));
        return [.. files];
    }

    [Fact]
    public void The_frozen_version_one_documents_are_all_there()
    {
        var names = Directory.GetFiles(FixtureFolder, "*.json").Select(Path.GetFileName).ToList();
        Assert.Contains("default-scenario.json", names);
        Assert.Equal(13, names.Count(n => n!.StartsWith("examples-", StringComparison.Ordinal)));
        Assert.Equal(3, names.Count(n => n!.StartsWith("experiments-", StringComparison.Ordinal)));
        Assert.True(VersionOneFiles().Count >= 17);
    }

    [Theory]
    [MemberData(nameof(VersionOneFiles))]
    public void A_version_one_document_upgrades_keeping_every_value_and_is_labelled_with_the_regime_its_values_belong_to(string file)
    {
        var v1 = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, file)))!.AsObject();

        var upgraded = ScenarioSchema.Upgrade(v1);
        Assert.Equal(ScenarioSchema.CurrentVersion, (int)upgraded["schemaVersion"]!);
        Assert.False(upgraded["market"]!.AsObject().ContainsKey("regime"));
        Assert.Empty(ScenarioSchema.Check(upgraded));

        var scenario = ScenarioJson.Parse(v1.ToJsonString());
        var written = JsonNode.Parse(ScenarioJson.Serialize(scenario))!.AsObject();
        Assert.Equal(ScenarioSchema.CurrentVersion, (int)written["schemaVersion"]!);
        string v1Label = (string)v1["market"]!["regime"]!;
        // Every exported file had values matching its label (the builder's mislabelled scenarios are tested below), except
        // that the stress regimes now draw their event per episode: a version-one stress event at a fixed time keeps its
        // values and so is labelled custom, never a regime it does not simulate.
        string[] randomised = [RegimePresets.FlashCrash, RegimePresets.LiquidityCollapse, RegimePresets.VolatilitySpike, RegimePresets.ImpactShift];
        Assert.Equal(randomised.Contains(v1Label) ? RegimePresets.Custom : v1Label, scenario.Market.Regime);

        // Every value written in version 1 is written unchanged in the current version (fields added since then take their
        // defaults), except the impact fields of the models the scenario does not use, which version 3 drops (and renames
        // where the model owns them: ImpactSpecUpgradeTests).
        if (randomised.Contains(v1Label)) v1["market"]!["regime"] = RegimePresets.Custom;
        v1["market"]!["impact"] = upgraded["market"]!["impact"]!.DeepClone();
        Assert.Null(FirstDifference(v1, written, ""));

        // Parsing what the portal writes is the identity.
        Assert.Equal(ScenarioJson.Serialize(scenario), ScenarioJson.Serialize(ScenarioJson.Parse(ScenarioJson.Serialize(scenario))));
    }

    /// <summary>The first path where <paramref name="old"/> has a value that <paramref name="now"/> does not, or null.</summary>
    private static string? FirstDifference(JsonNode? old, JsonNode? now, string path)
    {
        switch (old)
        {
            case JsonObject o:
                if (now is not JsonObject n) return path;
                foreach (var (key, value) in o)
                {
                    if (!n.TryGetPropertyValue(key, out var other)) return $"{path}.{key} (missing)";
                    if (FirstDifference(value, other, $"{path}.{key}") is { } d) return d;
                }
                return null;
            case JsonArray a:
                if (now is not JsonArray b || a.Count != b.Count) return path;
                for (int i = 0; i < a.Count; i++)
                    if (FirstDifference(a[i], b[i], $"{path}[{i}]") is { } d) return d;
                return null;
            default:
                return JsonNode.DeepEquals(old, now) ? null : $"{path}: {old?.ToJsonString()} became {now?.ToJsonString()}";
        }
    }

    [Fact]
    public void A_version_one_scenario_saved_with_a_regime_label_its_values_did_not_have_is_relabelled_by_its_values()
    {
        // What the builder saved before regimes applied: "volatile" chosen, volatility and spread left at 2% and 4 bps.
        var v1 = JsonNode.Parse(File.ReadAllText(Path.Combine(FixtureFolder, "default-scenario.json")))!;
        v1["market"]!["regime"] = "volatile";

        var scenario = ScenarioJson.Parse(v1.ToJsonString());

        Assert.Equal(RegimePresets.Normal, scenario.Market.Regime);
        Assert.Equal(0.02, scenario.Market.DailyVolatility);
        Assert.Equal(4, scenario.Market.Spread.MeanBps);
    }

    [Fact]
    public void A_partial_version_one_document_keeps_its_version_one_meaning_instead_of_taking_the_regime_values()
    {
        // Version 1 never applied the label, so a missing volatility meant the default 2%, not the volatile 4%.
        var json = """{"order":{"side":"buy","sizePctAdv":2,"horizonMinutes":30,"steps":6},"market":{"regime":"volatile"}}""";

        var scenario = ScenarioJson.Parse(json);

        Assert.Equal(0.02, scenario.Market.DailyVolatility);
        Assert.Equal(RegimePresets.Normal, scenario.Market.Regime);
    }

    [Fact]
    public void The_upgrade_does_not_invent_required_values()
    {
        var json = """{"order":{"sizePctAdv":2,"horizonMinutes":30,"steps":6},"market":{}}""";
        var ex = Assert.Throws<ScenarioValidationException>(() => ScenarioJson.Parse(json));
        Assert.Equal("order.side", Assert.Single(ex.Errors).Field);
    }

    [Fact]
    public void A_current_document_is_left_as_it_is()
    {
        var v2 = JsonNode.Parse(ScenarioJson.Serialize(ScenarioPresets.Demo()))!.AsObject();
        Assert.True(JsonNode.DeepEquals(v2, ScenarioSchema.Upgrade(v2)));
        Assert.Equal("schemaVersion", v2.First().Key);
        Assert.Equal(ScenarioSchema.CurrentVersion, (int)v2["schemaVersion"]!);
    }

    [Theory]
    [InlineData("4", "newer than this portal reads")]
    [InlineData("0", "allowed range [1, 3]")]
    [InlineData("\"2\"", "expected an integer")]
    [InlineData("1.5", "expected an integer")]
    [InlineData("null", "expected an integer")]
    public void A_bad_schema_version_is_named(string version, string message)
    {
        var node = JsonNode.Parse(ScenarioJson.Serialize(ScenarioPresets.Demo()))!;
        node["schemaVersion"] = JsonNode.Parse(version);
        var ex = Assert.Throws<ScenarioValidationException>(() => ScenarioJson.Parse(node.ToJsonString()));
        var error = Assert.Single(ex.Errors);
        Assert.Equal("schemaVersion", error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> Required() => [.. ScenarioSchema.RequiredFields];

    [Theory]
    [MemberData(nameof(Required))]
    public void A_missing_required_field_is_named(string path)
    {
        var node = JsonNode.Parse(ScenarioJson.Serialize(ScenarioPresets.Demo()))!;
        string[] parts = path.Split('.');
        var owner = parts[..^1].Aggregate(node, (n, p) => n[p]!).AsObject();

        owner.Remove(parts[^1]);
        var ex = Assert.Throws<ScenarioValidationException>(() => ScenarioJson.Parse(node.ToJsonString()));
        Assert.Equal(new ValidationError(path, "is required"), Assert.Single(ex.Errors));

        owner[parts[^1]] = null;
        ex = Assert.Throws<ScenarioValidationException>(() => ScenarioJson.Parse(node.ToJsonString()));
        Assert.Contains(ex.Errors, e => e.Field == path);
    }

    [Fact]
    public void Every_unknown_and_missing_field_is_named_at_once_with_its_path()
    {
        var node = JsonNode.Parse(ScenarioJson.Serialize(ScenarioPresets.Demo() with
        {
            Market = RegimePresets.Apply(ScenarioPresets.Demo().Market, RegimePresets.FlashCrash),
        }))!;
        node["order"]!.AsObject().Remove("steps");
        node["market"]!["events"]![0]!["sizeStd"] = 1;
        node["market"]!["impact"]!["Eta"] = 1e-8;
        node["costs"]!["commission"] = 2;
        node["colour"] = "blue";

        var ex = Assert.Throws<ScenarioValidationException>(() => ScenarioJson.Parse(node.ToJsonString()));

        Assert.Equal(
            ["colour", "costs.commission", "market.events[0].sizeStd", "market.impact.Eta", "order.steps"],
            ex.Errors.Select(e => e.Field).Order(StringComparer.Ordinal));
        Assert.Contains("did you mean 'eta'", ex.Errors.Single(e => e.Field == "market.impact.Eta").Message, StringComparison.Ordinal);
        Assert.Contains("feeBps", ex.Errors.Single(e => e.Field == "costs.commission").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_field_inside_the_replay_options_is_named()
    {
        var s = ScenarioPresets.Demo() with { Replay = new ReplaySpec { DatasetId = Guid.NewGuid(), Options = new ReplayOptions { Segment = ReplaySegment.Test } } };
        var node = JsonNode.Parse(ScenarioJson.Serialize(s))!;
        node["replay"]!["options"]!["speed"] = 2;
        var ex = Assert.Throws<ScenarioValidationException>(() => ScenarioJson.Parse(node.ToJsonString()));
        Assert.Equal("replay.options.speed", Assert.Single(ex.Errors).Field);
    }

    [Fact]
    public void A_field_given_twice_is_an_error()
    {
        var json = """{"order":{"side":"buy","side":"sell","sizePctAdv":2,"horizonMinutes":30,"steps":6},"market":{}}""";
        var ex = Assert.Throws<ScenarioValidationException>(() => ScenarioJson.Parse(json));
        var error = Assert.Single(ex.Errors);
        Assert.Contains("side", error.Field + error.Message, StringComparison.Ordinal);
    }

    /// <summary>The known fields come from the records themselves: every public settable property of every record a scenario
    /// is made of (including ones added after this test was written) is accepted under its camelCase name.</summary>
    [Fact]
    public void Every_property_the_scenario_records_declare_is_a_known_field()
    {
        var scenario = ScenarioPresets.Demo() with
        {
            Market = RegimePresets.Apply(ScenarioPresets.Demo().Market, RegimePresets.FlashCrash) with { CalibratedFrom = "AMZN 2012-06-21" },
            Constraints = new ConstraintSpec { MaxParticipationPct = 20 },
            Replay = new ReplaySpec { DatasetId = Guid.NewGuid(), Options = new ReplayOptions { Segment = ReplaySegment.Test, Adv = 1e6 } },
            StrategySettings = ScenarioPresets.Demo().StrategySettings with { Guards = new GuardSettings { Fallback = new() { ThresholdQuantile = 0.9, CalibrationEpisodes = 256 }, Breaker = new(), Strategies = ["twap"] }, AgentSeed = 2 },
        };
        var document = JsonNode.Parse(ScenarioJson.Serialize(scenario))!.AsObject();
        Assert.Empty(ScenarioSchema.Check(document));

        var checkedTypes = new List<Type>();
        void Visit(Type type, JsonNode node, string path)
        {
            checkedTypes.Add(type);
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is not null))
            {
                string name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
                Assert.True(node.AsObject().ContainsKey(name), $"{path}{name} is not written");
                var child = node[name];
                var t = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                if (child is JsonObject && t.Namespace!.StartsWith("Portal.Domain", StringComparison.Ordinal))
                    Visit(t, child, $"{path}{name}.");
                else if (child is JsonArray { Count: > 0 } array && t.IsGenericType && t.GetGenericArguments()[0] is { IsClass: true } element && element != typeof(string))
                    Visit(element, array[0]!, $"{path}{name}[0].");
            }
        }
        Visit(typeof(Scenario), document, "");

        Assert.Contains(typeof(ImpactSpec), checkedTypes);
        Assert.Contains(typeof(MarketEvent), checkedTypes);
        Assert.Contains(typeof(ConstraintSpec), checkedTypes);
        Assert.Contains(typeof(ReplayOptions), checkedTypes);
        Assert.Contains(typeof(CircuitBreakerSettings), checkedTypes);
        Assert.Equal(ScenarioJson.Serialize(scenario), ScenarioJson.Serialize(ScenarioJson.Parse(document.ToJsonString())));
    }

    public static TheoryData<string, string, string> AbsurdValues() => new()
    {
        { "strategySettings.riskAversion", "1e308", "[0, 1]" },
        { "market.price.jumpIntensityPerDay", "1e308", "[0, 10000]" },
        { "market.impact.eta", "1e308", "1000 × arrivalPrice / adv" },
        { "market.impact.gamma", "1e300", "[0, 0.01]" },
        { "market.impact.epsilon", "1e308", "[0, 50]" },
        { "costs.feePerShare", "1e308", "[0, 50]" },
        { "order.horizonMinutes", "1000000", "(0, 11700]" },
        { "market.events", "[{\"atFraction\":0.5,\"liquidityMultiplier\":0.5,\"recoveryMinutes\":1e308}]", "[0, 43200]" },
    };

    [Theory]
    [MemberData(nameof(AbsurdValues))]
    public void An_absurd_but_typed_value_is_rejected_with_the_allowed_range(string path, string value, string range)
    {
        var node = JsonNode.Parse(ScenarioJson.Serialize(ScenarioPresets.Demo()))!;
        string[] parts = path.Split('.');
        parts[..^1].Aggregate(node, (n, p) => n[p]!)[parts[^1]] = JsonNode.Parse(value);

        var ex = Assert.Throws<ScenarioValidationException>(() => ScenarioJson.Parse(node.ToJsonString()));

        // (A huge γ or horizon also breaks the Almgren–Chriss condition η ≥ γτ/2, reported on market.impact.eta.)
        var error = Assert.Single(ex.Errors, e => e.Field.StartsWith(path, StringComparison.Ordinal));
        Assert.Contains(range, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_number_beyond_double_range_is_named()
    {
        var json = ScenarioJson.Serialize(ScenarioPresets.Demo()).Replace("\"riskAversion\": 1E-06", "\"riskAversion\": 1e400", StringComparison.Ordinal);
        var ex = Assert.Throws<ScenarioValidationException>(() => ScenarioJson.Parse(json));
        Assert.Equal("strategySettings.riskAversion", Assert.Single(ex.Errors).Field);
    }

    [Fact]
    public void Thousands_of_events_or_empty_events_are_rejected()
    {
        var demo = ScenarioPresets.Demo();
        var many = demo with { Market = demo.Market with { Events = [.. Enumerable.Repeat(new MarketEvent { ImpactMultiplier = 2 }, 5000)] } };
        var error = Assert.Single(many.Validate());
        Assert.Equal("market.events", error.Field);
        Assert.Contains("at most 20", error.Message, StringComparison.Ordinal);

        var node = JsonNode.Parse(ScenarioJson.Serialize(demo))!;
        node["market"]!["events"] = JsonNode.Parse("""[{"atFraction":0.2,"impactMultiplier":2},{"atFraction":0.7}]""");
        var ex = Assert.Throws<ScenarioValidationException>(() => ScenarioJson.Parse(node.ToJsonString()));
        error = Assert.Single(ex.Errors);
        Assert.Equal("market.events[1]", error.Field);
        Assert.Contains("changes nothing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_and_strategy_lists_have_limits()
    {
        var demo = ScenarioPresets.Demo();
        Assert.Contains("at most 200", Assert.Single((demo with { Name = new string('x', 100_000) }).Validate()).Message, StringComparison.Ordinal);
        Assert.Equal("name", Assert.Single((demo with { Name = "a\0b" }).Validate()).Field);
        Assert.Equal("strategies", Assert.Single((demo with { Strategies = [.. Enumerable.Range(0, 10_000).Select(i => $"agent:{i}")] }).Validate()).Field);
        Assert.Equal("strategies[1]", Assert.Single((demo with { Strategies = ["twap", "agent:" + new string('a', 200)] }).Validate()).Field);
    }

    [Fact]
    public void The_horizon_limit_follows_the_trading_day()
    {
        var demo = ScenarioPresets.Demo();
        var day = demo with { Market = demo.Market with { TradingMinutesPerDay = 1440 }, Order = demo.Order with { HorizonMinutes = 30 * 1440, Steps = 1000 } };
        Assert.Empty(day.Validate());
        Assert.Equal("order.horizonMinutes", Assert.Single((day with { Order = day.Order with { HorizonMinutes = 30 * 1440 + 1 } }).Validate()).Field);
        Assert.Empty(ScenarioPresets.AlmgrenChriss2000().Validate());
    }
}
