using Microsoft.EntityFrameworkCore;
using Portal.Application.Tests.Teams;
using Portal.Application.Tokens;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Tests;

namespace Portal.Application.Tests.Tokens;

/// <summary>Personal access tokens through the use case, on both providers.</summary>
public sealed class TokenServiceTests
{
    public static TheoryData<DatabaseProvider> Providers => TeamWorld.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_token_is_stored_as_its_hash_listed_to_its_owner_only_and_revoked_once(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store);
        var tokens = new TokenService(store.Factory);

        var created = await tokens.CreateAsync(world.Desk, "  nightly backtests ");
        Assert.Equal("nightly backtests", created.Name);
        Assert.StartsWith(TokenService.TokenPrefix, created.Token, StringComparison.Ordinal);
        Assert.Equal(created.Token[..created.Prefix.Length], created.Prefix);
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            var row = await db.ApiTokens.SingleAsync();
            // Only the SHA-256 is stored: 64 hex digits, never the secret.
            Assert.Equal((world.Desk.TeamId, world.Desk.UserId, TokenService.Hash(created.Token)), (row.TeamId, row.UserId, row.Hash));
            Assert.Equal(64, row.Hash.Length);
            Assert.DoesNotContain(created.Token, row.Hash, StringComparison.Ordinal);
        }

        Assert.Equal([created.Id], (await tokens.ListAsync(world.Desk)).Select(t => t.Id));
        Assert.Empty(await tokens.ListAsync(world.Stranger));
        Assert.False(await tokens.RevokeAsync(world.Stranger, created.Id));
        Assert.Null((await tokens.ListAsync(world.Desk)).Single().RevokedUtc);

        Assert.True(await tokens.RevokeAsync(world.Desk, created.Id));
        var revoked = (await tokens.ListAsync(world.Desk)).Single().RevokedUtc;
        Assert.NotNull(revoked);
        Assert.True(await tokens.RevokeAsync(world.Desk, created.Id));
        Assert.Equal(revoked, (await tokens.ListAsync(world.Desk)).Single().RevokedUtc); // the first revocation time stays
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Viewers_and_bad_names_create_nothing(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store, TeamRole.Viewer);
        var tokens = new TokenService(store.Factory);
        var asAdmin = world.Desk with { Role = TeamRole.Admin };

        var viewer = await Assert.ThrowsAsync<UnauthorizedAccessException>(() => tokens.CreateAsync(world.Desk, "mine"));
        Assert.Equal("Viewers cannot create tokens.", viewer.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => tokens.CreateAsync(asAdmin, "   "));
        await Assert.ThrowsAsync<ArgumentException>(() => tokens.CreateAsync(asAdmin, new string('x', TokenService.MaxNameLength + 1)));
        await Assert.ThrowsAsync<ArgumentException>(() => tokens.CreateAsync(asAdmin, "tab\there"));
        await using var db = await store.Factory.CreateDbContextAsync();
        Assert.Equal(0, await db.ApiTokens.CountAsync());
    }

    [Fact]
    public void Two_new_tokens_differ_and_hash_to_their_own_sha256()
    {
        var (a, b) = (TokenService.NewToken(), TokenService.NewToken());
        Assert.NotEqual(a, b);
        Assert.Equal(TokenService.TokenPrefix.Length + 48, a.Length);
        // SHA-256("abc"), FIPS 180-2 appendix B.1.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", TokenService.Hash("abc"));
    }
}
