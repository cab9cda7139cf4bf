using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Portal.Domain.MarketData;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Backtesting;

/// <summary>A half-open time range [<see cref="StartNs"/>, <see cref="EndNs"/>) in ns since 1970-01-01 (UTC).</summary>
public sealed record TimeRangeNs(long StartNs, long EndNs)
{
    /// <summary>The common part of two ranges, or null when they share no instant (touching ends do not overlap).</summary>
    public TimeRangeNs? Intersect(TimeRangeNs other)
    {
        ArgumentNullException.ThrowIfNull(other);
        long start = Math.Max(StartNs, other.StartNs), end = Math.Min(EndNs, other.EndNs);
        return end > start ? new TimeRangeNs(start, end) : null;
    }

    /// <summary>The union of <paramref name="ranges"/> as disjoint ranges in time order (overlapping or touching ones merged).</summary>
    public static IReadOnlyList<TimeRangeNs> Union(IEnumerable<TimeRangeNs> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        var merged = new List<TimeRangeNs>();
        foreach (var r in ranges.OrderBy(r => r.StartNs))
        {
            if (merged.Count > 0 && r.StartNs <= merged[^1].EndNs)
            {
                merged[^1] = merged[^1] with { EndNs = Math.Max(merged[^1].EndNs, r.EndNs) };
            }
            else
            {
                merged.Add(r);
            }
        }
        return merged;
    }

    /// <summary>Readable UTC form, e.g. <c>2012-06-21 11:51:00–12:15:00 UTC</c>.</summary>
    public override string ToString()
    {
        var start = DateTime.UnixEpoch.AddTicks(StartNs / 100);
        var end = DateTime.UnixEpoch.AddTicks(EndNs / 100);
        var endFormat = end.Date == start.Date ? "HH:mm:ss" : "yyyy-MM-dd HH:mm:ss";
        return string.Create(CultureInfo.InvariantCulture, $"{start:yyyy-MM-dd HH:mm:ss}–{end.ToString(endFormat, CultureInfo.InvariantCulture)} UTC");
    }
}

/// <summary>
/// A range of the random streams a trainer drew simulated episodes from, as the trainer reports it: training seed
/// <see cref="Seed"/>, stream <see cref="Tag"/> and batches [<see cref="FirstBatch"/>, <see cref="FirstBatch"/> + <see cref="BatchCount"/>).
/// </summary>
/// <remarks>
/// A tag of 0 means the batches used the untagged episode streams that a portal backtest uses too: batch b's episodes
/// were <c>RandomStream(FirstPathSeed + b − FirstBatch, episode)</c>, exactly the paths of a backtest with that seed.
/// A non-zero tag is hashed into every seed (<see cref="Simulation.RandomStreams.TaggedSeed"/>), so those streams
/// are disjoint from every backtest's by construction.
/// </remarks>
public sealed record SeedStreamRange
{
    /// <summary>What the streams fed (e.g. <c>training</c>, <c>normaliser</c>).</summary>
    public required string Purpose { get; init; }

    /// <summary>The training seed.</summary>
    public required long Seed { get; init; }

    /// <summary>Stream tag hashed into every seed; 0 = untagged (the streams backtests use).</summary>
    public ulong Tag { get; init; }

    /// <summary>First batch drawn.</summary>
    public long FirstBatch { get; init; }

    /// <summary>Batches drawn.</summary>
    public required long BatchCount { get; init; }

    /// <summary>For untagged streams: the episode-stream seed of the first batch (later batches follow consecutively).</summary>
    public long? FirstPathSeed { get; init; }

    /// <summary>Whether a backtest with seed <paramref name="backtestSeed"/> (untagged streams) replays one of these batches.</summary>
    public bool ContainsBacktestSeed(long backtestSeed) =>
        Tag == 0 && FirstPathSeed is { } first && backtestSeed >= first && backtestSeed - first < BatchCount;
}

/// <summary>One market an agent trained on: a replayed recording (its content hash and time ranges) or a simulated world
/// (its hash and the seed streams drawn from it).</summary>
public sealed record TrainingSource
{
    /// <summary><c>replay</c>, <c>scenario</c> or <c>almgren-chriss</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Content hash of the replayed dataset (replay only).</summary>
    public string? DatasetContentHash { get; init; }

    /// <summary>The recorded time the training episodes covered (replay only): the union of every training window.</summary>
    public IReadOnlyList<TimeRangeNs> Ranges { get; init; } = [];

    /// <summary>Hash of the simulated world (<see cref="OutOfSample.WorldHash(Scenario)"/>; simulated only).</summary>
    public string? WorldHash { get; init; }

    /// <summary>The seed streams drawn (simulated only).</summary>
    public IReadOnlyList<SeedStreamRange> SeedStreams { get; init; } = [];
}

