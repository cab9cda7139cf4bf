using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Testing;

namespace Portal.Domain.Tests.Backtesting;

/// <summary>
/// The headline statistics of every example scenario, pinned: each file in <c>examples/scenarios/</c> is run at its own
/// seed and episode count, and every strategy's mean, standard deviation and 95th percentile of cost (bps of arrival
/// notional) must match <c>PinnedStatistics.json</c>. A change that moves any of them fails here until the pins are
/// rewritten (<c>scripts/pin-statistics.sh</c>, or <c>EXECUTIONLAB_UPDATE_PINS=1</c> on this test) in the same commit,
/// whose message says why the numbers moved.
/// </summary>
/// <remarks>
/// A backtest is deterministic for a given scenario, seed and code: every episode draws from its own counter-based stream,
/// so the result does not depend on threads or batches. The tolerance therefore only absorbs floating-point differences
/// between machines and runtimes (fused multiply–add, vectorised maths, the last bits of <c>Math.Exp</c>/<c>Math.Log</c>),
/// which an optimiser such as the best static schedule can amplify by a few orders of magnitude: |actual − pinned| ≤
/// <see cref="RelativeTolerance"/> · max(1, |pinned|) bps. Any modelling change moves these figures by far more.
/// </remarks>
public class PinnedStatisticsTests
{
    /// <summary>Relative tolerance on every pinned figure (absolute, in bps, below 1 bps).</summary>
    public const double RelativeTolerance = 1e-6;

    /// <summary>Environment variable that makes the test rewrite the pins instead of comparing.</summary>
    public const string UpdateVariable = "EXECUTIONLAB_UPDATE_PINS";

    private static string ExamplesFolder => Path.Combine(RepositoryPaths.Root, "examples", "scenarios");

    private static string PinFile => Path.Combine(RepositoryPaths.Root, "tests", "Portal.Domain.Tests", "Backtesting", "PinnedStatistics.json");

    private static readonly string[] Figures = ["meanBps", "stdBps", "p95Bps"];

    private static string[] ExampleNames() =>
        [.. Directory.GetFiles(ExamplesFolder, "*.json").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal)];

    public static TheoryData<string> ExampleScenarios() => [.. ExampleNames()];

    /// <summary>Per strategy id, the pinned figures of one scenario file's backtest at its seed.</summary>
    private static JsonObject Measure(string name)
    {
        var scenario = ScenarioJson.Parse(File.ReadAllText(Path.Combine(ExamplesFolder, name + ".json")));
        var result = BacktestRunner.Run(scenario, new BacktestOptions { KeepEpisodes = false });
        var strategies = new JsonObject();
        foreach (var s in result.Strategies)
        {
            strategies[s.StrategyId] = new JsonObject
            {
                ["meanBps"] = s.Summary.MeanBps,
                ["stdBps"] = s.Summary.StdBps,
                ["p95Bps"] = s.Summary.P95Bps,
            };
        }

        return new JsonObject { ["seed"] = scenario.Seed, ["episodes"] = scenario.Episodes, ["strategies"] = strategies };
    }

    private static JsonObject ReadPins() =>
        File.Exists(PinFile) ? JsonNode.Parse(File.ReadAllText(PinFile))!["scenarios"]!.AsObject() : [];

    private static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    [Theory]
    [MemberData(nameof(ExampleScenarios))]
    public void Example_scenario_matches_its_pinned_statistics(string name)
    {
        var measured = Measure(name);
        if (Updating)
        {
            Pin(name, measured);
            return;
        }

        var pins = ReadPins();
        Assert.True(pins.TryGetPropertyValue(name, out var pinnedNode) && pinnedNode is JsonObject,
            $"examples/scenarios/{name}.json has no pinned statistics in {Path.GetRelativePath(RepositoryPaths.Root, PinFile)}: run scripts/pin-statistics.sh and commit the file with the reason.");
        var pinned = pinnedNode!.AsObject();
        Assert.Equal((long)pinned["seed"]!, (long)measured["seed"]!);
        Assert.Equal((int)pinned["episodes"]!, (int)measured["episodes"]!);

        var pinnedStrategies = pinned["strategies"]!.AsObject();
        var measuredStrategies = measured["strategies"]!.AsObject();
        Assert.Equal(pinnedStrategies.Select(p => p.Key).Order(StringComparer.Ordinal), measuredStrategies.Select(p => p.Key).Order(StringComparer.Ordinal));
        var moved = new List<string>();
        foreach (var (id, figures) in measuredStrategies)
        {
            foreach (string figure in Figures)
            {
                double now = (double)figures![figure]!, then = (double)pinnedStrategies[id]![figure]!;
                if (!(Math.Abs(now - then) <= RelativeTolerance * Math.Max(1, Math.Abs(then))))
                {
                    moved.Add(string.Create(CultureInfo.InvariantCulture, $"{id}.{figure}: pinned {then:R}, now {now:R}"));
                }
            }
        }

        Assert.True(moved.Count == 0, $"{name}: {moved.Count} pinned statistics moved (if intended, rerun scripts/pin-statistics.sh and say why in the commit):\n" + string.Join("\n", moved));
    }

    [Fact]
    public void Every_pin_belongs_to_an_example_scenario()
    {
        if (Updating) return;
        var names = ExampleNames().ToHashSet(StringComparer.Ordinal);
        var stale = ReadPins().Select(p => p.Key).Where(k => !names.Contains(k)).ToList();
        Assert.True(stale.Count == 0, "Pins without an example scenario (remove them): " + string.Join(", ", stale));
    }

    private static readonly Lock PinLock = new();

    /// <summary>Writes one scenario's figures into the pin file (theory rows may run in parallel), dropping pins of
    /// scenarios that no longer exist.</summary>
    private static void Pin(string name, JsonObject measured)
    {
        lock (PinLock)
        {
            var names = ExampleNames().ToHashSet(StringComparer.Ordinal);
            var pins = ReadPins();
            pins[name] = measured;
            var ordered = new JsonObject();
            foreach (var (key, value) in pins.OrderBy(p => p.Key, StringComparer.Ordinal).ToList())
            {
                if (names.Contains(key)) ordered[key] = value!.DeepClone();
            }

            var document = new JsonObject
            {
                ["about"] = "Mean, standard deviation and 95th percentile of cost (bps of arrival notional) per strategy for every scenario in examples/scenarios at its seed. Checked by PinnedStatisticsTests within a relative tolerance of 1e-6 (floating-point differences only: backtests are deterministic per seed). Rewrite with scripts/pin-statistics.sh in the commit that moves them, saying why.",
                ["scenarios"] = ordered,
            };
            File.WriteAllText(PinFile, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }
    }
}
