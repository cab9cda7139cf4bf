using ScottPlot;
using SkiaSharp;

namespace Portal.Web.Features.Reports;

/// <summary>
/// The charts of a run report, drawn with ScottPlot straight onto a Skia canvas (so in a PDF they stay vector
/// graphics with real text). Sizes are in points.
/// </summary>
/// <remarks>
/// The inventory chart follows the trajectory plots of Almgren and Chriss, "Optimal execution of portfolio
/// transactions", Journal of Risk 3 (2000), figure 1: remaining holdings against time, here with the 5th-95th
/// percentile band across episodes. The cost distribution is a histogram of episode implementation shortfall
/// (Perold, "The implementation shortfall: paper versus reality", Journal of Portfolio Management 14 (1988)).
/// </remarks>
internal static class ReportCharts
{
    private const float AxisLabelSize = 8.5f;
    private const float TickLabelSize = 7.5f;
    private const float TitleSize = 9f;
    private const int HistogramBins = 40;
    private const double PooledTail = 0.001;

    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    private static readonly LinePattern[] Patterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted];

    /// <summary>The colour of the strategy at <paramref name="index"/>, the same in every chart.</summary>
    public static Color StrategyColor(int index) => Palette.GetColor(index);

    /// <summary>
    /// The line pattern of the strategy at <paramref name="index"/>: solid for the first ten, then dashed and dotted,
    /// so strategies that share a colour of the ten-colour palette stay apart.
    /// </summary>
    public static LinePattern StrategyPattern(int index) => Patterns[index / Palette.Colors.Length % Patterns.Length];

    /// <summary>Mean remaining inventory per decision step with its p5–p95 band, one line per strategy.</summary>
    public static void DrawInventory(SKCanvas canvas, SKRect area, IReadOnlyList<ReportStrategySummary> strategies)
    {
        using var plot = NewPlot();
        plot.XLabel("Decision step", AxisLabelSize);
        plot.YLabel("Remaining inventory (% of order)", AxisLabelSize);
        var maxStep = 1;
        for (var i = 0; i < strategies.Count; i++)
        {
            var s = strategies[i];
            if (s.MeanInventoryFraction.Count == 0)
            {
                continue;
            }

            var steps = Enumerable.Range(0, s.MeanInventoryFraction.Count).Select(x => (double)x).ToArray();
            maxStep = Math.Max(maxStep, steps.Length - 1);
            var color = StrategyColor(i);
            var band = plot.Add.FillY(steps, Percent(s.InventoryP5Fraction), Percent(s.InventoryP95Fraction));
            band.FillColor = color.WithAlpha(0.14);
            band.LineWidth = 0;
            var mean = plot.Add.ScatterLine(steps, Percent(s.MeanInventoryFraction), color);
            mean.LineWidth = 1.6f;
            mean.LinePattern = StrategyPattern(i);
            mean.MarkerSize = 0;
        }

        // The legend is drawn by the page under the chart, where long names can wrap.
        plot.HideLegend();
        plot.Axes.SetLimits(0, maxStep, -3, 103);
        Render(plot, canvas, area);
    }

    /// <summary>Mean participation rate (% of the step's market volume) per decision step, one line per strategy.</summary>
    public static void DrawParticipation(SKCanvas canvas, SKRect area, IReadOnlyList<ReportStrategySummary> strategies)
    {
        using var plot = NewPlot();
        plot.XLabel("Decision step", AxisLabelSize);
        plot.YLabel("Participation (% of step volume)", AxisLabelSize);
        var maxStep = 1;
        var peak = 1.0;
        for (var i = 0; i < strategies.Count; i++)
        {
            var s = strategies[i];
            if (s.MeanParticipation.Count == 0)
            {
                continue;
            }

            var steps = Enumerable.Range(0, s.MeanParticipation.Count).Select(x => (double)x).ToArray();
            var values = Percent(s.MeanParticipation);
            maxStep = Math.Max(maxStep, steps.Length - 1);
            peak = Math.Max(peak, values.Where(double.IsFinite).DefaultIfEmpty(0).Max());
            var line = plot.Add.ScatterLine(steps, values, StrategyColor(i));
            line.LineWidth = 1.6f;
            line.LinePattern = StrategyPattern(i);
            line.MarkerSize = 0;
        }

        plot.HideLegend();
        plot.Axes.SetLimits(0, maxStep, 0, peak * 1.05);
        Render(plot, canvas, area);
    }

    /// <summary>One line per seed of a trained agent: mean episode shortfall (bps) against environment steps.</summary>
    public static void DrawLearningCurves(SKCanvas canvas, SKRect area, ReportAgentCurves agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        using var plot = NewPlot();
        plot.XLabel("Environment steps", AxisLabelSize);
        plot.YLabel("Mean shortfall (bps)", AxisLabelSize);
        var xs = agent.Steps.Select(s => (double)s).ToArray();
        for (var i = 0; i < agent.Seeds.Count; i++)
        {
            var line = plot.Add.ScatterLine(xs, agent.Seeds[i].Values, StrategyColor(i));
            line.LineWidth = 1.4f;
            line.LinePattern = StrategyPattern(i);
            line.MarkerSize = 0;
        }

        plot.HideLegend();
        Render(plot, canvas, area);
    }

    /// <summary>
    /// The bins every strategy's histogram shares, so strategies compare bar for bar: they span the 0.1st to 99.9th
    /// percentile of all strategies' samples pooled, and the rare episodes beyond fall into the end bins (one
    /// flash-crash episode would otherwise squeeze every other bar into a sliver). Null when no strategy has a sample.
    /// </summary>
    public static HistogramScale? CostScale(IReadOnlyList<ReportStrategySummary> strategies)
    {
        var pooled = strategies.SelectMany(s => s.ShortfallHistogramSampleBps).Where(double.IsFinite).Order().ToArray();
        if (pooled.Length == 0)
        {
            return null;
        }

        var low = pooled[(int)Math.Floor(PooledTail * (pooled.Length - 1))];
        var high = pooled[(int)Math.Ceiling((1 - PooledTail) * (pooled.Length - 1))];
        if (high - low < 1e-9)
        {
            low -= 0.5;
            high += 0.5;
        }

        var width = (high - low) / HistogramBins;
        var peak = strategies.Max(s => Histogram(s.ShortfallHistogramSampleBps, low, width).DefaultIfEmpty(0).Max());
        return new HistogramScale(low, width, Math.Max(peak, 1));
    }

    /// <summary>One strategy's cost histogram (share of episodes per bin) with its mean (solid) and p95 (dashed).</summary>
    public static void DrawCostDistribution(SKCanvas canvas, SKRect area, ReportStrategySummary strategy, int index, HistogramScale scale)
    {
        using var plot = NewPlot();
        var hasSample = strategy.ShortfallHistogramSampleBps.Any(double.IsFinite);
        plot.Title(hasSample ? strategy.DisplayName : $"{strategy.DisplayName}: no episodes recorded", TitleSize);
        plot.XLabel("Implementation shortfall (bps)", AxisLabelSize);
        plot.YLabel("Episodes (%)", AxisLabelSize);
        var color = StrategyColor(index);
        var shares = Histogram(strategy.ShortfallHistogramSampleBps, scale.Low, scale.BinWidth);
        var positions = Enumerable.Range(0, shares.Length).Select(b => scale.Low + (b + 0.5) * scale.BinWidth).ToArray();
        var bars = plot.Add.Bars(positions, shares);
        foreach (var bar in bars.Bars)
        {
            bar.Size = scale.BinWidth;
            bar.FillColor = color.WithAlpha(0.75);
            bar.LineWidth = 0;
        }

        var high = scale.Low + HistogramBins * scale.BinWidth;
        AddMarker(plot, strategy.MeanBps, LinePattern.Solid, scale.Low, high);
        AddMarker(plot, strategy.P95Bps, LinePattern.Dashed, scale.Low, high);
        plot.Axes.SetLimits(scale.Low, high, 0, scale.PeakShare * 1.08);
        Render(plot, canvas, area);
    }

    /// <summary>
    /// Share of the finite values (in percent) falling in each of the bins starting at <paramref name="low"/>;
    /// values outside the bins count in the nearest end bin.
    /// </summary>
    private static double[] Histogram(IReadOnlyList<double> values, double low, double width)
    {
        var counts = new double[HistogramBins];
        var n = 0;
        foreach (var v in values)
        {
            if (!double.IsFinite(v))
            {
                continue;
            }

            counts[Math.Clamp((int)Math.Floor((v - low) / width), 0, HistogramBins - 1)]++;
            n++;
        }

        return n == 0 ? counts : [.. counts.Select(c => 100.0 * c / n)];
    }

    private static void AddMarker(Plot plot, double x, LinePattern pattern, double low, double high)
    {
        if (double.IsFinite(x) && x >= low && x <= high)
        {
            plot.Add.VerticalLine(x, 1.2f, Colors.Black.WithAlpha(0.8), pattern);
        }
    }

    private static double[] Percent(IReadOnlyList<double> fractions) => [.. fractions.Select(f => 100 * f)];

    private static Plot NewPlot()
    {
        ReportFonts.RegisterWithScottPlot();
        var plot = new Plot();
        plot.Font.Set(ReportFonts.Family, FontWeight.Normal, FontSlant.Upright, FontSpacing.Normal);
        plot.Legend.FontName = ReportFonts.Family;
        plot.Axes.Bottom.TickLabelStyle.FontSize = TickLabelSize;
        plot.Axes.Left.TickLabelStyle.FontSize = TickLabelSize;
        plot.FigureBackground.Color = Colors.White;
        plot.DataBackground.Color = Colors.White;
        plot.Grid.MajorLineColor = Colors.Black.WithAlpha(0.08);
        return plot;
    }

    /// <summary>
    /// Draws the plot once into <paramref name="area"/>. ScottPlot lays a new plot out twice on its first render,
    /// drawing both passes; a first render on a canvas that draws nothing settles the layout, so the page gets one copy.
    /// </summary>
    private static void Render(Plot plot, SKCanvas canvas, SKRect area)
    {
        var width = (int)Math.Floor(area.Width);
        var height = (int)Math.Floor(area.Height);
        using (var layout = new SKNoDrawCanvas(width, height))
        {
            plot.Render(layout, width, height);
        }

        canvas.Save();
        canvas.ClipRect(area);
        canvas.Translate(area.Left, area.Top);
        plot.Render(canvas, width, height);
        canvas.Restore();
    }

    /// <summary>Bins shared by every cost histogram of a report.</summary>
    /// <param name="Low">Left edge of the first bin (bps).</param>
    /// <param name="BinWidth">Width of every bin (bps).</param>
    /// <param name="PeakShare">Tallest bar over all strategies (percent of episodes).</param>
    internal sealed record HistogramScale(double Low, double BinWidth, double PeakShare);
}
