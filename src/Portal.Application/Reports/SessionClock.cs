using System.Globalization;
using System.Text.Json.Serialization;

namespace Portal.Application.Reports;

/// <summary>
/// How a time axis reads: the session clock of the exchange ("09:30" … "16:00", its time zone named on the axis) when the
/// times are known on a calendar, minutes from the start ("min") when they are not, and decision steps only for reports
/// frozen before the step length was recorded. Built once with the report (<see cref="RunReport.Clock"/>), so the run page,
/// its episode explorer and the PDF label their axes alike.
/// </summary>
/// <remarks>
/// Exchange time is the exchange's wall clock, not UTC: a LOBSTER day of NASDAQ runs 09:30–16:00 America/New_York, which
/// is 13:30–20:00 UTC in summer (EDT, UTC−4) and 14:30–21:00 UTC in winter (EST, UTC−5). <see cref="ToUtc"/> converts
/// with the IANA tz database, so daylight saving is honoured.
/// </remarks>
/// <param name="StepMinutes">Trading minutes per decision step; 0 when not recorded (the axis then counts steps). Allowed: [0, 1440].</param>
/// <param name="OriginMinutes">Where step 0 lies on the axis: minutes after the exchange's midnight when <paramref name="TimeZone"/>
/// is given, otherwise 0 (minutes are counted from the start). Allowed: [0, 2880).</param>
/// <param name="TimeZone">IANA id of the exchange's clock (e.g. <c>America/New_York</c>), or null without a calendar.</param>
/// <param name="Date">The trading day, when known (needed to convert to UTC).</param>
/// <param name="Start">What the minutes count from when there is no calendar, e.g. "the order's start".</param>
public sealed record SessionClock(double StepMinutes, double OriginMinutes = 0, string? TimeZone = null, DateOnly? Date = null, string Start = SessionClock.OrderStart)
{
    /// <summary>What minutes count from in a simulated run.</summary>
    public const string OrderStart = "the order's start";

    /// <summary>What minutes count from in a replay whose episodes trade different windows.</summary>
    public const string WindowStart = "each window's start";

    /// <summary>Clock steps (minutes) the axis ticks may use, smallest first.</summary>
    private static readonly double[] TickSteps = [1, 2, 5, 10, 15, 30, 60, 120, 180, 240, 360, 720, 1440];

    /// <summary>Trading minutes per decision step; 0 when not recorded.</summary>
    public double StepMinutes { get; } = double.IsFinite(StepMinutes) && StepMinutes is >= 0 and <= 1440
        ? StepMinutes
        : throw new ArgumentOutOfRangeException(nameof(StepMinutes), StepMinutes, "StepMinutes must be in [0, 1440].");

    /// <summary>Where step 0 lies on the axis (minutes after the exchange's midnight, or 0 without a calendar).</summary>
    public double OriginMinutes { get; } = double.IsFinite(OriginMinutes) && OriginMinutes is >= 0 and < 2880 && (TimeZone is not null || OriginMinutes == 0)
        ? OriginMinutes
        : throw new ArgumentOutOfRangeException(nameof(OriginMinutes), OriginMinutes, "OriginMinutes must be in [0, 2880) with a time zone, and 0 without one.");

    /// <summary>IANA id of the exchange's clock; one this machine's tz database knows, or null.</summary>
    public string? TimeZone { get; } = TimeZone is null || TryZone(TimeZone) is not null
        ? TimeZone
        : throw new ArgumentOutOfRangeException(nameof(TimeZone), TimeZone, "TimeZone must be an IANA time zone id such as America/New_York.");

    /// <summary>What the minutes count from without a calendar; not blank.</summary>
    public string Start { get; } = ReportGuard.NotBlank(Start, nameof(Start));

    /// <summary>The clock of a report frozen before the step length was recorded: decision steps.</summary>
    public static SessionClock Steps { get; } = new(0);

    /// <summary>A clock without a calendar: minutes from the start of the order.</summary>
    /// <param name="stepMinutes">Trading minutes per decision step. Allowed: (0, 1440].</param>
    public static SessionClock Minutes(double stepMinutes, string start = OrderStart) => stepMinutes > 0
        ? new SessionClock(stepMinutes, Start: start)
        : throw new ArgumentOutOfRangeException(nameof(stepMinutes), stepMinutes, "stepMinutes must be in (0, 1440].");

