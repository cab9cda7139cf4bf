using Microsoft.EntityFrameworkCore;
using Portal.Application.Reports;
using Portal.Application.Teams;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Application.Leaderboards;

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
/// <param name="CiLowBps">Lower end of the 95% confidence interval of the mean: mean − max(1.96·std/√episodes, √Σ(nᵢ·hᵢ)²/n)
/// with hᵢ each run's stored half-width (so replayed runs keep their window-based width).</param>
/// <param name="CiHighBps">Upper end of that interval.</param>
/// <param name="RiskAdjustedBps">mean + <see cref="LeaderboardService.RiskAversion"/>·std.</param>
/// <param name="MeanRank">1 for the lowest mean shortfall in the family; strategies statistically tied with a rank's leader share it
/// (<see cref="MeanTied"/>, shown "1=").</param>
/// <param name="RiskRank">1 for the lowest risk-adjusted score in the family.</param>
/// <param name="LatestRunIds">The most recent runs behind the row (at most <see cref="LeaderboardService.RunLinks"/>), newest first.</param>
public sealed record LeaderboardRow(
    string Regime, SizeBucket SizeBucket, HorizonBucket HorizonBucket, string StrategyId, string DisplayName,
    int Runs, long Episodes, double MeanBps, double StdBps, double CiLowBps, double CiHighBps, double RiskAdjustedBps,
    int MeanRank, int RiskRank, IReadOnlyList<Guid> LatestRunIds)
{
    public string Family => ScenarioFamily.Describe(Regime, SizeBucket, HorizonBucket, ImpactFamily, MarketSource);

    /// <summary>Impact-model family of the scenario family (empty for runs stored before it was recorded).</summary>
    public string ImpactFamily { get; init; } = "";

    /// <summary>Market source of the scenario family (empty for runs stored before it was recorded).</summary>
    public string MarketSource { get; init; } = "";

    /// <summary>True when the mean rank is shared with another strategy (the 95% interval of their difference contains 0).</summary>
    public bool MeanTied { get; init; }

    /// <summary>How the mean rank was decided against the rank's leader: "paired" (same runs, per-episode differences),
    /// "intervals" (independent runs: difference ± √(h₁² + h₂²)) or "leader".</summary>
    public string RankBasis { get; init; } = "";

    /// <summary>Difference of the mean to the leader of its rank with the 95% interval, when not the leader.</summary>
    public (double Mean, double Low, double High)? VsRankLeader { get; init; }

    /// <summary>Independent units behind the row, summed over its runs (episodes in simulation, windows in replay).</summary>
    public int IndependentUnits { get; init; }

    /// <summary>What an independent unit is; empty when no run recorded it.</summary>
    public string UnitKind { get; init; } = "";

    /// <summary>The mean rank as shown: "1", or "1=" when shared.</summary>
    public string MeanRankText => MeanRank.ToString(System.Globalization.CultureInfo.InvariantCulture) + (MeanTied ? "=" : "");

    /// <summary>Mean difference to the leader of its rank (bps; null for a leader), as the API shows <see cref="VsRankLeader"/>.</summary>
    public double? VsRankLeaderBps => VsRankLeader?.Mean;

    /// <summary>Lower end of the 95% interval of <see cref="VsRankLeaderBps"/>.</summary>
    public double? VsRankLeaderCiLowBps => VsRankLeader?.Low;

    /// <summary>Upper end of the 95% interval of <see cref="VsRankLeaderBps"/>.</summary>
    public double? VsRankLeaderCiHighBps => VsRankLeader?.High;
}

/// <summary>A page of leaderboard rows and how many rows match in all.</summary>
public sealed record LeaderboardPage(IReadOnlyList<LeaderboardRow> Rows, int Total);

