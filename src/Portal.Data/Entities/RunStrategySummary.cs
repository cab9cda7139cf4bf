using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Domain.Backtesting;

namespace Portal.Data.Entities;

/// <summary>
/// Everything stored about one strategy in one run beyond the columns that are grouped, filtered or sorted on in SQL:
/// kept as one JSON column (<see cref="RunStrategyResult.Summary"/>), so a new per-strategy metric is one property here
/// and one line in <see cref="From"/>, with no migration.
/// </summary>
/// <remarks>
/// Serialised with System.Text.Json in camel case (<see cref="Serialize"/>/<see cref="Deserialize"/>); doubles round-trip
/// exactly and NaN/±∞ are written as strings. A property added later reads as its default (0, null or empty) from
/// summaries stored before it: document that default where the property is declared. A change of meaning or unit of an
/// existing property must raise <see cref="CurrentVersion"/> and convert older summaries on read.
/// </remarks>
public sealed record RunStrategySummary
{
    /// <summary>The version of this shape written by this code.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Version of the shape the summary was written in (<see cref="CurrentVersion"/> for new ones).</summary>
    public int SchemaVersion { get; init; } = CurrentVersion;

    public double P5Bps { get; init; }
    public double P50Bps { get; init; }
    public double P95Bps { get; init; }

    /// <summary>99th percentile of the shortfall; null for summaries stored before it was recorded.</summary>
    public double? P99Bps { get; init; }
    public double Cvar95Bps { get; init; }

    /// <summary>−mean/std of the cost; null when undefined (no spread beyond rounding, or fewer than two independent units).</summary>
    public double? CostSharpe { get; init; }

    public double Completion { get; init; }
    public double MeanShortfallCurrency { get; init; }
    public double? VsTwapMeanBps { get; init; }
    public double? VsTwapCiLowBps { get; init; }
    public double? VsTwapCiHighBps { get; init; }
    public double? RegretBps { get; init; }

    /// <summary>Paired difference (this − best static schedule), mean and 95% interval in bps; null for the best static
    /// schedule itself and for runs stored before it was always compared.</summary>
    public double? VsBestStaticMeanBps { get; init; }
    public double? VsBestStaticCiLowBps { get; init; }
    public double? VsBestStaticCiHighBps { get; init; }

    /// <summary>Paired difference (this − best static schedule) of the run's objective E + λ·Var, mean and 95% interval in
    /// bps (delta method); null where <see cref="VsBestStaticMeanBps"/> is and for runs stored before it was recorded.</summary>
    public double? VsBestStaticObjectiveBps { get; init; }
    public double? VsBestStaticObjectiveCiLowBps { get; init; }
    public double? VsBestStaticObjectiveCiHighBps { get; init; }

    /// <summary>Mean remaining fraction at each decision time (steps + 1 points).</summary>
    public double[] MeanInventory { get; init; } = [];
    public double[] InventoryP5 { get; init; } = [];
    public double[] InventoryP95 { get; init; } = [];

    /// <summary>Mean participation rate (child order / market volume of the step) at each decision step (steps points);
    /// empty for runs stored before it was recorded.</summary>
    public double[] MeanParticipation { get; init; } = [];

    /// <summary>Mean share of the order force-traded at the last step beyond what the strategy asked for.</summary>
    public double ForcedFraction { get; init; }

    /// <summary>Mean share of the order left unfilled at the horizon (cap held).</summary>
    public double UnfilledFraction { get; init; }

    /// <summary>Child orders over the participation cap, over every episode.</summary>
    public long CapBreaches { get; init; }

    /// <summary>Largest child order over its step's market volume in any episode.</summary>
    public double MaxParticipation { get; init; }

    /// <summary>95th percentile across episodes of each episode's largest participation; null for runs stored before it was recorded.</summary>
    public double? MaxParticipationP95 { get; init; }

    /// <summary>Mean opportunity cost of the unfilled rest in bps (Perold 1988), inside the shortfall.</summary>
    public double OpportunityCostBps { get; init; }

    /// <summary>Share of the parent quantity executed by the horizon (passively or by market orders); null for summaries
    /// stored before it was recorded.</summary>
    public double? FillRate { get; init; }

    /// <summary>Share of the parent quantity filled by limit orders; null for summaries stored before it was recorded.</summary>
    public double? PassiveShare { get; init; }

    /// <summary>Shares filled passively over shares posted; null when nothing was posted (and before it was recorded).</summary>
    public double? PostedFillRatio { get; init; }

    /// <summary>Share of the parent quantity crossed when a limit order expired; null before it was recorded.</summary>
    public double? CrossedOnExpiryShare { get; init; }

