using Microsoft.EntityFrameworkCore;
using Portal.Application.Agents;
using Portal.Application.Jobs;
using Portal.Application.Scenarios;
using Portal.Application.Teams;
using Portal.Application.Tests.Teams;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Tests;
using Portal.Domain.Scenarios;
using Portal.Domain.Strategies;
using Portal.Testing;

namespace Portal.Application.Tests.Agents;

/// <summary>Logging offline datasets and training offline learners on them through the use cases, on both providers.</summary>
public sealed class OfflineDatasetServiceTests
{
    public static TheoryData<DatabaseProvider> Providers => TeamWorld.Providers;

    private sealed class Catalog : IAgentAlgorithmCatalog
    {
        public IReadOnlyList<AgentAlgorithmInfo> Algorithms { get; } =
        [
            new("ppo", "PPO", "online", []),
            new("bcq", "BCQ", "offline", []) { Offline = true },
        ];
    }

    private static ScenarioStore Scenarios(TestStore store, TeamAccess access) => new(store.Factory, TeamWorld.Context(access));

    private static OfflineDatasetService Service(TestStore store, TeamAccess access, IJobQueue queue) => new(store.Factory, queue, Scenarios(store, access));

    private static async Task MarkLoggedAsync(TestStore store, Guid id, byte[] content)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        var d = await db.OfflineDatasets.SingleAsync(x => x.Id == id);
        d.Status = TrainingStatus.Succeeded;
        d.Transitions = 10;
        d.SizeBytes = content.Length;
        d.HeaderJson = """{"behaviour":"noisy-twap","performance":{"episodes":2,"meanShortfallBps":12.5,"stdShortfallBps":1,"ciLowBps":11.1,"ciHighBps":13.9,"meanObjectiveBps":14.25}}""";
        db.OfflineDatasetContents.Add(new OfflineDatasetContent { DatasetId = id, Content = content });
        await db.SaveChangesAsync();
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_logged_dataset_is_stored_in_the_team_queued_once_and_downloadable_only_by_the_team(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store);
        var queue = new RecordingJobQueue();
        var service = Service(store, world.Desk, queue);
        var saved = await Scenarios(store, world.Desk).CreateAsync(ScenarioPresets.Demo() with { Name = "Saved" });

        var dataset = await service.LogAsync(world.Desk, new OfflineDatasetRequest(saved.Id, "noisy-twap", 40, 5));

        Assert.Equal([(JobKind.OfflineDataset, dataset.Id)], queue.Jobs);
        var stored = await service.GetAsync(world.Desk, dataset.Id);
        Assert.NotNull(stored);
        Assert.Equal((world.Desk.TeamId, (Guid?)saved.Id, "Saved", "noisy-twap", 40, 5L, TrainingStatus.Queued, "noisy-twap on Saved"),
            (stored.TeamId, stored.ScenarioId, stored.ScenarioName, stored.Behaviour, stored.Episodes, stored.Seed, stored.Status, stored.Name));
        Assert.Equal("Saved", ScenarioStore.Parse(stored.ScenarioJson).Name);
        Assert.Null(OfflineDatasetService.Performance(stored));
        Assert.Null(await service.DownloadAsync(world.Desk, dataset.Id)); // not logged yet

        await MarkLoggedAsync(store, dataset.Id, [1, 2, 3]);
        var file = await service.DownloadAsync(world.Desk, dataset.Id);
        Assert.NotNull(file);
        Assert.Equal([1, 2, 3], file.Value.Content);
        Assert.EndsWith(".elxoff", file.Value.FileName, StringComparison.Ordinal);
        var performance = OfflineDatasetService.Performance((await service.GetAsync(world.Desk, dataset.Id))!);
        Assert.Equal(new BehaviourPerformanceView(2, 12.5, 11.1, 13.9, 14.25), performance);

