using System.Globalization;
using CsvHelper;

using Portal.Application.Reports;

namespace Portal.Web.Features.Reports;

/// <summary>
/// Writes a run's results as CSV (RFC 4180, UTF-8 with a byte order mark so spreadsheets detect the encoding,
/// invariant culture): the per-strategy summary, and every episode streamed row by row.
/// </summary>
/// <remarks>
/// Spreadsheet-injection defence follows the OWASP "CSV Injection" guidance: a text cell (names, ids, parameter values)
/// that starts with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR, or with one of them after leading whitespace,
/// or with a fullwidth <c>＝ ＋ － ＠</c>, is prefixed with <c>'</c> so a spreadsheet shows it as text instead of running
/// it as a formula. Numbers are written through CsvHelper's numeric path, which the
/// defence does not touch, so <c>-1.5</c> stays a number. Doubles are written as the shortest text that round-trips;
/// NaN and infinities, and absent values, are written as empty cells.
/// </remarks>
public sealed class RunCsvReport
{
    /// <summary>
    /// Columns of the summary, before one <c>param:NAME</c> column per scenario parameter. Costs (<c>_bps</c>) are
    /// implementation shortfall in basis points of the arrival value, positive a cost; <c>completion</c> is a fraction
    /// in [0, 1]; <c>vs_twap_*</c> is the paired difference strategy minus TWAP, <c>vs_best_static_*</c> the paired
    /// difference strategy minus the best static schedule (on mean cost; <c>vs_best_static_objective_*</c> on the run's
    /// objective E + λ·Var with λ = <c>risk_aversion</c> per currency unit); <c>warnings</c> joins the run's warnings with " | "; times are
    /// ISO 8601 UTC. <c>fill_rate</c> and <c>passive_share</c> are fractions of the parent quantity executed and filled by
    /// limit orders, <c>posted_fill_ratio</c> the share of posted limit orders filled, <c>spread_captured_bps</c> and
    /// <c>markout_bps</c> (positive = adverse selection) are per passive fill; empty where not recorded or nothing was posted.
    /// <c>mean_*</c> components add up to <c>mean_bps</c> (empty for reports frozen before they were recorded).
    /// <c>max_participation</c> is the largest child order over its step's market volume in any episode (a fraction) and
    /// <c>max_participation_p95</c> the 95th percentile across episodes of each episode's largest (empty for older runs).
    /// <c>*_ci_low</c>/<c>*_ci_high</c> of the limit-order metrics are 95% intervals over <c>order_interval_units</c>
    /// independent units of kind <c>order_interval_unit_kind</c> (episodes, or market windows on a replay); the 1/10/60-s
    /// markouts are measured on replayed books only. Empty where not recorded.
    /// </summary>
    public static readonly IReadOnlyList<string> SummaryColumns =
    [
        "run_id", "run_title", "team", "scenario", "created_utc", "finished_utc", "software_version", "seed",
        "run_episodes", "optimum", "optimum_expected_cost_bps",
        "strategy_id", "strategy", "episodes", "mean_bps", "std_bps", "mean_ci_low_bps", "mean_ci_high_bps",
        "p5_bps", "p50_bps", "p95_bps", "cvar95_bps", "cost_sharpe", "completion", "mean_shortfall_currency",
        "vs_twap_mean_bps", "vs_twap_ci_low_bps", "vs_twap_ci_high_bps", "regret_bps",
        "vs_best_static_mean_bps", "vs_best_static_ci_low_bps", "vs_best_static_ci_high_bps", "warnings", "independent_units", "unit_kind",
        "forced_fraction", "unfilled_fraction", "cap_breaches", "max_participation", "opportunity_cost_bps", "warning",
        "vs_best_static_objective_bps", "vs_best_static_objective_ci_low_bps", "vs_best_static_objective_ci_high_bps", "risk_aversion",
        "fill_rate", "passive_share", "posted_fill_ratio", "spread_captured_bps", "markout_bps",
        "mean_spread_and_fees_bps", "mean_temporary_impact_bps", "mean_permanent_impact_bps", "mean_timing_bps", "mean_opportunity_bps",
        "mean_arrival_slippage_bps", "mean_vwap_slippage_bps", "max_participation_p95",
        "fill_rate_ci_low", "fill_rate_ci_high", "passive_share_ci_low", "passive_share_ci_high",
        "spread_captured_ci_low_bps", "spread_captured_ci_high_bps", "markout_ci_low_bps", "markout_ci_high_bps",
        "markout_1s_bps", "markout_1s_ci_low_bps", "markout_1s_ci_high_bps", "markout_10s_bps", "markout_10s_ci_low_bps",
        "markout_10s_ci_high_bps", "markout_60s_bps", "markout_60s_ci_low_bps", "markout_60s_ci_high_bps",
        "order_interval_units", "order_interval_unit_kind",
    ];

