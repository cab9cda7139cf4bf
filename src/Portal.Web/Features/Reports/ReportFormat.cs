using System.Globalization;

namespace Portal.Web.Features.Reports;

/// <summary>How numbers and dates read in a printed report: invariant culture, ASCII minus, fixed decimals.</summary>
public static class ReportFormat
{
    /// <summary>Shown for a value that does not apply (for example the difference of TWAP against itself).</summary>
    public const string NotApplicable = "–";

    /// <summary>Shown for a value that could not be computed (NaN or infinite).</summary>
    public const string NotANumber = "n/a";

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Basis points with two decimals, e.g. <c>-1.25</c>.</summary>
    public static string Bps(double value) => Fixed(value, "0.00");

    /// <summary>Basis points with two decimals, or <see cref="NotApplicable"/>.</summary>
    public static string Bps(double? value) => value is { } v ? Bps(v) : NotApplicable;

    /// <summary>An interval, e.g. <c>[11.80, 12.88]</c>, or <see cref="NotANumber"/> when an end could not be computed.</summary>
    public static string Interval(double low, double high) =>
        double.IsFinite(low) && double.IsFinite(high) ? $"[{Bps(low)}, {Bps(high)}]" : NotANumber;

    /// <summary>An interval, or <see cref="NotApplicable"/> when either end is absent.</summary>
    public static string Interval(double? low, double? high) =>
        low is { } l && high is { } h ? Interval(l, h) : NotApplicable;

    /// <summary>A dimensionless ratio with two decimals.</summary>
    public static string Ratio(double value) => Fixed(value, "0.00");

    /// <summary>A fraction in [0, 1] as a percentage with one decimal, e.g. <c>99.8%</c>.</summary>
    public static string Percent(double fraction) =>
        double.IsFinite(fraction) ? Fixed(100 * fraction, "0.0") + "%" : NotANumber;

    /// <summary>An amount of money with thousands separators and two decimals, e.g. <c>-12,345.60</c>.</summary>
    public static string Currency(double value) => Fixed(value, "#,##0.00");

    /// <summary>A whole number with thousands separators, e.g. <c>10,000</c>.</summary>
    public static string Count(long value) => value.ToString("#,##0", Invariant);

    /// <summary>A UTC time to the second, e.g. <c>2026-11-23 10:59:03 UTC</c>.</summary>
    public static string Utc(DateTime value) => value.ToString("yyyy-MM-dd HH:mm:ss", Invariant) + " UTC";

    /// <summary>The footnote of the objective column: the formula, its λ and its interval.</summary>
    public static string ObjectiveFootnote(double riskAversion) =>
        "E+λVar vs best static: the difference on the run's objective, the one the best static schedule minimises: " +
        "(E[cost] + λ·Var[cost]) of the strategy minus that of the best static schedule, costs in currency on the same paths, λ = " +
        Portal.Domain.Strategies.ReadableNumber.Format(riskAversion) +
        " per currency unit, in bps of the arrival value; 95% CI by the delta method on paired episodes. With λ > 0 a strategy can be cheaper on the mean " +
        "(vs best static < 0) yet worse on the objective; with λ = 0 both columns agree.";

    internal static string Fixed(double value, string format)
    {
        if (!double.IsFinite(value))
        {
            return NotANumber;
        }

        var text = value.ToString(format, Invariant);
        // A value that rounds to zero prints without a sign.
        return text.StartsWith('-') && text.AsSpan(1).IndexOfAnyExcept("0.,") < 0 ? text[1..] : text;
    }
}
