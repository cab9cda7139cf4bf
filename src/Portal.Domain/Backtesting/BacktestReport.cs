using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Backtesting;

/// <summary>Readable and machine forms of a backtest result (the command line's table and result file; the JSON schema
/// is documented in docs/backtest-result.md).</summary>
public static class BacktestReport
{
    /// <summary>A plain-text summary table: one row per strategy, costs in bps of arrival notional (positive = cost).</summary>
    public static string ToText(BacktestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"Scenario: {result.ScenarioName}");
        sb.AppendLine(c, $"{result.Episodes} episodes × {result.Steps} steps, seed {result.Seed}, order {result.Quantity:N0} shares, arrival notional {result.ArrivalNotional:N0}");
        if (result.OptimumName is not null && result.OptimumExpectedCostBps is { } opt)
            sb.AppendLine(c, $"Known optimum: {result.OptimumName}: expected cost {opt:F3} bps ({result.OptimumExpectedCostCurrency:N0})");
        foreach (string w in result.Warnings) sb.AppendLine(c, $"Warning: {w}");
        sb.AppendLine("Implementation shortfall in bps of arrival notional (positive = cost); vs TWAP and vs best static are paired on common random numbers.");
        sb.AppendLine(c, $"Intervals: 95%, over {result.IndependentUnits} independent {result.UnitKind}s; sharpe = −mean/std of the cost (— when undefined).");
        if (result.IndependentUnits < UnitKinds.RankingThreshold)
            sb.AppendLine(c, $"Warning: only {result.IndependentUnits} independent {result.UnitKind}s (< {UnitKinds.RankingThreshold}): the intervals stand, but they do not support a ranking.");
        sb.AppendLine();
        sb.AppendLine(c, $"{"strategy",-32} {"mean",9} {"95% CI",19} {"std",9} {"p5",9} {"p50",9} {"p95",9} {"CVaR95",9} {"sharpe",7} {"compl.",7} {"mean cost",14} {"vs TWAP [95% CI]",30} {"vs best static [95% CI]",30} {"regret",9}");
        foreach (var r in result.Strategies)
        {
            var s = r.Summary;
            string ci = string.Create(c, $"[{s.MeanCiLowBps:F2}, {s.MeanCiHighBps:F2}]");
            string vs = s.VsTwap is { } p ? string.Create(c, $"{p.MeanBps:+0.00;-0.00;0.00} [{p.CiLowBps:F2}, {p.CiHighBps:F2}]") : "—";
            string vsBest = s.VsBestStatic is { } b ? string.Create(c, $"{b.MeanBps:+0.00;-0.00;0.00} [{b.CiLowBps:F2}, {b.CiHighBps:F2}]") : "—";
            string regret = s.RegretBps is { } g ? g.ToString("F3", c) : "—";
            string sharpe = s.CostSharpe is { } sr ? sr.ToString("F3", c) : "—";
            string name = r.DisplayName.Length > 32 ? r.DisplayName[..32] : r.DisplayName;
            sb.AppendLine(c, $"{name,-32} {s.MeanBps,9:F3} {ci,19} {s.StdBps,9:F3} {s.P5Bps,9:F3} {s.P50Bps,9:F3} {s.P95Bps,9:F3} {s.Cvar95Bps,9:F3} {sharpe,7} {s.Completion,7:P1} {s.MeanShortfallCurrency,14:N0} {vs,30} {vsBest,30} {regret,9}");
        }

        if (result.Strategies.Any(r => r.Orders.PostedFillRatio is not null))
        {
            sb.AppendLine();
            sb.AppendLine("Limit orders: fill rate and passive share are fractions of the parent quantity; spread captured and the one-step markout are bps of the passive fills (markout positive = adverse selection), with 95% intervals over the run's independent units.");
            sb.AppendLine(c, $"{"strategy",-32} {"fill rate",9} {"passive",9} {"posted filled",13} {"crossed at expiry",17} {"spread captured",31} {"markout",25} {"opportunity",11}");
            foreach (var r in result.Strategies)
            {
                var o = r.Orders;
                string name = r.DisplayName.Length > 32 ? r.DisplayName[..32] : r.DisplayName;
                string posted = o.PostedFillRatio is { } f ? f.ToString("P1", c) : "—";
                string captured = o.SpreadCapturedBps is { } sc ? sc.ToString("F3", c) : "—";
                string markout = o.MarkoutBps is { } mk ? mk.ToString("F3", c) : "—";
                if (o.Intervals?.SpreadCapturedBps is { } scb) captured += string.Create(c, $" [{scb.Low:F2}, {scb.High:F2}]");
                if (o.Intervals?.MarkoutBps is { } mkb) markout += string.Create(c, $" [{mkb.Low:F2}, {mkb.High:F2}]");
                sb.AppendLine(c, $"{name,-32} {o.FillRate,9:P1} {o.PassiveShare,9:P1} {posted,13} {o.CrossedOnExpiryShare,17:P1} {captured,31} {markout,25} {r.MeanOpportunityCostBps,11:F3}");
            }
        }