    /// <summary>Columns of the per-episode file.</summary>
    public static readonly IReadOnlyList<string> EpisodeColumns =
    [
        "strategy_id", "episode", "shortfall_bps", "shortfall_currency", "arrival_slippage_bps", "vwap_slippage_bps",
        "spread_and_fees_bps", "temporary_impact_bps", "permanent_impact_bps", "timing_bps", "forced_quantity",
        "max_participation",
    ];

    /// <summary>Every column of the summary for a report: <see cref="SummaryColumns"/>, one per <see cref="ReportMetric.All"/>
    /// figure (named by its key), then one <c>param:NAME</c> per scenario parameter.</summary>
    public static IReadOnlyList<string> Columns(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return [.. SummaryColumns, .. ReportMetric.All.Select(m => m.Key), .. report.Parameters.Select(p => ParameterColumnPrefix + p.Name)];
    }

    /// <summary>Prefix of the column that holds a scenario parameter.</summary>
    public const string ParameterColumnPrefix = "param:";

    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        FormatProvider = CultureInfo.InvariantCulture,
        Injection = CsvInjection.Escape,
        WriteByteOrderMark = true,
    };

    /// <summary>
    /// Writes one row per strategy; every row repeats the run's identity, the known optimum and the scenario parameters
    /// (one <c>param:NAME</c> column each), so the file is a single table that filters and pivots as it is.
    /// A run without strategies gives the header alone.
    /// </summary>
    public async Task WriteSummaryAsync(RunReport report, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(destination);

        await using var csv = CsvWriter.Create(destination, Options, leaveOpen: true);
        csv.WriteHeader([.. Columns(report)]);
        foreach (var s in report.Strategies)
        {
            cancellationToken.ThrowIfCancellationRequested();
            csv.WriteField(report.RunId);
            csv.WriteField(Text(report.Title));
            csv.WriteField(Text(report.TeamName));
            csv.WriteField(Text(report.ScenarioName));
            csv.WriteField(report.CreatedUtc);
            csv.WriteField(report.FinishedUtc);

            csv.WriteField(Text(report.SoftwareVersion));
            csv.WriteField(report.Seed);
            csv.WriteField(report.Episodes);
            csv.WriteField(Text(report.OptimumName));
            WriteNumber(csv, report.OptimumExpectedCostBps);

            csv.WriteField(Text(s.StrategyId));
            csv.WriteField(Text(s.DisplayName));
            csv.WriteField(s.Episodes);
            WriteNumber(csv, s.MeanBps);
            WriteNumber(csv, s.StdBps);
            WriteNumber(csv, s.MeanCiLowBps);
            WriteNumber(csv, s.MeanCiHighBps);
            WriteNumber(csv, s.P5Bps);
            WriteNumber(csv, s.P50Bps);
            WriteNumber(csv, s.P95Bps);
            WriteNumber(csv, s.Cvar95Bps);
            // Undefined (a deterministic cost, too few independent units) is an empty cell like any absent number, so the
            // column parses as numbers; the page and the PDF show "—".
            WriteNumber(csv, s.CostSharpe);
            WriteNumber(csv, s.Completion);
            WriteNumber(csv, s.MeanShortfallCurrency);
            WriteNumber(csv, s.VsTwapMeanBps);
            WriteNumber(csv, s.VsTwapCiLowBps);
            WriteNumber(csv, s.VsTwapCiHighBps);
            WriteNumber(csv, s.RegretBps);
            WriteNumber(csv, s.VsBestStaticMeanBps);
            WriteNumber(csv, s.VsBestStaticCiLowBps);
            WriteNumber(csv, s.VsBestStaticCiHighBps);
            csv.WriteField(string.Join(" | ", report.Warnings));
            csv.WriteField(report.IndependentUnits);
            csv.WriteField(report.UnitKind);
            WriteNumber(csv, s.Execution.ForcedFraction);
            WriteNumber(csv, s.Execution.UnfilledFraction);
            csv.WriteField(s.Execution.CapBreaches);
            WriteNumber(csv, s.Execution.MaxParticipation);
            WriteNumber(csv, s.Execution.OpportunityCostBps);
            csv.WriteField(s.Execution.Warning is { } warning ? "WARNING: " + warning : "");
            WriteNumber(csv, s.VsBestStaticObjectiveBps);
            WriteNumber(csv, s.VsBestStaticObjectiveCiLowBps);
            WriteNumber(csv, s.VsBestStaticObjectiveCiHighBps);
            WriteNumber(csv, report.RiskAversion);
            WriteNumber(csv, s.Execution.FillRate);
            WriteNumber(csv, s.Execution.PassiveShare);
            WriteNumber(csv, s.Execution.PostedFillRatio);
            WriteNumber(csv, s.Execution.SpreadCapturedBps);
            WriteNumber(csv, s.Execution.MarkoutBps);
            var b = s.CostBreakdown;
            WriteNumber(csv, b?.SpreadAndFeesBps);
            WriteNumber(csv, b?.TemporaryImpactBps);
            WriteNumber(csv, b?.PermanentImpactBps);
            WriteNumber(csv, b?.TimingBps);
            WriteNumber(csv, b?.OpportunityBps);
            WriteNumber(csv, b?.ArrivalSlippageBps);
            WriteNumber(csv, b?.VwapSlippageBps);
            WriteNumber(csv, s.Execution.MaxParticipationP95);
            var ci = s.Execution.Intervals;
            WriteNumber(csv, ci?.FillRate?.Low);
            WriteNumber(csv, ci?.FillRate?.High);
            WriteNumber(csv, ci?.PassiveShare?.Low);
            WriteNumber(csv, ci?.PassiveShare?.High);
            WriteNumber(csv, ci?.SpreadCapturedBps?.Low);
            WriteNumber(csv, ci?.SpreadCapturedBps?.High);
            WriteNumber(csv, ci?.MarkoutBps?.Low);
            WriteNumber(csv, ci?.MarkoutBps?.High);
            WriteNumber(csv, s.Execution.Markout1sBps);
            WriteNumber(csv, ci?.Markout1sBps?.Low);
            WriteNumber(csv, ci?.Markout1sBps?.High);
            WriteNumber(csv, s.Execution.Markout10sBps);
            WriteNumber(csv, ci?.Markout10sBps?.Low);
            WriteNumber(csv, ci?.Markout10sBps?.High);
            WriteNumber(csv, s.Execution.Markout60sBps);
            WriteNumber(csv, ci?.Markout60sBps?.Low);
            WriteNumber(csv, ci?.Markout60sBps?.High);
            if (ci is null) csv.WriteField(""); else csv.WriteField(ci.IndependentUnits);
            csv.WriteField(ci?.UnitKind ?? "");
            foreach (var m in ReportMetric.All)
            {
                WriteNumber(csv, m.ValueOf(s));
            }
            foreach (var p in report.Parameters)
            {
                if (PlainNumber(p.Value) is { } number)
                {
                    csv.WriteField(number);
                }
                else
                {
                    csv.WriteField(Text(p.Value));
                }
            }

            await csv.EndRecordAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Writes the header and then each episode as it arrives, so the rows of a large run never have to be held in memory.
    /// </summary>
    public async Task WriteEpisodesAsync(
        IAsyncEnumerable<ReportEpisodeRow> rows, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(destination);

        await using var csv = CsvWriter.Create(destination, Options, leaveOpen: true);
        csv.WriteHeader([.. EpisodeColumns]);
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            ArgumentNullException.ThrowIfNull(row, nameof(rows));
            csv.WriteField(Text(row.StrategyId));
            csv.WriteField(row.Episode);
            WriteNumber(csv, row.ShortfallBps);
            WriteNumber(csv, row.ShortfallCurrency);
            WriteNumber(csv, row.ArrivalSlippageBps);
            WriteNumber(csv, row.VwapSlippageBps);
            WriteNumber(csv, row.SpreadAndFeesBps);
            WriteNumber(csv, row.TemporaryImpactBps);
            WriteNumber(csv, row.PermanentImpactBps);
            WriteNumber(csv, row.TimingBps);
            WriteNumber(csv, row.ForcedQuantity);
            WriteNumber(csv, row.MaxParticipation);
            await csv.EndRecordAsync(cancellationToken);
        }
    }

    /// <summary>
    /// A text cell made safe where CsvHelper's check of the first character is not enough: spreadsheets also run a
    /// formula after leading whitespace (<c> =1+1</c>) and read the fullwidth forms <c>＝ ＋ － ＠</c> as their ASCII
    /// twins, so such cells get the same <c>'</c> prefix. A cell starting with an ASCII trigger is left to CsvHelper.
    /// </summary>
    public static string? Text(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return value;
        }
        var i = 0;
        while (i < value.Length && (char.IsWhiteSpace(value[i]) || char.IsControl(value[i])))
        {
            i++;
        }
        var risky = i < value.Length && (value[i] is '\uFF1D' or '\uFF0B' or '\uFF0D' or '\uFF20'
            || (i > 0 && value[i] is '=' or '+' or '-' or '@'));
        return risky ? "'" + value : value;
    }

    /// <summary>
    /// A parameter value that is a bare number as the page prints it (<c>250,000</c>, <c>1.5</c>, <c>-3</c>) read back as
    /// a number, so the CSV carries it in invariant format without thousands separators; <c>null</c> for text or a value
    /// with a unit (<c>5 % ADV</c>), which stays text. Reports frozen before this rule wrote such values with separators,
    /// which is why the rule reads the display text rather than relying on a separate field.
    /// </summary>
    public static double? PlainNumber(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || !System.Text.RegularExpressions.Regex.IsMatch(
                value, @"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?([eE][-+]?\d+)?$", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1)))
        {
            return null;
        }
        return double.TryParse(value, NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var number)
            && double.IsFinite(number) ? number : null;
    }

    private static void WriteNumber(CsvWriter csv, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            csv.WriteField(v);
        }
        else
        {
            csv.WriteField((double?)null);
        }
    }
}
