namespace Portal.Domain.Scenarios;

/// <summary>The parent order: side, size as a share of average daily volume, horizon and decision steps.</summary>
public sealed record OrderSpec
{
    /// <summary>Buy or sell.</summary>
    public Side Side { get; init; } = Side.Sell;

    /// <summary>Order size in percent of average daily volume (5 = 5% of ADV). Allowed: (0, 1000].</summary>
    public double SizePctAdv { get; init; } = 5;

    /// <summary>Horizon in trading minutes (a trading day is <see cref="MarketSpec.TradingMinutesPerDay"/> minutes).</summary>
    public double HorizonMinutes { get; init; } = 60;

    /// <summary>Number of decision steps the horizon is split into (one child order per step).</summary>
    public int Steps { get; init; } = 12;

    /// <summary>Minutes after the open at which the order starts; places the order on the intraday volume profile.</summary>
    public double StartMinutesAfterOpen { get; init; }
}

/// <summary>The usual horizons offered to users, in trading minutes (any positive value is allowed).</summary>
public static class HorizonPresets
{
    /// <summary>Five minutes.</summary>
    public const double FiveMinutes = 5;

    /// <summary>Thirty minutes.</summary>
    public const double ThirtyMinutes = 30;

    /// <summary>One hour.</summary>
    public const double OneHour = 60;

    /// <summary>One trading day of 390 minutes.</summary>
    public const double OneDay = 390;

    /// <summary>Label and minutes of every preset.</summary>
    public static IReadOnlyList<(string Label, double Minutes)> All { get; } =
        [("5 min", FiveMinutes), ("30 min", ThirtyMinutes), ("1 h", OneHour), ("1 day", OneDay)];
}
