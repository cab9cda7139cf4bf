using System.IO.Compression;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Portal.Agents.Common;
using Portal.Agents.Dqn;
using Portal.Agents.Environment;
using Portal.Agents.Ppo;
using Portal.Agents.QLearning;
using Portal.Agents.Sac;

namespace Portal.Agents.Training;

/// <summary>
/// Everything that made a trained agent: weights, hyperparameters, market, observation normalisation, seed, code version,
/// training time and learning curve. Saved as a directory (<c>agent.json</c> + <c>weights.bin</c>) or as one zip archive
/// holding the same two entries.
/// </summary>
public sealed record AgentArtifact
{
    /// <summary>File name of the manifest inside a directory or archive.</summary>
    public const string ManifestFile = "agent.json";

    /// <summary>File name of the weights inside a directory or archive.</summary>
    public const string WeightsFile = "weights.bin";

    /// <summary>Serializer settings used for manifests (camelCase, indented).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Algorithm id: <c>qlearning</c>, <c>dqn</c>, <c>ppo</c>, <c>sac</c>, <c>bcq</c> or <c>td3bc</c>.</summary>
    public required string Algorithm { get; init; }

    /// <summary>Header of the offline dataset an offline learner learned from, with its behaviour's performance (null for
    /// online learners).</summary>
    public Offline.OfflineDatasetHeader? OfflineData { get; init; }

    /// <summary>The algorithm's hyperparameter record as JSON.</summary>
    public required JsonElement Hyperparameters { get; init; }

    /// <summary>The market the agent was trained on (Almgren–Chriss world or scenario, with its risk aversion).</summary>
    public required MarketSource Market { get; init; }

    /// <summary>Observation normalisation statistics the agent expects.</summary>
    public required ObservationNormalizer Normalizer { get; init; }

    /// <summary>Training seed.</summary>
    public required long Seed { get; init; }

    /// <summary>Version of Portal.Agents that trained it (assembly informational version, with the source revision when known).</summary>
    public string CodeVersion { get; init; } = CurrentCodeVersion;

    /// <summary>When training finished (UTC).</summary>
    public DateTime TrainedAtUtc { get; init; } = DateTime.UtcNow;

    /// <summary>Wall time of training.</summary>
    public TimeSpan TrainingTime { get; init; }

    /// <summary>Decisions taken in training.</summary>
    public long EnvironmentSteps { get; init; }

    /// <summary>Whether training rewards excluded the zero-mean price noise on the holdings (see <see cref="ExecutionEnvironment"/>).</summary>
    public bool PriceNoiseControlVariate { get; init; }

    /// <summary>Easier markets trained on before <see cref="Market"/>, easiest first (empty without a curriculum).</summary>
    public IReadOnlyList<MarketSource> Curriculum { get; init; } = [];

    /// <summary>Share of the training budget spent on <see cref="Curriculum"/> (null without one).</summary>
    public double? CurriculumShare { get; init; }

    /// <summary>
    /// What the agent saw in training: the replayed dataset's content hash and the time ranges of its training windows, or
    /// the simulated world's hash and the seed streams drawn (null for artifacts written before it was recorded). Backtests
    /// check it so that an agent is never scored on data it trained on (<see cref="Portal.Domain.Backtesting.OutOfSample"/>).
    /// </summary>
    public Portal.Domain.Backtesting.TrainingExposure? Exposure { get; init; }

    /// <summary>Episode shortfall against training steps.</summary>
    public IReadOnlyList<LearningCurvePoint> LearningCurve { get; init; } = [];

    /// <summary>Serialized weights (format owned by the algorithm).</summary>
    [JsonIgnore]
    public byte[] Weights { get; init; } = [];

    /// <summary>The running code's version string.</summary>
    public static string CurrentCodeVersion { get; } =
        typeof(AgentArtifact).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(AgentArtifact).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Builds an artifact from a trained agent.</summary>
    public static AgentArtifact From(IExecutionAgent agent, MarketSource market, ObservationNormalizer normalizer, TrainingSession session)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(session);
        using var weights = new MemoryStream();
        agent.SaveWeights(weights);
        return new AgentArtifact
        {
            Algorithm = agent.Algorithm,
            Hyperparameters = JsonSerializer.SerializeToElement(agent.Hyperparameters, agent.Hyperparameters.GetType(), JsonOptions),
            Market = market,
            Normalizer = normalizer,
            Seed = session.Seed,
            TrainingTime = session.Elapsed,
            EnvironmentSteps = session.EnvironmentSteps,
            LearningCurve = session.Curve.ToArray(),
            Weights = weights.ToArray(),
        };
    }

    /// <summary>Recreates the policy (weights loaded, ready to act).</summary>
    public IExecutionAgent CreateAgent()
    {
        using var weights = new MemoryStream(Weights, writable: false);
        var algorithm = AgentAlgorithms.All.FirstOrDefault(a => a.Id == Algorithm)
            ?? throw new InvalidDataException($"Unknown algorithm '{Algorithm}' in the artifact.");
        return algorithm.Load(Hyperparameters, weights);
    }

    /// <summary>Writes the artifact as a zip archive to <paramref name="stream"/>.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        using (var manifest = zip.CreateEntry(ManifestFile, CompressionLevel.Optimal).Open())
        {
            JsonSerializer.Serialize(manifest, this, JsonOptions);
        }

        using var weights = zip.CreateEntry(WeightsFile, CompressionLevel.Optimal).Open();
        weights.Write(Weights);
    }

    /// <summary>Writes the artifact as a directory holding <see cref="ManifestFile"/> and <see cref="WeightsFile"/>.</summary>
    public void Save(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, ManifestFile), JsonSerializer.Serialize(this, JsonOptions));
        File.WriteAllBytes(Path.Combine(directory, WeightsFile), Weights);
    }

    /// <summary>Reads an artifact written by <see cref="Save(Stream)"/>.</summary>
    public static AgentArtifact Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        var manifestEntry = zip.GetEntry(ManifestFile) ?? throw new InvalidDataException($"The archive has no {ManifestFile}.");
        var weightsEntry = zip.GetEntry(WeightsFile) ?? throw new InvalidDataException($"The archive has no {WeightsFile}.");
        AgentArtifact manifest;
        using (var s = manifestEntry.Open())
        {
            manifest = JsonSerializer.Deserialize<AgentArtifact>(s, JsonOptions) ?? throw new InvalidDataException("Empty manifest.");
        }

        using var w = weightsEntry.Open();
        using var buffer = new MemoryStream();
        w.CopyTo(buffer);
        return manifest with { Weights = buffer.ToArray() };
    }

    /// <summary>Reads an artifact from a directory written by <see cref="Save(string)"/> or from a zip file.</summary>
    public static AgentArtifact Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (File.Exists(path))
        {
            using var file = File.OpenRead(path);
            return Load(file);
        }

        var manifest = JsonSerializer.Deserialize<AgentArtifact>(File.ReadAllText(Path.Combine(path, ManifestFile)), JsonOptions)
            ?? throw new InvalidDataException("Empty manifest.");
        return manifest with { Weights = File.ReadAllBytes(Path.Combine(path, WeightsFile)) };
    }
}
