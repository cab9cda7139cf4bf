using System.Globalization;
using System.Text.Json;
using Portal.Agents.Environment;
using Portal.Agents.Training;
using Portal.Domain.MarketData;

namespace Portal.Agents.Cli;

/// <summary>
/// The <c>train</c> verb: <c>train --agent ppo --scenario FILE.json --seeds 5 --out DIR [--steps N] [--eval-episodes N]
/// [--eval-seed N] [--first-seed N] [--hyper FILE.json] [--threads N] [--dataset FILE[,FILE]] [--format lobster|csv]</c>.
/// Writes one artifact directory per seed and <c>summary.json</c> under DIR and prints a table with every seed's regret
/// and paired difference to TWAP. With <c>--dataset</c> the scenario is replayed on the recorded files: training on the
/// training segment, evaluation on the test segment of its <c>replay.options</c>.
/// </summary>
public static class TrainCommand
{
    /// <summary>Usage text.</summary>
    public const string Usage =
        "train --agent qlearning|dqn|ppo|sac|bcq|td3bc --scenario FILE.json [--seeds 5] [--first-seed 1] --out DIR " +
        "[--steps 400000] [--eval-episodes 10000] [--eval-seed 1] [--hyper FILE.json] [--threads 1] [--lambda L]\n" +
        "[--order-types market|market-limit]\n" +
        "[--price-noise-control-variate true|false] [--curriculum auto[:N]|FILE.json,FILE.json...] [--curriculum-share 0.5]\n" +
        "[--dataset FILE[,FILE]] [--format lobster|csv] [--niches VxL]\n" +
        "[--behaviour twap|noisy-twap|ac|pov|mixture|agent:PATH] [--logged-episodes 1000] [--offline-dataset FILE]\n" +
        "  bcq and td3bc learn offline: the behaviour policy's executions are logged once (first seed's training stream) and\n" +
        "  written to DIR/offline-dataset.elxoff, or --offline-dataset reuses such a file; --steps then counts gradient updates.\n" +
        "  FILE.json is a portal scenario (see docs/scenario-schema.md; --lambda sets the reward's risk aversion, default\n" +
        "  strategySettings.riskAversion) or Almgren–Chriss world parameters (quantity, arrivalPrice, sigma, horizon, steps,\n" +
        "  epsilon, eta, gamma, riskAversion, stepVolume, maxParticipation).\n" +
        "  --dataset replays the scenario on recorded market data (a LOBSTER message and orderbook pair, or snapshot and/or\n" +
        "  trade CSVs, comma-separated; --format defaults to lobster for LOBSTER file names, else csv): agents train on the\n" +
        "  training segment and are evaluated on the test segment of the scenario's replay.options (see docs/agents.md).\n" +
        "  A scenario with a replay section needs --dataset.\n" +
        "  --niches 3x3 trains one agent on the scenario's MAP-Elites niche variants (volatility × liquidity bin centres,\n" +
        "  docs/map-elites.md), every batch's paths dealt evenly over the niches.";

