namespace Portal.Domain.Scenarios;

/// <summary>Parameters of the baseline strategies that need one.</summary>
public sealed record StrategySettings
{
    /// <summary>Almgren–Chriss risk aversion λ of the <c>ac</c> strategy, per unit of currency (the paper's units). Allowed: [0, 1].</summary>
    public double RiskAversion { get; init; } = 1e-6;

    /// <summary>Participation rate of the <c>pov</c> strategy in percent of each step's market volume. Allowed: (0, 100].</summary>
    public double PovRatePct { get; init; } = 10;
}
