using System.Globalization;
using Portal.Domain.Agents;
using Portal.Domain.Strategies;

namespace Portal.Web.Features.Agents;

/// <summary>
/// The training form's hyperparameter fields as text, read with the same check the API uses
/// (<see cref="HyperparameterValidator"/>): labels, plain-word ranges, the request's name → value map and the message
/// each field shows.
/// </summary>
public static class HyperparameterForm
{
    /// <summary>Flags whose two states have names of their own (the order types of tabular Q-learning).</summary>
    private static readonly Dictionary<string, (string Label, string Off, string On)> NamedFlags = new(StringComparer.Ordinal)
    {
        ["limitOrders"] = ("Order types", "Market orders only", "Market or limit at the touch"),
    };

    /// <summary>Every field's default, as the form writes it.</summary>
    public static Dictionary<string, string> Defaults(AgentAlgorithmInfo algorithm) =>
        algorithm.Parameters.ToDictionary(p => p.Name, p => EffectiveHyperparameters.Format(HyperparameterValidator.DefaultOf(p)), StringComparer.Ordinal);

    /// <summary>The label of a field, e.g. <c>Learning rate</c> or <c>Parallel episodes (episodes)</c>.</summary>
    public static string Label(AgentHyperparameter p)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (NamedFlags.TryGetValue(p.Name, out var flag))
        {
            return flag.Label;
        }
        var words = new System.Text.StringBuilder();
        foreach (char c in p.Name)
        {
            if (char.IsUpper(c) && words.Length > 0) words.Append(' ').Append(char.ToLowerInvariant(c));
            else words.Append(words.Length == 0 ? char.ToUpperInvariant(c) : c);
        }
        // "Parallel episodes", not "Parallel episodes (episodes)": the unit is shown when the name does not already say it.
        string label = words.ToString();
        return p.Unit.Length > 0 && !label.EndsWith(p.Unit, StringComparison.OrdinalIgnoreCase) ? $"{label} ({p.Unit})" : label;
    }

    /// <summary>The two choices of a flag, off first, e.g. <c>Market orders only</c> / <c>Market or limit at the touch</c>.</summary>
    public static (string Off, string On) FlagChoices(AgentHyperparameter p) =>
        NamedFlags.TryGetValue(p.Name, out var flag) ? (flag.Off, flag.On) : ("Off", "On");

    /// <summary>A value as a page shows it: a flag by its choice's name, a number with its unit.</summary>
    public static string Display(AgentHyperparameter p, object value)
    {
        ArgumentNullException.ThrowIfNull(p);
        if (value is bool b)
        {
            var (off, on) = FlagChoices(p);
            return b ? on : off;
        }
        string text = EffectiveHyperparameters.Format(value);
        return p.Unit.Length > 0 ? $"{text} {p.Unit}" : text;
    }

    /// <summary>The help shown under a field: what it does and, for a number, the allowed range in plain words.</summary>
    public static string HelperText(AgentHyperparameter p, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(values);
        if (p.Type == "bool" || p.AllowedValues is not null)
        {
            return p.Help;
        }
        double? other = p.Spec.Other is { } field && values.TryGetValue(field, out var text) && Number(text) is { } o ? o : null;
        return $"{p.Help} Allowed: {HyperparameterValidator.PlainRange(p, other)}.";
    }

    /// <summary>The request's hyperparameters: the fields whose text differs from the default (numbers parsed in invariant
    /// culture; text that is not a number is passed on as text, which the check refuses by name).</summary>
    public static Dictionary<string, object?> ToRequest(AgentAlgorithmInfo algorithm, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        ArgumentNullException.ThrowIfNull(values);
        var defaults = Defaults(algorithm);
        var request = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var p in algorithm.Parameters)
        {
            if (!values.TryGetValue(p.Name, out var text) || text.Trim() == defaults[p.Name])
            {
                continue;
            }
            text = text.Trim();
            request[p.Name] = p.Type switch
            {
                "bool" => bool.TryParse(text, out bool b) ? b : text,
                "int" or "double" => Number(text) is { } x ? x : text,
                _ => text,
            };
        }
        return request;
    }

    /// <summary>The message each refused field shows, in plain words, by name; empty when all are allowed.</summary>
    public static Dictionary<string, string> Problems(AgentAlgorithmInfo algorithm, IReadOnlyDictionary<string, string> values) =>
        HyperparameterValidator.Validate(algorithm, ToRequest(algorithm, values)).Errors
            .GroupBy(e => e.Name).ToDictionary(g => g.Key, g => g.First().PlainMessage, StringComparer.Ordinal);

    private static double? Number(string? text) =>
        double.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double x) ? x : null;
}
