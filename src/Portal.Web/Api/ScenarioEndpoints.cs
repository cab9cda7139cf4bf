using System.Text.Json;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;

namespace Portal.Web.Api;

/// <summary>Scenarios over HTTP, in the same JSON the portal and the command line use.</summary>
public static class ScenarioEndpoints
{
    public static void MapScenarioApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/scenarios").RequireAuthorization().RequireTeam().WithTags("Scenarios");

        api.MapGet("/", async (ScenarioStore scenarios, CancellationToken ct) =>
        {
            var list = await scenarios.ListAsync(ScenarioOrder.RecentlyUpdated, ct: ct);
            return Results.Ok(list.Select(s => new ScenarioSummary(s.Id, s.Name, s.CreatedBy, s.UpdatedUtc)).ToList());
        }).WithName("ListScenarios");

        api.MapGet("/{id:guid}/json", async (Guid id, ScenarioStore scenarios, CancellationToken ct) =>
        {
            var s = await scenarios.GetAsync(id, ct);
            return s is null ? Results.NotFound() : Results.Text(s.Entity.Json, "application/json");
        }).WithName("GetScenarioJson");

        api.MapPost("/", async (JsonElement body, TeamContext team, ScenarioStore scenarios, CancellationToken ct) =>
        {
            if (!team.Require().CanRun) return Results.Problem("Viewers cannot create scenarios.", statusCode: StatusCodes.Status403Forbidden);
            ScenarioEntity entity;
            try
            {
                // Same path as the browser import: validation naming each JSON field, and a replay must be of a team dataset.
                entity = await scenarios.ImportAsync(body.GetRawText(), ct);
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
