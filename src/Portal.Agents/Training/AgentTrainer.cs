using System.Diagnostics;
using Portal.Agents.Common;
using Portal.Agents.Dqn;
using Portal.Agents.Environment;
using Portal.Agents.Ppo;
using Portal.Agents.QLearning;
using Portal.Agents.Sac;
using TorchSharp;

namespace Portal.Agents.Training;

/// <summary>What to train: algorithm, market, seeds, budget and evaluation.</summary>
public sealed record TrainRequest
{
    /// <summary>Algorithm id: <c>qlearning</c>, <c>dqn</c>, <c>ppo</c> or <c>sac</c>.</summary>
    public required string Algorithm { get; init; }

    /// <summary>The market to train and evaluate on: the Almgren–Chriss world or a portal scenario.</summary>
    public required MarketSource Market { get; init; }

    /// <summary>Training seeds; one agent is trained per seed and the summary covers all of them.</summary>
    public IReadOnlyList<long> Seeds { get; init; } = [1, 2, 3, 4, 5];

    /// <summary>Decisions (summed over parallel episodes) per seed.</summary>
    public long EnvironmentSteps { get; init; } = 400_000;

    /// <summary>Evaluation episodes per agent, on seeds disjoint from training.</summary>
    public int EvaluationEpisodes { get; init; } = 10_000;

    /// <summary>Base of the evaluation seeds: the agent of training seed s is evaluated on the paths keyed by
    /// (this, s) (<see cref="TrainingSession.EvaluationKey"/>), its own, with TWAP, the best static schedule and the known
    /// optimum on the same paths (common random numbers).</summary>
    public long EvaluationSeed { get; init; } = 1;

    /// <summary>Hyperparameter record of the algorithm (null = its defaults).</summary>
    public object? Hyperparameters { get; init; }

    /// <summary>Intra-op threads for libtorch (small networks run fastest on one).</summary>
    public int TorchThreads { get; init; } = 1;

    /// <summary>
    /// Train on rewards without the market's zero-mean price noise on the holdings (a control variate that leaves every
    /// policy's expected return unchanged; see <see cref="ExecutionEnvironment"/>). Evaluation always uses realised costs.
    /// </summary>
    public bool PriceNoiseControlVariate { get; init; } = true;

    /// <summary>
    /// Easier markets trained on before <see cref="Market"/>, easiest first (see <see cref="Training.Curriculum"/>); empty
    /// trains on <see cref="Market"/> alone. Every stage needs the same number of steps as <see cref="Market"/>.
    /// </summary>
    public IReadOnlyList<MarketSource> Curriculum { get; init; } = [];

    /// <summary>Share of each seed's budget spent on the <see cref="Curriculum"/> stages (split evenly), in (0, 1).</summary>
    public double CurriculumShare { get; init; } = 0.5;

    /// <summary>
    /// Where an offline learner's data comes from (null = the defaults of <see cref="OfflineDataRequest"/>); ignored by
    /// online learners.
    /// </summary>
    public OfflineDataRequest? Offline { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public TrainRequest Validated()
    {
        if (!AgentTrainer.Algorithms.Contains(Algorithm))
        {
            throw new ArgumentOutOfRangeException(nameof(Algorithm), Algorithm, $"Algorithm must be one of {string.Join(", ", AgentTrainer.Algorithms)}.");
        }

        if (Market is null)
        {
            throw new ArgumentNullException(nameof(Market));
        }

        Market.Validated();
        if (Seeds is null || Seeds.Count == 0 || Seeds.Any(s => s < 0) || Seeds.Distinct().Count() != Seeds.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(Seeds), Seeds is null ? "null" : string.Join(",", Seeds), "Seeds must be a non-empty list of distinct non-negative numbers.");
        }

        if (EnvironmentSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(EnvironmentSteps), EnvironmentSteps, "EnvironmentSteps must be >= 1.");
        }

