using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Domain.Calibration;
using Portal.Domain.Scenarios;
using Portal.Web.Auth;

namespace Portal.Web.Features.Scenarios;

/// <summary>A team dataset a scenario can replay, with its calibrated market profiles.</summary>
public sealed record DatasetChoice(Guid Id, string Name, string Instrument, DateTime TradingDate, IReadOnlyList<ProfileChoice> Profiles)
{
    public string Label => $"{Name} ({Instrument}, {TradingDate:yyyy-MM-dd})";
}

/// <summary>A succeeded calibration of a team dataset.</summary>
public sealed record ProfileChoice(Guid Id, string Name, MarketProfile Profile);

/// <summary>The team's scenarios beyond plain CRUD: what a scenario may draw its market from, and imports of scenario JSON.</summary>
public sealed class ScenarioLibrary(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>The team's datasets, newest first, each with its succeeded calibrations (never another team's).</summary>
    public async Task<IReadOnlyList<DatasetChoice>> DatasetsAsync(TeamAccess access, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var datasets = await db.Datasets.AsNoTracking().Where(d => d.TeamId == access.TeamId)
            .OrderByDescending(d => d.CreatedUtc).Select(d => new { d.Id, d.Name, d.Instrument, d.TradingDate }).ToListAsync(ct);
        var profiles = await db.MarketProfiles.AsNoTracking()
            .Where(p => p.TeamId == access.TeamId && p.Status == CalibrationStatus.Succeeded && p.Json != null)
            .OrderByDescending(p => p.CreatedUtc).Select(p => new { p.Id, p.DatasetId, p.Name, p.Json }).ToListAsync(ct);
        return datasets.Select(d => new DatasetChoice(d.Id, d.Name, d.Instrument, d.TradingDate,
            profiles.Where(p => p.DatasetId == d.Id).Select(p => new ProfileChoice(p.Id, p.Name, MarketProfile.FromJson(p.Json!))).ToList())).ToList();
    }

    /// <summary>
    /// Validates scenario JSON (the format the JSON button exports and the API and command line read) and stores it
    /// as a new scenario of the team. A replay must name one of the team's datasets.
    /// </summary>
    /// <exception cref="ScenarioValidationException">Malformed JSON or invalid values, each naming its JSON field; nothing is stored.</exception>
    public async Task<ScenarioEntity> ImportAsync(TeamAccess access, string json, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        if (!access.CanRun)
        {
            throw new UnauthorizedAccessException("Viewers cannot create scenarios.");
        }
        if (string.IsNullOrWhiteSpace(json))
        {
            throw new ScenarioValidationException("scenario", "the file is empty; expected a scenario JSON object");
        }
        var scenario = ScenarioJson.Parse(json);
        await EnsureReplayIsTheTeamsAsync(access, scenario, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var entity = new ScenarioEntity { TeamId = access.TeamId, Name = scenario.Name, Json = ScenarioJson.Serialize(scenario), CreatedBy = access.UserName };
        db.Scenarios.Add(entity);
        await db.SaveChangesAsync(ct);
        return entity;
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
        if (!await db.Datasets.AnyAsync(d => d.Id == replay.DatasetId && d.TeamId == access.TeamId, ct))
        {
            throw new ScenarioValidationException("replay.datasetId", $"is {replay.DatasetId}, which is not one of this team's datasets");
        }
    }
}
