namespace Portal.Agents.Offline;

/// <summary>
/// How an offline learner's internal action a ∈ [−1, 1] maps to the fraction of the remainder it trades.
/// <list type="bullet">
/// <item><c>fraction</c>: f = mask·(a + 1)/2, the traded fraction of the step's mask mapped linearly onto [−1, 1].</item>
/// <item><c>twap-log</c>: f = min(mask, (1/(N − k))·(N − k)^a) at decision k of an N-step episode: a = 0 is TWAP's child
/// 1/(N − k) of the remainder, a = 1 the whole remainder, a = −1 TWAP's child divided by N − k; a is the logarithm of the
/// child over TWAP's in units of ln(N − k).</item>
/// </list>
/// </summary>
/// <remarks>
/// Why it matters (Fujimoto and Gu 2021 tune α = 2.5, the target-smoothing noise 0.2 and the cloning term (π(s) − a)² for
/// actions spread over [−1, 1]). Under <c>fraction</c> a schedule-like policy lives in a corner: TWAP's first child of a
/// 20-step order is 1/20 of the remainder, a = −0.9, so "trade nothing" (a = −1) is 0.1 away and costs the cloning term
/// 0.01, while the Q term's weight λ = α/mean|Q| is set by the level of the cost-to-go, not by its slope in the action. A
/// critic slope error of a few basis points is then enough to pull the actor onto the boundary, where it trades nothing
/// until the forced last trade. Under <c>twap-log</c> TWAP sits at the centre, the boundaries are a full unit away, and a
/// child's relative size (a noisy TWAP's log-normal factor) is what the action measures, at every decision alike.
/// </remarks>
public static class OfflineActionScale
{
    /// <summary>The former mapping: fraction of the step's mask, linearly onto [−1, 1].</summary>
    public const string Fraction = "fraction";

    /// <summary>Logarithm of the child relative to TWAP's, in units of ln(N − k); TWAP at 0.</summary>
    public const string TwapLog = "twap-log";

    /// <summary>The accepted names.</summary>
    public static IReadOnlyList<string> Names { get; } = [Fraction, TwapLog];

    /// <summary>Returns <paramref name="scale"/> when it is a known name, else throws naming <paramref name="field"/>.</summary>
    public static string Validate(string? scale, string field) =>
        scale is Fraction or TwapLog
            ? scale
            : throw new ArgumentOutOfRangeException(field, scale, $"{field} must be one of {string.Join(", ", Names)}; got {scale ?? "null"}.");

    /// <summary>The internal action in [−1, 1] of trading <paramref name="fraction"/> of the remainder at decision
    /// <paramref name="decision"/> of <paramref name="steps"/> with action mask <paramref name="mask"/>.</summary>
    public static float ToAction(string scale, double fraction, double mask, int decision, int steps)
    {
        if (scale == Fraction)
        {
            return mask > 0 ? (float)(2 * Math.Clamp(fraction / mask, 0, 1) - 1) : -1f;
        }

        int left = steps - decision;
        if (left <= 1)
        {
            return 1f;
        }

        return fraction <= 0 ? -1f : (float)Math.Clamp(Math.Log(fraction * left) / Math.Log(left), -1, 1);
    }

    /// <summary>The fraction of the remainder traded for internal action <paramref name="action"/> (inverse of
    /// <see cref="ToAction"/> inside the mask).</summary>
    public static double ToFraction(string scale, double action, double mask, int decision, int steps)
    {
        double a = Math.Clamp(action, -1, 1);
        if (scale == Fraction)
        {
            return (a + 1) / 2 * mask;
        }

        int left = steps - decision;
        return left <= 1 ? mask : Math.Min(mask, Math.Pow(left, a) / left);
    }
}
