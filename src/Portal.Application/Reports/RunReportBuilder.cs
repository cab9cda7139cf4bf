using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;
using Portal.Web.Auth;

namespace Portal.Web.Features.Reports;

/// <summary>Turns a stored run of the caller's team into the report model, and streams its episodes.</summary>
public sealed class RunReportBuilder(IDbContextFactory<PortalDbContext> dbFactory, Agents.AgentService agents, Leaderboards.LeaderboardService leaderboards)
{
    /// <summary>Episode shortfalls per strategy drawn for the cost-distribution charts.</summary>
    public const int HistogramSample = 4000;

    public static string SoftwareVersion { get; } =
        typeof(RunReportBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(RunReportBuilder).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The report of a succeeded run, or null when the team has no such finished run.</summary>
    public async Task<RunReport?> BuildAsync(TeamAccess access, Guid runId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.Runs.AsNoTracking().Include(r => r.Strategies)
            .SingleOrDefaultAsync(r => r.Id == runId && r.TeamId == access.TeamId && r.Status == RunStatus.Succeeded, ct);
        if (run is null)
        {
            return null;
        }
        var strategies = new List<ReportStrategySummary>();
        foreach (var s in run.Strategies.OrderBy(s => s.Index))
        {
            var stride = Math.Max(1, s.Episodes / HistogramSample);
            var sample = await db.RunEpisodeResults.AsNoTracking()
                .Where(e => e.RunId == runId && e.StrategyIndex == s.Index && e.Episode % stride == 0)
                .OrderBy(e => e.Episode).Select(e => e.ShortfallBps).Take(HistogramSample).ToListAsync(ct);
            strategies.Add(new ReportStrategySummary(
                s.StrategyId, s.DisplayName, s.Episodes, s.MeanBps, s.StdBps, s.MeanCiLowBps, s.MeanCiHighBps, s.P5Bps, s.P50Bps, s.P95Bps,
                s.Cvar95Bps, s.CostSharpe, s.Completion, s.MeanShortfallCurrency, s.VsTwapMeanBps, s.VsTwapCiLowBps, s.VsTwapCiHighBps,
                s.RegretBps, s.MeanInventory, s.InventoryP5, s.InventoryP95, sample, s.MeanParticipation,
                new ReportExecution(s.ForcedFraction, s.UnfilledFraction, s.CapBreaches, s.MaxParticipation, s.OpportunityCostBps))
            {
                VsBestStaticMeanBps = s.VsBestStaticMeanBps,
                VsBestStaticCiLowBps = s.VsBestStaticCiLowBps,
                VsBestStaticCiHighBps = s.VsBestStaticCiHighBps,
            });
        }
        var regimes = (await leaderboards.AcrossRegimesAsync(access, run, ct))
            .OrderBy(r => r.StrategyId, StringComparer.Ordinal).ThenBy(r => r.Regime, StringComparer.Ordinal)
            .Select(r => new ReportRegimeRow(r.Regime, r.StrategyId, r.DisplayName, r.Runs, r.Episodes, r.MeanBps, r.CiLowBps, r.CiHighBps))
            .ToList();
        var curves = new List<ReportAgentCurves>();
        foreach (var s in run.Strategies.OrderBy(s => s.Index).Where(s => s.StrategyId.StartsWith(Portal.Jobs.Agents.AgentStrategies.Prefix, StringComparison.Ordinal)))
        {
            if (Guid.TryParse(s.StrategyId[Portal.Jobs.Agents.AgentStrategies.Prefix.Length..], out var agentId)
                && await agents.GetAsync(access, agentId, ct) is { } found)
            {
                var aligned = Agents.LearningCurves.Align(found.Seeds.Select(Agents.LearningCurves.Parse).ToList());
                curves.Add(new ReportAgentCurves(s.StrategyId, found.Agent.Name, aligned.Steps, aligned.Values));
            }
        }
        return new RunReport(
            run.Id, $"Execution Lab run: {run.ScenarioName}", access.TeamName, run.ScenarioName,
            DateTime.SpecifyKind(run.CreatedUtc, DateTimeKind.Utc),
            run.FinishedUtc is { } f ? DateTime.SpecifyKind(f, DateTimeKind.Utc) : null,
            SoftwareVersion, Parameters(ScenarioJson.Parse(run.ScenarioJson)), run.Episodes, run.Seed,
            run.OptimumName, run.OptimumName is null ? null : run.OptimumExpectedCostBps, strategies, regimes, curves)
        {
            Warnings = run.Warnings,
            IndependentUnits = Runs.IndependentUnits.Of(run.Strategies).Units,
            UnitKind = Runs.IndependentUnits.Of(run.Strategies).Kind,
        };
    }

    /// <summary>Every episode of the run, strategy by strategy, read in pages so memory stays flat.</summary>
    public async IAsyncEnumerable<ReportEpisodeRow> EpisodesAsync(Guid runId, IReadOnlyList<ReportStrategySummary> strategies,
        [EnumeratorCancellation] CancellationToken ct)
    {
        const int page = 5000;
        for (var index = 0; index < strategies.Count; index++)
        {
            var id = strategies[index].StrategyId;
            for (var from = 0; ; from += page)
            {
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                var rows = await db.RunEpisodeResults.AsNoTracking()
                    .Where(e => e.RunId == runId && e.StrategyIndex == index && e.Episode >= from && e.Episode < from + page)
                    .OrderBy(e => e.Episode).ToListAsync(ct);
                if (rows.Count == 0)
                {
                    break;
                }
                foreach (var e in rows)
                {
                    yield return new ReportEpisodeRow(id, e.Episode, e.ShortfallBps, e.ShortfallCurrency, e.ArrivalSlippageBps, e.VwapSlippageBps,
                        e.SpreadAndFeesBps, e.TemporaryImpactBps, e.PermanentImpactBps, e.TimingBps, e.ForcedQuantity, e.MaxParticipation);
                }
            }
        }
    }

    private static List<ReportParameter> Parameters(Scenario s)
    {
        static string N(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
        var list = new List<ReportParameter>
        {
            new("Side", s.Order.Side.ToString()),
            new("Size (% ADV)", N(s.Order.SizePctAdv)),
            new("Quantity (shares)", s.Quantity.ToString("N0", CultureInfo.InvariantCulture)),
            new("Horizon (minutes)", N(s.Order.HorizonMinutes)),
            new("Decision steps", s.Order.Steps.ToString(CultureInfo.InvariantCulture)),
            new("Arrival price", N(s.Market.ArrivalPrice)),
            new("ADV (shares)", s.Market.Adv.ToString("N0", CultureInfo.InvariantCulture)),
            new("Daily volatility", N(s.Market.DailyVolatility)),
            new("Regime", s.Market.Regime),
            new("Impact model", s.Market.Impact.Model),
            new("η (temporary)", N(s.Market.Impact.Eta)),
            new("γ (permanent)", N(s.Market.Impact.Gamma)),
            new("ε (fixed)", N(s.Market.Impact.Epsilon)),
            new("Mean spread (bps)", N(s.Market.Spread.MeanBps)),
            new("Fees (bps)", N(s.Costs.FeeBps)),
            new("Participation cap (%)", s.Constraints.MaxParticipationPct is { } cap ? N(cap) : "none"),
            new("Risk aversion λ", N(s.StrategySettings.RiskAversion)),
            new("Strategies", string.Join(", ", s.Strategies)),
        };
        if (s.Replay is { } replay)
        {
            list.Add(new("Replayed dataset", replay.DatasetId.ToString()));
            list.Add(new("Replay segment", replay.Options.Segment.ToString()));
        }
        return list;
    }
}
