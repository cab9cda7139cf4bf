using System.Globalization;
using System.Text.Json;
using Portal.Domain.Strategies;

namespace Portal.Domain.Agents;

/// <summary>One hyperparameter a training request got wrong.</summary>
/// <param name="Name">The hyperparameter's JSON name, e.g. <c>learningRate</c> (or the unknown name given).</param>
/// <param name="Message">What the API and the command line say, naming the field and the value, e.g.
/// <c>hyperparameters.learningRate: is -1, allowed range (0, 1]</c>.</param>
/// <param name="PlainMessage">What a form shows next to the field, in plain words, e.g.
/// <c>Must be more than 0 and at most 1; -1 is not.</c></param>
public sealed record HyperparameterError(string Name, string Message, string PlainMessage)
{
    /// <summary>The field as requests name it, e.g. <c>hyperparameters.learningRate</c>.</summary>
    public string Field => $"{HyperparameterValidator.Field}.{Name}";
}

/// <summary>A training request's hyperparameters that the algorithm's schema refuses; <see cref="Errors"/> names each one.</summary>
public sealed class HyperparameterValidationException(IReadOnlyList<HyperparameterError> errors)
    : ArgumentException(string.Join(" ", errors.Select(e => e.Message.EndsWith('.') ? e.Message : e.Message + ".")))
{
    /// <summary>Every refused hyperparameter, in the schema's order (unknown names last).</summary>
    public IReadOnlyList<HyperparameterError> Errors { get; } = errors;
}

/// <summary>
/// The hyperparameters a training uses: every field of the algorithm's schema, in its order, with the value the request
/// gave or the default (<see cref="int"/>, <see cref="double"/>, <see cref="bool"/> or <see cref="string"/> per the
/// field's type).
/// </summary>
public sealed class EffectiveHyperparameters
{
    internal EffectiveHyperparameters(string algorithm, IReadOnlyList<KeyValuePair<string, object>> values, IReadOnlySet<string> given)
    {
        Algorithm = algorithm;
        Values = values;
        Given = given;
    }

    /// <summary>The algorithm id.</summary>
    public string Algorithm { get; }

    /// <summary>Every hyperparameter's name and effective value, in the schema's order.</summary>
    public IReadOnlyList<KeyValuePair<string, object>> Values { get; }

    /// <summary>The names the request gave (the others took their default).</summary>
    public IReadOnlySet<string> Given { get; }

    /// <summary>The value of <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">Not a hyperparameter of the algorithm.</exception>
    public object this[string name] => Values.FirstOrDefault(v => v.Key == name) is { Key: not null } found
        ? found.Value
        : throw new KeyNotFoundException($"{Algorithm} has no hyperparameter {name}.");

    /// <summary>The values as one JSON object (camelCase names; numbers, booleans and strings per type), as stored with an
    /// agent and read by the algorithm's hyperparameter record.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in Values)
            {
                switch (value)
                {
                    case int i: writer.WriteNumber(name, i); break;
                    case double d: writer.WriteNumber(name, d); break;
                    case bool b: writer.WriteBoolean(name, b); break;
                    default: writer.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture)); break;
                }
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A value as forms and pages write it (invariant culture; <c>true</c>/<c>false</c> for flags).</summary>
    public static string Format(object value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => HyperparameterSpec.Number(d),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}

/// <summary>
/// Checks a training request's hyperparameters (name → value) against the algorithm's declared schema
/// (<see cref="AgentAlgorithmInfo.Parameters"/>): the one check the API, the training form and the command line share.
/// A value must have the field's type (a JSON number for <c>int</c> and <c>double</c>, a whole one for <c>int</c>; a boolean
/// for <c>bool</c>; one of the allowed strings for a choice) and lie in its range; a bound naming another field uses that
/// field's effective value. Fields left out take their default.
/// </summary>
public static class HyperparameterValidator
{
    /// <summary>The request field that holds the hyperparameters.</summary>
    public const string Field = "hyperparameters";

    /// <summary>
    /// The effective hyperparameters of <paramref name="algorithm"/> for <paramref name="given"/>, or every error. Values may
    /// be <see cref="JsonElement"/> (as the API reads them), <see cref="double"/>, <see cref="int"/>, <see cref="long"/>,
    /// <see cref="bool"/> or <see cref="string"/>; names are the JSON names (camelCase).
    /// </summary>
    public static (EffectiveHyperparameters? Effective, IReadOnlyList<HyperparameterError> Errors) Validate(
        AgentAlgorithmInfo algorithm, IReadOnlyDictionary<string, object?>? given)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        given ??= new Dictionary<string, object?>();
        var errors = new List<HyperparameterError>();

