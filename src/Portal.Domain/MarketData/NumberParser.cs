using System.Globalization;

namespace Portal.Domain.MarketData;

internal enum NumberStatus { Ok, Empty, NotNumeric, NaN, TooLarge }

/// <summary>Allocation-free parsing of ASCII numbers as found in LOBSTER and exchange CSV files.</summary>
internal static class NumberParser
{
    /// <summary>Parses an optionally signed integer of at most 18 digits.</summary>
    public static NumberStatus ParseLong(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        if (s.Length == 0) return NumberStatus.Empty;
        var neg = false;
        var i = 0;
        if (s[0] == (byte)'-') { neg = true; i = 1; }
        else if (s[0] == (byte)'+') i = 1;
        if (i == s.Length) return NumberStatus.NotNumeric;
        long v = 0;
        var digits = 0;
        for (; i < s.Length; i++)
        {
            var d = (uint)(s[i] - '0');
            if (d > 9) return Classify(s);
            if (++digits > 18) return AllDigits(s, i) ? NumberStatus.TooLarge : NumberStatus.NotNumeric;
            v = v * 10 + d;
        }
        value = neg ? -v : v;
        return NumberStatus.Ok;
    }

    /// <summary>Parses a non-negative decimal with up to 9 fractional digits (extra digits are truncated) into units of 1e-9.</summary>
    public static NumberStatus ParseNanos(ReadOnlySpan<byte> s, out long nanos)
    {
        nanos = 0;
        if (s.Length == 0) return NumberStatus.Empty;
        long whole = 0, frac = 0;
        int i = 0, wholeDigits = 0, fracDigits = 0;
        for (; i < s.Length && s[i] != (byte)'.'; i++)
        {
            var d = (uint)(s[i] - '0');
            if (d > 9) return Classify(s);
            if (++wholeDigits > 9) return NumberStatus.TooLarge;
            whole = whole * 10 + d;
        }
        if (i < s.Length)
        {
            i++;
            if (wholeDigits == 0 && i == s.Length) return NumberStatus.NotNumeric;
            for (; i < s.Length; i++)
            {
                var d = (uint)(s[i] - '0');
                if (d > 9) return Classify(s);
                if (fracDigits < 9) { frac = frac * 10 + d; fracDigits++; }
            }
        }
        else if (wholeDigits == 0) return NumberStatus.NotNumeric;
        for (var k = fracDigits; k < 9; k++) frac *= 10;
        nanos = whole * TimeUtil.NsPerSecond + frac;
        return NumberStatus.Ok;
    }

    /// <summary>Parses a finite double (invariant culture, exponent allowed).</summary>
    public static NumberStatus ParseDouble(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        if (s.Length == 0) return NumberStatus.Empty;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return NumberStatus.NotNumeric;
        if (double.IsNaN(value)) return NumberStatus.NaN;
        return double.IsInfinity(value) ? NumberStatus.TooLarge : NumberStatus.Ok;
    }

    /// <summary>Parses a finite double from a string (invariant culture, exponent allowed).</summary>
    public static NumberStatus ParseDouble(string s, out double value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(s)) return NumberStatus.Empty;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            return s.Trim().Equals("nan", StringComparison.OrdinalIgnoreCase) ? NumberStatus.NaN : NumberStatus.NotNumeric;
        if (double.IsNaN(value)) return NumberStatus.NaN;
        return double.IsInfinity(value) ? NumberStatus.TooLarge : NumberStatus.Ok;
    }

    public static string Describe(NumberStatus status, string what) => status switch
    {
        NumberStatus.Empty => $"{what} is empty",
        NumberStatus.NotNumeric => $"{what} is not a number",
        NumberStatus.NaN => $"{what} is NaN, which is not allowed",
        NumberStatus.TooLarge => $"{what} is too large (out of range)",
        _ => $"{what} is invalid",
    };

    private static NumberStatus Classify(ReadOnlySpan<byte> s)
    {
        var t = s.Trim((byte)' ');
        if (t.Length == 3 && (t[0] | 0x20) == 'n' && (t[1] | 0x20) == 'a' && (t[2] | 0x20) == 'n') return NumberStatus.NaN;
        return NumberStatus.NotNumeric;
    }

    private static bool AllDigits(ReadOnlySpan<byte> s, int from)
    {
        for (var i = from; i < s.Length; i++) if ((uint)(s[i] - '0') > 9) return false;
        return true;
    }
}
