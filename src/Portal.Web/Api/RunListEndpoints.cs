using Portal.Application.Runs;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;

namespace Portal.Web.Api;

/// <summary><c>GET /api/runs</c> (the team's runs, filtered, sorted and paged) and <c>PATCH /api/runs/{id}</c> (name, tags, notes).</summary>
public static class RunListEndpoints
{
    public static void MapRunListApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").RequireAuthorization().RequireTeam().WithTags("Runs");

        api.MapGet("/runs", async (HttpRequest request, TeamContext team, RunListQuery runs, CancellationToken ct) =>
        {
            var access = team.Require();
            var parse = RunListRequest.Parse(request.Query.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value.ToString())));
            if (parse.Request is not { } query)
            {
                return Results.ValidationProblem(parse.ToValidationErrors(),
                    detail: $"Invalid query parameter{(parse.Errors.Count > 1 ? "s" : "")} {string.Join(", ", parse.Errors.Keys.Select(k => $"'{k}'"))}.");
            }
            return Results.Ok(await runs.ListAsync(access.TeamId, query, ct));
        }).WithName("ListRuns").Produces<RunListPage>().ProducesValidationProblem()
          .WithDescription("The team's runs, newest first unless `sort` says otherwise. Filters: q (name text), side, sizePctAdvMin/Max, " +
                           "horizonMinutesMin/Max, regime, impactModel, market (simulated|replay), datasetId, status, bestStrategy, " +
                           "meanCostBpsMin/Max (best strategy's mean), twapMeanBpsMin/Max, regretBpsMax, createdFrom/createdTo (UTC), tag. " +
                           "page is 1-based; pageSize 1–100; sort is one of the keys in the docs, '-' for descending.");

        api.MapMethods("/runs/{id:guid}", ["PATCH"], async (Guid id, RunPatch body, TeamContext team, RunTracking tracking, CancellationToken ct) =>
        {
            var access = team.Require();
            if (!access.CanRun)
            {
                return Results.Problem("Viewers cannot change runs.", statusCode: StatusCodes.Status403Forbidden);
            }
            try
            {
                var run = await tracking.UpdateAsync(access.TeamId, access.CanRun, id, new RunTrackingUpdate(body.Name, body.Tags, body.Notes), ct);
                return run is null ? Results.NotFound() : Results.Ok(new RunTrackingView(run.Id, run.DisplayName, RunTags.Split(run.Tags), run.Notes));
            }
            catch (ScenarioValidationException e)
            {
                return Results.ValidationProblem(e.Errors.GroupBy(x => x.Field).ToDictionary(g => g.Key, g => g.Select(x => x.Message).ToArray()));
            }
        }).WithName("UpdateRun").Produces<RunTrackingView>().ProducesValidationProblem()
          .WithDescription("Changes a run's name, tags or notes; omitted fields keep their value, an empty tag list or empty notes clear them.");
    }
}

/// <summary>Body of <c>PATCH /api/runs/{id}</c>: each field given replaces the run's value.</summary>
public sealed record RunPatch(string? Name, IReadOnlyList<string>? Tags, string? Notes);

/// <summary>A run's name, tags and notes after a change.</summary>
public sealed record RunTrackingView(Guid Id, string Name, IReadOnlyList<string> Tags, string? Notes);
