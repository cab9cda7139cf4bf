using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Domain.Scenarios;
using Portal.Testing;

namespace Portal.Domain.Tests.Scenarios;

/// <summary>The one declaration of every market-model and cost parameter: complete, consistent with the records, the
/// documentation and validation.</summary>
public sealed class MarketParametersTests
{
    /// <summary>Every record a market model or the costs are made of, found from <see cref="MarketSpec"/> and
    /// <see cref="CostSpec"/> (impact models through their JSON discriminator), except the list of stress events.</summary>
    private static IReadOnlyList<Type> ModelRecords()
    {
        var found = new List<Type>();
        var queue = new Queue<Type>([typeof(MarketSpec), typeof(CostSpec)]);
        while (queue.Count > 0)
        {
            var type = queue.Dequeue();
            if (found.Contains(type)) continue;
            found.Add(type);
            foreach (var derived in type.GetCustomAttributes<JsonDerivedTypeAttribute>()) queue.Enqueue(derived.DerivedType);
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var t = property.PropertyType;
                if (t.Namespace == typeof(MarketSpec).Namespace && t.IsClass && t != typeof(string)) queue.Enqueue(t);
            }
        }
        return found;
    }

    private static string CamelCase(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    [Fact]
    public void Every_numeric_field_of_the_model_records_is_declared_once_and_every_declaration_names_a_field()
    {
        var records = ModelRecords();
        // The walk reaches every model record, so a new record joins the check by being referenced.
        foreach (var expected in new[] { typeof(PriceSpec), typeof(SpreadSpec), typeof(LiquiditySpec), typeof(VolumeSpec), typeof(PassiveFillSpec), typeof(TransientImpactSpec), typeof(ObizhaevaWangImpactSpec) })
            Assert.Contains(expected, records);

        var missing = new List<string>();
        foreach (var type in records)
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            {
                if (property.PropertyType != typeof(double) && property.PropertyType != typeof(double?)) continue;
                if (property.GetCustomAttribute<JsonIgnoreAttribute>() is { Condition: JsonIgnoreCondition.Always }) continue;
                var declared = MarketParameters.All.Where(p => p.Record == type && p.Field == CamelCase(property.Name)).ToList();
                if (declared.Count != 1) missing.Add($"{type.Name}.{property.Name} ({declared.Count} declarations)");
            }
        }
        Assert.Empty(missing);

        foreach (var p in MarketParameters.All)
        {
            var property = p.Record.GetProperties().SingleOrDefault(x => CamelCase(x.Name) == p.Field);
            Assert.True(property is not null, $"{p.Path} names no property of {p.Record.Name}");
            Assert.False(string.IsNullOrWhiteSpace(p.Label) || string.IsNullOrWhiteSpace(p.Help), $"{p.Path} needs a label and a help sentence");
        }
        Assert.Equal(MarketParameters.All.Count, MarketParameters.All.Select(p => (p.Path, p.ImpactModel)).Distinct().Count());
    }

    [Fact]
    public void Each_default_is_the_records_own_and_lies_in_its_range()
    {
        var market = new MarketSpec();
        foreach (var p in MarketParameters.All)
        {
            object record = p.Record == typeof(ImpactSpec) ? new AlmgrenChrissImpactSpec() : Activator.CreateInstance(p.Record)!;
            Assert.True(p.Default == p.Read(record), $"{p.Path}: declared default {p.Default}, the record holds {p.Read(record)}");
            Assert.True(p.Allows(p.Default, market), $"{p.Path}: default {p.Default} outside {p.RangeText}");
            if (p.ImpactModel is { } model) Assert.Equal(p.Default, p.ReadFrom(ScenarioPresets.Demo() with { Market = market with { Impact = ImpactSpec.Default(model) } }));
        }
    }

    /// <summary>Each declared parameter, by its index in <see cref="MarketParameters.All"/>.</summary>
    public static TheoryData<int> Declared() => [.. Enumerable.Range(0, MarketParameters.All.Count)];

    [Theory]
    [MemberData(nameof(Declared))]
    public void Validation_refuses_a_value_just_outside_the_declared_range_naming_the_field_and_takes_the_ends(int index)
    {
        var p = MarketParameters.All[index];
        var demo = ScenarioPresets.Demo();
        var market = demo.Market;
        double min = p.Min, max = p.UpperBound(market);
        double below = p.MinExclusive ? min : min - Math.Max(1, Math.Abs(min));
        var low = p.WriteTo(demo, below);
        Assert.Equal(below, p.ReadFrom(low));
        Assert.Contains(low.Validate(), e => e.Field == p.Path && e.Message.StartsWith("is ", StringComparison.Ordinal)
            && (e.Message.Contains("allowed range", StringComparison.Ordinal) || e.Message.Contains("must be in", StringComparison.Ordinal)));

        if (max != double.MaxValue)
        {
            double above = p.MaxExclusive ? max : max + Math.Max(1, Math.Abs(max));
            Assert.Contains(p.WriteTo(demo, above).Validate(), e => e.Field == p.Path);
        }

        // A value inside the range is accepted for this field (other fields may relate to it, e.g. η ≥ γτ/2).
        double inside = p.MinExclusive || p.MaxExclusive ? (min + Math.Min(max, min + 1)) / 2 : min;
        Assert.DoesNotContain(p.WriteTo(demo, inside).Validate(), e => e.Field == p.Path && e.Message.Contains("allowed range", StringComparison.Ordinal));
    }

    [Fact]
    public void Messages_keep_the_words_of_the_checks_they_replace()
    {
        var demo = ScenarioPresets.Demo();
        var transient = MarketParameters.Find("market.impact.decayMinutes")!;
        Assert.Equal("is 0, allowed range (0, 1000000]", Assert.Single(transient.WriteTo(demo, 0).Validate()).Message);
        var spread = MarketParameters.Find("market.spread.minBps")!;
        Assert.Equal("is -1, allowed range [0, 10000]", Assert.Single(spread.WriteTo(demo, -1).Validate()).Message);
        var fee = MarketParameters.Find("costs.feePerShare")!;
        Assert.Equal("is 60, allowed range [0, 50] (the upper end is the arrival price)", Assert.Single(fee.WriteTo(demo, 60).Validate()).Message);
        var kernel = MarketParameters.Find("market.impact.kernelExponent")!;
        Assert.Equal("is 1 but must be in (0, 1)", Assert.Single(kernel.WriteTo(demo, 1).Validate()).Message);
        // A shared JSON name is found as the chosen model's.
        Assert.Equal(ImpactModels.Transient, MarketParameters.Find("market.impact.gamma", ImpactModels.Transient)!.ImpactModel);
        Assert.Equal("[0, 1]", MarketParameters.Find("market.impact.gamma", ImpactModels.Transient)!.RangeText);
    }

    [Fact]
    public void Writing_another_models_parameter_switches_to_that_model_with_its_defaults()
    {
        var p = MarketParameters.Find("market.impact.decayMinutes")!;
        var scenario = p.WriteTo(ScenarioPresets.Demo(), 7);
        Assert.Equal(new TransientImpactSpec { DecayMinutes = 7 }, scenario.Market.Impact);
        Assert.Null(MarketParameters.Find("market.impact.depth")!.ReadFrom(scenario));
        var json = JsonSerializer.Serialize(scenario, ScenarioJson.Options);
        Assert.Equal(7, ScenarioJson.Parse(json).Market.Impact is TransientImpactSpec t ? t.DecayMinutes : double.NaN);
    }

    [Fact]
    public void The_schema_document_lists_every_declared_parameter_with_its_range()
    {
        var doc = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "docs", "scenario-schema.md"));
        var missing = new List<string>();
        foreach (var p in MarketParameters.All)
        {
            bool listed = doc.Any(line => line.StartsWith('|') && line.Contains($"`{p.Path}`", StringComparison.Ordinal)
                && (p.ImpactModel is null || line.Contains($"`{p.ImpactModel}`", StringComparison.Ordinal))
                && line.Contains($"| {p.RangeText} |", StringComparison.Ordinal));
            if (!listed) missing.Add($"| `{p.Path}` | {(p.ImpactModel is null ? "" : $"`{p.ImpactModel}`")} | {p.Label} | {p.Unit} | {p.Default:G} | {p.RangeText} |");
        }
        Assert.True(missing.Count == 0, "docs/scenario-schema.md lacks these rows:\n" + string.Join("\n", missing));
    }
}
