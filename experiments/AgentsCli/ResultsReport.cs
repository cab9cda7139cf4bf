using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

/// <summary>
/// The <c>report</c> verb: <c>report [--runs experiments/out] [--output docs/results.md]</c>. Reads every
/// <c>RUNS/WORLD/AGENT/summary.json</c> written by <c>train</c> (with its <c>command.txt</c>) and <c>RUNS/run-all.env</c>
/// written by <c>experiments/run-all.sh</c>, and writes the results document: machine, date, commit, exact commands, and
/// per world each seed's paired differences (agent − TWAP, agent − best static schedule, regret against a known optimum)
/// with their intervals, and the across-seed summary with its t interval. Every interval says what it is.
/// </summary>
internal static class ResultsReport
{
    public const string Usage = "report [--runs experiments/out] [--output docs/results.md] [--only passive-vs-aggressive|passive-agent|map-elites|offline-rl|stress-guards ...]";

    /// <summary>Sections that <c>--only</c> regenerates in place from their own runs folder.</summary>
    private static readonly string[] PartialSections = [PassiveReport.Folder, PassiveAgentReport.Folder, MapElitesRuns, "offline-rl", "stress-guards"];

    /// <summary>Worlds in the order the document presents them, with what each is.</summary>
    private static readonly (string Id, string Title, string Text)[] Worlds =
    [
        ("ac-desk-risk-neutral", "Almgren–Chriss world, desk order, risk-neutral (λ = 0)",
            "Sell 50,000 shares (5% of a 1M-share ADV) over 1 hour in 12 steps, S₀ = 100, σ = 2 $/√day (2% daily), ε = 0.01 $, " +
            "η = 1.5·10⁻⁷ $·day/share², γ = 2·10⁻⁶ $/share² (`experiments/scenarios/ac-desk-risk-neutral.json`, the paper's units: " +
            "`experiments/README.md`). Known optimum: the Almgren–Chriss (2000) closed form, here the linear schedule (TWAP). " +
            "The best static schedule is that closed form too (exact: the model is linear-quadratic)."),
        ("ac-desk-risk-averse", "Almgren–Chriss world, desk order, risk-averse (λ = 3·10⁻⁶ $⁻¹)",
            "The same order with λ = 3·10⁻⁶ $⁻¹ on the variance (κT ≈ 1.4; `experiments/scenarios/ac-desk-risk-averse.json`). " +
            "The objective is shortfall + λ·risk penalty (λσ²τΣx_k², the Almgren–Chriss variance term). Known optimum and best static " +
            "schedule: the closed form."),
        ("ow-block-book", "Obizhaeva–Wang block book",
            "Sell 5% ADV (S₀ = 50, ADV = 5M) in 1 hour, 12 steps, block-book depth 1.25M shares/$, resilience ρ = 50/day, 4 bps spread, " +
            "risk-neutral (`--lambda 0`; `experiments/scenarios/ow-block-book.json`). Known optimum: the discrete Obizhaeva–Wang " +
            "optimum (Alfonsi, Fruth and Schied 2010). The best static schedule is the exact quadratic programme."),
        ("stochastic-liquidity", "Stochastic liquidity",
            "The demo order (sell 5% ADV in 1 hour, 12 steps) with liquidity-scaled Almgren–Chriss impact (η = 3·10⁻⁸, γ = 2·10⁻⁷), " +
            "an Ornstein–Uhlenbeck liquidity level (mean reversion 20/day, volatility 1.5/√day) with Poisson shocks (4/day, ×0.5), " +
            "volume noise 0.3, risk-neutral (`experiments/scenarios/stochastic-liquidity.json`). No known optimum; the best static " +
            "schedule comes from the sample-average search on its own training paths."),
        ("transient-stochastic-volume", "Transient impact (GEO model) with stochastic volume",
            "The demo order with GEO's transient impact (de Witt and Pakkanen 2026): I_t = Σ_ℓ G₀e^(−ℓ/τ)·γ·(q/V)^β with V the step's " +
            "realised volume, at the model's documented defaults G₀·γ = 5·10⁻⁴, β = ½, τ = 1 minute (`docs/impact-models.md`), " +
            "volume noise 0.5, risk-neutral (`experiments/scenarios/transient-stochastic-volume.json`). β ≠ 1 admits price " +
            "manipulation (Gatheral 2010), which the scenario's warning states. No known optimum; the best static schedule comes " +
            "from the sample-average search."),
        ("ac-seed-paper", "The seed paper's set-up (Almgren–Chriss world)",
            "X₀ = 1000 shares, 20 periods, σ = 2%, η = 0.01, γ = 0.001, λ = 0.5 on the variance of the cost as a fraction of arrival " +
            "value, i.e. 5·10⁻⁶ $⁻¹ with S₀ = 100 (`experiments/scenarios/ac-seed-paper.json`; how the set-up is read: " +
            "`experiments/README.md`). Four times the desk budget (twenty decisions per episode), and **3 training seeds** rather " +
            "than 5 to fit the machine's time. Known optimum and best static schedule: the closed form."),
    ];

    private static readonly string[] AgentOrder = ["ppo", "dqn", "sac", "qlearning"];

