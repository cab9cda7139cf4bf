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

/// <summary>
/// A strategy that decides from the order's progress alone (remaining quantity, the market volume traded so far and the
/// last step's volume ratio, the episode's index): the simulator hands it the book's own arrays instead of building an
/// <see cref="Observation"/> per episode. Its <see cref="Decide(in DecisionContext, in OrderProgress, Span{double})"/>
/// must decide exactly as <see cref="IExecutionStrategy.Decide"/> does on the corresponding observations.
/// </summary>
public interface IProgressStrategy : IExecutionStrategy
{
    /// <summary>Fills <paramref name="fractionOfRemaining"/> from the batch's progress (see <see cref="IExecutionStrategy.Decide"/>).</summary>
    void Decide(in DecisionContext context, in OrderProgress progress, Span<double> fractionOfRemaining);
}

/// <summary>The order's progress in a batch of episodes at one step, as the fields of <see cref="Observation"/> that carry
/// it: each value is computed exactly as the observation computes it.</summary>
public readonly ref struct OrderProgress
{
    private readonly ReadOnlySpan<double> _remaining;
    private readonly double _uniformRemaining;
    private readonly double _inverseQuantity;

    /// <summary>Creates the view.</summary>
    /// <param name="episodes">Episode index of each entry.</param>
    /// <param name="remaining">Shares still held per episode, or empty when every episode holds <paramref name="uniformRemaining"/>.</param>
    /// <param name="uniformRemaining">Shares held by every episode when <paramref name="remaining"/> is empty.</param>
    /// <param name="inverseQuantity">1 / order quantity.</param>
    /// <param name="pastMarketVolume">Market volume traded before this step, per episode.</param>
    /// <param name="volumeRatio">Last step's realised over expected volume, per episode.</param>
    public OrderProgress(ReadOnlySpan<long> episodes, ReadOnlySpan<double> remaining, double uniformRemaining, double inverseQuantity,
        ReadOnlySpan<double> pastMarketVolume, ReadOnlySpan<double> volumeRatio)
    {
        Episodes = episodes;
        _remaining = remaining;
        _uniformRemaining = uniformRemaining;
        _inverseQuantity = inverseQuantity;
        PastMarketVolume = pastMarketVolume;
        VolumeRatio = volumeRatio;
    }

    /// <summary>Episodes in the batch.</summary>
    public int Count => Episodes.Length;

    /// <summary><see cref="Observation.Episode"/> of each entry.</summary>
    public ReadOnlySpan<long> Episodes { get; }

    /// <summary><see cref="Observation.PastMarketVolume"/> of each entry.</summary>
    public ReadOnlySpan<double> PastMarketVolume { get; }

    /// <summary><see cref="Observation.VolumeRatio"/> of each entry.</summary>
    public ReadOnlySpan<double> VolumeRatio { get; }

    /// <summary><see cref="Observation.RemainingFraction"/> of entry <paramref name="e"/>.</summary>
    public double RemainingFraction(int e) => (_remaining.IsEmpty ? _uniformRemaining : _remaining[e]) * _inverseQuantity;
}
