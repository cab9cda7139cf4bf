using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;
using Portal.Application.Jobs;
using Portal.Application.Scenarios;
using Portal.Application.Teams;

namespace Portal.Application.Runs;

/// <summary>What a submission asks for: a saved scenario or an inline one, with optional overrides.</summary>
/// <param name="AllowInSample">Run even when an agent trained on the evaluated data: the run is flagged in-sample and kept off leaderboards.</param>
public sealed record RunRequest(Guid? ScenarioId, Scenario? Scenario, int? Episodes, long? Seed, IReadOnlyList<string>? Strategies, bool AllowInSample = false)
{
    /// <summary>The run's name; the scenario's name when omitted.</summary>
    public string? Name { get; init; }

    /// <summary>The run's tags (see <see cref="RunTags"/>).</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Notes on the run.</summary>
    public string? Notes { get; init; }

    /// <summary>Which trained seed's policy the run's agents use (<c>strategySettings.agentSeed</c>); null keeps the scenario's
    /// choice, which defaults to the first seed.</summary>
    public long? AgentSeed { get; init; }
}

/// <summary>What one team may ask of the workers (bound from the portal's <c>Limits</c> configuration section).</summary>
/// <param name="MaxRunStrategySteps">Largest run: episodes × decision steps × strategies compared (<c>Limits:MaxRunStrategySteps</c>).</param>
/// <param name="MaxActiveRunsPerTeam">Queued and running runs one team may have at once (<c>Limits:MaxActiveRunsPerTeam</c>).</param>
public sealed record RunLimits(long MaxRunStrategySteps, int MaxActiveRunsPerTeam);

