using Portal.Domain.Backtesting;
using Portal.Application.Reports;
using System.Runtime.CompilerServices;
using CsvHelper;
using Portal.Web.Features.Reports;

namespace Portal.Web.Tests.Reports;

public class RunCsvReportTests
{
    private static readonly CsvReaderOptions ReadOptions = CsvReaderOptions.Default with { Separator = ',' };

    [Fact]
    public async Task Summary_round_trips_one_row_per_strategy_with_exact_numbers()
    {
        var report = ReportSamples.SixStrategies();

        var (header, rows) = await ReadAsync(stream => new RunCsvReport().WriteSummaryAsync(report, stream));

        Assert.Equal([.. RunCsvReport.SummaryColumns, .. ReportMetric.All.Select(m => m.Key), .. report.Parameters.Select(p => "param:" + p.Name)], header);
        Assert.Equal(RunCsvReport.Columns(report), header);
        Assert.Equal(6, rows.Count);
        Assert.Equal(["twap", "vwap", "ac-optimal", "ppo-seed-7", "random", "passive"], rows.Select(r => r["strategy_id"]));

        var passive = rows.Single(r => r["strategy_id"] == "passive");
        Assert.Equal("Passive then forced", passive["strategy"]);
        Assert.Equal(ReportSamples.RunId.ToString(), passive["run_id"]);
        Assert.Equal("Desk Alpha", passive["team"]);
        Assert.Equal(new DateTime(2026, 11, 20, 9, 41, 17, DateTimeKind.Utc), DateTime.Parse(passive["finished_utc"], null, System.Globalization.DateTimeStyles.RoundtripKind));
        Assert.Equal("20261120", passive["seed"]);
        Assert.Equal("2000", passive["episodes"]);
        Assert.Equal(-3.125, Number(passive["mean_bps"]));
        Assert.Equal(-3.3125, Number(passive["mean_ci_low_bps"]));
        Assert.Equal(-15.625, Number(passive["vs_twap_mean_bps"]));
        Assert.Equal(-14.375, Number(passive["regret_bps"]));
        Assert.Equal(-3.125 * 1234.5, Number(passive["mean_shortfall_currency"]));
        Assert.Equal(-3.125 / 4.0625, Number(passive["cost_sharpe"]));
        Assert.Equal(0.9875, Number(passive["completion"]));
        Assert.Equal("Almgren–Chriss optimum", passive["optimum"]);
        Assert.Equal(11.25, Number(passive["optimum_expected_cost_bps"]));
        Assert.Equal("5 % ADV", passive["param:Order size"]);
        Assert.Equal("0.0314", passive["param:Permanent impact γ"]);

        var twap = rows.Single(r => r["strategy_id"] == "twap");
        Assert.Equal("", twap["vs_twap_mean_bps"]);
        Assert.Equal("", twap["vs_twap_ci_low_bps"]);
    }

    [Fact]
    public async Task Summary_carries_fill_rate_and_passive_share_and_leaves_unrecorded_ones_empty()
    {
        var strategies = ReportSamples.SixStrategySummaries.Select((s, i) => i == 5
            ? ReportSamples.WithExecution(s, new ReportExecution(0, 0, 0, 0.1, 0) { FillRate = 0.96875, PassiveShare = 0.375, PostedFillRatio = 0.5, SpreadCapturedBps = 2.25, MarkoutBps = -0.125 })
            : s).ToList();

        var (_, rows) = await ReadAsync(stream => new RunCsvReport().WriteSummaryAsync(ReportSamples.SixStrategies(strategies: strategies), stream));

        var passive = rows.Single(r => r["strategy_id"] == "passive");
        Assert.Equal(0.96875, Number(passive["fill_rate"]));
        Assert.Equal(0.375, Number(passive["passive_share"]));
        Assert.Equal(0.5, Number(passive["posted_fill_ratio"]));
        Assert.Equal(2.25, Number(passive["spread_captured_bps"]));
        Assert.Equal(-0.125, Number(passive["markout_bps"]));
        Assert.Equal("", rows.Single(r => r["strategy_id"] == "twap")["passive_share"]);
    }

