using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Application.Jobs;
using Portal.Application.Reports;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;
using Portal.Domain.Strategies;
using Portal.Domain.Studies;

namespace Portal.Application.Studies;

/// <summary>What a team may ask of the workers through studies.</summary>
/// <param name="MaxActiveStudiesPerTeam">Studies with unfinished cells one team may have at once. A study's cells do not
/// count against the per-team quota of queued and running runs (they would fill it at once); this limit bounds them
/// instead, at most <see cref="StudySpec.MaxCells"/> cells each.</param>
/// <param name="MaxRunStrategySteps">Largest cell: episodes × decision steps × strategies, as for a run.</param>
public sealed record StudyLimits(int MaxActiveStudiesPerTeam = 2, long MaxRunStrategySteps = 10_000_000_000)
{
    /// <summary>The limits, checked: each at least 1.</summary>
    public StudyLimits Checked()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxActiveStudiesPerTeam, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRunStrategySteps, 1);
        return this;
    }
}

/// <summary>A study with its cells' results.</summary>
public sealed record StudyDetails(Study Study, StudySpec Spec, StudyResults Results);

/// <summary>A study in a list, with its progress.</summary>
public sealed record StudySummary(Guid Id, string Name, StudyStatus Status, int CellCount, int CellsDone, string CreatedBy, DateTime CreatedUtc);

/// <summary>
/// Submits and reads a team's studies. A study's cells are ordinary runs (same job, same storage, listed with the runs and
/// named after the study), stored with the study in one transaction and queued through <see cref="IJobQueue"/>, so they
/// execute on every worker.
/// </summary>
public sealed class StudyService(IDbContextFactory<PortalDbContext> dbFactory, IJobQueue queue, StudyLimits limits)
{
    /// <summary>Key of the per-team advisory lock; the same key as the run quota's, so a study and a run submitted at once
    /// for one team are serialised.</summary>
    private const int QuotaLockKey = 0x454C_5251; // "ELRQ"

