using Microsoft.EntityFrameworkCore;
using Portal.Application.Teams;
using Portal.Application.Tokens;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Tests;

namespace Portal.Application.Tests.Teams;

/// <summary>Teams and their members through the use case, on both providers: the transactions of role changes and
/// removals run inside PostgreSQL's retrying execution strategy.</summary>
public sealed class TeamServiceTests
{
    public static TheoryData<DatabaseProvider> Providers => TeamWorld.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_new_team_has_its_creator_as_admin_and_becomes_their_current_team(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store);
        var teams = new TeamService(store.Factory);

        var team = await teams.CreateAsync(world.Desk.UserId, " Rates desk ");
        Assert.Equal("Rates desk", team.Name);
        var mine = await teams.MyTeamsAsync(world.Desk.UserId, team.Id);
        Assert.Equal([("Desk", TeamRole.Analyst, false), ("Rates desk", TeamRole.Admin, true)], mine.Select(t => (t.Name, t.Role, t.IsCurrent)));
        await using var db = await store.Factory.CreateDbContextAsync();
        Assert.Equal(team.Id, (await db.Users.AsNoTracking().SingleAsync(u => u.Id == world.Desk.UserId)).CurrentTeamId);
        await Assert.ThrowsAsync<ArgumentException>(() => teams.CreateAsync(world.Desk.UserId, " "));
        Assert.Equal(3, await db.Teams.CountAsync());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Switching_team_needs_membership(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store);
        var teams = new TeamService(store.Factory);
        var other = await teams.CreateAsync(world.Desk.UserId, "Second desk");
        Assert.True(await teams.SwitchAsync(world.Desk.UserId, world.Desk.TeamId));

        Assert.False(await teams.SwitchAsync(world.Desk.UserId, world.Stranger.TeamId));
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            Assert.Equal(world.Desk.TeamId, (await db.Users.AsNoTracking().SingleAsync(u => u.Id == world.Desk.UserId)).CurrentTeamId);
        }
        Assert.True(await teams.SwitchAsync(world.Desk.UserId, other.Id));
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            Assert.Equal(other.Id, (await db.Users.AsNoTracking().SingleAsync(u => u.Id == world.Desk.UserId)).CurrentTeamId);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Admins_add_promote_and_remove_members_and_the_team_always_keeps_an_admin(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store, TeamRole.Admin);
        var teams = new TeamService(store.Factory);
        var admin = world.Desk;

        // The sign-in store keeps the upper-case e-mail that look-ups use; the world's users were stored without it.
        await using (var setup = await store.Factory.CreateDbContextAsync())
        {
            await setup.Users.Where(u => u.Id == world.Stranger.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.NormalizedEmail, "SAM@OTHER"));
        }

        // The stranger joins the desk as a viewer (found by e-mail, case and spaces ignored).
        var added = await teams.AddMemberAsync(admin, " SAM@other ", TeamRole.Viewer);
        Assert.Equal((world.Stranger.UserId, TeamRole.Viewer), (added.UserId, added.Role));
        await Assert.ThrowsAsync<TeamRuleException>(() => teams.AddMemberAsync(admin, "sam@other", TeamRole.Analyst));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => teams.AddMemberAsync(admin, "nobody@nowhere", TeamRole.Viewer));
        var samHere = new TeamAccess(admin.TeamId, admin.TeamName, TeamRole.Viewer, world.Stranger.UserId, world.Stranger.UserName);
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => teams.ChangeRoleAsync(samHere, samHere.UserId, TeamRole.Admin));

        // The last admin can neither step down nor leave until another member is admin.
        await Assert.ThrowsAsync<TeamRuleException>(() => teams.ChangeRoleAsync(admin, admin.UserId, TeamRole.Analyst));
        await Assert.ThrowsAsync<TeamRuleException>(() => teams.RemoveMemberAsync(admin, admin.UserId));
        await teams.ChangeRoleAsync(admin, world.Stranger.UserId, TeamRole.Admin);
        await teams.ChangeRoleAsync(admin, admin.UserId, TeamRole.Analyst);
        Assert.Equal([(TeamRole.Admin, "sam@other"), (TeamRole.Analyst, "ana@desk")], (await teams.MembersAsync(admin)).Select(m => (m.Role, m.Email)));

        // Removing a member revokes their tokens for the team and clears it as their current team; others' tokens stay.
        var samAsAdmin = samHere with { Role = TeamRole.Admin };
        var tokens = new TokenService(store.Factory);
        var anasToken = await tokens.CreateAsync(admin with { Role = TeamRole.Analyst }, "ana's script");
        var samsToken = await tokens.CreateAsync(samAsAdmin, "sam's script");
        await teams.RemoveMemberAsync(samAsAdmin, admin.UserId);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => teams.RemoveMemberAsync(samAsAdmin, admin.UserId));
        Assert.Equal([world.Stranger.UserId], (await teams.MembersAsync(samAsAdmin)).Select(m => m.UserId));
        await using var db = await store.Factory.CreateDbContextAsync();
        Assert.Null((await db.Users.AsNoTracking().SingleAsync(u => u.Id == admin.UserId)).CurrentTeamId);
        Assert.NotNull((await db.ApiTokens.AsNoTracking().SingleAsync(t => t.Id == anasToken.Id)).RevokedUtc);
        Assert.Null((await db.ApiTokens.AsNoTracking().SingleAsync(t => t.Id == samsToken.Id)).RevokedUtc);
    }
}
