using System.Globalization;
using Portal.Data.Entities;

namespace Portal.Application.Runs;

/// <summary>
/// One request for the runs list, as the API's query string (<c>GET /api/runs</c>) and the runs page's address
/// (<c>/runs?…</c>) both write it: the filter, the sort and the page. <see cref="Parse"/> is the only reader of that query
/// string and <see cref="ToQuery"/> its only writer, so a link copied from the page answers the same runs from the API.
/// </summary>
/// <param name="Filter">Which runs to list.</param>
/// <param name="Page">1-based page number.</param>
/// <param name="PageSize">Runs per page, 1 to <see cref="RunListQuery.MaxPageSize"/>.</param>
/// <param name="Sort">A <see cref="RunListQuery.SortKeys"/> entry, <c>-</c> in front for descending; null for newest first.</param>
public sealed record RunListRequest(RunListFilter Filter, int Page = 1, int PageSize = RunListRequest.DefaultPageSize, string? Sort = null)
{
    /// <summary>Runs per page when the request does not say.</summary>
    public const int DefaultPageSize = 25;

    /// <summary>Every query parameter the runs list reads, in the order <see cref="ToQuery"/> writes them.</summary>
    public static IReadOnlyList<string> Parameters { get; } =
    [
        "q", "side", "sizePctAdvMin", "sizePctAdvMax", "horizonMinutesMin", "horizonMinutesMax", "regime", "impactModel", "market",
        "datasetId", "status", "bestStrategy", "meanCostBpsMin", "meanCostBpsMax", "twapMeanBpsMin", "twapMeanBpsMax", "regretBpsMax",
        "createdFrom", "createdTo", "tag", "sort", "page", "pageSize",
    ];

    /// <summary>
    /// Reads a runs-list query string (parameter names as in <see cref="Parameters"/>, case-sensitive; blank values count as
    /// absent; parameters the list does not read are ignored). Every bad parameter gets one message naming it and what it
    /// accepts; the request is null exactly when there is one.
    /// </summary>
    public static RunListParse Parse(IEnumerable<KeyValuePair<string, string?>> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in query)
        {
            if (!string.IsNullOrWhiteSpace(value) && !values.ContainsKey(key))
            {
                values[key] = value.Trim();
            }
        }

        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        string? Str(string name) => values.GetValueOrDefault(name);

        string? Choice(string name, params string[] allowed) => Str(name) is { } v
            ? allowed.FirstOrDefault(a => string.Equals(a, v, StringComparison.OrdinalIgnoreCase)) ?? Fail<string>(name, $"{name} must be one of {string.Join(", ", allowed)}.")
            : null;

        double? Number(string name) => Str(name) is { } v
            ? double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d
                : Fail<double?>(name, $"{name} must be a number (invariant format, e.g. 2.5).")
            : null;

        int? Whole(string name) => Str(name) is { } v
            ? int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : Fail<int?>(name, $"{name} must be a whole number.")
            : null;

        DateTime? Date(string name) => Str(name) is { } v
            ? DateTime.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t
                : Fail<DateTime?>(name, $"{name} must be a UTC date or time (ISO 8601, e.g. 2026-01-31 or 2026-01-31T14:00:00Z).")
            : null;

        T? Fail<T>(string name, string message)
        {
            errors[name] = message;
            return default;
        }

        var filter = new RunListFilter
        {
            Text = Str("q"),
            Side = Choice("side", "buy", "sell"),
            SizePctAdvMin = Number("sizePctAdvMin"),
            SizePctAdvMax = Number("sizePctAdvMax"),
            HorizonMinutesMin = Number("horizonMinutesMin"),
            HorizonMinutesMax = Number("horizonMinutesMax"),
            Regime = Str("regime"),
            ImpactModel = Str("impactModel"),
            Market = Choice("market", "simulated", "replay"),
            DatasetId = Str("datasetId") is { } d
                ? Guid.TryParse(d, out var g) ? g : Fail<Guid?>("datasetId", "datasetId must be a dataset id (a GUID).")
                : null,
            Status = Str("status") is { } s
                ? Enum.TryParse<RunStatus>(s, ignoreCase: true, out var st) && !int.TryParse(s, out _) ? st
                    : Fail<RunStatus?>("status", $"status must be one of {string.Join(", ", Enum.GetNames<RunStatus>())}.")
                : null,
            BestStrategy = Str("bestStrategy"),
            BestMeanBpsMin = Number("meanCostBpsMin"),
            BestMeanBpsMax = Number("meanCostBpsMax"),
            TwapMeanBpsMin = Number("twapMeanBpsMin"),
            TwapMeanBpsMax = Number("twapMeanBpsMax"),
            RegretBpsMax = Number("regretBpsMax"),
            CreatedFromUtc = Date("createdFrom"),
            CreatedToUtc = Date("createdTo"),
            Tag = Str("tag"),
        };

