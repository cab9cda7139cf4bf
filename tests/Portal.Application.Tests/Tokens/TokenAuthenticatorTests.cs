using Microsoft.EntityFrameworkCore;
using Portal.Application.Tests.Teams;
using Portal.Application.Tokens;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Tests;

namespace Portal.Application.Tests.Tokens;

/// <summary>A token, its user and the user's role in the token's team, read in one query, on both providers.</summary>
public sealed class TokenAuthenticatorTests
{
    public static TheoryData<DatabaseProvider> Providers => TeamWorld.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_token_resolves_its_team_and_role_as_they_are_now_and_fails_once_revoked(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store);
        var created = await new TokenService(store.Factory).CreateAsync(world.Desk, "nightly");
        var authenticator = new TokenAuthenticator(store.Factory);

        Assert.Null(await authenticator.AuthenticateAsync(TokenService.NewToken()));
        var caller = await authenticator.AuthenticateAsync(created.Token);
        Assert.NotNull(caller);
        Assert.Equal((created.Id, world.Desk.UserId, world.Desk.TeamId), (caller.TokenId, caller.UserId, caller.TeamId));
        Assert.Equal(world.Desk, caller.Access);

        // The first use is stamped; a second use within the resolution writes nothing.
        DateTime? stamped;
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            stamped = (await db.ApiTokens.SingleAsync()).LastUsedUtc;
        }
        Assert.NotNull(stamped);
        Assert.NotNull(await authenticator.AuthenticateAsync(created.Token));
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            Assert.Equal(stamped, (await db.ApiTokens.SingleAsync()).LastUsedUtc);
            // Demoted to viewer: the very next request reads the new role.
            await db.TeamMembers.Where(m => m.UserId == world.Desk.UserId).ExecuteUpdateAsync(s => s.SetProperty(m => m.Role, TeamRole.Viewer));
        }
        Assert.Equal(world.Desk with { Role = TeamRole.Viewer }, (await authenticator.AuthenticateAsync(created.Token))!.Access);

        // Moving the user's current team elsewhere does not move the token: it stays bound to its own team.
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            db.TeamMembers.Add(new TeamMember { TeamId = world.Stranger.TeamId, UserId = world.Desk.UserId, Role = TeamRole.Admin });
            await db.SaveChangesAsync();
            await db.Users.Where(u => u.Id == world.Desk.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.CurrentTeamId, world.Stranger.TeamId));
        }
        Assert.Equal(world.Desk.TeamId, (await authenticator.AuthenticateAsync(created.Token))!.Access!.TeamId);

        // Removed from the token's team: the token still authenticates its user, but resolves to no team.
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            await db.TeamMembers.Where(m => m.UserId == world.Desk.UserId && m.TeamId == world.Desk.TeamId).ExecuteDeleteAsync();
        }
        var removed = await authenticator.AuthenticateAsync(created.Token);
        Assert.NotNull(removed);
        Assert.Null(removed.Access);

        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            await db.ApiTokens.ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedUtc, DateTime.UtcNow));
        }
        Assert.Null(await authenticator.AuthenticateAsync(created.Token));
    }
}
