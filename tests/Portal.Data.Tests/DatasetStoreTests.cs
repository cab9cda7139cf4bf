using Microsoft.EntityFrameworkCore;
using Portal.Data.Datasets;
using Portal.Data.Entities;
using Portal.Domain.MarketData;
using Portal.Testing;

namespace Portal.Data.Tests;

public sealed class DatasetStoreTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_real_lobster_day_is_stored_in_chunks_and_read_back_identically(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var teamId = await NewTeamAsync(store);
        var data = MarketDataImporter.ImportFiles("lobster", [SharedData.File(SharedData.AmznMessage1), SharedData.File(SharedData.AmznOrderbook1)]);
        var datasets = new DatasetStore(store.Factory);

        var stored = await datasets.SaveAsync(teamId, "", data, "test");
        var again = await datasets.SaveAsync(teamId, "another name", data, "test");
        var loaded = await datasets.LoadAsync(teamId, stored.Dataset.Id);

        Assert.False(stored.AlreadyStored);
        Assert.True(again.AlreadyStored);
        Assert.Equal(stored.Dataset.Id, again.Dataset.Id);
        Assert.Equal("AMZN 2012-06-21", stored.Dataset.Name);
        Assert.NotNull(loaded);
        Assert.Equal(data.ContentHash, loaded.ContentHash);
        Assert.Equal(data.Book.Count, loaded.Book.Count);
        Assert.True(data.Book.Times.SequenceEqual(loaded.Book.Times));
        Assert.True(data.Book.BidPrices.SequenceEqual(loaded.Book.BidPrices));
        Assert.True(data.Trades.Sizes.SequenceEqual(loaded.Trades.Sizes));
        await using var db = await store.Factory.CreateDbContextAsync();
        var chunks = await db.DatasetChunks.CountAsync(c => c.DatasetId == stored.Dataset.Id);
        Assert.Equal((int)Math.Ceiling(stored.Dataset.SizeBytes / (double)DatasetStore.ChunkBytes), chunks);
        Assert.Equal(1, await db.Datasets.CountAsync());
    }

    [Fact]
    public async Task Another_team_cannot_load_a_dataset_and_may_store_the_same_content_itself()
    {
        await using var store = await TestStore.CreateAsync(DatabaseProvider.Sqlite);
        var owner = await NewTeamAsync(store);
        var other = await NewTeamAsync(store);
        var data = MarketDataImporter.ImportFiles("csv", [SharedData.File(SharedData.BinanceDepth), SharedData.File(SharedData.BinanceTrades)]);
        var datasets = new DatasetStore(store.Factory);

        var stored = await datasets.SaveAsync(owner, "btc", data, "test");

        Assert.Null(await datasets.LoadAsync(other, stored.Dataset.Id));
        var theirs = await datasets.SaveAsync(other, "btc", data, "test");
        Assert.False(theirs.AlreadyStored);
        Assert.NotEqual(stored.Dataset.Id, theirs.Dataset.Id);
    }

    private static async Task<Guid> NewTeamAsync(TestStore store)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        var team = new Team { Name = "Desk " + Guid.NewGuid().ToString("N")[..6] };
        db.Teams.Add(team);
        await db.SaveChangesAsync();
        return team.Id;
    }
}
