using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Portal.Domain.Scenarios;

/// <summary>The scenario JSON format: camelCase names, enums as camelCase strings, a <c>schemaVersion</c> (older versions
/// are upgraded on reading), unknown fields and missing required fields rejected (<see cref="ScenarioSchema"/>).</summary>
public static class ScenarioJson
{
    /// <summary>Serializer options for scenarios and results (camelCase, enums as camelCase strings, indented).</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Writes a scenario as indented JSON of the current version, its market labelled with the regime its values
    /// belong to (<see cref="RegimePresets.Derive"/>), whatever label the object carried.</summary>
    public static string Serialize(Scenario s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.Market is not null && (RegimePresets.Names.Contains(s.Market.Regime) || s.Market.Regime == RegimePresets.Custom))
        {
            s = s with { Market = RegimePresets.Labelled(s.Market) };
        }
        return JsonSerializer.Serialize(s with { SchemaVersion = ScenarioSchema.CurrentVersion }, Options);
    }

    /// <summary>
    /// Reads a scenario: the JSON is upgraded to the current version (<see cref="ScenarioSchema.Upgrade"/>), checked strictly
    /// (unknown and missing required fields, <see cref="ScenarioSchema.Check"/>), read, given the values of the regime it
    /// names for the regime fields it leaves out, labelled with the regime its values belong to, and validated.
    /// </summary>
    /// <exception cref="ScenarioValidationException">The JSON is malformed, misses a required field, has an unknown field,
    /// or a value is outside its allowed range; the errors name the field.</exception>
    public static Scenario Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException ex)
        {
            throw new ScenarioValidationException(FieldOf(ex), CleanMessage(ex), ex);
        }
        if (root is not JsonObject document)
        {
            throw new ScenarioValidationException("scenario", $"The JSON is {(root is null ? "'null'" : "a " + root.GetValueKind().ToString().ToLowerInvariant())}; expected a scenario object.");
        }

        var upgraded = ScenarioSchema.Upgrade(document);
        var contractErrors = ScenarioSchema.Check(upgraded);
        if (contractErrors.Count > 0) throw new ScenarioValidationException(contractErrors);

        Scenario? s;
        try
        {
            s = upgraded.Deserialize<Scenario>(Options);
            if (s is not null && upgraded["market"] is JsonObject given && s.Market is not null)
            {
                s = s with { Market = WithRegimeDefaults(s.Market, given) };
            }
        }
        catch (JsonException ex)
        {
            throw new ScenarioValidationException(FieldOf(ex), CleanMessage(ex), ex);
        }

        if (s is null) throw new ScenarioValidationException("scenario", "The JSON is 'null'; expected a scenario object.");
        var errors = s.Validate();
        if (errors.Count > 0) throw new ScenarioValidationException(errors);
        return s;
    }

    /// <summary>
    /// The market as given, with every regime field the JSON leaves out taken from the regime named by <c>market.regime</c>
    /// (<see cref="RegimePresets.Apply"/>; none named: the record defaults, which are the <c>normal</c> regime), and
    /// labelled with the regime its values belong to: posting <c>{"regime": "volatile"}</c> simulates the volatile market,
    /// and a given value that differs from the named regime's makes the market <c>custom</c>. An unknown name is kept
    /// for validation to report.
    /// </summary>
    private static MarketSpec WithRegimeDefaults(MarketSpec given, JsonObject givenJson)
    {
        if (RegimePresets.Names.Contains(given.Regime, StringComparer.Ordinal) && givenJson.ContainsKey("regime"))
        {
            var preset = JsonSerializer.SerializeToNode(RegimePresets.Apply(given, given.Regime), Options)!.AsObject();
            Overlay(preset, givenJson);
            given = preset.Deserialize<MarketSpec>(Options)!;
        }
        else if (given.Regime != RegimePresets.Custom && givenJson.ContainsKey("regime"))
        {
            return given;
        }
        return RegimePresets.Labelled(given);
    }

    /// <summary>Writes every value of <paramref name="given"/> over <paramref name="target"/>, merging objects field by field
    /// (arrays and scalars replace).</summary>
    private static void Overlay(JsonObject target, JsonObject given)
    {
        foreach (var (name, value) in given)
        {
            if (value is JsonObject inner && target[name] is JsonObject existing)
            {
                Overlay(existing, inner);
            }
            else
            {
                target[name] = value?.DeepClone();
            }
        }
    }

    private static string FieldOf(JsonException ex)
    {
        string path = ex.Path ?? "$";
        if (path.StartsWith("$.", StringComparison.Ordinal)) path = path[2..];
        else if (path.StartsWith('$')) path = path[1..];
        if (path.Length == 0)
        {
            const string marker = "missing required properties including: ";
            int at = ex.Message.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0) path = ex.Message[(at + marker.Length)..].Trim().Trim('.').Trim('\'');
        }

        return path.Length == 0 ? "scenario" : path;
    }

    private static string CleanMessage(JsonException ex)
    {
        string m = ex.Message;
        int cut = m.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? m[..cut] : m;
    }

    private static JsonSerializerOptions CreateOptions()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            NumberHandling = JsonNumberHandling.Strict,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            // market.impact.model selects the impact record; hand-written JSON need not give it first.
            AllowOutOfOrderMetadataProperties = true,
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}
