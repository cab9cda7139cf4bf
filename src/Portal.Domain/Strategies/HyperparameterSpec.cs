using System.Globalization;

namespace Portal.Domain.Strategies;

/// <summary>
/// The declaration of one hyperparameter of a learning algorithm: its allowed range (or allowed values), unit and one
/// sentence of help. Each algorithm declares its <see cref="HyperparameterSchema"/> once, next to its hyperparameter
/// record; the record's constructor checks every value against it, and the portal's form, API, command-line help and docs
/// read the same declaration through <see cref="AgentAlgorithmInfo"/>.
/// </summary>
/// <remarks>
/// A bound may be another hyperparameter of the same record (<see cref="MinOf"/>, <see cref="MaxOf"/>, e.g. a batch no
/// larger than the replay buffer), inclusive; <see cref="Divides"/> asks that the value divide another one. At most one
/// other hyperparameter is referenced, so a check needs only that one value.
/// </remarks>
/// <param name="Property">The record's property, e.g. <c>LearningRate</c>; errors of the record's constructor name it.</param>
/// <param name="Unit">Unit of the value, e.g. <c>episodes</c>; empty when dimensionless.</param>
/// <param name="Help">One sentence: what it does.</param>
public sealed record HyperparameterSpec(string Property, string Unit, string Help)
{
    /// <summary>Lower end of the allowed range (−∞ when unbounded).</summary>
    public double Min { get; init; } = double.NegativeInfinity;

    /// <summary>Upper end of the allowed range (+∞ when unbounded).</summary>
    public double Max { get; init; } = double.PositiveInfinity;

    /// <summary>True when <see cref="Min"/> itself is not allowed.</summary>
    public bool MinExclusive { get; init; }

    /// <summary>True when <see cref="Max"/> itself is not allowed.</summary>
    public bool MaxExclusive { get; init; }

    /// <summary>JSON name of another hyperparameter whose value is a further (inclusive) lower bound.</summary>
    public string? MinOf { get; init; }

    /// <summary>JSON name of another hyperparameter whose value is a further (inclusive) upper bound.</summary>
    public string? MaxOf { get; init; }

    /// <summary>JSON name of another hyperparameter this value must divide.</summary>
    public string? Divides { get; init; }

    /// <summary>The allowed values of a named choice (e.g. <c>twap-log</c>, <c>fraction</c>); null for a number or flag.</summary>
    public IReadOnlyList<string>? AllowedValues { get; init; }

    /// <summary>Name as JSON carries it (camelCase), e.g. <c>learningRate</c>.</summary>
    public string Name => char.ToLowerInvariant(Property[0]) + Property[1..];

    /// <summary>The other hyperparameter a bound refers to, if any.</summary>
    public string? Other => MinOf ?? MaxOf ?? Divides;

    /// <summary>An inclusive range [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static HyperparameterSpec Between(string property, double min, double max, string unit, string help) =>
        new(property, unit, help) { Min = min, Max = max };

    /// <summary>A positive value, at most <paramref name="max"/>: (0, max], or (0, ∞) when unbounded.</summary>
    public static HyperparameterSpec Positive(string property, double max, string unit, string help) =>
        new(property, unit, help) { Min = 0, MinExclusive = true, Max = max, MaxExclusive = double.IsPositiveInfinity(max) };

    /// <summary>One of <paramref name="values"/>.</summary>
    public static HyperparameterSpec OneOf(string property, IReadOnlyList<string> values, string help) =>
        new(property, "", help) { AllowedValues = values };

    /// <summary>A flag (true or false).</summary>
    public static HyperparameterSpec Flag(string property, string help) => new(property, "", help) { AllowedValues = ["true", "false"] };

    /// <summary>The allowed range as messages, forms and help write it, e.g. <c>(0, 1]</c>, <c>[1, parallelEpisodes]</c>,
    /// <c>twap-log, fraction</c>.</summary>
    public string RangeText
    {
        get
        {
            if (AllowedValues is not null)
            {
                return string.Join(", ", AllowedValues);
            }
            string low = MinOf ?? Number(Min);
            string high = MaxOf ?? Number(Max);
            string range = $"{(MinExclusive || double.IsNegativeInfinity(Min) && MinOf is null ? "(" : "[")}{low}, {high}{(MaxExclusive || double.IsPositiveInfinity(Max) && MaxOf is null ? ")" : "]")}";
            return Divides is null ? range : $"{range}, dividing {Divides}";
        }
    }

