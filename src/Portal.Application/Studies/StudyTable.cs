using System.Globalization;
using System.Text;

namespace Portal.Application.Studies;

/// <summary>A study's results as CSV (one row per cell and strategy) and as a plain-text table (one row per cell). Numbers
/// in invariant format without thousands separators; costs in bps of arrival notional, positive = cost.</summary>
public static class StudyTable
{
    /// <summary>The CSV columns, in order.</summary>
    public static IReadOnlyList<string> CsvColumns { get; } =
    [
        "cell", "sizePctAdv", "horizonMinutes", "regime", "impactModel", "riskAversion", "runId", "status", "strategy",
        "meanCostBps", "meanCiLowBps", "meanCiHighBps", "stdBps", "vsTwapBps", "vsTwapCiLowBps", "vsTwapCiHighBps",
        "isBest", "bestSignificantVsTwap", "bestClearOfRunnerUp", "stress", "costSharpe", "cvar95Bps", "episodes",
    ];

    public static string ToCsv(StudyResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var sb = new StringBuilder();
        sb.AppendJoin(',', CsvColumns).Append('\n');
        foreach (var cell in results.Cells)
        {
            var c = cell.Coordinates;
            string head = string.Join(',', I(c.Index), R(c.SizePctAdv), R(c.HorizonMinutes), c.Regime, c.ImpactModel, R(c.RiskAversion), cell.RunId?.ToString() ?? "", cell.Status);
            if (cell.Strategies.Count == 0)
            {
                sb.Append(head).Append(",,,,,,,,,,,,").Append(c.Stress).Append(",,,\n");
                continue;
            }
            foreach (var s in cell.Strategies)
            {
                bool isBest = cell.Best?.Id == s.Id;
                sb.AppendJoin(',', head, Quote(s.Id), R(s.MeanCostBps), R(s.MeanCiLowBps), R(s.MeanCiHighBps), R(s.StdBps),
                    R(s.VsTwapBps), R(s.VsTwapCiLowBps), R(s.VsTwapCiHighBps), B(isBest),
                    isBest ? B(cell.Best!.SignificantVsTwap) : "", isBest ? B(cell.Best!.ClearOfRunnerUp) : "",
                    c.Stress, R(s.CostSharpe), R(s.Cvar95Bps), I(s.Episodes)).Append('\n');
            }
        }
        return sb.ToString();
    }

    /// <summary>One line per cell: coordinates, status, each strategy's mean cost, and the best strategy (marked
    /// <c>n.s.</c> when its paired interval against TWAP includes 0).</summary>
    public static string ToText(StudyResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var ids = results.StrategyIds;
        var header = new List<string> { "cell", "size %ADV", "horizon min", "regime", "impact", "λ", "status" };
        header.AddRange(ids.Select(id => id + " bps"));
        header.Add("best");
        var rows = new List<List<string>> { header };
        foreach (var cell in results.Cells)
        {
            var c = cell.Coordinates;
            var row = new List<string> { I(c.Index), R(c.SizePctAdv), R(c.HorizonMinutes), c.Regime, c.ImpactModel, c.RiskAversion.ToString("G3", CultureInfo.InvariantCulture), cell.Status };
            row.AddRange(ids.Select(id => cell.Strategy(id) is { } s ? s.MeanCostBps.ToString("F2", CultureInfo.InvariantCulture) : "–"));
            row.Add(cell.Best is { } b ? b.Id + (b.SignificantVsTwap ? "" : " (n.s.)") : "–");
            rows.Add(row);
        }
        var widths = Enumerable.Range(0, header.Count).Select(i => rows.Max(r => r[i].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (var row in rows)
        {
            sb.AppendJoin("  ", row.Select((v, i) => v.PadRight(widths[i]))).Append('\n');
        }
        sb.Append(CultureInfo.InvariantCulture, $"{results.Done} of {results.CellCount} cells done; best = lowest mean cost, n.s. = its paired 95% CI against TWAP includes 0.\n");
        return sb.ToString();
    }

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string R(double? v) => v is { } x ? R(x) : "";

    private static string B(bool v) => v ? "true" : "false";

    private static string Quote(string s) => s.Contains(',', StringComparison.Ordinal) || s.Contains('"', StringComparison.Ordinal) ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
