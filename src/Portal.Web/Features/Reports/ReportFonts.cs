using ScottPlot;
using SkiaSharp;

namespace Portal.Web.Features.Reports;

/// <summary>
/// The fonts reports draw with: DejaVu Sans (regular and bold), embedded in this assembly. The native Skia build
/// the portal ships has no fontconfig, so without an explicit font every glyph would silently be dropped.
/// </summary>
/// <remarks>
/// DejaVu Sans 2.37 from Debian's <c>fonts-dejavu-core</c>; licence in <c>Assets/Fonts/LICENSE</c> (Bitstream Vera
/// licence, DejaVu changes in the public domain).
/// </remarks>
internal static class ReportFonts
{
    /// <summary>Family name under which ScottPlot finds the embedded font.</summary>
    public const string Family = "DejaVu Sans";

    private static readonly Lazy<SKData> RegularData = new(() => Load("DejaVuSans.ttf"));
    private static readonly Lazy<SKData> BoldData = new(() => Load("DejaVuSans-Bold.ttf"));
    private static readonly Lazy<SKTypeface> RegularFace = new(() => CreateTypeface(bold: false));
    private static readonly Lazy<SKTypeface> BoldFace = new(() => CreateTypeface(bold: true));
    private static readonly Lazy<bool> ScottPlotRegistration = new(() =>
    {
        Fonts.FontResolvers.Insert(0, new EmbeddedFontResolver());
        return true;
    });

    /// <summary>DejaVu Sans, regular weight.</summary>
    public static SKTypeface Regular => RegularFace.Value;

    /// <summary>DejaVu Sans, bold.</summary>
    public static SKTypeface Bold => BoldFace.Value;

    /// <summary>Makes <see cref="Family"/> resolvable by ScottPlot. Safe to call from any thread, any number of times.</summary>
    public static void RegisterWithScottPlot() => _ = ScottPlotRegistration.Value;

    private static SKTypeface CreateTypeface(bool bold) =>
        SKTypeface.FromData(bold ? BoldData.Value : RegularData.Value)
        ?? throw new InvalidOperationException($"The embedded {(bold ? "bold" : "regular")} report font could not be read.");

    private static SKData Load(string fileName)
    {
        var name = $"Portal.Web.Assets.Fonts.{fileName}";
        using var stream = typeof(ReportFonts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The report font resource '{name}' is missing from {typeof(ReportFonts).Assembly.GetName().Name}.");
        return SKData.Create(stream);
    }

    /// <summary>Answers ScottPlot's requests for <see cref="Family"/> with the embedded typefaces.</summary>
    private sealed class EmbeddedFontResolver : IFontResolver
    {
        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            string.Equals(fontName, Family, StringComparison.OrdinalIgnoreCase)
                ? bold ? Bold : Regular
                : null;

        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing width) =>
            CreateTypeface(fontName, bold: (int)weight >= (int)FontWeight.SemiBold, italic: slant != FontSlant.Upright);
    }
}
