using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Portal.Domain.QualityDiversity;
using Portal.Domain.Scenarios;

namespace Portal.Jobs.Cli;

/// <summary>
/// <c>map-elites [--scenario FILE] [--candidates N] [--batch N] [--seed S] [--shards N] [--json FILE]</c>: evolves linear
/// execution policies into a volatility × liquidity archive of specialists, then compares them out of sample with the
/// generalist, the regime router and TWAP.
/// </summary>
public static class MapElitesCommand
{
    public static Command Create()
    {
        var scenarioFile = new Option<FileInfo?>("--scenario") { Description = "Base scenario JSON (default: the MAP-Elites base, a 2% ADV sell over one hour in 20 steps)." };
        var candidates = new Option<int>("--candidates") { Description = "Candidates to evaluate in all.", DefaultValueFactory = _ => 1000 };
        var batch = new Option<int>("--batch") { Description = "Candidates per generation.", DefaultValueFactory = _ => 100 };
        var seed = new Option<long>("--seed") { Description = "Seed of the variation streams and evaluation paths.", DefaultValueFactory = _ => 1 };
        var episodes = new Option<int>("--episodes-per-niche") { Description = "Episodes per niche per candidate (common random numbers).", DefaultValueFactory = _ => 32 };
        var volBins = new Option<int>("--volatility-bins") { Description = "Rows of the niche grid.", DefaultValueFactory = _ => 3 };
        var liqBins = new Option<int>("--liquidity-bins") { Description = "Columns of the niche grid.", DefaultValueFactory = _ => 3 };
        var shards = new Option<int>("--shards")
        {
            Description = "Split each generation into N candidate ranges evaluated one after another and merged as the workers do (the archive is identical whatever N).",
            DefaultValueFactory = _ => 1,
        };
        var threads = new Option<int?>("--threads") { Description = "Threads (default: every core)." };
        var holdout = new Option<int>("--holdout-episodes") { Description = "Held-out episodes per niche for the specialist / router comparison (0 skips it).", DefaultValueFactory = _ => 2000 };
        var jsonOut = new Option<FileInfo?>("--json") { Description = "Also write the report as JSON to this file." };
        var command = new Command("map-elites", "Evolve volatility × liquidity specialists (MAP-Elites) and compare them with the generalist, the regime router and TWAP out of sample.")
        {
            scenarioFile, candidates, batch, seed, episodes, volBins, liqBins, shards, threads, holdout, jsonOut,
        };
        command.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            Scenario scenario;
            MapElitesSettings settings;
            try
            {
                var file = parse.GetValue(scenarioFile);
                scenario = file is null ? MapElitesSettings.DefaultScenario() : ScenarioJson.Parse(await File.ReadAllTextAsync(file.FullName, ct));
                scenario.EnsureValid();
                settings = new MapElitesSettings
                {
                    Candidates = parse.GetValue(candidates),
                    Batch = parse.GetValue(batch),
                    Seed = parse.GetValue(seed),
                    EpisodesPerNiche = parse.GetValue(episodes),
                    Grid = new NicheGrid { VolatilityBins = parse.GetValue(volBins), LiquidityBins = parse.GetValue(liqBins) },
                }.EnsureValid();
                if (parse.GetValue(shards) is < 1 or > 10_000) throw new ArgumentOutOfRangeException("--shards", parse.GetValue(shards), "--shards must be in [1, 10,000].");
                if (parse.GetValue(holdout) is var h && h != 0 && (h < 2 * SpecialistComparison.VariantsPerNiche || h > 1_000_000))
                    throw new ArgumentOutOfRangeException("--holdout-episodes", h, $"--holdout-episodes must be 0 or in [{2 * SpecialistComparison.VariantsPerNiche}, 1,000,000].");
            }
            catch (Exception e) when (e is ScenarioValidationException or IOException or ArgumentOutOfRangeException or JsonException)
            {
                await error.WriteLineAsync(e.Message);
                return 2;
            }

            var clock = Stopwatch.StartNew();
            var archive = MapElites.Run(scenario, settings, parse.GetValue(shards), parse.GetValue(threads), ct: ct);
            double wall = clock.Elapsed.TotalSeconds;
            var comparisons = parse.GetValue(holdout) > 0 ? SpecialistComparison.Run(scenario, archive, settings.Seed, parse.GetValue(holdout)) : [];
            var report = MapElitesReport.Of(scenario, settings, archive, comparisons) with { WallSeconds = wall };
            await output.WriteLineAsync(ToText(report));
            if (parse.GetValue(jsonOut) is { } json)
            {
                await File.WriteAllTextAsync(json.FullName, JsonSerializer.Serialize(report, ScenarioJson.Options), ct);
            }

            return 0;
        });
        return command;
    }

    /// <summary>The report as a console table.</summary>
    public static string ToText(MapElitesReport r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var ic = CultureInfo.InvariantCulture;
        var w = new StringWriter(ic);
        w.WriteLine($"MAP-Elites: {r.Candidates:N0} candidates in generations of {r.Batch:N0}, {r.VolatilityBins}×{r.LiquidityBins} niches × {r.EpisodesPerNiche} episodes × {r.Steps} steps, seed {r.Seed}");
        w.WriteLine(string.Create(ic, $"wall {r.WallSeconds:F1} s, {r.CandidatesPerSecond:F0} candidates/s; coverage {r.Coverage:P0}, QD-score {r.QdScore:F2} bps"));
        w.WriteLine("niche                  reference  elite   improvement (objective E+λVar, bps)");
        foreach (var n in r.Niches)
        {
            w.WriteLine(string.Create(ic, $"{n.Label,-22} {n.ReferenceObjectiveBps,9:F2} {n.EliteObjectiveBps,7:F2} {n.ImprovementBps,9:F2}"));
        }

        if (r.Comparisons.Count > 0)
        {
            w.WriteLine();
            w.WriteLine("held out (paired, 95% CI, objective bps, A − B; negative = A better)");
            foreach (var c in r.Comparisons)
            {
                w.Write(string.Create(ic, $"{c.Label,-22} n={c.Episodes} router accuracy {c.RouterAccuracy:P0}"));
                foreach (var p in c.Comparisons)
                {
                    w.Write(string.Create(ic, $" | {p.A}−{p.B} {p.Objective.MeanBps:F2} [{p.Objective.CiLowBps:F2}, {p.Objective.CiHighBps:F2}]"));
                }

                w.WriteLine();
            }
        }

        return w.ToString();
    }
}
