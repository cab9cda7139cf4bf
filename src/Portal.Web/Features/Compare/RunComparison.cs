using Portal.Data.Entities;

namespace Portal.Web.Features.Compare;

/// <summary>One strategy's mean shortfall with its 95% CI in one run, and its difference to the same strategy in the first run.</summary>
/// <param name="DiffBps">Mean in this run minus mean in the first run; null in the first run itself.</param>
/// <param name="DiffCiLowBps">Lower end of the difference's 95% CI.</param>
/// <param name="DiffCiHighBps">Upper end of the difference's 95% CI.</param>
public sealed record ComparisonCell(double MeanBps, double CiLowBps, double CiHighBps, int Episodes, double? DiffBps, double? DiffCiLowBps, double? DiffCiHighBps)
{
    /// <summary>"better"/"worse" when the difference's CI excludes zero (lower cost is better), otherwise "n.s.".</summary>
    public string? Verdict => DiffCiLowBps is not { } lo || DiffCiHighBps is not { } hi ? null : hi < 0 ? "better" : lo > 0 ? "worse" : "n.s.";
}

/// <summary>One strategy across the compared runs: a cell per run, null where the run did not include the strategy.</summary>
public sealed record ComparisonRow(string StrategyId, string DisplayName, IReadOnlyList<ComparisonCell?> Cells);

/// <summary>
/// Side-by-side comparison of two or more runs: each strategy's mean ± 95% CI per run and its difference to the first
/// run (the reference).
/// </summary>
/// <remarks>
/// Different runs draw their market paths independently (each has its own seed), so the difference of two run means is
/// unpaired: its standard error is √(se₁² + se₂²), where each se is recovered from the run's stored normal interval
/// (half-width / 1.96). The interval is then difference ± 1.96·√(se₁² + se₂²) = difference ± √(h₁² + h₂²) with h the
/// half-widths (Welch's large-sample interval, normal approximation). Two runs sharing a seed and scenario are positively
/// correlated, which makes this interval conservative, never too narrow.
/// </remarks>
public static class RunComparison
{
    /// <summary>Rows in the order strategies first appear (first run first), then by the order within each run.</summary>
    public static IReadOnlyList<ComparisonRow> Build(IReadOnlyList<Run> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(runs), runs.Count, "A comparison needs at least 2 runs.");
        }
        var order = new List<(string Id, string Name)>();
        foreach (var s in runs.SelectMany(r => r.Strategies.OrderBy(s => s.Index)))
        {
            if (!order.Exists(o => o.Id == s.StrategyId))
            {
                order.Add((s.StrategyId, s.DisplayName));
            }
        }
        return order.Select(o =>
        {
            var reference = runs[0].Strategies.FirstOrDefault(s => s.StrategyId == o.Id);
            var cells = runs.Select((run, i) =>
            {
                var s = run.Strategies.FirstOrDefault(x => x.StrategyId == o.Id);
                if (s is null)
                {
                    return null;
                }
                if (i == 0 || reference is null)
                {
                    return new ComparisonCell(s.MeanBps, s.MeanCiLowBps, s.MeanCiHighBps, s.Episodes, null, null, null);
                }
                var diff = s.MeanBps - reference.MeanBps;
                var half = Math.Sqrt(Square(HalfWidth(s)) + Square(HalfWidth(reference)));
                return new ComparisonCell(s.MeanBps, s.MeanCiLowBps, s.MeanCiHighBps, s.Episodes, diff, diff - half, diff + half);
            }).ToList();
            return new ComparisonRow(o.Id, o.Name, cells);
        }).ToList();
    }

    private static double HalfWidth(RunStrategyResult s) => (s.MeanCiHighBps - s.MeanCiLowBps) / 2;

    private static double Square(double x) => x * x;

    /// <summary>Parses the <c>runs</c> query value: comma-separated run ids, duplicates and malformed ids dropped.</summary>
    public static IReadOnlyList<Guid> ParseIds(string? runs) =>
        (runs ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(x => Guid.TryParse(x, out var id) ? id : Guid.Empty)
            .Where(id => id != Guid.Empty).Distinct().ToList();
}
