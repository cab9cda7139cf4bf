using Portal.Application.Reports;
using Portal.Web.Features.Reports;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Content;

namespace Portal.Web.Tests.Reports;

public class RunPdfReportTests
{
    private static readonly Lazy<byte[]> SixStrategyPdf = new(() => Render(ReportSamples.SixStrategies()));

    [Fact]
    public void Pdf_is_an_a4_document_whose_footers_count_its_pages()
    {
        using var pdf = PdfDocument.Open(SixStrategyPdf.Value);

        Assert.True(pdf.NumberOfPages >= 2, $"{pdf.NumberOfPages} pages");
        foreach (var page in pdf.GetPages())
        {
            Assert.Equal(595.28, page.Width, 0.5);
            Assert.Equal(841.89, page.Height, 0.5);
            Assert.Contains($"Page {page.Number} of {pdf.NumberOfPages}", Text(page));
        }

        Assert.Equal("Liquid large cap: schedule comparison", pdf.Information.Title);
        Assert.Equal("Desk Alpha", pdf.Information.Author);
    }

    [Fact]
    public void Pdf_of_the_same_report_is_the_same_bytes()
    {
        var again = Render(ReportSamples.SixStrategies());
        var retitled = Render(ReportSamples.SixStrategies(title: "Liquid large cap: schedule comparison (rerun)"));

        Assert.Equal(SixStrategyPdf.Value, again);
        Assert.NotEqual(SixStrategyPdf.Value, retitled);
    }

