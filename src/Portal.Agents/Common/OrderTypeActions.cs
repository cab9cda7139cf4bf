using Portal.Domain.Simulation;

namespace Portal.Agents.Common;

/// <summary>
/// The extended discrete action of agents that choose the order type: a pair (size, aggressiveness). The size is one of
/// <see cref="DiscreteActions"/> (a multiple of the uniform rate); the aggressiveness says which share of that child is
/// posted as a limit order at the touch for one decision step, the rest being a market order, and the unfilled rest of the
/// limit order is crossed at the step's end (<see cref="Plan"/>). Action index = size × <see cref="Levels"/> + level.
/// </summary>
/// <remarks>
/// <para>The limit order follows the portal's order model (<see cref="LimitOrderPlan"/>, docs/order-types.md): it rests on
/// its own side of the book at the touch, so it never trades against the order's side; its fills come from the same
/// simulator and fill model as the passive baselines (<see cref="ExecutionSimulation.Step(ReadOnlySpan{double}, ReadOnlySpan{double}, LimitOrderPlan)"/>,
/// <see cref="PassiveFillModel"/>: Cartea, Jaimungal and Penalva 2015, §8.2 and §10.4). The size mask is the
/// participation-cap mask of <see cref="DiscreteActions"/>, applied to the whole child, limit part included; the environment
/// force-trades the remainder with a market order at the last step (or, when the scenario lets the cap hold, charges its
/// opportunity cost), whatever was chosen before.</para>
/// <para>Size 0 takes only the market level (posting nothing twice would be two names for one action).</para>
/// </remarks>
public static class OrderTypeActions
{
    /// <summary>Share of the child posted as a limit order at each aggressiveness level, most aggressive first.</summary>
    public static IReadOnlyList<double> PassiveShares { get; } = [0, 1];

    /// <summary>Names of the aggressiveness levels, in <see cref="PassiveShares"/> order.</summary>
    public static IReadOnlyList<string> LevelNames { get; } = ["market order", "limit at the touch for one step, rest crossed"];

    /// <summary>Number of aggressiveness levels.</summary>
    public static int Levels => PassiveShares.Count;

    /// <summary>Number of (size, aggressiveness) actions.</summary>
    public static int Count => DiscreteActions.Count * Levels;

    /// <summary>How the limit part is placed: at the touch (offset 0), time-to-live one decision step, rest crossed.</summary>
    public static LimitOrderPlan Plan { get; } = new(offsetBps: 0, ttlFraction: 1, onExpiry: ExpiryAction.Cross);

    /// <summary>Buckets of the previous step's passive fill share in a tabular state: nothing posted, below half, half or more.</summary>
    public const int FillBuckets = 3;

    /// <summary>Index into <see cref="DiscreteActions"/> of the action's size.</summary>
    public static int Size(int action) => action / Levels;

    /// <summary>Aggressiveness level of the action.</summary>
    public static int Level(int action) => action % Levels;

    /// <summary>The action of size <paramref name="size"/> and level <paramref name="level"/>.</summary>
    public static int Of(int size, int level) => size * Levels + level;

    /// <summary>Fraction of the remainder the action trades with <paramref name="stepsLeft"/> trading steps left.</summary>
    public static double Fraction(int action, int stepsLeft) => DiscreteActions.Fraction(Size(action), stepsLeft);

    /// <summary>Share of the action's child posted as a limit order.</summary>
    public static double PassiveShare(int action) => PassiveShares[Level(action)];

    /// <summary>Whether the action respects the participation-cap mask (its whole child, limit part included).</summary>
    public static bool IsLegal(int action, int stepsLeft, double maxFraction) =>
        DiscreteActions.IsLegal(Size(action), stepsLeft, maxFraction) && (Size(action) > 0 || Level(action) == 0);

    /// <summary>Tabular bucket of the previous step's passive fill share (NaN = nothing posted).</summary>
    public static int FillBucket(double lastPassiveFillShare) =>
        double.IsNaN(lastPassiveFillShare) ? 0 : lastPassiveFillShare < 0.5 ? 1 : 2;
}
