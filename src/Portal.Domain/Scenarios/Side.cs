namespace Portal.Domain.Scenarios;

/// <summary>Direction of the parent order.</summary>
public enum Side
{
    /// <summary>Acquire shares: a higher execution price is a cost.</summary>
    Buy,

    /// <summary>Dispose of shares: a lower execution price is a cost.</summary>
    Sell,
}