        var page = Whole("page") ?? 1;
        if (!errors.ContainsKey("page") && page < 1)
        {
            errors["page"] = "page is 1-based: it must be at least 1.";
        }
        var pageSize = Whole("pageSize") ?? DefaultPageSize;
        if (!errors.ContainsKey("pageSize") && pageSize is < 1 or > RunListQuery.MaxPageSize)
        {
            errors["pageSize"] = $"pageSize must be between 1 and {RunListQuery.MaxPageSize}.";
        }
        var sort = Str("sort");
        if (sort is not null && !RunListQuery.TryParseSort(sort, out _, out _))
        {
            errors["sort"] = RunListQuery.SortMessage;
        }

        return errors.Count > 0
            ? new RunListParse(null, errors)
            : new RunListParse(new RunListRequest(filter, page, pageSize, sort), errors);
    }

    /// <summary>The query string parameters of this request (only those that differ from the defaults), in the order of
    /// <see cref="Parameters"/>; <see cref="Parse"/> reads them back to an equal request.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToQuery()
    {
        var f = Filter;
        var list = new List<KeyValuePair<string, string>>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                list.Add(new(name, value.Trim()));
            }
        }
        static string? N(double? v) => v?.ToString("R", CultureInfo.InvariantCulture);
        static string? T(DateTime? v) => v?.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

        Add("q", f.Text);
        Add("side", f.Side);
        Add("sizePctAdvMin", N(f.SizePctAdvMin));
        Add("sizePctAdvMax", N(f.SizePctAdvMax));
        Add("horizonMinutesMin", N(f.HorizonMinutesMin));
        Add("horizonMinutesMax", N(f.HorizonMinutesMax));
        Add("regime", f.Regime);
        Add("impactModel", f.ImpactModel);
        Add("market", f.Market);
        Add("datasetId", f.DatasetId?.ToString());
        Add("status", f.Status?.ToString());
        Add("bestStrategy", f.BestStrategy);
        Add("meanCostBpsMin", N(f.BestMeanBpsMin));
        Add("meanCostBpsMax", N(f.BestMeanBpsMax));
        Add("twapMeanBpsMin", N(f.TwapMeanBpsMin));
        Add("twapMeanBpsMax", N(f.TwapMeanBpsMax));
        Add("regretBpsMax", N(f.RegretBpsMax));
        Add("createdFrom", T(f.CreatedFromUtc));
        Add("createdTo", T(f.CreatedToUtc));
        Add("tag", f.Tag);
        Add("sort", Sort);
        if (Page != 1) Add("page", Page.ToString(CultureInfo.InvariantCulture));
        if (PageSize != DefaultPageSize) Add("pageSize", PageSize.ToString(CultureInfo.InvariantCulture));
        return list;
    }

    /// <summary><see cref="ToQuery"/> as an escaped query string without the leading <c>?</c> (empty for the defaults).</summary>
    public string ToQueryString() =>
        string.Join('&', ToQuery().Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
}

/// <summary>What <see cref="RunListRequest.Parse"/> read: the request, or one message per bad parameter.</summary>
/// <param name="Request">The request; null when <paramref name="Errors"/> holds anything.</param>
/// <param name="Errors">Per bad parameter (its query name), why it was refused.</param>
public sealed record RunListParse(RunListRequest? Request, IReadOnlyDictionary<string, string> Errors)
{
    /// <summary>True when every parameter was read.</summary>
    public bool IsValid => Request is not null;

    /// <summary>The errors as ASP.NET's validation problem wants them (one message per parameter).</summary>
    public IDictionary<string, string[]> ToValidationErrors() => Errors.ToDictionary(e => e.Key, e => new[] { e.Value });
}
