using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Studies;

/// <summary>
/// The study JSON format, shared by the portal, the HTTP API and the command line:
/// <c>{ "name", "scenario": { …a scenario… }, "axes": { "sizePctAdv": [..], "horizonMinutes": [..], "regime": [..],
/// "stress": [..], "impactModel": [..], "riskAversion": [..] }, "strategies": [..] }</c>. Unknown fields are refused.
/// </summary>
public static class StudyJson
{
    private static readonly string[] TopLevel = ["name", "scenario", "axes", "strategies"];

    /// <summary>Writes a spec as indented JSON (the scenario in its current version).</summary>
    public static string Serialize(StudySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var node = new JsonObject
        {
            ["name"] = spec.Name,
            ["scenario"] = JsonNode.Parse(ScenarioJson.Serialize(spec.Scenario)),
            ["axes"] = JsonSerializer.SerializeToNode(spec.Axes, ScenarioJson.Options),
            ["strategies"] = JsonSerializer.SerializeToNode(spec.Strategies, ScenarioJson.Options),
        };
        return node.ToJsonString(ScenarioJson.Options);
    }

    /// <summary>Reads and validates a spec.</summary>
    /// <exception cref="ScenarioValidationException">Malformed JSON, an unknown field or an invalid value; each error names
    /// its field (<c>axes.regime[1]</c>, <c>scenario.order.steps</c>).</exception>
    public static StudySpec Parse(string json) => Parse(json, null);

    /// <summary>Reads and validates a spec whose scenario may be given separately (a saved scenario chosen by id): then
    /// the JSON must not carry one.</summary>
    public static StudySpec Parse(string json, Scenario? scenario)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new ScenarioValidationException("study", e.Message.Split(" Path:")[0], e);
        }
        if (root is not JsonObject doc) throw new ScenarioValidationException("study", "expected a study object");
        foreach (var (key, _) in doc)
        {
            if (!TopLevel.Contains(key, StringComparer.Ordinal))
                throw new ScenarioValidationException(key, $"is not a study field; allowed: {string.Join(", ", TopLevel)}");
        }

        if (doc["scenario"] is JsonObject inline)
        {
            if (scenario is not null) throw new ScenarioValidationException("scenario", "give either a saved scenario's id or an inline scenario, not both");
            try
            {
                scenario = ScenarioJson.Parse(inline.ToJsonString());
            }
            catch (ScenarioValidationException e)
            {
                throw new ScenarioValidationException([.. e.Errors.Select(x => x with { Field = "scenario." + x.Field })]);
            }
        }
        else if (doc["scenario"] is not null) throw new ScenarioValidationException("scenario", "must be a scenario object");
        if (scenario is null) throw new ScenarioValidationException("scenario", "is required: an inline scenario or a saved scenario's id");

        string name = "study";
        if (doc["name"] is { } n)
        {
            name = n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : throw new ScenarioValidationException("name", "must be a string");
        }

        var axes = new StudyAxes();
        if (doc["axes"] is { } a)
        {
            if (a is not JsonObject axesObject) throw new ScenarioValidationException("axes", "must be an object");
            foreach (var (key, _) in axesObject)
            {
                if (!StudyAxisNames.All.Contains(key, StringComparer.Ordinal))
                    throw new ScenarioValidationException("axes." + key, $"is not an axis; allowed: {string.Join(", ", StudyAxisNames.All)}");
            }
            axes = new StudyAxes
            {
                SizePctAdv = Numbers(axesObject, StudyAxisNames.SizePctAdv),
                HorizonMinutes = Numbers(axesObject, StudyAxisNames.HorizonMinutes),
                Regime = Strings(axesObject, StudyAxisNames.Regime),
                Stress = Strings(axesObject, StudyAxisNames.Stress),
                ImpactModel = Strings(axesObject, StudyAxisNames.ImpactModel),
                RiskAversion = Numbers(axesObject, StudyAxisNames.RiskAversion),
            };
        }

        IReadOnlyList<string> strategies = doc["strategies"] is null ? [] : StringList(doc["strategies"], "strategies");
        var spec = new StudySpec { Name = name, Scenario = scenario, Axes = axes, Strategies = strategies };
        var errors = spec.Validate();
        if (errors.Count > 0) throw new ScenarioValidationException(errors);
        return spec;
    }

    private static double[] Numbers(JsonObject axes, string axis)
    {
        if (axes[axis] is not { } node) return [];
        if (node is not JsonArray array) throw new ScenarioValidationException("axes." + axis, "must be a list of numbers");
        var values = new double[array.Count];
        for (int k = 0; k < array.Count; k++)
        {
            if (array[k] is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
                throw new ScenarioValidationException($"axes.{axis}[{k}]", $"is {array[k]?.ToJsonString() ?? "null"}, expected a number");
            values[k] = v.GetValue<double>();
        }
        return values;
    }

    private static string[] Strings(JsonObject axes, string axis) => StringList(axes[axis], "axes." + axis);

    private static string[] StringList(JsonNode? node, string field)
    {
        if (node is null) return [];
        if (node is not JsonArray array) throw new ScenarioValidationException(field, "must be a list of strings");
        var values = new string[array.Count];
        for (int k = 0; k < array.Count; k++)
        {
            if (array[k] is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
                throw new ScenarioValidationException($"{field}[{k}]", $"is {array[k]?.ToJsonString() ?? "null"}, expected a string");
            values[k] = v.GetValue<string>();
        }
        return values;
    }
}