        if (EvaluationEpisodes < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(EvaluationEpisodes), EvaluationEpisodes, "EvaluationEpisodes must be >= 2.");
        }

        if (TorchThreads is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(TorchThreads), TorchThreads, "TorchThreads must be in [1, 64].");
        }

        if (Curriculum is null)
        {
            throw new ArgumentNullException(nameof(Curriculum));
        }

        for (int i = 0; i < Curriculum.Count; i++)
        {
            Curriculum[i].Validated();
            if (Curriculum[i].Steps != Market.Steps)
            {
                throw new ArgumentException(
                    $"Curriculum[{i}] has {Curriculum[i].Steps} steps but the market has {Market.Steps}; every stage needs the same number of steps.",
                    nameof(Curriculum));
            }
        }

        if (Curriculum.Count > 0 && !(CurriculumShare is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(CurriculumShare), CurriculumShare, "CurriculumShare must be in (0, 1).");
        }

        Offline?.Validated();
        if (Offline?.Dataset is { } data && data.Header.ScenarioHash != Portal.Agents.Offline.OfflineDataset.HashOf(Market))
        {
            throw new ArgumentException(
                $"The offline dataset was logged on another market (scenario hash {data.Header.ScenarioHash[..12]}…, this market {Portal.Agents.Offline.OfflineDataset.HashOf(Market)[..12]}…).",
                nameof(Offline));
        }

        var expected = AgentTrainer.HyperparameterType(Algorithm);
        if (Hyperparameters is not null && Hyperparameters.GetType() != expected)
        {
            throw new ArgumentException($"Hyperparameters must be a {expected.Name} for algorithm '{Algorithm}'.", nameof(Hyperparameters));
        }

        return this;
    }
}

/// <summary>The data an offline learner learns from: a logged dataset, or the behaviour and episode count to log one.</summary>
public sealed record OfflineDataRequest
{
    /// <summary>Behaviour policy that logs the data (<see cref="Offline.BehaviourPolicy"/>): twap, noisy-twap, ac, pov,
    /// mixture or agent:PATH. Default noisy-twap (a deterministic TWAP logs one action per state).</summary>
    public string Behaviour { get; init; } = "noisy-twap";

    /// <summary>Episodes logged per training seed (the seed's training stream). Default 1,000.</summary>
    public int LoggedEpisodes { get; init; } = 1_000;

    /// <summary>A dataset logged earlier, reused by every seed instead of logging (its behaviour wins over
    /// <see cref="Behaviour"/>); it must come from the same market.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public Offline.OfflineDataset? Dataset { get; init; }

    /// <summary>The behaviour the data comes from.</summary>
    public string EffectiveBehaviour => Dataset?.Header.Behaviour ?? Behaviour;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid field.</summary>
    public OfflineDataRequest Validated()
    {
        if (LoggedEpisodes is < 2 or > 10_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(LoggedEpisodes), LoggedEpisodes, "LoggedEpisodes must be in [2, 10000000].");
        }

        if (string.IsNullOrWhiteSpace(Behaviour)
            || !(Offline.BehaviourPolicy.Kinds.Contains(Behaviour) || Behaviour.StartsWith("agent:", StringComparison.Ordinal) && Behaviour.Length > 6))
        {
            throw new ArgumentOutOfRangeException(nameof(Behaviour), Behaviour,
                $"Behaviour must be one of {string.Join(", ", Offline.BehaviourPolicy.Kinds)} or agent:PATH.");
        }

        return this;
    }
}

