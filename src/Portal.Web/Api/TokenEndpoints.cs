using Portal.Application.Tokens;
using Portal.Web.Auth;

namespace Portal.Web.Api;

/// <summary>Personal access tokens over HTTP: the caller's own tokens in the current team.</summary>
public static class TokenEndpoints
{
    public static void MapTokenApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/tokens").RequireAuthorization().RequireTeam().WithTags("Tokens");

        api.MapGet("/", async (TeamContext team, TokenService tokens, CancellationToken ct) =>
            Results.Ok(await tokens.ListAsync(team.Require(), ct)))
            .WithName("ListTokens").Produces<IReadOnlyList<TokenView>>();

        api.MapPost("/", async (CreateTokenRequest body, TeamContext team, TokenService tokens, CancellationToken ct) =>
        {
            var access = team.Require();
            if (!access.CanRun)
            {
                return Results.Problem("Viewers cannot create tokens.", statusCode: StatusCodes.Status403Forbidden);
            }
            try
            {
                var created = await tokens.CreateAsync(access, body.Name, ct);
                return Results.Created($"/api/tokens/{created.Id}", created);
            }
            catch (ArgumentException e)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [e.Message] });
            }
        }).WithMetadata(new GuardedEndpoint("token")).WithName("CreateToken").Produces<CreatedToken>(StatusCodes.Status201Created).ProducesValidationProblem();

        api.MapDelete("/{id:guid}", async (Guid id, TeamContext team, TokenService tokens, CancellationToken ct) =>
            await tokens.RevokeAsync(team.Require(), id, ct) ? Results.NoContent() : Results.NotFound())
            .WithName("RevokeToken");
    }
}

public sealed record CreateTokenRequest(string Name);
