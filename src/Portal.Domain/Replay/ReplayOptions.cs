using System.Text.Json.Serialization;

namespace Portal.Domain.Replay;

/// <summary>Which part of the dataset episodes are drawn from (JSON: <c>"All"</c>, <c>"Train"</c>, <c>"Test"</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ReplaySegment>))]
public enum ReplaySegment
{
    /// <summary>The whole dataset.</summary>
    All,
    /// <summary>The first <see cref="ReplayOptions.TrainFraction"/> of the time range (for training and tuning).</summary>
    Train,
    /// <summary>The rest (the results that go on leaderboards). No test window overlaps the training part.</summary>
    Test,
}

/// <summary>
/// How a recorded dataset is replayed. Every field has a default; validated by <see cref="ReplayRunner"/>. Serialises with
/// System.Text.Json, so it can be stored next to a scenario together with the dataset id.
/// </summary>
public sealed record ReplayOptions
{
    /// <summary>Length of a trading day in seconds, for ADV and per-day units (23,400 US equities, 86,400 crypto). Allowed: [60, 86400].</summary>
    public double SessionSeconds { get; init; } = 23_400;
    /// <summary>ADV that sizes the order (order quantity = sizePctAdv % × ADV); null = the dataset's traded volume scaled to one session. Allowed: (0, ∞).</summary>
    public double? Adv { get; init; }
    /// <summary>Daily volatility used to scale observations; null = the scenario's <c>market.dailyVolatility</c>. Allowed: (0, 1].</summary>
    public double? DailyVolatility { get; init; }
    /// <summary>Multiplier of the transient impact our own trades leave on the following snapshots (0 = none, 1 = the linear-book displacement). Allowed: [0, 100].</summary>
    public double TransientImpactFactor { get; init; } = 1;
    /// <summary>Decay time τ of our own impact in seconds (displacement × e^(−t/τ)). Allowed: (0, 1e7].</summary>
    public double ImpactDecaySeconds { get; init; } = 60;
    /// <summary>Share of the time range that forms the training segment. Allowed: (0, 1).</summary>
    public double TrainFraction { get; init; } = 0.7;
    /// <summary>Segment the episodes come from.</summary>
    public ReplaySegment Segment { get; init; } = ReplaySegment.All;
    /// <summary>Which displayed orders a recorded cancellation at the price level of our resting limit order removes: in
    /// proportion to the queue ahead and behind (default) or from the back (<see cref="QueuePosition"/>).</summary>
    public CancellationModel Cancellations { get; init; } = CancellationModel.Proportional;

    internal void Check()
    {
        if (!(SessionSeconds >= 60 && SessionSeconds <= 86_400)) throw new ArgumentOutOfRangeException(nameof(SessionSeconds), SessionSeconds, "Must be in [60, 86400].");
        if (Adv is { } a && !(a > 0 && double.IsFinite(a))) throw new ArgumentOutOfRangeException(nameof(Adv), a, "Must be positive and finite.");
        if (DailyVolatility is { } v && !(v > 0 && v <= 1)) throw new ArgumentOutOfRangeException(nameof(DailyVolatility), v, "Must be in (0, 1].");
        if (!(TransientImpactFactor >= 0 && TransientImpactFactor <= 100)) throw new ArgumentOutOfRangeException(nameof(TransientImpactFactor), TransientImpactFactor, "Must be in [0, 100].");
        if (!(ImpactDecaySeconds > 0 && ImpactDecaySeconds <= 1e7)) throw new ArgumentOutOfRangeException(nameof(ImpactDecaySeconds), ImpactDecaySeconds, "Must be in (0, 1e7].");
        if (!(TrainFraction > 0 && TrainFraction < 1)) throw new ArgumentOutOfRangeException(nameof(TrainFraction), TrainFraction, "Must be in (0, 1).");
        if (!Enum.IsDefined(Cancellations)) throw new ArgumentOutOfRangeException(nameof(Cancellations), Cancellations, "Unknown cancellation model.");
        if (!Enum.IsDefined(Segment)) throw new ArgumentOutOfRangeException(nameof(Segment), Segment, "Unknown segment.");
    }
}

/// <summary>The time window of one replay episode (ns since 1970-01-01).</summary>
/// <param name="Episode">Episode index.</param>
/// <param name="StartNs">Arrival time.</param>
/// <param name="EndNs">Horizon end.</param>
public readonly record struct ReplayWindow(int Episode, long StartNs, long EndNs);