/// <summary>
/// Team leaderboards: strategies ranked within each scenario family (regime × order-size bucket × horizon bucket ×
/// impact-model family × market source).
/// </summary>
/// <remarks>
/// <para>Significance-aware ranks (<see cref="TieRanks"/>): strategies are taken in order of mean cost; the cheapest unranked
/// strategy leads rank r (r − 1 strategies are ahead of it), and every other unranked strategy whose 95% interval of the
/// difference to that leader contains 0 shares rank r ("r="). The difference is paired where the two strategies come from
/// the same runs, and so share market paths: the pooled mean of per-episode differences, its variance Σ(nᵣ/n)²·sᵣ²/nᵣ over
/// runs r (only when every run counts episodes as its units and kept its episodes). Otherwise it comes from the two
/// intervals: difference ± √(h₁² + h₂²) (independent runs). No multiplicity correction: each comparison with a rank's
/// leader is a separate 95% interval, so with many strategies some ties will be broken by chance; the page says so.
/// The risk-adjusted rank orders the point score x̄ + k·s alone.
/// </para>
/// <para>
/// The database groups the runs' stored summaries (one row per run and strategy) by family and strategy and returns
/// the sufficient statistics n = Σnᵢ, Σnᵢx̄ᵢ and Σ[(nᵢ−1)sᵢ² + nᵢx̄ᵢ²] (and Σ(nᵢhᵢ)²), pooled by <see cref="RunPooling"/>: the
/// third is exactly Σx² over every pooled episode,
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
/// </para>
/// </remarks>
public sealed class LeaderboardService(IDbContextFactory<PortalDbContext> dbFactory, Portal.Data.Runs.EpisodeStore episodes, LeaderboardCache cache)
{
    /// <summary>k in the risk-adjusted score mean + k·std.</summary>
    public const double RiskAversion = 1.0;

    /// <summary>How many runs each row links to.</summary>
    public const int RunLinks = 5;

    /// <summary>Every matching row, ordered by family and then by rank. Ties are paired on the statistics stored with each
    /// run (<see cref="RunStrategyPair"/>); while some counted run has none yet, on its episodes (<see cref="ComputeFromEpisodesAsync"/>).</summary>
    public Task<IReadOnlyList<LeaderboardRow>> ComputeAsync(TeamAccess access, LeaderboardFilter filter, LeaderboardOrder order = LeaderboardOrder.MeanShortfall, CancellationToken ct = default) =>
        ComputeAsync(access, filter, order, fromEpisodes: false, ct);

    /// <summary>The same rows as <see cref="ComputeAsync"/>, with every paired difference taken from the runs' stored episodes
    /// (each run's episodes read per comparison): the reference the stored statistics must reproduce.</summary>
    public Task<IReadOnlyList<LeaderboardRow>> ComputeFromEpisodesAsync(TeamAccess access, LeaderboardFilter filter, LeaderboardOrder order = LeaderboardOrder.MeanShortfall, CancellationToken ct = default) =>
        ComputeAsync(access, filter, order, fromEpisodes: true, ct);

