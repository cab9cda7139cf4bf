using Portal.Application.Teams;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Tests;

namespace Portal.Application.Tests.Teams;

/// <summary>Two teams (a desk and a stranger's) with one member each, stored on one provider.</summary>
internal sealed record TeamWorld(TeamAccess Desk, TeamAccess Stranger)
{
    public static async Task<TeamWorld> CreateAsync(TestStore store, TeamRole deskRole = TeamRole.Analyst)
    {
        await using var db = await store.Factory.CreateDbContextAsync();
        var desk = new Team { Name = "Desk" };
        var other = new Team { Name = "Other desk" };
        var analyst = new PortalUser { UserName = "ana@desk", Email = "ana@desk", CurrentTeamId = desk.Id };
        var stranger = new PortalUser { UserName = "sam@other", Email = "sam@other", CurrentTeamId = other.Id };
        db.AddRange(desk, other, analyst, stranger);
        db.TeamMembers.AddRange(
            new TeamMember { TeamId = desk.Id, UserId = analyst.Id, Role = deskRole },
            new TeamMember { TeamId = other.Id, UserId = stranger.Id, Role = TeamRole.Admin });
        await db.SaveChangesAsync();
        return new TeamWorld(
            new TeamAccess(desk.Id, desk.Name, deskRole, analyst.Id, analyst.UserName),
            new TeamAccess(other.Id, other.Name, TeamRole.Admin, stranger.Id, stranger.UserName));
    }

    public static TeamContext Context(TeamAccess access)
    {
        var context = new TeamContext();
        context.Set(access);
        return context;
    }

    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];
}
