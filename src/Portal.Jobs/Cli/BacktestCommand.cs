using System.CommandLine;
using System.Diagnostics;
using Portal.Agents.Training;
using Portal.Domain.Backtesting;
using Portal.Domain.MarketData;
using Portal.Domain.QualityDiversity;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies;

namespace Portal.Jobs.Cli;

/// <summary>
/// <c>backtest --scenario FILE.json [--agent DIR|ZIP ...] [--shards N]</c>: runs a scenario headless and prints the comparison table;
/// trained agents (artifacts written by <c>train</c>) run beside the scenario's baselines on the same paths.
/// </summary>
public static class BacktestCommand
{
    public static Command Create()
    {
        var scenarioFile = new Option<FileInfo?>("--scenario") { Description = "Scenario JSON (the same format as the portal and the API). Defaults to the demo scenario." };
        var episodes = new Option<int?>("--episodes") { Description = "Override the scenario's number of episodes." };
        var seed = new Option<long?>("--seed") { Description = "Override the scenario's seed." };
        var regime = new Option<string?>("--regime")
        {
            Description = $"Set the market to a regime's values ({string.Join(", ", RegimePresets.Names)}), keeping the scenario's reference levels and impact model.",
        };
        var strategies = new Option<string[]>("--strategies") { Description = "Override the scenario's strategies (ids).", AllowMultipleArgumentsPerToken = true };
        var jsonOut = new Option<FileInfo?>("--json") { Description = "Also write the full result as JSON to this file." };
        var agentPaths = new Option<string[]>("--agent")
        {
            Description = "A trained agent (a seed's directory or archive written by train) to run beside the baselines; repeatable.",
            AllowMultipleArgumentsPerToken = true,
        };
        var agentSeed = new Option<long?>("--agent-seed")
        {
            Description = "Which trained seed's policy each --agent uses: an --agent folder written by train (one sub-folder per seed) runs " +
                "that seed's policy; a single seed's directory or archive must be that seed. Default: the scenario's strategySettings.agentSeed, " +
                "else the first (lowest) seed.",
        };
        var datasetFiles = new Option<string?>("--dataset")
        {
            Description = "Replay the scenario on recorded market data: FILE[,FILE] (a LOBSTER message and orderbook pair, or snapshot and/or trade CSVs). " +
                "The scenario's replay options (segment, impact) apply when it has a replay section.",
        };
        var format = new Option<string?>("--format") { Description = "lobster or csv (default: lobster when a file name contains _message_)." };
        var shards = new Option<int>("--shards")
        {
            Description = "Run the simulation as N shards of whole episode batches, one after another in this process, and merge them as the " +
                "workers do (the result is identical whatever N). Replays always run as one.",
            DefaultValueFactory = _ => 1,
        };
        var archives = new Option<string[]>("--archive")
        {
            Description = "A MAP-Elites report (written by map-elites --json): its elites run as elite:NAME:NICHE, its generalist as elite:NAME:generalist and its " +
                "regime router as router:NAME, NAME the file name; repeatable.",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("backtest", "Run a scenario's strategies on common random numbers and print the comparison.")
        {
            scenarioFile, episodes, seed, regime, strategies, jsonOut, agentPaths, agentSeed, datasetFiles, format, shards, archives,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(shards) < 1)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"--shards {parse.GetValue(shards)}: must be at least 1.");
                return 2;
            }

            Scenario scenario;
            try
            {
                var file = parse.GetValue(scenarioFile);
                scenario = file is null ? ScenarioPresets.Demo() : ScenarioJson.Parse(await File.ReadAllTextAsync(file.FullName, ct));
                scenario = Prepare(scenario, parse.GetValue(regime), parse.GetValue(episodes), parse.GetValue(seed), parse.GetValue(strategies));
            }
            catch (Exception e) when (e is ScenarioValidationException or IOException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(e.Message);
                return 2;
            }

