using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Domain.Backtesting;

namespace Portal.Application.Reports;

/// <summary>
/// A run's strategies regime by regime, as the team's results stood when the run completed: the team's succeeded
/// out-of-sample runs with the run's order-size and horizon buckets, impact family and market source, pooled per regime and
/// strategy exactly as the leaderboards pool them.
/// </summary>
/// <remarks>
/// Pooling (as on the leaderboards): with runs i of nᵢ episodes, mean mᵢ, standard deviation sᵢ and interval half-width
/// hᵢ, the pooled mean is Σ nᵢmᵢ / N (N = Σ nᵢ), the pooled standard deviation s comes from Σ((nᵢ−1)sᵢ² + nᵢmᵢ²), and the
/// half-width of its 95% interval is max(1.96·s/√N, √Σ(nᵢhᵢ)² / N): the second term carries each run's own interval
/// (window-based on replays), so pooling never narrows a replay interval below what its windows support. Runs of
/// different regimes draw independent paths, so regimes compare by their intervals. Only runs finished no later than the
/// run itself count, so the breakdown is the one the team saw at completion however late the report is built; an
/// identical re-run (same scenario fingerprint) counts once, as on the leaderboards.
/// </remarks>
public static class RegimeBreakdownQuery
{
    /// <summary>The pooled rows for the run's strategies, ordered by strategy id and then regime.</summary>
    public static async Task<IReadOnlyList<ReportRegimeRow>> AsOfCompletionAsync(PortalDbContext db, Run run, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(run);
        var asOf = run.FinishedUtc ?? run.CreatedUtc;
        var strategies = run.Strategies.Select(s => s.StrategyId).Distinct().ToList();
        var counted = db.Runs.Where(r => r.TeamId == run.TeamId && r.Status == RunStatus.Succeeded && r.IsOutOfSample && (r.FinishedUtc ?? r.CreatedUtc) <= asOf);
        var runs = counted.Where(r => !counted.Any(o => o.ScenarioHash == r.ScenarioHash && o.ScenarioHash != "" && o.CreatedUtc < r.CreatedUtc))
            .Where(r => r.SizeBucket == run.SizeBucket && r.HorizonBucket == run.HorizonBucket
                && r.ImpactFamily == run.ImpactFamily && r.MarketSource == run.MarketSource);
        var rows = await (
                from s in db.RunStrategyResults
                join r in runs on s.RunId equals r.Id
                where strategies.Contains(s.StrategyId) && s.Episodes > 0
                select new { r.Regime, s.StrategyId, s.DisplayName, s.Episodes, s.MeanBps, s.StdBps, s.MeanCiLowBps, s.MeanCiHighBps })
            .AsNoTracking().ToListAsync(ct);
        return rows
            .GroupBy(x => (x.Regime, x.StrategyId))
            .Select(g =>
            {
                var n = (double)g.Sum(x => (long)x.Episodes);
                var mean = g.Sum(x => x.MeanBps * x.Episodes) / n;
                var sumSquares = g.Sum(x => (x.Episodes - 1) * x.StdBps * x.StdBps + x.Episodes * x.MeanBps * x.MeanBps);
                var std = n > 1 ? Math.Sqrt(Math.Max(0, (sumSquares - n * mean * mean) / (n - 1))) : 0;
                var weightedHalf = g.Sum(x => (double)x.Episodes * x.Episodes * (x.MeanCiHighBps - x.MeanCiLowBps) * (x.MeanCiHighBps - x.MeanCiLowBps) / 4);
                var half = Math.Max(Statistics.Z95 * std / Math.Sqrt(n), Math.Sqrt(weightedHalf) / n);
                return new ReportRegimeRow(g.Key.Regime, g.Key.StrategyId, g.Select(x => x.DisplayName).Max(StringComparer.Ordinal)!, g.Count(), (long)n, mean, mean - half, mean + half);
            })
            .OrderBy(r => r.StrategyId, StringComparer.Ordinal).ThenBy(r => r.Regime, StringComparer.Ordinal)
            .ToList();
    }
}
