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

    /// <summary>Whether the budget is spent.</summary>
    public bool Finished => EnvironmentSteps >= TotalEnvironmentSteps;

    /// <summary>Wall time since the session started.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>
    /// Seed of the next training batch of episodes. Training batch seeds are non-negative and evaluation seeds negative
    /// (see <see cref="EvaluationSeed"/>), so evaluation never replays a training path.
    /// </summary>
    public long NextBatchSeed() => TrainingBatchSeed(Seed, _batches++);

    /// <summary>Training batches drawn so far.</summary>
    public long BatchesDrawn => _batches;

    /// <summary>
    /// The seed streams this session drew, as the trained agent records them: the training batches (batch b used the
    /// untagged episode streams of <see cref="TrainingBatchSeed"/>(seed, b), consecutive in b) and the normaliser's batch.
    /// </summary>
    public IReadOnlyList<Portal.Domain.Backtesting.SeedStreamRange> SeedStreams() =>
    [
        new() { Purpose = "training", Seed = Seed, BatchCount = _batches, FirstPathSeed = TrainingBatchSeed(Seed, 0) },
        new() { Purpose = "normaliser", Seed = Seed, BatchCount = 1, FirstPathSeed = NormalizerSeed(Seed) },
    ];

    /// <summary>Training batch seed number <paramref name="batch"/> of training seed <paramref name="seed"/>.</summary>
    public static long TrainingBatchSeed(long seed, long batch) => (long)((ulong)(seed * 1_000_003L + batch) & 0x7FFF_FFFF_FFFF_FFFFUL);

    /// <summary>Seed of the random-policy rollouts that fit the observation normaliser for training seed <paramref name="seed"/>
    /// (non-negative, so never an evaluation seed).</summary>
    public static long NormalizerSeed(long seed) => (long)((ulong)(seed * 6_364_136_223_846_793_005L + 1_442_695_040_888_963_407L) & 0x7FFF_FFFF_FFFF_FFFFUL);

    /// <summary>Seed of evaluation batch <paramref name="batch"/>: always negative, disjoint from training seeds.</summary>
    public static long EvaluationSeed(long baseSeed, long batch) => -1 - (long)((ulong)(baseSeed * 7_919L + batch) & 0x3FFF_FFFF_FFFF_FFFFUL);

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