    /// <summary>What the passive fills earned against the mid, bps of their notional; null without passive fills.</summary>
    public double? SpreadCapturedBps { get; init; }

    /// <summary>Mid move against the passive fills over the next decision step, bps (positive = adverse selection); null
    /// without passive fills.</summary>
    public double? MarkoutBps { get; init; }

    /// <summary>Mid move against the passive fills 1 s, 10 s and 60 s after each fill, bps (replayed books only); null otherwise.</summary>
    public double? Markout1sBps { get; init; }
    public double? Markout10sBps { get; init; }
    public double? Markout60sBps { get; init; }

    /// <summary>95% intervals of fill rate, passive share, spread captured and markouts, with their independent units
    /// (episodes or market windows); null for summaries stored before they were recorded.</summary>
    public OrderTypeIntervals? OrderIntervals { get; init; }

    /// <summary>For a guarded strategy (<c>guarded:ID</c>): how often each guard fired and the paired cost difference
    /// guarded − ID on the same paths, with its 95% interval; null for other strategies and for summaries stored before it
    /// was recorded.</summary>
    public GuardResult? Guard { get; init; }

    /// <summary>The summary of a strategy's result as stored.</summary>
    /// <param name="s">The strategy's result.</param>
    /// <param name="guard">The run's guard result for this strategy when it is a guarded one (<see cref="BacktestResult.Guards"/>).</param>
    public static RunStrategySummary From(StrategyResult s, GuardResult? guard = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new()
        {
            P5Bps = s.Summary.P5Bps,
            P50Bps = s.Summary.P50Bps,
            P95Bps = s.Summary.P95Bps,
            P99Bps = s.Summary.P99Bps,
            Cvar95Bps = s.Summary.Cvar95Bps,
            CostSharpe = s.Summary.CostSharpe,
            Completion = s.Summary.Completion,
            MeanShortfallCurrency = s.Summary.MeanShortfallCurrency,
            VsTwapMeanBps = s.Summary.VsTwap?.MeanBps,
            VsTwapCiLowBps = s.Summary.VsTwap?.CiLowBps,
            VsTwapCiHighBps = s.Summary.VsTwap?.CiHighBps,
            RegretBps = s.Summary.RegretBps,
            VsBestStaticMeanBps = s.Summary.VsBestStatic?.MeanBps,
            VsBestStaticCiLowBps = s.Summary.VsBestStatic?.CiLowBps,
            VsBestStaticCiHighBps = s.Summary.VsBestStatic?.CiHighBps,
            VsBestStaticObjectiveBps = s.Summary.VsBestStaticObjective?.MeanBps,
            VsBestStaticObjectiveCiLowBps = s.Summary.VsBestStaticObjective?.CiLowBps,
            VsBestStaticObjectiveCiHighBps = s.Summary.VsBestStaticObjective?.CiHighBps,
            MeanInventory = s.MeanInventoryFraction,
            InventoryP5 = s.InventoryP5Fraction,
            InventoryP95 = s.InventoryP95Fraction,
            MeanParticipation = s.MeanParticipation,
            ForcedFraction = s.MeanForcedFraction,
            UnfilledFraction = s.MeanUnfilledFraction,
            CapBreaches = s.CapBreaches,
            MaxParticipation = s.MaxParticipation,
            MaxParticipationP95 = s.MaxParticipationP95,
            OpportunityCostBps = s.MeanOpportunityCostBps,
            FillRate = s.Orders.FillRate,
            PassiveShare = s.Orders.PassiveShare,
            PostedFillRatio = s.Orders.PostedFillRatio,
            CrossedOnExpiryShare = s.Orders.CrossedOnExpiryShare,
            SpreadCapturedBps = s.Orders.SpreadCapturedBps,
            MarkoutBps = s.Orders.MarkoutBps,
            Markout1sBps = s.Orders.Markout1sBps,
            Markout10sBps = s.Orders.Markout10sBps,
            Markout60sBps = s.Orders.Markout60sBps,
            OrderIntervals = s.Orders.Intervals,
            Guard = guard is null || guard.GuardedId == s.StrategyId
                ? guard
                : throw new ArgumentException($"The guard result of '{guard.GuardedId}' does not belong to '{s.StrategyId}'.", nameof(guard)),
        };
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The JSON stored in the column.</summary>
    public static string Serialize(RunStrategySummary summary) => JsonSerializer.Serialize(summary, Json);

    /// <summary>The summary a stored column holds.</summary>
    /// <exception cref="JsonException">The text is not a summary.</exception>
    public static RunStrategySummary Deserialize(string json) =>
        JsonSerializer.Deserialize<RunStrategySummary>(json, Json) ?? throw new JsonException("A strategy summary cannot be null.");
}