            MarketDataset? dataset = null;
            try
            {
                if (parse.GetValue(datasetFiles) is { } files)
                {
                    dataset = Portal.Agents.Cli.TrainCommand.ReadDataset(files, parse.GetValue(format));
                }
                else if (scenario.Replay is { } replay)
                {
                    throw new ArgumentException($"The scenario replays dataset {replay.DatasetId}: give its files with --dataset.");
                }
            }
            catch (Exception e) when (e is ArgumentException or IOException or FormatException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(e.Message);
                return 2;
            }

            List<IExecutionStrategy> agents;
            try
            {
                agents = LoadEnsembles(parse.GetValue(agentPaths) ?? [], parse.GetValue(agentSeed) ?? scenario.StrategySettings.AgentSeed);
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or System.Text.Json.JsonException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(e.Message);
                return 2;
            }

            try
            {
                foreach (var warning in CheckOutOfSample(scenario, Policies(agents), dataset))
                {
                    await Console.Error.WriteLineAsync(warning);
                }
            }
            catch (InSampleEvaluationException e)
            {
                DisposeAll(agents);
                await Console.Error.WriteLineAsync("Refused: " + e.Message);
                return 3;
            }

            List<IExecutionStrategy> extras = [.. agents];
            try
            {
                extras.AddRange(LoadArchives(parse.GetValue(archives) ?? []));
            }
            catch (Exception e) when (e is ArgumentException or IOException or System.Text.Json.JsonException)
            {
                DisposeAll(agents);
                await parse.InvocationConfiguration.Error.WriteLineAsync(e.Message);
                return 2;
            }

            var clock = Stopwatch.StartNew();
            BacktestResult result;
            try
            {
                result = Run(scenario, extras, dataset, ct, parse.GetValue(shards));
            }
            finally
            {
                DisposeAll(agents);
            }
            clock.Stop();
            parse.InvocationConfiguration.Output.WriteLine(BacktestReport.ToText(result));
            parse.InvocationConfiguration.Output.WriteLine($"{result.Episodes:N0} episodes × {result.Strategies.Count} strategies in {clock.Elapsed.TotalSeconds:F2} s");
            if (parse.GetValue(jsonOut) is { } outFile)
            {
                await File.WriteAllTextAsync(outFile.FullName, BacktestReport.ToJson(result, scenario), ct);
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Applies the command line's overrides to a scenario: the regime's values (<see cref="RegimePresets.Apply"/>), then
    /// episodes, seed and strategies; the market is labelled with the regime its values belong to, and the result validated.
    /// </summary>
    /// <exception cref="ScenarioValidationException">An unknown regime name (field <c>market.regime</c>) or an invalid
    /// scenario, each error naming its field.</exception>
    public static Scenario Prepare(Scenario scenario, string? regime, int? episodes, long? seed, IReadOnlyList<string>? strategies)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (regime is not null)
        {
            if (!RegimePresets.Names.Contains(regime, StringComparer.Ordinal))
            {
                throw new ScenarioValidationException("market.regime", $"--regime {regime} is unknown, allowed: {string.Join(", ", RegimePresets.Names)}");
            }
            scenario = scenario with { Market = RegimePresets.Apply(scenario.Market, regime) };
        }
        scenario = scenario with
        {
            Market = RegimePresets.Labelled(scenario.Market),
            Episodes = episodes ?? scenario.Episodes,
            Seed = seed ?? scenario.Seed,
            Strategies = strategies is { Count: > 0 } s ? s : scenario.Strategies,
        };
        return scenario.EnsureValid();
    }

