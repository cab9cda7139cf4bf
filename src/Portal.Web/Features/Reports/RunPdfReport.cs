using SkiaSharp;

using Portal.Application.Reports;

namespace Portal.Web.Features.Reports;

/// <summary>
/// Writes a run report as an A4 PDF: the run's identity and software version, the scenario parameters, the summary
/// tables (mean with its 95% confidence interval, spread and tail of the cost, paired differences against TWAP and
/// the best static schedule, regret against the known optimum; what the participation cap and the horizon did, in a
/// table of its own), the mean inventory trajectories with their p5–p95 bands and a cost
/// histogram per strategy. Text uses the embedded DejaVu Sans and stays selectable; charts are vector graphics.
/// </summary>
/// <remarks>
/// Costs are implementation shortfall (Perold, "The implementation shortfall: paper versus reality", Journal of
/// Portfolio Management 14 (1988)) in basis points of the arrival value, positive being a cost; CVaR95 is the
/// mean of the worst 5% of episodes (Rockafellar and Uryasev, "Optimization of conditional value-at-risk",
/// Journal of Risk 2 (2000)). The PDF is produced by Skia's PDF backend (<c>SKDocument.CreatePdf</c>).
/// </remarks>
public sealed partial class RunPdfReport
{
    /// <summary>Writes the report to <paramref name="destination"/>, synchronously.</summary>
    public void Write(RunReport report, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(destination);

        using var layout = new PageFlow();
        Compose(report, layout);
        WriteDocument(report, layout.Finish(), destination);
    }

    /// <summary>
    /// Renders the report in memory and copies it to <paramref name="destination"/> asynchronously, for streams that
    /// refuse synchronous writes (such as an HTTP response body).
    /// </summary>
    public async Task WriteAsync(RunReport report, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var buffer = new MemoryStream();
        Write(report, buffer);
        buffer.Position = 0;
        await buffer.CopyToAsync(destination, cancellationToken);
    }

