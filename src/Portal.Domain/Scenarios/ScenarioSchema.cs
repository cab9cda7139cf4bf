using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Portal.Domain.Scenarios;

/// <summary>
/// Versions of the scenario JSON, the steps that upgrade an older document to the current version, and the strict check of
/// a document against the current version: every field must be one the <see cref="Scenario"/> records declare (read from
/// the serializer's contract, so a field added to a record is accepted without being listed anywhere) and the required
/// fields must be present. <see cref="ScenarioJson.Parse"/> upgrades first, then checks, then validates ranges.
/// </summary>
public static class ScenarioSchema
{
    /// <summary>The version this code writes (<c>schemaVersion</c>). A document without <c>schemaVersion</c> is version 1.</summary>
    public const int CurrentVersion = 3;

    /// <summary>JSON name of the version field.</summary>
    public const string VersionField = "schemaVersion";

    /// <summary>Fields a current-version document must give (JSON paths). Every other field has a documented default
    /// (<c>docs/scenario-schema.md</c>); the market's regime fields default to the named regime's values. A market without
    /// <c>impact</c> has the default Almgren–Chriss model; an <c>impact</c> object must name its <c>model</c>, which
    /// decides the fields it may have.</summary>
    public static IReadOnlyList<string> RequiredFields { get; } =
        ["order", "order.side", "order.sizePctAdv", "order.horizonMinutes", "order.steps", "market", "market.impact.model"];

    /// <summary>One step per version: <c>Steps[v - 1]</c> turns a version-v document into a version-(v + 1) one. Steps
    /// are pure JSON-to-JSON rewrites that never read the current records, so an old document keeps its meaning however
    /// the records change later.</summary>
    private static readonly Action<JsonObject>[] Steps = [V1ToV2, V2ToV3];

    /// <summary>Returns a copy of <paramref name="document"/> upgraded to <see cref="CurrentVersion"/>.</summary>
    /// <exception cref="ScenarioValidationException"><c>schemaVersion</c> is not an integer from 1 to the current version.</exception>
    public static JsonObject Upgrade(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var copy = document.DeepClone().AsObject();
        int version = VersionOf(copy);
        for (int v = version; v < CurrentVersion; v++)
        {
            Steps[v - 1](copy);
            copy[VersionField] = v + 1;
        }
        return copy;
    }

