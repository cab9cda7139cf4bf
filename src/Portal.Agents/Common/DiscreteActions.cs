namespace Portal.Agents.Common;

/// <summary>
/// The discrete action set of the tabular and DQN agents: action k trades min(1, m_k / stepsLeft) of the remainder,
/// m_k a multiple of the uniform (TWAP) rate, so TWAP (m = 1), front- and back-loading are all representable.
/// An action is legal when its fraction does not exceed the participation-cap mask; action 0 (no trade) always is.
/// </summary>
public static class DiscreteActions
{
    /// <summary>Multiples of the uniform rate, in increasing order.</summary>
    public static IReadOnlyList<double> RateMultiples { get; } = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5, 2, 3, 1000];

    /// <summary>Number of actions.</summary>
    public static int Count => RateMultiples.Count;

    /// <summary>Fraction of the remainder that action <paramref name="action"/> trades with <paramref name="stepsLeft"/> trading steps left.</summary>
    public static double Fraction(int action, int stepsLeft) =>
        Math.Min(1, RateMultiples[action] / Math.Max(1, stepsLeft));

    /// <summary>Whether <paramref name="action"/> respects the mask.</summary>
    public static bool IsLegal(int action, int stepsLeft, double maxFraction) =>
        action == 0 || Fraction(action, stepsLeft) <= maxFraction + 1e-12;
}