    public static int Run(string[] args, TextWriter output)
    {
        string runs = "experiments/out", target = "docs/results.md";
        var only = new List<string>();
        for (int i = 1; i < args.Length; i++)
        {
            if (args[i] == "--runs" && i + 1 < args.Length) runs = args[++i];
            else if (args[i] == "--output" && i + 1 < args.Length) target = args[++i];
            else if (args[i] == "--only" && i + 1 < args.Length && PartialSections.Contains(args[i + 1])) only.Add(args[++i]);
            else
            {
                output.WriteLine($"error: unexpected argument '{args[i]}'");
                output.WriteLine(Usage);
                return 2;
            }
        }

        if (!Directory.Exists(runs))
        {
            output.WriteLine($"error: no runs under '{runs}'");
            return 2;
        }

        // --only: regenerate these sections in place (each "## " heading they write replaces the same heading in the
        // document, or is appended), when the other sections' runs are not at hand.
        if (only.Count > 0)
        {
            if (!File.Exists(target))
            {
                output.WriteLine($"error: no '{target}' to update");
                return 2;
            }

            string document = File.ReadAllText(target);
            foreach (string name in only)
            {
                if (RenderPart(runs, name) is not { } part)
                {
                    output.WriteLine($"error: no runs of '{name}' under '{runs}'");
                    return 2;
                }

                document = SpliceSections(document, part);
                output.WriteLine($"updated the {name} section of {target}");
            }

            File.WriteAllText(target, document);
            return 0;
        }

        string text = Render(runs);
        File.WriteAllText(target, text);
        output.WriteLine($"wrote {target}");
        return 0;
    }

    /// <summary>The document for the runs under <paramref name="runs"/>.</summary>
    public static string Render(string runs)
    {
        var env = ReadEnv(Path.Combine(runs, "run-all.env"));
        var w = new StringBuilder();
        var alarms = new List<string>();
        var worldIds = Worlds.Select(x => x.Id).ToList();
        worldIds.AddRange(Directory.EnumerateDirectories(runs).Select(Path.GetFileName).OfType<string>()
            .Where(d => !worldIds.Contains(d) && d != MapElitesRuns && AgentDirs(Path.Combine(runs, d)).Any(a => File.Exists(Path.Combine(runs, d, a, "summary.json"))))
            .Order(StringComparer.Ordinal));

        var sections = new StringBuilder();
        var missing = new List<string>();
        var spans = new List<(string Run, DateTime Start, DateTime End)>();
        var reruns = new List<(string World, string Agent, string Text)>();
        foreach (string world in worldIds)
        {
            string dir = Path.Combine(runs, world);
            var runsOfWorld = AgentDirs(dir)
                .Select(a => (Agent: a, Summary: TryRead(Path.Combine(dir, a, "summary.json")), Command: TryText(Path.Combine(dir, a, "command.txt"))))
                .ToList();
            foreach (var r in runsOfWorld.Where(r => r.Summary is null)) missing.Add($"{world}/{r.Agent}");
            var done = runsOfWorld.Where(r => r.Summary is not null).Select(r => (r.Agent, Summary: r.Summary!, r.Command)).ToList();
            foreach (var r in done)
            {
                string command = Path.Combine(dir, r.Agent, "command.txt"), summary = Path.Combine(dir, r.Agent, "summary.json");
                if (File.Exists(command)) spans.Add(($"{world}/{r.Agent}", File.GetLastWriteTimeUtc(command), File.GetLastWriteTimeUtc(summary)));
                // A run repeated from another build records that build's commit and why (commit.txt: "COMMIT reason").
                if (TryText(Path.Combine(dir, r.Agent, "commit.txt")) is { } rerun) reruns.Add((world, r.Agent, rerun.Trim()));
            }

            if (done.Count == 0)
            {
                if (Worlds.Any(x => x.Id == world)) missing.Add($"{world} (no run)");
                continue;
            }

            var meta = Worlds.FirstOrDefault(x => x.Id == world);
            WriteWorld(sections, world, meta.Title ?? world, meta.Text ?? "", done, alarms);
        }

        w.AppendLine("# Learning agents: experiment results");
        w.AppendLine();
        w.AppendLine("Generated by `experiments/report.sh` (the `report` verb of `experiments/AgentsCli`) from `experiments/out/*/*/summary.json`; " +
                     "do not edit by hand: rerun the experiments (`experiments/run-all.sh`) or the report.");
        w.AppendLine();
        w.AppendLine("## Run");
        w.AppendLine($"- Code: commit `{Get(env, "commit")}`.");
        if (reruns.Count > 0)
        {
            w.AppendLine("- Re-run from a later build: " + string.Join("; ", reruns.GroupBy(x => (x.World, x.Text))
                .Select(g => $"`{g.Key.World}` ({string.Join(", ", g.Select(x => x.Agent))}) at commit {g.Key.Text}")) + ".");
        }
        string finished = env.TryGetValue("finished", out var f) ? f
            : spans.Count > 0 ? spans.Max(x => x.End).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) + " (last summary written)" : "(not recorded)";
        w.AppendLine($"- Runs started {Get(env, "started")}, finished {finished} (UTC); report written {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC.");
        w.AppendLine($"- Machine: {Get(env, "cpu")}, {Get(env, "memory")} RAM, {Get(env, "os")}, .NET SDK {Get(env, "dotnet")}, TorchSharp " +
                     "with libtorch-cpu, one libtorch thread per run. The machine was shared with other builds and tests, so training wall " +
                     "times and decisions/s are pessimistic (the learning results do not depend on timing).");
        var overlaps = spans.SelectMany(a => spans.Where(b => string.CompareOrdinal(a.Run, b.Run) < 0 && a.Start < b.End && b.Start < a.End)
            .Select(b => $"{a.Run} with {b.Run}")).ToList();
        w.AppendLine(overlaps.Count == 0
            ? "- Experiment processes: one at a time (no two runs overlapped, from the times their command and summary files were written)."
            : $"- Experiment processes: runs overlapped in time (from the times their command and summary files were written): {string.Join("; ", overlaps)}.");
        w.AppendLine("- Command: `nohup experiments/run-all.sh > experiments/out/run-all.log 2>&1 &`, which runs, one process at a time, " +
                     "the worlds and budgets of `run-almgren-chriss.sh`, `run-scenarios.sh` and `run-seed-paper.sh` and then this report. " +
                     "The exact `train` command of every world and agent is listed in its section.");
        w.AppendLine("- Earlier versions of this file evaluated every seed on one shared set of paths and quoted `±` as the spread over " +
                     "seeds, on the engine before its impact models, events and seed streams were corrected; their numbers are superseded.");
        if (missing.Count > 0)
        {
            w.AppendLine($"- **Not finished when this report was written**: {string.Join(", ", missing)}.");
        }

