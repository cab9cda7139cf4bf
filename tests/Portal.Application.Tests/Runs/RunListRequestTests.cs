using Portal.Application.Runs;
using Portal.Data.Entities;

namespace Portal.Application.Tests.Runs;

/// <summary>The one reader of the runs list's query string (API and page): every parameter, one message per bad one, and a
/// writer whose output it reads back unchanged.</summary>
public sealed class RunListRequestTests
{
    private static RunListParse Parse(params (string Key, string? Value)[] query) =>
        RunListRequest.Parse(query.Select(q => new KeyValuePair<string, string?>(q.Key, q.Value)));

    [Fact]
    public void An_empty_query_is_the_first_page_of_25_newest_first_without_filters()
    {
        var parse = Parse();

        Assert.True(parse.IsValid);
        Assert.Equal(new RunListRequest(new RunListFilter(), 1, 25, null), parse.Request);
        Assert.Empty(parse.Errors);
        Assert.Equal("", parse.Request!.ToQueryString());
    }

    [Fact]
    public void Every_parameter_is_read_into_its_field()
    {
        var dataset = Guid.NewGuid();
        var parse = Parse(("q", " sell "), ("side", "SELL"), ("sizePctAdvMin", "1.5"), ("sizePctAdvMax", "10"), ("horizonMinutesMin", "30"),
            ("horizonMinutesMax", "120"), ("regime", "volatile"), ("impactModel", "transient"), ("market", "Replay"), ("datasetId", dataset.ToString()),
            ("status", "succeeded"), ("bestStrategy", "twap"), ("meanCostBpsMin", "-2"), ("meanCostBpsMax", "40"), ("twapMeanBpsMin", "1"),
            ("twapMeanBpsMax", "50"), ("regretBpsMax", "0.5"), ("createdFrom", "2026-01-31"), ("createdTo", "2026-02-01T14:00:00Z"),
            ("tag", "q4"), ("sort", "-meanCostBps"), ("page", "3"), ("pageSize", "50"), ("unrelated", "ignored"));

        var expected = new RunListRequest(new RunListFilter
        {
            Text = "sell", Side = "sell", SizePctAdvMin = 1.5, SizePctAdvMax = 10, HorizonMinutesMin = 30, HorizonMinutesMax = 120,
            Regime = "volatile", ImpactModel = "transient", Market = "replay", DatasetId = dataset, Status = RunStatus.Succeeded,
            BestStrategy = "twap", BestMeanBpsMin = -2, BestMeanBpsMax = 40, TwapMeanBpsMin = 1, TwapMeanBpsMax = 50, RegretBpsMax = 0.5,
            CreatedFromUtc = new DateTime(2026, 1, 31, 0, 0, 0, DateTimeKind.Utc), CreatedToUtc = new DateTime(2026, 2, 1, 14, 0, 0, DateTimeKind.Utc),
            Tag = "q4",
        }, 3, 50, "-meanCostBps");
        Assert.Equal(expected, parse.Request);
        Assert.Equal(DateTimeKind.Utc, parse.Request!.Filter.CreatedToUtc!.Value.Kind);
    }

    [Fact]
    public void What_the_writer_writes_the_reader_reads_back_unchanged()
    {
        var request = new RunListRequest(new RunListFilter
        {
            Text = "a & b=c", Side = "buy", SizePctAdvMin = 0.1 + 0.2, HorizonMinutesMax = 60, Market = "simulated", DatasetId = Guid.NewGuid(),
            Status = RunStatus.Failed, BestMeanBpsMax = 12.345678901234567, RegretBpsMax = -1e-7,
            CreatedFromUtc = new DateTime(2026, 3, 4, 5, 6, 7, 891, DateTimeKind.Utc), Tag = "desk/q4",
        }, 2, 10, "regretBps");

        var back = RunListRequest.Parse(request.ToQuery().Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)));

        Assert.Equal(request, back.Request);
        Assert.All(request.ToQuery(), p => Assert.Contains(p.Key, RunListRequest.Parameters));
    }

    public static TheoryData<string, string, string> BadValues => new()
    {
        { "side", "short", "side must be one of buy, sell." },
        { "market", "live", "market must be one of simulated, replay." },
        { "datasetId", "42", "datasetId must be a dataset id (a GUID)." },
        { "status", "done", "status must be one of Queued, Running, Succeeded, Failed, Cancelled." },
        { "status", "2", "status must be one of Queued, Running, Succeeded, Failed, Cancelled." },
        { "sizePctAdvMin", "five", "sizePctAdvMin must be a number (invariant format, e.g. 2.5)." },
        { "sizePctAdvMax", "1,5", "sizePctAdvMax must be a number (invariant format, e.g. 2.5)." },
        { "horizonMinutesMin", "NaN", "horizonMinutesMin must be a number (invariant format, e.g. 2.5)." },
        { "horizonMinutesMax", "Infinity", "horizonMinutesMax must be a number (invariant format, e.g. 2.5)." },
        { "meanCostBpsMin", "x", "meanCostBpsMin must be a number (invariant format, e.g. 2.5)." },
        { "meanCostBpsMax", "x", "meanCostBpsMax must be a number (invariant format, e.g. 2.5)." },
        { "twapMeanBpsMin", "x", "twapMeanBpsMin must be a number (invariant format, e.g. 2.5)." },
        { "twapMeanBpsMax", "x", "twapMeanBpsMax must be a number (invariant format, e.g. 2.5)." },
        { "regretBpsMax", "x", "regretBpsMax must be a number (invariant format, e.g. 2.5)." },
        { "createdFrom", "yesterday", "createdFrom must be a UTC date or time (ISO 8601, e.g. 2026-01-31 or 2026-01-31T14:00:00Z)." },
        { "createdTo", "31/01/2026", "createdTo must be a UTC date or time (ISO 8601, e.g. 2026-01-31 or 2026-01-31T14:00:00Z)." },
        { "page", "0", "page is 1-based: it must be at least 1." },
        { "page", "one", "page must be a whole number." },
        { "pageSize", "101", "pageSize must be between 1 and 100." },
        { "pageSize", "0", "pageSize must be between 1 and 100." },
        { "pageSize", "2.5", "pageSize must be a whole number." },
        { "sort", "cheapest", "sort must be one of created, name, status, side, sizePctAdv, horizonMinutes, regime, impactModel, market, episodes, bestStrategy, meanCostBps, twapMeanBps, regretBps, finished, optionally with a leading '-' for descending order." },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void A_bad_parameter_is_refused_with_one_message_that_names_it(string name, string value, string message)
    {
        var parse = Parse((name, value), ("tag", "fine"));

        Assert.False(parse.IsValid);
        Assert.Null(parse.Request);
        Assert.Equal([new KeyValuePair<string, string>(name, message)], parse.Errors);
        Assert.Equal([message], parse.ToValidationErrors()[name]);
    }

    [Fact]
    public void Several_bad_parameters_get_one_message_each()
    {
        var parse = Parse(("side", "short"), ("page", "0"), ("pageSize", "1000"), ("sort", "-nope"), ("q", "anything"));

        Assert.Equal(["page", "pageSize", "side", "sort"], parse.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Blank_values_count_as_absent()
    {
        var parse = Parse(("side", " "), ("page", ""), ("sort", null));

        Assert.Equal(new RunListRequest(new RunListFilter()), parse.Request);
    }
}