    private async Task<IReadOnlyList<LeaderboardRow>> ComputeAsync(TeamAccess access, LeaderboardFilter filter, LeaderboardOrder order, bool fromEpisodes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(filter);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var groups = await (
                from s in db.RunStrategyResults
                join r in Runs(db, access, filter) on s.RunId equals r.Id
                where filter.Strategy == null || s.StrategyId == filter.Strategy
                group s by new { r.Regime, r.SizeBucket, r.HorizonBucket, r.ImpactFamily, r.MarketSource, s.StrategyId } into g
                select new
                {
                    g.Key.Regime,
                    g.Key.SizeBucket,
                    g.Key.HorizonBucket,
                    g.Key.ImpactFamily,
                    g.Key.MarketSource,
                    g.Key.StrategyId,
                    DisplayName = g.Max(x => x.DisplayName),
                    Runs = g.Count(),
                    Episodes = g.Sum(x => (long)x.Episodes),
                    Sum = g.Sum(x => x.MeanBps * x.Episodes),
                    SumSquares = g.Sum(x => (x.Episodes - 1) * x.StdBps * x.StdBps + x.Episodes * x.MeanBps * x.MeanBps),
                    // Σ (nᵢ·hᵢ)²: the variance of the episode-weighted mean from each run's own interval (its window-based width on replays).
                    SumWeightedHalf = g.Sum(x => (double)x.Episodes * x.Episodes * (x.MeanCiHighBps - x.MeanCiLowBps) * (x.MeanCiHighBps - x.MeanCiLowBps) / 4),
                    Units = g.Sum(x => x.IndependentUnits),
                    UnitKind = g.Max(x => x.UnitKind),
                    MinUnitKind = g.Min(x => x.UnitKind),
                })
            .ToListAsync(ct);

        // Paired differences from the statistics stored with each run, unless some counted run has none yet.
        var stored = !fromEpisodes && !await Runs(db, access, filter).AnyAsync(r => r.PairsStoredUtc == null, ct);
        var pairTotals = stored && filter.Strategy == null ? await PairTotalsAsync(db, access, filter, ct) : [];
        // Otherwise: which runs each (family, strategy) rests on (two strategies with the same runs share market paths),
        // and each comparison pairs the runs' episodes.
        var runSets = new Dictionary<(string, SizeBucket, HorizonBucket, string, string, string), List<Guid>>();
        if (!stored)
        {
            var runsOf = await (
                    from s in db.RunStrategyResults
                    join r in Runs(db, access, filter) on s.RunId equals r.Id
                    where filter.Strategy == null || s.StrategyId == filter.Strategy
                    select new { r.Regime, r.SizeBucket, r.HorizonBucket, r.ImpactFamily, r.MarketSource, s.StrategyId, s.RunId })
                .ToListAsync(ct);
            runSets = runsOf.GroupBy(x => (x.Regime, x.SizeBucket, x.HorizonBucket, x.ImpactFamily, x.MarketSource, x.StrategyId))
                .ToDictionary(g => g.Key, g => g.Select(x => x.RunId).OrderBy(x => x).ToList());
        }

        var rows = new List<LeaderboardRow>(groups.Count);
        foreach (var family in groups.GroupBy(g => (g.Regime, g.SizeBucket, g.HorizonBucket, g.ImpactFamily, g.MarketSource)))
        {
            var stats = family.Where(g => g.Episodes > 0).Select(g =>
            {
                var (mean, _, half) = RunPooling.Estimate(g.Episodes, g.Sum, g.SumSquares, g.SumWeightedHalf);
                var allEpisodes = g.UnitKind == Portal.Domain.Backtesting.UnitKinds.Episode && g.MinUnitKind == g.UnitKind;
                var runIds = stored ? [] : runSets[(g.Regime, g.SizeBucket, g.HorizonBucket, g.ImpactFamily, g.MarketSource, g.StrategyId)];
                return new TieRanks.Entry(g.StrategyId, mean, half, runIds, allEpisodes, g.Units) { RunCount = g.Runs };
            }).ToList();
            var familyKey = family.Key;
            var ranks = stored
                ? await TieRanks.AssignFromSumsAsync(stats, (a, b) => Task.FromResult(Totals(pairTotals, familyKey, a.StrategyId, b.StrategyId)))
                : await TieRanks.AssignFromSumsAsync(stats, async (a, b) => TieRanks.PairedSums.From(await PairedAsync(db, a.Runs, a.StrategyId, b.StrategyId, ct)));
            var byRisk = family.Where(g => g.Episodes > 0)
                .Select(g => (g.StrategyId, score: g.Sum / g.Episodes + RiskAversion * RunPooling.Estimate(g.Episodes, g.Sum, g.SumSquares, g.SumWeightedHalf).Std))
                .OrderBy(x => x.score).Select((x, i) => (x.StrategyId, i)).ToDictionary(x => x.StrategyId, x => x.i + 1, StringComparer.Ordinal);
            foreach (var g in family.Where(g => g.Episodes > 0))
            {
                var e = stats.Single(x => x.StrategyId == g.StrategyId);
                var std = RunPooling.Estimate(g.Episodes, g.Sum, g.SumSquares, g.SumWeightedHalf).Std;
                var rank = ranks[g.StrategyId];
                rows.Add(new LeaderboardRow(
                    g.Regime, g.SizeBucket, g.HorizonBucket, g.StrategyId, g.DisplayName, g.Runs, g.Episodes,
                    e.Mean, std, e.Mean - e.Half, e.Mean + e.Half, e.Mean + RiskAversion * std, rank.Value, byRisk[g.StrategyId], [])
                {
                    ImpactFamily = g.ImpactFamily,
                    MarketSource = g.MarketSource,
                    MeanTied = rank.Shared,
                    RankBasis = rank.Basis,
                    VsRankLeader = rank.VsLeader,
                    IndependentUnits = g.Units,
                    UnitKind = g.UnitKind,
                });
            }
        }
        return rows
            .OrderBy(r => r.Regime, StringComparer.Ordinal).ThenBy(r => r.SizeBucket).ThenBy(r => r.HorizonBucket)
            .ThenBy(r => r.ImpactFamily, StringComparer.Ordinal).ThenBy(r => r.MarketSource, StringComparer.Ordinal)
            .ThenBy(r => order == LeaderboardOrder.RiskAdjusted ? r.RiskRank : r.MeanRank)
            .ThenBy(r => order == LeaderboardOrder.RiskAdjusted ? r.RiskAdjustedBps : r.MeanBps)
            .ToList();
    }