/// <summary>How one trained agent did on the evaluation paths.</summary>
/// <param name="Episodes">Evaluation episodes.</param>
/// <param name="MeanShortfallBps">Mean implementation shortfall.</param>
/// <param name="StdShortfallBps">Standard deviation of the shortfall.</param>
/// <param name="MeanObjectiveBps">Mean shortfall + λ·risk penalty (E + λV when λ &gt; 0).</param>
/// <param name="OptimumName">The known optimum compared against (null when the model has none).</param>
/// <param name="OptimumObjectiveBps">Closed-form E + λV of the optimum, when known in closed form.</param>
/// <param name="RegretVsOptimum">Agent objective minus the optimum schedule's, paired on the same paths (null without an optimum).</param>
/// <param name="VsTwap">Agent objective minus TWAP's, paired on the same paths (negative = agent cheaper).</param>
/// <param name="TrainingSeconds">Training wall time.</param>
/// <param name="StepsPerSecond">Training decisions per second of wall time.</param>
public sealed record AgentEvaluation(
    int Episodes, double MeanShortfallBps, double StdShortfallBps, double MeanObjectiveBps, string? OptimumName, double? OptimumObjectiveBps,
    PairedStatistic? RegretVsOptimum, PairedStatistic VsTwap, double TrainingSeconds, double StepsPerSecond)
{
    /// <summary>Agent objective minus the best static schedule's, paired on the same paths (null when there is none, e.g. on
    /// a replay).</summary>
    public PairedStatistic? VsBestStatic { get; init; }

    /// <summary>Key of this agent's own evaluation paths (<see cref="TrainingSession.EvaluationKey"/> of the run's evaluation
    /// seed and this agent's training seed); TWAP, the best static schedule and the optimum ran on the same paths.</summary>
    public long EvaluationKey { get; init; }

    /// <summary>Mean objective of TWAP on these paths, bps.</summary>
    public double TwapObjectiveBps { get; init; }

    /// <summary>Mean objective of the best static schedule on these paths, bps (null when there is none).</summary>
    public double? BestStaticObjectiveBps { get; init; }

    /// <summary>Mean objective of the known optimum's schedule on these paths, bps (null without one).</summary>
    public double? OptimumObjectiveOnPathsBps { get; init; }

    /// <summary>The behaviour policy an offline learner's data came from (null for online learners).</summary>
    public string? Behaviour { get; init; }

    /// <summary>Mean objective of that behaviour policy on these paths, bps (null for online learners).</summary>
    public double? BehaviourObjectiveBps { get; init; }

    /// <summary>Mean shortfall of that behaviour policy on these paths, bps (null for online learners).</summary>
    public double? BehaviourShortfallBps { get; init; }

    /// <summary>Agent objective minus the behaviour policy's, paired on the same paths (null for online learners): offline
    /// learning is bounded by its data, so this is its first yardstick.</summary>
    public PairedStatistic? VsBehaviour { get; init; }

    /// <summary>Header of the dataset the agent learned from, with the behaviour's performance on its logged episodes.</summary>
    public Offline.OfflineDatasetHeader? OfflineData { get; init; }

    /// <summary>Processor seconds (all threads of the process) spent training this seed, normaliser fit included: steadier
    /// than <see cref="AgentEvaluation.TrainingSeconds"/> on a machine shared with other work.</summary>
    public double TrainingCpuSeconds { get; init; }

    /// <summary>Greedy decisions per second of wall time on the evaluation episodes: the agent's batched inference (one
    /// forward pass per step for a batch of <see cref="PolicyEvaluation.BatchSize"/> episodes) plus the environment.</summary>
    public double DecisionsPerSecond { get; init; }

    /// <summary>Decision steps per second of wall time of the same environment on the same evaluation episodes driven by
    /// TWAP, which needs no inference: the environment's own speed, beside <see cref="DecisionsPerSecond"/>.</summary>
    public double EnvironmentStepsPerSecond { get; init; }
}

