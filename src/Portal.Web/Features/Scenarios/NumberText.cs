using System.Globalization;

namespace Portal.Web.Features.Scenarios;

/// <summary>
/// Reads and writes the builder's number fields: invariant culture, thousands separators allowed on input
/// ("1,000,000"), finite values only, whole numbers for counts. Supports <see cref="double"/>, nullable
/// <see cref="double"/> (empty text is "none"), <see cref="int"/> and <see cref="long"/>.
/// </summary>
public static class NumberText
{
    /// <summary>True for the whole-number types (steps, episodes, seed).</summary>
    public static bool IsWhole(Type type) => type == typeof(int) || type == typeof(long);

    /// <summary>Reads <paramref name="text"/> as a <typeparamref name="T"/>; false when it is not one (letters, NaN, ∞,
    /// a fraction for a count, empty for a required number).</summary>
    public static bool TryParse<T>(string? text, out T value)
    {
        value = default!;
        var s = (text ?? "").Trim();
        object? parsed = null;
        if (typeof(T) == typeof(double?) && s.Length == 0)
        {
            return true;
        }
        if (typeof(T) == typeof(double) || typeof(T) == typeof(double?))
        {
            if (double.TryParse(s, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
                parsed = d;
        }
        else if (typeof(T) == typeof(int))
        {
            if (int.TryParse(s, NumberStyles.Integer | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var i)) parsed = i;
        }
        else if (typeof(T) == typeof(long))
        {
            if (long.TryParse(s, NumberStyles.Integer | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var l)) parsed = l;
        }
        else
        {
            throw new ArgumentOutOfRangeException(nameof(T), typeof(T).Name, "Number fields hold double, double?, int or long.");
        }
        if (parsed is null) return false;
        value = (T)parsed;
        return true;
    }

    /// <summary>The value as the field shows it: <paramref name="format"/> (general when null), invariant culture,
    /// empty for a missing optional number.</summary>
    public static string Show<T>(T value, string? format) => value switch
    {
        null => "",
        double d => d.ToString(format ?? "G", CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
