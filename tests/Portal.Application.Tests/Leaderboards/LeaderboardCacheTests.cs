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

        // Readers keep reads in flight the whole time, so that every request below arrives while one may be running. They
        // read through a factory of their own: only the requests' reads are counted, however fast the noise loops.
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
            var before = factory.Created;
            var versions = await Task.WhenAll(Enumerable.Range(0, perRound).Select(_ => cache.CurrentVersionAsync(factory, team, CancellationToken.None)));
            // A request that joined a read already in flight could miss the run stored just before it: none may.
            Assert.All(versions, v => Assert.Equal(stored, v.Runs));
            if (provider == DatabaseProvider.Postgres)
            {
                // Asynchronous reads: the 25 requests wait for at most the read in flight and the one queued after it.
                Assert.True(factory.Created - before < perRound, $"{factory.Created - before} reads for {perRound} requests");
            }
        }
        await stop.CancelAsync();
        await Task.WhenAll(noise);

        // Another team's state is its own.
        Assert.Equal(0, (await cache.CurrentVersionAsync(factory, world.Stranger.TeamId, CancellationToken.None)).Runs);
    }
}
