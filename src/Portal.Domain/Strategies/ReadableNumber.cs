using System.Globalization;
using System.Text;

namespace Portal.Domain.Strategies;

/// <summary>
/// Numbers as a reader expects them in names and labels: <c>0</c>, <c>0.5</c>, <c>250</c>, and powers of ten as
/// <c>1×10⁻⁶</c> or <c>2.5×10⁻⁷</c> instead of the computer notation <c>1E-06</c>.
/// </summary>
public static class ReadableNumber
{
    private const string Superscripts = "⁰¹²³⁴⁵⁶⁷⁸⁹";

    /// <summary>
    /// The value with up to three significant digits; values below 10⁻³ or from 10⁶ on (in magnitude) as a mantissa
    /// times a power of ten with a superscript exponent. Not-a-number and infinities print as the invariant text.
    /// </summary>
    public static string Format(double value)
    {
        if (!double.IsFinite(value))
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }
        if (value == 0)
        {
            return "0";
        }
        var magnitude = Math.Abs(value);
        if (magnitude is >= 1e-3 and < 1e6)
        {
            return value.ToString("G3", CultureInfo.InvariantCulture);
        }
        var exponent = (int)Math.Floor(Math.Log10(magnitude));
        var mantissa = Math.Round(value / Math.Pow(10, exponent), 2);
        if (Math.Abs(mantissa) >= 10)
        {
            mantissa /= 10;
            exponent++;
        }
        var text = new StringBuilder(mantissa.ToString("0.##", CultureInfo.InvariantCulture)).Append("×10");
        if (exponent < 0)
        {
            text.Append('⁻');
        }
        foreach (var digit in Math.Abs(exponent).ToString(CultureInfo.InvariantCulture))
        {
            text.Append(Superscripts[digit - '0']);
        }
        return text.ToString();
    }

    /// <summary>A risk aversion λ with its unit (per currency unit of cost variance), e.g. <c>λ = 1×10⁻⁶ /$</c>.</summary>
    public static string RiskAversion(double lambda) => "λ = " + Format(lambda) + " /$";
}
