using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Application.Jobs;
using Portal.Application.Teams;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Domain.QualityDiversity;
using Portal.Domain.Scenarios;

namespace Portal.Application.QualityDiversity;

/// <summary>A MAP-Elites search as submitted: budget, seed, grid, shards per generation and the held-out comparison.</summary>
/// <remarks>Defaults are the <c>map-elites</c> verb's (Mouret and Clune, 2015; see Portal.Domain's MapElitesSettings), except
/// the held-out comparison, smaller so that a portal search ends in reasonable time.</remarks>
public sealed record MapElitesRequest
{
    /// <summary>Name shown in lists (default: "MAP-Elites, N candidates, seed S").</summary>
    public string? Name { get; init; }

    /// <summary>Base scenario (default: the MAP-Elites base scenario).</summary>
    public Scenario? Scenario { get; init; }

    /// <summary>Candidates in all. Allowed: [1, <see cref="MapElitesService.MaxCandidates"/>].</summary>
    public int Candidates { get; init; } = 1000;

    /// <summary>Candidates per generation. Allowed: [1, 100,000].</summary>
    public int Batch { get; init; } = 100;

    /// <summary>Seed of the variation streams and evaluation paths.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Episodes per niche per candidate. Allowed: [2, 4096].</summary>
    public int EpisodesPerNiche { get; init; } = 32;

    /// <summary>Rows of the niche grid. Allowed: [1, 16].</summary>
    public int VolatilityBins { get; init; } = 3;

    /// <summary>Columns of the niche grid. Allowed: [1, 16].</summary>
    public int LiquidityBins { get; init; } = 3;

    /// <summary>Jobs per generation (candidate ranges any worker takes). Allowed: [1, 64].</summary>
    public int Shards { get; init; } = 2;

    /// <summary>Held-out episodes per niche of the final comparison (0 skips it). Allowed: 0 or [8, 100,000].</summary>
    public int HoldoutEpisodes { get; init; } = 400;

    /// <summary>The search settings of this request.</summary>
    public MapElitesSettings Settings() => new()
    {
        Candidates = Candidates,
        Batch = Batch,
        Seed = Seed,
        EpisodesPerNiche = EpisodesPerNiche,
        Grid = new NicheGrid { VolatilityBins = VolatilityBins, LiquidityBins = LiquidityBins },
    };
}

/// <summary>A stored search with what it has produced so far.</summary>
/// <param name="Search">The stored row.</param>
/// <param name="Settings">Its settings.</param>
/// <param name="Iterations">Coverage and QD-score per merged generation.</param>
/// <param name="Report">The archive's report once the search succeeded.</param>
public sealed record MapElitesDetails(MapElitesRun Search, MapElitesSettings Settings, IReadOnlyList<MapElitesIteration> Iterations, MapElitesReport? Report);

/// <summary>What <see cref="MapElitesService.CancelAsync"/> did.</summary>
public enum MapElitesCancelOutcome
{
    /// <summary>The search is cancelled; its archive so far is kept.</summary>
    Cancelled,

    /// <summary>The search had already finished (succeeded, failed or cancelled); nothing changed.</summary>
    AlreadyFinished,

    /// <summary>No such search in the caller's team.</summary>
    NotFound,
}

/// <summary>The outcome of a cancel request and the message that says it (for the finished case, why it was refused).</summary>
public sealed record MapElitesCancellation(MapElitesCancelOutcome Outcome, string Message);

/// <summary>Submits and reads a team's MAP-Elites searches; a search is one stored row cut into jobs by the workers
/// (Portal.Jobs' MapElitesJob, queued as <see cref="JobKind.MapElites"/>).</summary>
public sealed class MapElitesService(IDbContextFactory<PortalDbContext> dbFactory, IJobQueue queue)
{
    /// <summary>Largest budget a portal search may ask for.</summary>
    public const int MaxCandidates = 1_000_000;

    /// <summary>Largest number of jobs (generations × shards) of one search.</summary>
    public const int MaxJobs = 100_000;

    /// <summary>How settings, iterations and reports are stored.</summary>
    public static JsonSerializerOptions Json => ScenarioJson.Options;