    private static void Compose(RunReport report, PageFlow flow)
    {
        flow.Title(report.Title);
        flow.Paragraph("Execution Lab run report", PageFlow.Muted);
        flow.Space(8);
        flow.KeyValues(
        [
            ("Team", report.TeamName),
            ("Scenario", report.ScenarioName),
            ("Run", report.RunId.ToString()),
            ("Created", ReportFormat.Utc(report.CreatedUtc)),
            ("Finished", report.FinishedUtc is { } f ? ReportFormat.Utc(f) : "not finished"),
            ("Software version", report.SoftwareVersion),
            ("Episodes per strategy", ReportFormat.Count(report.Episodes)),
            ("Intervals rest on", Runs.IndependentUnits.Describe(report.IndependentUnits, report.UnitKind)),
            ("Seed", report.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Known optimum", report.OptimumName is { } name
                ? $"{name}: expected cost {ReportFormat.Bps(report.OptimumExpectedCostBps)} bps" + (report.OptimumScope is { } scope ? ". " + scope : "")
                : "none for this market model"),
        ]);
        foreach (var warning in report.Warnings)
        {
            flow.Paragraph("Warning: " + warning, PageFlow.Warning);
        }
        foreach (var guarded in report.Strategies.Where(s => s.Guard is not null))
        {
            flow.Paragraph("Risk guards: " + Portal.Application.Reports.GuardLines.Describe(guarded.Guard!), PageFlow.Muted);
        }

        flow.Heading("Scenario parameters");
        if (report.Parameters.Count == 0)
        {
            flow.Paragraph("The scenario has no parameters to show.", PageFlow.Muted);
        }
        else
        {
            flow.Table(
                [new("Parameter", Numeric: false), new("Value", Numeric: false)],
                [.. report.Parameters.Select(p => new[] { p.Name, p.Value })]);
        }

        flow.Heading("Cost summary");
        flow.Paragraph(
            "Implementation shortfall in basis points of the arrival value; positive is a cost. " +
            "95% CI: confidence interval of the mean over " + Runs.IndependentUnits.Describe(report.IndependentUnits, report.UnitKind) +
            (report.UnitKind == Portal.Domain.Backtesting.UnitKinds.Window
                ? " (replayed episodes starting in the same horizon-length block share their market and count once; cluster-robust interval over blocks)"
                : "") +
            ". CVaR95: mean of the worst 5% of episodes.",
            PageFlow.Muted);
        if (Runs.IndependentUnits.TooFewToRank(report.IndependentUnits))
        {
            flow.Paragraph("Warning: " + Runs.IndependentUnits.Warning(report.IndependentUnits, report.UnitKind), PageFlow.Warning);
        }
        flow.Space(4);
        var strategies = report.Strategies;
        if (strategies.Count == 0)
        {
            flow.Paragraph("The run has no strategy results.", PageFlow.Muted);
            return;
        }

        flow.Table(
        [
            new("Strategy", Numeric: false), new("Episodes", Numeric: true), new("Mean", Numeric: true),
            new("95% CI", Numeric: true), new("Std", Numeric: true), new("P5", Numeric: true),
            new("Median", Numeric: true), new("P95", Numeric: true), new("CVaR95", Numeric: true),
        ],
        [
            .. strategies.Select(s => new[]
            {
                s.DisplayName, ReportFormat.Count(s.Episodes), ReportFormat.Bps(s.MeanBps),
                ReportFormat.Interval(s.MeanCiLowBps, s.MeanCiHighBps), ReportFormat.Bps(s.StdBps),
                ReportFormat.Bps(s.P5Bps), ReportFormat.Bps(s.P50Bps), ReportFormat.Bps(s.P95Bps),
                ReportFormat.Bps(s.Cvar95Bps),
            }),
        ]);

        // The report model's figures, iterated rather than named: a figure no strategy holds is left out.
        var metrics = ReportMetric.All.Where(m => strategies.Any(s => m.ValueOf(s) is not null)).ToList();
        if (metrics.Count > 0)
        {
            flow.Space(4);
            flow.Table(
            [
                new("Strategy", Numeric: false), .. metrics.Select(m => new TableColumn(m.Label, Numeric: true)),
            ],
            [
                .. strategies.Select(s => (string[])[s.DisplayName, .. metrics.Select(m => m.Unit == ReportMetricUnit.Fraction
                    ? (m.ValueOf(s) is { } f ? ReportFormat.Percent(f) : ReportFormat.Bps(null))
                    : ReportFormat.Bps(m.ValueOf(s)))]),
            ]);
            foreach (var m in metrics)
            {
                flow.Paragraph($"{m.Label}: {m.Help}", PageFlow.Muted);
            }
        }

        // Columns that would be empty for every strategy are left out, with a sentence saying why.
        var hasTwap = strategies.Any(s => s.VsTwapMeanBps is not null);
        var hasRegret = strategies.Any(s => s.RegretBps is not null);
        var hasBestStatic = strategies.Any(s => s.VsBestStaticMeanBps is not null);
        var hasObjective = strategies.Any(s => s.VsBestStaticObjectiveBps is not null);
        var comparison = new List<(TableColumn Column, Func<ReportStrategySummary, string> Cell)>
        {
            (new("Strategy", Numeric: false), s => s.DisplayName),
        };
        if (hasTwap)
        {
            comparison.Add((new("vs TWAP", Numeric: true), s => ReportFormat.Bps(s.VsTwapMeanBps)));
            comparison.Add((new("95% CI", Numeric: true), s => ReportFormat.Interval(s.VsTwapCiLowBps, s.VsTwapCiHighBps)));
        }

        if (hasBestStatic)
        {
            comparison.Add((new("vs best static", Numeric: true), s => ReportFormat.Bps(s.VsBestStaticMeanBps)));
            comparison.Add((new("95% CI", Numeric: true), s => ReportFormat.Interval(s.VsBestStaticCiLowBps, s.VsBestStaticCiHighBps)));
            if (hasObjective)
            {
                comparison.Add((new("E+λVar vs best static", Numeric: true), s => ReportFormat.Bps(s.VsBestStaticObjectiveBps)));
                comparison.Add((new("95% CI", Numeric: true), s => ReportFormat.Interval(s.VsBestStaticObjectiveCiLowBps, s.VsBestStaticObjectiveCiHighBps)));
            }
        }

        if (hasRegret)
        {
            comparison.Add((new("Regret", Numeric: true), s => ReportFormat.Bps(s.RegretBps)));
        }

        comparison.Add((new("Cost Sharpe", Numeric: true), s => Runs.IndependentUnits.Sharpe(s.CostSharpe)));
        comparison.Add((new("Completion", Numeric: true), s => ReportFormat.Percent(s.Completion)));
        comparison.Add((new("Mean shortfall (currency)", Numeric: true), s => ReportFormat.Currency(s.MeanShortfallCurrency)));

        flow.Heading("Comparison");
        flow.Paragraph(
            (hasTwap
                ? "vs TWAP: mean paired difference (strategy minus TWAP) over the same market paths, in bps; negative is cheaper. "
                : "No paired difference against TWAP: TWAP is not among the strategies. ") +
            (hasBestStatic
                ? "vs best static: mean paired difference (strategy minus the best static schedule for the run's objective) over the same paths, in bps; what a strategy gains beyond it is due to adaptivity. "
                : "") +
            (hasObjective ? ReportFormat.ObjectiveFootnote(report.RiskAversion) + " " : "") +
            (hasRegret && report.OptimumName is { } optimum
                ? $"Regret: mean paired difference to the known optimum ({optimum}) run on the same paths, in bps. "
                : hasRegret
                    ? "Regret: mean paired difference to the known optimum run on the same paths, in bps. "
                    : "No regret: the market model has no known optimum. ") +
            Runs.IndependentUnits.SharpeFormula + " Completion: share of the order the strategy traded itself.",
            PageFlow.Muted);
        flow.Space(4);
        flow.Table(
            [.. comparison.Select(c => c.Column)],
            [.. strategies.Select(s => comparison.Select(c => c.Cell(s)).ToArray())]);

        ComposeExecution(strategies, flow);

        const float inventoryHeight = 250;
        const string inventoryIntro =
            "Mean share of the parent order still to trade at each decision step; shaded: 5th to 95th percentile across episodes.";
        LegendItem[] legend =
        [
            .. strategies
                .Select((s, i) => (s, i))
                .Where(x => x.s.MeanInventoryFraction.Count > 0)
                .Select(x => new LegendItem(x.s.DisplayName, ReportCharts.StrategyColor(x.i), ReportCharts.StrategyPattern(x.i))),
        ];
        flow.Heading("Remaining inventory",
            keepWithNext: flow.ParagraphHeight(inventoryIntro) + 4 + inventoryHeight + flow.LegendHeight(legend));
        flow.Paragraph(inventoryIntro, PageFlow.Muted);
        flow.Space(4);
        if (legend.Length > 0)
        {
            flow.Chart(inventoryHeight, (canvas, area) => ReportCharts.DrawInventory(canvas, area, strategies, report.Clock), legend);
        }
        else
        {
            flow.Paragraph("No inventory trajectories were recorded.", PageFlow.Muted);
        }

        const float histogramHeight = 170;
        const string costIntro =
            "Share of episodes per bin of implementation shortfall, same bins for every strategy, from an evenly spaced sample of at most four thousand episodes per strategy; " +
            "the bins span the 0.1st to 99.9th percentile of all of them and the few beyond are counted in the end bins. Solid line: mean; dashed line: 95th percentile.";
        flow.Heading("Cost distribution", keepWithNext: flow.ParagraphHeight(costIntro) + 4 + histogramHeight);
        flow.Paragraph(costIntro, PageFlow.Muted);
        flow.Space(4);
        if (CostHistogram.Of(report) is { } scale)
        {
            flow.ChartGrid(strategies.Count, columns: 2, height: histogramHeight,
                (canvas, area, i) => ReportCharts.DrawCostDistribution(canvas, area, strategies[i], i, scale));
        }
        else
        {
            flow.Paragraph("No episode shortfalls were recorded.", PageFlow.Muted);
        }

        const float participationHeight = 220;
        const string participationIntro =
            "Child order as a share of the step's market volume, averaged over episodes; the last step includes any quantity force-traded at the horizon.";
        LegendItem[] participationLegend =
        [
            .. strategies
                .Select((s, i) => (s, i))
                .Where(x => x.s.MeanParticipation.Count > 0)
                .Select(x => new LegendItem(x.s.DisplayName, ReportCharts.StrategyColor(x.i), ReportCharts.StrategyPattern(x.i))),
        ];
        flow.Heading("Participation per step",
            keepWithNext: flow.ParagraphHeight(participationIntro) + 4 + participationHeight + flow.LegendHeight(participationLegend));
        flow.Paragraph(participationIntro, PageFlow.Muted);
        flow.Space(4);
        if (participationLegend.Length > 0)
        {
            flow.Chart(participationHeight, (canvas, area) => ReportCharts.DrawParticipation(canvas, area, strategies, report.Clock), participationLegend);
        }
        else
        {
            flow.Paragraph("Participation per step was not recorded for this run.", PageFlow.Muted);
        }

        ComposeRegimes(report, flow);
        ComposeAgentCurves(report, flow);
    }