    [Fact]
    public async Task Summary_carries_the_limit_order_intervals_and_their_units()
    {
        var intervals = new OrderTypeIntervals(7, UnitKinds.Window)
        {
            FillRate = new(0.9375, 1), PassiveShare = new(0.25, 0.5), SpreadCapturedBps = new(2, 2.5), MarkoutBps = new(-0.25, 0),
            Markout60sBps = new(1.5, 3.5),
        };
        var strategies = ReportSamples.SixStrategySummaries.Select((s, i) => i == 5
            ? ReportSamples.WithExecution(s, new ReportExecution(0, 0, 0, 0.1, 0)
            {
                FillRate = 0.96875, PassiveShare = 0.375, PostedFillRatio = 0.5, SpreadCapturedBps = 2.25, MarkoutBps = -0.125,
                Markout60sBps = 2.5, Intervals = intervals,
            })
            : s).ToList();

        var (header, rows) = await ReadAsync(stream => new RunCsvReport().WriteSummaryAsync(ReportSamples.SixStrategies(strategies: strategies), stream));

        var passive = rows.Single(r => r["strategy_id"] == "passive");
        Assert.Equal(0.9375, Number(passive["fill_rate_ci_low"]));
        Assert.Equal(1, Number(passive["fill_rate_ci_high"]));
        Assert.Equal(0.25, Number(passive["passive_share_ci_low"]));
        Assert.Equal(0.5, Number(passive["passive_share_ci_high"]));
        Assert.Equal(2, Number(passive["spread_captured_ci_low_bps"]));
        Assert.Equal(2.5, Number(passive["spread_captured_ci_high_bps"]));
        Assert.Equal(-0.25, Number(passive["markout_ci_low_bps"]));
        Assert.Equal(0, Number(passive["markout_ci_high_bps"]));
        Assert.Equal(2.5, Number(passive["markout_60s_bps"]));
        Assert.Equal(1.5, Number(passive["markout_60s_ci_low_bps"]));
        Assert.Equal(3.5, Number(passive["markout_60s_ci_high_bps"]));
        Assert.Equal("", passive["markout_1s_bps"]);
        Assert.Equal("7", passive["order_interval_units"]);
        Assert.Equal("window", passive["order_interval_unit_kind"]);
        Assert.Equal("", rows.Single(r => r["strategy_id"] == "twap")["fill_rate_ci_low"]);
        Assert.Equal("", rows.Single(r => r["strategy_id"] == "twap")["order_interval_units"]);
        // The parameters stay the last columns.
        Assert.StartsWith("param:", header[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summary_neutralises_formula_text_but_leaves_negative_numbers_as_numbers()
    {
        var report = ReportSamples.SixStrategies(
            scenario: "=HYPERLINK(\"http://evil.example\",\"click\")",
            team: "\tcmd",
            parameters: [new("Order size", "-5 % ADV"), new("@note", "=1+1")],
            strategies:
            [
                ReportSamples.Strategy("@SUM(1)", "@SUM(1)", -1.5, vsTwap: -2.25, regret: null),
                ReportSamples.Strategy("plus", "+1", 2.5, vsTwap: null, regret: null),
                ReportSamples.Strategy("minus", "-2", -0.75, vsTwap: -3.5, regret: null),
            ],
            withOptimum: false);

        var (header, rows) = await ReadAsync(stream => new RunCsvReport().WriteSummaryAsync(report, stream));

        Assert.Contains("param:@note", header);
        Assert.All(rows, r => Assert.Equal("'=HYPERLINK(\"http://evil.example\",\"click\")", r["scenario"]));
        Assert.All(rows, r => Assert.Equal("'\tcmd", r["team"]));
        Assert.All(rows, r => Assert.Equal("'-5 % ADV", r["param:Order size"]));
        Assert.All(rows, r => Assert.Equal("'=1+1", r["param:@note"]));
        Assert.Equal(["'@SUM(1)", "'+1", "'-2"], rows.Select(r => r["strategy"]));
        Assert.Equal("'@SUM(1)", rows[0]["strategy_id"]);

        Assert.Equal("-1.5", rows[0]["mean_bps"]);
        Assert.Equal(-2.25, Number(rows[0]["vs_twap_mean_bps"]));
        Assert.Equal(-0.75, Number(rows[2]["mean_bps"]));
        Assert.Equal(-3.75, Number(rows[2]["vs_twap_ci_low_bps"]));
        AssertNoFormulaCells(header, rows);
    }

    [Fact]
    public async Task Summary_neutralises_formulas_after_leading_whitespace_and_in_fullwidth_forms()
    {
        var report = ReportSamples.SixStrategies(
            scenario: " =1+1",
            team: "\uFF1DHYPERLINK(\"http://evil.example\")",
            parameters: [new("note", "\u3000\uFF0Bcmd"), new("size", "  -5 % ADV"), new("plain", "5 % ADV")],
            strategies:
            [
                ReportSamples.Strategy("a", "\uFF20SUM(1)", -1.5, vsTwap: -2.25, regret: null),
                ReportSamples.Strategy("b", "\uFF0D2", 2.5, vsTwap: null, regret: null),
                ReportSamples.Strategy("c", " \t@SUM(1)", -0.75, vsTwap: -3.5, regret: null),
            ],
            withOptimum: false);

        var (_, rows) = await ReadAsync(stream => new RunCsvReport().WriteSummaryAsync(report, stream));

        Assert.All(rows, r => Assert.Equal("' =1+1", r["scenario"]));
        Assert.All(rows, r => Assert.Equal("'\uFF1DHYPERLINK(\"http://evil.example\")", r["team"]));
        Assert.All(rows, r => Assert.Equal("'\u3000\uFF0Bcmd", r["param:note"]));
        Assert.All(rows, r => Assert.Equal("'  -5 % ADV", r["param:size"]));
        Assert.All(rows, r => Assert.Equal("5 % ADV", r["param:plain"]));
        Assert.Equal(["'\uFF20SUM(1)", "'\uFF0D2", "' \t@SUM(1)"], rows.Select(r => r["strategy"]));
        Assert.Equal(-1.5, Number(rows[0]["mean_bps"]));
    }

    [Fact]
    public async Task Summary_of_a_run_without_strategies_is_the_header_alone()
    {
        var report = ReportSamples.SixStrategies(strategies: []);

        var (header, rows) = await ReadAsync(stream => new RunCsvReport().WriteSummaryAsync(report, stream));

        Assert.Equal(RunCsvReport.SummaryColumns.Count + ReportMetric.All.Count + report.Parameters.Count, header.Count);
        Assert.Empty(rows);
    }

    [Fact]
    public async Task Episodes_round_trip_in_order_with_non_finite_values_as_empty_cells()
    {
        ReportEpisodeRow[] written =
        [
            new("twap", 0, 12.5, 15431.25, 12.5, -0.75, 1.25, 6.5, 2.25, 2.5, 0, 0.0875),
            new("twap", 1, -3.0625, -3780.5, -3.0625, -1.5, 1.25, 4.75, 1.5, -10.5625, 250, 0.125),
            new("=cmd|' /C calc'!A0", 2, double.NaN, double.PositiveInfinity, 0.1 + 0.2, 1e-12, 0, 0, 0, 0, 0, 1),
        ];

        var (header, rows) = await ReadAsync(stream => new RunCsvReport().WriteEpisodesAsync(written.ToAsyncEnumerable(), stream));

        Assert.Equal(RunCsvReport.EpisodeColumns, header);
        Assert.Equal(3, rows.Count);
        Assert.Equal("1", rows[1]["episode"]);
        Assert.Equal(-3.0625, Number(rows[1]["shortfall_bps"]));
        Assert.Equal(-3780.5, Number(rows[1]["shortfall_currency"]));
        Assert.Equal(-10.5625, Number(rows[1]["timing_bps"]));
        Assert.Equal(250, Number(rows[1]["forced_quantity"]));
        Assert.Equal(0.125, Number(rows[1]["max_participation"]));
        Assert.Equal("'=cmd|' /C calc'!A0", rows[2]["strategy_id"]);
        Assert.Equal("", rows[2]["shortfall_bps"]);
        Assert.Equal("", rows[2]["shortfall_currency"]);
        Assert.Equal(0.1 + 0.2, Number(rows[2]["arrival_slippage_bps"]));
        Assert.Equal(1e-12, Number(rows[2]["vwap_slippage_bps"]));
        AssertNoFormulaCells(header, rows);
    }

    [Fact]
    public async Task Episodes_reach_the_destination_while_rows_are_still_being_produced()
    {
        using var destination = new MemoryStream();
        long bytesSeenMidway = -1;

        await new RunCsvReport().WriteEpisodesAsync(Rows(20_000, atRow: 10_000, () => bytesSeenMidway = destination.Length), destination);

        // 10,000 rows are several times the writer's buffer: had the rows been collected first, nothing would be written yet.
        Assert.True(bytesSeenMidway > 100_000, $"only {bytesSeenMidway} bytes were written after 10,000 rows");
        Assert.True(destination.Length > 2 * bytesSeenMidway * 0.9);
    }

    [Fact]
    public async Task Episodes_stop_when_cancelled()
    {
        using var cancellation = new CancellationTokenSource();
        using var destination = new MemoryStream();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new RunCsvReport().WriteEpisodesAsync(
            Rows(1_000_000, atRow: 100, cancellation.Cancel), destination, cancellation.Token));
    }

    [Fact]
    public async Task Both_files_write_only_asynchronously_so_they_can_stream_into_an_http_response()
    {
        await using var summary = new AsyncOnlyStream();
        await using var episodes = new AsyncOnlyStream();

        await new RunCsvReport().WriteSummaryAsync(ReportSamples.SixStrategies(), summary);
        await new RunCsvReport().WriteEpisodesAsync(Rows(5_000, atRow: -1, () => { }), episodes);

        Assert.Equal(1 + 6, CountLines(summary.ToArray()));
        Assert.Equal(1 + 5_000, CountLines(episodes.ToArray()));
    }

    private static int CountLines(byte[] csv) => csv.Count(b => b == (byte)'\n');

    private static async IAsyncEnumerable<ReportEpisodeRow> Rows(
        int count, int atRow, Action atRowReached, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (i == atRow)
            {
                atRowReached();
            }

            yield return new ReportEpisodeRow("ppo-seed-7", i, i * 0.001 - 3, -12.5 * i, 1, 2, 3, 4, 5, 6, 7, 0.1);
            if (i % 1000 == 0)
            {
                await Task.Yield();
            }
        }
    }

    private static double Number(string cell) =>
        double.Parse(cell, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>No cell may start like a formula unless it is a plain number.</summary>
    private static void AssertNoFormulaCells(IReadOnlyList<string> header, IReadOnlyList<Dictionary<string, string>> rows)
    {
        foreach (var cell in header.Concat(rows.SelectMany(r => r.Values)))
        {
            if (cell.Length > 0 && "=+-@\t\r".Contains(cell[0], StringComparison.Ordinal))
            {
                Assert.True(
                    double.TryParse(cell, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _),
                    $"cell '{cell}' starts like a formula");
            }
        }
    }

    private static async Task<(IReadOnlyList<string> Header, List<Dictionary<string, string>> Rows)> ReadAsync(Func<Stream, Task> write)
    {
        using var stream = new MemoryStream();
        await write(stream);
        var bytes = stream.ToArray();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);

        using var reader = CsvReader.Create(new MemoryStream(bytes), ReadOptions);
        var header = reader.Headers.ToArray();
        var rows = new List<Dictionary<string, string>>();
        while (reader.Read())
        {
            Assert.Equal(header.Length, reader.FieldCount);
            rows.Add(header.Select((name, i) => (name, value: reader.GetString(i))).ToDictionary(x => x.name, x => x.value));
        }

        return (header, rows);
    }
}
