using System.Globalization;
using Portal.Application.Leaderboards;
using Portal.Data.Entities;

namespace Portal.Web.Features.Leaderboards;

/// <summary>
/// The leaderboard page's address: the query keys and values of <c>GET /api/leaderboards</c> (<c>regime</c>,
/// <c>strategy</c>, <c>size</c> and <c>horizon</c> as bucket names such as <c>UpTo5Pct</c> and <c>UpTo30Min</c>,
/// <c>order</c> = <c>MeanShortfall</c> or <c>RiskAdjusted</c>, 0-based <c>page</c>, <c>pageSize</c>), so that
/// <c>/api/leaderboards?…</c> with the page's query answers the rows the page shows.
/// </summary>
public static class LeaderboardAddress
{
    /// <summary>Reads the query (blank values already left out); every bad key gets a message naming it and what it accepts.</summary>
    public static ((LeaderboardFilter Filter, LeaderboardOrder Order, int Page, int PageSize) Address, IReadOnlyList<string> Errors) Parse(
        IReadOnlyDictionary<string, string> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var errors = new List<string>();
        T? Choice<T>(string key) where T : struct, System.Enum
        {
            if (!query.TryGetValue(key, out var v))
            {
                return null;
            }
            if (System.Enum.TryParse<T>(v, ignoreCase: true, out var parsed) && !int.TryParse(v, out _))
            {
                return parsed;
            }
            errors.Add($"{key} must be one of {string.Join(", ", System.Enum.GetNames<T>())}.");
            return null;
        }
        int Whole(string key, int fallback, int min, int max, string range)
        {
            if (!query.TryGetValue(key, out var v))
            {
                return fallback;
            }
            if (int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= min && i <= max)
            {
                return i;
            }
            errors.Add($"{key} must be a whole number {range}.");
            return fallback;
        }
        var filter = new LeaderboardFilter(query.GetValueOrDefault("regime"), Choice<SizeBucket>("size"), Choice<HorizonBucket>("horizon"),
            query.GetValueOrDefault("strategy"));
        var order = Choice<LeaderboardOrder>("order") ?? LeaderboardOrder.MeanShortfall;
        var page = Whole("page", 0, 0, int.MaxValue, "from 0 (the first page)");
        var pageSize = Whole("pageSize", LeaderboardsPage.DefaultPageSize, 1, 500, "from 1 to 500");
        return ((filter, order, page, pageSize), errors);
    }

    /// <summary>The page's address for a filter, order and page (keys at their default left out).</summary>
    public static string Href(LeaderboardFilter filter, LeaderboardOrder order, int page, int pageSize)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var parts = new List<string>();
        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add(key + "=" + Uri.EscapeDataString(value));
            }
        }
        Add("regime", filter.Regime);
        Add("size", filter.Size?.ToString());
        Add("horizon", filter.Horizon?.ToString());
        Add("strategy", filter.Strategy);
        Add("order", order == LeaderboardOrder.MeanShortfall ? null : order.ToString());
        Add("page", page == 0 ? null : page.ToString(CultureInfo.InvariantCulture));
        Add("pageSize", pageSize == LeaderboardsPage.DefaultPageSize ? null : pageSize.ToString(CultureInfo.InvariantCulture));
        return "/leaderboards" + (parts.Count > 0 ? "?" + string.Join('&', parts) : "");
    }
}
