namespace Portal.Domain.Simulation;

/// <summary>An execution strategy (baseline schedule or trained agent), called once per decision step for a batch of episodes.</summary>
/// <remarks>
/// <para>The simulator clamps every fraction to [0, 1] (NaN and negatives become 0: a strategy can never trade against the
/// order's side or more than it holds), applies the participation cap, and force-trades the remainder at the last step.</para>
/// <para>The runner calls <see cref="Decide"/> concurrently for different batches of episodes; implementations must not keep
/// mutable state between calls, or the run must use <c>MaxDegreeOfParallelism = 1</c>.</para>
/// </remarks>
public interface IExecutionStrategy
{
    /// <summary>Stable id, e.g. <c>twap</c> or <c>agent:ppo-42</c>.</summary>
    string Id { get; }

    /// <summary>Name shown to users.</summary>
    string DisplayName { get; }

    /// <summary>False for schedules that ignore observations: the simulator then skips computing them and passes an empty span.</summary>
    bool UsesObservations => true;

    /// <summary>Fills <paramref name="fractionOfRemaining"/> (one entry per episode of the batch) with the fraction of the
    /// shares still held to trade at this step.</summary>
    /// <param name="context">Step, horizon and order facts common to the batch.</param>
    /// <param name="observations">One observation per episode, or empty when <see cref="UsesObservations"/> is false.</param>
    /// <param name="fractionOfRemaining">Output: fraction in [0, 1] of the remaining quantity to trade now.</param>
    void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining);
}
