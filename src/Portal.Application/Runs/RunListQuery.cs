using System.Globalization;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Application.Runs;

/// <summary>
/// Which runs to list. Every field is optional; the ones given must all hold. Sizes are in percent of ADV (as the
/// scenario's <c>order.sizePctAdv</c>), horizons in trading minutes, costs in basis points, times in UTC.
/// </summary>
public sealed record RunListFilter
{
    /// <summary>Part of the run's name or its scenario's name (case-insensitive).</summary>
    public string? Text { get; init; }
    /// <summary><c>buy</c> or <c>sell</c>.</summary>
    public string? Side { get; init; }
    public double? SizePctAdvMin { get; init; }
    public double? SizePctAdvMax { get; init; }
    public double? HorizonMinutesMin { get; init; }
    public double? HorizonMinutesMax { get; init; }
    /// <summary>Regime name (e.g. <c>normal</c>, <c>volatile</c>, <c>replay</c>).</summary>
    public string? Regime { get; init; }
    /// <summary>Impact-model family (e.g. <c>almgren-chriss</c>, <c>transient</c>).</summary>
    public string? ImpactModel { get; init; }
    /// <summary>Market source: <c>simulated</c> or <c>replay</c>.</summary>
    public string? Market { get; init; }
    public Guid? DatasetId { get; init; }
    public RunStatus? Status { get; init; }
    /// <summary>Id of the strategy with the lowest mean cost.</summary>
    public string? BestStrategy { get; init; }
    public double? BestMeanBpsMin { get; init; }
    public double? BestMeanBpsMax { get; init; }
    public double? TwapMeanBpsMin { get; init; }
    public double? TwapMeanBpsMax { get; init; }
    public double? RegretBpsMax { get; init; }
    public DateTime? CreatedFromUtc { get; init; }
    public DateTime? CreatedToUtc { get; init; }
    /// <summary>A tag the run carries.</summary>
    public string? Tag { get; init; }
}

/// <summary>One row of the runs list.</summary>
public sealed record RunListItem(
    Guid Id, string Name, string ScenarioName, string Status, double Progress, int Episodes, string CreatedBy, DateTime CreatedUtc,
    DateTime? FinishedUtc, IReadOnlyList<string> Tags, string? Side, double? SizePctAdv, double? HorizonMinutes, string Regime,
    string ImpactModel, string MarketSource, Guid? DatasetId, string? BestStrategyId, string? BestStrategyName, double? BestMeanBps,
    double? TwapMeanBps, double? RegretBps, bool IsOutOfSample);

/// <summary>One page of the runs list and how many runs match in all.</summary>
public sealed record RunListPage(IReadOnlyList<RunListItem> Items, int Total);

