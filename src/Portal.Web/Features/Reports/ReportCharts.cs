using ScottPlot;
using SkiaSharp;

using Portal.Application.Reports;

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
    public static void DrawInventory(SKCanvas canvas, SKRect area, IReadOnlyList<ReportStrategySummary> strategies, SessionClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        using var plot = NewPlot();
        plot.XLabel(clock.Title, AxisLabelSize);
        plot.YLabel("Remaining inventory (% of order)", AxisLabelSize);
        var maxStep = 1;
        for (var i = 0; i < strategies.Count; i++)
        {
            var s = strategies[i];
            if (s.MeanInventoryFraction.Count == 0)
            {
                continue;
            }

            var steps = Enumerable.Range(0, s.MeanInventoryFraction.Count).Select(x => clock.At(x)).ToArray();
            maxStep = Math.Max(maxStep, s.MeanInventoryFraction.Count - 1);
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
        plot.Axes.SetLimits(clock.At(0), clock.At(maxStep), -3, 103);
        ClockTicks(plot, clock, maxStep);
        Render(plot, canvas, area);
    }

    /// <summary>Mean participation rate (% of the step's market volume) per decision step, one line per strategy.</summary>
    public static void DrawParticipation(SKCanvas canvas, SKRect area, IReadOnlyList<ReportStrategySummary> strategies, SessionClock clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        using var plot = NewPlot();
        plot.XLabel(clock.Title + ", start of the step", AxisLabelSize);
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

            var steps = Enumerable.Range(0, s.MeanParticipation.Count).Select(x => clock.At(x)).ToArray();
            var values = Percent(s.MeanParticipation);
            maxStep = Math.Max(maxStep, s.MeanParticipation.Count - 1);
            peak = Math.Max(peak, values.Where(double.IsFinite).DefaultIfEmpty(0).Max());
            var line = plot.Add.ScatterLine(steps, values, StrategyColor(i));
            line.LineWidth = 1.6f;
            line.LinePattern = StrategyPattern(i);
            line.MarkerSize = 0;
        }

        plot.HideLegend();
        plot.Axes.SetLimits(clock.At(0), clock.At(maxStep), 0, peak * 1.05);
        ClockTicks(plot, clock, maxStep);
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

    /// <summary>One strategy's cost histogram (share of episodes per shared bin, as the report holds it) with its mean (solid) and p95 (dashed).</summary>
    public static void DrawCostDistribution(SKCanvas canvas, SKRect area, ReportStrategySummary strategy, int index, CostHistogram scale)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(scale);
        using var plot = NewPlot();
        var shares = scale.SharesOf(strategy);
        var hasSample = shares.Any(v => v > 0);
        plot.Title(hasSample ? strategy.DisplayName : $"{strategy.DisplayName}: no episodes recorded", TitleSize);
        plot.XLabel("Implementation shortfall (bps)", AxisLabelSize);
        plot.YLabel("Episodes (%)", AxisLabelSize);
        var color = StrategyColor(index);
        if (hasSample)
        {
            var positions = Enumerable.Range(0, scale.Bins).Select(scale.Centre).ToArray();
            var bars = plot.Add.Bars(positions, shares.ToArray());
            foreach (var bar in bars.Bars)
            {
                bar.Size = scale.BinWidthBps;
                bar.FillColor = color.WithAlpha(0.75);
                bar.LineWidth = 0;
            }
        }

        AddMarker(plot, strategy.MeanBps, LinePattern.Solid, scale.LowBps, scale.HighBps);
        AddMarker(plot, strategy.P95Bps, LinePattern.Dashed, scale.LowBps, scale.HighBps);
        plot.Axes.SetLimits(scale.LowBps, scale.HighBps, 0, scale.PeakShare * 1.08);
        Render(plot, canvas, area);
    }

    private static void AddMarker(Plot plot, double x, LinePattern pattern, double low, double high)
    {
        if (double.IsFinite(x) && x >= low && x <= high)
        {
            plot.Add.VerticalLine(x, 1.2f, Colors.Black.WithAlpha(0.8), pattern);
        }
    }

    /// <summary>Ticks of a time axis labelled as the session clock reads them (HH:MM exchange time, or minutes), the same as the run page's.</summary>
    private static void ClockTicks(Plot plot, SessionClock clock, int lastStep)
    {
        if (clock.TickStep is not { } step)
        {
            return;
        }

        var ticks = SessionClock.Ticks(clock.At(0), clock.At(lastStep), step, most: 8);
        plot.Axes.Bottom.SetTicks([.. ticks], [.. ticks.Select(clock.Format)]);
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
}