        if (result.Guards.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine(c, $"Risk guards: guarded − unguarded cost on the same paths (negative = the guard saved), 95% interval over {result.Episodes} episodes; fired = episodes (episode-steps) in which the guard overrode the strategy.");
            foreach (var g in result.Guards)
            {
                var d = g.GuardedMinusUnguarded;
                string fired = string.Join(", ", g.Firings.Select(f => string.Create(c, $"{f.Guard} {f.EpisodesFired}/{g.Episodes} ({f.StepsFired} of {f.Decisions})")));
                sb.AppendLine(c, $"{g.GuardedId,-32} {d.MeanBps:+0.000;-0.000;0.000} [{d.CiLowBps:F3}, {d.CiHighBps:F3}]  fired: {fired}");
            }
        }

        foreach (var r in result.Strategies)
        {
            if (r.CapBreaches > 0)
                sb.AppendLine(c, $"WARNING: {r.StrategyId} breached the participation cap at {r.CapBreaches} step(s) (max participation {r.MaxParticipation:P1}) to finish at the horizon.");
            if (r.MeanUnfilledFraction > 0)
                sb.AppendLine(c, $"WARNING: {r.StrategyId} left {r.MeanUnfilledFraction:P2} of the order unfilled on average; its opportunity cost ({r.MeanOpportunityCostBps:F3} bps) is in the shortfall.");
            if (r.MeanBeyondDepthFraction > 0)
                sb.AppendLine(c, $"WARNING: {r.StrategyId} filled {r.MeanBeyondDepthFraction:P2} of the order beyond the recorded book depth; those shares are priced on extrapolated levels.");
        }

