using System.Globalization;

namespace Portal.Application.Reports;

/// <summary>Argument checks shared by the report records.</summary>
internal static class ReportGuard
{
    public static T NotNull<T>(T? value, string name) where T : class =>
        value ?? throw new ArgumentNullException(name, $"{name} must not be null.");

    public static string NotBlank(string? value, string name) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new ArgumentException($"{name} must not be blank (got '{value ?? "null"}').", name)
            : value;

    public static DateTime Utc(DateTime value, string name) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        _ => throw new ArgumentException(
            $"{name} ({value.ToString("O", CultureInfo.InvariantCulture)}) must be UTC or unspecified, not local time.", name),
    };

    public static DateTime? NotBefore(DateTime? value, DateTime start, string name)
    {
        if (value is not { } v)
        {
            return null;
        }

        var utc = Utc(v, name);
        return utc >= Utc(start, name)
            ? utc
            : throw new ArgumentOutOfRangeException(name, v,
                $"{name} must not be before the start ({start.ToString("O", CultureInfo.InvariantCulture)}).");
    }

    /// <summary>Returns <paramref name="high"/> when the interval [low, high] is ordered or either end is NaN.</summary>
    public static double Interval(double low, double high, string name) =>
        double.IsNaN(low) || double.IsNaN(high) || low <= high
            ? high
            : throw new ArgumentOutOfRangeException(name, high,
                $"{name} must not be below the lower end of its interval ({low.ToString("R", CultureInfo.InvariantCulture)}).");

    public static IReadOnlyList<double> SameLength(IReadOnlyList<double>? value, IReadOnlyList<double>? reference, string name)
    {
        NotNull(value, name);
        return reference is null || value!.Count == reference.Count
            ? value!
            : throw new ArgumentException(
                $"{name} has {value.Count} steps; it must have as many as the mean trajectory ({reference.Count}).", name);
    }

    public static IReadOnlyList<T> UniqueItems<T>(IReadOnlyList<T>? items, Func<T, string> key, string name) where T : class
    {
        NotNull(items, name);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items!.Count; i++)
        {
            var item = items[i] ?? throw new ArgumentException($"{name}[{i}] must not be null.", name);
            if (!seen.Add(key(item)))
            {
                throw new ArgumentException($"{name}[{i}] repeats the key '{key(item)}'; keys must be unique.", name);
            }
        }

        return items;
    }
}
