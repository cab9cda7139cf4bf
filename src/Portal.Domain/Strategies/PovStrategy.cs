using Portal.Domain.Simulation;

namespace Portal.Domain.Strategies;

/// <summary>Percentage of volume: trades a fixed share of each step's market volume; what is left at the horizon is
/// force-traded at the last step (the catch-up).</summary>
public sealed class PovStrategy : IExecutionStrategy
{
    private readonly double _rate;

    /// <summary>Creates the strategy with a participation rate in (0, 1].</summary>
    public PovStrategy(double rate)
    {
        if (!(rate > 0 && rate <= 1)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "Participation rate must be in (0, 1].");
        _rate = rate;
    }

    /// <inheritdoc />
    public string Id => "pov";

    /// <inheritdoc />
    public string DisplayName => $"POV {_rate * 100:0.#}%";

    /// <inheritdoc />
    public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining)
    {
        double perStep = _rate * context.ExpectedStepVolume / context.Quantity;
        for (int e = 0; e < fractionOfRemaining.Length; e++)
        {
            var o = observations[e];
            double want = perStep * o.VolumeRatio;
            fractionOfRemaining[e] = o.RemainingFraction > 0 ? Math.Min(1, want / o.RemainingFraction) : 0;
        }
    }
}

/// <summary>Random baseline: trades a uniform random fraction of the remainder at each step, from a stream keyed by
/// (seed, episode, step) so it is reproducible.</summary>
public sealed class RandomStrategy : IExecutionStrategy
{
    /// <inheritdoc />
    public string Id => "random";

    /// <inheritdoc />
    public string DisplayName => "Random";

    /// <inheritdoc />
    public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining)
    {
        for (int e = 0; e < fractionOfRemaining.Length; e++)
            fractionOfRemaining[e] = RandomStream.CounterUniform(context.Seed, observations[e].Episode, context.Step, 0x52414E44);
    }
}