/// <summary>
/// The team's runs, filtered, sorted and paged in the database: every filter and sort key is a column of the run (copied
/// from the scenario and the results, see <c>RunHeadline</c>) with an index after the team id, so a team with 10,000
/// runs pages as fast as one with ten. Every sort, in either direction, has an index in its full order (migration
/// <c>RunListSortIndexes</c>: the key as <see cref="Sort"/> writes it, then newest first, then the id), so a sorted page
/// reads its runs in order and stops after the page instead of sorting every run that matches.
/// </summary>
public sealed class RunListQuery(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>Largest page.</summary>
    public const int MaxPageSize = 100;

    /// <summary>The sort keys (a leading <c>-</c> sorts descending); runs without a value sort last either way.</summary>
    public static IReadOnlyList<string> SortKeys { get; } =
        ["created", "name", "status", "side", "sizePctAdv", "horizonMinutes", "regime", "impactModel", "market", "episodes",
         "bestStrategy", "meanCostBps", "twapMeanBps", "regretBps", "finished"];

    /// <summary>One page of the team's runs.</summary>
    /// <param name="page">1-based page number; at least 1.</param>
    /// <param name="pageSize">Runs per page, 1 to <see cref="MaxPageSize"/>.</param>
    /// <param name="sort">A <see cref="SortKeys"/> entry, optionally with a leading <c>-</c>; newest first when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">page, pageSize or sort is out of range (the parameter is named).</exception>
    public async Task<RunListPage> ListAsync(Guid teamId, RunListFilter filter, int page = 1, int pageSize = 25, string? sort = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (page < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(page), page, "page is 1-based: it must be at least 1.");
        }
        if (pageSize is < 1 or > MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, $"pageSize must be between 1 and {MaxPageSize}.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Filter(db.Runs.AsNoTracking().Where(r => r.TeamId == teamId), filter);
        // The page and the count of every matching run in one statement (the count an uncorrelated subquery, which both
        // providers evaluate once): one round trip, parse and plan instead of two. Only the listed columns: not the
        // scenario, report or shard plan documents a page of runs would otherwise carry.
        var projection = Expression.Lambda<Func<Run, PageRow>>(
            Expression.New(PageRowConstructor, ListedColumns.Body, Expression.Call(CountMethod, query.Expression)), ListedColumns.Parameters);
        var rows = await Window(Sort(query, sort), page, pageSize).Select(projection).ToListAsync(ct);
        // A page past the last has no row to carry the count: only then is it a query of its own (the first page is empty
        // only when nothing matches).
        var total = rows.Count > 0 ? rows[0].Total : page == 1 ? 0 : await query.CountAsync(ct);
        return new RunListPage(rows.Select(r => ToItem(r.Run)).ToList(), total);
    }

    private sealed record PageRow(Run Run, int Total);

    /// <summary>The columns a list shows, as a run. Built once: written inline, the lambda's expression tree (a binding and a
    /// reflection lookup per column) would be built again on every request.</summary>
    private static readonly Expression<Func<Run, Run>> ListedColumns = r => new Run
    {
        Id = r.Id, Name = r.Name, ScenarioName = r.ScenarioName, ScenarioJson = "", Status = r.Status, Progress = r.Progress,
        Episodes = r.Episodes, CreatedBy = r.CreatedBy, CreatedUtc = r.CreatedUtc, FinishedUtc = r.FinishedUtc, Tags = r.Tags,
        Side = r.Side, SizePctAdv = r.SizePctAdv, HorizonMinutes = r.HorizonMinutes, Regime = r.Regime, ImpactFamily = r.ImpactFamily,
        MarketSource = r.MarketSource, DatasetId = r.DatasetId, BestStrategyId = r.BestStrategyId, BestStrategyName = r.BestStrategyName,
        BestMeanBps = r.BestMeanBps, TwapMeanBps = r.TwapMeanBps, BestRegretBps = r.BestRegretBps, IsOutOfSample = r.IsOutOfSample,
    };

    private static readonly System.Reflection.ConstructorInfo PageRowConstructor = typeof(PageRow).GetConstructor([typeof(Run), typeof(int)])!;
    private static readonly System.Reflection.MethodInfo CountMethod = new Func<IQueryable<Run>, int>(Queryable.Count).Method;

    /// <summary>One page of the team's runs, as a request read by <see cref="RunListRequest.Parse"/> (or built by the page) asks.</summary>
    public Task<RunListPage> ListAsync(Guid teamId, RunListRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ListAsync(teamId, request.Filter, request.Page, request.PageSize, request.Sort, ct);
    }

    /// <summary>The SQL of the page query (for checking its plan); the same filter, sort and paging as <see cref="ListAsync"/>,
    /// without the count of every matching run that <see cref="ListAsync"/> adds to each row.</summary>
    public static string ToSql(PortalDbContext db, Guid teamId, RunListFilter filter, string? sort, int page = 1, int pageSize = 25)
    {
        ArgumentNullException.ThrowIfNull(db);
        return Window(Sort(Filter(db.Runs.AsNoTracking().Where(r => r.TeamId == teamId), filter), sort), page, pageSize).ToQueryString();
    }

    /// <summary>Pages up to this one are written into the SQL as numbers (<c>LIMIT 25</c>), later ones as parameters.</summary>
    public const int InlinedPages = 4;

    /// <summary>
    /// The page's rows. The page size and, for the first <see cref="InlinedPages"/> pages, the offset are written into the
    /// statement as numbers: PostgreSQL then plans the prepared statement once per connection (a generic plan), while with
    /// <c>LIMIT $2 OFFSET $3</c> it guesses a tenth of the rows, costs the generic plan above a custom one and plans every
    /// execution again (0.3–0.6 ms on the runs table's 42 indexes). Later pages keep a parameter, so paging deep into a
    /// long list does not compile and prepare a statement per page.
    /// </summary>
    private static IQueryable<Run> Window(IQueryable<Run> q, int page, int pageSize)
    {
        var offset = (page - 1) * pageSize;
        if (page > InlinedPages)
        {
            return q.Skip(offset).Take(pageSize);
        }
        var skipped = offset == 0 ? q : Call(q, SkipMethod, offset);
        return Call(skipped, TakeMethod, pageSize);
    }

    private static readonly System.Reflection.MethodInfo SkipMethod =
        new Func<IQueryable<Run>, int, IQueryable<Run>>(Queryable.Skip).Method;
    private static readonly System.Reflection.MethodInfo TakeMethod =
        new Func<IQueryable<Run>, int, IQueryable<Run>>(Queryable.Take).Method;
    private static readonly System.Reflection.MethodInfo ConstantMethod = new Func<int, int>(EF.Constant).Method;

    /// <summary><c>Queryable.Skip</c> or <c>Take</c> with its count given as <c>EF.Constant(count)</c>, which EF Core writes
    /// into the SQL (it sends any other count, a constant of the expression included, as a parameter). The call is built
    /// as an expression because <c>Skip</c> and <c>Take</c> take the count itself, not a lambda that could hold the call;
    /// the methods are looked up once, not on every page.</summary>
    private static IQueryable<Run> Call(IQueryable<Run> q, System.Reflection.MethodInfo method, int count) => q.Provider.CreateQuery<Run>(
        Expression.Call(method, q.Expression, Expression.Call(ConstantMethod, Expression.Constant(count))));

    private static RunListItem ToItem(Run r) => new(
        r.Id, r.DisplayName, r.ScenarioName, r.Status.ToString(), r.Progress, r.Episodes, r.CreatedBy, r.CreatedUtc, r.FinishedUtc,
        RunTags.Split(r.Tags), r.Side, r.SizePctAdv, r.HorizonMinutes, r.Regime, r.ImpactFamily, r.MarketSource, r.DatasetId,
        r.BestStrategyId, r.BestStrategyName, r.BestMeanBps, r.TwapMeanBps, r.BestRegretBps, r.IsOutOfSample);

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    internal static IQueryable<Run> Filter(IQueryable<Run> q, RunListFilter f)
    {
        if (!string.IsNullOrWhiteSpace(f.Text))
        {
            var pattern = "%" + Escape(f.Text.Trim().ToLowerInvariant()) + "%";
            q = q.Where(r => EF.Functions.Like((r.Name ?? r.ScenarioName).ToLower(), pattern, "\\") || EF.Functions.Like(r.ScenarioName.ToLower(), pattern, "\\"));
        }
        if (!string.IsNullOrWhiteSpace(f.Side))
        {
            var side = f.Side.Trim().ToLowerInvariant();
            q = q.Where(r => r.Side == side);
        }
        if (f.SizePctAdvMin is { } sMin) q = q.Where(r => r.SizePctAdv >= sMin);
        if (f.SizePctAdvMax is { } sMax) q = q.Where(r => r.SizePctAdv <= sMax);
        if (f.HorizonMinutesMin is { } hMin) q = q.Where(r => r.HorizonMinutes >= hMin);
        if (f.HorizonMinutesMax is { } hMax) q = q.Where(r => r.HorizonMinutes <= hMax);
        if (!string.IsNullOrWhiteSpace(f.Regime))
        {
            var regime = f.Regime.Trim().ToLowerInvariant();
            q = q.Where(r => r.Regime == regime);
        }
        if (!string.IsNullOrWhiteSpace(f.ImpactModel))
        {
            var impact = f.ImpactModel.Trim().ToLowerInvariant();
            q = q.Where(r => r.ImpactFamily == impact);
        }
        if (!string.IsNullOrWhiteSpace(f.Market))
        {
            var market = f.Market.Trim().ToLowerInvariant();
            q = q.Where(r => r.MarketSource.StartsWith(market));
        }
        if (f.DatasetId is { } dataset) q = q.Where(r => r.DatasetId == dataset);
        if (f.Status is { } status) q = q.Where(r => r.Status == status);
        if (!string.IsNullOrWhiteSpace(f.BestStrategy))
        {
            var best = f.BestStrategy.Trim();
            q = q.Where(r => r.BestStrategyId == best);
        }
        if (f.BestMeanBpsMin is { } bMin) q = q.Where(r => r.BestMeanBps >= bMin);
        if (f.BestMeanBpsMax is { } bMax) q = q.Where(r => r.BestMeanBps <= bMax);
        if (f.TwapMeanBpsMin is { } tMin) q = q.Where(r => r.TwapMeanBps >= tMin);
        if (f.TwapMeanBpsMax is { } tMax) q = q.Where(r => r.TwapMeanBps <= tMax);
        if (f.RegretBpsMax is { } rMax) q = q.Where(r => r.BestRegretBps <= rMax);
        if (f.CreatedFromUtc is { } from) q = q.Where(r => r.CreatedUtc >= from);
        if (f.CreatedToUtc is { } to) q = q.Where(r => r.CreatedUtc < to);
        if (!string.IsNullOrWhiteSpace(f.Tag))
        {
            var tag = "%|" + Escape(f.Tag.Trim().ToLowerInvariant()) + "|%";
            q = q.Where(r => r.Tags != null && EF.Functions.Like(r.Tags, tag, "\\"));
        }
        return q;
    }

    /// <summary>Why a sort was refused: the keys it may name.</summary>
    public static string SortMessage { get; } =
        $"sort must be one of {string.Join(", ", SortKeys)}, optionally with a leading '-' for descending order.";

    /// <summary>Parses a sort (<c>-created</c>, <c>meanCostBps</c>...) into its key and direction.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The key is not one of <see cref="SortKeys"/>.</exception>
    public static (string Key, bool Descending) ParseSort(string? sort) =>
        TryParseSort(sort, out var key, out var descending) ? (key, descending) : throw new ArgumentOutOfRangeException(nameof(sort), sort, SortMessage);

    /// <summary>Parses a sort into its key and direction (newest first when blank); false when the key is not one of <see cref="SortKeys"/>.</summary>
    public static bool TryParseSort(string? sort, out string key, out bool descending)
    {
        if (string.IsNullOrWhiteSpace(sort))
        {
            (key, descending) = ("created", true);
            return true;
        }
        var s = sort.Trim();
        descending = s.StartsWith('-');
        var name = s.TrimStart('-', '+');
        key = SortKeys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)) ?? "";
        return key.Length > 0;
    }

    // Each order here has an index written for it (RunListSortIndexes); a new key or tie-breaker needs one too, and
    // RunListQueryTests.With_10000_runs_the_page_queries_use_the_team_indexes checks every key's plan on both providers.
    private static IQueryable<Run> Sort(IQueryable<Run> q, string? sort)
    {
        var (key, descending) = ParseSort(sort);
        IOrderedQueryable<Run> ordered = key switch
        {
            "created" => By(q, r => r.CreatedUtc, descending),
            "name" => By(q, r => r.Name, descending),
            "status" => By(q, r => r.Status, descending),
            "side" => NullsLast(q, r => r.Side, descending),
            "sizePctAdv" => NullsLast(q, r => r.SizePctAdv, descending),
            "horizonMinutes" => NullsLast(q, r => r.HorizonMinutes, descending),
            "regime" => By(q, r => r.Regime, descending),
            "impactModel" => By(q, r => r.ImpactFamily, descending),
            "market" => By(q, r => r.MarketSource, descending),
            "episodes" => By(q, r => r.Episodes, descending),
            "bestStrategy" => NullsLast(q, r => r.BestStrategyName, descending),
            "meanCostBps" => NullsLast(q, r => r.BestMeanBps, descending),
            "twapMeanBps" => NullsLast(q, r => r.TwapMeanBps, descending),
            "regretBps" => NullsLast(q, r => r.BestRegretBps, descending),
            "finished" => NullsLast(q, r => r.FinishedUtc, descending),
            _ => throw new ArgumentOutOfRangeException(nameof(sort), sort, "Unknown sort key."),
        };
        // A unique last key keeps pages stable when many runs share a value.
        return key == "created" ? ordered.ThenBy(r => r.Id) : ordered.ThenByDescending(r => r.CreatedUtc).ThenBy(r => r.Id);
    }

    private static IOrderedQueryable<Run> By<T>(IQueryable<Run> q, Expression<Func<Run, T>> key, bool descending) =>
        descending ? q.OrderByDescending(key) : q.OrderBy(key);

    /// <summary>Runs without a value (still running, or stored before the column existed) last in either direction, on
    /// both providers (SQLite sorts nulls first, PostgreSQL last).</summary>
    private static IOrderedQueryable<Run> NullsLast<T>(IQueryable<Run> q, Expression<Func<Run, T>> key, bool descending)
    {
        var isNull = Expression.Lambda<Func<Run, bool>>(Expression.Equal(key.Body, Expression.Constant(null, typeof(T))), key.Parameters);
        var byNull = q.OrderBy(isNull);
        return descending ? byNull.ThenByDescending(key) : byNull.ThenBy(key);
    }
}
