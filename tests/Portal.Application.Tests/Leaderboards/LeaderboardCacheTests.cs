using Microsoft.EntityFrameworkCore;
using Portal.Application.Leaderboards;
using Portal.Application.Tests.Teams;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Tests;
using Portal.Testing;

namespace Portal.Application.Tests.Leaderboards;

/// <summary>Requests that arrive together share one read of the team's state, and none sees a state older than the
/// database held when it asked.</summary>
public sealed class LeaderboardCacheTests
{
    public static TheoryData<DatabaseProvider> Providers => TeamWorld.Providers;

    private static async Task AddSucceededRunAsync(TestStore store, Guid teamId)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        db.Runs.Add(new Run
        {
            TeamId = teamId, ScenarioName = "s", ScenarioJson = "{}", Status = RunStatus.Succeeded, CreatedUtc = DateTime.UtcNow,
            FinishedUtc = DateTime.UtcNow,
        });
        await db.SaveChangesAsync();
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Concurrent_requests_share_reads_and_each_sees_every_run_stored_before_it_asked(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store);
        var cache = new LeaderboardCache();
        var factory = new CountingDbContextFactory(store.Factory);
        var team = world.Desk.TeamId;

        Assert.Equal(default, await cache.CurrentVersionAsync(factory, team, CancellationToken.None));

        // Readers keep reads in flight the whole time, so that every request below arrives while one may be running.
        using var stop = new CancellationTokenSource();
        var noise = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await cache.CurrentVersionAsync(store.Factory, team, CancellationToken.None);
            }
        })).ToList();

        const int rounds = 20, perRound = 25;
        for (var stored = 1; stored <= rounds; stored++)
        {
            await AddSucceededRunAsync(store, team);
            var versions = await Task.WhenAll(Enumerable.Range(0, perRound).Select(_ => cache.CurrentVersionAsync(factory, team, CancellationToken.None)));
            // A request that joined a read already in flight could miss the run stored just before it: none may.
            Assert.All(versions, v => Assert.Equal(stored, v.Runs));
        }
        await stop.CancelAsync();
        await Task.WhenAll(noise);

        // Sharing, with the read held in flight on a gate (not hoping the database is slow): the first request starts a
        // read, the 24 that arrive while it runs wait for the one read queued after it, and every one sees the run stored
        // before it asked.
        await AddSucceededRunAsync(store, team);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        factory.Gate = gate.Task;
        var before = factory.Created;
        var together = Enumerable.Range(0, perRound).Select(_ => cache.CurrentVersionAsync(factory, team, CancellationToken.None)).ToList();
        Assert.Equal(1, factory.Created - before);
        Assert.DoesNotContain(together, t => t.IsCompleted);
        gate.SetResult();
        var shared = await Task.WhenAll(together);
        factory.Gate = null;
        Assert.All(shared, v => Assert.Equal(rounds + 1, v.Runs));
        Assert.Equal(2, factory.Created - before);

        // Another team's state is its own.
        Assert.Equal(0, (await cache.CurrentVersionAsync(factory, world.Stranger.TeamId, CancellationToken.None)).Runs);
    }
}
