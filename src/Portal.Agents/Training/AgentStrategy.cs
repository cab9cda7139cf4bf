using Portal.Agents.Common;
using Portal.Agents.Environment;
using Portal.Domain.Simulation;

namespace Portal.Agents.Training;

/// <summary>
/// A trained agent as a portal strategy: runs in any backtest beside the baselines, on the same market paths (common
/// random numbers). Observations are normalised with the statistics stored with the agent and the participation-cap mask
/// is recomputed from the scenario, so the agent only ever proposes legal child orders.
/// </summary>
public sealed class AgentStrategy : IExecutionStrategy, IDisposable
{
    private readonly IExecutionAgent _agent;
    private readonly ObservationNormalizer _normalizer;
    private readonly Lock _gate = new();

    /// <summary>Wraps the agent stored in <paramref name="artifact"/>.</summary>
    public AgentStrategy(AgentArtifact artifact, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        _agent = artifact.CreateAgent();
        _normalizer = artifact.Normalizer;
        Id = id ?? $"agent:{artifact.Algorithm}-{artifact.Seed}";
        DisplayName = $"{artifact.Algorithm.ToUpperInvariant()} agent (seed {artifact.Seed})";
        Exposure = artifact.Exposure;
    }

    /// <summary>What the agent saw in training (null for an artifact written before it was recorded).</summary>
    public Portal.Domain.Backtesting.TrainingExposure? Exposure { get; }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public string DisplayName { get; }

    /// <summary>Loads an agent saved as a directory or archive.</summary>
    public static AgentStrategy Load(string path, string? id = null) => new(AgentArtifact.Load(path), id);

    /// <inheritdoc />
    public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining)
    {
        int n = observations.Length, f = ExecutionObservation.FeatureCount;
        var features = new float[n * f];
        var mask = new double[n];
        double cap = context.Scenario.Constraints.MaxParticipationPct is { } pct ? pct / 100.0 : double.PositiveInfinity;
        for (int i = 0; i < n; i++)
        {
            _normalizer.Normalize(ScenarioMarket.FromSimulator(observations[i]), features.AsSpan(i * f, f));
            mask[i] = ScenarioMarket.MaxFraction(cap, observations[i], context.ExpectedStepVolume, context.Quantity, context.IsLastStep);
        }

        lock (_gate)
        {
            _agent.Act(features, mask, context.Step, context.Steps, fractionOfRemaining);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _agent.Dispose();
}
