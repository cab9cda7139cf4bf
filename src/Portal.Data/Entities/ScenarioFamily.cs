using System.Text.Json.Serialization;
using Portal.Domain.Scenarios;

namespace Portal.Data.Entities;

/// <summary>Order size as a share of average daily volume, in the buckets leaderboards group by.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SizeBucket>))]
public enum SizeBucket
{
    /// <summary>Up to 1% of ADV.</summary>
    UpTo1Pct = 0,
    /// <summary>More than 1%, up to 5% of ADV.</summary>
    UpTo5Pct = 1,
    /// <summary>More than 5%, up to 10% of ADV.</summary>
    UpTo10Pct = 2,
    /// <summary>More than 10% of ADV.</summary>
    Over10Pct = 3,
}

/// <summary>Execution horizon, in the buckets leaderboards group by.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HorizonBucket>))]
public enum HorizonBucket
{
    /// <summary>Up to 5 minutes.</summary>
    UpTo5Min = 0,
    /// <summary>More than 5, up to 30 minutes.</summary>
    UpTo30Min = 1,
    /// <summary>More than 30 minutes, up to 1 hour.</summary>
    UpTo1Hour = 2,
    /// <summary>More than 1 hour, up to one trading day (the scenario's trading minutes per day, 390 by default).</summary>
    UpTo1Day = 3,
    /// <summary>More than one trading day.</summary>
    Longer = 4,
}

/// <summary>
/// A scenario family: regime × order-size bucket × horizon bucket × impact-model family × market source. Leaderboards
/// compare strategies only within a family, because a strategy's cost depends on all of them: a transient-impact world,
/// an Obizhaeva–Wang book and a replayed recording are different worlds even under one regime name.
/// </summary>
public sealed record ScenarioFamily(string Regime, SizeBucket Size, HorizonBucket Horizon)
{
    /// <summary>Label of runs that replay recorded data: their market is the recording, not a simulated regime.</summary>
    public const string ReplayRegime = "replay";

    /// <summary>Impact family of a replay: the recorded book's own levels plus our transient displacement.</summary>
    public const string RecordedBook = "recorded book";

    /// <summary>Market source of a simulated scenario with a named regime.</summary>
    public const string Simulated = "simulated";

    /// <summary>Market source of a simulated scenario with custom parameters (e.g. calibrated from a dataset's profile).</summary>
    public const string SimulatedCustom = "simulated · custom parameters";

    /// <summary>The impact-model family (<see cref="ImpactModels"/> id, or <see cref="RecordedBook"/> for a replay).</summary>
    public string ImpactFamily { get; init; } = "";

    /// <summary>Where the market comes from: <see cref="Simulated"/>, <see cref="SimulatedCustom"/> or <c>replay · INSTRUMENT</c>.</summary>
    public string MarketSource { get; init; } = "";

    /// <summary>The scenario's family. The regime is the one the simulated market's values belong to
    /// (<see cref="RegimePresets.Derive"/>, <c>custom</c> when none), never a label the values do not have, and
    /// <see cref="ReplayRegime"/> for a replay.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="replayInstrument">The replayed dataset's instrument, when the scenario replays one (else its dataset id is named).</param>
    public static ScenarioFamily Of(Scenario scenario, string? replayInstrument = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        string regime = scenario.Replay is not null ? ReplayRegime : RegimePresets.Derive(scenario.Market);
        return new ScenarioFamily(regime, SizeOf(scenario.Order.SizePctAdv), HorizonOf(scenario.Order.HorizonMinutes, scenario.Market.TradingMinutesPerDay))
        {
            ImpactFamily = scenario.Replay is null ? scenario.Market.Impact.Model : RecordedBook,
            MarketSource = scenario.Replay is { } replay
                ? $"replay · {(string.IsNullOrWhiteSpace(replayInstrument) ? replay.DatasetId.ToString() : replayInstrument)}"
                : regime == RegimePresets.Custom ? SimulatedCustom : Simulated,
        };
    }

