using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;
using Portal.Web.Auth;

namespace Portal.Web.Api;

/// <summary>Scenarios over HTTP, in the same JSON the portal and the command line use.</summary>
public static class ScenarioEndpoints
{
    public static void MapScenarioApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/scenarios").RequireAuthorization().WithTags("Scenarios");

        api.MapGet("/", async (ClaimsPrincipal user, TeamAccessResolver teams, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct) =>
        {
            if (await teams.ResolveAsync(user, ct) is not { } access) return Results.Forbid();
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var list = await db.Scenarios.AsNoTracking().Where(s => s.TeamId == access.TeamId).OrderByDescending(s => s.UpdatedUtc)
                .Select(s => new ScenarioSummary(s.Id, s.Name, s.CreatedBy, s.UpdatedUtc)).ToListAsync(ct);
            return Results.Ok(list);
        }).WithName("ListScenarios");

        api.MapGet("/{id:guid}/json", async (Guid id, ClaimsPrincipal user, TeamAccessResolver teams, IDbContextFactory<PortalDbContext> dbFactory, CancellationToken ct) =>
        {
            if (await teams.ResolveAsync(user, ct) is not { } access) return Results.NotFound();
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var s = await db.Scenarios.AsNoTracking().SingleOrDefaultAsync(x => x.Id == id && x.TeamId == access.TeamId, ct);
            return s is null ? Results.NotFound() : Results.Text(s.Json, "application/json");
        }).WithName("GetScenarioJson");

        api.MapPost("/", async (JsonElement body, ClaimsPrincipal user, TeamAccessResolver teams, Features.Scenarios.ScenarioLibrary library, CancellationToken ct) =>
        {
            if (await teams.ResolveAsync(user, ct) is not { } access) return Results.Forbid();
            if (!access.CanRun) return Results.Problem("Viewers cannot create scenarios.", statusCode: StatusCodes.Status403Forbidden);
            ScenarioEntity entity;
            try
            {
                // Same path as the browser import: validation naming each JSON field, and a replay must be of a team dataset.
                entity = await library.ImportAsync(access, body.GetRawText(), ct);
            }
            catch (ScenarioValidationException e)
            {
                return Results.ValidationProblem(e.Errors.GroupBy(x => x.Field).ToDictionary(g => g.Key, g => g.Select(x => x.Message).ToArray()));
            }
            return Results.Created($"/api/scenarios/{entity.Id}/json", new ScenarioSummary(entity.Id, entity.Name, entity.CreatedBy, entity.UpdatedUtc));
        }).WithName("CreateScenario");
    }
}

public sealed record ScenarioSummary(Guid Id, string Name, string CreatedBy, DateTime UpdatedUtc);
