using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Agents.Environment;

/// <summary>
/// The results section of <c>experiments/run-offline-rl.sh</c>: the published offline-RL set-up in the Almgren–Chriss
/// world (X₀ = 1000, T = 20, σ = 2%, η = 0.01, γ = 0.001, λ = 0.5; 1,000 logged episodes, 10,000 updates, batch 256, 100
/// evaluation episodes), read from <c>RUNS/offline-rl/DATA/AGENT/summary.json</c>; the model's closed-form expected proceeds
/// and standard deviations beside the published table, and every agent beside its behaviour policy, TWAP and the best
/// static schedule on the same paths.
/// </summary>
/// <remarks>Closed forms: Almgren and Chriss (2000), eq. 7–8 and 18–20 with ε = 0 (<see cref="AlmgrenChrissSolution"/>):
/// E = ½γX² + (η̃/τ)Σn_k², V = σ²τΣx_k², η̃ = η − ½γτ. Any non-anticipating policy has E[cost] ≥ ½γX² + η̃X²/T (the price
/// noise term has mean 0 and Σn_k² ≥ X²/N by Cauchy–Schwarz), so E[proceeds] ≤ X·S₀ − that bound.</remarks>
internal static class OfflineRlReport
{
    private static readonly (string Id, string Title)[] DataSets =
    [
        ("twap", "1,000 deterministic TWAP episodes (as published)"),
        ("noisy-twap", "1,000 noisy-TWAP episodes (TWAP's child × a mean-one log-normal factor, σ = 0.5)"),
    ];

    private static readonly (string Id, string Name)[] Agents =
    [
        ("bcq", "BCQ"),
        ("td3bc", "TD3+BC (α = 2.5, action = child relative to TWAP's on a log scale)"),
        ("td3bc-fraction", "TD3+BC (α = 2.5, former action = fraction of the remainder)"),
    ];

    /// <summary>The published table: strategy, mean proceeds $, published ± (null where none was given).</summary>
    private static readonly (string Strategy, double Mean, double? Spread)[] Published =
    [
        ("TWAP", 100_250, 1_850),
        ("AC, risk-averse", 100_350, 1_290),
        ("BCQ", 99_850, null),
        ("TD3+BC", 99_920, null),
    ];

