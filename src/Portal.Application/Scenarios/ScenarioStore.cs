using Microsoft.EntityFrameworkCore;
using Portal.Application.Teams;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Domain.Calibration;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;

namespace Portal.Application.Scenarios;

/// <summary>A team dataset a scenario can replay, with its calibrated market profiles.</summary>
public sealed record DatasetChoice(Guid Id, string Name, string Instrument, DateTime TradingDate, IReadOnlyList<ProfileChoice> Profiles)
{
    public string Label => $"{Name} ({Instrument}, {TradingDate:yyyy-MM-dd})";

    /// <summary>Time of the recording's first event, nanoseconds after midnight (0 when unknown).</summary>
    public long StartTimeNs { get; init; }

    /// <summary>Time of the recording's last event, nanoseconds after midnight (0 when unknown).</summary>
    public long EndTimeNs { get; init; }

    /// <summary>Length in minutes of the segment of the recording a replay with <paramref name="options"/> draws its
    /// windows from (<see cref="ReplayRunner.SegmentRange"/>), or null when the recording's times are unknown.</summary>
    public double? SegmentMinutes(ReplayOptions options) => ScenarioStore.SegmentMinutes(StartTimeNs, EndTimeNs, options);
}

/// <summary>A succeeded calibration of a team dataset.</summary>
public sealed record ProfileChoice(Guid Id, string Name, MarketProfile Profile);

/// <summary>A saved scenario: its row and the scenario its JSON holds.</summary>
public sealed record StoredScenario(ScenarioEntity Entity, Scenario Scenario);

/// <summary>The order a list of the team's scenarios comes in.</summary>
public enum ScenarioOrder
{
    /// <summary>Most recently changed first.</summary>
    RecentlyUpdated,
    /// <summary>By name.</summary>
    Name,
}

/// <summary>
/// The one way in and out of stored scenarios: reads and writes the scenario JSON (<see cref="ScenarioJson"/>),
/// creates the rows, and answers "a saved scenario by id or an inline one" for runs, trainings and studies. Reads and
/// writes are the caller's team's (<see cref="TeamContext"/>); a replay must name one of the team's datasets.
/// </summary>
public sealed class ScenarioStore(IDbContextFactory<PortalDbContext> dbFactory, TeamContext team)
{
    /// <summary>Reads scenario JSON (any schema version; upgraded, checked, validated).</summary>
    /// <exception cref="ScenarioValidationException">Malformed JSON or invalid values, each naming its JSON field.</exception>
    public static Scenario Parse(string json) => ScenarioJson.Parse(json);

    /// <summary>The JSON a scenario is stored, exported and sent as.</summary>
    public static string Serialize(Scenario scenario) => ScenarioJson.Serialize(scenario);

