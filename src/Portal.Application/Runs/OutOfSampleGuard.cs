using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Domain.Backtesting;
using Portal.Domain.MarketData;
using Portal.Domain.Scenarios;

using Portal.Domain.Strategies;

namespace Portal.Application.Runs;

/// <summary>Whether a run's results count as out-of-sample, and why not.</summary>
/// <param name="Counted">True when every agent is out-of-sample (the run may go on leaderboards).</param>
/// <param name="InSampleReason">Why an agent is scored in-sample (null when counted).</param>
/// <param name="Checks">The check of every agent strategy.</param>
public sealed record SampleDecision(bool Counted, string? InSampleReason, IReadOnlyList<AgentSampleCheck> Checks);

/// <summary>
/// The out-of-sample check of a run's trained agents (<see cref="OutOfSample"/>) with what it needs loaded from storage:
/// each agent's stored training exposure and, for a replay, the dataset's content hash and time span. Used by run
/// submission (portal and API), by the backtest job before it runs, and (through <see cref="OutOfSample"/> on the
/// artifacts) by the command line.
/// </summary>
public sealed class OutOfSampleGuard(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>
    /// Checks every <c>agent:</c> strategy of <paramref name="scenario"/> that is one of the team's agents. A replay is
    /// checked against <paramref name="dataset"/> when loaded (its exact windows), else against the stored dataset's span.
    /// Unknown ids and missing datasets are left to the callers that load them.
    /// </summary>
    public async Task<IReadOnlyList<AgentSampleCheck>> CheckAsync(Guid teamId, Scenario scenario, MarketDataset? dataset, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var agents = scenario.Strategies
            .Select(s => (Id: s, Guid: StrategyId.IsAgentId(s) && StrategyId.Parse(s).TryGetAgentId(out var g) ? g : (Guid?)null))
            .Where(a => a.Guid is not null)
            .ToArray();
        if (agents.Length == 0)
        {
            return [];
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        EvaluationData data;
        if (scenario.Replay is { } replay)
        {
            if (dataset is not null)
            {
                data = OutOfSample.Replay(scenario, dataset, replay.Options);
            }
            else
            {
                var stored = await db.Datasets.AsNoTracking()
                    .Where(d => d.Id == replay.DatasetId && d.TeamId == teamId)
                    .Select(d => new { d.ContentHash, d.StartTimeNs, d.EndTimeNs })
                    .SingleOrDefaultAsync(ct);
                if (stored is null)
                {
                    return [];
                }
                data = OutOfSample.Replay(scenario, stored.ContentHash, stored.StartTimeNs, stored.EndTimeNs, replay.Options);
            }
        }
        else
        {
            data = OutOfSample.Simulated(scenario);
        }

        var ids = agents.Select(a => a.Guid!.Value).ToArray();
        var exposures = await db.TrainedAgents.AsNoTracking()
            .Where(a => a.TeamId == teamId && ids.Contains(a.Id))
            .Select(a => new { a.Id, a.TrainingExposureJson })
            .ToDictionaryAsync(a => a.Id, a => a.TrainingExposureJson, ct);
        if (scenario.StrategySettings.AgentSeed is { } chosen)
        {
            // The run uses another seed's policy: what that seed saw is what counts. The first seed's record stays the
            // fallback only for that seed itself (agents trained before exposures were kept per seed).
            var known = exposures.Keys.ToArray();
            var perSeed = await db.TrainedAgentSeeds.AsNoTracking()
                .Where(s => known.Contains(s.AgentId) && s.Seed == chosen)
                .Select(s => new { s.AgentId, s.SeedIndex, s.TrainingExposureJson })
                .ToListAsync(ct);
            foreach (var id in known)
            {
                var row = perSeed.FirstOrDefault(s => s.AgentId == id);
                exposures[id] = row?.TrainingExposureJson ?? (row is { SeedIndex: 0 } ? exposures[id] : null);
            }
        }
        return agents
            .Where(a => exposures.ContainsKey(a.Guid!.Value))
            .Select(a => OutOfSample.Check(a.Id, TrainingExposure.FromJson(exposures[a.Guid!.Value]), data))
            .ToArray();
    }

    /// <summary>
    /// Checks the run and decides: an in-sample agent is refused (<see cref="InSampleEvaluationException"/>) unless
    /// <paramref name="allowInSample"/>, when the run is kept with its reason and off the leaderboards; an agent without a
    /// training record is allowed and likewise kept off the leaderboards (in-sample, unknown).
    /// </summary>
    /// <exception cref="InSampleEvaluationException">An agent trained on the evaluated data and in-sample runs are not allowed.</exception>
    public async Task<SampleDecision> DecideAsync(Guid teamId, Scenario scenario, MarketDataset? dataset, bool allowInSample, CancellationToken ct = default)
    {
        var checks = await CheckAsync(teamId, scenario, dataset, ct);
        return Decide(checks, allowInSample);
    }

    /// <summary>The decision for given checks (see <see cref="DecideAsync"/>).</summary>
    public static SampleDecision Decide(IReadOnlyList<AgentSampleCheck> checks, bool allowInSample)
    {
        ArgumentNullException.ThrowIfNull(checks);
        if (!allowInSample)
        {
            OutOfSample.ThrowIfInSample(checks);
        }
        var flagged = checks.Where(c => c.Verdict != SampleVerdict.OutOfSample).ToArray();
        if (flagged.Length == 0)
        {
            return new SampleDecision(true, null, checks);
        }
        var reason = string.Join(" ", flagged.Select(c => c.Verdict == SampleVerdict.InSample ? "Run in-sample on request: " + c.Reason : c.Reason));
        return new SampleDecision(false, reason, checks);
    }
}
