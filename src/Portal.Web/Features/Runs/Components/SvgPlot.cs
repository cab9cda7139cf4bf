using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Components;

namespace Portal.Web.Features.Runs.Components;

/// <summary>
/// A small server-rendered SVG plot: lines (solid or dashed), shaded bands, sized markers and stacked horizontal bars,
/// with axis titles, units and "nice" ticks. The run page's charts draw with it so every chart carries its axis titles
/// and a band is a shaded area rather than two more lines.
/// </summary>
public sealed class SvgPlot
{
    /// <summary>Colours of series, in order; chosen to stay distinct for the usual seven to nine strategies.</summary>
    public static readonly string[] Palette =
        ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"];

    /// <summary>Dash patterns that tell series apart beyond colour.</summary>
    public static readonly string[] Dashes = ["", "6 3", "2 3", "8 3 2 3"];

    /// <summary>A polyline; points with a non-finite coordinate break the line.</summary>
    public sealed record Line(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, string Colour, string Dash = "", double Width = 2, bool Step = false);

    /// <summary>A shaded area between two curves over the same x.</summary>
    public sealed record Band(IReadOnlyList<double> X, IReadOnlyList<double> Low, IReadOnlyList<double> High, string Colour, double Opacity = 0.15);

    /// <summary>Markers of radius proportional to <c>Size</c> (largest <see cref="MaxMarkerRadius"/> px); a title shows on hover;
    /// a hollow marker is a ring (e.g. a limit fill beside filled market fills).</summary>
    public sealed record Marker(double X, double Y, double Size, string Colour, string Title, string CssClass = "", double? Radius = null, bool Hollow = false);

    /// <summary>A vertical bar from 0 to <c>Y</c> spanning <c>X0</c> to <c>X1</c> (a histogram bin); a title shows on hover.</summary>
    public sealed record Column(double X0, double X1, double Y, string Colour, string Title);

    /// <summary>Radius of the largest marker in pixels.</summary>
    public const double MaxMarkerRadius = 14;

    public string XTitle { get; init; } = "";
    public string YTitle { get; init; } = "";
    public Func<double, string> XFormat { get; init; } = v => v.ToString("G4", CultureInfo.InvariantCulture);
    public Func<double, string> YFormat { get; init; } = v => v.ToString("G4", CultureInfo.InvariantCulture);
    public List<Line> Lines { get; } = [];
    public List<Band> Bands { get; } = [];
    public List<Marker> Markers { get; } = [];
    public List<Column> Columns { get; } = [];

    /// <summary>Fixed x range (otherwise from the data).</summary>
    public (double Min, double Max)? XRange { get; init; }

    /// <summary>Fixed y range (otherwise from the data, padded by 5%).</summary>
    public (double Min, double Max)? YRange { get; init; }

    /// <summary>Step between x ticks when the axis is a clock (e.g. 30 minutes); null picks nice numbers.</summary>
    public double? XTickStep { get; init; }

    private const double Left = 72, Right = 16, Top = 12, Bottom = 52;

    /// <summary>Width of one character of a 12 px tick label, and the angle crowded labels are turned by.</summary>
    private const double CharWidth = 6.6, TurnDegrees = 40;

    /// <summary>Longest turned tick label; a longer one is cut with an ellipsis (the series' tooltips keep the full name).</summary>
    private const int MaxTurnedLabel = 24;

