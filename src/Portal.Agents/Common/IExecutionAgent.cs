namespace Portal.Agents.Common;

/// <summary>A trained execution policy: maps normalised observations and action masks to legal child orders.</summary>
public interface IExecutionAgent : IDisposable
{
    /// <summary>Algorithm id: <c>qlearning</c>, <c>dqn</c>, <c>ppo</c> or <c>sac</c>.</summary>
    string Algorithm { get; }

    /// <summary>The immutable hyperparameter record the agent was built with.</summary>
    object Hyperparameters { get; }

    /// <summary>
    /// Greedy (evaluation) decision for a batch: <paramref name="observations"/> is row-major <c>[n, FeatureCount]</c>,
    /// <paramref name="maxFraction"/> the mask, <paramref name="decisionIndex"/> and <paramref name="steps"/> the clock.
    /// Writes fractions of the remainder in [0, maxFraction].
    /// </summary>
    void Act(ReadOnlySpan<float> observations, ReadOnlySpan<double> maxFraction, int decisionIndex, int steps, Span<double> fractionOfRemaining);

    /// <summary>Writes the learned parameters.</summary>
    void SaveWeights(Stream stream);
}

/// <summary>One point of a learning curve.</summary>
/// <param name="EnvironmentSteps">Decisions taken so far (summed over parallel episodes).</param>
/// <param name="MeanShortfallBps">Mean implementation shortfall of the episodes just finished, in bps.</param>
/// <param name="MeanObjectiveBps">Mean shortfall plus λ·risk penalty of those episodes, in bps.</param>
/// <param name="Loss">Last training loss (algorithm-specific), NaN before the first update.</param>
/// <param name="Stage">Curriculum stage the episodes ran on (0 without a curriculum; the target market is the last stage).</param>
public sealed record LearningCurvePoint(long EnvironmentSteps, double MeanShortfallBps, double MeanObjectiveBps, double Loss, int Stage = 0);

/// <summary>Live progress of a training run.</summary>
/// <param name="Seed">Seed being trained.</param>
/// <param name="SeedIndex">Index of that seed among the request's seeds.</param>
/// <param name="EnvironmentSteps">Decisions taken so far for this seed.</param>
/// <param name="TotalEnvironmentSteps">Decision budget for this seed.</param>
/// <param name="RecentMeanShortfallBps">Mean shortfall of the most recent batch of episodes.</param>
/// <param name="Elapsed">Wall time since this seed started.</param>
public sealed record TrainingProgress(long Seed, int SeedIndex, long EnvironmentSteps, long TotalEnvironmentSteps, double RecentMeanShortfallBps, TimeSpan Elapsed);

/// <summary>
/// An agent whose action may also choose the order type (<see cref="OrderTypeActions"/>): each child order is split into a
/// market order and a limit order at the touch.
/// </summary>
public interface IOrderTypeAgent : IExecutionAgent
{
    /// <summary>Whether this agent was trained with the (size, aggressiveness) action; when false it only sends market
    /// orders and <see cref="IExecutionAgent.Act"/> is its whole policy.</summary>
    bool UsesLimitOrders { get; }

    /// <summary>
    /// Greedy decision with the order type: as <see cref="IExecutionAgent.Act"/>, plus <paramref name="lastPassiveFillShare"/>
    /// (per episode, the share of the previous step's limit order that filled, NaN when nothing was posted: known at the
    /// start of the step) and the output <paramref name="passiveShare"/> (share of each child posted as a limit order).
    /// </summary>
    void Act(ReadOnlySpan<float> observations, ReadOnlySpan<double> lastPassiveFillShare, ReadOnlySpan<double> maxFraction, int decisionIndex, int steps,
        Span<double> fractionOfRemaining, Span<double> passiveShare);
}
