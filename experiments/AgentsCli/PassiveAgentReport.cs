using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

/// <summary>
/// The agent trained with the (size, aggressiveness) action, a subsection of the passive-vs-aggressive section, from
/// <c>RUNS/passive-agent/summary.json</c> written by <c>experiments/run-passive-agent.sh</c>: every seed's evaluation on its
/// own paths (paired with TWAP and the best static schedule), then every seed beside TWAP, passive TWAP, Random and the best
/// static schedule in one backtest on the simulated market and on the replayed AMZN day.
/// </summary>
internal static class PassiveAgentReport
{
    public const string Folder = "passive-agent";

    /// <summary>Appends the subsection; false when the experiment has not been run.</summary>
    public static bool Write(StringBuilder w, string runs)
    {
        string path = Path.Combine(runs, Folder, "summary.json");
        if (!File.Exists(path)) return false;
        var summary = JsonNode.Parse(File.ReadAllText(path))!;
        var c = CultureInfo.InvariantCulture;
        w.AppendLine("### An agent that chooses the order type");
        w.AppendLine();
        w.AppendLine(string.Create(c, $"`experiments/run-passive-agent.sh` at commit `{(string?)summary["commit"]}`: tabular Q-learning with the (size, aggressiveness) action " +
            "(a multiple of the TWAP rate × market order or limit at the touch for one step, the rest crossed at the step's end; the previous step's passive fill " +
            $"share in the state; docs/agents.md, \"Order types\"), {(long)summary["steps"]!:N0} training decisions per seed, on the same scenario and fill model as above. " +
            $"`{(string?)summary["trainCommand"]}`."));
        w.AppendLine();
        w.AppendLine("Every seed on its own 10,000 evaluation paths (the train verb; objective = shortfall + λ·risk penalty, bps; paired differences with their 95% " +
                     "intervals over the seed's episodes, negative = agent cheaper):");
        w.AppendLine();
        w.AppendLine("| seed | mean IS (bps) | objective (bps) | vs TWAP (95% CI) | vs best static (95% CI) | train s |");
        w.AppendLine("|---|---|---|---|---|---|");
        foreach (var s in summary["seeds"]!.AsArray())
        {
            w.AppendLine(string.Create(c, $"| {(long)s!["seed"]!} | {(double)s["meanShortfallBps"]!:F2} | {(double)s["meanObjectiveBps"]!:F2} | {Paired(s["vsTwap"])} | {Paired(s["vsBestStatic"])} | {(double)s["trainingSeconds"]!:F0} |"));
        }

        w.AppendLine();
        if (summary["acrossSeeds"]?["vsTwap"] is { } across && across["ciLowBps"] is not null)
        {
            w.AppendLine(string.Create(c, $"Across the {(int)across["seeds"]!} seeds (95% Student t interval over seeds): vs TWAP {(double)across["meanBps"]!:+0.00;-0.00} " +
                $"[{(double)across["ciLowBps"]!:F2}, {(double)across["ciHighBps"]!:F2}] bps" +
                (summary["acrossSeeds"]?["vsBestStatic"] is { } b && b["ciLowBps"] is not null
                    ? string.Create(c, $", vs the best static schedule {(double)b["meanBps"]!:+0.00;-0.00} [{(double)b["ciLowBps"]!:F2}, {(double)b["ciHighBps"]!:F2}] bps.")
                    : ".")));
            w.AppendLine();
        }

        foreach (var run in summary["runs"]!.AsArray())
        {
            string market = (string)run!["market"]!;
            w.AppendLine(string.Create(c, $"{(market == "simulated" ? "Simulated market" : "Replayed AMZN day")}, every seed in one backtest on the scenario's paths: " +
                $"`{(string?)run["command"]}`, {(int)run["episodes"]!:N0} episodes, {(int)run["independentUnits"]!:N0} independent {(string?)run["unitKind"]}s. " +
                "`vs TWAP` and `vs best static` are paired differences with 95% intervals over those units; `− passive TWAP` is the difference of the two means on the same paths (no interval in the result file)."));
            w.AppendLine();
            w.AppendLine("| strategy | mean IS (bps) | 95% CI | vs TWAP (95% CI) | vs best static (95% CI) | − passive TWAP | fill rate | passive share | posted filled | spread captured (bps) | markout step (bps) |");
            w.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var s in run["strategies"]!.AsArray())
            {
                string best = s!["vsBestStaticBps"] is { } v
                    ? string.Create(c, $"{(double)v:+0.00;-0.00} [{(double)s["vsBestStaticCiLowBps"]!:F2}, {(double)s["vsBestStaticCiHighBps"]!:F2}]")
                    : "–";
                w.AppendLine(string.Create(c, $"| {(string?)s["name"]} | {(double)s["meanCostBps"]!:F2} | [{(double)s["meanCiLowBps"]!:F2}, {(double)s["meanCiHighBps"]!:F2}] | " +
                    $"{Paired(s["pairedDiffVsTwapBps"])} | {best} | {Signed(s["minusPassiveTwapBps"])} | {Pct(s["fillRate"])} | {Pct(s["passiveShare"])} | {Pct(s["postedFillRatio"])} | {Num(s["spreadCapturedBps"])} | {Num(s["markoutBps"])} |"));
            }

            w.AppendLine();
        }

        return true;
    }

    private static string Paired(JsonNode? p) => p is null || p["meanBps"] is null
        ? "–"
        : string.Create(CultureInfo.InvariantCulture, $"{(double)p["meanBps"]!:+0.00;-0.00} [{(double)p["ciLowBps"]!:F2}, {(double)p["ciHighBps"]!:F2}]");

    private static string Signed(JsonNode? v) => v is null ? "–" : ((double)v).ToString("+0.00;-0.00", CultureInfo.InvariantCulture);

    private static string Pct(JsonNode? v) => v is null ? "–" : ((double)v).ToString("P1", CultureInfo.InvariantCulture).Replace(" ", "", StringComparison.Ordinal);

    private static string Num(JsonNode? v) => v is null ? "–" : ((double)v).ToString("F2", CultureInfo.InvariantCulture);
}
