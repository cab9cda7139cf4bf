namespace Portal.Domain.Simulation;

/// <summary>A strategy that can say how unsure it is of its own decision at a step (e.g. the disagreement of an ensemble of
/// value or policy networks, or one minus a router's confidence in the regime it chose). The confidence fallback guard
/// reads it (<see cref="Strategies.GuardedStrategy"/>).</summary>
/// <remarks>Like <see cref="IExecutionStrategy.Decide"/>, it may use only what is known at the start of the step.</remarks>
public interface IUncertaintySignal
{
    /// <summary>Fills <paramref name="uncertainty"/> (one entry per episode of the batch, ≥ 0, larger = less sure) for the
    /// decision at this step.</summary>
    void Uncertainty(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> uncertainty);
}