/// <summary>Everything an agent saw in training, recorded in its artifact and beside the stored agent.</summary>
public sealed record TrainingExposure
{
    /// <summary>Every market trained on (curriculum stages first, then the target market).</summary>
    public required IReadOnlyList<TrainingSource> Sources { get; init; }

    /// <summary>JSON form stored beside a trained agent (camelCase).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, OutOfSample.JsonOptions);

    /// <summary>Reads <see cref="ToJson"/>; null or empty text gives null (an agent trained before exposures were recorded).</summary>
    public static TrainingExposure? FromJson(string? json) =>
        string.IsNullOrWhiteSpace(json) ? null : JsonSerializer.Deserialize<TrainingExposure>(json, OutOfSample.JsonOptions);
}

/// <summary>What a backtest evaluates strategies on: a recorded dataset's time range, or a simulated world's untagged
/// streams (seed, episodes 0…N−1).</summary>
public sealed record EvaluationData
{
    /// <summary>Content hash of the replayed dataset (replay only).</summary>
    public string? DatasetContentHash { get; init; }

    /// <summary>Recorded time the backtest's windows cover (replay only).</summary>
    public TimeRangeNs? Range { get; init; }

    /// <summary>Hash of the simulated world (simulated only).</summary>
    public string? WorldHash { get; init; }

    /// <summary>The backtest's seed (simulated only).</summary>
    public long Seed { get; init; }

    /// <summary>Episodes.</summary>
    public int Episodes { get; init; }

    /// <summary>Whether the backtest replays a recording.</summary>
    public bool IsReplay => DatasetContentHash is not null;
}

/// <summary>Outcome of the check for one agent.</summary>
public enum SampleVerdict
{
    /// <summary>The agent never trained on the evaluated data.</summary>
    OutOfSample,

    /// <summary>The agent trained on (part of) the evaluated data.</summary>
    InSample,

    /// <summary>The agent has no record of its training data (trained before it was recorded).</summary>
    Unknown,
}

/// <summary>The check's answer for one agent strategy.</summary>
/// <param name="StrategyId">The agent's strategy id.</param>
/// <param name="Verdict">Out-of-sample, in-sample or unknown.</param>
/// <param name="Reason">Why, naming the overlapping range or seeds (null when out-of-sample).</param>
public sealed record AgentSampleCheck(string StrategyId, SampleVerdict Verdict, string? Reason);

/// <summary>A backtest would score an agent on data it trained on. The message names the agent and the overlap.</summary>
public sealed class InSampleEvaluationException(IReadOnlyList<AgentSampleCheck> inSample)
    : Exception(string.Join(" ", inSample.Select(c => c.Reason)))
{
    /// <summary>Every agent found in-sample.</summary>
    public IReadOnlyList<AgentSampleCheck> InSample { get; } = inSample;
}

