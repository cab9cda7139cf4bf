using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Portal.Application.Agents;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Strategies;

namespace Portal.Application.Reports;

/// <summary>
/// Builds a succeeded run's <see cref="RunReport"/> from storage: the one place that decides what a report holds
/// (which episodes the cost histogram samples, how its bins are chosen, which runs the regime breakdown pools).
/// The run page, the PDF and the CSV render what it builds; <see cref="RunReports"/> freezes it when the run completes.
/// </summary>
public sealed class RunReportBuilder(IDbContextFactory<PortalDbContext> dbFactory, Portal.Data.Runs.EpisodeStore episodeStore)
{
    /// <summary>Episode shortfalls per strategy drawn (evenly spaced) for the cost histograms.</summary>
    public const int HistogramSample = 4000;

    /// <summary>Version of the software that builds reports.</summary>
    public static string SoftwareVersion { get; } =
        typeof(RunReportBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(RunReportBuilder).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The report of a succeeded run of the team, or null when the team has no such run.</summary>
    public async Task<RunReport?> BuildAsync(Guid teamId, Guid runId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.Runs.AsNoTracking().Include(r => r.Strategies)
            .SingleOrDefaultAsync(r => r.Id == runId && r.TeamId == teamId && r.Status == RunStatus.Succeeded, ct);
        if (run is null)
        {
            return null;
        }

        var teamName = await db.Teams.Where(t => t.Id == teamId).Select(t => t.Name).SingleOrDefaultAsync(ct) ?? "";
        var ordered = run.Strategies.OrderBy(s => s.Index).ToList();
        var strategies = new List<ReportStrategySummary>(ordered.Count);
        foreach (var s in ordered)
        {
            var stride = Math.Max(1, (s.Episodes + HistogramSample - 1) / HistogramSample);
            var sample = new List<double>(Math.Min(s.Episodes, HistogramSample));
            var breakdown = new ReportCostBreakdown.Accumulator();
            await foreach (var e in EpisodesAsync(runId, s.Index, s.StrategyId, ct))
            {
                breakdown.Add(e);
                if (e.Episode % stride == 0)
                {
                    sample.Add(e.ShortfallBps);
                }
            }

            var m = s.Summary;
            strategies.Add(new ReportStrategySummary(
                s.StrategyId, s.DisplayName, s.Episodes, s.MeanBps, s.StdBps, s.MeanCiLowBps, s.MeanCiHighBps, m.P5Bps, m.P50Bps, m.P95Bps,
                m.Cvar95Bps, m.CostSharpe, m.Completion, m.MeanShortfallCurrency, m.VsTwapMeanBps, m.VsTwapCiLowBps, m.VsTwapCiHighBps,
                m.RegretBps, m.MeanInventory, m.InventoryP5, m.InventoryP95, sample, m.MeanParticipation,
                new ReportExecution(m.ForcedFraction, m.UnfilledFraction, m.CapBreaches, m.MaxParticipation, m.OpportunityCostBps)
                {
                    MaxParticipationP95 = m.MaxParticipationP95,
                    FillRate = m.FillRate,
                    PassiveShare = m.PassiveShare,
                    PostedFillRatio = m.PostedFillRatio,
                    SpreadCapturedBps = m.SpreadCapturedBps,
                    MarkoutBps = m.MarkoutBps,
                    Markout1sBps = m.Markout1sBps,
                    Markout10sBps = m.Markout10sBps,
                    Markout60sBps = m.Markout60sBps,
                    Intervals = m.OrderIntervals,
                })
            {
                VsBestStaticMeanBps = m.VsBestStaticMeanBps,
                VsBestStaticCiLowBps = m.VsBestStaticCiLowBps,
                VsBestStaticCiHighBps = m.VsBestStaticCiHighBps,
                VsBestStaticObjectiveBps = m.VsBestStaticObjectiveBps,
                VsBestStaticObjectiveCiLowBps = m.VsBestStaticObjectiveCiLowBps,
                VsBestStaticObjectiveCiHighBps = m.VsBestStaticObjectiveCiHighBps,
                CostBreakdown = breakdown.Mean(),
            });
        }

        var histogram = CostHistogram.For(strategies.Select(s => s.ShortfallHistogramSampleBps));
        if (histogram is not null)
        {
            strategies = [.. strategies.Select(s => s with { CostHistogramShares = histogram.Shares(s.ShortfallHistogramSampleBps) })];
        }

        var regimes = await RegimeBreakdownQuery.AsOfCompletionAsync(db, run, ct);
        // A stored scenario that no longer reads (hand-written or from an older format) still has its results shown.
        Scenario? scenario;
        try
        {
            scenario = ScenarioJson.Parse(run.ScenarioJson);
        }
        catch (Exception e) when (e is ScenarioValidationException or System.Text.Json.JsonException or ArgumentException)
        {
            scenario = null;
        }
        var curves = await AgentCurvesAsync(db, run.TeamId, ordered, scenario?.StrategySettings.AgentSeed, ct);
        var replay = scenario?.Replay is null ? null : await ReplayDescription.LoadAsync(dbFactory, teamId, scenario, ct);
        var units = ordered.Count == 0 ? 0 : ordered.Min(s => s.IndependentUnits);
        var unitKind = ordered.Select(s => s.UnitKind).FirstOrDefault(k => k != "") ?? "";
        return new RunReport(
            run.Id, $"Execution Lab run: {run.ScenarioName}", teamName, run.ScenarioName,
            DateTime.SpecifyKind(run.CreatedUtc, DateTimeKind.Utc),
            run.FinishedUtc is { } f ? DateTime.SpecifyKind(f, DateTimeKind.Utc) : null,
            SoftwareVersion, scenario is null ? [] : Parameters(scenario, replay), run.Episodes, run.Seed,
            run.OptimumName, run.OptimumName is null ? null : run.OptimumExpectedCostBps, strategies, regimes, curves)
        {
            Warnings = run.Warnings,
            IndependentUnits = units,
            UnitKind = unitKind,
            CreatedBy = run.CreatedBy,
            Regime = run.Regime,
            SizeBucket = ScenarioFamily.Label(run.SizeBucket),
            HorizonBucket = ScenarioFamily.Label(run.HorizonBucket),
            RiskAversion = scenario?.StrategySettings.RiskAversion ?? 0,
            CostHistogram = histogram,
            StepMinutes = scenario is null ? 0 : scenario.Order.HorizonMinutes / scenario.Order.Steps,
            StartMinutesAfterOpen = scenario?.Order.StartMinutesAfterOpen ?? 0,
            Clock = ClockOf(scenario, replay),
        };
    }

    /// <summary>The time axis of a run's charts: the exchange's clock for a replay whose windows all start together, minutes from
    /// each window's start for other replays, minutes from the order's start for simulated markets (they have no calendar).</summary>
    public static SessionClock ClockOf(Scenario? scenario, ReplayDescription? replay)
    {
        if (scenario is null || scenario.Order.Steps <= 0 || !(scenario.Order.HorizonMinutes > 0))
        {
            return SessionClock.Steps;
        }

        var step = scenario.Order.HorizonMinutes / scenario.Order.Steps;
        return scenario.Replay is null ? SessionClock.Minutes(step)
            : replay is not null ? replay.Clock(step)
            : SessionClock.Minutes(step, SessionClock.WindowStart);
    }

    /// <summary>
    /// Every episode of one strategy of a run, in episode order, one strategy in memory at a time: the only place that
    /// reads stored episodes for reports (the cost histogram's sample and the per-episode CSV).
    /// </summary>
    public async IAsyncEnumerable<ReportEpisodeRow> EpisodesAsync(Guid runId, int strategyIndex, string strategyId,
        [EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var e in (await episodeStore.ReadAsync(runId, strategyIndex, ct)).Rows())
        {
            yield return new ReportEpisodeRow(strategyId, e.Episode, e.ShortfallBps, e.ShortfallCurrency, e.ArrivalSlippageBps, e.VwapSlippageBps,
                e.SpreadAndFeesBps, e.TemporaryImpactBps, e.PermanentImpactBps, e.TimingBps, e.ForcedQuantity, e.MaxParticipation);
        }
    }

    /// <summary>Every episode of the report's run, strategy by strategy (in the report's order).</summary>
    public async IAsyncEnumerable<ReportEpisodeRow> EpisodesAsync(RunReport report, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        for (var index = 0; index < report.Strategies.Count; index++)
        {
            await foreach (var row in EpisodesAsync(report.RunId, index, report.Strategies[index].StrategyId, ct))
            {
                yield return row;
            }
        }
    }

    private static async Task<List<ReportAgentCurves>> AgentCurvesAsync(PortalDbContext db, Guid teamId, IReadOnlyList<RunStrategyResult> strategies, long? usedSeed, CancellationToken ct)
    {
        var curves = new List<ReportAgentCurves>();
        foreach (var s in strategies)
        {
            if (!StrategyId.IsAgentId(s.StrategyId) || !StrategyId.Parse(s.StrategyId).TryGetAgentId(out var agentId))
            {
                continue;
            }

            var agent = await db.TrainedAgents.AsNoTracking().Where(a => a.Id == agentId && a.TeamId == teamId)
                .Select(a => new { a.Name, a.Algorithm }).SingleOrDefaultAsync(ct);
            if (agent is null)
            {
                continue;
            }

            var seeds = await db.TrainedAgentSeeds.AsNoTracking().Where(x => x.AgentId == agentId).OrderBy(x => x.SeedIndex)
                .Select(x => new { x.AgentId, x.SeedIndex, x.Seed, x.LearningCurveJson }).ToListAsync(ct);
            var aligned = LearningCurves.Align([.. seeds.Select(x => LearningCurves.Parse(new TrainedAgentSeed
            {
                AgentId = x.AgentId, SeedIndex = x.SeedIndex, Seed = x.Seed, Artifact = [], EvaluationJson = "", LearningCurveJson = x.LearningCurveJson,
            }))]);
            var used = usedSeed is { } chosen && seeds.Any(x => x.Seed == chosen) ? chosen : seeds.Count > 0 ? seeds[0].Seed : (long?)null;
            curves.Add(new ReportAgentCurves(s.StrategyId, agent.Name, aligned.Steps, aligned.Values) { AgentId = agentId, Algorithm = agent.Algorithm, UsedSeed = used, SeedChosen = usedSeed is not null });
        }

        return curves;
    }

    /// <summary>The scenario's parameters as the report prints them. A replay prints what it traded (dataset, window,
    /// recorded prices, the order sized from the recording) instead of the simulated market it does not use.</summary>
    /// <summary>Name of the report parameter that says which trained seed's policy the run's agents used.</summary>
    public const string AgentPolicyParameter = "Agent policy";

    /// <summary>Which trained seed's policy a run's agents use, in words: the chosen seed, or the first seed by default.</summary>
    public static string AgentPolicy(long? agentSeed) => agentSeed is { } seed
        ? string.Create(CultureInfo.InvariantCulture, $"training seed {seed} (chosen for this run)")
        : "first training seed (the default: fixed before any evaluation, so it cannot flatter the agent)";

    private static List<ReportParameter> Parameters(Scenario s, ReplayDescription? replay)
    {
        static string N(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
        List<ReportParameter> list =
        [
            new("Side", s.Order.Side.ToString()),
            new("Size (% ADV)", N(s.Order.SizePctAdv)),
        ];
        if (s.Replay is null)
        {
            list.Add(new("Quantity (shares)", s.Quantity.ToString("N0", CultureInfo.InvariantCulture)));
        }

        list.Add(new("Horizon (minutes)", N(s.Order.HorizonMinutes)));
        list.Add(new("Decision steps", s.Order.Steps.ToString(CultureInfo.InvariantCulture)));
        if (s.Replay is null)
        {
            list.AddRange(
            [
                new("Arrival price", N(s.Market.ArrivalPrice)),
                new("ADV (shares)", s.Market.Adv.ToString("N0", CultureInfo.InvariantCulture)),
                new("Daily volatility", N(s.Market.DailyVolatility)),
                new("Regime", s.Market.Regime),
                new("Impact model", s.Market.Impact.Model),
                .. s.Market.Impact.Parameters.Select(p => new ReportParameter("Impact: " + p.Label, p.Display)),
                new("ε (fixed)", N(s.Market.Impact.Epsilon)),
                new("Mean spread (bps)", N(s.Market.Spread.MeanBps)),
            ]);
        }

        list.Add(new("Fees (bps)", N(s.Costs.FeeBps)));
        list.Add(new("Participation cap (%)", s.Constraints.MaxParticipationPct is { } cap ? N(cap) : "none"));
        list.Add(new("Risk aversion λ", N(s.StrategySettings.RiskAversion)));
        list.Add(new("Strategies", string.Join(", ", s.Strategies)));
        if (s.Strategies.Any(StrategyId.IsAgentId))
        {
            list.Add(new(AgentPolicyParameter, AgentPolicy(s.StrategySettings.AgentSeed)));
        }
        if (s.Replay is { } spec)
        {
            if (replay is not null)
            {
                list.AddRange(replay.Parameters());
                list.Add(new("Replay impact", $"recorded book walked, own transient displacement ×{N(spec.Options.TransientImpactFactor)} decaying over {N(spec.Options.ImpactDecaySeconds)} s"));
            }
            else
            {
                list.Add(new("Replayed dataset", spec.DatasetId + " (no longer stored)"));
                list.Add(new("Replay segment", spec.Options.Segment.ToString()));
            }
        }

        return list;
    }
}
