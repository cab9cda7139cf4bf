using System.Globalization;
using System.Text.RegularExpressions;
using Portal.Domain.Scenarios;
using Portal.Domain.Strategies;

namespace Portal.Web.Features.Scenarios;

/// <summary>
/// Turns the scenario's validation errors, which name JSON fields and ranges for scripts (<c>order.sizePctAdv: is -5,
/// allowed range (0, 1000]</c>), into the words the builder shows beside each field: the field's label, its allowed range
/// in its unit with thousands separators, and what was entered ("Order size must be more than 0 and at most 1,000 % of
/// ADV; you entered -5.").
/// </summary>
public static partial class ScenarioFieldText
{
    /// <summary>What a field is called in the builder and the unit its values are read in (which may differ from the JSON's).</summary>
    /// <param name="Label">Name as the builder labels the field.</param>
    /// <param name="Unit">Unit written after numbers, e.g. "% of ADV"; empty for plain numbers.</param>
    /// <param name="Scale">Factor from the JSON's value to the form's (100 for a fraction shown in percent).</param>
    public sealed record Field(string Label, string Unit, double Scale = 1);

    private static readonly Dictionary<string, Field> Fields = new(StringComparer.Ordinal)
    {
        ["name"] = new("Name", ""),
        ["order.sizePctAdv"] = new("Order size", "% of ADV"),
        ["order.horizonMinutes"] = new("Horizon", "minutes"),
        ["order.steps"] = new("Decision steps", "steps"),
        ["order.startMinutesAfterOpen"] = new("Start", "minutes after the open"),
        ["market.arrivalPrice"] = new("Arrival price", "per share"),
        ["market.adv"] = new("ADV", "shares"),
        ["market.dailyVolatility"] = new("Daily volatility", "%", 100),
        ["market.regime"] = new("Regime", ""),
        ["market.impact.model"] = new("Impact model", ""),
        ["market.impact.epsilon"] = new("ε fixed cost", "per share"),
        ["market.spread.meanBps"] = new("Mean spread", "bps"),
        ["costs.feeBps"] = new("Fees", "bps"),
        ["constraints.maxParticipationPct"] = new("Participation cap", "% of the step's volume"),
        ["episodes"] = new("Episodes", "episodes"),
        ["replay.datasetId"] = new("Dataset to replay", ""),
        ["replay.options.trainFraction"] = new("Training share", ""),
        ["replay.options.transientImpactFactor"] = new("Own impact factor", ""),
        ["replay.options.impactDecaySeconds"] = new("Impact decay", "s"),
        ["replay.options.sessionSeconds"] = new("Session length", "s"),
        ["replay.options.adv"] = new("ADV for sizing", "shares"),
        ["market.profile"] = new("Calibrated profile", ""),
        ["strategies"] = new("Strategies", ""),
        ["seed"] = new("Seed", ""),
    };

    /// <summary>The builder's name and unit of <paramref name="field"/> (impact and strategy parameters included); an
    /// impact field several models share (<c>market.impact.gamma</c>) is described as <paramref name="impactModel"/>'s.</summary>
    public static Field Describe(string field, string? impactModel = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (Fields.TryGetValue(field, out var known)) return known;
        if (MarketParameters.Find(field, impactModel) is { } declared) return new Field(declared.Label, declared.Unit);
        if (StrategyRegistry.Parameters.FirstOrDefault(p => p.Path == field) is { } parameter)
            return parameter.Field.EndsWith("Pct", StringComparison.Ordinal)
                ? new Field(parameter.Label.TrimEnd('%', ' '), "%")
                : new Field(parameter.Label, "");
        var last = field[(field.LastIndexOf('.') + 1)..];
        return new Field(last.Length == 0 ? field : char.ToUpperInvariant(last[0]) + last[1..], "");
    }

    /// <summary>
    /// What a number field expects, for text typed into it that is not a number: "enter a number of minutes, e.g. 390;
    /// "abc" is not a number" (<see cref="Plain"/> puts the field's label in front).
    /// </summary>
    /// <param name="field">JSON field of the number.</param>
    /// <param name="text">What was typed.</param>
    /// <param name="whole">True for counts (steps, episodes, seed), which take whole numbers only.</param>
    /// <param name="example">A number the field takes (its last valid value); none when null or empty.</param>
    public static string NotANumber(string field, string text, bool whole, string? example)
    {
        ArgumentNullException.ThrowIfNull(field);
        var unit = Describe(field).Unit;
        string number = whole ? "a whole number" : "a number";
        string what = unit switch
        {
            "" or "steps" or "episodes" when whole => number + (unit.Length > 0 ? " of " + unit : ""),
            "" => number,
            "%" => "a percentage (" + number + ")",
            _ when unit.StartsWith("% of ", StringComparison.Ordinal) => $"a percentage{unit[1..]} ({number})",
            "s" => number + " of seconds",
            "per share" => "a price per share",
            "minutes" or "shares" or "steps" or "episodes" => $"{number} of {unit}",
            _ => $"{number} in {unit}",
        };
        var typed = text.Trim();
        var eg = string.IsNullOrWhiteSpace(example) ? "" : ", e.g. " + example;
        return typed.Length == 0
            ? $"enter {what}{eg}; the field is empty"
            : $"enter {what}{eg}; \"{(typed.Length > 40 ? typed[..40] + "…" : typed)}\" is not {(whole ? "a whole number" : "a number")}";
    }

    [GeneratedRegex(@"^is (?<value>[^,]+), allowed range (?<open>[\[\(])(?<min>[^,]+), (?<max>[^\]\)]+)(?<close>[\]\)])(?<rest>.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex RangeMessage();

    /// <summary>The error in plain words with units, e.g. "Order size must be more than 0 and at most 1,000 % of ADV; you entered -5."</summary>
    public static string Plain(ValidationError error) => Plain(error, null);

    /// <summary>As <see cref="Plain(ValidationError)"/>, naming impact fields as the chosen <paramref name="impactModel"/> labels them.</summary>
    public static string Plain(ValidationError error, string? impactModel)
    {
        ArgumentNullException.ThrowIfNull(error);
        var f = Describe(error.Field, impactModel);
        var m = RangeMessage().Match(error.Message);
        if (!m.Success)
        {
            var message = error.Message.StartsWith("is ", StringComparison.Ordinal) ? "is " + error.Message[3..] : error.Message;
            return $"{f.Label}: {message}";
        }

        string unit = f.Unit.Length == 0 ? "" : " " + f.Unit;
        string min = Number(m.Groups["min"].Value, f.Scale), max = Number(m.Groups["max"].Value, f.Scale);
        string low = m.Groups["open"].Value == "(" ? $"more than {min}" : $"at least {min}";
        string rest = m.Groups["rest"].Value.Trim();
        if (rest.StartsWith('(') && rest.EndsWith(')')) rest = rest[1..^1];
        return $"{f.Label} must be {low} and at most {max}{unit}; you entered {Number(m.Groups["value"].Value, f.Scale)}."
            + (rest.Length > 0 ? $" ({rest})" : "");
    }

    /// <summary>A number from a validation message written for people: thousands separators, no exponent below 10^15.</summary>
    private static string Number(string text, double scale)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return text;
        v *= scale;
        if (v == Math.Floor(v) && Math.Abs(v) <= 1e15) return v.ToString("N0", CultureInfo.InvariantCulture);
        if (Math.Abs(v) >= 1e-4 && Math.Abs(v) <= 1e15) return v.ToString("#,##0.######", CultureInfo.InvariantCulture);
        return v.ToString("G4", CultureInfo.InvariantCulture);
    }
}