        w.AppendLine();
        w.AppendLine("## How to read the numbers");
        w.AppendLine("- **Objective**: implementation shortfall in bps of arrival value, plus λ·risk penalty where λ > 0 (the Almgren–Chriss worlds " +
                     "with λ > 0); lower is better. Every difference is agent − reference on that objective, so **negative means the agent is cheaper**.");
        w.AppendLine("- **Evaluation paths**: each training seed is evaluated greedily on simulated episodes of its own (10,000 per seed in the runs below; a stream keyed by the " +
                     "evaluation seed and the training seed). TWAP, the best static schedule and the known optimum run on exactly the same " +
                     "episodes (common random numbers), so each difference is paired. Training, normaliser and evaluation episodes come from " +
                     "random streams whose tags are hashed into every seed: no evaluation episode is a training episode, by construction.");
        w.AppendLine("- **Per-seed interval** `mean [low, high]`: 95% normal interval of the mean paired difference over that seed's " +
                     "independent evaluation episodes (the count is given in each table; simulated episodes are independent).");
        w.AppendLine("- **Across-seed interval** `mean [low, high]`: the mean over training seeds of the per-seed mean differences with a 95% " +
                     "Student t interval over seeds (df = seeds − 1). Each seed has independent evaluation paths, so the interval includes " +
                     "evaluation noise as well as the spread between trainings. With 5 seeds t₀.₉₇₅ = 2.776; with 3 seeds 4.303.");
        w.AppendLine("- **Best static schedule** (`best-static`): the best deterministic schedule on the run's objective, optimised on training " +
                     "paths of its own and evaluated on the same evaluation paths as the agent. An agent's gain over TWAP is credited to " +
                     "adaptivity only in so far as it also beats `best-static`.");
        w.AppendLine("- **Regret** (where the model has a known optimum): agent − optimum. Targets: ≤ max(0.5 bps, 1% of the optimum) for the " +
                     "Almgren–Chriss closed form, ≤ 2% of the discrete Obizhaeva–Wang optimum. **Nothing can beat a known optimum beyond " +
                     "Monte Carlo error**: a seed whose regret interval lies wholly below 0 is flagged as a bug.");
        w.AppendLine("- No `±` appears without a name: `sd` is a standard deviation across seeds, never an interval.");
        w.AppendLine();
        w.AppendLine("## Known-optimum check");
        if (alarms.Count == 0)
        {
            w.AppendLine("No agent beats a known optimum beyond Monte Carlo error: every seed's regret interval reaches 0 or above.");
        }
        else
        {
            w.AppendLine("> **WARNING — an agent beats a known optimum beyond Monte Carlo error. This is a bug in the simulator, the optimum or the " +
                         "evaluation, not a result:**");
            foreach (var a in alarms) w.AppendLine($"> - {a}");
        }

