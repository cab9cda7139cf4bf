using Portal.Application.Agents;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;

namespace Portal.Web.Api;

/// <summary>Offline datasets over HTTP: log one for a saved scenario and a behaviour policy, follow it, download its file
/// (docs/data-formats.md, "Offline datasets"). Every route is the caller's team's.</summary>
public static class OfflineDatasetEndpoints
{
    public static void MapOfflineDatasetApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/offline-datasets").RequireAuthorization().RequireTeam().WithTags("Offline datasets");

        api.MapPost("/", async (OfflineDatasetSubmission body, TeamContext team, OfflineDatasetService datasets, CancellationToken ct) =>
        {
            var access = team.Require();
            if (!access.CanRun) return Results.Problem("Viewers cannot log offline datasets.", statusCode: StatusCodes.Status403Forbidden);
            if (body.ScenarioId is not { } scenarioId) return Results.Problem("scenarioId: give the id of a saved scenario.", statusCode: StatusCodes.Status400BadRequest);
            try
            {
                var dataset = await datasets.LogAsync(access, new OfflineDatasetRequest(scenarioId, body.Behaviour ?? "", body.Episodes ?? 1_000, body.Seed ?? 1, body.Name), ct);
                return Results.Accepted($"/api/offline-datasets/{dataset.Id}", OfflineDatasetView.From(dataset));
            }
            catch (ScenarioValidationException e)
            {
                return Results.ValidationProblem(e.Errors.GroupBy(x => x.Field).ToDictionary(g => g.Key, g => g.Select(x => x.Message).ToArray()));
            }
            catch (ArgumentException e)
            {
                return Results.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest);
            }
            catch (KeyNotFoundException)
            {
                return Results.NotFound();
            }
        }).WithName("LogOfflineDataset").Produces<OfflineDatasetView>(StatusCodes.Status202Accepted);

        api.MapGet("/", async (TeamContext team, OfflineDatasetService datasets, CancellationToken ct) =>
            Results.Ok((await datasets.ListAsync(team.Require(), ct: ct)).Select(OfflineDatasetView.From).ToList()))
            .WithName("ListOfflineDatasets").Produces<List<OfflineDatasetView>>();

        api.MapGet("/{id:guid}", async (Guid id, TeamContext team, OfflineDatasetService datasets, CancellationToken ct) =>
            await datasets.GetAsync(team.Require(), id, ct) is { } found ? Results.Ok(OfflineDatasetView.From(found)) : Results.NotFound())
            .WithName("GetOfflineDataset").Produces<OfflineDatasetView>();

        api.MapGet("/{id:guid}/download", async (Guid id, TeamContext team, OfflineDatasetService datasets, CancellationToken ct) =>
            await datasets.DownloadAsync(team.Require(), id, ct) is { } file
                ? Results.File(file.Content, "application/gzip", file.FileName)
                : Results.NotFound())
            .WithName("DownloadOfflineDataset");
    }
}

public sealed record OfflineDatasetSubmission(Guid? ScenarioId, string? Behaviour, int? Episodes, long? Seed, string? Name);

/// <summary>An offline dataset as the API shows it. <c>behaviourPerformance</c> is the behaviour policy's own shortfall on its
/// logged episodes (mean with a 95% interval, bps of the arrival value, over <c>episodes</c> independent simulated paths).</summary>
public sealed record OfflineDatasetView(Guid Id, string Name, Guid? ScenarioId, string ScenarioName, string Behaviour, int Episodes, long Seed,
    string Status, string? FailureReason, int Transitions, long SizeBytes, BehaviourPerformanceView? BehaviourPerformance, string? DownloadUrl,
    string CreatedBy, DateTime CreatedUtc, DateTime? FinishedUtc)
{
    public static OfflineDatasetView From(OfflineDatasetEntity d) => new(
        d.Id, d.Name, d.ScenarioId, d.ScenarioName, d.Behaviour, d.Episodes, d.Seed, d.Status.ToString(), d.FailureReason, d.Transitions, d.SizeBytes,
        OfflineDatasetService.Performance(d), d.Status == TrainingStatus.Succeeded ? $"/api/offline-datasets/{d.Id}/download" : null,
        d.CreatedBy, d.CreatedUtc, d.FinishedUtc);
}
