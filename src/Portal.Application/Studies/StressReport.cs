using System.Globalization;
using System.Text;
using Portal.Domain.Scenarios;
using Portal.Domain.Studies;

namespace Portal.Application.Studies;

/// <summary>
/// A stress report: strategies and a base scenario run across stress variants (<see cref="StressVariants"/>). It is a
/// study whose only axis is the stress variant (<see cref="ToStudy"/>), so each variant is an ordinary run on the base
/// scenario's seed and episodes, stored, queued and listed like any study cell, and the results are the study's.
/// </summary>
public sealed record StressSpec
{
    /// <summary>Human-readable name; each variant's run is named after it.</summary>
    public string Name { get; init; } = "stress report";

    /// <summary>The base scenario (simulated).</summary>
    public required Scenario Scenario { get; init; }

    /// <summary>Variants to run (<see cref="StressVariants.Names"/>); empty runs every variant, <c>none</c> included.</summary>
    public IReadOnlyList<string> Variants { get; init; } = [];

    /// <summary>Baseline ids every variant compares; empty keeps the scenario's. TWAP, Random and the best static schedule
    /// are added by the runs themselves.</summary>
    public IReadOnlyList<string> Strategies { get; init; } = [];

    /// <summary>The variants run: <see cref="Variants"/>, or every variant when empty.</summary>
    public IReadOnlyList<string> EffectiveVariants => Variants is { Count: > 0 } v ? v : StressVariants.Names;

    /// <summary>The study this report is: the base scenario over the stress axis.</summary>
    public StudySpec ToStudy() => new()
    {
        Name = Name,
        Scenario = Scenario,
        Axes = new StudyAxes { Stress = EffectiveVariants },
        Strategies = Strategies,
    };
}

/// <summary>The stress table: per variant and strategy, mean cost with its 95% interval, standard deviation, cost Sharpe,
/// CVaR 95% and the paired difference to TWAP; per variant, the best strategy and whether it beats TWAP significantly.</summary>
public static class StressTable
{
    /// <summary>Plain text, one block per variant. Costs are implementation shortfall in bps of arrival notional, positive =
    /// cost; intervals are 95% over the stated number of episodes (independent simulated episodes, paired on common random
    /// numbers within a variant).</summary>
    public static string ToText(StudyResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var sb = new StringBuilder();
        sb.Append("Costs: implementation shortfall, bps of arrival notional (positive = cost). Intervals: 95%, over n independent episodes.\n");
        foreach (var cell in results.Cells)
        {
            string variant = cell.Coordinates.Stress;
            sb.Append('\n').Append(variant).Append(" — ").Append(StressVariants.Names.Contains(variant) ? StressVariants.Describe(variant) : variant)
                .Append(" [").Append(cell.Status).Append("]\n");
            if (cell.Strategies.Count == 0) continue;
            var rows = new List<string[]> { new[] { "strategy", "mean", "95% CI", "std", "cost Sharpe", "CVaR95", "vs TWAP", "95% CI", "n" } };
            foreach (var s in cell.Strategies)
            {
                rows.Add([
                    s.InSample is null ? s.Id : $"{s.Id} ({StressSampling.Flag})", F(s.MeanCostBps), $"[{F(s.MeanCiLowBps)}, {F(s.MeanCiHighBps)}]", F(s.StdBps), s.CostSharpe is { } sh ? sh.ToString("F3", CultureInfo.InvariantCulture) : "–",
                    s.Cvar95Bps is { } cv ? F(cv) : "–", s.VsTwapBps is { } d ? F(d) : "–",
                    s.VsTwapCiLowBps is { } lo && s.VsTwapCiHighBps is { } hi ? $"[{F(lo)}, {F(hi)}]" : "–", s.Episodes.ToString(CultureInfo.InvariantCulture),
                ]);
            }
            var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
            foreach (var r in rows) sb.Append("  ").AppendJoin("  ", r.Select((v, c) => c == 0 ? v.PadRight(widths[c]) : v.PadLeft(widths[c]))).Append('\n');
            foreach (var s in cell.Strategies.Where(s => s.Guard is not null))
            {
                sb.Append("  ").Append(Reports.GuardLines.Describe(s.Guard!)).Append('\n');
            }
            foreach (var reason in cell.Strategies.Where(s => s.InSample is not null).Select(s => s.InSample!).Distinct(StringComparer.Ordinal))
            {
                sb.Append("  in-sample: ").Append(reason).Append('\n');
            }
            if (cell.Best is { } b)
            {
                sb.Append("  best: ").Append(b.Id).Append(b.SignificantVsTwap ? " (significant vs TWAP at 95%)" : " (not significant vs TWAP at 95%)")
                    .Append(b.ClearOfRunnerUp ? ", clear of the runner-up" : "").Append('\n');
            }
        }
        return sb.ToString();
    }

    private static string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
}