/// <summary>Submits, cancels and re-runs runs for the caller's team. Pages and the HTTP API both go through here.</summary>
public sealed class RunService(IDbContextFactory<PortalDbContext> dbFactory, IJobQueue queue, ScenarioStore scenarios, RunLimits limits, JobHeartbeat jobs,
    OutOfSampleGuard outOfSample)
{
    /// <exception cref="ScenarioValidationException">The scenario (after overrides) is invalid; the message names the field.</exception>
    /// <exception cref="KeyNotFoundException">The scenario id is not one of the team's.</exception>
    /// <exception cref="Portal.Domain.Backtesting.InSampleEvaluationException">An agent trained on the data the run evaluates
    /// (and <see cref="RunRequest.AllowInSample"/> is false); the message names the overlap.</exception>
    public async Task<Run> SubmitAsync(TeamAccess access, RunRequest request, CancellationToken ct = default)
    {
        access.RequireRole(TeamRole.Analyst, "submit runs");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (scenario, scenarioId) = await scenarios.SavedOrInlineAsync(access, request.ScenarioId, request.Scenario, ct)
            ?? throw new ScenarioValidationException([new ValidationError("scenario", "Give a scenarioId or an inline scenario.")]);
        scenario = scenario with
        {
            Episodes = request.Episodes ?? scenario.Episodes,
            Seed = request.Seed ?? scenario.Seed,
            Strategies = request.Strategies is { Count: > 0 } s ? s : scenario.Strategies,
        };
        scenario = WithAgentSeed(scenario, request.AgentSeed);
        var errors = scenario.Validate().Concat(RunTracking.Validate(request.Name, request.Tags, request.Notes)).ToList();
        if (errors.Count > 0)
        {
            throw new ScenarioValidationException(errors);
        }
        await EnsureAgentSeedTrainedAsync(db, access.TeamId, scenario, ct);
        CheckBudget(scenario);
        await scenarios.EnsureReplayIsTheTeamsAsync(access, scenario, ct);
        var sample = await outOfSample.DecideAsync(access.TeamId, scenario, null, request.AllowInSample, ct);
        var run = new Run
        {
            TeamId = access.TeamId,
            ScenarioId = scenarioId,
            ScenarioName = scenario.Name,
            ScenarioJson = ScenarioStore.Serialize(scenario),
            Status = RunStatus.Queued,
            Episodes = scenario.Episodes,
            Seed = scenario.Seed,
            CreatedBy = access.UserName,
            Name = RunTracking.CleanName(request.Name) ?? scenario.Name,
            Tags = RunTags.Normalize(request.Tags),
            Notes = RunTracking.CleanNotes(request.Notes),
        };
        Portal.Data.Runs.RunHeadline.ApplyScenario(run, scenario);
        var instrument = scenario.Replay is { } replay
            ? await db.Datasets.Where(d => d.Id == replay.DatasetId).Select(d => d.Instrument).FirstOrDefaultAsync(ct)
            : null;
        ScenarioFamily.Of(scenario, instrument).ApplyTo(run);
        // Replays of a dataset's training part (or of all of it) are in-sample: they stay off the leaderboards.
        run.IsOutOfSample = (scenario.Replay is null || scenario.Replay.Options.Segment == Portal.Domain.Replay.ReplaySegment.Test) && sample.Counted;
        // An agent scored on data it trained on (by request) or without a training record: shown on the run, off the leaderboards.
        run.InSampleReason = sample.InSampleReason;
        await AddWithinQuotaAsync(db, access.TeamId, run, ct);
        queue.Enqueue(JobKind.Run, run.Id);
        return run;
    }

    /// <summary>
    /// The scenario with the run's seed choice: <paramref name="agentSeed"/> when given, else the scenario's own; dropped
    /// when the run has no agent strategy (it would choose nothing and the run page would name a seed no policy uses).
    /// </summary>
    public static Scenario WithAgentSeed(Scenario scenario, long? agentSeed)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (scenario.StrategySettings is null || scenario.Strategies is null)
        {
            return scenario;
        }
        var seed = scenario.Strategies.Any(Portal.Domain.Strategies.StrategyId.IsAgentId) ? agentSeed ?? scenario.StrategySettings.AgentSeed : null;
        return seed == scenario.StrategySettings.AgentSeed ? scenario : scenario with { StrategySettings = scenario.StrategySettings with { AgentSeed = seed } };
    }

    /// <summary>Refuses a seed choice that one of the run's trained agents was not trained with (the field names the seeds it has).</summary>
    private static async Task EnsureAgentSeedTrainedAsync(PortalDbContext db, Guid teamId, Scenario scenario, CancellationToken ct)
    {
        if (scenario.StrategySettings.AgentSeed is not { } seed)
        {
            return;
        }
        var ids = scenario.Strategies
            .Select(id => Portal.Domain.Strategies.StrategyId.IsAgentId(id) && Portal.Domain.Strategies.StrategyId.Parse(id).TryGetAgentId(out var g) ? g : (Guid?)null)
            .OfType<Guid>().ToArray();
        var agents = await db.TrainedAgents.AsNoTracking().Where(a => a.TeamId == teamId && ids.Contains(a.Id))
            .Select(a => new { a.Id, a.Name, a.Seeds, Has = db.TrainedAgentSeeds.Any(s => s.AgentId == a.Id && s.Seed == seed) })
            .ToListAsync(ct);
        var missing = agents.Where(a => !a.Has).ToArray();
        if (missing.Length > 0)
        {
            throw new ScenarioValidationException("strategySettings.agentSeed", string.Join("; ", missing.Select(a =>
                $"agent '{a.Name}' has no trained policy for seed {seed} (its seeds: {a.Seeds.Replace(",", ", ", StringComparison.Ordinal)}; a training still running has none yet)")));
        }
    }

    /// <summary>Key of the PostgreSQL advisory locks (one per team, keyed by this and the team id's hash) that make the quota check atomic.</summary>
    private const int QuotaLockKey = 0x454C_5251; // "ELRQ"

    /// <summary>
    /// Counts the team's queued and running runs and stores the new one in one transaction that holds the team's
    /// lock (a transaction-scoped advisory lock on PostgreSQL; on SQLite the transaction takes the writer lock at its
    /// start), so two submissions at once cannot both pass the count and exceed <see cref="LimitsOptions.MaxActiveRunsPerTeam"/>.
    /// </summary>
    private async Task AddWithinQuotaAsync(PortalDbContext db, Guid teamId, Run run, CancellationToken ct)
    {
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (db.Database.IsNpgsql())
            {
                var team = teamId.ToString();
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({QuotaLockKey}, hashtext({team}))", ct);
            }
            // A study's cells have their own limit (StudyLimits: active studies per team), so they do not fill this quota.
            var active = await db.Runs.CountAsync(r => r.TeamId == teamId && r.StudyId == null && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running), ct);
            if (active >= limits.MaxActiveRunsPerTeam)
            {
                throw new ScenarioValidationException("runs", $"the team already has {active} queued or running runs; at most {limits.MaxActiveRunsPerTeam} at once (limit Limits:MaxActiveRunsPerTeam): wait for one to finish or cancel one");
            }
            db.Runs.Add(run);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        });
    }

    /// <summary>
    /// The work a run asks for is episodes × steps × strategies (the listed ones plus those always compared); past
    /// <see cref="LimitsOptions.MaxRunStrategySteps"/> one run would hold the workers for hours.
    /// </summary>
    private void CheckBudget(Scenario scenario)
    {
        var strategies = scenario.Strategies.Union(Portal.Domain.Strategies.StrategyRegistry.ComparedFor(scenario.Strategies)).Count();
        var work = (decimal)scenario.Episodes * scenario.Order.Steps * strategies;
        if (work > limits.MaxRunStrategySteps)
        {
            throw new ScenarioValidationException("episodes", string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{scenario.Episodes:N0} episodes × {scenario.Order.Steps:N0} steps × {strategies} strategies = {work:N0} strategy-steps, more than the limit of {limits.MaxRunStrategySteps:N0} (Limits:MaxRunStrategySteps): use fewer episodes, steps or strategies"));
        }
    }

    /// <summary>Asks a run to stop. A queued run is cancelled at once; a running one stops at its next progress report.</summary>
    public async Task<bool> CancelAsync(TeamAccess access, Guid runId, CancellationToken ct = default)
    {
        access.RequireRole(TeamRole.Analyst, "cancel runs");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.Runs.ForTeam(access).SingleOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null)
        {
            return false;
        }
        if (!run.IsFinished)
        {
            run.CancelRequested = true;
            // Queued, or running on a worker that stopped sending heartbeats: nobody will act on the request, so it ends now.
            var orphaned = run.Status == RunStatus.Running && (run.HeartbeatUtc ?? run.StartedUtc ?? run.CreatedUtc) < DateTime.UtcNow - jobs.HeartbeatTimeout;
            if (run.Status == RunStatus.Queued || orphaned)
            {
                run.Status = RunStatus.Cancelled;
                run.FinishedUtc = DateTime.UtcNow;
            }
            await db.SaveChangesAsync(ct);
        }
        return true;
    }

    /// <summary>Submits the same scenario (as stored in the run) again.</summary>
    public async Task<Run?> RerunAsync(TeamAccess access, Guid runId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.Runs.AsNoTracking().ForTeam(access).SingleOrDefaultAsync(r => r.Id == runId, ct);
        // A run that was scored in-sample on request is re-run the same way.
        return run is null ? null : await SubmitAsync(access, new RunRequest(null, ScenarioStore.Parse(run.ScenarioJson), null, null, null, AllowInSample: !run.IsOutOfSample), ct);
    }

    public async Task<Run?> GetAsync(TeamAccess access, Guid runId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Runs.AsNoTracking()
            .Include(r => r.Strategies.OrderBy(s => s.Index))
            .ForTeam(access)
            .SingleOrDefaultAsync(r => r.Id == runId, ct);
    }

    /// <summary>The team's runs among <paramref name="runIds"/>, with their strategies in order (another team's ids are left out).</summary>
    public async Task<IReadOnlyList<Run>> GetManyAsync(TeamAccess access, IReadOnlyCollection<Guid> runIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(runIds);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Runs.AsNoTracking().Include(r => r.Strategies.OrderBy(s => s.Index))
            .ForTeam(access).Where(r => runIds.Contains(r.Id)).ToListAsync(ct);
    }

    /// <summary>The team's most recent runs, newest first.</summary>
    public async Task<IReadOnlyList<Run>> RecentAsync(TeamAccess access, int count, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Runs.AsNoTracking().ForTeam(access).OrderByDescending(r => r.CreatedUtc).Take(count).ToListAsync(ct);
    }
}