/// <summary>
/// The mean over training seeds of a per-seed paired difference, with a 95% Student t interval over seeds
/// (df = seeds − 1). Each seed is evaluated on its own independent paths, so the interval includes evaluation noise as
/// well as the spread between training seeds.
/// </summary>
/// <param name="MeanBps">Mean over seeds of the per-seed mean difference, bps.</param>
/// <param name="StdBps">Standard deviation of the per-seed means across seeds, bps (null for one seed).</param>
/// <param name="CiLowBps">Lower end of the 95% t interval (null for one seed).</param>
/// <param name="CiHighBps">Upper end of the 95% t interval (null for one seed).</param>
/// <param name="Seeds">Independent units: training seeds, each with its own evaluation paths.</param>
public sealed record AcrossSeeds(double MeanBps, double? StdBps, double? CiLowBps, double? CiHighBps, int Seeds)
{
    /// <summary>What an independent unit is: a training seed with its own evaluation paths.</summary>
    public string UnitKind { get; init; } = "seed";

    /// <summary>How the interval is computed.</summary>
    public string Interval { get; init; } = "95% Student t interval over seeds, df = seeds - 1";

    /// <summary>Mean and t interval of <paramref name="perSeed"/>.</summary>
    public static AcrossSeeds Of(IReadOnlyList<double> perSeed)
    {
        ArgumentNullException.ThrowIfNull(perSeed);
        if (perSeed.Count == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(perSeed), 0, "At least one seed is needed.");
        }

        int n = perSeed.Count;
        double mean = perSeed.Average();
        if (n == 1)
        {
            return new AcrossSeeds(mean, null, null, null, 1);
        }

        double sd = Math.Sqrt(perSeed.Sum(x => (x - mean) * (x - mean)) / (n - 1));
        double half = Portal.Domain.Backtesting.StudentT.Quantile(0.975, n - 1) * sd / Math.Sqrt(n);
        return new AcrossSeeds(mean, sd, mean - half, mean + half, n);
    }
}

/// <summary>The best static schedule a run's agents are compared with.</summary>
/// <param name="HoldingsFraction">Holdings x_0 = 1 … x_N = 0 as fractions of the order.</param>
/// <param name="Method">How it was found (exact programme, closed form or sample-average search).</param>
/// <param name="Origin">The schedule the answer came from ("optimised" or a starting schedule's id).</param>
/// <param name="Warnings">What the search found wrong with the parameters.</param>
public sealed record BestStaticReference(double[] HoldingsFraction, string Method, string Origin, IReadOnlyList<string> Warnings);

/// <summary>One trained agent and its evaluation.</summary>
public sealed record TrainedAgent(AgentArtifact Artifact, AgentEvaluation Evaluation);

/// <summary>Summary over all seeds (never only the best).</summary>
/// <param name="Seeds">Agents trained.</param>
/// <param name="MeanRegretBps">Mean over seeds of the paired regret against the optimum (null without one).</param>
/// <param name="StdRegretBps">Standard deviation of that regret across seeds.</param>
/// <param name="WorstRegretBps">Largest regret over seeds.</param>
/// <param name="TargetBps">Regret target: max(0.5 bps, 1% of the optimum's objective) for an Almgren–Chriss optimum, 2% of it for
/// another known optimum (the discrete Obizhaeva–Wang one).</param>
/// <param name="SeedsWithinTarget">Seeds whose regret is at most <paramref name="TargetBps"/>.</param>
/// <param name="StdVsTwapBps">Standard deviation across seeds of the paired difference to TWAP.</param>
/// <param name="MeanVsTwapBps">Mean over seeds of the paired difference to TWAP.</param>
/// <param name="MeanTrainingSeconds">Mean training wall time per seed.</param>
/// <param name="MeanStepsPerSecond">Mean training decisions per second.</param>
public sealed record TrainingSummary(
    int Seeds, double? MeanRegretBps, double? StdRegretBps, double? WorstRegretBps, double? TargetBps, int? SeedsWithinTarget,
    double MeanVsTwapBps, double StdVsTwapBps, double MeanTrainingSeconds, double MeanStepsPerSecond)
{
    /// <summary>Agent − TWAP over seeds, with its t interval.</summary>
    public AcrossSeeds? VsTwapAcrossSeeds { get; init; }

    /// <summary>Agent − best static schedule over seeds, with its t interval (null without a best static schedule).</summary>
    public AcrossSeeds? VsBestStaticAcrossSeeds { get; init; }

    /// <summary>Agent − known optimum (regret) over seeds, with its t interval (null without a known optimum).</summary>
    public AcrossSeeds? RegretAcrossSeeds { get; init; }

    /// <summary>Agent − behaviour policy over seeds, with its t interval (null for online learners).</summary>
    public AcrossSeeds? VsBehaviourAcrossSeeds { get; init; }

    /// <summary>Mean over seeds of the processor seconds spent training.</summary>
    public double MeanTrainingCpuSeconds { get; init; }

    /// <summary>Mean over seeds of the greedy decisions per second on the evaluation episodes (inference and environment).</summary>
    public double MeanDecisionsPerSecond { get; init; }

    /// <summary>Mean over seeds of the environment's decision steps per second under TWAP on the same episodes.</summary>
    public double MeanEnvironmentStepsPerSecond { get; init; }

    /// <summary>Seeds whose regret interval lies wholly below zero: the agent beats a known optimum beyond Monte Carlo error,
    /// which cannot happen unless the simulator, the optimum or the evaluation is wrong (null without a known optimum).</summary>
    public IReadOnlyList<long>? SeedsBeatingOptimum { get; init; }
}

