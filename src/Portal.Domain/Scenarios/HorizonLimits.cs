using System.Globalization;

namespace Portal.Domain.Scenarios;

/// <summary>The longest horizon a scenario's market model supports, and why.</summary>
/// <param name="MaxMinutes">Longest horizon in minutes (a horizon must be more than 0 and at most this).</param>
/// <param name="Market">The market model in words, e.g. "the synthetic market" or "the replayed recording".</param>
/// <param name="Reason">Why the horizon stops there, in words a desk reads ("30 trading days of 390 minutes: longer is a
/// portfolio transition, not an execution").</param>
public sealed record HorizonLimit(double MaxMinutes, string Market, string Reason)
{
    /// <summary>Most decision steps for a horizon of <paramref name="horizonMinutes"/>: one per second of the horizon,
    /// at most <see cref="Scenario.MaxSteps"/>.</summary>
    public int MaxSteps(double horizonMinutes) =>
        horizonMinutes > 0 && double.IsFinite(horizonMinutes) ? (int)Math.Min(Scenario.MaxSteps, Math.Max(1, Math.Floor(horizonMinutes * 60))) : Scenario.MaxSteps;
}

/// <summary>
/// The horizons each market model supports, checked in one place for the builder, the HTTP API and the command line:
/// <list type="bullet">
/// <item><b>Replay</b>: the episode window must fit in the recorded segment it replays (the recording's length once the
/// dataset is known, and never more than one recorded session of <c>replay.options.sessionSeconds</c>).</item>
/// <item><b>Calibrated from a recorded session</b> (<see cref="MarketSpec.CalibratedFrom"/>): the fitted intraday volume
/// profile, volatility and impact describe that one session, so the order must finish within the session that is left
/// after its start (<c>tradingMinutesPerDay − startMinutesAfterOpen</c>).</item>
/// <item><b>Synthetic</b> (Almgren–Chriss and the other parametric models): any horizon up to
/// <see cref="Scenario.MaxHorizonDays"/> trading days; longer is a portfolio transition, over which the models' constant
/// ADV and volatility do not hold.</item>
/// </list>
/// </summary>
public static class HorizonLimits
{
    /// <summary>The longest horizon of <paramref name="scenario"/>'s market model.</summary>
    /// <param name="scenario">The scenario (its order, market and replay choice).</param>
    /// <param name="recordedSegmentMinutes">For a replay: the length of the replayed segment of the recording, when the
    /// dataset is known (the portal and the worker know it; the scenario alone does not).</param>
    public static HorizonLimit For(Scenario scenario, double? recordedSegmentMinutes = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var inv = CultureInfo.InvariantCulture;
        if (scenario.Replay is { } replay)
        {
            var segment = replay.Options?.Segment.ToString().ToLowerInvariant() ?? "chosen";
            if (recordedSegmentMinutes is { } recorded && double.IsFinite(recorded))
            {
                var minutes = Math.Max(0, recorded);
                return new HorizonLimit(minutes, "the replayed recording", string.Create(inv,
                    $"the {segment} segment of the replayed recording lasts {Words(minutes)} minutes; an episode's window must fit inside it"));
            }
            double session = replay.Options is { SessionSeconds: > 0 } o && double.IsFinite(o.SessionSeconds) ? o.SessionSeconds / 60 : 1440;
            return new HorizonLimit(session, "the replayed recording", string.Create(inv,
                $"a replay cannot outlast one recorded session of {Words(session)} minutes"));
        }

        var market = scenario.Market;
        double day = market is { TradingMinutesPerDay: >= 1 and <= 1440 } m ? m.TradingMinutesPerDay : 1440;
        if (market?.CalibratedFrom is { } source)
        {
            double start = scenario.Order is { StartMinutesAfterOpen: >= 0 } order && double.IsFinite(order.StartMinutesAfterOpen) ? order.StartMinutesAfterOpen : 0;
            double left = Math.Max(0, day - start);
            var afterStart = start > 0 ? $", of which {Words(left)} are left after a start {Words(start)} minutes after the open" : "";
            return new HorizonLimit(left, "the market calibrated from a recorded session",
                $"the market is calibrated from one recorded session ({source}) of {Words(day)} minutes{afterStart}");
        }

        return new HorizonLimit(Scenario.MaxHorizonDays * day, "the synthetic market", string.Create(inv,
            $"{Scenario.MaxHorizonDays:G} trading days of {Words(day)} minutes: longer is a portfolio transition, not an execution"));
    }

    /// <summary>The horizon's error, or null when it fits <see cref="For"/>: "is 1000000, allowed range (0, 11700]
    /// (30 trading days of 390 minutes: ...)", the same words in the builder, the API and the command line.</summary>
    public static ValidationError? Check(Scenario scenario, double? recordedSegmentMinutes = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (scenario.Order is null) return null;
        var limit = For(scenario, recordedSegmentMinutes);
        double h = scenario.Order.HorizonMinutes;
        if (h > 0 && h <= limit.MaxMinutes) return null;
        return new ValidationError("order.horizonMinutes", string.Create(CultureInfo.InvariantCulture,
            $"is {h:G6}, allowed range (0, {limit.MaxMinutes:G10}] ({limit.Reason})"));
    }

    private static string Words(double minutes) => minutes == Math.Floor(minutes)
        ? minutes.ToString("N0", CultureInfo.InvariantCulture)
        : minutes.ToString("#,##0.##", CultureInfo.InvariantCulture);
}
