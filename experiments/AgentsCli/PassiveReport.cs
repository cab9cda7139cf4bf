using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

/// <summary>
/// The passive-vs-aggressive section of the results document, from <c>RUNS/passive-vs-aggressive/summary.json</c> written by
/// <c>experiments/run-passive-vs-aggressive.sh</c>: the example scenario on the simulated market and replayed on the AMZN
/// LOBSTER day, every strategy's shortfall with its interval, its paired difference to TWAP, and the limit-order metrics.
/// </summary>
internal static class PassiveReport
{
    public const string Folder = "passive-vs-aggressive";
    public const string Heading = "## Limit or market orders: passive vs aggressive";

    /// <summary>The section, or null when the experiment has not been run.</summary>
    public static string? Render(string runs)
    {
        string path = Path.Combine(runs, Folder, "summary.json");
        if (!File.Exists(path)) return null;
        var summary = JsonNode.Parse(File.ReadAllText(path))!;
        var c = CultureInfo.InvariantCulture;
        var w = new StringBuilder();
        w.AppendLine(Heading);
        w.AppendLine();
        w.AppendLine($"`experiments/run-passive-vs-aggressive.sh` at commit `{(string?)summary["commit"]}`: `examples/scenarios/passive-vs-aggressive.json` " +
                     "(sell 5% ADV in 1 hour, 12 steps of 5 minutes, limit orders at the touch living a whole step) with TWAP and VWAP sending " +
                     "market orders and their passive twins posting limit orders, crossing what is unfilled at the step's end, and the pegged " +
                     "strategy. The simulated book's fill model uses the parameters calibrated on the AMZN day (k = 0.8 per bps, φ = 0.058, " +
                     "ε = 0.38 bps per market order: docs/order-types.md); the replay puts the orders in the recorded queue.");
        w.AppendLine();
        w.AppendLine("Units: implementation shortfall in bps of arrival notional (positive = cost) with its 95% interval; `vs TWAP` is the paired " +
                     "difference (strategy − TWAP, negative = cheaper) with its 95% interval; fill rate and passive share are fractions of the " +
                     "parent quantity; spread captured and markouts (mid move against the passive fills, positive = adverse selection) are bps of " +
                     "the passive fills (point estimates). Simulated episodes are independent; replayed episodes that share a window are not, so " +
                     "their intervals come from the independent windows, whose count is given.");
        w.AppendLine();
        foreach (var run in summary["runs"]!.AsArray())
        {
            string market = (string)run!["market"]!;
            w.AppendLine(market == "simulated" ? "### Simulated market" : "### Replayed AMZN 2012-06-21 (LOBSTER, level 5)");
            w.AppendLine();
            w.AppendLine(string.Create(c, $"`{(string?)run["command"]}`: {(int)run["episodes"]!:N0} episodes, {(int)run["independentUnits"]!:N0} independent {(string?)run["unitKind"]}s."));
            w.AppendLine();
            w.AppendLine("| strategy | mean IS (bps) | 95% CI | vs TWAP (bps, 95% CI) | fill rate | passive share | spread captured (bps) | markout step (bps) | 1 s | 10 s | 60 s |");
            w.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var s in run["strategies"]!.AsArray())
            {
                var p = s!["pairedDiffVsTwapBps"];
                string vs = p is null ? "–" : string.Create(c, $"{(double)p["meanBps"]!:+0.00;-0.00} [{(double)p["ciLowBps"]!:F2}, {(double)p["ciHighBps"]!:F2}]");
                w.AppendLine(string.Create(c, $"| {(string?)s["name"]} | {(double)s["meanCostBps"]!:F2} | [{(double)s["meanCiLowBps"]!:F2}, {(double)s["meanCiHighBps"]!:F2}] | {vs} | " +
                    $"{Pct(s["fillRate"])} | {Pct(s["passiveShare"])} | {Num(s["spreadCapturedBps"])} | {Num(s["markoutBps"])} | {Num(s["markout1sBps"])} | {Num(s["markout10sBps"])} | {Num(s["markout60sBps"])} |"));
            }
            w.AppendLine();
        }
        PassiveAgentReport.Write(w, runs);
        return w.ToString();
    }

    /// <summary>Replaces the section in an existing document (or appends it), leaving every other section as it was generated.</summary>
    public static string Splice(string document, string section)
    {
        int start = document.IndexOf(Heading, StringComparison.Ordinal);
        if (start < 0) return document.TrimEnd() + "\n\n" + section;
        int next = document.IndexOf("\n## ", start + Heading.Length, StringComparison.Ordinal);
        return document[..start] + section + (next < 0 ? "" : document[(next + 1)..]);
    }

    private static string Pct(JsonNode? v) => v is null ? "–" : ((double)v).ToString("P1", CultureInfo.InvariantCulture).Replace(" ", "", StringComparison.Ordinal);

    private static string Num(JsonNode? v) => v is null ? "–" : ((double)v).ToString("F2", CultureInfo.InvariantCulture);
}
