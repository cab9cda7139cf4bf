using Microsoft.EntityFrameworkCore;
using Portal.Application.Datasets;
using Portal.Application.Jobs;
using Portal.Application.Scenarios;
using Portal.Application.Teams;
using Portal.Application.Tests.Teams;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Tests;
using Portal.Testing;

namespace Portal.Application.Tests.Datasets;

/// <summary>The team's market data after upload through the use case, on both providers.</summary>
public sealed class DatasetServiceTests
{
    public static TheoryData<DatabaseProvider> Providers => TeamWorld.Providers;

    private static async Task<Dataset> AddDatasetAsync(TestStore store, TeamAccess owner, string name, long sizeBytes, DateTime createdUtc)
    {
        var dataset = new Dataset
        {
            TeamId = owner.TeamId, Name = name, Format = "csv", Instrument = "AMZN", ContentHash = Guid.NewGuid().ToString("N"),
            SizeBytes = sizeBytes, TradingDate = new DateTime(2012, 6, 21, 0, 0, 0, DateTimeKind.Utc), CreatedUtc = createdUtc,
        };
        await using var db = await store.Factory.CreateDbContextAsync();
        db.Datasets.Add(dataset);
        await db.SaveChangesAsync();
        return dataset;
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_team_lists_pages_and_reads_its_own_datasets_and_counts_its_own_storage(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store);
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var older = await AddDatasetAsync(store, world.Desk, "older", 1_000, t0);
        var newer = await AddDatasetAsync(store, world.Desk, "newer", 2_500, t0.AddHours(1));
        var theirs = await AddDatasetAsync(store, world.Stranger, "theirs", 7_000, t0.AddHours(2));
        var datasets = new DatasetService(store.Factory, new RecordingJobQueue());

        Assert.Equal([newer.Id, older.Id], (await datasets.ListAsync(world.Desk)).Select(d => d.Id));
        var second = await datasets.PageAsync(world.Desk, page: 1, pageSize: 1);
        Assert.Equal((2, older.Id), (second.Total, second.Items.Single().Id));
        Assert.Equal(3_500, await datasets.StoredBytesAsync(world.Desk));
        Assert.Equal(7_000, await datasets.StoredBytesAsync(world.Stranger));
        Assert.Equal("newer", (await datasets.GetAsync(world.Desk, newer.Id))?.Name);
        Assert.Null(await datasets.GetAsync(world.Desk, theirs.Id));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => datasets.PageAsync(world.Desk, 0, 0));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_calibration_is_stored_queued_and_enqueued_once_for_the_teams_dataset_only(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store);
        var mine = await AddDatasetAsync(store, world.Desk, "AMZN day", 10, DateTime.UtcNow);
        var queue = new RecordingJobQueue();
        var datasets = new DatasetService(store.Factory, queue);

        Assert.Null(await datasets.CalibrateAsync(world.Stranger, mine.Id));
        var viewer = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => datasets.CalibrateAsync(world.Desk with { Role = TeamRole.Viewer }, mine.Id));
        Assert.Equal("Viewers cannot start calibrations.", viewer.Message);
        var profile = await datasets.CalibrateAsync(world.Desk, mine.Id);

        Assert.NotNull(profile);
        Assert.Equal([(JobKind.Calibration, profile.Id)], queue.Jobs);
        var rows = await datasets.ProfilesAsync(world.Desk, mine.Id);
        Assert.Equal([(profile.Id, "AMZN day profile", CalibrationStatus.Queued, "ana@desk")], rows.Select(r => (r.Entity.Id, r.Entity.Name, r.Entity.Status, r.Entity.CreatedBy)));
        Assert.Null(rows.Single().Profile);
        Assert.Empty(await datasets.ProfilesAsync(world.Stranger, mine.Id));
        Assert.Null(await datasets.GetProfileAsync(world.Stranger, profile.Id));
        Assert.Equal(mine.Id, (await datasets.GetProfileAsync(world.Desk, profile.Id))?.DatasetId);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_replay_scenario_of_the_test_segment_is_saved_for_the_team(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store);
        var mine = await AddDatasetAsync(store, world.Desk, "AMZN day", 10, DateTime.UtcNow);
        var datasets = new DatasetService(store.Factory, new RecordingJobQueue());

        Assert.Null(await datasets.CreateScenarioAsync(world.Stranger, mine.Id, null));
        Assert.Null(await datasets.CreateScenarioAsync(world.Desk, mine.Id, profileId: Guid.NewGuid())); // no such calibrated profile
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => datasets.CreateScenarioAsync(world.Desk with { Role = TeamRole.Viewer }, mine.Id, null));
        var entity = await datasets.CreateScenarioAsync(world.Desk, mine.Id, null);

        Assert.NotNull(entity);
        var scenario = ScenarioStore.Parse(entity.Json);
        Assert.Equal(("AMZN day: replay (test segment)", 200, 10, mine.Id), (scenario.Name, scenario.Episodes, scenario.Order.Steps, scenario.Replay?.DatasetId));
        Assert.Equal(Portal.Domain.Replay.ReplaySegment.Test, scenario.Replay!.Options.Segment);
        await using var db = await store.Factory.CreateDbContextAsync();
        Assert.Equal([(world.Desk.TeamId, entity.Id)], await db.Scenarios.AsNoTracking().Select(s => new ValueTuple<Guid, Guid>(s.TeamId, s.Id)).ToListAsync());
    }
}
