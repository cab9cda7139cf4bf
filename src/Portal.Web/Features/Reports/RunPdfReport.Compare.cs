using SkiaSharp;

using Portal.Application.Reports;
using Portal.Web.Features.Compare;

namespace Portal.Web.Features.Reports;

/// <summary>The compare view as a PDF, laid out and drawn like a run report: the same tables and overlaid charts as the page.</summary>
public sealed partial class RunPdfReport
{
    /// <summary>Writes the comparison to <paramref name="destination"/>, synchronously.</summary>
    public void WriteComparison(CompareDocument document, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(destination);
        if (document.Runs.Count < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(document), document.Runs.Count, "A comparison needs at least 2 succeeded runs.");
        }

        using var flow = new PageFlow();
        ComposeComparison(document, flow);
        var pages = flow.Finish();
        var title = $"Execution Lab comparison of {document.Runs.Count} runs";
        var stamp = document.Runs.Max(r => r.FinishedUtc ?? r.CreatedUtc);
        var metadata = new SKDocumentPdfMetadata(SKDocument.DefaultRasterDpi, SKDocumentPdfMetadata.DefaultEncodingQuality)
        {
            Title = title,
            Author = document.TeamName,
            Subject = "Runs " + string.Join(", ", document.Runs.Select(r => r.Id)),
            Creator = $"Execution Lab {RunReportBuilder.SoftwareVersion}",
            Producer = "Execution Lab",
            Creation = stamp,
            Modified = stamp,
        };
        using var pdf = SKDocument.CreatePdf(destination, metadata)
            ?? throw new InvalidOperationException("Skia could not create a PDF document on the destination stream.");
        for (var i = 0; i < pages.Count; i++)
        {
            var canvas = pdf.BeginPage(PageFlow.PageWidth, PageFlow.PageHeight);
            canvas.DrawPicture(pages[i]);
            PageFlow.Footer(canvas, title, $"Page {i + 1} of {pages.Count}");
            pdf.EndPage();
        }

        pdf.Close();
    }

    /// <summary>Renders the comparison in memory and copies it to <paramref name="destination"/> asynchronously.</summary>
    public async Task WriteComparisonAsync(CompareDocument document, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var buffer = new MemoryStream();
        WriteComparison(document, buffer);
        buffer.Position = 0;
        await buffer.CopyToAsync(destination, cancellationToken);
    }

    private static void ComposeComparison(CompareDocument document, PageFlow flow)
    {
        var runs = document.Runs;
        flow.Title($"Comparison of {runs.Count} runs");
        flow.Paragraph("Execution Lab compare report. Implementation shortfall in bps of the arrival value, positive is a cost. " +
            "Δ is the difference to the reference run with its 95% CI; runs draw independent market paths, so the interval is unpaired.", PageFlow.Muted);
        flow.Space(8);
        flow.KeyValues(
        [
            ("Team", document.TeamName),
            .. runs.Select((r, i) => (i == 0 ? "Reference run" : $"Run {i + 1}",
                $"{r.DisplayName} · {r.Id} · seed {r.Seed} · {ReportFormat.Count(r.Episodes)} episodes · {ReportFormat.Utc(r.CreatedUtc)}")),
            ("Software version", RunReportBuilder.SoftwareVersion),
        ]);

        flow.Heading("What differs between the runs");
        if (document.Parameters.Count == 0)
        {
            flow.Paragraph("The runs' scenarios are identical (seed and episodes included).", PageFlow.Muted);
        }
        else
        {
            flow.Table(
                [new("Parameter", Numeric: false), .. runs.Select((_, i) => new TableColumn(document.LegendName(i), Numeric: false))],
                [.. document.Parameters.Select(p => new[] { p.Field }.Concat(p.Values).ToArray())]);
        }

        flow.Heading("Mean cost per strategy (bps)");
        flow.Paragraph("Mean implementation shortfall with its 95% confidence interval, per run.", PageFlow.Muted);
        flow.Space(4);
        flow.Table(
            [new("Strategy", Numeric: false), .. runs.Select((_, i) => new TableColumn(document.LegendName(i), Numeric: true))],
            [.. document.Rows.Select(row => new[] { row.DisplayName }.Concat(row.Cells.Select(c => c is null ? "–" : $"{ReportFormat.Bps(c.MeanBps)} {ReportFormat.Interval(c.CiLowBps, c.CiHighBps)}")).ToArray())]);

        flow.Heading("Difference to the reference run (bps)");
        flow.Paragraph("This run's mean minus the reference's, with its unpaired 95% CI; \"better\" or \"worse\" only when the interval excludes zero.", PageFlow.Muted);
        flow.Space(4);
        flow.Table(
            [new("Strategy", Numeric: false), .. runs.Skip(1).Select((_, i) => new TableColumn(document.LegendName(i + 1), Numeric: true))],
            [.. document.Rows.Select(row => new[] { row.DisplayName }.Concat(row.Cells.Skip(1).Select(c => c?.DiffBps is { } d ? $"{ReportFormat.Bps(d)} {ReportFormat.Interval(c.DiffCiLowBps, c.DiffCiHighBps)} {c.Verdict}" : "–")).ToArray())]);

        LegendItem[] legend = [.. runs.Select((_, i) => new LegendItem(document.LegendName(i), ReportCharts.StrategyColor(i), ReportCharts.StrategyPattern(i)))];
        const float meansHeight = 240;
        flow.Heading("The runs overlaid: mean cost with its 95% interval", keepWithNext: meansHeight + flow.LegendHeight(legend));
        flow.Chart(meansHeight, (canvas, area) => ReportCharts.DrawCompareMeans(canvas, area, document), legend);

        const float ecdfHeight = 200;
        var common = document.Common;
        flow.Heading("Cost distributions, one chart per strategy every run holds",
            keepWithNext: flow.ParagraphHeight("x") * 2 + ecdfHeight);
        flow.Paragraph("Empirical CDF of each run's shortfall (share of episodes costing at most x bps), from up to " +
            ReportFormat.Count(RunReportBuilder.HistogramSample) + " evenly spaced episodes per run; colours as above.", PageFlow.Muted);
        flow.Space(4);
        if (common.Count == 0)
        {
            flow.Paragraph("No strategy is in every compared run.", PageFlow.Muted);
        }
        else
        {
            flow.ChartGrid(common.Count, columns: 2, height: ecdfHeight,
                (canvas, area, i) => ReportCharts.DrawCompareEcdf(canvas, area, document, common[i].StrategyId, common[i].DisplayName));
        }
    }
}
