using Portal.Domain.Simulation;

namespace Portal.Agents.Common;

/// <summary>Budget, seeding and bookkeeping shared by every training loop.</summary>
public sealed class TrainingSession
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly Action<TrainingProgress>? _progress;
    private readonly int _seedIndex;
    private long _batches;

    /// <summary>Creates a session with a decision budget for one seed.</summary>
    public TrainingSession(long seed, long totalEnvironmentSteps, CancellationToken cancellationToken = default, Action<TrainingProgress>? progress = null, int seedIndex = 0)
    {
        if (seed < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(seed), seed, "seed must be >= 0.");
        }

        if (totalEnvironmentSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(totalEnvironmentSteps), totalEnvironmentSteps, "totalEnvironmentSteps must be >= 1.");
        }

        Seed = seed;
        TotalEnvironmentSteps = totalEnvironmentSteps;
        CancellationToken = cancellationToken;
        _progress = progress;
        _seedIndex = seedIndex;
    }

    /// <summary>The training seed.</summary>
    public long Seed { get; }

    /// <summary>Decision budget.</summary>
    public long TotalEnvironmentSteps { get; }

    /// <summary>Decisions taken so far.</summary>
    public long EnvironmentSteps { get; private set; }

    /// <summary>Cancellation of the run.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Learning curve recorded so far.</summary>
    public List<LearningCurvePoint> Curve { get; } = [];

    /// <summary>Header of the offline dataset an offline learner learned from (null for online learners).</summary>
    public Offline.OfflineDatasetHeader? OfflineData { get; set; }

    /// <summary>Records a learning-curve point of an offline learner after <see cref="EnvironmentSteps"/> gradient updates:
    /// the dataset's behaviour shortfall and objective (what the data shows; the learner never acts while learning) and the loss.</summary>
    public void UpdatesFinished(double loss)
    {
        var p = OfflineData?.Performance;
        Curve.Add(new LearningCurvePoint(EnvironmentSteps, p?.MeanShortfallBps ?? double.NaN, p?.MeanObjectiveBps ?? double.NaN, loss));
        _progress?.Invoke(new TrainingProgress(Seed, _seedIndex, EnvironmentSteps, TotalEnvironmentSteps, p?.MeanShortfallBps ?? double.NaN, Elapsed));
    }

    /// <summary>Whether the budget is spent.</summary>
    public bool Finished => EnvironmentSteps >= TotalEnvironmentSteps;

    /// <summary>Wall time since the session started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Stream tag of training batches ("AGTRAIN"), hashed into every training batch seed.</summary>
    public const ulong TrainingStream = 0x41_47_54_52_41_49_4E;

    /// <summary>Stream tag of the random-policy rollouts that fit the observation normaliser ("AGNORM").</summary>
    public const ulong NormalizerStream = 0x41_47_4E_4F_52_4D;

    /// <summary>Stream tag of the <c>train</c> verb's evaluation episodes ("AGEVAL").</summary>
    public const ulong EvaluationStream = 0x41_47_45_56_41_4C;

    /// <summary>
    /// Seed of the next training batch of episodes (<see cref="TrainingBatchSeed"/>): training, normaliser and evaluation
    /// episodes draw from streams whose tags are hashed into every seed, so they are disjoint by construction.
    /// </summary>
    public long NextBatchSeed() => TrainingBatchSeed(Seed, _batches++);

    /// <summary>Training batches drawn so far.</summary>
    public long BatchesDrawn => _batches;

    /// <summary>
    /// The seed streams this session drew, as the trained agent records them: the training batches (batch b used the
    /// episode streams of <see cref="TrainingBatchSeed"/>(seed, b), a tagged hash of the seed and b) and the normaliser's batch.
    /// </summary>
    public IReadOnlyList<Portal.Domain.Backtesting.SeedStreamRange> SeedStreams() =>
    [
        new() { Purpose = "training", Seed = Seed, Tag = TrainingStream, BatchCount = _batches },
        new() { Purpose = "normaliser", Seed = Seed, Tag = NormalizerStream, BatchCount = 1 },
    ];

    /// <summary>
    /// Training batch seed number <paramref name="batch"/> of training seed <paramref name="seed"/>: the seed hashed with
    /// <see cref="TrainingStream"/> (<see cref="RandomStream.TaggedSeed"/>), then with the batch index. A backtest or an
    /// evaluation with the same integer seed therefore never replays a training batch's paths.
    /// </summary>
    public static long TrainingBatchSeed(long seed, long batch) => Indexed(RandomStream.TaggedSeed(seed, TrainingStream), batch);

    /// <summary>Seed of the random-policy rollouts that fit the observation normaliser for training seed
    /// <paramref name="seed"/> (its own stream tag, <see cref="NormalizerStream"/>).</summary>
    public static long NormalizerSeed(long seed) => RandomStream.TaggedSeed(seed, NormalizerStream);

    /// <summary>
    /// Seed of evaluation batch <paramref name="batch"/> of the evaluation paths keyed by <paramref name="baseSeed"/>: the
    /// key hashed with <see cref="EvaluationStream"/>, then with the batch index. Never a training or normaliser seed,
    /// nor a backtest's own seed.
    /// </summary>
    public static long EvaluationSeed(long baseSeed, long batch) => Indexed(RandomStream.TaggedSeed(baseSeed, EvaluationStream), batch);

    /// <summary>
    /// The key of the evaluation paths of the agent trained with <paramref name="trainingSeed"/> under evaluation seed
    /// <paramref name="evaluationSeed"/> (pass it as the base seed of <see cref="EvaluationSeed"/>): each training seed is
    /// evaluated on paths of its own, so an across-seed interval includes evaluation noise, while every schedule compared
    /// with that agent runs on the very same paths (common random numbers).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trainingSeed"/> is negative.</exception>
    public static long EvaluationKey(long evaluationSeed, long trainingSeed)
    {
        if (trainingSeed < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(trainingSeed), trainingSeed, "trainingSeed must be >= 0.");
        }

        return Indexed(RandomStream.TaggedSeed(evaluationSeed, EvaluationStream), trainingSeed) ^ unchecked((long)0x5BE0CD19137E2179UL);
    }

    /// <summary>Hashes a non-negative index into a seed (the tag index + 1 is never 0).</summary>
    private static long Indexed(long seed, long index)
    {
        if (index < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, "index must be >= 0.");
        }

        return RandomStream.TaggedSeed(seed, unchecked((ulong)index) + 1);
    }

    /// <summary>Counts decisions taken for one environment step.</summary>
    public void AddSteps(int decisions)
    {
        CancellationToken.ThrowIfCancellationRequested();
        EnvironmentSteps += decisions;
    }

    /// <summary>Records the finished batch of episodes in the curve and reports progress.</summary>
    public void EpisodesFinished(Environment.ExecutionEnvironment env, double loss)
    {
        ArgumentNullException.ThrowIfNull(env);
        double shortfall = env.EpisodeShortfallBps.Average();
        double objective = env.EpisodeObjectiveBps.Average();
        int stage = env.Market is Environment.CurriculumMarket curriculum ? curriculum.ActiveStage : 0;
        Curve.Add(new LearningCurvePoint(EnvironmentSteps, shortfall, objective, loss, stage));
        _progress?.Invoke(new TrainingProgress(Seed, _seedIndex, EnvironmentSteps, TotalEnvironmentSteps, shortfall, Elapsed));
    }
}
