namespace Portal.Domain.Scenarios;

/// <summary>Trading constraints enforced by the simulator whatever a strategy asks for.</summary>
public sealed record ConstraintSpec
{
    /// <summary>Maximum child order as a percentage of the market volume of its step (null = no cap). Allowed: (0, 100].
    /// The quantity left at the horizon is force-traded at the last step regardless of the cap, and reported as forced.</summary>
    public double? MaxParticipationPct { get; init; }
}
