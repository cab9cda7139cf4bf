using System.Security.Claims;
using Portal.Application.Teams;
using Portal.Data.Entities;
using Portal.Web.Auth;

namespace Portal.Web.Api;

/// <summary>Teams and members over HTTP: the same rules as the team page (admins manage members; a team keeps an admin).</summary>
public static class TeamEndpoints
{
    public static void MapTeamApi(this IEndpointRouteBuilder app)
    {
        // Listing and creating one's teams needs no team (a new user creates their first); the members are the team's.
        var api = app.MapGroup("/api").RequireAuthorization().WithTags("Teams");
        var team = app.MapGroup("/api/team").RequireAuthorization().RequireTeam().WithTags("Teams");

        api.MapGet("/teams", async (ClaimsPrincipal user, TeamAccessResolver resolver, TeamService teams, CancellationToken ct) =>
        {
            var userId = user.FindFirstValue(ClaimTypes.NameIdentifier)!;
            var access = await resolver.ResolveAsync(user, ct);
            return Results.Ok(await teams.MyTeamsAsync(userId, access?.TeamId, ct));
        }).WithName("ListTeams").Produces<IReadOnlyList<TeamView>>();

        api.MapPost("/teams", async (CreateTeamRequest body, ClaimsPrincipal user, TeamService teams, CancellationToken ct) =>
        {
            try
            {
                var team = await teams.CreateAsync(user.FindFirstValue(ClaimTypes.NameIdentifier)!, body.Name, ct);
                return Results.Created("/api/team/members", new TeamView(team.Id, team.Name, TeamRole.Admin, true));
            }
            catch (ArgumentException e)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [e.Message] });
            }
        }).WithName("CreateTeam").Produces<TeamView>(StatusCodes.Status201Created).ProducesValidationProblem();

        team.MapGet("/members", async (TeamContext caller, TeamService teams, CancellationToken ct) =>
            Results.Ok(await teams.MembersAsync(caller.Require(), ct)))
            .WithName("ListMembers").Produces<IReadOnlyList<MemberView>>();

        team.MapPost("/members", (AddMemberRequest body, TeamContext caller, TeamService teams, CancellationToken ct) =>
            AsAdminAsync(caller, async access =>
            {
                var member = await teams.AddMemberAsync(access, body.Email, body.Role, ct);
                return Results.Created("/api/team/members", member);
            }))
            .WithName("AddMember").Produces<MemberView>(StatusCodes.Status201Created);

        team.MapPut("/members/{userId}", (string userId, ChangeRoleRequest body, TeamContext caller, TeamService teams, CancellationToken ct) =>
            AsAdminAsync(caller, async access =>
            {
                await teams.ChangeRoleAsync(access, userId, body.Role, ct);
                return Results.NoContent();
            }))
            .WithName("ChangeMemberRole");

        team.MapDelete("/members/{userId}", (string userId, TeamContext caller, TeamService teams, CancellationToken ct) =>
            AsAdminAsync(caller, async access =>
            {
                await teams.RemoveMemberAsync(access, userId, ct);
                return Results.NoContent();
            }))
            .WithName("RemoveMember");
    }

    private static async Task<IResult> AsAdminAsync(TeamContext caller, Func<TeamAccess, Task<IResult>> action)
    {
        var access = caller.Require();
        if (!access.IsAdmin)
        {
            return Results.Problem("Only the team's admins manage its members.", statusCode: StatusCodes.Status403Forbidden);
        }
        try
        {
            return await action(access);
        }
        catch (KeyNotFoundException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status404NotFound);
        }
        catch (TeamRuleException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status409Conflict);
        }
        catch (ArgumentOutOfRangeException e)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { [e.ParamName ?? "body"] = [e.Message] });
        }
    }
}

public sealed record CreateTeamRequest(string Name);

public sealed record AddMemberRequest(string Email, TeamRole Role);

public sealed record ChangeRoleRequest(TeamRole Role);
