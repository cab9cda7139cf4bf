using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Datasets;
using Portal.Domain.MarketData;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;

namespace Portal.Application.Reports;

/// <summary>
/// What a replay scenario actually trades: the recorded dataset (name, instrument, day), the segment and its time window on
/// the exchange's clock, the ADV measured from the recording and the order it sizes, and the recorded mid prices. The
/// scenario's own market block (arrival price, ADV, impact model) does not apply to a replay and is not shown for it.
/// </summary>
/// <param name="DatasetName">Name the team gave the dataset.</param>
/// <param name="Instrument">Instrument recorded.</param>
/// <param name="TradingDate">Day of the recording.</param>
/// <param name="Segment">The segment replayed (all, train or test).</param>
/// <param name="RecordingFrom">First event of the recording (exchange time).</param>
/// <param name="RecordingTo">Last event of the recording (exchange time).</param>
/// <param name="SegmentFrom">Start of the segment episode windows are drawn from (exchange time).</param>
/// <param name="SegmentTo">End of that segment (exchange time).</param>
/// <param name="AdvShares">ADV the order is sized from: the recording's volume scaled to a session, or the scenario's override.</param>
/// <param name="QuantityShares">The parent order in shares (size % × ADV).</param>
/// <param name="FirstMid">Recorded mid at the segment's start (currency).</param>
/// <param name="LowMid">Lowest recorded mid in the segment.</param>
/// <param name="HighMid">Highest recorded mid in the segment.</param>
public sealed record ReplayDescription(string DatasetName, string Instrument, DateOnly TradingDate, ReplaySegment Segment,
    DateTime RecordingFrom, DateTime RecordingTo, DateTime SegmentFrom, DateTime SegmentTo,
    double AdvShares, double QuantityShares, double FirstMid, double LowMid, double HighMid)
{
    /// <summary>IANA id of the exchange clock the recording's times are written in (<see cref="ExchangeTimeZone"/>).</summary>
    public string TimeZone { get; init; } = ExchangeTimeZone.Utc;

    /// <summary>Exchange time at which every episode's window starts, when they all start together (one window, or a
    /// segment exactly one horizon long); null when windows are spread over the segment.</summary>
    public DateTime? CommonWindowStart { get; init; }

    /// <summary>The clock of a run on this replay with <paramref name="stepMinutes"/> per step: the exchange's clock when every
    /// window starts at the same time, otherwise minutes from each window's start.</summary>
    public SessionClock Clock(double stepMinutes) => CommonWindowStart is { } start
        ? SessionClock.Exchange(TimeZone, DateOnly.FromDateTime(start), TimeOnly.FromDateTime(start), stepMinutes)
        : SessionClock.Minutes(stepMinutes, SessionClock.WindowStart);

    /// <summary>Describes <paramref name="scenario"/>'s replay against its loaded dataset.</summary>
    /// <exception cref="ArgumentException">The scenario is not a replay, or the dataset has no trades to size the order from.</exception>
    public static ReplayDescription Of(Scenario scenario, string datasetName, MarketDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(dataset);
        var replay = scenario.Replay ?? throw new ArgumentException("The scenario does not replay a dataset.", nameof(scenario));
        var summary = dataset.Summary;
        var firstBook = dataset.Book.Count > 0 ? dataset.Book.Times[0] : summary.StartTimeNs;
        var (from, to) = ReplayRunner.SegmentRange(summary.StartTimeNs, summary.EndTimeNs, firstBook, replay.Options);
        var plan = new RecordedMarket(dataset, replay.Options).Plan(scenario);
        double first = double.NaN, low = double.PositiveInfinity, high = double.NegativeInfinity;
        var times = dataset.Book.Times;
        for (var i = 0; i < times.Length; i++)
        {
            if (times[i] < from || times[i] > to) continue;
            var mid = dataset.Book.Mid(i);
            if (!double.IsFinite(mid)) continue;
            if (double.IsNaN(first)) first = mid;
            low = Math.Min(low, mid);
            high = Math.Max(high, mid);
        }

        DateTime? common = null;
        var windows = ReplayRunner.Windows(scenario, dataset, replay.Options);
        if (windows.Count > 0 && windows.All(w => w.StartNs == windows[0].StartNs))
        {
            common = ExchangeClock(windows[0].StartNs);
        }

        return new ReplayDescription(datasetName, summary.Instrument, summary.Date, replay.Options.Segment,
            ExchangeClock(summary.StartTimeNs), ExchangeClock(summary.EndTimeNs), ExchangeClock(from), ExchangeClock(to),
            plan.Quantity / (scenario.Order.SizePctAdv / 100), plan.Quantity, first, low, high)
        {
            TimeZone = ExchangeTimeZone.Of(summary.Format),
            CommonWindowStart = common,
        };
    }

    /// <summary>Nanoseconds since 1970 on the exchange's clock as a wall-clock time (no zone: it is the exchange's own).</summary>
    private static DateTime ExchangeClock(long ns) => DateTime.SpecifyKind(DateTime.UnixEpoch.AddTicks(ns / 100), DateTimeKind.Unspecified);

    /// <summary>Loads the team's dataset of a replay scenario and describes it; null when the dataset is gone.</summary>
    public static async Task<ReplayDescription?> LoadAsync(IDbContextFactory<PortalDbContext> dbFactory, Guid teamId, Scenario scenario, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dbFactory);
        ArgumentNullException.ThrowIfNull(scenario);
        if (scenario.Replay is not { } replay) return null;
        var dataset = await new DatasetStore(dbFactory).LoadAsync(teamId, replay.DatasetId, ct);
        if (dataset is null) return null;
        string name;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            name = await db.Datasets.AsNoTracking().Where(d => d.Id == replay.DatasetId && d.TeamId == teamId).Select(d => d.Name).SingleOrDefaultAsync(ct)
                ?? replay.DatasetId.ToString();
        }
        try
        {
            return Of(scenario, name, dataset);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The rows the report and the scenario page print for the replay, values with their units.</summary>
    public IReadOnlyList<ReportParameter> Parameters()
    {
        static string T(DateTime t) => t.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        static string P(double p) => double.IsFinite(p) ? p.ToString("F2", CultureInfo.InvariantCulture) : "–";
        return
        [
            new("Replayed dataset", $"{DatasetName} ({Instrument}, {TradingDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)})"),
            new("Recording (exchange time)", $"{T(RecordingFrom)}–{T(RecordingTo)}"),
            new("Replay segment (exchange time)", $"{Segment}: {T(SegmentFrom)}–{T(SegmentTo)}"),
            new("Exchange clock", $"{TimeZone}: times of day above are the exchange's, not UTC"),
            new("Quantity (shares)", QuantityShares.ToString("N0", CultureInfo.InvariantCulture)),
            new("ADV (shares, from the recording)", AdvShares.ToString("N0", CultureInfo.InvariantCulture)),
            new("Recorded mid (currency)", $"{P(FirstMid)} at the segment start, range {P(LowMid)}–{P(HighMid)}"),
        ];
    }
}