    /// <summary>
    /// Runs <paramref name="scenario"/> with its baselines and <paramref name="agents"/> on common random numbers: simulated,
    /// or replayed on <paramref name="dataset"/> with the scenario's replay options when one is given.
    /// </summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="agents">Trained agents run beside the baselines.</param>
    /// <param name="dataset">Recorded data to replay, or null to simulate.</param>
    /// <param name="ct">Cancels the run.</param>
    /// <param name="shards">Simulations only: run as this many shards of whole episode batches (see
    /// <see cref="BacktestPlan.ShardRangesByCount"/>), each through its stored form, merged as the workers' shards are.</param>
    public static BacktestResult Run(Scenario scenario, IReadOnlyList<IExecutionStrategy> agents, MarketDataset? dataset = null, CancellationToken ct = default, int shards = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        var options = new BacktestOptions { ExtraStrategies = [.. agents] };
        if (dataset is not null)
        {
            return ReplayRunner.Run(scenario, dataset, scenario.Replay?.Options, options);
        }
        if (shards == 1)
        {
            return BacktestRunner.Run(scenario, options, null, ct);
        }
        // The plan (with the best static schedule's search) is made once and shared by every shard, as on the workers.
        var plan = BacktestPlan.Create(scenario, options);
        var parts = BacktestPlan.ShardRangesByCount(scenario.Episodes, shards)
            .Select(r => BacktestPartial.FromBytes(BacktestRunner.RunEpisodes(plan, r.First, r.Count, options, null, ct).ToBytes()))
            .ToList();
        return BacktestRunner.Merge(plan, parts);
    }

