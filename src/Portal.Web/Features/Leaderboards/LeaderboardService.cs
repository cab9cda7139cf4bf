using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Web.Auth;

namespace Portal.Web.Features.Leaderboards;

/// <summary>What a leaderboard shows: any field left null matches everything.</summary>
public sealed record LeaderboardFilter(string? Regime = null, SizeBucket? Size = null, HorizonBucket? Horizon = null, string? Strategy = null);

/// <summary>How the rows are ordered within each scenario family.</summary>
public enum LeaderboardOrder
{
    /// <summary>By episode-weighted mean shortfall, lowest cost first.</summary>
    MeanShortfall = 0,
    /// <summary>By <see cref="LeaderboardRow.RiskAdjustedBps"/>, lowest first.</summary>
    RiskAdjusted = 1,
}

/// <summary>
/// One strategy in one scenario family, pooled over every succeeded, out-of-sample run of the team.
/// </summary>
/// <param name="Runs">How many runs contributed.</param>
/// <param name="Episodes">How many episodes contributed (the weight of the mean).</param>
/// <param name="MeanBps">Episode-weighted mean implementation shortfall (positive is a cost).</param>
/// <param name="StdBps">Sample standard deviation of all pooled episode shortfalls.</param>
/// <param name="CiLowBps">Lower end of the 95% confidence interval of the mean: mean − 1.96·std/√episodes.</param>
/// <param name="CiHighBps">Upper end of that interval.</param>
/// <param name="RiskAdjustedBps">mean + <see cref="LeaderboardService.RiskAversion"/>·std.</param>
/// <param name="MeanRank">1 for the lowest mean shortfall in the family.</param>
/// <param name="RiskRank">1 for the lowest risk-adjusted score in the family.</param>
/// <param name="LatestRunIds">The most recent runs behind the row (at most <see cref="LeaderboardService.RunLinks"/>), newest first.</param>
public sealed record LeaderboardRow(
    string Regime, SizeBucket SizeBucket, HorizonBucket HorizonBucket, string StrategyId, string DisplayName,
    int Runs, long Episodes, double MeanBps, double StdBps, double CiLowBps, double CiHighBps, double RiskAdjustedBps,
    int MeanRank, int RiskRank, IReadOnlyList<Guid> LatestRunIds)
{
    public string Family => $"{Regime} · {ScenarioFamily.Label(SizeBucket)} · {ScenarioFamily.Label(HorizonBucket)}";
}

/// <summary>A page of leaderboard rows and how many rows match in all.</summary>
public sealed record LeaderboardPage(IReadOnlyList<LeaderboardRow> Rows, int Total);