    /// <summary>The plot as inline SVG filling its container's width.</summary>
    public MarkupString Render(string id, int width = 1000, int height = 340, string cssClass = "svg-plot")
    {
        var xs = Lines.SelectMany(l => l.X).Concat(Bands.SelectMany(b => b.X)).Concat(Markers.Select(m => m.X))
            .Concat(Columns.SelectMany(c => new[] { c.X0, c.X1 })).Where(double.IsFinite).ToList();
        var ys = Lines.SelectMany(l => l.Y).Concat(Bands.SelectMany(b => b.Low.Concat(b.High))).Concat(Markers.Select(m => m.Y))
            .Concat(Columns.SelectMany(c => new[] { 0, c.Y })).Where(double.IsFinite).ToList();
        var (x0, x1) = XRange ?? (xs.Count == 0 ? (0, 1) : (xs.Min(), xs.Max()));
        var (y0, y1) = YRange ?? Pad(ys.Count == 0 ? (0, 1) : (ys.Min(), ys.Max()));
        if (x1 - x0 < 1e-12) { x0 -= 0.5; x1 += 0.5; }
        if (y1 - y0 < 1e-12) { y0 -= 0.5; y1 += 0.5; }
        // Labels wider than the space between ticks (strategy names along a category axis) are turned so none overlap;
        // the plot grows downwards by the room they take instead of shrinking.
        var xTicks = (XTickStep is { } step ? ClockTicks(x0, x1, step) : NiceTicks(x0, x1, 8)).Select(t => (At: t, Label: XFormat(t))).ToList();
        bool turned = xTicks.Count > 0 && xTicks.Max(t => t.Label.Length) * CharWidth > (width - Left - Right) / xTicks.Count - 8;
        if (turned) xTicks = [.. xTicks.Select(t => (t.At, t.Label.Length > MaxTurnedLabel ? t.Label[..(MaxTurnedLabel - 1)].TrimEnd() + "…" : t.Label))];
        double labelWidth = xTicks.Count == 0 ? 0 : xTicks.Max(t => t.Label.Length) * CharWidth;
        double extra = turned ? Math.Ceiling(labelWidth * Math.Sin(TurnDegrees * Math.PI / 180)) : 0;
        height += (int)extra;
        double pw = width - Left - Right, ph = height - Top - Bottom - extra;
        double Sx(double x) => Left + (x - x0) / (x1 - x0) * pw;
        double Sy(double y) => Top + (1 - (y - y0) / (y1 - y0)) * ph;

        var sb = new StringBuilder();
        sb.Append(Invariant($"<div id=\"{Enc(id)}\" class=\"run-chart\"><svg class=\"{Enc(cssClass)}\" viewBox=\"0 0 {width} {height}\" width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" role=\"img\" aria-label=\"{Enc(YTitle)} against {Enc(XTitle)}\" style=\"max-height:{height * 1.2:F0}px;overflow:visible;font-family:Roboto,Arial,sans-serif\">"));
        // Grid and ticks.
        foreach (var (t, label) in xTicks)
        {
            double x = Sx(t);
            sb.Append(Invariant($"<line x1=\"{x:F1}\" y1=\"{Top}\" x2=\"{x:F1}\" y2=\"{Top + ph}\" stroke=\"#eee\"/>"));
            sb.Append(turned
                ? Invariant($"<text x=\"{x:F1}\" y=\"{Top + ph + 14}\" font-size=\"12\" text-anchor=\"end\" transform=\"rotate(-{TurnDegrees} {x:F1} {Top + ph + 14})\" fill=\"#555\" class=\"x-tick\">{Enc(label)}</text>")
                : Invariant($"<text x=\"{x:F1}\" y=\"{Top + ph + 18}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#555\" class=\"x-tick\">{Enc(label)}</text>"));
        }

        foreach (var t in NiceTicks(y0, y1, 6))
        {
            double y = Sy(t);
            sb.Append(Invariant($"<line x1=\"{Left}\" y1=\"{y:F1}\" x2=\"{Left + pw}\" y2=\"{y:F1}\" stroke=\"#eee\"/>"));
            sb.Append(Invariant($"<text x=\"{Left - 6}\" y=\"{y + 4:F1}\" font-size=\"12\" text-anchor=\"end\" fill=\"#555\">{Enc(YFormat(t))}</text>"));
        }

        sb.Append(Invariant($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{pw}\" height=\"{ph}\" fill=\"none\" stroke=\"#999\"/>"));
        sb.Append(Invariant($"<text x=\"{Left + pw / 2:F1}\" y=\"{height - 8}\" font-size=\"13\" text-anchor=\"middle\" fill=\"#222\" class=\"x-title\">{Enc(XTitle)}</text>"));
        sb.Append(Invariant($"<text transform=\"translate(16 {Top + ph / 2:F1}) rotate(-90)\" font-size=\"13\" text-anchor=\"middle\" fill=\"#222\" class=\"y-title\">{Enc(YTitle)}</text>"));

        foreach (var c in Columns.Where(c => double.IsFinite(c.X0) && double.IsFinite(c.X1) && double.IsFinite(c.Y)))
        {
            double top = Sy(Math.Max(0, c.Y)), bottom = Sy(Math.Min(0, c.Y)), left = Sx(Math.Min(c.X0, c.X1)), right = Sx(Math.Max(c.X0, c.X1));
            sb.Append(Invariant($"<rect class=\"column\" x=\"{left + 1:F1}\" y=\"{top:F1}\" width=\"{Math.Max(0.5, right - left - 2):F1}\" height=\"{Math.Max(0, bottom - top):F1}\" fill=\"{c.Colour}\" fill-opacity=\"0.8\"><title>{Enc(c.Title)}</title></rect>"));
        }

        foreach (var b in Bands)
        {
            var upper = Enumerable.Range(0, b.X.Count).Where(i => double.IsFinite(b.High[i])).Select(i => Invariant($"{Sx(b.X[i]):F1},{Sy(b.High[i]):F1}"));
            var lower = Enumerable.Range(0, b.X.Count).Reverse().Where(i => double.IsFinite(b.Low[i])).Select(i => Invariant($"{Sx(b.X[i]):F1},{Sy(b.Low[i]):F1}"));
            sb.Append(Invariant($"<polygon class=\"band\" points=\"{string.Join(' ', upper.Concat(lower))}\" fill=\"{b.Colour}\" fill-opacity=\"{b.Opacity:F2}\" stroke=\"none\"/>"));
        }

        foreach (var l in Lines)
        {
            var d = new StringBuilder();
            bool pen = false;
            double lastY = double.NaN;
            for (int i = 0; i < l.X.Count; i++)
            {
                if (!double.IsFinite(l.X[i]) || !double.IsFinite(l.Y[i])) { pen = false; continue; }
                double x = Sx(l.X[i]), y = Sy(l.Y[i]);
                if (pen && l.Step) d.Append(Invariant($"L{x:F1},{lastY:F1}"));
                d.Append(Invariant($"{(pen ? "L" : "M")}{x:F1},{y:F1}"));
                pen = true;
                lastY = y;
            }

            string dash = l.Dash.Length > 0 ? $" stroke-dasharray=\"{l.Dash}\"" : "";
            sb.Append(Invariant($"<path class=\"series\" data-name=\"{Enc(l.Name)}\" d=\"{d}\" fill=\"none\" stroke=\"{l.Colour}\" stroke-width=\"{l.Width:F1}\"{dash}><title>{Enc(l.Name)}</title></path>"));
        }

        double maxSize = Markers.Count == 0 ? 1 : Math.Max(1e-12, Markers.Max(m => m.Size));
        foreach (var m in Markers.Where(m => double.IsFinite(m.X) && double.IsFinite(m.Y) && m.Size > 0))
        {
            double r = m.Radius ?? Math.Max(2.5, MaxMarkerRadius * Math.Sqrt(m.Size / maxSize));
            sb.Append(Invariant($"<circle class=\"marker {Enc(m.CssClass)}\" cx=\"{Sx(m.X):F1}\" cy=\"{Sy(m.Y):F1}\" r=\"{r:F1}\" fill=\"{(m.Hollow ? "none" : m.Colour)}\" fill-opacity=\"0.55\" stroke=\"{m.Colour}\" stroke-width=\"{(m.Hollow ? 2 : 1)}\"><title>{Enc(m.Title)}</title></circle>"));
        }

        sb.Append("</svg></div>");
        return new MarkupString(sb.ToString());
    }

