using Microsoft.EntityFrameworkCore;
using Portal.Application.Scenarios;
using Portal.Application.Tests.Teams;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Tests;
using Portal.Domain.Scenarios;

namespace Portal.Application.Tests.Scenarios;

/// <summary>Every write of a scenario goes through the store, scoped to the caller's team, on both providers.</summary>
public sealed class ScenarioStoreTests
{
    public static TheoryData<DatabaseProvider> Providers => TeamWorld.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_update_and_delete_round_trip_the_scenario_and_stay_in_the_team(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store);
        var mine = new ScenarioStore(store.Factory, TeamWorld.Context(world.Desk));
        var theirs = new ScenarioStore(store.Factory, TeamWorld.Context(world.Stranger));
        var demo = ScenarioPresets.Demo();

        var created = await mine.CreateAsync(demo);
        Assert.Equal(world.Desk.TeamId, created.TeamId);
        Assert.Equal(world.Desk.UserName, created.CreatedBy);
        var stored = await mine.GetAsync(created.Id);
        Assert.NotNull(stored);
        Assert.Equal(ScenarioStore.Serialize(demo), ScenarioStore.Serialize(stored.Scenario));

        // Another team's caller sees, changes and deletes nothing of it.
        Assert.Null(await theirs.GetAsync(created.Id));
        Assert.Null(await theirs.UpdateAsync(created.Id, demo with { Name = "taken" }));
        Assert.False(await theirs.DeleteAsync(created.Id));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => theirs.SavedAsync(world.Stranger, created.Id));
        Assert.Empty(await theirs.ListAsync());

        var updated = await mine.UpdateAsync(created.Id, demo with { Name = "Renamed", Episodes = 123 });
        Assert.NotNull(updated);
        var reread = await mine.SavedAsync(world.Desk, created.Id);
        Assert.Equal(("Renamed", 123), (reread.Name, reread.Episodes));
        Assert.Equal(["Renamed"], (await mine.ListAsync()).Select(s => s.Name));

        Assert.True(await mine.DeleteAsync(created.Id));
        Assert.Null(await mine.GetAsync(created.Id));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Import_validates_the_json_and_refuses_viewers_and_other_teams_datasets_storing_nothing(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store);
        var mine = new ScenarioStore(store.Factory, TeamWorld.Context(world.Desk));
        var demo = ScenarioPresets.Demo();

        var imported = await mine.ImportAsync(ScenarioStore.Serialize(demo with { Name = "Imported" }));
        Assert.Equal("Imported", imported.Name);

        var empty = await Assert.ThrowsAsync<ScenarioValidationException>(() => mine.ImportAsync("  "));
        Assert.Equal("scenario", Assert.Single(empty.Errors).Field);
        var replay = demo with { Replay = new ReplaySpec { DatasetId = Guid.NewGuid() } };
        var foreign = await Assert.ThrowsAsync<ScenarioValidationException>(() => mine.CreateAsync(replay));
        Assert.Equal("replay.datasetId", Assert.Single(foreign.Errors).Field);

        var viewer = new ScenarioStore(store.Factory, TeamWorld.Context(world.Desk with { Role = TeamRole.Viewer }));
        var refused = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => viewer.ImportAsync(ScenarioStore.Serialize(demo)));
        Assert.Equal("Viewers cannot create scenarios.", refused.Message);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => viewer.DeleteAsync(imported.Id));

        await using var db = await store.Factory.CreateDbContextAsync();
        Assert.Equal(["Imported"], await db.Scenarios.Select(s => s.Name).ToListAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Saved_or_inline_prefers_the_saved_scenario_and_pages_count_the_whole_team(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store);
        var mine = new ScenarioStore(store.Factory, TeamWorld.Context(world.Desk));
        var demo = ScenarioPresets.Demo();
        var saved = await mine.CreateAsync(demo with { Name = "Saved" });
        for (int i = 0; i < 4; i++)
        {
            await mine.CreateAsync(demo with { Name = $"S{i}" });
        }

        var bySaved = await mine.SavedOrInlineAsync(world.Desk, saved.Id, demo with { Name = "Inline" });
        Assert.Equal(("Saved", (Guid?)saved.Id), (bySaved!.Value.Scenario.Name, bySaved.Value.SavedId));
        var byInline = await mine.SavedOrInlineAsync(world.Desk, null, demo with { Name = "Inline" });
        Assert.Equal(("Inline", (Guid?)null), (byInline!.Value.Scenario.Name, byInline.Value.SavedId));
        Assert.Null(await mine.SavedOrInlineAsync(world.Desk, null, null));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => mine.SavedOrInlineAsync(world.Stranger, saved.Id, null));

        var (items, total) = await mine.PageAsync(page: 1, pageSize: 2);
        Assert.Equal(5, total);
        Assert.Equal(2, items.Count);
        Assert.Equal(["S0", "S1", "S2", "S3", "Saved"], (await mine.ListAsync(ScenarioOrder.Name)).Select(s => s.Name));
        Assert.Equal(2, (await mine.ListAsync(take: 2)).Count);
    }
}