    /// <summary>Writes the section when <paramref name="root"/> holds at least one finished run; returns whether it did.</summary>
    public static bool Write(StringBuilder w, string root)
    {
        var runs = DataSets.SelectMany(d => Agents.Select(a => (Data: d, Agent: a, Dir: Path.Combine(root, d.Id, a.Id))))
            .Select(r => (r.Data, r.Agent, Summary: File.Exists(Path.Combine(r.Dir, "summary.json")) ? JsonNode.Parse(File.ReadAllText(Path.Combine(r.Dir, "summary.json"))) : null,
                Command: File.Exists(Path.Combine(r.Dir, "command.txt")) ? File.ReadAllText(Path.Combine(r.Dir, "command.txt")).Trim() : null))
            .ToList();
        var done = runs.Where(r => r.Summary is not null).ToList();
        if (done.Count == 0)
        {
            return false;
        }

        var c = CultureInfo.InvariantCulture;
        var market = done[0].Summary!["market"]!["almgrenChriss"]!.Deserialize<AlmgrenChrissParameters>(Portal.Agents.Training.AgentArtifact.JsonOptions)!;
        double notional = market.Notional;
        w.AppendLine("## Offline RL: the published set-up, literally (Almgren–Chriss world)");
        w.AppendLine(string.Create(c, $"X₀ = {market.Quantity:N0} shares, T = {market.Steps} periods (τ = {market.Tau:G3}), S₀ = {market.ArrivalPrice:G}, σ = {market.Sigma:G} $ per √period (2%), ") +
                     string.Create(c, $"η = {market.Eta:G}, γ = {market.Gamma:G}, ε = 0, λ = 0.5 on the variance of the cost as a fraction of arrival value, i.e. ") +
                     string.Create(c, $"{market.RiskAversion:G} $⁻¹ (`experiments/scenarios/ac-seed-paper.json`; units and the literal reading in `docs/offline-rl.md`). ") +
                     "Offline data: 1,000 episodes of a behaviour policy (logged once with seed 1's training stream and shared by every agent of a data set); " +
                     "10,000 gradient updates with batch 256; 100 evaluation episodes per training seed, on which the behaviour policy, TWAP and the " +
                     "best static schedule run too (common random numbers). A deterministic TWAP logs a single action per state, so the set-up also " +
                     "runs on noisy-TWAP data. Proceeds = X₀S₀ − cost = 100,000 $ × (1 − IS/10⁴).");
        w.AppendLine();

        // Closed forms under the paper's own model.
        var twap = AlmgrenChrissSolution.TwapHoldings(market);
        var acAverse = AlmgrenChrissSolution.OptimalHoldings(market);
        var acLiteral = AlmgrenChrissSolution.OptimalHoldings(market with { RiskAversion = 0.5 });
        double bound = 0.5 * market.Gamma * market.Quantity * market.Quantity + market.EtaTilde * market.Quantity * market.Quantity / market.Horizon;
        w.AppendLine("### What the model gives in closed form");
        w.AppendLine("| schedule | expected cost $ | sd of cost $ | expected proceeds $ | sd of proceeds $ | first child (shares) | sd of a 100-episode mean $ |");
        w.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var (name, x) in new[] { ("TWAP", twap), (string.Create(c, $"AC, λ = {market.RiskAversion:G} $⁻¹"), acAverse), ("AC, λ = 0.5 $⁻¹ (λ read literally in dollars)", acLiteral) })
        {
            double e = AlmgrenChrissSolution.ExpectedCost(market, x), sd = Math.Sqrt(AlmgrenChrissSolution.Variance(market, x));
            w.AppendLine(string.Create(c, $"| {name} | {e:N1} | {sd:N1} | {notional - e:N1} | {sd:N1} | {x[0] - x[1]:N1} | {sd / 10:N1} |"));
        }

        w.AppendLine(string.Create(c, $"| any non-anticipating policy, static or adaptive | ≥ {bound:N1} | | ≤ {notional - bound:N1} | | | |"));
        w.AppendLine();
        double twapCost = AlmgrenChrissSolution.ExpectedCost(market, twap), twapSd = Math.Sqrt(AlmgrenChrissSolution.Variance(market, twap));
        double averseSd = Math.Sqrt(AlmgrenChrissSolution.Variance(market, acAverse));
        w.AppendLine("### Where the published table cannot hold under its own model");
        w.AppendLine("| published strategy | published proceeds $ | above the model's ceiling by $ | standard errors above TWAP's expectation (100 episodes) |");
        w.AppendLine("|---|---|---|---|");
        foreach (var (strategy, mean, spread) in Published)
        {
            w.AppendLine(string.Create(c, $"| {strategy}{(spread is { } s ? $" (± {s:N0})" : "")} | {mean:N0} | {mean - (notional - bound):N0} | {(mean - (notional - twapCost)) / (twapSd / 10):F1} |"));
        }

        w.AppendLine();
        w.AppendLine(string.Create(c, $"- No policy can expect more than {notional - bound:N0} $: every published mean lies above that ceiling, and TWAP's and AC's lie above the arrival value {notional:N0} $ itself, which a seller whose trades push the price down cannot expect."));
        w.AppendLine(string.Create(c, $"- TWAP's published ± 1,850 is neither the model's standard deviation of one episode ({twapSd:N0} $) nor the 95% half-width of a 100-episode mean ({1.96 * twapSd / 10:N0} $)."));
        w.AppendLine(string.Create(c, $"- AC-averse cannot beat TWAP in expectation: TWAP attains the ceiling. At λ = {market.RiskAversion:G} $⁻¹ it lowers the standard deviation by {100 * (1 - averseSd / twapSd):F1}% (not the 30% that 1,290 against 1,850 suggests) for {AlmgrenChrissSolution.ExpectedCost(market, acAverse) - twapCost:N1} $ of expected proceeds; read literally (λ = 0.5 $⁻¹) it sells {acLiteral[0] - acLiteral[1]:N0} of the {market.Quantity:N0} shares in the first period and expects {notional - AlmgrenChrissSolution.ExpectedCost(market, acLiteral):N0} $."));
        w.AppendLine("- An offline learner trained on TWAP data can at best reproduce TWAP, the expected-proceeds optimum; on the mean–variance objective the whole room above TWAP is " +
                     string.Create(c, $"{AlmgrenChrissSolution.ObjectiveBps(market, twap) - AlmgrenChrissSolution.ObjectiveBps(market, acAverse):F2} bps, far below what 100 evaluation episodes resolve."));
        w.AppendLine();