/// <summary>All agents of a request and their summary.</summary>
public sealed record TrainedAgentSet(TrainRequest Request, IReadOnlyList<TrainedAgent> Agents, TrainingSummary Summary)
{
    /// <summary>The best static schedule every agent was compared with (null when there is none, e.g. on a replay).</summary>
    public BestStaticReference? BestStatic { get; init; }
}

/// <summary>Trains agents for several seeds and evaluates each on unseen paths beside TWAP and the known optimum.</summary>
public static class AgentTrainer
{
    /// <summary>Algorithm ids (<see cref="AgentAlgorithms"/>).</summary>
    public static IReadOnlyList<string> Algorithms => AgentAlgorithms.Ids;

    /// <summary>Episodes of random-policy rollouts used to fit the observation normaliser.</summary>
    public const int NormalizerEpisodes = 512;

    /// <summary>The hyperparameter record type of an algorithm.</summary>
    public static Type HyperparameterType(string algorithm) => AgentAlgorithms.Get(algorithm).HyperparameterType;

    /// <summary>Trains one agent per seed (sequentially: torch's generator is process-wide), evaluates each, and summarises.</summary>
    public static TrainedAgentSet Train(TrainRequest request, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validated();
        torch.set_num_threads(request.TorchThreads);
        var market = request.Market;
        var optimum = market.Optimum();
        var bestStatic = BestStatic(market, cancellationToken);
        var twap = Enumerable.Range(0, market.Steps + 1).Select(k => 1.0 - (double)k / market.Steps).ToArray();
        double? optimumObjective = optimum?.ClosedFormObjectiveBps;

        var agents = new List<TrainedAgent>();
        var optimumMeans = new List<double>();
        for (int k = 0; k < request.Seeds.Count; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long seed = request.Seeds[k];
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var (agent, artifact) = TrainOne(request, seed, k, progress, cancellationToken);
            double trainingCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
            using (agent)
            {
                // This seed's own evaluation paths; every reference schedule runs on the same ones (common random numbers).
                // The agent's greedy run and TWAP's run step the same environment over the same episodes, so their times
                // give the agent's decisions per second beside the environment's own speed (a schedule needs no inference).
                long key = TrainingSession.EvaluationKey(request.EvaluationSeed, seed);
                long decisions = (long)request.EvaluationEpisodes * (market.Steps - 1);
                var clock = Stopwatch.StartNew();
                var run = PolicyEvaluation.RunAgent(agent, market, artifact.Normalizer, request.EvaluationEpisodes, key);
                double agentSeconds = clock.Elapsed.TotalSeconds;
                clock.Restart();
                var twapRun = PolicyEvaluation.RunSchedule(twap, market, request.EvaluationEpisodes, key);
                double environmentSeconds = clock.Elapsed.TotalSeconds;
                var optimumRun = optimum is { } o ? PolicyEvaluation.RunSchedule(o.Holdings, market, request.EvaluationEpisodes, key) : null;
                var bestRun = bestStatic is { } b ? PolicyEvaluation.RunSchedule(b.HoldingsFraction, market, request.EvaluationEpisodes, key) : null;
                string? behaviour = AgentAlgorithms.Get(request.Algorithm).IsOffline ? (request.Offline ?? new OfflineDataRequest()).EffectiveBehaviour : null;
                var behaviourRun = behaviour is null ? null : Offline.OfflineLogger.Evaluate(market, behaviour, request.EvaluationEpisodes, key);
                if (optimumRun is not null) optimumMeans.Add(optimumRun.ObjectiveBps.Average());
                double mean = run.ShortfallBps.Average();
                double std = Math.Sqrt(run.ShortfallBps.Sum(x => (x - mean) * (x - mean)) / (run.ShortfallBps.Length - 1));
                var evaluation = new AgentEvaluation(
                    request.EvaluationEpisodes, mean, std, run.ObjectiveBps.Average(), optimum?.Name, optimumObjective,
                    optimumRun is null ? null : PairedStatistic.Of(run.ObjectiveBps, optimumRun.ObjectiveBps, run.Clusters),
                    PairedStatistic.Of(run.ObjectiveBps, twapRun.ObjectiveBps, run.Clusters),
                    artifact.TrainingTime.TotalSeconds,
                    artifact.EnvironmentSteps / Math.Max(1e-9, artifact.TrainingTime.TotalSeconds))
                {
                    VsBestStatic = bestRun is null ? null : PairedStatistic.Of(run.ObjectiveBps, bestRun.ObjectiveBps, run.Clusters),
                    EvaluationKey = key,
                    TwapObjectiveBps = twapRun.ObjectiveBps.Average(),
                    BestStaticObjectiveBps = bestRun?.ObjectiveBps.Average(),
                    OptimumObjectiveOnPathsBps = optimumRun?.ObjectiveBps.Average(),
                    Behaviour = behaviour,
                    BehaviourObjectiveBps = behaviourRun?.ObjectiveBps.Average(),
                    BehaviourShortfallBps = behaviourRun?.ShortfallBps.Average(),
                    VsBehaviour = behaviourRun is null ? null : PairedStatistic.Of(run.ObjectiveBps, behaviourRun.ObjectiveBps, run.Clusters),
                    OfflineData = artifact.OfflineData,
                    TrainingCpuSeconds = trainingCpuSeconds,
                    DecisionsPerSecond = decisions / Math.Max(1e-9, agentSeconds),
                    EnvironmentStepsPerSecond = decisions / Math.Max(1e-9, environmentSeconds),
                };
                agents.Add(new TrainedAgent(artifact, evaluation));
            }
        }

        double? optimumReference = optimum is null ? null : optimumObjective ?? optimumMeans.Average();
        return new TrainedAgentSet(request, agents, Summarise(agents, optimumReference, RegretTargetShare(market))) { BestStatic = bestStatic };
    }

