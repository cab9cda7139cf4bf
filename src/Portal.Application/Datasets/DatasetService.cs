using Microsoft.EntityFrameworkCore;
using Portal.Application.Jobs;
using Portal.Application.Scenarios;
using Portal.Application.Teams;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Domain.Calibration;
using Portal.Domain.Scenarios;

namespace Portal.Application.Datasets;

/// <summary>A page of the team's datasets, newest first, and how many the team holds in all.</summary>
public sealed record DatasetPage(IReadOnlyList<Dataset> Items, int Total);

/// <summary>A calibration of a dataset and, once it succeeded, the market profile it produced.</summary>
public sealed record ProfileRow(MarketProfileEntity Entity, MarketProfile? Profile);

/// <summary>
/// The team's market data after upload: listing, reading, calibrating and turning a dataset into a scenario. Every
/// query keeps the caller's team's rows only; starting work needs an analyst. Pages and the HTTP API both go through
/// here (the upload itself, which spools files and parses them, is the front end's <c>DatasetImportService</c>).
/// </summary>
public sealed class DatasetService(IDbContextFactory<PortalDbContext> dbFactory, IJobQueue queue)
{
    /// <summary>One page of the team's datasets, newest first.</summary>
    /// <param name="page">Zero-based page number.</param>
    /// <param name="pageSize">Datasets per page, 1 to 500.</param>
    public async Task<DatasetPage> PageAsync(TeamAccess access, int page, int pageSize, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentOutOfRangeException.ThrowIfNegative(page);
        if (pageSize is < 1 or > 500)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "The page size must be 1 to 500.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Datasets.AsNoTracking().ForTeam(access);
        var total = await query.CountAsync(ct);
        var items = await query.OrderByDescending(d => d.CreatedUtc).Skip(page * pageSize).Take(pageSize).ToListAsync(ct);
        return new DatasetPage(items, total);
    }

    /// <summary>Every dataset of the team, newest first.</summary>
    public async Task<IReadOnlyList<Dataset>> ListAsync(TeamAccess access, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Datasets.AsNoTracking().ForTeam(access).OrderByDescending(d => d.CreatedUtc).ToListAsync(ct);
    }

    /// <summary>One of the team's datasets; null when the team has none with this id.</summary>
    public async Task<Dataset?> GetAsync(TeamAccess access, Guid id, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Datasets.AsNoTracking().ForTeam(access).SingleOrDefaultAsync(d => d.Id == id, ct);
    }

    /// <summary>The calibrations of one of the team's datasets, newest first, with their parsed profiles.</summary>
    public async Task<IReadOnlyList<ProfileRow>> ProfilesAsync(TeamAccess access, Guid datasetId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.MarketProfiles.AsNoTracking().ForTeam(access).Where(p => p.DatasetId == datasetId)
            .OrderByDescending(p => p.CreatedUtc).ToListAsync(ct);
        return rows.Select(p => new ProfileRow(p, p.Json is null ? null : MarketProfile.FromJson(p.Json))).ToList();
    }

    /// <summary>One of the team's calibrations; null when the team has none with this id.</summary>
    public async Task<MarketProfileEntity?> GetProfileAsync(TeamAccess access, Guid id, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.MarketProfiles.AsNoTracking().ForTeam(access).SingleOrDefaultAsync(p => p.Id == id, ct);
    }

    /// <summary>Bytes the team's stored datasets take, for its storage quota.</summary>
    public async Task<long> StoredBytesAsync(TeamAccess access, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Datasets.ForTeam(access).SumAsync(d => (long?)d.SizeBytes, ct) ?? 0;
    }

    /// <summary>Queues a calibration of one of the team's datasets; null when the team has no such dataset.</summary>
    /// <exception cref="UnauthorizedAccessException">The caller is a viewer.</exception>
    public async Task<MarketProfileEntity?> CalibrateAsync(TeamAccess access, Guid datasetId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        access.RequireRole(TeamRole.Analyst, "start calibrations");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var dataset = await db.Datasets.AsNoTracking().ForTeam(access).SingleOrDefaultAsync(d => d.Id == datasetId, ct);
        if (dataset is null)
        {
            return null;
        }
        var profile = new MarketProfileEntity
        {
            TeamId = access.TeamId,
            DatasetId = datasetId,
            Name = $"{dataset.Name} profile",
            Status = CalibrationStatus.Queued,
            CreatedBy = access.UserName,
        };
        db.MarketProfiles.Add(profile);
        await db.SaveChangesAsync(ct);
        queue.Enqueue(JobKind.Calibration, profile.Id);
        return profile;
    }

    /// <summary>
    /// A new scenario for the team: the demo order on the calibrated market of <paramref name="profileId"/>, or (without
    /// a profile) a replay of the dataset's test segment. Null when the dataset, or a succeeded profile of it, is not the team's.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">The caller is a viewer.</exception>
    public async Task<ScenarioEntity?> CreateScenarioAsync(TeamAccess access, Guid datasetId, Guid? profileId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        access.RequireRole(TeamRole.Analyst, "create scenarios");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var dataset = await db.Datasets.AsNoTracking().ForTeam(access).SingleOrDefaultAsync(d => d.Id == datasetId, ct);
        if (dataset is null)
        {
            return null;
        }
        var demo = ScenarioPresets.Demo();
        Scenario scenario;
        if (profileId is { } pid)
        {
            var stored = await db.MarketProfiles.AsNoTracking().ForTeam(access)
                .SingleOrDefaultAsync(p => p.Id == pid && p.DatasetId == datasetId && p.Status == CalibrationStatus.Succeeded, ct);
            if (stored?.Json is null)
            {
                return null;
            }
            var profile = MarketProfile.FromJson(stored.Json);
            scenario = demo with { Name = $"{dataset.Name}: calibrated", Market = profile.ToMarketSpec(template: demo.Market) };
        }
        else
        {
            scenario = demo with
            {
                Name = $"{dataset.Name}: replay (test segment)",
                Episodes = 200,
                Order = demo.Order with { HorizonMinutes = 5, Steps = 10, SizePctAdv = 0.5 },
                Replay = new ReplaySpec { DatasetId = datasetId, Options = new Domain.Replay.ReplayOptions { Segment = Domain.Replay.ReplaySegment.Test } },
            };
        }
        var entity = ScenarioStore.NewEntity(access.TeamId, scenario.EnsureValid(), access.UserName);
        db.Scenarios.Add(entity);
        await db.SaveChangesAsync(ct);
        return entity;
    }
}