    /// <summary>A new, unsaved row of team <paramref name="teamId"/> holding <paramref name="scenario"/>.</summary>
    public static ScenarioEntity NewEntity(Guid teamId, Scenario scenario, string createdBy)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return new ScenarioEntity { TeamId = teamId, Name = scenario.Name, Json = Serialize(scenario), CreatedBy = createdBy };
    }

    /// <summary>The team's scenarios in <paramref name="order"/>, at most <paramref name="take"/> of them.</summary>
    public async Task<IReadOnlyList<ScenarioEntity>> ListAsync(ScenarioOrder order = ScenarioOrder.RecentlyUpdated, int? take = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = Ordered(db.Scenarios.AsNoTracking().ForTeam(team), order);
        if (take is { } n)
        {
            query = query.Take(n);
        }
        return await query.ToListAsync(ct);
    }

    /// <summary>One page of the team's scenarios, most recently changed first, and how many there are.</summary>
    public async Task<(IReadOnlyList<ScenarioEntity> Items, int Total)> PageAsync(int page, int pageSize, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(page);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Scenarios.AsNoTracking().ForTeam(team);
        var total = await query.CountAsync(ct);
        var items = await Ordered(query, ScenarioOrder.RecentlyUpdated).Skip(page * pageSize).Take(pageSize).ToListAsync(ct);
        return (items, total);
    }

    /// <summary>A saved scenario of the team with its parsed JSON; null when it is another team's or does not exist.</summary>
    public async Task<StoredScenario?> GetAsync(Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entity = await db.Scenarios.AsNoTracking().ForTeam(team).SingleOrDefaultAsync(s => s.Id == id, ct);
        return entity is null ? null : new StoredScenario(entity, Parse(entity.Json));
    }

    /// <summary>A saved scenario of the caller's team.</summary>
    /// <exception cref="KeyNotFoundException">The id is not one of the team's scenarios (answered 404, like any stranger's id).</exception>
    public async Task<Scenario> SavedAsync(TeamAccess access, Guid id, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stored = await db.Scenarios.AsNoTracking().ForTeam(access).SingleOrDefaultAsync(s => s.Id == id, ct)
            ?? throw new KeyNotFoundException($"Scenario {id} not found.");
        return Parse(stored.Json);
    }

    /// <summary>What a run, a training or a study asks to use: the saved scenario <paramref name="id"/> of the caller's team, or else the inline one.</summary>
    /// <returns>The scenario and the saved scenario's id (null for an inline scenario); null when neither is given.</returns>
    /// <exception cref="KeyNotFoundException">The id is not one of the team's scenarios.</exception>
    public async Task<(Scenario Scenario, Guid? SavedId)?> SavedOrInlineAsync(TeamAccess access, Guid? id, Scenario? inline, CancellationToken ct = default)
    {
        if (id is { } saved)
        {
            return (await SavedAsync(access, saved, ct), saved);
        }
        return inline is null ? null : (inline, null);
    }

    /// <summary>Stores <paramref name="scenario"/> as a new scenario of the caller's team.</summary>
    /// <exception cref="UnauthorizedAccessException">The caller is a viewer.</exception>
    /// <exception cref="ScenarioValidationException">The scenario replays a dataset the team does not have.</exception>
    public async Task<ScenarioEntity> CreateAsync(Scenario scenario, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var access = team.RequireRole(TeamRole.Analyst, "create scenarios");
        await EnsureReplayIsTheTeamsAsync(access, scenario, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entity = NewEntity(access.TeamId, scenario, access.UserName);
        db.Scenarios.Add(entity);
        await db.SaveChangesAsync(ct);
        return entity;
    }

    /// <summary>Replaces a saved scenario of the team.</summary>
    /// <returns>The updated row; null when the id is not one of the team's scenarios.</returns>
    /// <exception cref="UnauthorizedAccessException">The caller is a viewer.</exception>
    /// <exception cref="ScenarioValidationException">The scenario replays a dataset the team does not have.</exception>
    public async Task<ScenarioEntity?> UpdateAsync(Guid id, Scenario scenario, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var access = team.RequireRole(TeamRole.Analyst, "edit scenarios");
        await EnsureReplayIsTheTeamsAsync(access, scenario, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entity = await db.Scenarios.ForTeam(access).SingleOrDefaultAsync(s => s.Id == id, ct);
        if (entity is null)
        {
            return null;
        }
        entity.Name = scenario.Name;
        entity.Json = Serialize(scenario);
        entity.UpdatedUtc = DateTime.UtcNow;
        await db.SaveChangesAsync(ct);
        return entity;
    }

    /// <summary>Deletes a saved scenario of the team; its runs are kept.</summary>
    /// <returns>False when the id is not one of the team's scenarios.</returns>
    /// <exception cref="UnauthorizedAccessException">The caller is a viewer.</exception>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken ct = default)
    {
        var access = team.RequireRole(TeamRole.Analyst, "delete scenarios");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Scenarios.ForTeam(access).Where(s => s.Id == id).ExecuteDeleteAsync(ct) > 0;
    }

    /// <summary>
    /// Validates scenario JSON (the format the JSON button exports and the API and command line read) and stores it
    /// as a new scenario of the team. A replay must name one of the team's datasets.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">The caller is a viewer.</exception>
    /// <exception cref="ScenarioValidationException">Malformed JSON or invalid values, each naming its JSON field; nothing is stored.</exception>
    public async Task<ScenarioEntity> ImportAsync(string json, CancellationToken ct = default)
    {
        team.RequireRole(TeamRole.Analyst, "create scenarios");
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new ScenarioValidationException("scenario", "the file is empty; expected a scenario JSON object");
        }
        return await CreateAsync(Parse(json), ct);
    }

    /// <summary>The team's datasets, newest first, each with its succeeded calibrations (never another team's).</summary>
    public async Task<IReadOnlyList<DatasetChoice>> DatasetsAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var datasets = await db.Datasets.AsNoTracking().ForTeam(team)
            .OrderByDescending(d => d.CreatedUtc).Select(d => new { d.Id, d.Name, d.Instrument, d.TradingDate, d.StartTimeNs, d.EndTimeNs }).ToListAsync(ct);
        var profiles = await db.MarketProfiles.AsNoTracking().ForTeam(team)
            .Where(p => p.Status == CalibrationStatus.Succeeded && p.Json != null)
            .OrderByDescending(p => p.CreatedUtc).Select(p => new { p.Id, p.DatasetId, p.Name, p.Json }).ToListAsync(ct);
        return datasets.Select(d => new DatasetChoice(d.Id, d.Name, d.Instrument, d.TradingDate,
            profiles.Where(p => p.DatasetId == d.Id).Select(p => new ProfileChoice(p.Id, p.Name, MarketProfile.FromJson(p.Json!))).ToList())
        {
            StartTimeNs = d.StartTimeNs,
            EndTimeNs = d.EndTimeNs,
        }).ToList();
    }

    /// <summary>What a replay scenario replays (dataset, window, segment); null for a simulated market.</summary>
    public Task<Reports.ReplayDescription?> DescribeReplayAsync(Scenario scenario, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return Reports.ReplayDescription.LoadAsync(dbFactory, team.TeamId, scenario, ct);
    }

    /// <exception cref="ScenarioValidationException">The scenario replays a dataset the team does not have.</exception>
    public async Task EnsureReplayIsTheTeamsAsync(TeamAccess access, Scenario scenario, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(scenario);
        if (scenario.Replay is not { } replay)
        {
            return;
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var recording = await db.Datasets.ForTeam(access).Where(d => d.Id == replay.DatasetId)
            .Select(d => new { d.StartTimeNs, d.EndTimeNs }).SingleOrDefaultAsync(ct)
            ?? throw new ScenarioValidationException("replay.datasetId", $"is {replay.DatasetId}, which is not one of this team's datasets");
        // The horizon must fit the recorded segment: the same check (and words) as the builder and the worker's replay.
        if (replay.Options is not null && HorizonLimits.Check(scenario, SegmentMinutes(recording.StartTimeNs, recording.EndTimeNs, replay.Options)) is { } horizon)
        {
            throw new ScenarioValidationException([horizon]);
        }
    }

    /// <summary>Length in minutes of the segment a replay with <paramref name="options"/> draws its windows from, for a
    /// recording from <paramref name="startNs"/> to <paramref name="endNs"/>; null when the times are unknown or the
    /// options invalid (their own validation reports that). The first book snapshot, which the worker uses as the start
    /// of the train and whole segments, is not stored, so this is the recording's start: at most a few seconds longer.</summary>
    public static double? SegmentMinutes(long startNs, long endNs, ReplayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (endNs <= startNs) return null;
        try
        {
            var (from, to) = ReplayRunner.SegmentRange(startNs, endNs, startNs, options);
            return (to - from) / 6e10;
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static IQueryable<ScenarioEntity> Ordered(IQueryable<ScenarioEntity> query, ScenarioOrder order) => order switch
    {
        ScenarioOrder.Name => query.OrderBy(s => s.Name),
        _ => query.OrderByDescending(s => s.UpdatedUtc),
    };
}
