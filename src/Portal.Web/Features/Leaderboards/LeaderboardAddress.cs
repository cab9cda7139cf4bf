using System.Globalization;
using Microsoft.Extensions.Primitives;
using Portal.Application.Leaderboards;
using Portal.Data.Entities;

namespace Portal.Web.Features.Leaderboards;

/// <summary>
/// The leaderboard's address: the query keys and values of <c>GET /api/leaderboards</c> and of the page
/// (<c>regime</c>, <c>strategy</c>, <c>size</c> and <c>horizon</c> as bucket names such as <c>UpTo5Pct</c> and
/// <c>UpTo30Min</c>, <c>order</c> = <c>MeanShortfall</c> or <c>RiskAdjusted</c>, 0-based <c>page</c>, <c>pageSize</c>).
/// <see cref="Parse"/> is the one reader of that query for both, so <c>/api/leaderboards?…</c> with the page's query
/// answers the rows the page shows (each with its own default page size).
/// </summary>
public static class LeaderboardAddress
{
    /// <summary>The largest page size either accepts.</summary>
    public const int MaxPageSize = 500;

    /// <summary>Reads a query: blank values are left out and values trimmed, key names are read regardless of case (as
    /// ASP.NET reads a query), a key given twice is read as its values joined by commas (and so refused where a single
    /// name or number is expected). Enumerations accept their names only (any case), not numbers or lists of names.</summary>
    /// <param name="query">The query's keys and values (<c>HttpRequest.Query</c>, or <c>QueryHelpers.ParseQuery</c> of an address).</param>
    /// <param name="defaultPageSize">Rows per page when the query does not say: the API's and the page's differ.</param>
    /// <returns>The address read, and per bad key (its query name) a message naming it and what it accepts; when any key
    /// is bad the address holds the defaults for the bad keys only.</returns>
    public static ((LeaderboardFilter Filter, LeaderboardOrder Order, int Page, int PageSize) Address, IReadOnlyDictionary<string, string> Errors) Parse(
        IEnumerable<KeyValuePair<string, StringValues>> query, int defaultPageSize)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(defaultPageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(defaultPageSize, MaxPageSize);
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in query)
        {
            var text = value.ToString();
            if (!string.IsNullOrWhiteSpace(text))
            {
                values[key] = text.Trim();
            }
        }
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        T? Choice<T>(string key) where T : struct, Enum
        {
            if (!values.TryGetValue(key, out var v))
            {
                return null;
            }
            foreach (var name in Enum.GetNames<T>())
            {
                if (string.Equals(name, v, StringComparison.OrdinalIgnoreCase))
                {
                    return Enum.Parse<T>(name);
                }
            }
            errors[key] = $"{key} must be one of {string.Join(", ", Enum.GetNames<T>())}.";
            return null;
        }
        int Whole(string key, int fallback, int min, int max, string range)
        {
            if (!values.TryGetValue(key, out var v))
            {
                return fallback;
            }
            if (int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) && i >= min && i <= max)
            {
                return i;
            }
            errors[key] = $"{key} must be a whole number {range}.";
            return fallback;
        }
        var filter = new LeaderboardFilter(values.GetValueOrDefault("regime"), Choice<SizeBucket>("size"), Choice<HorizonBucket>("horizon"),
            values.GetValueOrDefault("strategy"));
        var order = Choice<LeaderboardOrder>("order") ?? LeaderboardOrder.MeanShortfall;
        var page = Whole("page", 0, 0, int.MaxValue, "from 0 (the first page)");
        var pageSize = Whole("pageSize", defaultPageSize, 1, MaxPageSize, $"from 1 to {MaxPageSize}");
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
