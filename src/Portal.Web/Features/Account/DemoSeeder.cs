using Microsoft.AspNetCore.Identity;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;

namespace Portal.Web.Features.Account;

/// <summary>
/// First start of the embedded mode: a demo login (printed to the console), its demo team with the login as admin, and
/// a demo scenario. The login goes through the sign-in store; the team and the scenario through their use cases.
/// </summary>
public sealed class DemoSeeder(
    PortalOptions options,
    UserManager<PortalUser> users,
    TeamService teams,
    TeamContext team,
    ScenarioStore scenarios,
    ILogger<DemoSeeder> logger)
{
    public async Task SeedAsync(CancellationToken ct = default)
    {
        var user = await users.FindByEmailAsync(options.DemoEmail);
        if (user is null)
        {
            user = new PortalUser { UserName = options.DemoEmail, Email = options.DemoEmail, DisplayName = "Demo analyst" };
            var created = await users.CreateAsync(user, options.DemoPassword);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException("Could not create the demo login: " + string.Join("; ", created.Errors.Select(e => e.Description)));
            }
            // The team's creator is its admin and works in it from the start.
            var demoTeam = await teams.CreateAsync(user.Id, options.DemoTeam, ct);
            team.Set(new TeamAccess(demoTeam.Id, demoTeam.Name, TeamRole.Admin, user.Id, user.Email!));
            await scenarios.CreateAsync(ScenarioPresets.Demo(), ct);
        }
        logger.LogWarning("Demo login: {Email} / {Password}", options.DemoEmail, options.DemoPassword);
        Console.WriteLine($"Demo login: {options.DemoEmail} / {options.DemoPassword}");
    }
}