    /// <summary>
    /// The out-of-sample check of <paramref name="agents"/> against what the backtest evaluates (<see cref="OutOfSample"/>):
    /// returns a warning for each agent without a training record.
    /// </summary>
    /// <exception cref="InSampleEvaluationException">An agent trained on the evaluated data; the message names the overlap.</exception>
    public static IReadOnlyList<string> CheckOutOfSample(Scenario scenario, IReadOnlyList<AgentStrategy> agents, MarketDataset? dataset)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(agents);
        if (agents.Count == 0)
        {
            return [];
        }
        var data = dataset is null ? OutOfSample.Simulated(scenario) : OutOfSample.Replay(scenario, dataset, scenario.Replay?.Options);
        var checks = agents.Select(a => OutOfSample.Check(a.Id, a.Exposure, data)).ToArray();
        OutOfSample.ThrowIfInSample(checks);
        return [.. checks.Where(c => c.Verdict == SampleVerdict.Unknown).Select(c => "Warning: " + c.Reason)];
    }

    /// <summary>The strategies of MAP-Elites reports (<see cref="EliteStrategies"/>), each named by its file name.</summary>
    /// <exception cref="ArgumentException">A file does not exist, holds no generalist, or two reports share a name.</exception>
    public static List<IExecutionStrategy> LoadArchives(IEnumerable<string> paths)
    {
        var list = new List<IExecutionStrategy>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (!File.Exists(path)) throw new ArgumentException($"--archive {path}: no such file.");
            string name = Path.GetFileNameWithoutExtension(path).Replace(':', '-').Replace(' ', '-');
            if (!names.Add(name)) throw new ArgumentException($"--archive {path}: another archive is already named '{name}'.");
            var report = System.Text.Json.JsonSerializer.Deserialize<MapElitesReport>(File.ReadAllText(path), ScenarioJson.Options)
                ?? throw new ArgumentException($"--archive {path}: not a MAP-Elites report.");
            list.AddRange(EliteStrategies.FromReport(report, name));
        }

        return list;
    }

    /// <summary>
    /// Loads trained agents from artifact directories or archives; ids are <c>agent:NAME</c> with NAME the file or folder name.
    /// A folder written by <c>train</c> (one sub-folder per seed) gives the policy of training seed <paramref name="seed"/>, or of
    /// its first (lowest) seed when null; a single seed's directory or archive must be of <paramref name="seed"/> when one is named.
    /// </summary>
    /// <exception cref="ArgumentException">A path does not exist, holds no policy of the seed, or two agents would share a name; the message names it.</exception>
    public static List<AgentStrategy> LoadAgents(IEnumerable<string> paths, long? seed = null)
    {
        var agents = new List<AgentStrategy>();
        try
        {
            foreach (var path in paths)
            {
                if (!Directory.Exists(path) && !File.Exists(path))
                {
                    throw new ArgumentException($"--agent {path}: no such directory or file.");
                }

                string id = Portal.Domain.Strategies.StrategyId.ForAgentNamed(Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(path)));
                if (agents.Any(a => a.Id == id))
                {
                    throw new ArgumentException($"--agent {path}: another agent is already named '{id}'.");
                }

                agents.Add(AgentStrategy.Create(LoadSeed(path, seed), id));
            }
        }
        catch
        {
            agents.ForEach(a => a.Dispose());
            throw;
        }

        return agents;
    }

    /// <summary>
    /// Loads trained agents as <see cref="LoadAgents"/> does, each a folder written by <c>train</c> with several seeds as an
    /// <see cref="EnsembleStrategy"/> of all its seeds' policies in which the chosen seed's policy trades (so it trades
    /// exactly as <see cref="LoadAgents"/>' agent) and the seeds' disagreement is the uncertainty signal the confidence
    /// fallback reads; a single seed's policy stays an <see cref="AgentStrategy"/> without a signal.
    /// </summary>
    /// <exception cref="ArgumentException">As for <see cref="LoadAgents"/>.</exception>
    public static List<IExecutionStrategy> LoadEnsembles(IEnumerable<string> paths, long? seed = null)
    {
        var all = paths.ToList();
        var chosen = LoadAgents(all, seed);
        var list = new List<IExecutionStrategy>();
        try
        {
            foreach (var (path, agent) in all.Zip(chosen))
            {
                if (File.Exists(path) || File.Exists(Path.Combine(path, AgentArtifact.ManifestFile)))
                {
                    list.Add(agent);
                    continue;
                }
                var artifacts = Directory.GetDirectories(path)
                    .Where(d => File.Exists(Path.Combine(d, AgentArtifact.ManifestFile)))
                    .Select(AgentArtifact.Load)
                    .OrderBy(a => a.Seed)
                    .ToList();
                if (artifacts.Count < 2)
                {
                    list.Add(agent);
                    continue;
                }
                long acting = seed ?? artifacts[0].Seed;
                var members = artifacts.Select(a => a.Seed == acting ? agent : new AgentStrategy(a, agent.Id)).ToList();
                list.Add(new EnsembleStrategy(agent.Id, agent.DisplayName, members, artifacts.FindIndex(a => a.Seed == acting)));
            }
        }
        catch
        {
            foreach (var done in list) (done as IDisposable)?.Dispose();
            foreach (var a in chosen.Skip(list.Count)) a.Dispose();
            throw;
        }
        return list;
    }

    /// <summary>The trading policy of each agent of <see cref="LoadEnsembles"/> (an ensemble's acting member).</summary>
    public static List<AgentStrategy> Policies(IEnumerable<IExecutionStrategy> agents) =>
        [.. agents.Select(a => a is EnsembleStrategy e ? e.Acting : a).OfType<AgentStrategy>()];

    /// <summary>Disposes the agents of <see cref="LoadEnsembles"/>.</summary>
    public static void DisposeAll(IEnumerable<IExecutionStrategy> agents)
    {
        foreach (var a in agents) (a as IDisposable)?.Dispose();
    }

    /// <summary>The artifact at <paramref name="path"/> of training seed <paramref name="seed"/> (see <see cref="LoadAgents"/>).</summary>
    private static AgentArtifact LoadSeed(string path, long? seed)
    {
        if (File.Exists(path) || File.Exists(Path.Combine(path, AgentArtifact.ManifestFile)))
        {
            var single = AgentArtifact.Load(path);
            if (seed is { } wanted && single.Seed != wanted)
            {
                throw new ArgumentException($"--agent {path}: holds the policy of seed {single.Seed}, not of seed {wanted} (--agent-seed).");
            }
            return single;
        }

        var policies = Directory.GetDirectories(path)
            .Where(d => File.Exists(Path.Combine(d, AgentArtifact.ManifestFile)))
            .Select(AgentArtifact.Load)
            .OrderBy(a => a.Seed)
            .ToList();
        if (policies.Count == 0)
        {
            throw new ArgumentException($"--agent {path}: neither a seed's policy ({AgentArtifact.ManifestFile}) nor a folder of them written by train.");
        }
        if (seed is not { } chosen)
        {
            return policies[0];
        }
        return policies.FirstOrDefault(a => a.Seed == chosen)
            ?? throw new ArgumentException($"--agent {path}: no policy of seed {chosen} (--agent-seed); its seeds: {string.Join(", ", policies.Select(a => a.Seed))}.");
    }
}