/// <summary>
/// Team leaderboards: strategies ranked within each scenario family (regime × order-size bucket × horizon bucket).
/// </summary>
/// <remarks>
/// The database groups the runs' stored summaries (one row per run and strategy) by family and strategy and returns
/// the sufficient statistics n = Σnᵢ, Σnᵢx̄ᵢ and Σ[(nᵢ−1)sᵢ² + nᵢx̄ᵢ²]: the last is exactly Σx² over every pooled episode,
/// since each run stores its sample standard deviation sᵢ. From them the pooled mean x̄ = Σnᵢx̄ᵢ/n, the pooled sample
/// variance s² = (Σx² − n·x̄²)/(n−1), and the normal 95% interval x̄ ± 1.96·s/√n, the same interval the runs use
/// (Statistics in Portal.Domain). Episodes of different runs are independent (each run draws fresh seeds), so pooling
/// them is sound; within a run they are independent draws of the same scenario.
/// The risk-adjusted score is the mean–standard-deviation criterion x̄ + k·s with k = <see cref="RiskAversion"/>: the
/// bps form of Almgren and Chriss's (2000) mean–variance objective E[cost] + λ·Var[cost], which penalises the timing risk
/// a slow schedule carries. CVaR95 would need every episode sorted per group, which a GROUP BY over the summaries
/// cannot give; mean + k·std ranks the same way whenever the cost distributions are close to normal.
/// Only runs with <see cref="Run.IsOutOfSample"/> count: every simulated run does (fresh seeds); runs scored on the
/// training part of a dataset do not. A re-run with the same scenario, seed and episodes reproduces the same paths bit
/// for bit, so pooling it again would only shrink the interval falsely: of runs with the same
/// <see cref="Run.ScenarioHash"/>, only the first counts.
/// </remarks>
public sealed class LeaderboardService(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>k in the risk-adjusted score mean + k·std.</summary>
    public const double RiskAversion = 1.0;

    /// <summary>How many runs each row links to.</summary>
    public const int RunLinks = 5;

    private const double Z95 = 1.959963984540054;

    /// <summary>Every matching row, ordered by family and then by rank.</summary>
    public async Task<IReadOnlyList<LeaderboardRow>> ComputeAsync(TeamAccess access, LeaderboardFilter filter, LeaderboardOrder order = LeaderboardOrder.MeanShortfall, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(filter);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var groups = await (
                from s in db.RunStrategyResults
                join r in Runs(db, access, filter) on s.RunId equals r.Id
                where filter.Strategy == null || s.StrategyId == filter.Strategy
                group s by new { r.Regime, r.SizeBucket, r.HorizonBucket, s.StrategyId } into g
                select new
                {
                    g.Key.Regime,
                    g.Key.SizeBucket,
                    g.Key.HorizonBucket,
                    g.Key.StrategyId,
                    DisplayName = g.Max(x => x.DisplayName),
                    Runs = g.Count(),
                    Episodes = g.Sum(x => (long)x.Episodes),
                    Sum = g.Sum(x => x.MeanBps * x.Episodes),
                    SumSquares = g.Sum(x => (x.Episodes - 1) * x.StdBps * x.StdBps + x.Episodes * x.MeanBps * x.MeanBps),
                })
            .ToListAsync(ct);

        var rows = new List<LeaderboardRow>(groups.Count);
        foreach (var family in groups.GroupBy(g => (g.Regime, g.SizeBucket, g.HorizonBucket)))
        {
            var stats = family.Where(g => g.Episodes > 0).Select(g =>
            {
                var n = (double)g.Episodes;
                var mean = g.Sum / n;
                var variance = g.Episodes > 1 ? Math.Max(0, (g.SumSquares - n * mean * mean) / (n - 1)) : 0;
                var std = Math.Sqrt(variance);
                var half = Z95 * std / Math.Sqrt(n);
                return (g, mean, std, half, risk: mean + RiskAversion * std);
            }).ToList();
            var byMean = stats.OrderBy(x => x.mean).Select((x, i) => (x.g.StrategyId, i)).ToDictionary(x => x.StrategyId, x => x.i + 1, StringComparer.Ordinal);
            var byRisk = stats.OrderBy(x => x.risk).Select((x, i) => (x.g.StrategyId, i)).ToDictionary(x => x.StrategyId, x => x.i + 1, StringComparer.Ordinal);
            rows.AddRange(stats.Select(x => new LeaderboardRow(
                x.g.Regime, x.g.SizeBucket, x.g.HorizonBucket, x.g.StrategyId, x.g.DisplayName, x.g.Runs, x.g.Episodes,
                x.mean, x.std, x.mean - x.half, x.mean + x.half, x.risk, byMean[x.g.StrategyId], byRisk[x.g.StrategyId], [])));
        }
        return rows
            .OrderBy(r => r.Regime, StringComparer.Ordinal).ThenBy(r => r.SizeBucket).ThenBy(r => r.HorizonBucket)
            .ThenBy(r => order == LeaderboardOrder.RiskAdjusted ? r.RiskRank : r.MeanRank)
            .ToList();
    }

    /// <summary>
    /// The strategies of <paramref name="run"/> in every regime the team has run with the same order-size and horizon
    /// buckets: the run's scenario family and its neighbours across regimes, pooled exactly as the leaderboard pools them.
    /// </summary>
    public async Task<IReadOnlyList<LeaderboardRow>> AcrossRegimesAsync(TeamAccess access, Run run, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.TeamId != access.TeamId)
        {
            return [];
        }
        var strategies = run.Strategies.Select(s => s.StrategyId).ToHashSet(StringComparer.Ordinal);
        var rows = await ComputeAsync(access, new LeaderboardFilter(Size: run.SizeBucket, Horizon: run.HorizonBucket), ct: ct);
        return rows.Where(r => strategies.Contains(r.StrategyId)).ToList();
    }

    /// <summary>One page of <see cref="ComputeAsync"/>, with links to the latest runs behind each row.</summary>
    /// <param name="page">Zero-based page number.</param>
    /// <param name="pageSize">Rows per page, 1 to 500.</param>
    public async Task<LeaderboardPage> PageAsync(TeamAccess access, LeaderboardFilter filter, LeaderboardOrder order, int page, int pageSize, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(page);
        if (pageSize is < 1 or > 500)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "The page size must be 1 to 500.");
        }
        var all = await ComputeAsync(access, filter, order, ct);
        var rows = all.Skip(page * pageSize).Take(pageSize).ToList();
        if (rows.Count == 0)
        {
            return new LeaderboardPage(rows, all.Count);
        }
        // One query for the links of the whole page: the runs of the page's regimes and strategies, newest first.
        var regimes = rows.Select(r => r.Regime).Distinct().ToList();
        var strategies = rows.Select(r => r.StrategyId).Distinct().ToList();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var candidates = await (
                from s in db.RunStrategyResults
                join r in Runs(db, access, filter) on s.RunId equals r.Id
                where regimes.Contains(r.Regime) && strategies.Contains(s.StrategyId)
                orderby r.CreatedUtc descending
                select new { r.Regime, r.SizeBucket, r.HorizonBucket, s.StrategyId, r.Id })
            .ToListAsync(ct);
        var links = candidates
            .GroupBy(c => (c.Regime, c.SizeBucket, c.HorizonBucket, c.StrategyId))
            .ToDictionary(g => g.Key, g => (IReadOnlyList<Guid>)g.Select(c => c.Id).Take(RunLinks).ToList());
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            rows[i] = row with { LatestRunIds = links.GetValueOrDefault((row.Regime, row.SizeBucket, row.HorizonBucket, row.StrategyId), []) };
        }
        return new LeaderboardPage(rows, all.Count);
    }

    /// <summary>The regimes, strategies and their names that appear in the team's leaderboard, for the filter menus.</summary>
    public async Task<(IReadOnlyList<string> Regimes, IReadOnlyList<string> Strategies)> ChoicesAsync(TeamAccess access, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var runs = Runs(db, access, new LeaderboardFilter());
        var regimes = await runs.Select(r => r.Regime).Distinct().OrderBy(r => r).ToListAsync(ct);
        var strategies = await db.RunStrategyResults.Where(s => runs.Any(r => r.Id == s.RunId)).Select(s => s.StrategyId).Distinct().OrderBy(s => s).ToListAsync(ct);
        return (regimes, strategies);
    }

    private static IQueryable<Run> Runs(PortalDbContext db, TeamAccess access, LeaderboardFilter filter)
    {
        var counted = db.Runs.Where(r => r.TeamId == access.TeamId && r.Status == RunStatus.Succeeded && r.IsOutOfSample);
        // An identical re-run (same scenario JSON, seed and episodes) repeats the same market paths: only the first counts.
        var runs = counted.AsNoTracking().Where(r => !counted.Any(o => o.ScenarioHash == r.ScenarioHash && o.ScenarioHash != "" && o.CreatedUtc < r.CreatedUtc));
        if (!string.IsNullOrEmpty(filter.Regime))
        {
            runs = runs.Where(r => r.Regime == filter.Regime);
        }
        if (filter.Size is { } size)
        {
            runs = runs.Where(r => r.SizeBucket == size);
        }
        if (filter.Horizon is { } horizon)
        {
            runs = runs.Where(r => r.HorizonBucket == horizon);
        }
        return runs;
    }
}