    private sealed record PairTotal(int Runs, int IncompleteA, int IncompleteB, long Pairs, double Sum, double WeightedVariance);

    /// <summary>The stored paired statistics of the counted runs summed per family and (strategy A, strategy B) as stored
    /// (A the lower index in each run): runs, runs whose pairs miss episodes of A or of B, pairs, Σ(A − B) and Σ nᵣsᵣ².</summary>
    private static async Task<Dictionary<((string, SizeBucket, HorizonBucket, string, string) Family, string A, string B), PairTotal>> PairTotalsAsync(
        PortalDbContext db, TeamAccess access, LeaderboardFilter filter, CancellationToken ct)
    {
        var totals = await (
                from p in db.RunStrategyPairs
                join r in Runs(db, access, filter) on p.RunId equals r.Id
                group p by new { r.Regime, r.SizeBucket, r.HorizonBucket, r.ImpactFamily, r.MarketSource, p.StrategyA, p.StrategyB } into g
                select new
                {
                    g.Key.Regime,
                    g.Key.SizeBucket,
                    g.Key.HorizonBucket,
                    g.Key.ImpactFamily,
                    g.Key.MarketSource,
                    g.Key.StrategyA,
                    g.Key.StrategyB,
                    Runs = g.Count(),
                    IncompleteA = g.Sum(x => x.Pairs == x.EpisodesA && x.Pairs >= 2 ? 0 : 1),
                    IncompleteB = g.Sum(x => x.Pairs == x.EpisodesB && x.Pairs >= 2 ? 0 : 1),
                    Pairs = g.Sum(x => (long)x.Pairs),
                    Sum = g.Sum(x => x.Sum),
                    WeightedVariance = g.Sum(x => x.WeightedVariance),
                })
            .ToListAsync(ct);
        return totals.ToDictionary(
            t => ((t.Regime, t.SizeBucket, t.HorizonBucket, t.ImpactFamily, t.MarketSource), t.StrategyA, t.StrategyB),
            t => new PairTotal(t.Runs, t.IncompleteA, t.IncompleteB, t.Pairs, t.Sum, t.WeightedVariance));
    }

