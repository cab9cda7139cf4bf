using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Strategies;

/// <summary>Random baseline: trades a uniform random fraction of the remainder at each step, from a stream keyed by
/// (seed, episode, step) so it is reproducible.</summary>
public sealed class RandomStrategy : IProgressStrategy
{
    /// <summary>The counter stream of the fractions (<see cref="RandomStream.CounterUniform"/>).</summary>
    internal const int Stream = 0x52414E44;

    /// <inheritdoc />
    public string Id => "random";

    /// <inheritdoc />
    public string DisplayName => "Random";

    /// <inheritdoc />
    public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining)
    {
        for (int e = 0; e < fractionOfRemaining.Length; e++)
            fractionOfRemaining[e] = RandomStream.CounterUniform(context.Seed, observations[e].Episode, context.Step, Stream);
    }

    /// <inheritdoc />
    public void Decide(in DecisionContext context, in OrderProgress progress, Span<double> fractionOfRemaining) =>
        RandomStream.CounterUniforms(context.Seed, progress.Episodes[..fractionOfRemaining.Length], context.Step, Stream, fractionOfRemaining);
}

/// <summary>Registers <see cref="RandomStrategy"/> as the <c>random</c> baseline, which every run compares.</summary>
public sealed class RandomBaseline : BaselineRegistration
{
    /// <inheritdoc />
    public override string Id => "random";

    /// <inheritdoc />
    public override string Name => "Random";

    /// <inheritdoc />
    public override string Description => "Trades a uniform random fraction of the remainder at each step.";

    /// <inheritdoc />
    public override int Order => 70;

    /// <inheritdoc />
    public override bool AlwaysCompared => true;

    /// <inheritdoc />
    public override IExecutionStrategy Create(Scenario scenario) => new RandomStrategy();
}