        w.AppendLine("### Measured: every agent beside its behaviour policy, TWAP and the best static schedule");
        w.AppendLine("Objective = IS + λ·risk penalty in bps of 100,000 $ (lower is better); differences are agent − reference on the same 100 paths, " +
                     "95% normal intervals over those paired episodes; the across-seed row is the mean of per-seed differences with a 95% t interval over seeds.");
        w.AppendLine();
        w.AppendLine("| data | agent | seed | agent IS bps | agent proceeds $ | behaviour proceeds $ | agent objective | behaviour objective | TWAP objective | best-static objective | agent − behaviour [95% CI] | agent − best-static [95% CI] |");
        w.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in done)
        {
            foreach (var a in r.Summary!["agents"]!.AsArray())
            {
                var e = a!["evaluation"]!;
                double agentIs = (double)e["meanShortfallBps"]!, behaviourIs = (double)e["behaviourShortfallBps"]!;
                w.AppendLine(string.Create(c, $"| {r.Data.Id} | {r.Agent.Name} | {(int)a["seed"]!} | {agentIs:F2} | {notional * (1 - agentIs / 1e4):N0} | {notional * (1 - behaviourIs / 1e4):N0} | ") + string.Create(c,
                    $"{(double)e["meanObjectiveBps"]!:F2} | {(double)e["behaviourObjectiveBps"]!:F2} | {(double)e["twapObjectiveBps"]!:F2} | {(double)e["bestStaticObjectiveBps"]!:F2} | ") +
                    $"{Paired(e["vsBehaviour"])} | {Paired(e["vsBestStatic"])} |");
            }

            var s = r.Summary!["summary"]!;
            if (s["vsBehaviourAcrossSeeds"] is { } vb && (int)s["seeds"]! > 1)
            {
                w.AppendLine(string.Create(c, $"| {r.Data.Id} | {r.Agent.Name} | across {(int)s["seeds"]!} seeds | | | | | | | | {Across(vb)} | {Across(s["vsBestStaticAcrossSeeds"])} |"));
            }
        }

        w.AppendLine();
        var missing = runs.Where(r => r.Summary is null && r.Command is not null).Select(r => $"{r.Data.Id}/{r.Agent.Id}").ToList();
        if (missing.Count > 0)
        {
            w.AppendLine($"Not finished when this report was written: {string.Join(", ", missing)}.");
            w.AppendLine();
        }

        w.AppendLine("Commands (`experiments/run-offline-rl.sh`):");
        w.AppendLine("```");
        foreach (var r in runs.Where(r => r.Command is not null)) w.AppendLine(r.Command);
        w.AppendLine("```");
        w.AppendLine();
        return true;
    }

    private static string Paired(JsonNode? p) => p is null
        ? "—"
        : string.Create(CultureInfo.InvariantCulture, $"{(double)p["meanBps"]!:F2} [{(double)p["ciLowBps"]!:F2}, {(double)p["ciHighBps"]!:F2}]");

    private static string Across(JsonNode? a) => a is null
        ? "—"
        : a["ciLowBps"] is null
            ? string.Create(CultureInfo.InvariantCulture, $"{(double)a["meanBps"]!:F2} (one seed)")
            : string.Create(CultureInfo.InvariantCulture, $"{(double)a["meanBps"]!:F2} [{(double)a["ciLowBps"]!:F2}, {(double)a["ciHighBps"]!:F2}]");
}