    /// <summary>Checks the request; every error names its field (camelCase, as in the JSON body).</summary>
    /// <exception cref="ScenarioValidationException">A field is out of range.</exception>
    public static (Scenario Scenario, MapElitesSettings Settings) Validate(MapElitesRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<ValidationError>();
        if (request.Name is { Length: > 200 }) errors.Add(new("name", "must be at most 200 characters"));
        if (request.Candidates is < 1 or > MaxCandidates) errors.Add(new("candidates", $"must be in [1, {MaxCandidates:N0}]"));
        if (request.Batch is < 1 or > 100_000) errors.Add(new("batch", "must be in [1, 100,000]"));
        if (request.EpisodesPerNiche is < 2 or > 4096) errors.Add(new("episodesPerNiche", "must be in [2, 4096]"));
        if (request.VolatilityBins is < 1 or > 16) errors.Add(new("volatilityBins", "must be in [1, 16]"));
        if (request.LiquidityBins is < 1 or > 16) errors.Add(new("liquidityBins", "must be in [1, 16]"));
        if (request.Shards is < 1 or > 64) errors.Add(new("shards", "must be in [1, 64]"));
        int minHoldout = 2 * SpecialistComparison.VariantsPerNiche;
        if (request.HoldoutEpisodes != 0 && (request.HoldoutEpisodes < minHoldout || request.HoldoutEpisodes > 100_000))
            errors.Add(new("holdoutEpisodes", $"must be 0 (no comparison) or in [{minHoldout}, 100,000]"));
        if (errors.Count == 0)
        {
            var s = request.Settings();
            if ((long)s.Generations * Math.Min(request.Shards, request.Batch) > MaxJobs)
                errors.Add(new("batch", $"candidates / batch × shards must be at most {MaxJobs:N0} jobs; raise the batch"));
        }
        var scenario = request.Scenario ?? MapElitesSettings.DefaultScenario();
        try
        {
            scenario.EnsureValid();
        }
        catch (ScenarioValidationException e)
        {
            errors.AddRange(e.Errors.Select(x => x with { Field = "scenario." + x.Field }));
        }
        if (scenario.Replay is not null) errors.Add(new("scenario.replay", "a MAP-Elites search evaluates simulated niches; replayed data cannot be one"));
        if (errors.Count > 0) throw new ScenarioValidationException(errors);
        return (scenario, request.Settings().EnsureValid());
    }