    /// <summary>How a family reads on a page: regime · size · horizon · impact family · market source.</summary>
    public static string Describe(string regime, SizeBucket size, HorizonBucket horizon, string impactFamily, string marketSource) =>
        string.Join(" · ", new[] { regime, Label(size), Label(horizon), impactFamily, marketSource }.Where(x => !string.IsNullOrEmpty(x)));

    /// <param name="sizePctAdv">Order size in percent of ADV; must be positive and finite.</param>
    public static SizeBucket SizeOf(double sizePctAdv)
    {
        if (!(sizePctAdv > 0) || double.IsInfinity(sizePctAdv))
        {
            throw new ArgumentOutOfRangeException(nameof(sizePctAdv), sizePctAdv, "The order size must be a positive, finite percentage of ADV.");
        }
        return sizePctAdv switch
        {
            <= 1 => SizeBucket.UpTo1Pct,
            <= 5 => SizeBucket.UpTo5Pct,
            <= 10 => SizeBucket.UpTo10Pct,
            _ => SizeBucket.Over10Pct,
        };
    }

    /// <param name="horizonMinutes">Horizon in trading minutes; must be positive and finite.</param>
    /// <param name="tradingMinutesPerDay">Length of a trading day in minutes (390 for a US equity session); must be more than 60.</param>
    public static HorizonBucket HorizonOf(double horizonMinutes, double tradingMinutesPerDay = 390)
    {
        if (!(tradingMinutesPerDay > 60) || double.IsInfinity(tradingMinutesPerDay))
        {
            throw new ArgumentOutOfRangeException(nameof(tradingMinutesPerDay), tradingMinutesPerDay, "A trading day must last more than 60 minutes (and be finite).");
        }
        if (!(horizonMinutes > 0) || double.IsInfinity(horizonMinutes))
        {
            throw new ArgumentOutOfRangeException(nameof(horizonMinutes), horizonMinutes, "The horizon must be a positive, finite number of minutes.");
        }
        return horizonMinutes switch
        {
            <= 5 => HorizonBucket.UpTo5Min,
            <= 30 => HorizonBucket.UpTo30Min,
            <= 60 => HorizonBucket.UpTo1Hour,
            _ when horizonMinutes <= tradingMinutesPerDay => HorizonBucket.UpTo1Day,
            _ => HorizonBucket.Longer,
        };
    }

    /// <summary>
    /// Copies the family into a run so that leaderboards can group and filter on indexed columns, and fingerprints the
    /// run's scenario JSON (<see cref="Run.ScenarioHash"/>) so that an identical re-run is not counted twice.
    /// </summary>
    public void ApplyTo(Run run)
    {
        ArgumentNullException.ThrowIfNull(run);
        run.Regime = Regime;
        run.SizeBucket = Size;
        run.HorizonBucket = Horizon;
        run.ImpactFamily = ImpactFamily;
        run.MarketSource = MarketSource;
        run.ScenarioHash = Fingerprint(run.ScenarioJson);
    }

    /// <summary>SHA-256 of the scenario JSON as lower-case hex.</summary>
    public static string Fingerprint(string scenarioJson) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(scenarioJson ?? "")));

    public static string Label(SizeBucket bucket) => bucket switch
    {
        SizeBucket.UpTo1Pct => "≤1% ADV",
        SizeBucket.UpTo5Pct => "≤5% ADV",
        SizeBucket.UpTo10Pct => "≤10% ADV",
        _ => ">10% ADV",
    };

    public static string Label(HorizonBucket bucket) => bucket switch
    {
        HorizonBucket.UpTo5Min => "≤5 min",
        HorizonBucket.UpTo30Min => "≤30 min",
        HorizonBucket.UpTo1Hour => "≤1 h",
        HorizonBucket.UpTo1Day => "≤1 day",
        _ => "longer",
    };
}
