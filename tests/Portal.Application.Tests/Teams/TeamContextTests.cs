using Microsoft.EntityFrameworkCore;
using Portal.Application.Teams;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Tests;

namespace Portal.Application.Tests.Teams;

/// <summary>The caller's team is resolved once and every query and role check reads it.</summary>
public sealed class TeamContextTests
{
    public static TheoryData<DatabaseProvider> Providers => TeamWorld.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_signed_in_user_works_in_their_current_team_and_a_token_only_in_its_own(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store);
        var resolver = new TeamResolver(store.Factory);

        var browser = await resolver.ResolveAsync(world.Desk.UserId, tokenTeamId: null);
        Assert.Equal(world.Desk, browser);

        // A token bound to a team the user is not a member of resolves to no team, never to the user's own.
        Assert.Null(await resolver.ResolveAsync(world.Desk.UserId, world.Stranger.TeamId));
        Assert.Equal(world.Desk, await resolver.ResolveAsync(world.Desk.UserId, world.Desk.TeamId));
        Assert.Null(await resolver.ResolveAsync("no-such-user", tokenTeamId: null));

        // Removing the membership takes effect at the next resolution; without a token the user falls back to no team.
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            await db.TeamMembers.Where(m => m.UserId == world.Desk.UserId).ExecuteDeleteAsync();
        }
        Assert.Null(await resolver.ResolveAsync(world.Desk.UserId, tokenTeamId: null));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_user_without_a_current_team_or_no_longer_in_it_works_in_the_team_they_joined_first(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store);
        var resolver = new TeamResolver(store.Factory);
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            // The desk's analyst also joins the other desk later, as a viewer.
            db.TeamMembers.Add(new TeamMember { TeamId = world.Stranger.TeamId, UserId = world.Desk.UserId, Role = TeamRole.Viewer, JoinedUtc = DateTime.UtcNow.AddDays(1) });
            await db.SaveChangesAsync();
            await db.Users.Where(u => u.Id == world.Desk.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.CurrentTeamId, world.Stranger.TeamId));
        }
        Assert.Equal(new TeamAccess(world.Stranger.TeamId, world.Stranger.TeamName, TeamRole.Viewer, world.Desk.UserId, world.Desk.UserName),
            await resolver.ResolveAsync(world.Desk.UserId, tokenTeamId: null));

        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            await db.Users.Where(u => u.Id == world.Desk.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.CurrentTeamId, (Guid?)null));
        }
        Assert.Equal(world.Desk, await resolver.ResolveAsync(world.Desk.UserId, tokenTeamId: null));

        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            await db.TeamMembers.Where(m => m.UserId == world.Desk.UserId && m.TeamId == world.Desk.TeamId).ExecuteDeleteAsync();
            await db.Users.Where(u => u.Id == world.Desk.UserId).ExecuteUpdateAsync(s => s.SetProperty(u => u.CurrentTeamId, world.Desk.TeamId));
        }
        // Current team left: the remaining membership, with its own role.
        Assert.Equal(TeamRole.Viewer, (await resolver.ResolveAsync(world.Desk.UserId, tokenTeamId: null))!.Role);
        Assert.Null(await resolver.ResolveAsync(world.Desk.UserId, world.Desk.TeamId));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_team_and_the_users_teams_come_in_one_resolution_with_the_chosen_team_current(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store);
        var resolver = new TeamResolver(store.Factory);
        var third = new Team { Name = "a desk named first" };
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            db.Teams.Add(third);
            db.TeamMembers.AddRange(
                new TeamMember { TeamId = world.Stranger.TeamId, UserId = world.Desk.UserId, Role = TeamRole.Viewer, JoinedUtc = DateTime.UtcNow.AddDays(1) },
                new TeamMember { TeamId = third.Id, UserId = world.Desk.UserId, Role = TeamRole.Admin, JoinedUtc = DateTime.UtcNow.AddDays(2) });
            await db.SaveChangesAsync();
        }
        var expectedOrder = new[] { (third.Id, third.Name), (world.Desk.TeamId, world.Desk.TeamName), (world.Stranger.TeamId, world.Stranger.TeamName) }
            .OrderBy(t => t.Item2, StringComparer.OrdinalIgnoreCase).Select(t => t.Item1).ToList();

        var browser = await resolver.ResolveWithTeamsAsync(world.Desk.UserId, tokenTeamId: null);
        Assert.Equal(world.Desk, browser!.Access);
        Assert.Equal(expectedOrder, browser.Teams.Select(t => t.Id).ToList());
        Assert.Equal([world.Desk.TeamId], browser.Teams.Where(t => t.IsCurrent).Select(t => t.Id).ToList());
        Assert.Equal(TeamRole.Admin, browser.Teams.Single(t => t.Id == third.Id).Role);
        Assert.Equal("a desk named first", browser.Teams.Single(t => t.Id == third.Id).Name);

        // A token's team is the current one in the list; a token for a team the user is not in lists the user's teams, none current.
        var token = await resolver.ResolveWithTeamsAsync(world.Desk.UserId, third.Id);
        Assert.Equal((third.Id, TeamRole.Admin), (token!.Access!.TeamId, token.Access.Role));
        Assert.Equal([third.Id], token.Teams.Where(t => t.IsCurrent).Select(t => t.Id).ToList());
        var foreign = await resolver.ResolveWithTeamsAsync(world.Desk.UserId, Guid.NewGuid());
        Assert.Null(foreign!.Access);
        Assert.Equal(3, foreign.Teams.Count);
        Assert.DoesNotContain(foreign.Teams, t => t.IsCurrent);

        // The lists of the others are theirs: the stranger sees only their own team.
        var stranger = await resolver.ResolveWithTeamsAsync(world.Stranger.UserId, tokenTeamId: null);
        Assert.Equal([world.Stranger.TeamId], stranger!.Teams.Select(t => t.Id).ToList());

        // A user in no team: no access, no teams; a user who does not exist: nothing.
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            await db.TeamMembers.Where(m => m.UserId == world.Desk.UserId).ExecuteDeleteAsync();
        }
        var none = await resolver.ResolveWithTeamsAsync(world.Desk.UserId, tokenTeamId: null);
        Assert.Null(none!.Access);
        Assert.Empty(none.Teams);
        Assert.Null(await resolver.ResolveWithTeamsAsync("no-such-user", tokenTeamId: null));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ForTeam_keeps_the_callers_rows_only(DatabaseProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var world = await TeamWorld.CreateAsync(store);
        await using (var db = await store.Factory.CreateDbContextAsync())
        {
            db.Scenarios.AddRange(
                new ScenarioEntity { TeamId = world.Desk.TeamId, Name = "mine", Json = "{}" },
                new ScenarioEntity { TeamId = world.Stranger.TeamId, Name = "theirs", Json = "{}" });
            await db.SaveChangesAsync();
        }
        await using var read = await store.Factory.CreateDbContextAsync();
        Assert.Equal(["mine"], await read.Scenarios.ForTeam(world.Desk).Select(s => s.Name).ToListAsync());
        Assert.Equal(["theirs"], await read.Scenarios.ForTeam(TeamWorld.Context(world.Stranger)).Select(s => s.Name).ToListAsync());
    }

    [Fact]
    public void Role_checks_name_what_was_refused_and_a_context_without_a_team_refuses_every_use()
    {
        var viewer = new TeamAccess(Guid.NewGuid(), "Desk", TeamRole.Viewer, "u", "u");
        var e = Assert.Throws<UnauthorizedAccessException>(() => TeamWorld.Context(viewer).RequireRole(TeamRole.Analyst, "submit runs"));
        Assert.Equal("Viewers cannot submit runs.", e.Message);
        var analyst = viewer with { Role = TeamRole.Analyst };
        Assert.Same(analyst, TeamWorld.Context(analyst).RequireRole(TeamRole.Analyst, "submit runs"));
        Assert.Equal("Only team admins can manage members.", Assert.Throws<UnauthorizedAccessException>(() => analyst.RequireRole(TeamRole.Admin, "manage members")).Message);

        var none = new TeamContext();
        Assert.False(none.HasTeam);
        Assert.Throws<InvalidOperationException>(() => none.Require());
        Assert.Throws<InvalidOperationException>(() => none.TeamId);
    }
}