        return sb.ToString();
    }

    /// <summary>The result file: per-strategy entries carry <c>name</c>, <c>meanCostBps</c>, <c>stdCostBps</c>,
    /// <c>p95CostBps</c>, <c>cvar95CostBps</c>, <c>meanCost</c> (currency) and <c>pairedDiffVsTwapBps</c> with
    /// <c>ciLowBps</c>/<c>ciHighBps</c>, <c>vsBestStaticBps</c> with <c>vsBestStaticCiLowBps</c>/<c>vsBestStaticCiHighBps</c>,
    /// <c>vsBestStaticObjectiveBps</c> with <c>vsBestStaticObjectiveCiLowBps</c>/<c>vsBestStaticObjectiveCiHighBps</c> (the same on E + λ·Var),
    /// <c>completion</c>, <c>forcedFraction</c>, <c>unfilledFraction</c>, <c>capBreaches</c>, <c>maxParticipation</c> and
    /// <c>opportunityCostBps</c>; <c>fillRate</c> and <c>passiveShare</c> (fractions of the parent quantity executed, and
    /// filled by limit orders), <c>postedFillRatio</c>, <c>crossedOnExpiryShare</c>, <c>spreadCapturedBps</c> and
    /// <c>markoutBps</c> (<see cref="OrderTypeMetrics"/>) with their 95% intervals (<c>fillRateCiLow</c>/<c>High</c>,
    /// <c>passiveShareCiLow</c>/<c>High</c>, <c>spreadCapturedCiLowBps</c>/<c>HighBps</c>, <c>markoutCiLowBps</c>/<c>HighBps</c>
    /// and the 1/10/60-s markouts' <c>markout1sCiLowBps</c>… on replays) over <c>orderIntervalUnits</c> units of kind
    /// <c>orderIntervalUnitKind</c>; <c>warnings</c> lists what the run found wrong with the parameters; <c>optimum</c> carries the known optimum's expected cost where one exists.</summary>
    public static string ToJson(BacktestResult result, Scenario? scenario = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        var strategies = new JsonArray();
        foreach (var r in result.Strategies)
        {
            var s = r.Summary;
            var paired = s.VsTwap ?? new PairedDifference(0, 0, 0, s.Episodes) { IndependentUnits = s.IndependentUnits, UnitKind = s.UnitKind };
            var entry = new JsonObject
            {
                ["id"] = r.StrategyId,
                ["name"] = r.DisplayName,
                ["episodes"] = s.Episodes,
                ["meanCostBps"] = s.MeanBps,
                ["meanCiLowBps"] = s.MeanCiLowBps,
                ["meanCiHighBps"] = s.MeanCiHighBps,
                ["independentUnits"] = s.IndependentUnits,
                ["unitKind"] = s.UnitKind,
                ["stdCostBps"] = s.StdBps,
                ["p5CostBps"] = s.P5Bps,
                ["p50CostBps"] = s.P50Bps,
                ["p95CostBps"] = s.P95Bps,
                ["p99CostBps"] = s.P99Bps,
                ["cvar95CostBps"] = s.Cvar95Bps,
                ["costSharpe"] = s.CostSharpe,
                ["completion"] = s.Completion,
                ["forcedFraction"] = r.MeanForcedFraction,
                ["unfilledFraction"] = r.MeanUnfilledFraction,
                ["capBreaches"] = r.CapBreaches,
                ["maxParticipation"] = r.MaxParticipation,
                ["opportunityCostBps"] = r.MeanOpportunityCostBps,
                ["fillRate"] = r.Orders.FillRate,
                ["passiveShare"] = r.Orders.PassiveShare,
                ["postedFillRatio"] = r.Orders.PostedFillRatio,
                ["crossedOnExpiryShare"] = r.Orders.CrossedOnExpiryShare,
                ["spreadCapturedBps"] = r.Orders.SpreadCapturedBps,
                ["markoutBps"] = r.Orders.MarkoutBps,
                ["markout1sBps"] = r.Orders.Markout1sBps,
                ["markout10sBps"] = r.Orders.Markout10sBps,
                ["markout60sBps"] = r.Orders.Markout60sBps,
                ["fillRateCiLow"] = r.Orders.Intervals?.FillRate?.Low,
                ["fillRateCiHigh"] = r.Orders.Intervals?.FillRate?.High,
                ["passiveShareCiLow"] = r.Orders.Intervals?.PassiveShare?.Low,
                ["passiveShareCiHigh"] = r.Orders.Intervals?.PassiveShare?.High,
                ["spreadCapturedCiLowBps"] = r.Orders.Intervals?.SpreadCapturedBps?.Low,
                ["spreadCapturedCiHighBps"] = r.Orders.Intervals?.SpreadCapturedBps?.High,
                ["markoutCiLowBps"] = r.Orders.Intervals?.MarkoutBps?.Low,
                ["markoutCiHighBps"] = r.Orders.Intervals?.MarkoutBps?.High,
                ["markout1sCiLowBps"] = r.Orders.Intervals?.Markout1sBps?.Low,
                ["markout1sCiHighBps"] = r.Orders.Intervals?.Markout1sBps?.High,
                ["markout10sCiLowBps"] = r.Orders.Intervals?.Markout10sBps?.Low,
                ["markout10sCiHighBps"] = r.Orders.Intervals?.Markout10sBps?.High,
                ["markout60sCiLowBps"] = r.Orders.Intervals?.Markout60sBps?.Low,
                ["markout60sCiHighBps"] = r.Orders.Intervals?.Markout60sBps?.High,
                ["orderIntervalUnits"] = r.Orders.Intervals?.IndependentUnits,
                ["orderIntervalUnitKind"] = r.Orders.Intervals?.UnitKind,
                ["meanCost"] = s.MeanShortfallCurrency,
                ["pairedDiffVsTwapBps"] = new JsonObject
                {
                    ["meanBps"] = paired.MeanBps,
                    ["ciLowBps"] = paired.CiLowBps,
                    ["ciHighBps"] = paired.CiHighBps,
                    ["pairs"] = paired.Pairs,
                    ["independentUnits"] = paired.IndependentUnits,
                    ["unitKind"] = paired.UnitKind,
                },
                ["regretBps"] = s.RegretBps,
                ["vsBestStaticBps"] = s.VsBestStatic?.MeanBps,
                ["vsBestStaticCiLowBps"] = s.VsBestStatic?.CiLowBps,
                ["vsBestStaticCiHighBps"] = s.VsBestStatic?.CiHighBps,
                ["vsBestStaticObjectiveBps"] = s.VsBestStaticObjective?.MeanBps,
                ["vsBestStaticObjectiveCiLowBps"] = s.VsBestStaticObjective?.CiLowBps,
                ["vsBestStaticObjectiveCiHighBps"] = s.VsBestStaticObjective?.CiHighBps,
                ["meanInventoryFraction"] = Array(r.MeanInventoryFraction),
                ["inventoryP5Fraction"] = Array(r.InventoryP5Fraction),
                ["inventoryP95Fraction"] = Array(r.InventoryP95Fraction),
                ["meanParticipation"] = Array(r.MeanParticipation),
            };
            if (r.Episodes.Count > 0)
            {
                entry["meanComponentsBps"] = new JsonObject
                {
                    ["spreadAndFees"] = r.Episodes.Average(e => e.SpreadAndFeesBps),
                    ["temporaryImpact"] = r.Episodes.Average(e => e.TemporaryImpactBps),
                    ["permanentImpact"] = r.Episodes.Average(e => e.PermanentImpactBps),
                    ["timing"] = r.Episodes.Average(e => e.TimingBps),
                };
                entry["meanArrivalSlippageBps"] = r.Episodes.Average(e => e.ArrivalSlippageBps);
                entry["meanVwapSlippageBps"] = r.Episodes.Average(e => e.VwapSlippageBps);
                entry["meanForcedQuantity"] = r.Episodes.Average(e => e.ForcedQuantity);
                entry["maxParticipation"] = r.Episodes.Max(e => e.MaxParticipation);
            }

            strategies.Add(entry);
        }

        var root = new JsonObject
        {
            ["scenario"] = result.ScenarioName,
            ["seed"] = result.Seed,
            ["episodes"] = result.Episodes,
            ["steps"] = result.Steps,
            ["quantity"] = result.Quantity,
            ["arrivalNotional"] = result.ArrivalNotional,
            ["independentUnits"] = result.IndependentUnits,
            ["unitKind"] = result.UnitKind,
            ["optimum"] = result.OptimumExpectedCostBps is { } bps
                ? new JsonObject
                {
                    ["name"] = result.OptimumName,
                    ["expectedCostBps"] = bps,
                    ["expectedCost"] = result.OptimumExpectedCostCurrency,
                }
                : null,
            ["strategies"] = strategies,
            ["warnings"] = new JsonArray(result.Warnings.Select(w => (JsonNode?)JsonValue.Create(w)).ToArray()),
            ["guards"] = new JsonArray([.. result.Guards.Select(g => (JsonNode?)new JsonObject
            {
                ["id"] = g.GuardedId,
                ["innerId"] = g.InnerId,
                ["episodes"] = g.Episodes,
                ["guardedMinusUnguardedBps"] = g.GuardedMinusUnguarded.MeanBps,
                ["ciLowBps"] = g.GuardedMinusUnguarded.CiLowBps,
                ["ciHighBps"] = g.GuardedMinusUnguarded.CiHighBps,
                ["fallbackThreshold"] = g.FallbackThreshold,
                ["firings"] = new JsonArray([.. g.Firings.Select(f => (JsonNode?)new JsonObject
                {
                    ["guard"] = f.Guard,
                    ["stepsFired"] = f.StepsFired,
                    ["episodesFired"] = f.EpisodesFired,
                    ["decisions"] = f.Decisions,
                })]),
            })]),
        };
        if (scenario is not null) root["scenarioDefinition"] = JsonNode.Parse(ScenarioJson.Serialize(scenario));
        return root.ToJsonString(ScenarioJson.Options);
    }

    private static JsonArray Array(double[] values)
    {
        var a = new JsonArray();
        foreach (double v in values) a.Add(v);
        return a;
    }
}
