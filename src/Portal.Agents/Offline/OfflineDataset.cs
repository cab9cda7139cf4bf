using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Portal.Agents.Environment;
using Portal.Agents.Training;

namespace Portal.Agents.Offline;

/// <summary>How the behaviour policy that logged a dataset did on its own logged episodes.</summary>
/// <param name="Episodes">Logged episodes (independent simulated paths).</param>
/// <param name="MeanShortfallBps">Mean implementation shortfall, bps of the arrival value.</param>
/// <param name="StdShortfallBps">Standard deviation of the shortfall across episodes.</param>
/// <param name="CiLowBps">Lower end of the 95% normal interval of the mean shortfall.</param>
/// <param name="CiHighBps">Upper end of that interval.</param>
/// <param name="MeanObjectiveBps">Mean shortfall + λ·risk penalty (the negated return the learners maximise).</param>
public sealed record BehaviourPerformance(int Episodes, double MeanShortfallBps, double StdShortfallBps, double CiLowBps, double CiHighBps, double MeanObjectiveBps)
{
    /// <summary>Mean, standard deviation and 95% interval of per-episode outcomes.</summary>
    public static BehaviourPerformance Of(IReadOnlyList<double> shortfallBps, IReadOnlyList<double> objectiveBps)
    {
        ArgumentNullException.ThrowIfNull(shortfallBps);
        ArgumentNullException.ThrowIfNull(objectiveBps);
        int n = shortfallBps.Count;
        if (n < 2 || objectiveBps.Count != n)
        {
            throw new ArgumentOutOfRangeException(nameof(shortfallBps), n, "At least two episodes with one objective each are needed.");
        }

        double mean = shortfallBps.Average();
        double sd = Math.Sqrt(shortfallBps.Sum(x => (x - mean) * (x - mean)) / (n - 1));
        double half = 1.959963984540054 * sd / Math.Sqrt(n);
        return new BehaviourPerformance(n, mean, sd, mean - half, mean + half, objectiveBps.Average());
    }
}

/// <summary>What a dataset file says about itself before its transitions.</summary>
/// <param name="Version">Format version (<see cref="OfflineDataset.FormatVersion"/>).</param>
/// <param name="ScenarioHash">Hex SHA-256 of the market's JSON (<see cref="OfflineDataset.HashOf"/>): a learner refuses data
/// logged on another market.</param>
/// <param name="Behaviour">Behaviour policy spec, e.g. <c>noisy-twap</c> (<see cref="BehaviourPolicy"/>).</param>
/// <param name="Seed">Seed of the logging: episode batch b used the training stream of (seed, b).</param>
/// <param name="Episodes">Logged episodes.</param>
/// <param name="Count">Transitions (episodes × decisions).</param>
/// <param name="Steps">Trading steps per episode (decisions + 1: the last step force-trades).</param>
/// <param name="PriceNoiseControlVariate">Whether rewards exclude the zero-mean price noise on the holdings.</param>
/// <param name="Lambda">Risk aversion λ of the rewards.</param>
/// <param name="Performance">The behaviour policy's own performance on the logged episodes.</param>
public sealed record OfflineDatasetHeader(
    int Version, string ScenarioHash, string Behaviour, long Seed, int Episodes, int Count, int Steps,
    bool PriceNoiseControlVariate, double Lambda, BehaviourPerformance Performance);

/// <summary>
/// Logged transitions (observation, action, reward, next observation, done) of a behaviour policy on one market, with a
/// header, stored as a versioned gzip-compressed binary file (layout in docs/data-formats.md, "Offline datasets").
/// Observations are raw (<see cref="ExecutionObservation"/> features, not normalised) so any learner can normalise them
/// its own way; the action is the traded fraction of the remainder over the step's mask (in [0, 1]), as the continuous
/// agents act.
/// </summary>
public sealed class OfflineDataset
{
    /// <summary>The 8 bytes every dataset file starts with (inside the gzip stream).</summary>
    public static ReadOnlySpan<byte> Magic => "ELXOFFL\0"u8;

    /// <summary>Current format version.</summary>
    public const int FormatVersion = 1;

    /// <summary>Width of one observation.</summary>
    public static int Features => ExecutionObservation.FeatureCount;

    /// <summary>Creates a dataset from arrays of <see cref="OfflineDatasetHeader.Count"/> rows.</summary>
    public OfflineDataset(OfflineDatasetHeader header, float[] observations, float[] actions, float[] fractions, float[] maxFractions, float[] rewards, float[] nextObservations, bool[] dones)
    {
        ArgumentNullException.ThrowIfNull(header);
        int n = header.Count;
        if (observations.Length != n * Features || nextObservations.Length != n * Features || actions.Length != n
            || fractions.Length != n || maxFractions.Length != n || rewards.Length != n || dones.Length != n)
        {
            throw new ArgumentException($"Every column must hold {n} rows ({n * Features} values for observations).", nameof(header));
        }

        Header = header;
        Observations = observations;
        Actions = actions;
        Fractions = fractions;
        MaxFractions = maxFractions;
        Rewards = rewards;
        NextObservations = nextObservations;
        Dones = dones;
    }

    /// <summary>The header.</summary>
    public OfflineDatasetHeader Header { get; }

    /// <summary>Number of transitions.</summary>
    public int Count => Header.Count;

    /// <summary>Raw observations, row-major [Count, Features].</summary>
    public float[] Observations { get; }

