namespace Portal.Agents.Environment;

/// <summary>
/// A sequence of markets from easy to hard, the last one being the market the agent is meant for. Each
/// <see cref="Reset"/> asks the stage selector which market the new batch of episodes runs on, so a training loop needs
/// no change to follow a curriculum; between resets every call goes to the active stage.
/// </summary>
/// <remarks>Curriculum learning (Bengio, Louradour, Collobert and Weston 2009, "Curriculum learning", ICML): training on
/// easier instances first. Every stage must have the same batch size and number of steps, so observations, masks and
/// buffers keep their shapes across stages.</remarks>
public sealed class CurriculumMarket : IExecutionMarket
{
    private readonly IExecutionMarket[] _stages;
    private readonly Func<int> _stageSelector;
    private IExecutionMarket _active;

    /// <summary>Creates the curriculum <paramref name="stages"/> (easy first); <paramref name="stageSelector"/> returns the stage index for the next reset.</summary>
    public CurriculumMarket(IReadOnlyList<IExecutionMarket> stages, Func<int> stageSelector)
    {
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentNullException.ThrowIfNull(stageSelector);
        if (stages.Count == 0)
        {
            throw new ArgumentException("A curriculum needs at least one market.", nameof(stages));
        }

        for (int i = 1; i < stages.Count; i++)
        {
            if (stages[i].BatchSize != stages[0].BatchSize || stages[i].Steps != stages[0].Steps)
            {
                throw new ArgumentException(
                    $"Curriculum stage {i} has {stages[i].Steps} steps and batch {stages[i].BatchSize}; stage 0 has {stages[0].Steps} and {stages[0].BatchSize}. Every stage needs the same.",
                    nameof(stages));
            }
        }

        _stages = [.. stages];
        _stageSelector = stageSelector;
        _active = _stages[0];
    }

    /// <summary>Index of the stage the current episodes run on.</summary>
    public int ActiveStage { get; private set; }

    /// <summary>Number of stages, the target market included.</summary>
    public int StageCount => _stages.Length;

    /// <inheritdoc />
    public int BatchSize => _active.BatchSize;

    /// <inheritdoc />
    public int Steps => _active.Steps;

    /// <inheritdoc />
    public int StepIndex => _active.StepIndex;

    /// <inheritdoc />
    public ReadOnlySpan<double> LastTradedFraction => _active.LastTradedFraction;

    /// <inheritdoc />
    public bool LastStepWasForced => _active.LastStepWasForced;

    /// <inheritdoc />
    public void Reset(long seed, int episodesPerPath = 1)
    {
        ActiveStage = Math.Clamp(_stageSelector(), 0, _stages.Length - 1);
        _active = _stages[ActiveStage];
        _active.Reset(seed, episodesPerPath);
    }

    /// <inheritdoc />
    public ExecutionObservation Observe(int episode) => _active.Observe(episode);

    /// <inheritdoc />
    public double MaxFractionOfRemaining(int episode) => _active.MaxFractionOfRemaining(episode);

    /// <inheritdoc />
    public void Step(ReadOnlySpan<double> fractionOfRemaining, Span<double> costIncrementBps, Span<double> riskPenaltyBps) =>
        _active.Step(fractionOfRemaining, costIncrementBps, riskPenaltyBps);

    /// <inheritdoc />
    public bool SupportsLimitOrders => _stages.All(s => s.SupportsLimitOrders);

    /// <inheritdoc />
    public void Step(ReadOnlySpan<double> fractionOfRemaining, ReadOnlySpan<double> passiveShare, Span<double> costIncrementBps, Span<double> riskPenaltyBps) =>
        _active.Step(fractionOfRemaining, passiveShare, costIncrementBps, riskPenaltyBps);

    /// <inheritdoc />
    public double LastPassiveFillShare(int episode) => _active.LastPassiveFillShare(episode);

    /// <inheritdoc />
    public double UnrealisedCostBps(int episode) => _active.UnrealisedCostBps(episode);

    /// <inheritdoc />
    public double PriceNoiseBps(int episode) => _active.PriceNoiseBps(episode);
}