        // Another team neither lists, reads nor downloads it, and cannot log on the team's saved scenario.
        var strangers = Service(store, world.Stranger, queue);
        Assert.Empty(await strangers.ListAsync(world.Stranger));
        Assert.Null(await strangers.GetAsync(world.Stranger, dataset.Id));
        Assert.Null(await strangers.DownloadAsync(world.Stranger, dataset.Id));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => strangers.LogAsync(world.Stranger, new OfflineDatasetRequest(saved.Id, "twap")));
        Assert.Equal([dataset.Id], (await service.ListAsync(world.Desk, loggedOnly: true)).Select(d => d.Id));
        Assert.Single(queue.Jobs);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Viewers_unknown_behaviours_episode_counts_out_of_range_and_replays_are_refused_and_nothing_is_stored(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store);
        var viewer = world.Desk with { Role = TeamRole.Viewer };
        var queue = new RecordingJobQueue();
        var service = Service(store, world.Desk, queue);
        var saved = await Scenarios(store, world.Desk).CreateAsync(ScenarioPresets.Demo() with { Name = "Saved" });

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => service.LogAsync(viewer, new OfflineDatasetRequest(saved.Id, "twap")));
        var behaviour = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => service.LogAsync(world.Desk, new OfflineDatasetRequest(saved.Id, "agent:/tmp/x")));
        Assert.Contains("noisy-twap", behaviour.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => service.LogAsync(world.Desk, new OfflineDatasetRequest(saved.Id, "twap", 1)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => service.LogAsync(world.Desk, new OfflineDatasetRequest(saved.Id, "twap", OfflineDatasetService.MaxEpisodes + 1)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => service.LogAsync(world.Desk, new OfflineDatasetRequest(saved.Id, "twap", 10, -1)));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => service.LogAsync(world.Desk, new OfflineDatasetRequest(Guid.NewGuid(), "twap")));

        Assert.Empty(queue.Jobs);
        await using var db = await store.Factory.CreateDbContextAsync();
        Assert.Equal(0, await db.OfflineDatasets.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task An_offline_learner_trains_on_a_logged_dataset_of_the_team_and_on_its_scenario(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store);
        var queue = new RecordingJobQueue();
        var service = Service(store, world.Desk, queue);
        var scenarios = Scenarios(store, world.Desk);
        var saved = await scenarios.CreateAsync(ScenarioPresets.Demo() with { Name = "Logged on" });
        var other = await scenarios.CreateAsync(ScenarioPresets.Demo() with { Name = "Another", Seed = 99 });
        var dataset = await service.LogAsync(world.Desk, new OfflineDatasetRequest(saved.Id, "noisy-twap", 10));
        var agents = new AgentService(store.Factory, queue, new Catalog(), scenarios);

        // Not logged yet; an online learner; another scenario; another team: all refused.
        await Assert.ThrowsAsync<ArgumentException>(() => agents.TrainAsync(world.Desk, new TrainingRequest(null, null, "bcq", 1, 200, OfflineDatasetId: dataset.Id)));
        await MarkLoggedAsync(store, dataset.Id, [7]);
        var online = await Assert.ThrowsAsync<ArgumentException>(() => agents.TrainAsync(world.Desk, new TrainingRequest(null, null, "ppo", 1, 200, OfflineDatasetId: dataset.Id)));
        Assert.Contains("bcq", online.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => agents.TrainAsync(world.Desk, new TrainingRequest(other.Id, null, "bcq", 1, 200, OfflineDatasetId: dataset.Id)));
        var strangers = new AgentService(store.Factory, queue, new Catalog(), Scenarios(store, world.Stranger));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => strangers.TrainAsync(world.Stranger, new TrainingRequest(null, null, "bcq", 1, 200, OfflineDatasetId: dataset.Id)));

        // Its own scenario given again is accepted, as is none.
        var first = await agents.TrainAsync(world.Desk, new TrainingRequest(null, null, "bcq", 2, 200, OfflineDatasetId: dataset.Id));
        var second = await agents.TrainAsync(world.Desk, new TrainingRequest(saved.Id, null, "bcq", 1, 200, OfflineDatasetId: dataset.Id));

        var stored = (await agents.GetAsync(world.Desk, first.Id))!.Value.Agent;
        Assert.Equal((dataset.Id, "Logged on", TrainingStatus.Queued), (stored.OfflineDatasetId, stored.ScenarioName, stored.Status));
        Assert.Equal((await service.GetAsync(world.Desk, dataset.Id))!.ScenarioJson, stored.ScenarioJson);
        Assert.Equal(dataset.Id, (await agents.GetAsync(world.Desk, second.Id))!.Value.Agent.OfflineDatasetId);
        Assert.Equal([(JobKind.OfflineDataset, dataset.Id), (JobKind.Training, first.Id), (JobKind.Training, second.Id)], queue.Jobs);
    }
}