/// <summary>
/// The out-of-sample rule, in one place: a backtest must not score an agent on data it trained on. Replay: the same
/// dataset content (hash) and an overlapping recorded time range. Simulated: the same world (order, market, costs and
/// constraints: <see cref="WorldHash(Scenario)"/>) and a backtest seed whose untagged streams a training batch drew.
/// </summary>
/// <remarks>
/// Ranges are half-open, so a training segment ending at the split and a test segment starting there do not overlap.
/// A different world, a different dataset, or a replay against a simulated training (and vice versa) is out-of-sample.
/// An agent without a training record (trained before it was kept) is <see cref="SampleVerdict.Unknown"/>: the portal
/// allows it but flags the run in-sample, off the leaderboards, because nothing shows its data was unseen.
/// </remarks>
public static class OutOfSample
{
    /// <summary>Serializer settings of the stored records (camelCase).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// SHA-256 (hex) of what shapes a scenario's simulated paths: the scenario without its name, strategies, strategy
    /// settings, episodes and seed.
    /// </summary>
    public static string WorldHash(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var world = scenario with { Name = "world", Strategies = [], StrategySettings = new(), Episodes = 1, Seed = 0 };
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ScenarioJson.Serialize(world))));
    }

    /// <summary>What a simulated backtest of <paramref name="scenario"/> evaluates on.</summary>
    public static EvaluationData Simulated(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return new EvaluationData { WorldHash = WorldHash(scenario), Seed = scenario.Seed, Episodes = scenario.Episodes };
    }

    /// <summary>What a replay of <paramref name="scenario"/> on <paramref name="dataset"/> (its replay options) evaluates on:
    /// the union of its windows.</summary>
    public static EvaluationData Replay(Scenario scenario, MarketDataset dataset, ReplayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(dataset);
        var windows = ReplayRunner.Windows(scenario, dataset, options ?? scenario.Replay?.Options);
        var union = TimeRangeNs.Union(windows.Select(w => new TimeRangeNs(w.StartNs, w.EndNs)));
        return new EvaluationData
        {
            DatasetContentHash = dataset.ContentHash,
            Range = new TimeRangeNs(union[0].StartNs, union[^1].EndNs),
            Episodes = scenario.Episodes,
        };
    }

    /// <summary>
    /// As <see cref="Replay(Scenario, MarketDataset, ReplayOptions?)"/> from a stored dataset's summary alone (first and last
    /// event): the whole segment the windows are drawn from, which the windows cover when there are two or more.
    /// </summary>
    public static EvaluationData Replay(Scenario scenario, string contentHash, long startNs, long endNs, ReplayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentException.ThrowIfNullOrEmpty(contentHash);
        var (from, to) = ReplayRunner.SegmentRange(startNs, endNs, startNs, options ?? scenario.Replay?.Options ?? new ReplayOptions());
        return new EvaluationData { DatasetContentHash = contentHash, Range = new TimeRangeNs(from, to), Episodes = scenario.Episodes };
    }

    /// <summary>What training on a replay of <paramref name="scenario"/> on <paramref name="dataset"/> with
    /// <paramref name="trainingOptions"/> (the training segment) sees: the union of its windows.</summary>
    public static TrainingSource ReplayTraining(Scenario scenario, MarketDataset dataset, ReplayOptions trainingOptions)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(dataset);
        var windows = ReplayRunner.Windows(scenario, dataset, trainingOptions);
        return new TrainingSource
        {
            Kind = "replay",
            DatasetContentHash = dataset.ContentHash,
            Ranges = TimeRangeNs.Union(windows.Select(w => new TimeRangeNs(w.StartNs, w.EndNs))),
        };
    }

    /// <summary>What training on the simulated world of <paramref name="scenario"/> with <paramref name="streams"/> sees.</summary>
    public static TrainingSource SimulatedTraining(Scenario scenario, IReadOnlyList<SeedStreamRange> streams)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(streams);
        return new TrainingSource { Kind = "scenario", WorldHash = WorldHash(scenario), SeedStreams = streams };
    }

    /// <summary>Checks one agent (<paramref name="exposure"/> null = no record) against the evaluated data.</summary>
    public static AgentSampleCheck Check(string strategyId, TrainingExposure? exposure, EvaluationData data)
    {
        ArgumentException.ThrowIfNullOrEmpty(strategyId);
        ArgumentNullException.ThrowIfNull(data);
        if (exposure is null)
        {
            return new AgentSampleCheck(strategyId, SampleVerdict.Unknown,
                $"Agent {strategyId} has no record of its training data (trained before it was recorded): its results count as in-sample (unknown).");
        }

        foreach (var source in exposure.Sources)
        {
            if (data.IsReplay)
            {
                if (source.DatasetContentHash is null || !string.Equals(source.DatasetContentHash, data.DatasetContentHash, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }
                foreach (var range in source.Ranges)
                {
                    if (range.Intersect(data.Range!) is { } overlap)
                    {
                        return new AgentSampleCheck(strategyId, SampleVerdict.InSample,
                            $"Agent {strategyId} trained on {range} of dataset {Short(source.DatasetContentHash)}; this backtest evaluates it on {data.Range}, " +
                            $"overlapping {overlap}. Evaluate it on data after its training range (e.g. the test segment with replay.options.trainFraction ≥ the one it trained with).");
                    }
                }
            }
            else if (source.WorldHash is not null && source.WorldHash == data.WorldHash)
            {
                foreach (var stream in source.SeedStreams.Where(s => s.ContainsBacktestSeed(data.Seed)))
                {
                    long batch = stream.FirstBatch + (data.Seed - stream.FirstPathSeed!.Value);
                    return new AgentSampleCheck(strategyId, SampleVerdict.InSample,
                        $"Agent {strategyId} trained on this scenario's paths with seed {data.Seed}: {stream.Purpose} batch {batch} of training seed {stream.Seed} " +
                        $"drew the same episode streams (seeds {stream.FirstPathSeed}–{stream.FirstPathSeed + stream.BatchCount - 1}). Use a seed outside that range.");
                }
            }
        }

        return new AgentSampleCheck(strategyId, SampleVerdict.OutOfSample, null);
    }

    /// <summary>Throws <see cref="InSampleEvaluationException"/> when any check is in-sample.</summary>
    public static void ThrowIfInSample(IEnumerable<AgentSampleCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var inSample = checks.Where(c => c.Verdict == SampleVerdict.InSample).ToArray();
        if (inSample.Length > 0)
        {
            throw new InSampleEvaluationException(inSample);
        }
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}
