using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Teams;

/// <summary>The layout's team switcher lists the signed-in user's teams, read with the page's own team (one query).</summary>
public sealed partial class TeamSwitcherTests
{
    [GeneratedRegex("<option value=\"([0-9a-f-]{36})\"( selected)?[^>]*>([^<]*)</option>")]
    private static partial Regex Option();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_server_rendered_switcher_lists_the_users_teams_by_name_with_the_current_one_selected(bool postgres)
    {
        await using var server = await PortalServer.StartAsync(postgres);
        var desk = await server.CreateTeamAsync("Rates desk");
        var userId = await server.CreateUserAsync("pat@desk.example", desk, TeamRole.Analyst);
        var equities = await server.CreateTeamAsync("Equities desk");
        await server.CreateTeamAsync("Someone else's desk");
        await using (var db = await server.Db())
        {
            db.TeamMembers.Add(new TeamMember { TeamId = equities, UserId = userId, Role = TeamRole.Viewer });
            await db.SaveChangesAsync();
        }
        using var client = await server.SignedInClientAsync("pat@desk.example", TeamWorld.Password);

        foreach (var page in new[] { "/runs", "/leaderboards" })
        {
            var html = await client.GetStringAsync(page);
            Assert.Contains("Rates desk · Analyst", html, StringComparison.Ordinal);
            var options = Option().Matches(html).Select(m => (Guid.Parse(m.Groups[1].Value), m.Groups[2].Success, m.Groups[3].Value)).ToList();
            Assert.Equal([(equities, false, "Equities desk"), (desk, true, "Rates desk")], options);
            Assert.DoesNotContain("Someone else", html, StringComparison.Ordinal);
        }

        // Switched to the other team: its role, and it is the one selected.
        await using (var db = await server.Db())
        {
            await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.CurrentTeamId, equities));
        }
        var switched = await client.GetStringAsync("/runs");
        Assert.Contains("Equities desk · Viewer", switched, StringComparison.Ordinal);
        Assert.Equal([(equities, true), (desk, false)], Option().Matches(switched).Select(m => (Guid.Parse(m.Groups[1].Value), m.Groups[2].Success)).ToList());

        // A user of one team has nothing to switch to.
        await using (var db = await server.Db())
        {
            await db.TeamMembers.Where(m => m.UserId == userId && m.TeamId == desk).ExecuteDeleteAsync();
        }
        var alone = await client.GetStringAsync("/runs");
        Assert.Contains("Equities desk · Viewer", alone, StringComparison.Ordinal);
        Assert.DoesNotContain("team-select", alone, StringComparison.Ordinal);
    }
}