    /// <summary>
    /// The best static schedule of <paramref name="market"/> on the run's objective (λ = the run's risk aversion): the
    /// Almgren–Chriss closed form in the Almgren–Chriss world (exact there: its optimum is a static schedule), otherwise
    /// <see cref="Portal.Domain.Backtesting.BestStaticSchedule"/> on the scenario, optimised on its own training stream
    /// (tagged apart from every evaluation path). Null on a replay, where the simulator's paths are not the market's, and on a
    /// niche mixture, whose regimes call for different schedules (the MAP-Elites comparison reports TWAP per niche instead).
    /// </summary>
    public static BestStaticReference? BestStatic(MarketSource market, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(market);
        if (market.IsReplay || market.Niches is not null)
        {
            return null;
        }

        if (market.AlmgrenChriss is { } p)
        {
            var x = AlmgrenChrissSolution.OptimalHoldings(p);
            return new BestStaticReference(x.Select(v => v / p.Quantity).ToArray(), "exact (Almgren–Chriss closed form)", "closed form", []);
        }

        var scenario = market.Scenario!;
        scenario = scenario with { StrategySettings = scenario.StrategySettings with { RiskAversion = market.RiskAversion } };
        var result = Portal.Domain.Backtesting.BestStaticSchedule.Optimise(scenario, ct: cancellationToken);
        return new BestStaticReference(result.HoldingsFraction, result.Method, result.Origin, result.Warnings);
    }