    /// <summary>
    /// Why <paramref name="value"/> is not allowed, naming it <paramref name="name"/>, the value and the range; null when it
    /// is allowed. <paramref name="other"/> is the value of the hyperparameter <see cref="Other"/> names (required then).
    /// </summary>
    public string? Problem(double value, string name, double? other = null)
    {
        if (AllowedValues is not null)
        {
            throw new InvalidOperationException($"{Property} is a choice of {RangeText}; check it with {nameof(ProblemWithChoice)}.");
        }
        if (Other is not null && other is null)
        {
            throw new ArgumentNullException(nameof(other), $"Checking {Property} needs the value of {Other}.");
        }
        double min = MinOf is null ? Min : Math.Max(Min, other!.Value);
        double max = MaxOf is null ? Max : Math.Min(Max, other!.Value);
        bool inside = (MinExclusive ? value > min : value >= min) && (MaxExclusive ? value < max : value <= max) && !double.IsNaN(value);
        bool divides = Divides is null || (value > 0 && other!.Value % value == 0);
        return inside && divides ? null : $"{name} must be in {RangeTextWith(other)}; got {Number(value)}.";
    }

    /// <summary>Why the choice <paramref name="value"/> is not one of <see cref="AllowedValues"/>; null when it is.</summary>
    public string? ProblemWithChoice(string? value, string name) =>
        AllowedValues is null || !AllowedValues.Contains(value ?? "", StringComparer.Ordinal)
            ? $"{name} must be one of {RangeText}; got {value ?? "null"}."
            : null;

    /// <summary>The range with the other hyperparameter's value shown, e.g. <c>[1, parallelEpisodes = 64]</c>.</summary>
    private string RangeTextWith(double? other) =>
        other is { } o && Other is { } field ? RangeText.Replace(field, $"{field} = {Number(o)}", StringComparison.Ordinal) : RangeText;

    /// <summary>A number as ranges write it (invariant culture, ∞ for unbounded).</summary>
    public static string Number(double x) => x switch
    {
        double.PositiveInfinity => "∞",
        double.NegativeInfinity => "−∞",
        _ => x.ToString("R", CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// An algorithm's hyperparameters in constructor order: the one place their ranges, units and help are declared. The
/// hyperparameter record's constructor checks each value with <see cref="Check(int, string, double?)"/> and its overloads,
/// which throw <see cref="ArgumentOutOfRangeException"/> naming the property, the value and the range.
/// </summary>
public sealed class HyperparameterSchema : IReadOnlyList<HyperparameterSpec>
{
    private readonly HyperparameterSpec[] _specs;

    /// <summary>Declares the hyperparameters, in the record constructor's order.</summary>
    /// <exception cref="ArgumentException">Two share a name, or a bound names a hyperparameter that is not declared before it.</exception>
    public HyperparameterSchema(params HyperparameterSpec[] specs)
    {
        ArgumentNullException.ThrowIfNull(specs);
        for (int i = 0; i < specs.Length; i++)
        {
            if (specs[..i].Any(s => s.Name == specs[i].Name))
            {
                throw new ArgumentException($"Hyperparameter {specs[i].Name} is declared twice.", nameof(specs));
            }
            if (new[] { specs[i].MinOf, specs[i].MaxOf, specs[i].Divides }.OfType<string>().Distinct().Count() > 1
                || specs[i].Other is { } other && !specs.Any(s => s.Name == other))
            {
                throw new ArgumentException($"Hyperparameter {specs[i].Name} may be bounded by one other declared hyperparameter; got {specs[i].Other}.", nameof(specs));
            }
        }
        _specs = specs;
    }

    /// <inheritdoc />
    public HyperparameterSpec this[int index] => _specs[index];

    /// <summary>The hyperparameter with JSON name or property <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">Not declared.</exception>
    public HyperparameterSpec this[string name] => Find(name) ?? throw new KeyNotFoundException($"No hyperparameter {name}.");

    /// <summary>The hyperparameter with JSON name or property <paramref name="name"/>, or null.</summary>
    public HyperparameterSpec? Find(string name) => _specs.FirstOrDefault(s => s.Name == name || s.Property == name);

    /// <inheritdoc />
    public int Count => _specs.Length;

    /// <inheritdoc />
    public IEnumerator<HyperparameterSpec> GetEnumerator() => ((IEnumerable<HyperparameterSpec>)_specs).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => _specs.GetEnumerator();

    /// <summary>Returns <paramref name="value"/> when property <paramref name="property"/> allows it, else throws.</summary>
    /// <param name="other">The value of the hyperparameter the declaration's bound names, when it names one.</param>
    public double Check(double value, string property, double? other = null) =>
        this[property].Problem(value, property, other) is { } problem ? throw new ArgumentOutOfRangeException(property, value, problem) : value;

    /// <inheritdoc cref="Check(double, string, double?)" />
    public int Check(int value, string property, double? other = null) =>
        this[property].Problem(value, property, other) is { } problem ? throw new ArgumentOutOfRangeException(property, value, problem) : value;

    /// <summary>Returns the choice <paramref name="value"/> when it is one of property <paramref name="property"/>'s values, else throws.</summary>
    public string Check(string? value, string property) =>
        this[property].ProblemWithChoice(value, property) is { } problem ? throw new ArgumentOutOfRangeException(property, value, problem) : value!;
}