    /// <summary>Stores the study and one queued run per cell, then queues the cells.</summary>
    /// <exception cref="ScenarioValidationException">The spec is invalid, a cell is over the work limit, or the team has
    /// <see cref="StudyLimits.MaxActiveStudiesPerTeam"/> studies running; the errors name the field.</exception>
    public async Task<Study> SubmitAsync(Guid teamId, string userName, StudySpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var cells = spec.Expand();
        CheckBudget(cells);
        await EnsureAgentsAreTheTeamsAsync(teamId, spec, ct);
        await using (var check = await dbFactory.CreateDbContextAsync(ct))
        {
            // A variant whose very paths an agent trained on is refused here, before any cell is stored.
            if ((await StressChecksAsync(check, teamId, spec, ct)).FirstOrDefault(c => c.SharesPaths) is { Check: { } shared })
                throw new ScenarioValidationException("scenario.seed", shared.Reason!);
        }
        var study = new Study
        {
            TeamId = teamId,
            Name = spec.Name,
            SpecJson = StudyJson.Serialize(spec),
            CellCount = cells.Count,
            Status = StudyStatus.Running,
            CreatedBy = userName,
        };
        var runs = cells.Select(cell =>
        {
            var run = new Run
            {
                TeamId = teamId,
                ScenarioName = cell.Scenario.Name,
                ScenarioJson = ScenarioJson.Serialize(cell.Scenario),
                Status = RunStatus.Queued,
                Episodes = cell.Scenario.Episodes,
                Seed = cell.Scenario.Seed,
                CreatedBy = userName,
                StudyId = study.Id,
                StudyCell = cell.Coordinates.Index,
                CreatedUtc = study.CreatedUtc,
                // Named, and with the order columns the runs list filters and sorts on, as a run submitted alone.
                Name = cell.Scenario.Name,
            };
            Portal.Data.Runs.RunHeadline.ApplyScenario(run, cell.Scenario);
            ScenarioFamily.Of(cell.Scenario).ApplyTo(run);
            return run;
        }).ToList();

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (db.Database.IsNpgsql())
            {
                var team = teamId.ToString();
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({QuotaLockKey}, hashtext({team}))", ct);
            }
            // A study is active while any of its cells is queued or running (read from the runs, so no page has to look first).
            int active = await db.Runs.Where(r => r.TeamId == teamId && r.StudyId != null && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running))
                .Select(r => r.StudyId).Distinct().CountAsync(ct);
            if (active >= limits.MaxActiveStudiesPerTeam)
            {
                throw new ScenarioValidationException("studies", $"the team already has {active} running studies; at most {limits.MaxActiveStudiesPerTeam} at once (limit Limits:MaxActiveStudiesPerTeam): wait for one to finish");
            }
            db.Studies.Add(study);
            db.Runs.AddRange(runs);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
        foreach (var run in runs)
        {
            queue.Enqueue(JobKind.Run, run.Id);
        }
        return study;
    }

    /// <summary>
    /// Refuses a stress report naming an agent (plainly or guarded) that is not one of the team's trained agents, naming
    /// it, and a seed choice (<c>strategySettings.agentSeed</c>) that one of its agents was not trained with: the cells would
    /// otherwise fail one by one on the workers.
    /// </summary>
    private async Task EnsureAgentsAreTheTeamsAsync(Guid teamId, StudySpec spec, CancellationToken ct)
    {
        bool own = spec.Strategies is { Count: > 0 };
        var listed = spec.EffectiveStrategies;
        var agents = new List<(int Index, string Id, Guid AgentId)>();
        for (int k = 0; k < listed.Count; k++)
        {
            string id = listed[k].StartsWith(GuardedStrategy.IdPrefix, StringComparison.Ordinal) ? listed[k][GuardedStrategy.IdPrefix.Length..] : listed[k];
            if (!StrategyId.IsAgentId(id)) continue;
            string field = (own ? "strategies" : "scenario.strategies") + $"[{k}]";
            if (!StrategyId.Parse(id).TryGetAgentId(out var agentId))
                throw new ScenarioValidationException(field, $"'{id}' is not a trained agent id ({StrategyId.AgentPrefix}<32 hex digits>)");
            agents.Add((k, id, agentId));
        }
        if (agents.Count == 0) return;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = agents.Select(a => a.AgentId).ToArray();
        long? seed = spec.Scenario.StrategySettings.AgentSeed;
        var known = await db.TrainedAgents.AsNoTracking()
            .Where(a => a.TeamId == teamId && a.Status == TrainingStatus.Succeeded && ids.Contains(a.Id))
            .Select(a => new { a.Id, a.Name, a.Seeds, Has = seed == null || db.TrainedAgentSeeds.Any(s => s.AgentId == a.Id && s.Seed == seed) })
            .ToListAsync(ct);
        foreach (var (index, id, agentId) in agents)
        {
            var agent = known.FirstOrDefault(a => a.Id == agentId);
            string field = (own ? "strategies" : "scenario.strategies") + $"[{index}]";
            if (agent is null) throw new ScenarioValidationException(field, $"'{id}' is not a trained agent of this team (a training still running is not one yet)");
            if (!agent.Has)
                throw new ScenarioValidationException("scenario.strategySettings.agentSeed",
                    $"agent '{agent.Name}' has no trained policy for seed {seed} (its seeds: {agent.Seeds.Replace(",", ", ", StringComparison.Ordinal)})");
        }
    }

    /// <summary>
    /// The out-of-sample check (<see cref="StressSampling"/>) of every trained agent a stress report lists (plainly or
    /// guarded) on every variant, from the agents' stored training records: whether it is in-sample there and whether it
    /// drew that variant's very paths. Empty for other studies.
    /// </summary>
    private static async Task<List<(string Variant, Portal.Domain.Backtesting.AgentSampleCheck Check, bool SharesPaths)>> StressChecksAsync(
        PortalDbContext db, Guid teamId, StudySpec spec, CancellationToken ct)
    {
        var checks = new List<(string, Portal.Domain.Backtesting.AgentSampleCheck, bool)>();
        if (spec.Axes.Stress is not { Count: > 0 }) return checks;
        var agents = new Dictionary<Guid, string>();
        foreach (var id in spec.EffectiveStrategies.Select(StripGuard).Where(StrategyId.IsAgentId).Distinct(StringComparer.Ordinal))
        {
            if (StrategyId.Parse(id).TryGetAgentId(out var agentId)) agents[agentId] = id;
        }
        if (agents.Count == 0) return checks;
        var ids = agents.Keys.ToArray();
        var records = await db.TrainedAgents.AsNoTracking().Where(a => a.TeamId == teamId && ids.Contains(a.Id))
            .Select(a => new { a.Id, a.TrainingExposureJson }).ToListAsync(ct);
        foreach (var cell in spec.Expand())
        {
            foreach (var record in records)
            {
                var exposure = Portal.Domain.Backtesting.TrainingExposure.FromJson(record.TrainingExposureJson);
                checks.Add((cell.Coordinates.Stress, StressSampling.Check(agents[record.Id], exposure, cell.Scenario, cell.Coordinates.Stress),
                    StressSampling.SharesPaths(exposure, cell.Scenario)));
            }
        }
        return checks;
    }

    private static string StripGuard(string id) =>
        id.StartsWith(GuardedStrategy.IdPrefix, StringComparison.Ordinal) ? id[GuardedStrategy.IdPrefix.Length..] : id;

    private void CheckBudget(IReadOnlyList<StudyCell> cells)
    {
        var largest = cells.MaxBy(c => c.Scenario.Order.Steps)!.Scenario;
        int strategies = largest.Strategies.Union(StrategyRegistry.ComparedFor(largest.Strategies)).Count();
        decimal work = (decimal)largest.Episodes * largest.Order.Steps * strategies;
        if (work > limits.MaxRunStrategySteps)
        {
            throw new ScenarioValidationException("scenario.episodes", string.Create(CultureInfo.InvariantCulture,
                $"each cell runs {largest.Episodes:N0} episodes × {largest.Order.Steps:N0} steps × {strategies} strategies = {work:N0} strategy-steps, more than the limit of {limits.MaxRunStrategySteps:N0} (Limits:MaxRunStrategySteps): use fewer episodes, steps or strategies"));
        }
    }

    /// <summary>The team's studies, newest first, with their cells done.</summary>
    public async Task<IReadOnlyList<StudySummary>> ListAsync(Guid teamId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var studies = await db.Studies.AsNoTracking().Where(s => s.TeamId == teamId).OrderByDescending(s => s.CreatedUtc).Take(500).ToListAsync(ct);
        var ids = studies.Select(s => s.Id).ToList();
        var done = await db.Runs.AsNoTracking()
            .Where(r => r.StudyId != null && ids.Contains(r.StudyId.Value) && (r.Status == RunStatus.Succeeded || r.Status == RunStatus.Failed || r.Status == RunStatus.Cancelled))
            .GroupBy(r => r.StudyId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        return [.. studies.Select(s => new StudySummary(s.Id, s.Name, s.Status, s.CellCount, done.GetValueOrDefault(s.Id), s.CreatedBy, s.CreatedUtc))];
    }

    /// <summary>A study of the team with its cells' results, or null when it is not one of the team's. When every cell has
    /// finished, the study's status is written once (succeeded, or finished with failures).</summary>
    public async Task<StudyDetails?> GetAsync(Guid teamId, Guid studyId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var study = await db.Studies.SingleOrDefaultAsync(s => s.Id == studyId && s.TeamId == teamId, ct);
        if (study is null) return null;
        var spec = StudyJson.Parse(study.SpecJson);
        var runs = await db.Runs.AsNoTracking().Where(r => r.StudyId == studyId)
            .Select(r => new { r.Id, r.StudyCell, r.Status, r.Progress }).ToListAsync(ct);
        var results = await db.RunStrategyResults.AsNoTracking()
            .Where(s => db.Runs.Any(r => r.Id == s.RunId && r.StudyId == studyId && r.Status == RunStatus.Succeeded))
            .OrderBy(s => s.Index)
            .ToListAsync(ct);
        var byRun = results.GroupBy(r => r.RunId).ToDictionary(g => g.Key, g => (IReadOnlyList<StudyStrategyInput>)[.. g.Select(x =>
            StudyStrategyInput.From(ReportStrategySummary.From(x)))]);
        var cells = Enumerable.Range(0, (int)spec.CellCount).Select(i =>
        {
            var run = runs.FirstOrDefault(r => r.StudyCell == i);
            return new StudyCellInput(spec.Coordinates(i), run?.Id, run?.Status.ToString() ?? "Missing", run?.Progress ?? 0,
                run is null ? [] : byRun.GetValueOrDefault(run.Id) ?? []);
        }).ToList();
        var built = StudyResultsBuilder.Build(spec, cells);
        var flagged = (await StressChecksAsync(db, teamId, spec, ct)).Where(c => c.Check.Verdict != Portal.Domain.Backtesting.SampleVerdict.OutOfSample).ToList();
        if (flagged.Count > 0)
        {
            built = built with
            {
                Cells = [.. built.Cells.Select(cell => cell with
                {
                    Strategies = [.. cell.Strategies.Select(x => flagged.Where(f => f.Variant == cell.Coordinates.Stress && f.Check.StrategyId == StripGuard(x.Id))
                        .Select(f => f.Check.Reason).FirstOrDefault() is { } reason ? x with { InSample = reason } : x)],
                })],
            };
        }
        if (study.Status == StudyStatus.Running && runs.Count == study.CellCount && runs.All(r => r.Status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled))
        {
            study.Status = runs.All(r => r.Status == RunStatus.Succeeded) ? StudyStatus.Succeeded : StudyStatus.Finished;
            study.FinishedUtc = DateTime.UtcNow;
            await db.SaveChangesAsync(ct);
        }
        return new StudyDetails(study, spec, built);
    }
}
