using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Domain.Scenarios;

/// <summary>The scenario JSON format: camelCase names, enums as camelCase strings, unknown fields rejected.</summary>
public static class ScenarioJson
{
    /// <summary>Serializer options for scenarios and results (camelCase, enums as camelCase strings, indented).</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Writes a scenario as indented JSON.</summary>
    public static string Serialize(Scenario s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return JsonSerializer.Serialize(s, Options);
    }

    /// <summary>Reads and validates a scenario.</summary>
    /// <exception cref="ScenarioValidationException">The JSON is malformed, misses a required field, has an unknown field,
    /// or a value is outside its allowed range; the errors name the field.</exception>
    public static Scenario Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        Scenario? s;
        try
        {
            s = JsonSerializer.Deserialize<Scenario>(json, Options);
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
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}