    /// <summary>Trains a single agent for one seed; the caller owns the returned agent.</summary>
    public static (IExecutionAgent Agent, AgentArtifact Artifact) TrainOne(TrainRequest request, long seed, int seedIndex = 0, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validated();
        torch.set_num_threads(request.TorchThreads);
        torch.manual_seed(seed);
        var normalizer = FitNormalizer(request.Market, seed);
        var session = new TrainingSession(seed, request.EnvironmentSteps, cancellationToken, progress is null ? null : progress.Report, seedIndex);
        IExecutionAgent agent = AgentAlgorithms.Get(request.Algorithm).Train(request, normalizer, session);
        return (agent, AgentArtifact.From(agent, request.Market, normalizer, session) with
        {
            PriceNoiseControlVariate = request.PriceNoiseControlVariate,
            Curriculum = request.Curriculum,
            CurriculumShare = request.Curriculum.Count > 0 ? request.CurriculumShare : null,
            Exposure = MarketSource.Exposure([.. request.Curriculum, request.Market], session.SeedStreams()),
            OfflineData = session.OfflineData,
        });
    }

    /// <summary>
    /// Fits the observation normaliser on rollouts of a random policy that trades, on average, twice the uniform rate
    /// (so remaining quantities cover the whole [0, 1] range). Uses training seeds only.
    /// </summary>
    public static ObservationNormalizer FitNormalizer(MarketSource market, long seed)
    {
        ArgumentNullException.ThrowIfNull(market);
        var env = new ExecutionEnvironment(market.CreateMarket(NormalizerEpisodes, MarketPurpose.Training), ObservationNormalizer.Identity);
        var random = new Random(unchecked((int)seed) ^ 0x3C6EF372);
        var samples = new List<ExecutionObservation>(NormalizerEpisodes * market.Steps);
        var fractions = new double[NormalizerEpisodes];
        env.Reset(TrainingSession.NormalizerSeed(seed));
        while (!env.Done)
        {
            samples.AddRange(env.RawObservations);
            int stepsLeft = market.Steps - env.DecisionIndex;
            for (int i = 0; i < fractions.Length; i++)
            {
                fractions[i] = Math.Min(env.MaxFraction[i], random.NextDouble() * 2.0 / stepsLeft);
            }

            env.Step(fractions);
        }

        return ObservationNormalizer.Fit(samples);
    }

    internal static IExecutionAgent Train<THyper>(TrainRequest request, ObservationNormalizer normalizer, TrainingSession session, THyper hyper,
        Func<THyper, int> parallelEpisodes, Func<ExecutionEnvironment, THyper, TrainingSession, IExecutionAgent> train)
    {
        int batch = parallelEpisodes(hyper);
        var market = request.Curriculum.Count == 0
            ? request.Market.CreateMarket(batch, MarketPurpose.Training)
            : new CurriculumMarket(
                [.. request.Curriculum.Select(c => c.CreateMarket(batch, MarketPurpose.Training)), request.Market.CreateMarket(batch, MarketPurpose.Training)],
                () => Training.Curriculum.StageAt(session.EnvironmentSteps, session.TotalEnvironmentSteps, request.Curriculum.Count, request.CurriculumShare));
        var env = new ExecutionEnvironment(market, normalizer, request.PriceNoiseControlVariate);
        return train(env, hyper, session);
    }