    /// <summary>Stores the search and queues it.</summary>
    /// <exception cref="ScenarioValidationException">The request is invalid; the errors name the field.</exception>
    public async Task<MapElitesRun> SubmitAsync(Guid teamId, string userName, MapElitesRequest request, CancellationToken ct = default)
    {
        var (scenario, settings) = Validate(request);
        var search = new MapElitesRun
        {
            TeamId = teamId,
            Name = string.IsNullOrWhiteSpace(request.Name) ? $"MAP-Elites, {settings.Candidates:N0} candidates, seed {settings.Seed}" : request.Name.Trim(),
            ScenarioJson = ScenarioJson.Serialize(scenario),
            SettingsJson = JsonSerializer.Serialize(settings, Json),
            Status = RunStatus.Queued,
            Candidates = settings.Candidates,
            Generations = settings.Generations,
            ShardsPerGeneration = Math.Min(request.Shards, settings.Batch),
            HoldoutEpisodes = request.HoldoutEpisodes,
            CreatedBy = userName,
        };
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            db.MapElitesRuns.Add(search);
            await db.SaveChangesAsync(ct);
        }
        queue.Enqueue(JobKind.MapElites, search.Id);
        return search;
    }

    /// <summary>
    /// Cancels the team's queued or running search <paramref name="id"/>: it is marked cancelled at once (a shard job that finds
    /// it so returns without evaluating, a running shard stops at its next slice of candidates and stores nothing, and it can
    /// never become succeeded), and the archive of every candidate evaluated so far (the generations merged, then the finished
    /// shards of the generation under way) is kept as its report, marked "Cancelled after N of M evaluations".
    /// </summary>
    /// <returns>What happened, with the message to show; <see cref="MapElitesCancelOutcome.NotFound"/> also for another team's search.</returns>
    /// <exception cref="UnauthorizedAccessException">The caller is a viewer.</exception>
    public async Task<MapElitesCancellation> CancelAsync(TeamAccess access, Guid id, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        access.RequireRole(TeamRole.Analyst, "cancel MAP-Elites searches");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        int cancelled = await db.MapElitesRuns
            .Where(r => r.Id == id && r.TeamId == access.TeamId && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running))
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.Status, RunStatus.Cancelled)
                .SetProperty(r => r.FinishedUtc, now)
                .SetProperty(r => r.FailureReason, $"Cancelled by {access.UserName}; keeping the archive so far."), ct);
        if (cancelled == 0)
        {
            var status = await db.MapElitesRuns.Where(r => r.Id == id && r.TeamId == access.TeamId).Select(r => (RunStatus?)r.Status).SingleOrDefaultAsync(ct);
            return status is not { } finished
                ? new MapElitesCancellation(MapElitesCancelOutcome.NotFound, "No such MAP-Elites search in this team.")
                : new MapElitesCancellation(MapElitesCancelOutcome.AlreadyFinished,
                    $"The search has already {finished switch { RunStatus.Succeeded => "succeeded", RunStatus.Failed => "failed", _ => "been cancelled" }}: only a queued or running search can be cancelled.");
        }

        // From here on no shard stores objectives (MapElitesStore.CompleteAsync needs a running search): the archive is final.
        var search = await db.MapElitesRuns.AsNoTracking().SingleAsync(r => r.Id == id, ct);
        var rows = await db.MapElitesShards.AsNoTracking()
            .Where(s => s.RunId == id && s.FinishedUtc != null && s.Data != null)
            .OrderBy(s => s.Generation).ThenBy(s => s.Index)
            .Select(s => new { s.Generation, s.First, s.Count, s.Data })
            .ToListAsync(ct);
        var batches = rows.Select(r => new MapElitesBatch(r.Generation, r.First, r.Count, MemoryMarshal.Cast<byte, double>(r.Data!).ToArray())).ToList();
        string? reportJson = null, iterationsJson = search.IterationsJson;
        long evaluated = 0;
        string? problem = null;
        try
        {
            var scenario = ScenarioJson.Parse(search.ScenarioJson);
            var settings = JsonSerializer.Deserialize<MapElitesSettings>(search.SettingsJson, Json) ?? throw new JsonException("Empty settings.");
            var archive = MapElites.Rebuild(new CandidateEvaluator(scenario, settings), settings, batches);
            evaluated = archive.Evaluated;
            if (evaluated > 0)
            {
                double wall = search.StartedUtc is { } started ? Math.Max(0, (now - started).TotalSeconds) : 0;
                reportJson = JsonSerializer.Serialize(MapElitesReport.Of(scenario, settings, archive, []) with { WallSeconds = wall }, Json);
                iterationsJson = JsonSerializer.Serialize(archive.Iterations, Json);
            }
        }
        catch (Exception e) when (e is ScenarioValidationException or JsonException or ArgumentException)
        {
            problem = $" The archive so far could not be rebuilt: {e.Message}";
        }

        string message = string.Create(CultureInfo.InvariantCulture,
            $"Cancelled after {evaluated:N0} of {search.Candidates:N0} evaluations by {access.UserName}.{problem}");
        await db.MapElitesRuns.Where(r => r.Id == id && r.Status == RunStatus.Cancelled && r.ReportJson == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(r => r.ReportJson, reportJson)
                .SetProperty(r => r.IterationsJson, iterationsJson)
                .SetProperty(r => r.FailureReason, message), ct);
        return new MapElitesCancellation(MapElitesCancelOutcome.Cancelled, message);
    }

    /// <summary>The team's search <paramref name="id"/>, or null (also when it belongs to another team).</summary>
    public async Task<MapElitesDetails?> GetAsync(Guid teamId, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var search = await db.MapElitesRuns.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id && r.TeamId == teamId, ct);
        return search is null ? null : Details(search);
    }

    /// <summary>The team's searches, newest first.</summary>
    public async Task<List<MapElitesRun>> ListAsync(Guid teamId, int take = 100, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.MapElitesRuns.AsNoTracking().Where(r => r.TeamId == teamId).OrderByDescending(r => r.CreatedUtc).Take(take).ToListAsync(ct);
        // The report can be large; lists need only its presence.
        foreach (var r in rows) r.ReportJson = r.ReportJson is null ? null : "";
        return rows;
    }

    /// <summary>The strategies of the team's finished archives, as a run names them (<see cref="EliteStrategies"/>): each
    /// niche's elite, the generalist and the regime router, with a name that says which archive they come from.</summary>
    public async Task<List<(string Id, string Name)>> StrategiesAsync(Guid teamId, int take = 20, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.MapElitesRuns.AsNoTracking().Where(r => r.TeamId == teamId && r.Status == RunStatus.Succeeded && r.ReportJson != null)
            .OrderByDescending(r => r.CreatedUtc).Take(take).Select(r => new { r.Id, r.Name, r.ReportJson }).ToListAsync(ct);
        var list = new List<(string, string)>();
        foreach (var row in rows)
        {
            var report = JsonSerializer.Deserialize<MapElitesReport>(row.ReportJson!, Json);
            if (report is null) continue;
            string id = row.Id.ToString("N");
            list.AddRange(report.Niches.Where(n => n.Parameters.Count > 0).Select(n => (EliteStrategies.EliteId(id, n.Niche), $"{row.Name}: elite {n.Label}")));
            list.Add(($"{EliteStrategies.ElitePrefix}{id}:generalist", $"{row.Name}: generalist"));
            list.Add(($"{EliteStrategies.RouterPrefix}{id}", $"{row.Name}: regime router"));
        }
        return list;
    }

    /// <summary>The settings, iterations and report of a stored search.</summary>
    public static MapElitesDetails Details(MapElitesRun search)
    {
        ArgumentNullException.ThrowIfNull(search);
        var settings = JsonSerializer.Deserialize<MapElitesSettings>(search.SettingsJson, Json) ?? new MapElitesSettings();
        var report = string.IsNullOrEmpty(search.ReportJson) ? null : JsonSerializer.Deserialize<MapElitesReport>(search.ReportJson, Json);
        IReadOnlyList<MapElitesIteration> iterations = report?.Iterations
            ?? (string.IsNullOrEmpty(search.IterationsJson) ? [] : JsonSerializer.Deserialize<List<MapElitesIteration>>(search.IterationsJson, Json) ?? []);
        return new MapElitesDetails(search, settings, iterations, report);
    }
}