    [Fact]
    public async Task Pdfs_rendered_at_the_same_time_are_the_same_as_one_rendered_alone()
    {
        var report = ReportSamples.SixStrategies();

        var pdfs = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Render(report))));

        Assert.All(pdfs, pdf => Assert.Equal(SixStrategyPdf.Value, pdf));
    }

    [Fact]
    public void Pdf_text_names_the_run_its_team_dates_software_version_and_scenario_parameters()
    {
        var text = DocumentText(SixStrategyPdf.Value);

        Assert.Contains("Liquid large cap: schedule comparison", text);
        Assert.Contains("Team Desk Alpha", text);
        Assert.Contains("Scenario Normal regime, 5% ADV sell", text);
        Assert.Contains("6f1c2b9e-3d4a-4c1e-9a7b-2e5d8c0f1a23", text);
        Assert.Contains("Created 2026-11-20 09:30:00 UTC", text);
        Assert.Contains("Finished 2026-11-20 09:41:17 UTC", text);
        Assert.Contains("Software version 1.4.2+build.77", text);
        Assert.Contains("Seed 20261120", text);
        Assert.Contains("Almgren–Chriss optimum: expected cost 11.25 bps", text);
        foreach (var parameter in ReportSamples.Parameters)
        {
            Assert.Contains($"{parameter.Name} {parameter.Value}", text);
        }
    }

    [Theory]
    //          strategy,                 mean,    95% CI,               std,   p5,      median,  p95,     CVaR95
    [InlineData("TWAP", "12.50", "[12.31, 12.69]", "4.06", "6.00", "12.44", "19.25", "21.00")]
    [InlineData("Almgren–Chriss optimum", "11.25", "[11.06, 11.44]", "4.06", "4.75", "11.19", "18.00", "19.75")]
    [InlineData("Random schedule", "19.88", "[19.69, 20.06]", "4.06", "13.38", "19.81", "26.63", "28.38")]
    [InlineData("Passive then forced", "-3.13", "[-3.31, -2.94]", "4.06", "-9.63", "-3.19", "3.63", "5.38")]
    public void Pdf_cost_summary_row_shows_mean_with_its_interval_spread_and_tail(
        string strategy, string mean, string ci, string std, string p5, string median, string p95, string cvar)
    {
        var text = DocumentText(SixStrategyPdf.Value);

        Assert.Contains($"{strategy} 2,000 {mean} {ci} {std} {p5} {median} {p95} {cvar}", text);
    }

    [Theory]
    //          strategy,              vs TWAP,   its 95% CI,             regret,    cost Sharpe, completion, mean shortfall
    [InlineData("TWAP", "–", "–", "1.25", "3.08", "98.8%", "15,431.25")]
    [InlineData("VWAP", "0.25", "[0.00, 0.50]", "1.50", "3.14", "98.8%", "15,739.88")]
    [InlineData("PPO agent (seed 7)", "-0.88", "[-1.13, -0.63]", "0.38", "2.86", "98.8%", "14,351.06")]
    [InlineData("Passive then forced", "-15.63", "[-15.88, -15.38]", "-14.38", "-0.77", "98.8%", "-3,857.81")]
    public void Pdf_comparison_row_shows_the_paired_difference_against_twap_and_the_regret(
        string strategy, string vsTwap, string ci, string regret, string sharpe, string completion, string currency)
    {
        var text = DocumentText(SixStrategyPdf.Value);

        Assert.Contains($"{strategy} {vsTwap} {ci} {regret} {sharpe} {completion} {currency}", text);
    }

    [Fact]
    public void Pdf_leaves_out_comparison_columns_that_no_strategy_has()
    {
        var strategies = new[]
        {
            ReportSamples.Strategy("vwap", "VWAP", 12.75, vsTwap: null, regret: null),
            ReportSamples.Strategy("random", "Random schedule", 19.875, vsTwap: null, regret: null),
        };

        var text = DocumentText(Render(ReportSamples.SixStrategies(strategies: strategies, withOptimum: false)));

        Assert.Contains("Strategy Cost Sharpe Completion Mean shortfall (currency) VWAP 3.14 98.8% 15,739.88", text);
        Assert.Contains("No paired difference against TWAP: TWAP is not among the strategies.", text);
        Assert.Contains("No regret: the market model has no known optimum.", text);
    }

    [Fact]
    public void Pdf_shows_the_difference_to_best_static_and_the_cap_and_horizon_outcomes_in_a_table_of_their_own()
    {
        var strategies = ReportSamples.SixStrategySummaries.Select((s, i) => new ReportStrategySummary(
            s.StrategyId, s.DisplayName, s.Episodes, s.MeanBps, s.StdBps, s.MeanCiLowBps, s.MeanCiHighBps, s.P5Bps, s.P50Bps, s.P95Bps,
            s.Cvar95Bps, s.CostSharpe, s.Completion, s.MeanShortfallCurrency, s.VsTwapMeanBps, s.VsTwapCiLowBps, s.VsTwapCiHighBps,
            s.RegretBps, s.MeanInventoryFraction, s.InventoryP5Fraction, s.InventoryP95Fraction, s.ShortfallHistogramSampleBps,
            s.MeanParticipation, new ReportExecution(0.01 * i, 0, i == 5 ? 3 : 0, 0.1 + 0.01 * i, 0.5 * i))
        {
            VsBestStaticMeanBps = i - 0.5, VsBestStaticCiLowBps = i - 0.75, VsBestStaticCiHighBps = i - 0.25,
        }).ToList();

        var text = DocumentText(Render(ReportSamples.SixStrategies(strategies: strategies)));

        // strategy, vs TWAP, its CI, vs best static, its CI, regret, cost Sharpe, completion, mean shortfall
        Assert.Contains("VWAP 0.25 [0.00, 0.50] 0.50 [0.25, 0.75] 1.50 3.14 98.8% 15,739.88", text);
        // strategy, forced, cap breaches (p95 of per-episode maximum participation, the maximum where no p95 was stored), opportunity
        Assert.Contains("Strategy Forced Cap breaches (p95 max part.) Opportunity TWAP 0.0% 0 (10.0%) 0.00", text);
        Assert.Contains("Passive then forced 5.0% 3 (15.0%) 2.50", text);
        Assert.Contains("WARNING: Passive then forced: cap breached at 3 step(s)", text);
        Assert.DoesNotContain("were not recorded for this run", text);
    }

    [Fact]
    public void Pdf_shows_fill_rate_passive_share_spread_captured_and_markout_when_a_strategy_posted_limit_orders()
    {
        var strategies = ReportSamples.SixStrategySummaries.Select((s, i) => ReportSamples.WithExecution(s, new ReportExecution(0, 0, 0, 0.1, 0)
        {
            FillRate = 1,
            PassiveShare = i == 5 ? 0.375 : 0,
            PostedFillRatio = i == 5 ? 0.375 : null,
            SpreadCapturedBps = i == 5 ? 2.5 : null,
            MarkoutBps = i == 5 ? 0.25 : null,
        })).ToList();

        var text = DocumentText(Render(ReportSamples.SixStrategies(strategies: strategies)));

        Assert.Contains("Limit and market orders", text);
        // strategy, fill rate, passive, posted filled, spread captured, markout
        Assert.Contains("Passive then forced 100.0% 37.5% 37.5% 2.50 0.25", text);
        Assert.Contains("TWAP 100.0% 0.0% – – –", text);
    }

    [Fact]
    public void Pdf_shows_the_limit_order_intervals_and_their_units()
    {
        var strategies = ReportSamples.SixStrategySummaries.Select((s, i) => ReportSamples.WithExecution(s, new ReportExecution(0, 0, 0, 0.1, 0)
        {
            FillRate = 1,
            PassiveShare = i == 5 ? 0.375 : 0,
            PostedFillRatio = i == 5 ? 0.375 : null,
            SpreadCapturedBps = i == 5 ? 2.5 : null,
            MarkoutBps = i == 5 ? 0.25 : null,
            Intervals = new Portal.Domain.Backtesting.OrderTypeIntervals(4000, Portal.Domain.Backtesting.UnitKinds.Episode)
            {
                FillRate = new(1, 1),
                PassiveShare = i == 5 ? new(0.35, 0.4) : new(0, 0),
                SpreadCapturedBps = i == 5 ? new(2.4, 2.6) : null,
                MarkoutBps = i == 5 ? new(0.1, 0.4) : null,
            },
        })).ToList();

        var text = DocumentText(Render(ReportSamples.SixStrategies(strategies: strategies)));

        Assert.Contains("Intervals rest on 4000 independent episodes.", text);
        Assert.Contains("100.0% [100.0, 100.0] 37.5% [35.0, 40.0] 37.5% 2.50 [2.40, 2.60] 0.25 [0.10, 0.40]", text);
    }

    [Fact]
    public void Pdf_without_limit_orders_has_no_limit_order_table()
    {
        Assert.DoesNotContain("Limit and market orders", DocumentText(SixStrategyPdf.Value));
    }

    [Fact]
    public void Pdf_of_a_run_without_cap_and_horizon_outcomes_says_so_instead_of_a_table_of_zeros()
    {
        var text = DocumentText(SixStrategyPdf.Value);

        Assert.Contains("Forced trading, cap breaches and opportunity cost were not recorded for this run.", text);
        Assert.DoesNotContain("Cap breaches (max part.)", text);
    }

    [Fact]
    public void Pdf_names_every_strategy_in_the_tables_and_in_its_charts()
    {
        using var pdf = PdfDocument.Open(SixStrategyPdf.Value);
        var chartPages = pdf.GetPages().Where(p => Text(p).Contains("Implementation shortfall (bps)", StringComparison.Ordinal)).ToList();
        var chartText = string.Join(" ", chartPages.Select(Text));

        Assert.NotEmpty(chartPages);
        foreach (var strategy in ReportSamples.SixStrategySummaries)
        {
            var everywhere = DocumentText(SixStrategyPdf.Value);
            Assert.True(Occurrences(everywhere, strategy.DisplayName) >= 4,
                $"{strategy.DisplayName} should appear in both tables, the inventory legend and its histogram title");
            Assert.Contains(strategy.DisplayName, chartText);
        }
    }

    [Fact]
    public void Pdf_charts_are_drawn_as_paths_with_their_axis_text_in_the_embedded_font()
    {
        using var pdf = PdfDocument.Open(SixStrategyPdf.Value);
        // Axis titles are rotated, so read the page's letters in drawing order rather than as words on lines.
        var inventoryPage = pdf.GetPages().Single(p => p.Text.Contains("Remaining inventory (% of order)", StringComparison.Ordinal));

        Assert.Contains("Decision step", inventoryPage.Text);
        Assert.Contains("Episodes (%)", inventoryPage.Text);
        // Six bands, six mean lines and the bars of the histograms on this page, beyond the page's few table rules.
        Assert.True(inventoryPage.Paths.Count(p => p.IsFilled) >= 6 + 4 * 20, $"{inventoryPage.Paths.Count(p => p.IsFilled)} filled paths");
        Assert.True(inventoryPage.Paths.Count(p => p.IsStroked) >= 6, $"{inventoryPage.Paths.Count(p => p.IsStroked)} stroked paths");
        Assert.All(inventoryPage.Letters, l => Assert.Contains("DejaVuSans", l.FontName, StringComparison.Ordinal));
    }

    [Fact]
    public void Pdf_draws_the_participation_per_step_with_a_line_and_a_legend_entry_per_strategy()
    {
        using var pdf = PdfDocument.Open(SixStrategyPdf.Value);
        var page = pdf.GetPages().Single(p => p.Text.Contains("Participation (% of step volume)", StringComparison.Ordinal));

        Assert.Contains("Participation per step", Text(page));
        foreach (var strategy in ReportSamples.SixStrategySummaries)
        {
            Assert.Contains(strategy.DisplayName, Text(page));
        }
        Assert.True(page.Paths.Count(p => p.IsStroked) >= 6, $"{page.Paths.Count(p => p.IsStroked)} stroked paths");
    }

    [Fact]
    public void Pdf_of_a_run_without_recorded_participation_says_so_instead_of_an_empty_chart()
    {
        var strategies = ReportSamples.SixStrategySummaries.Select(s => new ReportStrategySummary(
            s.StrategyId, s.DisplayName, s.Episodes, s.MeanBps, s.StdBps, s.MeanCiLowBps, s.MeanCiHighBps, s.P5Bps, s.P50Bps, s.P95Bps,
            s.Cvar95Bps, s.CostSharpe, s.Completion, s.MeanShortfallCurrency, s.VsTwapMeanBps, s.VsTwapCiLowBps, s.VsTwapCiHighBps,
            s.RegretBps, s.MeanInventoryFraction, s.InventoryP5Fraction, s.InventoryP95Fraction, s.ShortfallHistogramSampleBps)).ToList();

        var bytes = Render(ReportSamples.SixStrategies(strategies: strategies));
        using var pdf = PdfDocument.Open(bytes);

        Assert.Contains("Participation per step was not recorded for this run.", DocumentText(bytes));
        Assert.DoesNotContain(pdf.GetPages(), p => p.Text.Contains("Participation (% of step volume)", StringComparison.Ordinal));
    }

    [Fact]
    public void Pdf_without_strategies_or_parameters_still_reads_and_says_so()
    {
        var bytes = Render(ReportSamples.SixStrategies(parameters: [], strategies: [], withOptimum: false));

        var text = DocumentText(bytes);

        Assert.Contains("Liquid large cap: schedule comparison", text);
        Assert.Contains("The scenario has no parameters to show.", text);
        Assert.Contains("The run has no strategy results.", text);
        Assert.Contains("none for this market model", text);
    }

    [Fact]
    public void Pdf_long_parameter_table_flows_onto_further_pages_repeating_its_header()
    {
        ReportParameter[] parameters = [.. Enumerable.Range(1, 90).Select(i => new ReportParameter($"Parameter number {i:00}", $"{i * 1.5:0.0} units"))];

        using var pdf = PdfDocument.Open(Render(ReportSamples.SixStrategies(parameters: parameters)));
        var pages = pdf.GetPages().Select(Text).ToList();

        Assert.All(parameters, p => Assert.Contains(pages, page => page.Contains($"{p.Name} {p.Value}", StringComparison.Ordinal)));
        Assert.True(pages.Count(page => page.Contains("Parameter Value", StringComparison.Ordinal)) >= 2,
            "the table header should open the table again on the next page");
    }

    [Fact]
    public void Pdf_wraps_a_long_strategy_name_instead_of_cutting_it()
    {
        const string longName = "Double deep Q network agent trained on the volatile regime with inventory penalty (seed 12345)";
        var bytes = Render(ReportSamples.SixStrategies(strategies: [ReportSamples.Strategy("dqn", longName, 10.5, vsTwap: -2, regret: 0.5)]));

        var text = DocumentText(bytes);

        foreach (var word in longName.Split(' '))
        {
            Assert.Contains(word, text);
        }

        Assert.Contains("10.50 [10.31, 10.69]", text);
    }

    [Fact]
    public void Pdf_shows_statistics_that_could_not_be_computed_as_not_available()
    {
        var empty = new ReportStrategySummary(
            "idle", "Idle agent", 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN,
            double.NaN, double.NaN, double.NaN, double.NaN, null, null, null, null, [], [], [], []);
        var gappy = ReportSamples.Strategy("gappy", "Gappy agent", 9.5, vsTwap: -3, regret: 0.25) is var g
            ? new ReportStrategySummary(g.StrategyId, g.DisplayName, g.Episodes, g.MeanBps, g.StdBps, g.MeanCiLowBps, g.MeanCiHighBps,
                g.P5Bps, g.P50Bps, g.P95Bps, g.Cvar95Bps, g.CostSharpe, g.Completion, g.MeanShortfallCurrency, g.VsTwapMeanBps,
                g.VsTwapCiLowBps, g.VsTwapCiHighBps, g.RegretBps,
                [1, double.NaN, 0.5, 0], [1, 0.8, double.NaN, 0], [1, 1, 0.6, 0], [9.5, double.NaN, double.PositiveInfinity, 10.5])
            : throw new InvalidOperationException();

        var text = DocumentText(Render(ReportSamples.SixStrategies(strategies: [empty, gappy])));

        Assert.Contains("Idle agent 0 n/a n/a n/a n/a n/a n/a n/a", text);
        Assert.Contains("Idle agent – – – n/a n/a n/a", text);
        Assert.Contains("Gappy agent 2,000 9.50 [9.31, 9.69]", text);
    }

    [Fact]
    public void Pdf_cost_axis_is_not_stretched_by_a_single_extreme_episode()
    {
        var passive = ReportSamples.SixStrategySummaries[^1];
        ReportStrategySummary crashed = new(
            passive.StrategyId, passive.DisplayName, passive.Episodes, passive.MeanBps, passive.StdBps, passive.MeanCiLowBps,
            passive.MeanCiHighBps, passive.P5Bps, passive.P50Bps, passive.P95Bps, passive.Cvar95Bps, passive.CostSharpe,
            passive.Completion, passive.MeanShortfallCurrency, passive.VsTwapMeanBps, passive.VsTwapCiLowBps, passive.VsTwapCiHighBps,
            passive.RegretBps, passive.MeanInventoryFraction, passive.InventoryP5Fraction, passive.InventoryP95Fraction,
            [.. passive.ShortfallHistogramSampleBps, 5000.0]);

        using var pdf = PdfDocument.Open(Render(ReportSamples.SixStrategies(strategies: [.. ReportSamples.SixStrategySummaries.SkipLast(1), crashed])));
        var axisNumbers = pdf.GetPages()
            .Where(p => p.Text.Contains("Implementation shortfall (bps)", StringComparison.Ordinal))
            .SelectMany(p => p.GetWords())
            .Select(w => double.TryParse(w.Text.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : double.NaN)
            .Where(double.IsFinite)
            .ToList();

        Assert.NotEmpty(axisNumbers);
        Assert.True(axisNumbers.Max() < 1000, $"the cost axis reaches {axisNumbers.Max()}");
    }

    [Fact]
    public void Pdf_gives_each_of_many_strategies_its_own_histogram()
    {
        var strategies = Enumerable.Range(1, 12)
            .Select(i => ReportSamples.Strategy($"s{i}", $"Strategy {i:00}", 10 + i, vsTwap: i, regret: i, seed: i))
            .ToList();

        using var pdf = PdfDocument.Open(Render(ReportSamples.SixStrategies(strategies: strategies)));
        var histogramAxes = pdf.GetPages().Sum(p => Occurrences(p.Text, "Implementation shortfall (bps)"));

        Assert.Equal(12, histogramAxes);
    }

    [Fact]
    public async Task Pdf_can_be_written_to_a_stream_that_only_accepts_asynchronous_writes()
    {
        await using var destination = new AsyncOnlyStream();

        await new RunPdfReport().WriteAsync(ReportSamples.SixStrategies(), destination);

        Assert.Contains("Liquid large cap: schedule comparison", DocumentText(destination.ToArray()));
    }

    private static byte[] Render(RunReport report)
    {
        using var stream = new MemoryStream();
        new RunPdfReport().Write(report, stream);
        var bytes = stream.ToArray();
        Assert.Equal("%PDF-"u8.ToArray(), bytes[..5]);
        return bytes;
    }

    private static string Text(Page page) => string.Join(" ", page.GetWords().Select(w => w.Text));

    private static string DocumentText(byte[] bytes)
    {
        using var pdf = PdfDocument.Open(bytes);
        return string.Join(" ", pdf.GetPages().Select(Text));
    }

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
