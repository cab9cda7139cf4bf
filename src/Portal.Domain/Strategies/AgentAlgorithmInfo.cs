namespace Portal.Domain.Strategies;

/// <summary>
/// What the portal shows of a learning algorithm (the agents project registers one per algorithm folder): id, display
/// name, description and its hyperparameters with defaults, ranges, units and help. Each hyperparameter record declares
/// its <see cref="HyperparameterSchema"/> once and its constructor checks against it, naming the field and the range.
/// </summary>
/// <param name="Id">Stable id, e.g. <c>ppo</c> (training requests and artifacts carry it).</param>
/// <param name="Name">Name shown to users.</param>
/// <param name="Description">One sentence with its source.</param>
/// <param name="Parameters">Hyperparameters in constructor order.</param>
public sealed record AgentAlgorithmInfo(string Id, string Name, string Description, IReadOnlyList<AgentHyperparameter> Parameters)
{
    /// <summary>Whether it learns from a logged offline dataset (BCQ, TD3+BC) instead of interacting with the market.</summary>
    public bool Offline { get; init; }

    /// <summary>The id of a trained agent of this algorithm as the command line names it, <c>agent:ALGORITHM-SEED</c>.</summary>
    public StrategyId StrategyIdFor(long seed) => StrategyId.ForAgentNamed($"{Id}-{seed}");
}

/// <summary>One hyperparameter of a learning algorithm: its default and its declaration (range, unit, help).</summary>
/// <param name="Name">Name as JSON carries it (camelCase).</param>
/// <param name="Type">int, double, bool or string.</param>
/// <param name="Default">Default value, invariant culture.</param>
public sealed record AgentHyperparameter(string Name, string Type, string Default)
{
    /// <summary>The declaration in the algorithm's <see cref="HyperparameterSchema"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public HyperparameterSpec Spec { get; init; } = new(Name, "", "");

    /// <summary>Unit of the value; empty when dimensionless.</summary>
    public string Unit => Spec.Unit;

    /// <summary>One sentence: what it does.</summary>
    public string Help => Spec.Help;

    /// <summary>The allowed range or values as messages write it, e.g. <c>(0, 1]</c> or <c>[1, bufferCapacity]</c>.</summary>
    public string Range => Spec.RangeText;

    /// <summary>Lower end of the allowed range; null when unbounded or a choice.</summary>
    public double? Min => Spec.AllowedValues is null && !double.IsNegativeInfinity(Spec.Min) ? Spec.Min : null;

    /// <summary>Upper end of the allowed range; null when unbounded or a choice.</summary>
    public double? Max => Spec.AllowedValues is null && !double.IsPositiveInfinity(Spec.Max) ? Spec.Max : null;

    /// <summary>True when <see cref="Min"/> itself is not allowed.</summary>
    public bool MinExclusive => Spec.MinExclusive;

    /// <summary>True when <see cref="Max"/> itself is not allowed.</summary>
    public bool MaxExclusive => Spec.MaxExclusive;

    /// <summary>Another hyperparameter whose value bounds this one from below (inclusive), if any.</summary>
    public string? MinOf => Spec.MinOf;

    /// <summary>Another hyperparameter whose value bounds this one from above (inclusive), if any.</summary>
    public string? MaxOf => Spec.MaxOf;

    /// <summary>Another hyperparameter this value must divide, if any.</summary>
    public string? Divides => Spec.Divides;

    /// <summary>The allowed values of a choice or flag; null for a number.</summary>
    public IReadOnlyList<string>? AllowedValues => Spec.AllowedValues;

    /// <summary>
    /// Why <paramref name="value"/> (invariant culture, as a form or JSON gives it) is not allowed, naming it
    /// <paramref name="name"/> (default: its JSON name), the value and the range; null when allowed.
    /// <paramref name="valueOf"/> gives another hyperparameter's value (a bound may name one), already checked or its default.
    /// </summary>
    public string? Problem(string? value, Func<string, string?> valueOf, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(valueOf);
        name ??= Name;
        if (Type == "bool")
        {
            return bool.TryParse(value, out _) ? null : $"{name} must be one of {Spec.RangeText}; got {value ?? "nothing"}.";
        }
        if (Spec.AllowedValues is not null)
        {
            return Spec.ProblemWithChoice(value, name);
        }
        var style = System.Globalization.NumberStyles.Float;
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        if (!double.TryParse(value, style, culture, out double x) || (Type == "int" && (x != Math.Floor(x) || x is < int.MinValue or > int.MaxValue)))
        {
            return $"{name} must be {(Type == "int" ? "a whole number" : "a number")} in {Spec.RangeText}; got {value ?? "nothing"}.";
        }
        double? other = Spec.Other is { } field && double.TryParse(valueOf(field), style, culture, out double o) ? o : null;
        return Spec.Other is not null && other is null ? null : Spec.Problem(x, name, other);
    }
}
