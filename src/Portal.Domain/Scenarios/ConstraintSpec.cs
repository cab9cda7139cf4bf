namespace Portal.Domain.Scenarios;

/// <summary>Trading constraints enforced by the simulator whatever a strategy asks for.</summary>
public sealed record ConstraintSpec
{
    /// <summary>Maximum child order as a percentage of the market volume of its step (null = no cap). Allowed: (0, 100].
    /// What happens to the quantity the cap leaves at the horizon is <see cref="AtHorizon"/>.</summary>
    public double? MaxParticipationPct { get; init; }

    /// <summary>Which constraint wins when the cap leaves quantity at the horizon (JSON <c>"forceFinish"</c>, the default, or
    /// <c>"holdCap"</c>).</summary>
    public HorizonRule AtHorizon { get; init; } = HorizonRule.ForceFinish;
}

/// <summary>Which constraint wins at the horizon when a participation cap has held quantity back.</summary>
/// <remarks>With <see cref="HoldCap"/> the unfilled remainder is charged its opportunity cost, the remainder times the
/// adverse move of the mid from arrival to the horizon: the opportunity-cost term of implementation shortfall (Perold,
/// 1988, "The implementation shortfall: paper versus reality", J. Portfolio Management 14(3), 4–9).</remarks>
public enum HorizonRule
{
    /// <summary>The horizon wins: the remainder is force-traded at the last step, whatever the cap; every step over the cap
    /// is counted as a breach.</summary>
    ForceFinish,

    /// <summary>The cap wins: the last step trades at most the cap, and what is left unfilled is charged its opportunity cost
    /// at the horizon (Perold, 1988).</summary>
    HoldCap,
}
