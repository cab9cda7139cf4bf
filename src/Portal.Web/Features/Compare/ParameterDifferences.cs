using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Data.Entities;

namespace Portal.Web.Features.Compare;

/// <summary>One scenario field whose value differs between the compared runs, with each run's value ("–" where a run's
/// scenario does not have the field).</summary>
public sealed record ParameterDifference(string Field, IReadOnlyList<string> Values);

/// <summary>
/// What differs between the compared runs' scenarios: every leaf of the stored scenario JSON (order, market, impact, costs,
/// constraints, strategies, episodes, seed...) by its JSON path, kept only where the runs disagree. Lists of plain values
/// (e.g. <c>strategies</c>) compare as one value.
/// </summary>
public static class ParameterDifferences
{
    /// <summary>Fields every run has but that say nothing about the market or the order.</summary>
    private static readonly HashSet<string> Ignored = ["schemaVersion", "name"];

    public static IReadOnlyList<ParameterDifference> Build(IReadOnlyList<string> scenarioJsons)
    {
        ArgumentNullException.ThrowIfNull(scenarioJsons);
        var flat = scenarioJsons.Select(Flatten).ToList();
        var fields = new List<string>();
        foreach (var f in flat.SelectMany(d => d.Keys))
        {
            if (!fields.Contains(f))
            {
                fields.Add(f);
            }
        }
        return fields
            .Select(f => new ParameterDifference(f, flat.Select(d => d.GetValueOrDefault(f, "–")).ToList()))
            .Where(d => d.Values.Distinct(StringComparer.Ordinal).Count() > 1)
            .ToList();
    }

    /// <summary>The leaves of a scenario JSON document by path (<c>order.sizePctAdv</c>, <c>market.impact.eta</c>).</summary>
    public static IReadOnlyDictionary<string, string> Flatten(string json)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return result;
        }
        Walk(root, "", result);
        return result;
    }

    private static void Walk(JsonNode? node, string path, Dictionary<string, string> into)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (path.Length == 0 && Ignored.Contains(key))
                    {
                        continue;
                    }
                    Walk(value, path.Length == 0 ? key : path + "." + key, into);
                }
                break;
            case JsonArray array when array.All(x => x is JsonValue or null):
                into[path] = string.Join(", ", array.Select(Scalar));
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(array[i], $"{path}[{i}]", into);
                }
                break;
            default:
                into[path] = Scalar(node);
                break;
        }
    }

    private static string Scalar(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<double>(out var d) => d.ToString("R", CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };

    /// <summary>
    /// The comparison as CSV (invariant numbers, no thousands separators): the differing parameters, then each strategy's
    /// mean cost in bps per run and its difference to the reference run (the first) with the 95% interval.
    /// </summary>
    public static string ToCsv(IReadOnlyList<Run> runs, IReadOnlyList<ParameterDifference> parameters, IReadOnlyList<ComparisonRow> rows)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(rows);
        var sb = new StringBuilder();
        void Line(IEnumerable<string?> cells) => sb.Append(string.Join(',', cells.Select(Cell))).Append("\r\n");
        Line(new[] { "section", "field" }.Concat(runs.Select((r, i) => i == 0 ? r.DisplayName + " (reference)" : r.DisplayName)));
        Line(new[] { "run", "id" }.Concat(runs.Select(r => r.Id.ToString())));
        foreach (var p in parameters)
        {
            Line(new[] { "parameter", p.Field }.Concat(p.Values));
        }
        foreach (var row in rows)
        {
            Line(new[] { "meanCostBps", row.StrategyId }.Concat(row.Cells.Select(c => Num(c?.MeanBps))));
            Line(new[] { "diffVsReferenceBps", row.StrategyId }.Concat(row.Cells.Select(c => Num(c?.DiffBps))));
            Line(new[] { "diffVsReferenceCiLowBps", row.StrategyId }.Concat(row.Cells.Select(c => Num(c?.DiffCiLowBps))));
            Line(new[] { "diffVsReferenceCiHighBps", row.StrategyId }.Concat(row.Cells.Select(c => Num(c?.DiffCiHighBps))));
        }
        return sb.ToString();
    }

    private static string Num(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    /// <summary>A quoted-where-needed cell; text that a spreadsheet would run as a formula (<c>= + - @</c> first, also after
    /// whitespace or as fullwidth forms) gets a <c>'</c> prefix, unless it is a plain invariant number such as <c>-1.5</c>.</summary>
    private static string Cell(string? value)
    {
        var text = value ?? "";
        var number = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
        if (!number)
        {
            text = Reports.RunCsvReport.Text(text) ?? "";
            if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
            {
                text = "'" + text;
            }
        }
        return text.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