    /// <summary>The exchange's clock on <paramref name="date"/> with step 0 at <paramref name="start"/> (exchange time).</summary>
    /// <param name="timeZone">IANA id of the exchange's clock.</param>
    /// <param name="date">The trading day.</param>
    /// <param name="start">Exchange time of step 0.</param>
    /// <param name="stepMinutes">Trading minutes per decision step. Allowed: (0, 1440].</param>
    public static SessionClock Exchange(string timeZone, DateOnly date, TimeOnly start, double stepMinutes) => stepMinutes > 0
        ? new SessionClock(stepMinutes, start.ToTimeSpan().TotalMinutes, timeZone, date)
        : throw new ArgumentOutOfRangeException(nameof(stepMinutes), stepMinutes, "stepMinutes must be in (0, 1440].");

    /// <summary>True when the axis reads as the exchange's clock.</summary>
    [JsonIgnore]
    public bool HasCalendar => TimeZone is not null && StepMinutes > 0;

    /// <summary>The axis position of decision step <paramref name="step"/> (may be fractional: 0.5 is the middle of step 0).</summary>
    public double At(double step) => StepMinutes > 0 ? OriginMinutes + step * StepMinutes : step;

    /// <summary>Title of the time axis, with its unit or its clock and zone.</summary>
    [JsonIgnore]
    public string Title => StepMinutes <= 0 ? "Decision step"
        : HasCalendar ? $"Exchange time, {TimeZone} (HH:MM)"
        : $"Time from {Start} (min)";

    /// <summary>Spacing of the axis ticks (a clock step of at least one decision step), or null for steps.</summary>
    [JsonIgnore]
    public double? TickStep => StepMinutes <= 0 ? null : TickSteps.FirstOrDefault(s => s >= StepMinutes * 0.999, 1440);

    /// <summary>Ticks for an axis from <paramref name="from"/> to <paramref name="to"/>: multiples of the smallest clock step
    /// (1, 2, 5, 10, 15, 30 minutes, 1 h ...) of at least one decision step that puts at most <paramref name="most"/> ticks on it.</summary>
    public static IReadOnlyList<double> Ticks(double from, double to, double minimumStep, int most = 10)
    {
        if (!(to > from) || !(minimumStep > 0)) return [from];
        var step = TickSteps.Where(s => s >= minimumStep * 0.999).FirstOrDefault(s => (to - from) / s <= most, 0);
        if (step == 0) step = Math.Ceiling((to - from) / most / 1440) * 1440;
        // Half a second of slack at both ends, so a recording that opens at 09:30:00.004 still gets its 09:30 tick.
        const double slack = 1 / 120.0;
        var ticks = new List<double>();
        for (var t = Math.Ceiling((from - slack) / step) * step; t <= to + slack; t += step) ticks.Add(t == 0 ? 0 : t);   // never "-0"
        return ticks;
    }

    /// <summary>Formats an axis position: HH:MM exchange time with a calendar, minutes without one, a step number otherwise.</summary>
    public string Format(double x)
    {
        if (StepMinutes <= 0) return x.ToString("0.#", CultureInfo.InvariantCulture);
        if (!HasCalendar) return x.ToString("0.#", CultureInfo.InvariantCulture);
        var minutes = (int)Math.Round(x * 60) / 60.0;
        var ofDay = ((minutes % 1440) + 1440) % 1440;
        return TimeSpan.FromMinutes(ofDay).ToString(Math.Abs(ofDay - Math.Round(ofDay)) < 1e-9 ? @"hh\:mm" : @"hh\:mm\:ss", CultureInfo.InvariantCulture);
    }

    /// <summary>Label of decision step <paramref name="step"/> on the axis, with its unit without a calendar ("15 min").</summary>
    public string Label(double step) => StepMinutes <= 0 ? "step " + Format(step)
        : HasCalendar ? Format(At(step))
        : Format(At(step)) + " min";

    /// <summary>The span of <paramref name="steps"/> decision steps as people read it: "09:30–16:00 America/New_York", "0–60 min".</summary>
    public string Span(int steps) => StepMinutes <= 0 ? $"steps 0–{steps}"
        : HasCalendar ? $"{Format(At(0))}–{Format(At(steps))} {TimeZone} (exchange time)"
        : $"{Format(At(0))}–{Format(At(steps))} min from {Start}";

    /// <summary>The UTC instant of decision step <paramref name="step"/>, when the clock has a calendar and a date (null otherwise).
    /// Daylight saving follows the tz database.</summary>
    public DateTime? ToUtc(double step)
    {
        if (!HasCalendar || Date is not { } date || TryZone(TimeZone!) is not { } zone) return null;
        var local = DateTime.SpecifyKind(date.ToDateTime(TimeOnly.MinValue).AddMinutes(At(step)), DateTimeKind.Unspecified);
        return zone.IsInvalidTime(local) ? null : TimeZoneInfo.ConvertTimeToUtc(local, zone);
    }

    private static TimeZoneInfo? TryZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return null;
        }
    }
}
