namespace Portal.Agents.Common;

/// <summary>Construction-time checks whose messages name the field, the value and the allowed range.</summary>
internal static class Guard
{
    public static double Positive(double value, string field, double max = double.MaxValue)
    {
        if (!(value > 0 && value <= max) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(field, value, $"{field} must be in (0, {Format(max)}]; got {value}.");
        }

        return value;
    }

    public static double InRange(double value, string field, double min, double max)
    {
        if (!(value >= min && value <= max))
        {
            throw new ArgumentOutOfRangeException(field, value, $"{field} must be in [{Format(min)}, {Format(max)}]; got {value}.");
        }

        return value;
    }

    public static int InRange(int value, string field, int min, int max)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(field, value, $"{field} must be in [{min}, {max}]; got {value}.");
        }

        return value;
    }

    private static string Format(double x) => x == double.MaxValue ? "∞" : x.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
