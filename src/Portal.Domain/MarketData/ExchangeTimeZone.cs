namespace Portal.Domain.MarketData;

/// <summary>
/// The time zone of the clock a dataset's timestamps are written in. Datasets store times as nanoseconds since 1970 on
/// the exchange's own wall clock (a LOBSTER file counts seconds after midnight in New York; a Binance file counts
/// milliseconds in UTC), so a time of day read from a dataset is exchange time, and this zone names it.
/// </summary>
/// <remarks>
/// LOBSTER: "time is measured in seconds after midnight" of the trading day on NASDAQ, i.e. Eastern Time, daylight
/// saving included (LOBSTER_SampleFiles_ReadMe.txt, "Message file"); zone <c>America/New_York</c> of the IANA tz
/// database. Binance (and the generic CSV format) write Unix epoch times, which are UTC.
/// </remarks>
public static class ExchangeTimeZone
{
    /// <summary>IANA id of US equity exchanges' clock (NASDAQ, NYSE).</summary>
    public const string NewYork = "America/New_York";

    /// <summary>IANA id of UTC.</summary>
    public const string Utc = "UTC";

    /// <summary>The IANA time zone id of the clock a dataset of <paramref name="format"/> (<c>lobster</c> or <c>csv</c>) is written in.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is neither <c>lobster</c> nor <c>csv</c>.</exception>
    public static string Of(string format) => format?.ToLowerInvariant() switch
    {
        "lobster" => NewYork,
        "csv" => Utc,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "format must be lobster or csv."),
    };
}