    /// <summary>a − b in one family from the stored totals: the rows stored as (a, b) as they are, those stored as (b, a) negated.</summary>
    private static TieRanks.PairedSums Totals(
        Dictionary<((string, SizeBucket, HorizonBucket, string, string) Family, string A, string B), PairTotal> totals,
        (string, SizeBucket, HorizonBucket, string, string) family, string a, string b)
    {
        var (runs, incomplete, pairs, sum, variance) = (0, 0, 0L, 0.0, 0.0);
        if (totals.TryGetValue((family, a, b), out var ab))
        {
            (runs, incomplete, pairs, sum, variance) = (ab.Runs, ab.IncompleteA, ab.Pairs, ab.Sum, ab.WeightedVariance);
        }
        if (totals.TryGetValue((family, b, a), out var ba))
        {
            (runs, incomplete, pairs, sum, variance) = (runs + ba.Runs, incomplete + ba.IncompleteB, pairs + ba.Pairs, sum - ba.Sum, variance + ba.WeightedVariance);
        }
        return new TieRanks.PairedSums(runs, incomplete, pairs, sum, variance);
    }

    /// <summary>Per run, the count, sum and sum of squares of the per-episode differences a − b on the run's shared paths.</summary>
    private async Task<IReadOnlyList<TieRanks.RunDifference>> PairedAsync(PortalDbContext db, IReadOnlyList<Guid> runIds, string a, string b, CancellationToken ct)
    {
        var ids = runIds.ToList();
        var pairs = await (
                from sa in db.RunStrategyResults
                where ids.Contains(sa.RunId) && sa.StrategyId == a
                join sb in db.RunStrategyResults on sa.RunId equals sb.RunId
                where sb.StrategyId == b
                select new { sa.RunId, A = sa.Index, B = sb.Index, sa.Episodes })
            .ToListAsync(ct);
        var differences = new List<TieRanks.RunDifference>();
        foreach (var run in pairs.GroupBy(p => p.RunId))
        {
            var (n, sum, sumSquares) = (0, 0.0, 0.0);
            foreach (var pair in run)
            {
                var x = await episodes.ReadShortfallsAsync(pair.RunId, pair.A, ct);
                var y = await episodes.ReadShortfallsAsync(pair.RunId, pair.B, ct);
                // Both in episode order: pair the episodes the two strategies share.
                var (pn, psum, psquares) = Portal.Data.Runs.RunPairStatistics.Differences(x, y);
                (n, sum, sumSquares) = (n + pn, sum + psum, sumSquares + psquares);
            }
            if (n > 0)
            {
                differences.Add(new TieRanks.RunDifference(run.Key, n, run.Max(p => p.Episodes), sum, sumSquares));
            }
        }
        return differences;
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
        // The same world only: a replay or another impact family is not a neighbour across regimes.
        return rows.Where(r => strategies.Contains(r.StrategyId) && r.ImpactFamily == run.ImpactFamily && r.MarketSource == run.MarketSource).ToList();
    }