        // First each value's type; a value of the wrong type is refused and bounds nothing.
        var parsed = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var p in algorithm.Parameters)
        {
            if (given.TryGetValue(p.Name, out var raw))
            {
                if (Read(p, raw, out var value) is { } problem)
                {
                    errors.Add(problem);
                    continue;
                }
                parsed[p.Name] = value!;
            }
            else
            {
                parsed[p.Name] = DefaultOf(p);
            }
        }
        // Then the ranges. A field bounded by another is checked once that one is known to be allowed, against its value; a
        // refused field is reported on its own, not again through the fields it bounds.
        var allowed = new Dictionary<string, object>(StringComparer.Ordinal);
        var pending = algorithm.Parameters.Where(p => parsed.ContainsKey(p.Name)).ToList();
        for (bool progress = true; progress && pending.Count > 0;)
        {
            progress = false;
            foreach (var p in pending.ToList())
            {
                var value = parsed[p.Name];
                double? other = null;
                if (p.AllowedValues is null && p.Type != "bool" && p.Spec.Other is { } field)
                {
                    if (!allowed.TryGetValue(field, out var o))
                    {
                        // Wait for the other field, unless it was refused (or is not declared): then this one is not checked.
                        if (!pending.Any(q => q.Name == field))
                        {
                            pending.Remove(p);
                            progress = true;
                        }
                        continue;
                    }
                    other = Convert.ToDouble(o, CultureInfo.InvariantCulture);
                }
                pending.Remove(p);
                progress = true;
                if (p.AllowedValues is null && p.Type != "bool"
                    && p.Spec.Problem(Convert.ToDouble(value, CultureInfo.InvariantCulture), p.Name, other) is not null)
                {
                    errors.Add(OutOfRange(p, Shown(given.GetValueOrDefault(p.Name), value), other));
                    continue;
                }
                allowed[p.Name] = value;
            }
        }
        var values = algorithm.Parameters.Where(p => allowed.ContainsKey(p.Name)).Select(p => new KeyValuePair<string, object>(p.Name, allowed[p.Name])).ToList();
        foreach (var name in given.Keys.Where(n => algorithm.Parameters.All(p => p.Name != n)))
        {
            string known = string.Join(", ", algorithm.Parameters.Select(p => p.Name));
            errors.Add(new(name, $"{Field}.{name}: unknown for {algorithm.Id}; known: {known}",
                $"{name} is not a hyperparameter of {algorithm.Name}; it has {known}."));
        }
        if (errors.Count > 0)
        {
            // In the schema's order, unknown names last.
            var order = algorithm.Parameters.Select(p => p.Name).ToList();
            return (null, [.. errors.OrderBy(e => order.IndexOf(e.Name) is int i and >= 0 ? i : int.MaxValue)]);
        }
        return (new EffectiveHyperparameters(algorithm.Id, values, new HashSet<string>(given.Keys, StringComparer.Ordinal)), []);
    }

    /// <summary>
    /// The effective hyperparameters of <paramref name="algorithm"/> for <paramref name="given"/>.
    /// </summary>
    /// <exception cref="HyperparameterValidationException">A value is unknown, of the wrong type or out of range; it names each.</exception>
    public static EffectiveHyperparameters Require(AgentAlgorithmInfo algorithm, IReadOnlyDictionary<string, object?>? given)
    {
        var (effective, errors) = Validate(algorithm, given);
        return effective ?? throw new HyperparameterValidationException(errors);
    }

    /// <summary>The name → value map of a JSON object (e.g. a stored agent's hyperparameters or a <c>--hyper</c> file).</summary>
    /// <exception cref="ArgumentException">The JSON is not an object; the message says so.</exception>
    public static IReadOnlyDictionary<string, object?> FromJson(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException(
                $"{Field}: must be a JSON object of name and value, e.g. {{\"learningRate\": 0.01}}; got {json.ValueKind.ToString().ToLowerInvariant()}.", Field);
        }
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in json.EnumerateObject())
        {
            map[property.Name] = property.Value.Clone();
        }
        return map;
    }

    /// <inheritdoc cref="FromJson(JsonElement)" />
    public static IReadOnlyDictionary<string, object?> FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return FromJson(document.RootElement);
    }

    /// <summary>The default of <paramref name="p"/>, typed.</summary>
    public static object DefaultOf(AgentHyperparameter p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var culture = CultureInfo.InvariantCulture;
        return p.Type switch
        {
            "int" => int.Parse(p.Default, NumberStyles.Integer, culture),
            "double" => double.Parse(p.Default, NumberStyles.Float, culture),
            "bool" => bool.Parse(p.Default),
            _ => p.Default,
        };
    }

    /// <summary>
    /// The allowed range in plain words, e.g. <c>more than 0 and at most 1</c>, <c>a whole number from 1 to 100000</c>,
    /// <c>at least 0 and at most epsilonStart (1)</c>; <paramref name="other"/> is the value of the field a bound names.
    /// </summary>
    public static string PlainRange(AgentHyperparameter p, double? other = null)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (p.Type == "bool")
        {
            return "on or off";
        }
        if (p.AllowedValues is { } choices)
        {
            return "one of " + string.Join(", ", choices);
        }
        var spec = p.Spec;
        string OtherText(string field) => other is { } o ? $"{field} ({HyperparameterSpec.Number(o)})" : field;
        string? low = spec.MinOf is { } minOf ? $"at least {OtherText(minOf)}"
            : double.IsNegativeInfinity(spec.Min) ? null
            : $"{(spec.MinExclusive ? "more than" : "at least")} {HyperparameterSpec.Number(spec.Min)}";
        string? high = spec.MaxOf is { } maxOf ? $"at most {OtherText(maxOf)}"
            : double.IsPositiveInfinity(spec.Max) ? null
            : $"{(spec.MaxExclusive ? "less than" : "at most")} {HyperparameterSpec.Number(spec.Max)}";
        string range;
        if (p.Type == "int" && spec.MinOf is null && spec.MaxOf is null && low is not null && high is not null && !spec.MinExclusive && !spec.MaxExclusive)
        {
            range = $"a whole number from {HyperparameterSpec.Number(spec.Min)} to {HyperparameterSpec.Number(spec.Max)}";
        }
        else
        {
            string bounds = string.Join(" and ", new[] { low, high }.OfType<string>());
            range = p.Type == "int" ? $"a whole number{(bounds.Length > 0 ? ", " + bounds : "")}" : bounds.Length > 0 ? bounds : "any number";
        }
        return spec.Divides is { } divides ? $"{range}, dividing {OtherText(divides)} evenly" : range;
    }

    private static HyperparameterError? Read(AgentHyperparameter p, object? raw, out object? value)
    {
        value = null;
        if (raw is JsonElement json)
        {
            raw = json.ValueKind switch
            {
                JsonValueKind.Number => json.TryGetDouble(out double d) ? d : json.GetRawText(),
                JsonValueKind.String => json.GetString(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => new Unreadable(json.GetRawText()),
            };
        }
        string shown = Shown(raw, null);
        switch (p.Type)
        {
            case "bool":
                if (raw is bool b)
                {
                    value = b;
                    return null;
                }
                return new(p.Name, $"{Field}.{p.Name}: is {shown}, must be true or false", $"Must be on or off; {shown} is not.");
            case "int" or "double":
                double? number = raw switch { double d => d, int i => i, long l => l, float f => f, decimal m => (double)m, _ => null };
                if (number is not { } x || double.IsNaN(x))
                {
                    string kind = p.Type == "int" ? "a whole number" : "a number";
                    return new(p.Name, $"{Field}.{p.Name}: is {shown}, must be {kind} in {p.Range}", $"Must be {kind}, {PlainRange(p)}; {shown} is not.");
                }
                if (p.Type == "int")
                {
                    if (x != Math.Floor(x) || x is < int.MinValue or > int.MaxValue)
                    {
                        return new(p.Name, $"{Field}.{p.Name}: is {shown}, must be a whole number in {p.Range}", $"Must be {PlainRange(p)}; {shown} is not.");
                    }
                    value = (int)x;
                    return null;
                }
                value = x;
                return null;
            default:
                if (raw is string s && p.AllowedValues is { } allowed && allowed.Contains(s, StringComparer.Ordinal))
                {
                    value = s;
                    return null;
                }
                if (raw is string free && p.AllowedValues is null)
                {
                    value = free;
                    return null;
                }
                return new(p.Name, $"{Field}.{p.Name}: is {shown}, allowed values {p.Range}", $"Must be {PlainRange(p)}; {shown} is not.");
        }
    }

    private static HyperparameterError OutOfRange(AgentHyperparameter p, string shown, double? other)
    {
        string range = other is { } o && p.Spec.Other is { } field
            ? p.Range.Replace(field, $"{field} = {HyperparameterSpec.Number(o)}", StringComparison.Ordinal)
            : p.Range;
        string unit = p.Unit.Length > 0 ? " " + p.Unit : "";
        return new(p.Name, $"{Field}.{p.Name}: is {shown}, allowed range {range}{unit}", $"Must be {PlainRange(p, other)}; {shown} is not.");
    }

    /// <summary>A value as messages quote it: numbers and flags bare, text in quotes, <c>null</c> for nothing.</summary>
    private static string Shown(object? raw, object? parsed)
    {
        raw ??= parsed;
        return raw switch
        {
            null => "null",
            JsonElement json => json.ValueKind == JsonValueKind.String ? $"\"{json.GetString()}\"" : json.GetRawText(),
            string s => $"\"{s}\"",
            Unreadable u => u.Text,
            _ => EffectiveHyperparameters.Format(raw),
        };
    }

    private sealed record Unreadable(string Text);
}
