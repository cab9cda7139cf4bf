using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Application.Teams;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Testing;
using Portal.Web.Auth;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Teams;

/// <summary>A page and the layout's team switcher initialise together and share one resolution of the caller's team;
/// a later resolution reads the database again.</summary>
public sealed class TeamAccessResolverTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Resolutions_under_way_together_are_shared_and_a_later_one_sees_a_role_change(bool postgres)
    {
        await using var server = await PortalServer.StartAsync(postgres);
        var team = await server.CreateTeamAsync("Shared desk");
        var userId = await server.CreateUserAsync("pat@desk.example", team, TeamRole.Analyst);
        var factory = new CountingDbContextFactory(server.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>());
        var context = new TeamContext();
        var resolver = new TeamAccessResolver(new TeamResolver(factory), context);
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], "test"));

        // The first read is held in flight while the second asks: one read for both. (Left to the database, a local
        // server can answer before the second call, and then each reads.)
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        factory.Gate = gate.Task;
        var first = resolver.ResolveAsync(principal);
        var second = resolver.ResolveAsync(principal);
        Assert.Equal(1, factory.Created);
        gate.SetResult();
        factory.Gate = null;
        var both = await Task.WhenAll(first, second);
        Assert.All(both, a => Assert.Equal((team, TeamRole.Analyst), (a!.TeamId, a.Role)));
        Assert.Equal(1, factory.Created);
        Assert.Equal(both[0], context.Access);

        await using (var db = await server.Db())
        {
            await db.TeamMembers.Where(m => m.UserId == userId).ExecuteUpdateAsync(s => s.SetProperty(m => m.Role, TeamRole.Viewer));
        }
        var before = factory.Created;
        var later = await resolver.ResolveAsync(principal);
        Assert.Equal(TeamRole.Viewer, later!.Role);
        Assert.Equal(before + 1, factory.Created);
        Assert.Equal(TeamRole.Viewer, context.Access!.Role);

        // Another caller's principal never shares a resolution under way for someone else.
        var strangerId = await server.CreateUserAsync("sam@other.example", await server.CreateTeamAsync("Other desk"), TeamRole.Admin);
        var stranger = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, strangerId)], "test"));
        var mine = resolver.ResolveAsync(principal);
        var theirs = resolver.ResolveAsync(stranger);
        Assert.Equal(team, (await mine)!.TeamId);
        Assert.NotEqual(team, (await theirs)!.TeamId);
    }
}