    /// <summary>The document's version: 1 without <c>schemaVersion</c>.</summary>
    /// <exception cref="ScenarioValidationException">The field is not an integer in [1, <see cref="CurrentVersion"/>].</exception>
    public static int VersionOf(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (!document.TryGetPropertyValue(VersionField, out var node))
        {
            return 1;
        }
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out int version))
        {
            if (version >= 1 && version <= CurrentVersion)
            {
                return version;
            }
            throw new ScenarioValidationException(VersionField, version > CurrentVersion
                ? $"is {version}, newer than this portal reads (versions 1 to {CurrentVersion}); upgrade the portal"
                : $"is {version}, allowed range [1, {CurrentVersion}]");
        }
        throw new ScenarioValidationException(VersionField, $"is {node?.ToJsonString() ?? "null"}, expected an integer in [1, {CurrentVersion}] (omit it for version 1)");
    }

    /// <summary>
    /// Version 1 to 2: <c>market.regime</c> becomes a derived label. In version 1 it was a free label that nothing applied
    /// (a market labelled <c>volatile</c> could have normal values), so the step removes it; the market's values are kept
    /// as written and the current version labels them with the regime they belong to, or <c>custom</c>.
    /// </summary>
    private static void V1ToV2(JsonObject document)
    {
        if (document["market"] is JsonObject market)
        {
            market.Remove("regime");
        }
    }

    /// <summary>Version-2 impact fields of each model, by their version-3 names: every model kept <c>epsilon</c> and
    /// <c>liquidityScaled</c>; the rest belonged to one model each and were renamed where the model owns them.</summary>
    private static readonly Dictionary<string, (string V2, string V3)[]> ImpactFieldsV2 = new(StringComparer.Ordinal)
    {
        ["almgren-chriss"] = [("eta", "eta"), ("gamma", "gamma")],
        ["power-law"] = [("powerLawEta", "eta"), ("powerLawBeta", "beta"), ("powerLawGamma", "gamma"), ("sharesOutstandingToAdv", "sharesOutstandingToAdv")],
        ["square-root"] = [("squareRootY", "y"), ("delta", "delta"), ("kernel", "kernel"), ("kernelExponent", "kernelExponent"), ("relaxationMinutes", "relaxationMinutes")],
        ["transient"] = [("g0", "g0"), ("transientGamma", "gamma"), ("beta", "beta"), ("transientDecayMinutes", "decayMinutes")],
        ["obizhaeva-wang"] = [("depth", "depth"), ("resiliencePerDay", "resiliencePerDay")],
    };

    /// <summary>
    /// Version 2 to 3: <c>market.impact</c> holds only the fields of the model it names. In version 2 it was one flat record
    /// with every model's fields, each read only by its own model (docs/scenario-schema.md, version 2), so the step keeps
    /// <c>model</c> (written out: <c>almgren-chriss</c> when absent), <c>epsilon</c>, <c>liquidityScaled</c> and the named
    /// model's fields under their version-3 names (<c>squareRootY</c> → <c>y</c>, <c>powerLawEta</c> → <c>eta</c>,
    /// <c>transientGamma</c> → <c>gamma</c>, ...), and removes the version-2 fields of the other models, which changed
    /// nothing. A field that was never a version-2 impact field stays, for the strict check to name; so does the whole
    /// object when the model is not one version 2 knew.
    /// </summary>
    private static void V2ToV3(JsonObject document)
    {
        if (document["market"] is not JsonObject market || market["impact"] is not JsonObject impact)
        {
            return;
        }
        string? model = "almgren-chriss";
        if (impact.TryGetPropertyValue("model", out var modelNode) && (modelNode is not JsonValue modelValue || !modelValue.TryGetValue(out model)))
        {
            return;
        }
        if (model is null || !ImpactFieldsV2.TryGetValue(model, out var own))
        {
            return;
        }
        var upgraded = new JsonObject { ["model"] = model };
        foreach (string common in (string[])["epsilon", "liquidityScaled"])
        {
            if (impact.TryGetPropertyValue(common, out var value)) upgraded[common] = value?.DeepClone();
        }
        foreach (var (v2, v3) in own)
        {
            if (impact.TryGetPropertyValue(v2, out var value)) upgraded[v3] = value?.DeepClone();
        }
        var everyV2Field = ImpactFieldsV2.Values.SelectMany(f => f).Select(f => f.V2).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, value) in impact)
        {
            if (name is not ("model" or "epsilon" or "liquidityScaled") && !everyV2Field.Contains(name))
            {
                upgraded[name] = value?.DeepClone();
            }
        }
        market["impact"] = upgraded;
    }

    /// <summary>
    /// Every field of <paramref name="document"/> that the current records do not declare and every required field that is
    /// missing or null, each named by its JSON path. Case matters: <c>Order</c> is not <c>order</c>.
    /// </summary>
    public static IReadOnlyList<ValidationError> Check(JsonObject document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var errors = new List<ValidationError>();
        Walk(document, ScenarioJson.Options.GetTypeInfo(typeof(Scenario)), "", errors);
        foreach (string path in RequiredFields)
        {
            int dot = path.LastIndexOf('.');
            JsonNode? parent = document;
            if (dot >= 0)
            {
                foreach (string part in path[..dot].Split('.'))
                {
                    parent = parent is JsonObject o && o.TryGetPropertyValue(part, out var child) ? child : null;
                }
            }
            // A missing parent is reported as itself (e.g. "order" rather than each of its fields).
            if (parent is JsonObject owner && (!owner.TryGetPropertyValue(path[(dot + 1)..], out var node) || node is null))
            {
                errors.Add(new ValidationError(path, "is required"));
            }
        }
        return errors;
    }

    private static void Walk(JsonNode? node, JsonTypeInfo info, string path, List<ValidationError> errors)
    {
        if (node is null)
        {
            return;
        }
        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when node is JsonObject obj:
                var (contract, discriminator) = Resolve(obj, info);
                if (discriminator is not null && contract == info)
                {
                    // No record for this object: its fields depend on the one it names. A missing name is a required field.
                    if (obj.TryGetPropertyValue(discriminator, out var tag) && tag is not null)
                    {
                        var names = info.PolymorphismOptions!.DerivedTypes.Select(d => d.TypeDiscriminator?.ToString());
                        errors.Add(new ValidationError(path.Length == 0 ? discriminator : $"{path}.{discriminator}",
                            $"is {tag.ToJsonString()}, allowed: {string.Join(", ", names)}"));
                    }
                    break;
                }
                // A property the serializer ignores ([JsonIgnore]) is listed with neither getter nor setter: not a field.
                var properties = contract.Properties.Where(p => p.Get is not null || p.Set is not null).ToDictionary(p => p.Name, StringComparer.Ordinal);
                foreach (var (name, child) in obj)
                {
                    string childPath = path.Length == 0 ? name : $"{path}.{name}";
                    if (properties.TryGetValue(name, out var property))
                    {
                        Walk(child, ScenarioJson.Options.GetTypeInfo(property.PropertyType), childPath, errors);
                    }
                    else if (name != discriminator && !(path.Length == 0 && name == VersionField))
                    {
                        string? sameButCase = properties.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
                        errors.Add(new ValidationError(childPath, sameButCase is not null
                            ? $"is not a field; did you mean '{sameButCase}'? (names are case-sensitive)"
                            : $"is not a field of {(path.Length == 0 ? "a scenario" : path)}; known fields: {string.Join(", ", properties.Keys.Order(StringComparer.Ordinal))}"));
                    }
                }
                break;
            case JsonTypeInfoKind.Enumerable when node is JsonArray array && info.ElementType is { } element:
                var elementInfo = ScenarioJson.Options.GetTypeInfo(element);
                for (int i = 0; i < array.Count; i++)
                {
                    Walk(array[i], elementInfo, $"{path}[{i}]", errors);
                }
                break;
            case JsonTypeInfoKind.Dictionary when node is JsonObject map && info.ElementType is { } value:
                var valueInfo = ScenarioJson.Options.GetTypeInfo(value);
                foreach (var (key, child) in map)
                {
                    Walk(child, valueInfo, $"{path}.{key}", errors);
                }
                break;
            default:
                // Scalars, and values of the wrong JSON kind: the serializer reports those with their path.
                break;
        }
    }

    /// <summary>For a polymorphic record, the contract of the derived type its discriminator names.</summary>
    private static (JsonTypeInfo Contract, string? Discriminator) Resolve(JsonObject obj, JsonTypeInfo info)
    {
        if (info.PolymorphismOptions is not { } polymorphism)
        {
            return (info, null);
        }
        string discriminator = polymorphism.TypeDiscriminatorPropertyName;
        if (obj.TryGetPropertyValue(discriminator, out var tag) && tag is JsonValue v && v.TryGetValue(out string? name))
        {
            var derived = polymorphism.DerivedTypes.FirstOrDefault(d => d.TypeDiscriminator is string s && s == name);
            if (derived.DerivedType is not null)
            {
                return (ScenarioJson.Options.GetTypeInfo(derived.DerivedType), discriminator);
            }
        }
        return (info, discriminator);
    }
}
