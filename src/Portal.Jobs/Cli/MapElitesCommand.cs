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
        var archive = new Option<FileInfo?>("--archive")
        {
            Description = "Skip the search: compare the archive of a stored report (written by --json) out of sample, on the held-out paths of its seed. " +
                          "The search options (--candidates, --batch, --episodes-per-niche, bins, --shards) are then the archive's.",
        };
        var agents = new Option<string?>("--agents")
        {
            Description = "With --archive: trained agent artifacts (comma-separated directories or archives, one per training seed) run as generalists " +
                          "on the same held-out episodes beside the specialists and the router; each must have been trained on the base scenario's niche " +
                          "mixture (train --niches VxL).",
        };
        var command = new Command("map-elites", "Evolve volatility × liquidity specialists (MAP-Elites) and compare them with the generalist, the regime router and TWAP out of sample.")
        {
            scenarioFile, candidates, batch, seed, episodes, volBins, liqBins, shards, threads, holdout, jsonOut, archive, agents,
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

            if (parse.GetValue(archive) is { } stored)
            {
                return await CompareStored(scenario, stored, parse.GetValue(agents), parse.GetValue(holdout), parse.GetValue(jsonOut), output, error, ct);
            }

            if (parse.GetValue(agents) is not null)
            {
                await error.WriteLineAsync("--agents needs --archive: agents are compared with a stored archive.");
                return 2;
            }

            var clock = Stopwatch.StartNew();
            var result = MapElites.Run(scenario, settings, parse.GetValue(shards), parse.GetValue(threads), ct: ct);
            double wall = clock.Elapsed.TotalSeconds;
            var comparisons = parse.GetValue(holdout) > 0 ? SpecialistComparison.Run(scenario, result, settings.Seed, parse.GetValue(holdout)) : [];
            var report = MapElitesReport.Of(scenario, settings, result, comparisons) with { WallSeconds = wall };
            await output.WriteLineAsync(ToText(report));
            if (parse.GetValue(jsonOut) is { } json)
            {
                await File.WriteAllTextAsync(json.FullName, JsonSerializer.Serialize(report, ScenarioJson.Options), ct);
            }

            return 0;
        });
        return command;
    }

    /// <summary>
    /// <c>--archive FILE [--agents DIR,...]</c>: the stored archive's specialists, generalist and router, and each agent, on
    /// the held-out episodes of the archive's seed (the same episodes the search's own comparison used, common random
    /// numbers), summarised over the agents' seeds.
    /// </summary>
    private static async Task<int> CompareStored(Scenario scenario, FileInfo file, string? agentPaths, int holdout, FileInfo? json,
        TextWriter output, TextWriter error, CancellationToken ct)
    {
        MapElitesReport stored;
        var loaded = new List<Portal.Agents.Training.AgentStrategy>();
        var described = new List<ComparedAgent>();
        try
        {
            stored = JsonSerializer.Deserialize<MapElitesReport>(await File.ReadAllTextAsync(file.FullName, ct), ScenarioJson.Options)
                ?? throw new JsonException($"{file.Name} is empty.");
            if (stored.Generalist.Count != LinearPolicy.ParameterCount) throw new JsonException($"{file.Name} holds no generalist.");
            if (holdout < 2 * SpecialistComparison.VariantsPerNiche)
                throw new ArgumentOutOfRangeException("--holdout-episodes", holdout, $"--holdout-episodes must be at least {2 * SpecialistComparison.VariantsPerNiche} with --archive.");
            var grid = stored.Grid ?? new NicheGrid { VolatilityBins = stored.VolatilityBins, LiquidityBins = stored.LiquidityBins };
            string baseJson = ScenarioJson.Serialize(scenario);
            var paths = (agentPaths ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var path in paths)
            {
                var artifact = Portal.Agents.Training.AgentArtifact.Load(path);
                if (artifact.Market.Niches != grid || artifact.Market.Scenario is not { } trained || ScenarioJson.Serialize(trained) != baseJson)
                {
                    throw new ArgumentOutOfRangeException("--agents", path,
                        $"{path} was not trained on this archive's niche mixture (train --niches {grid.VolatilityBins}x{grid.LiquidityBins} on the same base scenario).");
                }

                string id = $"{artifact.Algorithm}-{artifact.Seed}";
                if (described.Any(d => d.Id == id)) throw new ArgumentOutOfRangeException("--agents", path, $"Two agents are {id}: give one artifact per training seed.");
                loaded.Add(new Portal.Agents.Training.AgentStrategy(artifact, id));
                described.Add(new ComparedAgent(id, artifact.Algorithm, artifact.Seed, artifact.EnvironmentSteps, artifact.TrainingTime.TotalSeconds,
                    string.Create(CultureInfo.InvariantCulture,
                        $"the base scenario's {grid.Count} niche variants (bin centres), every batch dealt evenly over them; {artifact.EnvironmentSteps:N0} decisions")));
            }
        }
        catch (Exception e) when (e is IOException or ArgumentOutOfRangeException or JsonException or InvalidDataException or UnauthorizedAccessException)
        {
            foreach (var a in loaded) a.Dispose();
            await error.WriteLineAsync(e.Message);
            return 2;
        }

        try
        {
            var grid = stored.Grid ?? new NicheGrid { VolatilityBins = stored.VolatilityBins, LiquidityBins = stored.LiquidityBins };
            var specialists = new double[]?[grid.Count];
            foreach (var n in stored.Niches.Where(n => n.Parameters.Count == LinearPolicy.ParameterCount)) specialists[n.Niche] = [.. n.Parameters];
            var clock = Stopwatch.StartNew();
            var comparisons = SpecialistComparison.Run(scenario, grid, specialists, [.. stored.Generalist], stored.Seed, holdout, loaded);
            var ids = described.Select(d => d.Id).ToArray();
            var across = ids.Length > 0 ? GeneralistComparison.Summarise(comparisons, ids) : [];
            var report = new ArchiveComparisonReport(stored.Candidates, stored.Seed, stored.EpisodesPerNiche, grid.VolatilityBins, grid.LiquidityBins, holdout,
                described, comparisons, across,
                across.Count > 0 ? GeneralistComparison.Gains(across) : null,
                across.Count > 0 ? GeneralistComparison.Gains(across, router: true) : null) { WallSeconds = clock.Elapsed.TotalSeconds };
            await output.WriteLineAsync(ToText(report));
            if (json is not null)
            {
                await File.WriteAllTextAsync(json.FullName, JsonSerializer.Serialize(report, ScenarioJson.Options), ct);
            }

            return 0;
        }
        finally
        {
            foreach (var a in loaded) a.Dispose();
        }
    }

    /// <summary>A stored archive's comparison with generalist agents as a console table.</summary>
    public static string ToText(ArchiveComparisonReport r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var ic = CultureInfo.InvariantCulture;
        var w = new StringWriter(ic);
        w.WriteLine(string.Create(ic, $"archive of {r.Candidates:N0} candidates, seed {r.Seed}; {r.HoldoutEpisodes:N0} held-out episodes per niche; agents: {string.Join(", ", r.Agents.Select(a => a.Id))}; {r.WallSeconds:F1} s"));
        string Ci(double m, double? lo, double? hi) => lo is null ? string.Create(ic, $"{m:+0.00;-0.00} (one seed)") : string.Create(ic, $"{m:+0.00;-0.00} [{lo:+0.00;-0.00}, {hi:+0.00;-0.00}]");
        w.WriteLine("niche                  specialist  router  agents  specialist − agents [95% t over seeds]  router − agents  specialist gain");
        foreach (var n in r.AcrossSeeds)
        {
            w.WriteLine(string.Create(ic, $"{n.Label,-22} {n.SpecialistObjectiveBps,10:F2} {n.RouterObjectiveBps,7:F2} {n.AgentObjectiveBps,7:F2}  {Ci(n.Specialist.MeanBps, n.Specialist.CiLowBps, n.Specialist.CiHighBps),-36}  {Ci(n.Router.MeanBps, n.Router.CiLowBps, n.Router.CiHighBps),-28} {n.SpecialistGain:P1}"));
        }

        if (r.SpecialistGains is { } g)
        {
            w.WriteLine(string.Create(ic, $"specialists vs agents: best {g.BestNiche} {g.Best:+0.0%;-0.0%}, worst {g.WorstNiche} {g.Worst:+0.0%;-0.0%}, overall {g.Overall:+0.0%;-0.0%} ({r.PublishedAnchor})"));
        }

        if (r.RouterGains is { } rg)
        {
            w.WriteLine(string.Create(ic, $"router vs agents: best {rg.BestNiche} {rg.Best:+0.0%;-0.0%}, worst {rg.WorstNiche} {rg.Worst:+0.0%;-0.0%}, overall {rg.Overall:+0.0%;-0.0%}"));
        }

        return w.ToString();
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
