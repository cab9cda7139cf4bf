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
    /// <summary>More than 1 hour, up to one day (1,440 minutes).</summary>
    UpTo1Day = 3,
    /// <summary>More than one day.</summary>
    Longer = 4,
}

/// <summary>
/// A scenario family: regime × order-size bucket × horizon bucket. Leaderboards compare strategies only within a
/// family, because a strategy's cost depends on all three.
/// </summary>
public sealed record ScenarioFamily(string Regime, SizeBucket Size, HorizonBucket Horizon)
{
    public static ScenarioFamily Of(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return new ScenarioFamily(scenario.Market.Regime, SizeOf(scenario.Order.SizePctAdv), HorizonOf(scenario.Order.HorizonMinutes));
    }

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

    /// <param name="horizonMinutes">Horizon in minutes; must be positive and finite.</param>
    public static HorizonBucket HorizonOf(double horizonMinutes)
    {
        if (!(horizonMinutes > 0) || double.IsInfinity(horizonMinutes))
        {
            throw new ArgumentOutOfRangeException(nameof(horizonMinutes), horizonMinutes, "The horizon must be a positive, finite number of minutes.");
        }
        return horizonMinutes switch
        {
            <= 5 => HorizonBucket.UpTo5Min,
            <= 30 => HorizonBucket.UpTo30Min,
            <= 60 => HorizonBucket.UpTo1Hour,
            <= 1440 => HorizonBucket.UpTo1Day,
            _ => HorizonBucket.Longer,
        };
    }

    /// <summary>Copies the family into a run so that leaderboards can group and filter on indexed columns.</summary>
    public void ApplyTo(Run run)
    {
        ArgumentNullException.ThrowIfNull(run);
        run.Regime = Regime;
        run.SizeBucket = Size;
        run.HorizonBucket = Horizon;
    }

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