    /// <summary>
    /// The regret target as a share of the optimum's objective: 1% (with a 0.5 bps floor) where the optimum is the
    /// Almgren–Chriss closed form, 2% for another known optimum (the discrete Obizhaeva–Wang optimum).
    /// </summary>
    public static (double Share, double FloorBps) RegretTargetShare(MarketSource market)
    {
        ArgumentNullException.ThrowIfNull(market);
        bool almgrenChriss = market.AlmgrenChriss is not null
            || market.Scenario?.Market.Impact.Model == Portal.Domain.Scenarios.ImpactModels.AlmgrenChriss;
        return almgrenChriss ? (0.01, 0.5) : (0.02, 0);
    }

    private static TrainingSummary Summarise(IReadOnlyList<TrainedAgent> agents, double? optimumObjective, (double Share, double FloorBps) rule)
    {
        var vsTwap = agents.Select(a => a.Evaluation.VsTwap.MeanBps).ToArray();
        var (twapMean, twapStd) = MeanStd(vsTwap);
        double? meanRegret = null, stdRegret = null, worst = null, target = null;
        int? within = null;
        if (optimumObjective is { } opt)
        {
            var regrets = agents.Select(a => a.Evaluation.RegretVsOptimum!.MeanBps).ToArray();
            (double m, double s) = MeanStd(regrets);
            meanRegret = m;
            stdRegret = s;
            worst = regrets.Max();
            target = Math.Max(rule.FloorBps, rule.Share * Math.Abs(opt));
            within = regrets.Count(r => r <= target);
        }

        var best = agents.Where(a => a.Evaluation.VsBestStatic is not null).Select(a => a.Evaluation.VsBestStatic!.MeanBps).ToArray();
        var regret = agents.Where(a => a.Evaluation.RegretVsOptimum is not null).ToArray();
        var behaviour = agents.Where(a => a.Evaluation.VsBehaviour is not null).Select(a => a.Evaluation.VsBehaviour!.MeanBps).ToArray();
        return new TrainingSummary(
            agents.Count, meanRegret, stdRegret, worst, target, within, twapMean, twapStd,
            agents.Average(a => a.Evaluation.TrainingSeconds),
            agents.Average(a => a.Evaluation.StepsPerSecond))
        {
            MeanTrainingCpuSeconds = agents.Average(a => a.Evaluation.TrainingCpuSeconds),
            MeanDecisionsPerSecond = agents.Average(a => a.Evaluation.DecisionsPerSecond),
            MeanEnvironmentStepsPerSecond = agents.Average(a => a.Evaluation.EnvironmentStepsPerSecond),
            VsTwapAcrossSeeds = AcrossSeeds.Of(vsTwap),
            VsBestStaticAcrossSeeds = best.Length == agents.Count ? AcrossSeeds.Of(best) : null,
            VsBehaviourAcrossSeeds = behaviour.Length == agents.Count ? AcrossSeeds.Of(behaviour) : null,
            RegretAcrossSeeds = regret.Length == agents.Count ? AcrossSeeds.Of(regret.Select(a => a.Evaluation.RegretVsOptimum!.MeanBps).ToArray()) : null,
            SeedsBeatingOptimum = regret.Length == agents.Count
                ? regret.Where(a => a.Evaluation.RegretVsOptimum!.CiHighBps < 0).Select(a => a.Artifact.Seed).ToArray()
                : null,
        };
    }

    private static (double Mean, double Std) MeanStd(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        double std = values.Count > 1 ? Math.Sqrt(values.Sum(r => (r - mean) * (r - mean)) / (values.Count - 1)) : 0;
        return (mean, std);
    }
}