    /// <summary>
    /// Reads a scenario file: a portal scenario when it has an <c>order</c> member, else Almgren–Chriss parameters. With
    /// <paramref name="dataset"/> the scenario is replayed on it.
    /// </summary>
    public static MarketSource ReadMarket(string json, double? riskAversion = null, MarketDataset? dataset = null)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("order", out _))
        {
            var scenario = Portal.Domain.Scenarios.ScenarioJson.Parse(json);
            if (scenario.Replay is { } replay && dataset is null)
            {
                throw new ArgumentException($"The scenario replays dataset {replay.DatasetId}: give its files with --dataset.", "dataset");
            }

            return dataset is null ? MarketSource.For(scenario, riskAversion) : MarketSource.For(scenario, dataset, riskAversion);
        }

        if (dataset is not null)
        {
            throw new ArgumentException("--dataset replays a portal scenario's order; the Almgren–Chriss world file has none.", "dataset");
        }

        var parameters = document.RootElement.Deserialize<AlmgrenChrissParameters>(AgentArtifact.JsonOptions)
            ?? throw new ArgumentException("The scenario file is empty.", "scenario");
        return MarketSource.For(riskAversion is { } l ? parameters with { RiskAversion = l } : parameters);
    }

    /// <summary>
    /// Reads <c>--niches VxL</c> (e.g. <c>3x3</c>): the scenario's MAP-Elites niche variants on a V × L volatility ×
    /// liquidity grid with the default bounds (<see cref="Portal.Domain.QualityDiversity.NicheGrid"/>), mixed evenly
    /// (<see cref="MarketSource.ForNiches"/>).
    /// </summary>
    public static MarketSource ReadNiches(string value, MarketSource market)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(market);
        var parts = value.Split('x', 'X', '×');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
            || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int l))
        {
            throw new ArgumentException($"--niches '{value}' is not VxL, e.g. 3x3.", "niches");
        }

        if (market.Scenario is not { } scenario || market.IsReplay)
        {
            throw new ArgumentException("--niches mixes the niche variants of a simulated portal scenario (not the Almgren–Chriss world or a replay).", "niches");
        }

        return MarketSource.ForNiches(scenario, new Portal.Domain.QualityDiversity.NicheGrid { VolatilityBins = v, LiquidityBins = l }, market.RiskAversion);
    }

    /// <summary>
    /// Reads <c>--curriculum</c>: <c>auto</c> or <c>auto:N</c> builds N (default 2) easier versions of the target
    /// (<see cref="Curriculum.EasyToHard"/>); otherwise a comma-separated list of scenario files, easiest first.
    /// </summary>
    public static IReadOnlyList<MarketSource> ReadCurriculum(string value, MarketSource target)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.StartsWith("auto", StringComparison.OrdinalIgnoreCase))
        {
            int stages = value.Length > 5 && value[4] == ':'
                ? int.Parse(value[5..], NumberStyles.Integer, CultureInfo.InvariantCulture)
                : value.Length == 4 ? 2 : throw new ArgumentException($"--curriculum '{value}' is neither auto, auto:N nor a list of files.", "curriculum");
            return Curriculum.EasyToHard(target, stages);
        }

        return value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(file => ReadMarket(File.ReadAllText(file), target.Scenario is null ? null : target.RiskAversion))
            .ToArray();
    }

    /// <summary>Runs the verb; returns 0 on success, 2 on bad arguments.</summary>
    public static int Run(string[] args, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        TrainRequest request;
        string outDir;
        try
        {
            var options = Parse(args);
            string algorithm = Required(options, "agent").ToLowerInvariant();
            var dataset = options.TryGetValue("dataset", out var files) ? ReadDataset(files, options.GetValueOrDefault("format")) : null;
            var market = ReadMarket(File.ReadAllText(Required(options, "scenario")), options.TryGetValue("lambda", out var lambda)
                ? double.Parse(lambda, NumberStyles.Float, CultureInfo.InvariantCulture)
                : null, dataset);
            if (options.TryGetValue("niches", out var niches))
            {
                market = ReadNiches(niches, market);
            }

            outDir = Required(options, "out");
            int seeds = (int)Int(options, "seeds", 5);
            long firstSeed = Int(options, "first-seed", 1);
            // The portal's check: unknown names, wrong types and out-of-range values are refused, each by name.
            object? hyper = options.TryGetValue("hyper", out var hyperFile)
                ? AgentAlgorithms.Get(algorithm).CreateHyperparameters(Portal.Domain.Agents.HyperparameterValidator.FromJson(File.ReadAllText(hyperFile)))
                : null;
            hyper = WithOrderTypes(algorithm, hyper, options.GetValueOrDefault("order-types"));
            request = new TrainRequest
            {
                Algorithm = algorithm,
                Market = market,
                Seeds = Enumerable.Range(0, seeds).Select(i => firstSeed + i).ToArray(),
                EnvironmentSteps = Int(options, "steps", 400_000),
                EvaluationEpisodes = (int)Int(options, "eval-episodes", 10_000),
                EvaluationSeed = Int(options, "eval-seed", 1),
                Hyperparameters = hyper,
                TorchThreads = (int)Int(options, "threads", 1),
                PriceNoiseControlVariate = !options.TryGetValue("price-noise-control-variate", out var cv) || bool.Parse(cv),
                Curriculum = options.TryGetValue("curriculum", out var curriculum) ? ReadCurriculum(curriculum, market) : [],
                CurriculumShare = options.TryGetValue("curriculum-share", out var share)
                    ? double.Parse(share, NumberStyles.Float, CultureInfo.InvariantCulture)
                    : 0.5,
                Offline = ReadOffline(options, algorithm),
            }.Validated();
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException or IOException or FormatException)
        {
            output.WriteLine($"error: {ex.Message}");
            output.WriteLine(Usage);
            return 2;
        }

        if (request.Offline is { } offline)
        {
            if (offline.Dataset is null)
            {
                output.WriteLine($"logging {offline.LoggedEpisodes} episodes of {offline.Behaviour} (seed {request.Seeds[0]}'s training stream)");
                offline = offline with
                {
                    Dataset = Offline.OfflineLogger.Log(request.Market, offline.Behaviour, offline.LoggedEpisodes, request.Seeds[0], request.PriceNoiseControlVariate, cancellationToken),
                };
                request = request with { Offline = offline };
            }

            Directory.CreateDirectory(outDir);
            offline.Dataset!.Save(Path.Combine(outDir, OfflineDatasetFile));
            var p = offline.Dataset.Header.Performance;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"offline dataset: {offline.Dataset.Count} transitions of {offline.Dataset.Header.Episodes} {offline.Dataset.Header.Behaviour} episodes; behaviour mean IS {p.MeanShortfallBps:F3} bps [{p.CiLowBps:F3}, {p.CiHighBps:F3}], objective {p.MeanObjectiveBps:F3} bps"));
        }

        string unit = request.Offline is null ? "decisions" : "gradient updates";
        output.WriteLine($"training {request.Algorithm} on {request.Seeds.Count} seed(s), {request.EnvironmentSteps} {unit} each, evaluating on {request.EvaluationEpisodes} unseen episodes");
        var set = AgentTrainer.Train(request, new ConsoleProgress(output), cancellationToken);
        Directory.CreateDirectory(outDir);
        foreach (var agent in set.Agents)
        {
            agent.Artifact.Save(Path.Combine(outDir, $"{request.Algorithm}-seed-{agent.Artifact.Seed}"));
        }

        var summary = new
        {
            request.Algorithm,
            request.Market,
            request.Seeds,
            request.EnvironmentSteps,
            request.EvaluationEpisodes,
            request.EvaluationSeed,
            request.PriceNoiseControlVariate,
            request.Curriculum,
            request.CurriculumShare,
            Offline = request.Offline is { } o ? new { Behaviour = o.EffectiveBehaviour, o.Dataset!.Header, File = OfflineDatasetFile } : null,
            Agents = set.Agents.Select(a => new { a.Artifact.Seed, a.Evaluation }),
            set.Summary,
            set.BestStatic,
            EvaluationPaths = "each training seed on its own paths, keyed by the evaluation seed and the training seed; TWAP, "
                + "best-static and the optimum on the same paths as the agent (common random numbers); training and evaluation "
                + "streams are disjoint by stream tags hashed into every seed",
            Objective = request.Market.Lambda > 0 ? "implementation shortfall + λ·risk penalty, bps of arrival value" : "implementation shortfall, bps of arrival value",
        };
        File.WriteAllText(Path.Combine(outDir, "summary.json"), JsonSerializer.Serialize(summary, AgentArtifact.JsonOptions));
        output.Write(FormatTable(set));
        return 0;
    }

    /// <summary>
    /// Applies <c>--order-types</c> to the hyperparameters: <c>market</c> (default) leaves them as they are;
    /// <c>market-limit</c> sets <see cref="QLearning.QLearningHyperparameters.LimitOrders"/>, the (size, aggressiveness)
    /// action, which only tabular Q-learning offers.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown value, or market-limit for another algorithm.</exception>
    public static object? WithOrderTypes(string algorithm, object? hyperparameters, string? orderTypes)
    {
        switch (orderTypes?.ToLowerInvariant())
        {
            case null or "market":
                return hyperparameters;
            case "market-limit" when algorithm == "qlearning":
                return ((hyperparameters as QLearning.QLearningHyperparameters) ?? new QLearning.QLearningHyperparameters()) with { LimitOrders = true };
            case "market-limit":
                throw new ArgumentException($"--order-types market-limit is offered by qlearning only, not by {algorithm}.", "order-types");
            default:
                throw new ArgumentException($"--order-types must be market or market-limit, not '{orderTypes}'.", "order-types");
        }
    }

    /// <summary>Name of the offline dataset file written beside the artifacts.</summary>
    public const string OfflineDatasetFile = "offline-dataset.elxoff";

    /// <summary>
    /// The offline data of an offline learner (null for online ones, which refuse the offline options): a reused
    /// <c>--offline-dataset</c> file, or the behaviour and episode count to log.
    /// </summary>
    public static OfflineDataRequest? ReadOffline(IReadOnlyDictionary<string, string> options, string algorithm)
    {
        ArgumentNullException.ThrowIfNull(options);
        string[] names = ["behaviour", "logged-episodes", "offline-dataset"];
        if (!AgentAlgorithms.Get(algorithm).IsOffline)
        {
            var given = names.FirstOrDefault(options.ContainsKey);
            return given is null ? null : throw new ArgumentException($"--{given} applies to offline learners (bcq, td3bc) only, not to {algorithm}.", given);
        }

        var dataset = options.TryGetValue("offline-dataset", out var file) ? Offline.OfflineDataset.Load(file) : null;
        if (dataset is not null && (options.ContainsKey("behaviour") || options.ContainsKey("logged-episodes")))
        {
            throw new ArgumentException("--offline-dataset reuses a logged dataset: its behaviour and episodes are already fixed, so --behaviour and --logged-episodes do not apply.", "offline-dataset");
        }

        return new OfflineDataRequest
        {
            Behaviour = dataset?.Header.Behaviour ?? options.GetValueOrDefault("behaviour") ?? "noisy-twap",
            LoggedEpisodes = dataset?.Header.Episodes ?? (int)Int(new Dictionary<string, string>(options), "logged-episodes", 1_000),
            Dataset = dataset,
        }.Validated();
    }

    /// <summary>
    /// Imports the comma-separated market-data <paramref name="files"/> (validated like <c>import</c>);
    /// <paramref name="format"/> defaults to <c>lobster</c> when a file name is a LOBSTER message file, else <c>csv</c>.
    /// </summary>
    public static MarketDataset ReadDataset(string files, string? format = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(files);
        var paths = files.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        format ??= paths.Any(p => Path.GetFileName(p).Contains("_message_", StringComparison.OrdinalIgnoreCase)) ? "lobster" : "csv";
        return MarketDataImporter.ImportFiles(format, paths);
    }

    /// <summary>Plain-text table of a training result: one row per seed and a summary row.</summary>
    public static string FormatTable(TrainedAgentSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var c = CultureInfo.InvariantCulture;
        var w = new StringWriter(c);
        var first = set.Agents[0].Evaluation;
        w.WriteLine(first.OptimumName is null
            ? "no known optimum for this model"
            : string.Create(c, $"optimum: {first.OptimumName}; closed-form E+λV = {(first.OptimumObjectiveBps is { } o ? o.ToString("F3", c) + " bps" : "n/a")}; target regret ≤ {set.Summary.TargetBps:F3} bps"));
        var units = set.Agents[0].Evaluation.VsTwap;
        w.WriteLine(string.Create(c, $"best static schedule: {(set.BestStatic is { } b ? $"{b.Method} ({b.Origin})" : (set.Request.Market.Niches is null ? "none (replay)" : "none (niche mixture)"))}"));
        w.WriteLine(string.Create(c,
            $"every [..] is a 95% interval over the seed's own evaluation {units.UnitKind}s ({units.IndependentUnits:N0} {units.UnitKind}s; paired differences of the objective, bps)"));
        w.WriteLine("seed | mean IS bps | std IS | objective (IS + λ·risk) | regret vs optimum [95% CI] | vs TWAP [95% CI] | vs best-static [95% CI] | train s | steps/s | train cpu-s | decisions/s | env steps/s");
        foreach (var a in set.Agents)
        {
            var e = a.Evaluation;
            w.WriteLine(string.Create(c,
                $"{a.Artifact.Seed} | {e.MeanShortfallBps:F3} | {e.StdShortfallBps:F2} | {e.MeanObjectiveBps:F3} | {Ci(e.RegretVsOptimum)} | {Ci(e.VsTwap)} | {Ci(e.VsBestStatic)} | {e.TrainingSeconds:F1} | {e.StepsPerSecond:F0} | {e.TrainingCpuSeconds:F1} | {e.DecisionsPerSecond:F0} | {e.EnvironmentStepsPerSecond:F0}"));
        }

        if (set.Agents[0].Evaluation.Behaviour is { } behaviourName)
        {
            w.WriteLine($"offline learner: data from {behaviourName}; the behaviour policy ran on each seed's evaluation paths too");
            w.WriteLine("seed | behaviour objective bps | agent objective bps | agent − behaviour [95% CI] | TWAP objective | best-static objective");
            foreach (var a in set.Agents)
            {
                var e = a.Evaluation;
                w.WriteLine(string.Create(c,
                    $"{a.Artifact.Seed} | {e.BehaviourObjectiveBps:F3} | {e.MeanObjectiveBps:F3} | {Ci(e.VsBehaviour)} | {e.TwapObjectiveBps:F3} | {(e.BestStaticObjectiveBps is { } bs ? bs.ToString("F3", c) : "n/a")}"));
            }
        }

        var s = set.Summary;
        string regret = s.MeanRegretBps is null
            ? "no known optimum"
            : string.Create(c, $"regret mean {s.MeanRegretBps:F3} ± {s.StdRegretBps:F3} (sd over seeds), worst {s.WorstRegretBps:F3}; within target {s.SeedsWithinTarget}/{s.Seeds}");
        w.WriteLine(string.Create(c,
            $"all {s.Seeds} seeds: {regret}; vs TWAP mean {s.MeanVsTwapBps:F3} ± {s.StdVsTwapBps:F3} (sd over seeds); train {s.MeanTrainingSeconds:F1} s/seed ({s.MeanTrainingCpuSeconds:F1} cpu-s) at {s.MeanStepsPerSecond:F0} steps/s; greedy {s.MeanDecisionsPerSecond:F0} decisions/s beside the environment's {s.MeanEnvironmentStepsPerSecond:F0} steps/s"));
        w.WriteLine(string.Create(c,
            $"across seeds (mean of per-seed differences [95% t interval over {s.Seeds} seeds, df = {s.Seeds - 1}]): vs TWAP {Across(s.VsTwapAcrossSeeds)}; vs best-static {Across(s.VsBestStaticAcrossSeeds)}; regret {Across(s.RegretAcrossSeeds)}{(s.VsBehaviourAcrossSeeds is { } vb ? "; vs behaviour " + Across(vb) : "")}"));
        bool limitOrders = set.Request.Hyperparameters is QLearning.QLearningHyperparameters { LimitOrders: true };
        if (limitOrders)
        {
            w.WriteLine("order types: market or limit at the touch; the known optimum and the best static schedule are optima over market-order schedules, "
                + "which an agent posting limit orders can beat by earning the spread (docs/order-types.md): its regret below 0 is not a bug");
        }
        else if (s.SeedsBeatingOptimum is { Count: > 0 } beating)
        {
            w.WriteLine($"WARNING: seed(s) {string.Join(", ", beating)} beat the known optimum beyond Monte Carlo error (regret interval below 0): a bug in the simulator, the optimum or the evaluation");
        }

        return w.ToString();
    }

    private static string Across(AcrossSeeds? a) => a is null
        ? "n/a"
        : a.CiLowBps is null
            ? string.Create(CultureInfo.InvariantCulture, $"{a.MeanBps:F3} (one seed, no interval)")
            : string.Create(CultureInfo.InvariantCulture, $"{a.MeanBps:F3} [{a.CiLowBps:F3}, {a.CiHighBps:F3}]");

    private static string Ci(PairedStatistic? p) => p is null
        ? "n/a"
        : string.Create(CultureInfo.InvariantCulture, $"{p.MeanBps:F3} [{p.CiLowBps:F3}, {p.CiHighBps:F3}]")
          + (p.UnitKind == Portal.Domain.Backtesting.UnitKinds.Window
              ? string.Create(CultureInfo.InvariantCulture, $" over {p.IndependentUnits} windows{(p.IndependentUnits < Portal.Domain.Backtesting.UnitKinds.RankingThreshold ? " (too few to rank)" : "")}")
              : "");

    /// <summary>The options are read in <see cref="TrainOptions"/>, which refuses any the verb does not know.</summary>
    private static Dictionary<string, string> Parse(string[] args) => TrainOptions.Parse(args);

    private static string Required(Dictionary<string, string> options, string name) =>
        options.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.", name);

    private static long Int(Dictionary<string, string> options, string name, long fallback) =>
        options.TryGetValue(name, out var value) ? long.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture) : fallback;

    private sealed class ConsoleProgress(TextWriter output) : IProgress<Common.TrainingProgress>
    {
        private long _lastReported = -1;

        public void Report(Common.TrainingProgress value)
        {
            long bucket = value.EnvironmentSteps * 10 / value.TotalEnvironmentSteps;
            if (bucket == _lastReported && value.EnvironmentSteps < value.TotalEnvironmentSteps)
            {
                return;
            }

            _lastReported = bucket;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  seed {value.Seed}: {value.EnvironmentSteps}/{value.TotalEnvironmentSteps} steps, recent mean IS {value.RecentMeanShortfallBps:F2} bps, {value.Elapsed.TotalSeconds:F1} s"));
        }
    }
}
