namespace Portal.Domain.Scenarios;

/// <summary>Explicit trading costs paid on every child order.</summary>
public sealed record CostSpec
{
    /// <summary>Fee in basis points of traded notional. Allowed: [0, 1000].</summary>
    public double FeeBps { get; init; }

    /// <summary>Fee per share in price currency. Allowed: [0, ∞).</summary>
    public double FeePerShare { get; init; }

    /// <summary>Standard deviation, in basis points of the arrival price, of a zero-mean execution-price noise
    /// applied to every child order (slippage not explained by the impact model). Allowed: [0, 1000].</summary>
    public double SlippageNoiseBps { get; init; }
}
