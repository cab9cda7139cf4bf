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
/// Pooling as on the leaderboards (<see cref="RunPooling"/>): episode-weighted mean, pooled standard deviation, and the
/// 95% half-width max(1.96·s/√N, √Σ(nᵢhᵢ)² / N), which never narrows a replay interval below what its windows support. Runs of
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
                var (n, sum, sumSquares, weightedHalf) = RunPooling.Sums(g.Select(x => (x.Episodes, x.MeanBps, x.StdBps, x.MeanCiLowBps, x.MeanCiHighBps)));
                var (mean, _, half) = RunPooling.Estimate(n, sum, sumSquares, weightedHalf);
                return new ReportRegimeRow(g.Key.Regime, g.Key.StrategyId, g.Select(x => x.DisplayName).Max(StringComparer.Ordinal)!, g.Count(), n, mean, mean - half, mean + half);
            })
            .OrderBy(r => r.StrategyId, StringComparer.Ordinal).ThenBy(r => r.Regime, StringComparer.Ordinal)
            .ToList();
    }
}