        w.AppendLine();
        w.Append(sections);
        WriteMapElites(w, Path.Combine(runs, MapElitesRuns));
        OfflineRlReport.Write(w, Path.Combine(runs, "offline-rl"));
        // Sections written by the other experiment scripts (RUNS/NAME/section.md, e.g. run-stress-guards.sh), in name order.
        foreach (string dir in Directory.EnumerateDirectories(runs).Order(StringComparer.Ordinal))
        {
            if (TryText(Path.Combine(dir, "section.md")) is not { } section) continue;
            w.AppendLine();
            w.Append(section.TrimEnd()).AppendLine();
        }
        if (PassiveReport.Render(runs) is { } passive)
        {
            w.AppendLine();
            w.Append(passive);
        }
        return w.ToString();
    }

    /// <summary>The sections one partial experiment writes, or null when its runs are absent.</summary>
    private static string? RenderPart(string runs, string name)
    {
        var w = new StringBuilder();
        // The order-type agent is a subsection of the passive-vs-aggressive section: both are rendered together.
        if (name is PassiveReport.Folder or PassiveAgentReport.Folder) return PassiveReport.Render(runs);
        if (name == MapElitesRuns) WriteMapElites(w, Path.Combine(runs, MapElitesRuns));
        else if (name == "offline-rl") OfflineRlReport.Write(w, Path.Combine(runs, "offline-rl"));
        else if (TryText(Path.Combine(runs, name, "section.md")) is { } section) w.Append(section.TrimEnd()).AppendLine();
        return w.Length == 0 ? null : w.ToString();
    }

    /// <summary>Replaces each "## " section of <paramref name="part"/> in <paramref name="document"/> by heading, up to the
    /// next "## " heading, or appends it when the document has no such heading.</summary>
    internal static string SpliceSections(string document, string part)
    {
        var sections = new List<string>();
        foreach (string piece in ("\n" + part.Replace("\r\n", "\n", StringComparison.Ordinal)).Split("\n## ", StringSplitOptions.RemoveEmptyEntries))
        {
            if (piece.Trim().Length > 0) sections.Add("## " + piece.TrimEnd() + "\n");
        }

        int after = -1;  // where the part's previous section ends: a new section follows it rather than going to the end
        foreach (string section in sections)
        {
            string heading = section[..section.IndexOf('\n', StringComparison.Ordinal)];
            int start = document.StartsWith(heading + "\n", StringComparison.Ordinal) ? 0 : document.IndexOf("\n" + heading + "\n", StringComparison.Ordinal) is int at and >= 0 ? at + 1 : -1;
            if (start < 0)
            {
                if (after < 0)
                {
                    document = document.TrimEnd() + "\n\n" + section;
                    after = document.Length;
                }
                else
                {
                    document = document[..after] + "\n" + section + (after < document.Length ? "\n" + document[after..].TrimStart('\n') : "");
                    after += 1 + section.Length;
                }

                continue;
            }

            int next = document.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
            document = document[..start] + section + (next < 0 ? "" : "\n" + document[(next + 1)..]);
            after = start + section.Length;
        }

        return document;
    }

    /// <summary>Folder of the MAP-Elites runs (written by <c>experiments/run-map-elites.sh</c>), reported on their own.</summary>
    private const string MapElitesRuns = "map-elites";

    /// <summary>The "specialists vs generalist" and "router vs oracle vs generalist" sections from
    /// <c>RUNS/map-elites/*/summary.json</c> (the report of the <c>map-elites</c> verb).</summary>
    private static void WriteMapElites(StringBuilder w, string dir)
    {
        if (!Directory.Exists(dir)) return;
        var c = CultureInfo.InvariantCulture;
        foreach (string run in Directory.EnumerateDirectories(dir).Order(StringComparer.Ordinal))
        {
            if (TryRead(Path.Combine(run, "summary.json")) is not { } r) continue;
            string name = Path.GetFileName(run);
            string Ci(JsonNode? d) => d is null ? "–" : string.Create(c, $"{(double)d["meanBps"]!:+0.00;-0.00} [{(double)d["ciLowBps"]!:+0.00;-0.00}, {(double)d["ciHighBps"]!:+0.00;-0.00}]");
            JsonNode? Cmp(JsonNode niche, string a, string b) => niche["comparisons"]!.AsArray().FirstOrDefault(x => (string?)x!["a"] == a && (string?)x["b"] == b);
            var comparisons = r["comparisons"]!.AsArray();
            int episodes = comparisons.Count > 0 ? (int)comparisons[0]!["episodes"]! : 0;

            w.AppendLine($"## MAP-Elites: specialists vs generalist ({name})");
            w.AppendLine(string.Create(c, $"- Search: {(int)r["candidates"]!:N0} candidates (generations of {(int)r["batch"]!:N0}), a linear policy over the observation, " +
                $"{(int)r["volatilityBins"]!}×{(int)r["liquidityBins"]!} volatility × liquidity niches × {(int)r["episodesPerNiche"]!} episodes × {(int)r["steps"]!} steps per candidate, seed {(long)r["seed"]!}; " +
                $"wall {(double)r["wallSeconds"]!:F0} s ({(double)r["candidatesPerSecond"]!:F0} candidates/s); final coverage {(double)r["coverage"]!:P0}, QD-score {(double)r["qdScore"]!:F2} bps. Definitions: docs/map-elites.md."));
            if (TryText(Path.Combine(run, "machine.txt")) is { } machine) w.AppendLine("- Machine: " + string.Join("; ", machine.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim())) + ".");
            w.AppendLine("- Objective: E[shortfall] + λ·Var[shortfall] in bps of arrival notional (the scenario's λ); lower is better. Differences are A − B, **negative means A is better**.");
            w.AppendLine(string.Create(c, $"- Held out: {episodes:N0} episodes per niche (the unit of every interval: independent episodes), from a seed the search never used, spread over {4} scenario variants per niche whose multipliers are drawn inside the niche's bins; 95% paired intervals on common random numbers."));
            w.AppendLine();
            w.AppendLine("Command:");
            w.AppendLine("```");
            w.AppendLine(TryText(Path.Combine(run, "command.txt"))?.Trim() ?? "(no command.txt)");
            w.AppendLine("```");
            w.AppendLine();
            w.AppendLine("| niche | in-sample TWAP-fraction objective | in-sample elite | held-out specialist | held-out generalist | specialist − generalist (objective) | specialist − generalist (mean cost) |");
            w.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
            var niches = r["niches"]!.AsArray();
            for (int j = 0; j < niches.Count; j++)
            {
                var n = niches[j]!;
                var h = comparisons.Count > j ? comparisons[j]! : null;
                w.AppendLine(string.Create(c, $"| {(string?)n["label"]} | {(double)n["referenceObjectiveBps"]!:F2} | {(double?)n["eliteObjectiveBps"]:F2} | ") +
                    (h is null ? "– | – | – | – |" : string.Create(c, $"{(double)h["objectiveBps"]!["specialist"]!:F2} | {(double)h["objectiveBps"]!["generalist"]!:F2} | {Ci(Cmp(h, "specialist", "generalist")?["objective"])} | {Ci(Cmp(h, "specialist", "generalist")?["cost"])} |")));
            }

            if (comparisons.Count == 0)
            {
                w.AppendLine();
                continue;
            }

            w.AppendLine();
            w.AppendLine($"## MAP-Elites: router vs oracle vs generalist ({name})");
            w.AppendLine("The router sees only past market data (realised volatility and the liquidity level at the start of each step) and trades the specialist of the niche it believes it is in; " +
                         "the oracle trades the true niche's specialist; the generalist is the one candidate with the lowest mean objective over every niche. Same held-out episodes as above.");
            w.AppendLine();
            w.AppendLine("| niche | router accuracy | router − oracle | router − generalist | router − TWAP | oracle − TWAP |");
            w.AppendLine("| --- | --- | --- | --- | --- | --- |");
            foreach (var h in comparisons)
            {
                w.AppendLine(string.Create(c, $"| {(string?)h!["label"]} | {(double)h["routerAccuracy"]!:P0} | {Ci(Cmp(h, "router", "oracle")?["objective"])} | {Ci(Cmp(h, "router", "generalist")?["objective"])} | {Ci(Cmp(h, "router", "twap")?["objective"])} | {Ci(Cmp(h, "oracle", "twap")?["objective"])} |"));
            }

            double Mean(string id) => comparisons.Average(h => (double)h!["objectiveBps"]![id]!);
            w.AppendLine();
            w.AppendLine(string.Create(c, $"Mean held-out objective over the niches (bps): router {Mean("router"):F2}, oracle {Mean("oracle"):F2}, generalist {Mean("generalist"):F2}, TWAP {Mean("twap"):F2}."));
            w.AppendLine();
            WriteGeneralistPpo(w, run, name);
            WriteRouterReplay(w, run, name);
        }
    }

    /// <summary>The "router on replayed data" section from <c>RUN/replay/summary.json</c> (written by
    /// <c>experiments/run-map-elites-replay.sh</c>): the archive's router, generalists and baselines on the LOBSTER windows.</summary>
    private static void WriteRouterReplay(StringBuilder w, string run, string name)
    {
        if (TryRead(Path.Combine(run, "replay", "summary.json")) is not { } r || r["strategies"] is not JsonArray rows || rows.Count == 0) return;
        var c = CultureInfo.InvariantCulture;
        int units = (int)r["independentUnits"]!;
        string Ci(double? m, double? lo, double? hi) => m is null ? "–" : string.Create(c, $"{m:+0.00;-0.00} [{lo:+0.00;-0.00}, {hi:+0.00;-0.00}]");
        string Label(string id) => id switch
        {
            _ when id.StartsWith("router:", StringComparison.Ordinal) => "**regime router**",
            _ when id.EndsWith(":generalist", StringComparison.Ordinal) => "MAP-Elites generalist",
            _ when id.StartsWith("agent:ppo", StringComparison.Ordinal) => $"generalist PPO ({id["agent:".Length..]})",
            _ when id.StartsWith("elite:", StringComparison.Ordinal) => $"specialist, niche {id[(id.LastIndexOf(':') + 1)..]}",
            _ => id,
        };
        int Order(string id) => id.StartsWith("router:", StringComparison.Ordinal) ? 0
            : id.EndsWith(":generalist", StringComparison.Ordinal) ? 1
            : id.StartsWith("agent:", StringComparison.Ordinal) ? 2
            : id.StartsWith("elite:", StringComparison.Ordinal) ? 4 : 3;

        w.AppendLine($"## MAP-Elites: router on replayed data ({name})");
        w.AppendLine(string.Create(c, $"The archive's regime router, its generalist and specialists, and the generalist PPO seeds, beside TWAP, the best static schedule and online re-optimisation, on the MAP-Elites base scenario replayed on {(string?)r["dataset"]} (`backtest --dataset`): " +
            $"{(int)r["episodes"]!:N0} episodes over **{units} independent one-hour windows**, the unit of every interval (replayed episodes that share a window are not independent). ") +
            "The router reads only the recorded messages before each decision (realised volatility of the recorded mid, the liquidity level; the look-ahead contract test holds it to that on replay). Mean shortfall in bps, positive = cost; differences A − B, negative = A cheaper.");
        if ((string?)r["warning"] is { } warning) w.AppendLine().AppendLine($"**Warning:** {warning}.");
        w.AppendLine();
        w.AppendLine("Command:");
        w.AppendLine("```");
        w.AppendLine(((string?)r["command"])?.Trim() ?? "(no command)");
        w.AppendLine("```");
        w.AppendLine();
        w.AppendLine($"| strategy | mean shortfall [95% CI over {units} windows] | − TWAP | − best static | cap breaches |");
        w.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var row in rows.OrderBy(x => Order((string)x!["id"]!)).ThenBy(x => (string)x!["id"]!, StringComparer.Ordinal))
        {
            var vsTwap = row!["pairedDiffVsTwapBps"];
            string id = (string)row["id"]!;
            w.AppendLine(string.Create(c, $"| {Label(id)} | {(double)row["meanCostBps"]!:F2} [{(double)row["meanCiLowBps"]!:F2}, {(double)row["meanCiHighBps"]!:F2}] | ") +
                (id == "twap" ? "–" : Ci((double?)vsTwap?["meanBps"], (double?)vsTwap?["ciLowBps"], (double?)vsTwap?["ciHighBps"])) + " | " +
                (id == "best-static" ? "–" : Ci((double?)row["vsBestStaticBps"], (double?)row["vsBestStaticCiLowBps"], (double?)row["vsBestStaticCiHighBps"])) +
                string.Create(c, $" | {(int?)row["capBreaches"] ?? 0:N0} |"));
        }

        w.AppendLine();
    }

    /// <summary>The "specialists and router vs a generalist PPO" section from <c>RUN/ppo/summary.json</c> (the report of
    /// <c>map-elites --archive --agents</c>, written by <c>experiments/run-map-elites-ppo.sh</c>) and the training's
    /// <c>RUN/ppo-train/summary.json</c>.</summary>
    private static void WriteGeneralistPpo(StringBuilder w, string run, string name)
    {
        if (TryRead(Path.Combine(run, "ppo", "summary.json")) is not { } r || r["agents"] is not JsonArray agents || agents.Count == 0) return;
        var c = CultureInfo.InvariantCulture;
        var train = TryRead(Path.Combine(run, "ppo-train", "summary.json"));
        string Ci(JsonNode? d) => d is null ? "–" : string.Create(c, $"{(double)d["meanBps"]!:+0.00;-0.00} [{(double)d["ciLowBps"]!:+0.00;-0.00}, {(double)d["ciHighBps"]!:+0.00;-0.00}]");
        string Across(JsonNode d) => d["ciLowBps"] is null
            ? string.Create(c, $"{(double)d["meanBps"]!:+0.00;-0.00} (one seed)")
            : string.Create(c, $"{(double)d["meanBps"]!:+0.00;-0.00} [{(double)d["ciLowBps"]!:+0.00;-0.00}, {(double)d["ciHighBps"]!:+0.00;-0.00}]");
        string Pct(JsonNode? v) => v is null ? "–" : string.Create(c, $"{(double)v * 100:+0.0;-0.0}%");
        int holdout = (int)r["holdoutEpisodes"]!;
        var ids = agents.Select(a => (string)a!["id"]!).ToArray();
        int seeds = ids.Length;

        w.AppendLine($"## MAP-Elites: specialists and router vs a generalist PPO ({name})");
        w.AppendLine(string.Create(c, $"- Generalist PPO: the `train` verb on the MAP-Elites base scenario's niche mixture (`--niches 3x3`: every batch's paths dealt evenly over the {(int)r["volatilityBins"]! * (int)r["liquidityBins"]!} niche variants the search evaluates its candidates on; the reward's risk penalty uses each niche's volatility), " +
            $"{seeds} training seeds ({string.Join(", ", agents.Select(a => (long)a!["seed"]!))}), {(long)agents[0]!["environmentSteps"]!:N0} decisions each, {agents.Average(a => (double)a!["trainingSeconds"]!):F0} s of training per seed on average."));
        if (train?["summary"]?["vsTwapAcrossSeeds"] is { } vt)
            w.AppendLine(string.Create(c, $"- On the mixture (train's own evaluation, {(int)train["evaluationEpisodes"]!:N0} episodes per seed): PPO − TWAP {Across(vt)} bps of objective (t interval over {seeds} seeds)."));
        w.AppendLine(string.Create(c, $"- Held out: the same {holdout:N0} episodes per niche as the sections above (common random numbers: same seed, same variants), so specialist, router and every PPO seed are paired episode by episode. " +
            $"Per seed: paired 95% intervals over {holdout:N0} episodes; across seeds: mean of the per-seed differences with a 95% Student t interval over {seeds} seeds (df = {seeds - 1}). Negative = specialist (router) better."));
        w.AppendLine("- Relative gain of A over PPO in a niche: (PPO − A) / PPO on the objective, PPO's objective the mean over seeds; overall: the same on the sum over niches. " +
            "Published anchor (MAP-Elites execution specialists vs a generalist PPO, 3×3 grid): best cell +10.3%, worst −30.2%, overall −2.4%.");
        w.AppendLine();
        w.AppendLine("Commands:");
        w.AppendLine("```");
        if (TryText(Path.Combine(run, "ppo-train", "command.txt")) is { } tc) w.AppendLine(tc.Trim());
        w.AppendLine(TryText(Path.Combine(run, "ppo", "command.txt"))?.Trim() ?? "(no command.txt)");
        w.AppendLine("```");
        w.AppendLine();
        w.AppendLine("| niche | specialist | router | PPO (mean of seeds) | specialist − PPO, over seeds | router − PPO, over seeds | specialist gain | router gain |");
        w.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var n in r["acrossSeeds"]!.AsArray())
        {
            w.AppendLine(string.Create(c, $"| {(string?)n!["label"]} | {(double)n["specialistObjectiveBps"]!:F2} | {(double)n["routerObjectiveBps"]!:F2} | {(double)n["agentObjectiveBps"]!:F2} | {Across(n["specialist"]!)} | {Across(n["router"]!)} | {Pct(n["specialistGain"])} | {Pct(n["routerGain"])} |"));
        }

        w.AppendLine();
        if (r["specialistGains"] is { } g)
            w.AppendLine(string.Create(c, $"**Specialists vs generalist PPO:** best cell {(string?)g["bestNiche"]} {Pct(g["best"])}, worst {(string?)g["worstNiche"]} {Pct(g["worst"])}, overall {Pct(g["overall"])} (published: +10.3%, −30.2%, −2.4%)."));
        if (r["routerGains"] is { } rg)
            w.AppendLine(string.Create(c, $"**Router vs generalist PPO:** best cell {(string?)rg["bestNiche"]} {Pct(rg["best"])}, worst {(string?)rg["worstNiche"]} {Pct(rg["worst"])}, overall {Pct(rg["overall"])}."));
        w.AppendLine();
        w.AppendLine(string.Create(c, $"Per seed (paired 95% intervals over {holdout:N0} held-out episodes, objective bps):"));
        w.AppendLine();
        w.AppendLine("| niche | " + string.Join(" | ", ids.Select(id => $"specialist − {id}")) + " | " + string.Join(" | ", ids.Select(id => $"router − {id}")) + " |");
        w.AppendLine("| --- | " + string.Join(" | ", ids.Concat(ids).Select(_ => "---")) + " |");
        foreach (var h in r["comparisons"]!.AsArray())
        {
            JsonNode? Cmp(string a, string b) => h!["comparisons"]!.AsArray().FirstOrDefault(x => (string?)x!["a"] == a && (string?)x["b"] == b)?["objective"];
            w.AppendLine($"| {(string?)h!["label"]} | " + string.Join(" | ", ids.Select(id => Ci(Cmp("specialist", id)))) + " | " + string.Join(" | ", ids.Select(id => Ci(Cmp("router", id)))) + " |");
        }

        w.AppendLine();
    }

    private static void WriteWorld(StringBuilder w, string world, string title, string text, List<(string Agent, JsonNode Summary, string? Command)> runs, List<string> alarms)
    {
        var c = CultureInfo.InvariantCulture;
        var first = runs[0].Summary;
        var firstEval = first["agents"]![0]!["evaluation"]!;
        string? optimumName = (string?)firstEval["optimumName"];
        double? optimumClosed = (double?)firstEval["optimumObjectiveBps"];
        var best = first["bestStatic"];
        int episodes = (int)first["evaluationEpisodes"]!;

        w.AppendLine($"## {title}");
        if (text.Length > 0) w.AppendLine(text);
        w.AppendLine();
        w.AppendLine("- Objective: " + ((string?)first["objective"] ?? "implementation shortfall, bps") + ".");
        w.AppendLine("- Known optimum: " + (optimumName is null
            ? "none for this model."
            : optimumName + (optimumClosed is { } o ? string.Create(c, $", closed-form objective {o:F3} bps.") : " (objective measured on the evaluation paths).")));
        w.AppendLine("- Best static schedule: " + (best is null
            ? "none (replayed market)."
            : $"{(string?)best["method"]}, taken from {(string?)best["origin"]}; holdings (fraction of the order) " +
              string.Join(" ", best["holdingsFraction"]!.AsArray().Select(x => ((double)x!).ToString("F3", c))) + "." +
              (best["warnings"] is JsonArray warn && warn.Count > 0 ? " Warnings: " + string.Join("; ", warn.Select(x => (string?)x)) + "." : "")));
        var twapMeans = runs.SelectMany(r => r.Summary["agents"]!.AsArray()).Select(a => (double)a!["evaluation"]!["twapObjectiveBps"]!).ToArray();
        var bestMeans = runs.SelectMany(r => r.Summary["agents"]!.AsArray()).Select(a => (double?)a!["evaluation"]!["bestStaticObjectiveBps"]).OfType<double>().ToArray();
        w.AppendLine(string.Create(c, $"- TWAP's mean objective on the evaluation paths: {twapMeans.Min():F3}–{twapMeans.Max():F3} bps over the agents' path sets") +
                     (bestMeans.Length > 0 ? string.Create(c, $"; the best static schedule's {bestMeans.Min():F3}–{bestMeans.Max():F3} bps.") : "."));
        w.AppendLine(string.Create(c, $"- Evaluation: {episodes:N0} episodes per seed (independent units of every per-seed interval)."));
        w.AppendLine();
        w.AppendLine("Commands:");
        w.AppendLine("```");
        foreach (var r in runs) w.AppendLine(r.Command?.Trim() ?? $"(no command.txt for {world}/{r.Agent})");
        w.AppendLine("```");
        w.AppendLine();

        w.AppendLine("### Across seeds (mean of per-seed paired differences, bps [95% t interval over seeds])");
        w.AppendLine("| agent | seeds | vs TWAP | vs best-static | regret vs optimum | seeds within target | train s/seed | decisions/s |");
        w.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var (agent, summary, _) in runs)
        {
            var s = summary["summary"]!;
            int seeds = (int)s["seeds"]!;
            if (s["regretAcrossSeeds"] is { } across && across["ciHighBps"] is { } high && (double)high < 0)
            {
                alarms.Add($"{title}: {Name(agent)} across seeds, regret {Across(across)}");
            }

            string within = s["seedsWithinTarget"] is { } wt ? string.Create(c, $"{(int)wt}/{seeds} (target {(double)s["targetBps"]!:F3} bps)") : "—";
            w.AppendLine(string.Create(c,
                $"| {Name(agent)} | {seeds} | {Across(s["vsTwapAcrossSeeds"])} | {Across(s["vsBestStaticAcrossSeeds"])} | {Across(s["regretAcrossSeeds"])} | {within} | {(double)s["meanTrainingSeconds"]!:F1} | {(double)s["meanStepsPerSecond"]!:N0} |"));
        }

        w.AppendLine();
        w.AppendLine(string.Create(c, $"### Per seed (paired differences on the seed's own {episodes:N0} evaluation episodes, bps [95% interval over episodes])"));
        w.AppendLine("| agent | seed | objective | vs TWAP | vs best-static | regret vs optimum |");
        w.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var (agent, summary, _) in runs)
        {
            foreach (var a in summary["agents"]!.AsArray())
            {
                long seed = (long)a!["seed"]!;
                var e = a["evaluation"]!;
                var regret = e["regretVsOptimum"];
                string flag = "";
                if (regret is not null && (double)regret["ciHighBps"]! < 0)
                {
                    flag = " **BEATS THE KNOWN OPTIMUM: BUG**";
                    alarms.Add(string.Create(c, $"{title}: {Name(agent)} seed {seed}, regret {Paired(regret)}"));
                }

                w.AppendLine(string.Create(c,
                    $"| {Name(agent)} | {seed} | {(double)e["meanObjectiveBps"]!:F3} | {Paired(e["vsTwap"])} | {Paired(e["vsBestStatic"])} | {Paired(regret)}{flag} |"));
            }
        }

        var units = firstEval["vsTwap"]!;
        w.AppendLine();
        w.AppendLine(string.Create(c, $"Per-seed intervals rest on {(int)units["independentUnits"]!:N0} independent {(string?)units["unitKind"]}s each."));
        w.AppendLine();
    }

    private static string Name(string agent) => agent switch
    {
        "ppo" => "PPO",
        "dqn" => "DQN",
        "sac" => "SAC",
        "qlearning" => "Q-learning (tabular)",
        _ => agent,
    };

    private static string Paired(JsonNode? p) => p is null
        ? "—"
        : string.Create(CultureInfo.InvariantCulture, $"{(double)p["meanBps"]!:F3} [{(double)p["ciLowBps"]!:F3}, {(double)p["ciHighBps"]!:F3}]");

    private static string Across(JsonNode? a)
    {
        if (a is null) return "—";
        var c = CultureInfo.InvariantCulture;
        double mean = (double)a["meanBps"]!;
        return a["ciLowBps"] is null
            ? string.Create(c, $"{mean:F3} (one seed: no interval)")
            : string.Create(c, $"{mean:F3} [{(double)a["ciLowBps"]!:F3}, {(double)a["ciHighBps"]!:F3}] (sd {(double)a["stdBps"]!:F3})");
    }

    private static IEnumerable<string> AgentDirs(string worldDir) => Directory.Exists(worldDir)
        ? Directory.EnumerateDirectories(worldDir).Select(Path.GetFileName).OfType<string>()
            .OrderBy(a => Array.IndexOf(AgentOrder, a) is var i && i < 0 ? int.MaxValue : i).ThenBy(a => a, StringComparer.Ordinal)
        : [];

    private static JsonNode? TryRead(string path) => File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) : null;

    private static string? TryText(string path) => File.Exists(path) ? File.ReadAllText(path) : null;

    private static Dictionary<string, string> ReadEnv(string path)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return env;
        foreach (var line in File.ReadAllLines(path))
        {
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) env[line[..eq]] = line[(eq + 1)..];
        }

        return env;
    }

    private static string Get(Dictionary<string, string> env, string key) => env.TryGetValue(key, out var v) ? v : "(not recorded)";
}