    /// <summary>Action in [0, 1]: the traded fraction of the remainder over the step's mask (0 when the mask is 0).</summary>
    public float[] Actions { get; }

    /// <summary>Fraction of the remainder the behaviour policy traded.</summary>
    public float[] Fractions { get; }

    /// <summary>The step's action mask (largest legal fraction of the remainder).</summary>
    public float[] MaxFractions { get; }

    /// <summary>Step rewards (−bps of shortfall and risk penalty, shaped; see <see cref="ExecutionEnvironment"/>).</summary>
    public float[] Rewards { get; }

    /// <summary>Raw next observations, row-major [Count, Features].</summary>
    public float[] NextObservations { get; }

    /// <summary>Whether the transition ended its episode.</summary>
    public bool[] Dones { get; }

    /// <summary>Hex SHA-256 of the market's JSON: identical markets give identical hashes.</summary>
    public static string HashOf(MarketSource market)
    {
        ArgumentNullException.ThrowIfNull(market);
        var json = JsonSerializer.SerializeToUtf8Bytes(market with { Dataset = null }, AgentArtifact.JsonOptions);
        return Convert.ToHexStringLower(SHA256.HashData(json));
    }

    /// <summary>Writes the dataset (gzip-compressed) to <paramref name="stream"/>.</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var gzip = new GZipStream(stream, CompressionLevel.Optimal, leaveOpen: true);
        using var w = new BinaryWriter(gzip, Encoding.UTF8, leaveOpen: true);
        var h = Header;
        w.Write(Magic);
        w.Write((ushort)h.Version);
        w.Write(h.ScenarioHash);
        w.Write(h.Behaviour);
        w.Write(h.Seed);
        w.Write(h.Episodes);
        w.Write(h.Count);
        w.Write(Features);
        w.Write(h.Steps);
        w.Write(h.PriceNoiseControlVariate);
        w.Write(h.Lambda);
        var p = h.Performance;
        w.Write(p.Episodes);
        w.Write(p.MeanShortfallBps);
        w.Write(p.StdShortfallBps);
        w.Write(p.CiLowBps);
        w.Write(p.CiHighBps);
        w.Write(p.MeanObjectiveBps);
        for (int i = 0; i < Count; i++)
        {
            for (int j = 0; j < Features; j++) w.Write(Observations[i * Features + j]);
            w.Write(Actions[i]);
            w.Write(Fractions[i]);
            w.Write(MaxFractions[i]);
            w.Write(Rewards[i]);
            for (int j = 0; j < Features; j++) w.Write(NextObservations[i * Features + j]);
            w.Write(Dones[i]);
        }
    }

    /// <summary>Writes the dataset to a file.</summary>
    public void Save(string path)
    {
        using var file = File.Create(path);
        Save(file);
    }

    /// <summary>Reads the header only.</summary>
    public static OfflineDatasetHeader ReadHeader(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var gzip = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
        using var r = new BinaryReader(gzip, Encoding.UTF8, leaveOpen: true);
        return ReadHeader(r);
    }

    /// <summary>Reads a dataset written by <see cref="Save(Stream)"/>.</summary>
    /// <exception cref="InvalidDataException">Not a dataset file, an unknown version or another observation width.</exception>
    public static OfflineDataset Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var gzip = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
        using var r = new BinaryReader(gzip, Encoding.UTF8, leaveOpen: true);
        var h = ReadHeader(r);
        int n = h.Count, f = Features;
        var obs = new float[n * f];
        var next = new float[n * f];
        var actions = new float[n];
        var fractions = new float[n];
        var max = new float[n];
        var rewards = new float[n];
        var dones = new bool[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < f; j++) obs[i * f + j] = r.ReadSingle();
            actions[i] = r.ReadSingle();
            fractions[i] = r.ReadSingle();
            max[i] = r.ReadSingle();
            rewards[i] = r.ReadSingle();
            for (int j = 0; j < f; j++) next[i * f + j] = r.ReadSingle();
            dones[i] = r.ReadBoolean();
        }

        return new OfflineDataset(h, obs, actions, fractions, max, rewards, next, dones);
    }

    /// <summary>Reads a dataset file.</summary>
    public static OfflineDataset Load(string path)
    {
        using var file = File.OpenRead(path);
        return Load(file);
    }

    private static OfflineDatasetHeader ReadHeader(BinaryReader r)
    {
        var magic = r.ReadBytes(Magic.Length);
        if (!magic.AsSpan().SequenceEqual(Magic))
        {
            throw new InvalidDataException("Not an offline dataset: the file does not start with the ELXOFFL magic.");
        }

        int version = r.ReadUInt16();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"Offline dataset version {version} is not supported (this build reads version {FormatVersion}).");
        }

        string hash = r.ReadString();
        string behaviour = r.ReadString();
        long seed = r.ReadInt64();
        int episodes = r.ReadInt32();
        int count = r.ReadInt32();
        int features = r.ReadInt32();
        if (features != Features)
        {
            throw new InvalidDataException($"The dataset has {features} observation features; this build uses {Features}.");
        }

        int steps = r.ReadInt32();
        bool cv = r.ReadBoolean();
        double lambda = r.ReadDouble();
        var performance = new BehaviourPerformance(r.ReadInt32(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble());
        return new OfflineDatasetHeader(version, hash, behaviour, seed, episodes, count, steps, cv, lambda, performance);
    }
}