    /// <summary>One page of <see cref="ComputeAsync"/>, with links to the latest runs behind each row; computed once per
    /// state of the team's runs (<see cref="LeaderboardCache"/>).</summary>
    /// <param name="page">Zero-based page number.</param>
    /// <param name="pageSize">Rows per page, 1 to 500.</param>
    public async Task<LeaderboardPage> PageAsync(TeamAccess access, LeaderboardFilter filter, LeaderboardOrder order, int page, int pageSize, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegative(page);
        if (pageSize is < 1 or > 500)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "The page size must be 1 to 500.");
        }
        var version = await VersionAsync(access, ct);
        return await cache.GetAsync($"page|{access.TeamId}|{filter}|{order}|{page}|{pageSize}", version,
            () => ComputePageAsync(access, filter, order, page, pageSize, CancellationToken.None));
    }

    private Task<LeaderboardCache.Version> VersionAsync(TeamAccess access, CancellationToken ct) =>
        cache.CurrentVersionAsync(dbFactory, access.TeamId, ct);

    private async Task<LeaderboardPage> ComputePageAsync(TeamAccess access, LeaderboardFilter filter, LeaderboardOrder order, int page, int pageSize, CancellationToken ct)
    {
        var all = await ComputeAsync(access, filter, order, ct);
        // In long: page · pageSize overflows an int for pages far beyond the last, and a negative skip would answer the first page.
        var rows = all.Skip((int)Math.Min((long)page * pageSize, int.MaxValue)).Take(pageSize).ToList();
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
        ArgumentNullException.ThrowIfNull(access);
        var version = await VersionAsync(access, ct);
        var choices = await cache.GetAsync($"choices|{access.TeamId}", version, () => ComputeChoicesAsync(access, CancellationToken.None));
        return (choices.Regimes, choices.Strategies);
    }

    private sealed record Choices(IReadOnlyList<string> Regimes, IReadOnlyList<string> Strategies);

    private async Task<Choices> ComputeChoicesAsync(TeamAccess access, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var runs = Runs(db, access, new LeaderboardFilter());
        var regimes = await runs.Select(r => r.Regime).Distinct().OrderBy(r => r).ToListAsync(ct);
        var strategies = await db.RunStrategyResults.Where(s => runs.Any(r => r.Id == s.RunId)).Select(s => s.StrategyId).Distinct().OrderBy(s => s).ToListAsync(ct);
        return new Choices(regimes, strategies);
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

/// <summary>
/// Significance-aware ranks within one scenario family (see <see cref="LeaderboardService"/>): the cheapest unranked
/// strategy leads the next rank and every unranked strategy whose 95% interval of the difference to it contains 0 shares it.
/// </summary>
public static class TieRanks
{
    private const double Z95 = 1.959963984540054;

    /// <summary>One strategy in a family: its pooled mean and half-width, the runs behind it (sorted), whether every run
    /// counts episodes as units, and the independent units summed over runs.</summary>
    public sealed record Entry(string StrategyId, double Mean, double Half, IReadOnlyList<Guid> Runs, bool EpisodeUnits, int Units)
    {
        /// <summary>How many runs the strategy rests on (<see cref="Runs"/> may be left empty when the pairing is stored).</summary>
        public int RunCount { get; init; } = Runs.Count;
    }

    /// <summary>Per-episode differences a − b summed over the runs holding both: runs, runs whose pairs miss some of a's
    /// episodes or hold fewer than two, pairs n, Σd and Σ nᵣsᵣ² (nᵣ pairs and sᵣ² the sample variance of d in run r).</summary>
    public sealed record PairedSums(int Runs, int IncompleteRuns, long Pairs, double Sum, double WeightedVariance)
    {
        /// <summary>The sums of per-run differences.</summary>
        public static PairedSums From(IReadOnlyList<RunDifference> runs)
        {
            ArgumentNullException.ThrowIfNull(runs);
            var (incomplete, pairs, sum, variance) = (0, 0L, 0.0, 0.0);
            foreach (var r in runs)
            {
                incomplete += r.Pairs == r.Episodes && r.Pairs >= 2 ? 0 : 1;
                pairs += r.Pairs;
                sum += r.Sum;
                if (r.Pairs >= 2)
                {
                    var m = r.Sum / r.Pairs;
                    variance += r.Pairs * Math.Max(0, (r.SumSquares - r.Pairs * m * m) / (r.Pairs - 1));
                }
            }
            return new PairedSums(runs.Count, incomplete, pairs, sum, variance);
        }
    }

    /// <summary>Per-episode differences a − b in one run: count found, episodes the run holds, sum and sum of squares.</summary>
    public sealed record RunDifference(Guid RunId, int Pairs, int Episodes, double Sum, double SumSquares);

    /// <summary>A strategy's rank, whether it is shared, how it was decided and its difference to the rank's leader.</summary>
    public sealed record Rank(int Value, bool Shared, string Basis, (double Mean, double Low, double High)? VsLeader);

    /// <summary>Ranks by mean cost with ties; <paramref name="paired"/> returns per-run differences a − b when a and b share runs.</summary>
    public static Task<IReadOnlyDictionary<string, Rank>> AssignAsync(IReadOnlyList<Entry> entries,
        Func<Entry, Entry, Task<IReadOnlyList<RunDifference>>> paired)
    {
        ArgumentNullException.ThrowIfNull(paired);
        return AssignFromSumsAsync(entries, async (a, b) => PairedSums.From(await paired(a, b)));
    }

    /// <summary>Ranks by mean cost with ties; <paramref name="paired"/> returns the differences a − b summed over the runs
    /// holding both.</summary>
    public static async Task<IReadOnlyDictionary<string, Rank>> AssignFromSumsAsync(IReadOnlyList<Entry> entries,
        Func<Entry, Entry, Task<PairedSums>> paired)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(paired);
        var order = entries.OrderBy(e => e.Mean).ThenBy(e => e.StrategyId, StringComparer.Ordinal).ToList();
        var ranks = new Dictionary<string, Rank>(StringComparer.Ordinal);
        var done = 0;
        while (done < order.Count)
        {
            var leader = order.First(e => !ranks.ContainsKey(e.StrategyId));
            var rank = done + 1;
            var members = new List<(Entry Entry, string Basis, (double, double, double)? Diff)> { (leader, "leader", null) };
            foreach (var e in order.Where(e => !ranks.ContainsKey(e.StrategyId) && e != leader))
            {
                var (basis, diff) = await DifferenceFromSumsAsync(e, leader, paired);
                if (diff.Low <= 0 && diff.High >= 0) members.Add((e, basis, diff));
            }
            foreach (var (e, basis, diff) in members)
                ranks[e.StrategyId] = new Rank(rank, members.Count > 1, basis, diff);
            done += members.Count;
        }
        return ranks;
    }

    /// <summary>The difference a − b with its 95% interval: paired when both rest on the same runs of independent
    /// episodes that kept their episodes; else from the two intervals, difference ± √(h_a² + h_b²).</summary>
    public static Task<(string Basis, (double Mean, double Low, double High) Diff)> DifferenceAsync(Entry a, Entry b,
        Func<Entry, Entry, Task<IReadOnlyList<RunDifference>>> paired)
    {
        ArgumentNullException.ThrowIfNull(paired);
        return DifferenceFromSumsAsync(a, b, async (x, y) => PairedSums.From(await paired(x, y)));
    }

    /// <summary>The difference a − b with its 95% interval from per-episode differences summed over runs: paired when both
    /// rest on the same runs (every run of each holds both, with all of a's episodes and at least two), each counting
    /// episodes as units; else from the two intervals. The paired variance of the pooled mean is Σ(nᵣ/n)²·sᵣ²/nᵣ = Σnᵣsᵣ²/n².</summary>
    public static async Task<(string Basis, (double Mean, double Low, double High) Diff)> DifferenceFromSumsAsync(Entry a, Entry b,
        Func<Entry, Entry, Task<PairedSums>> paired)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(paired);
        if (a.EpisodeUnits && b.EpisodeUnits && a.RunCount == b.RunCount && a.RunCount > 0)
        {
            // Runs holding both are a subset of each one's runs: as many as either has means the same runs.
            var sums = await paired(a, b);
            if (sums.Runs == a.RunCount && sums.IncompleteRuns == 0 && sums.Pairs > 0)
            {
                var n = (double)sums.Pairs;
                var mean = sums.Sum / n;
                var half = Z95 * Math.Sqrt(sums.WeightedVariance / (n * n));
                return ("paired", (mean, mean - half, mean + half));
            }
        }
        var d = a.Mean - b.Mean;
        var h = Math.Sqrt(a.Half * a.Half + b.Half * b.Half);
        return ("intervals", (d, d - h, d + h));
    }
}