    /// <summary>Horizontal stacked bars, one per row, segments left of zero for negative components (e.g. a favourable timing move).</summary>
    public static MarkupString StackedBars(string id, IReadOnlyList<(string Label, IReadOnlyList<double> Values)> rows, IReadOnlyList<string> components, string xTitle, int width = 1000)
    {
        const double right = 20, top = 8, rowHeight = 30, bottom = 48, maxLeft = 360;
        // The strategy names sit left of the bars, right-aligned: the margin takes the longest (at 12 px), up to a
        // third of the width, and a longer name is shortened to what fits (its full text in the tooltip).
        double left = Math.Clamp(rows.Select(r => r.Label.Length).DefaultIfEmpty(0).Max() * CharWidth + 16, 120, maxLeft);
        int labelChars = (int)((left - 16) / CharWidth);
        int height = (int)(top + rows.Count * rowHeight + bottom);
        double pw = width - left - right;
        double lo = Math.Min(0, rows.Select(r => r.Values.Where(v => v < 0).Sum()).DefaultIfEmpty(0).Min());
        double hi = Math.Max(0, rows.Select(r => r.Values.Where(v => v > 0).Sum()).DefaultIfEmpty(0).Max());
        if (hi - lo < 1e-12) hi = lo + 1;
        (lo, hi) = Pad((lo, hi));
        double Sx(double x) => left + (x - lo) / (hi - lo) * pw;
        var sb = new StringBuilder();
        sb.Append(Invariant($"<div id=\"{Enc(id)}\" class=\"run-chart\"><svg class=\"svg-plot\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-label=\"{Enc(xTitle)} by strategy\" style=\"font-family:Roboto,Arial,sans-serif\">"));
        foreach (var t in NiceTicks(lo, hi, 8))
        {
            double x = Sx(t);
            sb.Append(Invariant($"<line x1=\"{x:F1}\" y1=\"{top}\" x2=\"{x:F1}\" y2=\"{height - bottom}\" stroke=\"{(Math.Abs(t) < 1e-12 ? "#666" : "#eee")}\"/>"));
            sb.Append(Invariant($"<text x=\"{x:F1}\" y=\"{height - bottom + 18}\" font-size=\"12\" text-anchor=\"middle\" fill=\"#555\">{t.ToString("G4", CultureInfo.InvariantCulture)}</text>"));
        }

        sb.Append(Invariant($"<text x=\"{left + pw / 2:F1}\" y=\"{height - 8}\" font-size=\"13\" text-anchor=\"middle\" fill=\"#222\" class=\"x-title\">{Enc(xTitle)}</text>"));
        for (int r = 0; r < rows.Count; r++)
        {
            double y = top + r * rowHeight + 4;
            sb.Append(Invariant($"<text x=\"{left - 8}\" y=\"{y + rowHeight / 2:F1}\" font-size=\"12\" text-anchor=\"end\" fill=\"#222\" class=\"bar-label\">{Enc(Shorten(rows[r].Label, labelChars))}<title>{Enc(rows[r].Label)}</title></text>"));
            double pos = 0, neg = 0;
            for (int c = 0; c < rows[r].Values.Count; c++)
            {
                double v = rows[r].Values[c];
                if (!double.IsFinite(v) || v == 0) continue;
                double a = v > 0 ? pos : neg + v, b = v > 0 ? pos + v : neg;
                if (v > 0) pos += v; else neg += v;
                sb.Append(Invariant($"<rect class=\"segment\" data-component=\"{Enc(components[c])}\" x=\"{Sx(a):F1}\" y=\"{y:F1}\" width=\"{Math.Max(0.5, Sx(b) - Sx(a)):F1}\" height=\"{rowHeight - 8}\" fill=\"{Palette[c % Palette.Length]}\"><title>{Enc(rows[r].Label)}: {Enc(components[c])} {v.ToString("F2", CultureInfo.InvariantCulture)} bps</title></rect>"));
            }
        }

        sb.Append("</svg></div>");
        return new MarkupString(sb.ToString());
    }

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    private static (double, double) Pad((double Min, double Max) r)
    {
        double span = r.Max - r.Min;
        if (span < 1e-12) span = Math.Max(1e-6, Math.Abs(r.Max) * 0.1);
        return (r.Min - 0.05 * span, r.Max + 0.05 * span);
    }

    /// <summary>Ticks at multiples of 1, 2 or 5 × 10^k, about <paramref name="count"/> of them inside [lo, hi].</summary>
    public static IReadOnlyList<double> NiceTicks(double lo, double hi, int count)
    {
        if (!(hi > lo)) return [lo];
        double raw = (hi - lo) / Math.Max(1, count);
        double mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2, 5, 10 }.Select(m => m * mag).First(s => s >= raw);
        var ticks = new List<double>();
        for (double t = Math.Ceiling(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
        return ticks;
    }

    private static IReadOnlyList<double> ClockTicks(double lo, double hi, double step) => Portal.Application.Reports.SessionClock.Ticks(lo, hi, step, most: 14);

    private static string Enc(string s) => WebUtility.HtmlEncode(s);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