    /// <summary>
    /// What the participation cap and the horizon did to each order, in a table of its own so that the comparison table
    /// stays readable on A4; left out, with a sentence under the comparison, for runs stored before these outcomes were recorded.
    /// </summary>
    private static void ComposeExecution(IReadOnlyList<ReportStrategySummary> strategies, PageFlow flow)
    {
        const string intro =
            "Forced: share force-traded at the horizon. Cap breaches: child orders over the participation cap (max participation in brackets). " +
            "Opportunity: cost of the unfilled rest at the horizon (Perold 1988), inside the shortfall, in bps.";
        if (strategies.All(s => s.Execution == ReportExecution.None))
        {
            flow.Space(4);
            flow.Paragraph("Forced trading, cap breaches and opportunity cost were not recorded for this run.", PageFlow.Muted);
            return;
        }

        flow.Heading("Participation cap and horizon", keepWithNext: flow.ParagraphHeight(intro) + 60);
        flow.Paragraph(intro, PageFlow.Muted);
        foreach (var s in strategies.Where(s => s.Execution.Warning is not null))
        {
            flow.Paragraph($"WARNING: {s.DisplayName}: {s.Execution.Warning}.", PageFlow.Warning);
        }

        flow.Space(4);
        flow.Table(
            [
                new("Strategy", Numeric: false), new("Forced", Numeric: true), new("Cap breaches (p95 max part.)", Numeric: true),
                new("Opportunity", Numeric: true),
            ],
            [
                .. strategies.Select(s => new[]
                {
                    s.DisplayName, ReportFormat.Percent(s.Execution.ForcedFraction),
                    string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"{ReportFormat.Count(s.Execution.CapBreaches)} ({ReportFormat.Percent(s.Execution.MaxParticipationP95 ?? s.Execution.MaxParticipation)})"),
                    ReportFormat.Bps(s.Execution.OpportunityCostBps),
                }),
            ]);
        ComposeLimitOrders(strategies, flow);
    }

    /// <summary>Fill rate, passive share, spread captured and markouts, when some strategy posted limit orders.</summary>
    private static void ComposeLimitOrders(IReadOnlyList<ReportStrategySummary> strategies, PageFlow flow)
    {
        if (!strategies.Any(s => s.Execution.PostedLimitOrders)) return;
        const string intro =
            "Fill rate and passive share: fractions of the parent quantity executed by the horizon and filled by limit orders. " +
            "Posted filled: share of the posted limit orders filled. Spread captured and markout (over the next decision step, positive = adverse selection): bps of the passive fills. " +
            "Brackets: 95% intervals over the run's independent units (episodes, or market windows on a replayed book); spread captured and markouts per filled share (delta method).";
        flow.Space(8);
        flow.Heading("Limit and market orders", keepWithNext: flow.ParagraphHeight(intro) + 60);
        flow.Paragraph(intro, PageFlow.Muted);
        flow.Space(4);
        static string P(double? v) => v is { } x ? ReportFormat.Percent(x) : "–";
        static string B(double? v) => v is { } x ? ReportFormat.Bps(x) : "–";
        static string PI(double? v, Portal.Domain.Backtesting.ConfidenceBounds? b) =>
            b is null || v is null ? P(v) : $"{P(v)} [{ReportFormat.Fixed(100 * b.Low, "0.0")}, {ReportFormat.Fixed(100 * b.High, "0.0")}]";
        static string BI(double? v, Portal.Domain.Backtesting.ConfidenceBounds? b) =>
            b is null || v is null ? B(v) : $"{B(v)} {ReportFormat.Interval(b.Low, b.High)}";
        var units = strategies.Select(s => s.Execution.Intervals).FirstOrDefault(i => i is not null);
        if (units is not null)
        {
            flow.Paragraph(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Intervals rest on {units.IndependentUnits} independent {(units.UnitKind == Portal.Domain.Backtesting.UnitKinds.Window ? "market window" : "episode")}{(units.IndependentUnits == 1 ? "" : "s")}."), PageFlow.Muted);
            flow.Space(4);
        }
        flow.Table(
            [
                new("Strategy", Numeric: false), new("Fill rate", Numeric: true), new("Passive", Numeric: true),
                new("Posted filled", Numeric: true), new("Spread captured", Numeric: true), new("Markout", Numeric: true),
            ],
            [
                .. strategies.Select(s => new[]
                {
                    s.DisplayName, PI(s.Execution.FillRate, s.Execution.Intervals?.FillRate), PI(s.Execution.PassiveShare, s.Execution.Intervals?.PassiveShare),
                    P(s.Execution.PostedFillRatio), BI(s.Execution.SpreadCapturedBps, s.Execution.Intervals?.SpreadCapturedBps),
                    BI(s.Execution.MarkoutBps, s.Execution.Intervals?.MarkoutBps),
                }),
            ]);
    }

    private static void ComposeRegimes(RunReport report, PageFlow flow)
    {
        const string intro =
            "The team's out-of-sample runs with this run's order-size and horizon buckets, pooled per regime and strategy: mean shortfall (bps) with its 95% CI. Unpaired across regimes: different runs, different paths.";
        flow.Heading("Across regimes", keepWithNext: flow.ParagraphHeight(intro) + 60);
        flow.Paragraph(intro, PageFlow.Muted);
        flow.Space(4);
        if (report.Regimes.Count == 0)
        {
            flow.Paragraph("No out-of-sample runs of this family yet (replays of a training segment stay out).", PageFlow.Muted);
            return;
        }
        flow.Table(
            [new("Strategy", false), new("Regime", false), new("Runs", true), new("Episodes", true), new("Mean", true), new("95% CI", true)],
            [.. report.Regimes.Select(r => new[]
            {
                r.DisplayName, r.Regime, ReportFormat.Count(r.Runs), ReportFormat.Count(r.Episodes), ReportFormat.Bps(r.MeanBps),
                $"[{ReportFormat.Bps(r.CiLowBps)}, {ReportFormat.Bps(r.CiHighBps)}]",
            })]);
    }

    private static void ComposeAgentCurves(RunReport report, PageFlow flow)
    {
        foreach (var agent in report.AgentCurves)
        {
            const float height = 200;
            string intro = $"{agent.Name} ({agent.StrategyId}): mean episode shortfall of each training batch (bps) against environment steps, one line per seed.";
            LegendItem[] legend = [.. agent.Seeds.Select((s, i) => new LegendItem($"seed {s.Seed}", ReportCharts.StrategyColor(i), ReportCharts.StrategyPattern(i)))];
            flow.Heading("Learning curves", keepWithNext: flow.ParagraphHeight(intro) + 4 + height + flow.LegendHeight(legend));
            flow.Paragraph(intro, PageFlow.Muted);
            flow.Space(4);
            if (agent.Steps.Count == 0)
            {
                flow.Paragraph("No learning curve was recorded.", PageFlow.Muted);
                continue;
            }
            flow.Chart(height, (canvas, area) => ReportCharts.DrawLearningCurves(canvas, area, agent), legend);
        }
    }

    private static void WriteDocument(RunReport report, IReadOnlyList<SKPicture> pages, Stream destination)
    {
        var stamp = report.FinishedUtc ?? report.CreatedUtc;
        var metadata = new SKDocumentPdfMetadata(SKDocument.DefaultRasterDpi, SKDocumentPdfMetadata.DefaultEncodingQuality)
        {
            Title = report.Title,
            Author = report.TeamName,
            Subject = $"Run {report.RunId} of scenario {report.ScenarioName}",
            Creator = $"Execution Lab {report.SoftwareVersion}",
            Producer = "Execution Lab",
            Creation = stamp,
            Modified = stamp,
        };

        using var document = SKDocument.CreatePdf(destination, metadata)
            ?? throw new InvalidOperationException("Skia could not create a PDF document on the destination stream.");
        for (var i = 0; i < pages.Count; i++)
        {
            var canvas = document.BeginPage(PageFlow.PageWidth, PageFlow.PageHeight);
            canvas.DrawPicture(pages[i]);
            PageFlow.Footer(canvas, $"Execution Lab · {report.Title}", $"Page {i + 1} of {pages.Count}");
            document.EndPage();
        }

        document.Close();
    }

    /// <summary>A series named under a chart: its line colour and pattern.</summary>
    private sealed record LegendItem(string Name, ScottPlot.Color Color, ScottPlot.LinePattern Pattern);

    /// <summary>A column of a report table; numeric columns are right-aligned and never wrap inside a value.</summary>
    private sealed record TableColumn(string Header, bool Numeric);

    /// <summary>
    /// Lays content out top to bottom on A4 pages, starting a new page when a block does not fit. Pages are recorded
    /// first and written afterwards, so every footer can say how many pages there are.
    /// </summary>
    private sealed class PageFlow : IDisposable
    {
        public const float PageWidth = 595.28f;
        public const float PageHeight = 841.89f;
        private const float Margin = 42f;
        private const float FooterSpace = 22f;
        private const float Left = Margin;
        private const float Right = PageWidth - Margin;
        private const float Top = Margin;
        private const float Bottom = PageHeight - Margin - FooterSpace;
        private const float CellPadX = 4f;
        private const float CellPadY = 3f;
        private const float LegendSwatch = 18f;
        private const float LegendGap = 12f;
        private const float LegendTop = 4f;

        public static readonly SKColor Muted = new(0x5F, 0x63, 0x68);
        public static readonly SKColor Warning = new(0xB0, 0x3A, 0x00);
        private static readonly SKColor Ink = new(0x20, 0x21, 0x24);
        private static readonly SKColor Rule = new(0xC8, 0xCC, 0xD0);
        private static readonly SKColor HeaderFill = new(0xEC, 0xEF, 0xF3);
        private static readonly SKColor StripeFill = new(0xF7, 0xF8, 0xFA);

        private readonly List<SKPicture> pages = [];
        private readonly SKPictureRecorder recorder = new();
        private readonly SKFont titleFont = NewFont(ReportFonts.Bold, 18);
        private readonly SKFont headingFont = NewFont(ReportFonts.Bold, 12);
        private readonly SKFont bodyFont = NewFont(ReportFonts.Regular, 8.5f);
        private readonly SKFont bodyBoldFont = NewFont(ReportFonts.Bold, 8.5f);
        private readonly SKFont tableFont = NewFont(ReportFonts.Regular, 8f);
        private readonly SKFont tableHeaderFont = NewFont(ReportFonts.Bold, 8f);
        private readonly SKPaint paint = new() { IsAntialias = true };
        private SKCanvas canvas;
        private float y = Top;

        public PageFlow() => canvas = recorder.BeginRecording(new SKRect(0, 0, PageWidth, PageHeight));

        private static float Width => Right - Left;

        public void Title(string text)
        {
            foreach (var line in Wrap(text, titleFont, Width))
            {
                y += titleFont.Size * 1.25f;
                DrawText(line, Left, y, titleFont, Ink);
            }

            y += 4;
        }

        public void Heading(string text, float keepWithNext = 80)
        {
            Space(14);
            EnsureSpace(headingFont.Spacing + keepWithNext);
            y += headingFont.Size;
            DrawText(text, Left, y, headingFont, Ink);
            y += 6;
        }

        public void Paragraph(string text, SKColor color)
        {
            foreach (var line in Wrap(text, bodyFont, Width))
            {
                EnsureSpace(bodyFont.Spacing);
                y += bodyFont.Spacing;
                DrawText(line, Left, y - bodyFont.Metrics.Descent, bodyFont, color);
            }
        }

        public void Space(float points) => y += points;

        public void KeyValues(IReadOnlyList<(string Key, string Value)> pairs)
        {
            const float keyWidth = 120;
            foreach (var (key, value) in pairs)
            {
                var lines = Wrap(value, bodyFont, Width - keyWidth);
                EnsureSpace(lines.Count * bodyFont.Spacing + 2);
                DrawText(key, Left, y + bodyFont.Spacing - bodyFont.Metrics.Descent, bodyBoldFont, Muted);
                foreach (var line in lines)
                {
                    y += bodyFont.Spacing;
                    DrawText(line, Left + keyWidth, y - bodyFont.Metrics.Descent, bodyFont, Ink);
                }

                y += 2;
            }
        }

        public void Table(IReadOnlyList<TableColumn> columns, IReadOnlyList<string[]> rows)
        {
            var widths = ColumnWidths(columns, rows);
            var header = columns.Select(c => c.Header).ToArray();
            EnsureSpace(RowHeight(columns, widths, header, tableHeaderFont)
                + (rows.Count > 0 ? RowHeight(columns, widths, rows[0], tableFont) : 0));
            DrawRow(columns, widths, header, tableHeaderFont, HeaderFill);
            for (var r = 0; r < rows.Count; r++)
            {
                if (RowHeight(columns, widths, rows[r], tableFont) + y > Bottom)
                {
                    NewPage();
                    DrawRow(columns, widths, header, tableHeaderFont, HeaderFill);
                }

                DrawRow(columns, widths, rows[r], tableFont, r % 2 == 1 ? StripeFill : SKColors.Transparent);
            }

            paint.Color = Rule;
            paint.StrokeWidth = 0.75f;
            canvas.DrawLine(Left, y, Left + widths.Sum(), y, paint);
        }

        public float ParagraphHeight(string text) => Wrap(text, bodyFont, Width).Count * bodyFont.Spacing;

        public float LegendHeight(IReadOnlyList<LegendItem> legend) => LegendTop + LayOutLegend(legend).Sum(row => row.Height);

        /// <summary>
        /// A chart across the page with, under it, line swatches naming its series in as many columns as the longest
        /// name allows (at most three); chart and legend stay on one page.
        /// </summary>
        public void Chart(float height, Action<SKCanvas, SKRect> draw, IReadOnlyList<LegendItem> legend)
        {
            var rows = LayOutLegend(legend);
            EnsureSpace(height + LegendTop + rows.Sum(row => row.Height));
            draw(canvas, new SKRect(Left, y, Right, y + height));
            y += height + LegendTop;

            using var line = new SKPaint { IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 1.6f };
            foreach (var row in rows)
            {
                for (var c = 0; c < row.Items.Count; c++)
                {
                    var x = Left + c * (row.ColumnWidth + LegendGap);
                    var (item, lines) = row.Items[c];
                    line.Color = new SKColor(item.Color.R, item.Color.G, item.Color.B, item.Color.A);
                    line.PathEffect = item.Pattern.GetPathEffect();
                    var middle = y + tableFont.Spacing / 2;
                    canvas.DrawLine(x, middle, x + LegendSwatch, middle, line);
                    var baseline = y;
                    foreach (var text in lines)
                    {
                        baseline += tableFont.Spacing;
                        DrawText(text, x + LegendSwatch + 6, baseline - tableFont.Metrics.Descent, tableFont, Ink);
                    }
                }

                y += row.Height;
            }
        }

        private List<(List<(LegendItem Item, List<string> Lines)> Items, float ColumnWidth, float Height)> LayOutLegend(IReadOnlyList<LegendItem> legend)
        {
            var longest = legend.Select(item => tableFont.MeasureText(item.Name)).DefaultIfEmpty(0).Max() + LegendSwatch + 6;
            var columns = Math.Clamp((int)((Width + LegendGap) / (longest + LegendGap)), 1, 3);
            var columnWidth = (Width - LegendGap * (columns - 1)) / columns;
            return
            [
                .. legend.Chunk(columns).Select(chunk =>
                {
                    var items = chunk.Select(item => (item, Wrap(item.Name, tableFont, columnWidth - LegendSwatch - 6))).ToList();
                    return (items, columnWidth, items.Max(i => i.Item2.Count) * tableFont.Spacing + 3);
                }),
            ];
        }

        public void ChartGrid(int count, int columns, float height, Action<SKCanvas, SKRect, int> draw)
        {
            const float gap = 10;
            var cellWidth = (Width - gap * (columns - 1)) / columns;
            for (var i = 0; i < count; i += columns)
            {
                EnsureSpace(height);
                for (var c = 0; c < columns && i + c < count; c++)
                {
                    var x = Left + c * (cellWidth + gap);
                    draw(canvas, new SKRect(x, y, x + cellWidth, y + height), i + c);
                }

                y += height + gap;
            }
        }

        /// <summary>Ends the last page and returns every page; they stay owned (and are disposed) by this flow.</summary>
        public IReadOnlyList<SKPicture> Finish()
        {
            pages.Add(recorder.EndRecording());
            return pages;
        }

        public static void Footer(SKCanvas canvas, string left, string right)
        {
            using var font = NewFont(ReportFonts.Regular, 7);
            using var paint = new SKPaint { IsAntialias = true, Color = Muted };
            var baseline = PageHeight - Margin + 4;
            var rightWidth = font.MeasureText(right);
            canvas.DrawText(Ellipsize(left, font, Width - rightWidth - 20), Left, baseline, SKTextAlign.Left, font, paint);
            canvas.DrawText(right, Right, baseline, SKTextAlign.Right, font, paint);
            paint.StrokeWidth = 0.5f;
            paint.Color = Rule;
            canvas.DrawLine(Left, baseline - 10, Right, baseline - 10, paint);
        }

        public void Dispose()
        {
            foreach (var page in pages)
            {
                page.Dispose();
            }

            recorder.Dispose();
            foreach (var font in new[] { titleFont, headingFont, bodyFont, bodyBoldFont, tableFont, tableHeaderFont })
            {
                font.Dispose();
            }

            paint.Dispose();
        }

        /// <summary>A font with unhinted, fractional advances: what a PDF viewer will use when it lays the glyphs out.</summary>
        private static SKFont NewFont(SKTypeface typeface, float size) => new(typeface, size)
        {
            Subpixel = true,
            LinearMetrics = true,
            Hinting = SKFontHinting.None,
        };

        private void EnsureSpace(float height)
        {
            if (y + height > Bottom && y > Top)
            {
                NewPage();
            }
        }

        private void NewPage()
        {
            pages.Add(recorder.EndRecording());
            canvas = recorder.BeginRecording(new SKRect(0, 0, PageWidth, PageHeight));
            y = Top;
        }

        private void DrawText(string text, float x, float baseline, SKFont font, SKColor color, SKTextAlign align = SKTextAlign.Left)
        {
            paint.Color = color;
            canvas.DrawText(text, x, baseline, align, font, paint);
        }

        private void DrawRow(IReadOnlyList<TableColumn> columns, float[] widths, string[] cells, SKFont font, SKColor fill)
        {
            var height = RowHeight(columns, widths, cells, font);
            if (fill.Alpha > 0)
            {
                paint.Color = fill;
                canvas.DrawRect(Left, y, widths.Sum(), height, paint);
            }

            var x = Left;
            for (var c = 0; c < columns.Count; c++)
            {
                var lineY = y + CellPadY;
                foreach (var line in Wrap(cells[c], font, widths[c] - 2 * CellPadX))
                {
                    lineY += font.Spacing;
                    var align = columns[c].Numeric ? SKTextAlign.Right : SKTextAlign.Left;
                    var textX = columns[c].Numeric ? x + widths[c] - CellPadX : x + CellPadX;
                    DrawText(line, textX, lineY - font.Metrics.Descent, font, Ink, align);
                }

                x += widths[c];
            }

            y += height;
        }

        private static float RowHeight(IReadOnlyList<TableColumn> columns, float[] widths, string[] cells, SKFont font) =>
            columns.Select((c, i) => Wrap(cells[i], font, widths[i] - 2 * CellPadX).Count).Max() * font.Spacing + 2 * CellPadY;

        /// <summary>
        /// Numeric columns get the width of their widest value (headers may wrap to their widest word); text columns
        /// share what is left in proportion to what they would need on one line, and wrap.
        /// </summary>
        private float[] ColumnWidths(IReadOnlyList<TableColumn> columns, IReadOnlyList<string[]> rows)
        {
            var widths = new float[columns.Count];
            var natural = new float[columns.Count];
            for (var c = 0; c < columns.Count; c++)
            {
                var cellMax = rows.Select(r => tableFont.MeasureText(r[c])).DefaultIfEmpty(0).Max();
                var headerWord = columns[c].Header.Split(' ').Max(w => tableHeaderFont.MeasureText(w));
                var headerFull = tableHeaderFont.MeasureText(columns[c].Header);
                natural[c] = Math.Max(cellMax, headerFull) + 2 * CellPadX;
                widths[c] = Math.Max(cellMax, headerWord) + 2 * CellPadX;
            }

            var numericTotal = Enumerable.Range(0, columns.Count).Where(c => columns[c].Numeric).Sum(c => widths[c]);
            var text = Enumerable.Range(0, columns.Count).Where(c => !columns[c].Numeric).ToArray();
            var naturalTotal = natural.Sum();
            if (naturalTotal <= Width)
            {
                // Everything fits on one line: spread the spare width over all columns.
                var spare = (Width - naturalTotal) / columns.Count;
                return [.. natural.Select(w => w + spare)];
            }

            var textNatural = text.Sum(c => natural[c]);
            var textSpace = Math.Max(Width - numericTotal, 40 * text.Length);
            foreach (var c in text)
            {
                widths[c] = textSpace * natural[c] / textNatural;
            }

            return widths;
        }

        private static List<string> Wrap(string text, SKFont font, float width)
        {
            var lines = new List<string>();
            foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
            {
                var line = "";
                foreach (var word in paragraph.Split(' '))
                {
                    var candidate = line.Length == 0 ? word : line + " " + word;
                    if (font.MeasureText(candidate) <= width)
                    {
                        line = candidate;
                        continue;
                    }

                    if (line.Length > 0)
                    {
                        lines.Add(line);
                    }

                    line = word;
                    while (line.Length > 1 && font.MeasureText(line) > width)
                    {
                        var fit = Math.Max(1, font.BreakText(line, width));
                        lines.Add(line[..fit]);
                        line = line[fit..];
                    }
                }

                lines.Add(line);
            }

            return lines;
        }

        private static string Ellipsize(string text, SKFont font, float width)
        {
            if (font.MeasureText(text) <= width)
            {
                return text;
            }

            var fit = font.BreakText(text, width - font.MeasureText("…"));
            return text[..Math.Max(0, fit)] + "…";
        }
    }
}
