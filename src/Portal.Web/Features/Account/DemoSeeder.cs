using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;

namespace Portal.Web.Features.Account;

/// <summary>First start of the embedded mode: a demo team, a demo login (printed to the console) and a demo scenario.</summary>
public sealed class DemoSeeder(
    PortalOptions options,
    UserManager<PortalUser> users,
    IDbContextFactory<PortalDbContext> dbFactory,
    ILogger<DemoSeeder> logger)
{
    public async Task SeedAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var user = await users.FindByEmailAsync(options.DemoEmail);
        if (user is null)
        {
            var team = new Team { Name = options.DemoTeam };
            db.Teams.Add(team);
            await db.SaveChangesAsync(ct);
            user = new PortalUser { UserName = options.DemoEmail, Email = options.DemoEmail, DisplayName = "Demo analyst", CurrentTeamId = team.Id };
            var created = await users.CreateAsync(user, options.DemoPassword);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException("Could not create the demo login: " + string.Join("; ", created.Errors.Select(e => e.Description)));
            }
            db.TeamMembers.Add(new TeamMember { TeamId = team.Id, UserId = user.Id, Role = TeamRole.Admin });
            var demo = ScenarioPresets.Demo();
            db.Scenarios.Add(ScenarioStore.NewEntity(team.Id, demo, user.Email!));
            await db.SaveChangesAsync(ct);
        }
        logger.LogWarning("Demo login: {Email} / {Password}", options.DemoEmail, options.DemoPassword);
        Console.WriteLine($"Demo login: {options.DemoEmail} / {options.DemoPassword}");
    }
}
