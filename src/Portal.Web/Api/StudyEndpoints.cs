using System.Text;
using Portal.Application.Studies;
using Portal.Domain.Scenarios;

namespace Portal.Web.Api;

/// <summary>Studies: a grid of runs over one scenario. Every route is the caller's team's; another team's study is 404.</summary>
public static class StudyEndpoints
{
    public static void MapStudyApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/studies").RequireAuthorization().RequireTeam().WithTags("Studies");

        api.MapPost("", async (HttpRequest request, TeamContext team, StudyRequests studies, CancellationToken ct) =>
        {
            var access = team.Require();
            if (!access.CanRun) return Results.Problem("Viewers cannot submit studies.", statusCode: StatusCodes.Status403Forbidden);
            string body;
            using (var reader = new StreamReader(request.Body, Encoding.UTF8))
            {
                body = await reader.ReadToEndAsync(ct);
            }
            try
            {
                var spec = await studies.ParseAsync(access, body, ct);
                var study = await studies.SubmitAsync(access, spec, ct);
                return Results.Accepted($"/api/studies/{study.Id}", new StudyAccepted(study.Id, study.Status.ToString(), study.CellCount));
            }
            catch (ScenarioValidationException e)
            {
                return Results.ValidationProblem(e.Errors.GroupBy(x => x.Field).ToDictionary(g => g.Key, g => g.Select(x => x.Message).ToArray()));
            }
            catch (KeyNotFoundException)
            {
                return Results.NotFound();
            }
        }).WithName("SubmitStudy").Accepts<object>("application/json").Produces<StudyAccepted>(StatusCodes.Status202Accepted).ProducesValidationProblem();

        api.MapGet("", async (TeamContext team, StudyService studies, CancellationToken ct) =>
        {
            return Results.Ok(await studies.ListAsync(team.TeamId, ct));
        }).WithName("ListStudies").Produces<IReadOnlyList<StudySummary>>();

        api.MapGet("/{id:guid}", async (Guid id, TeamContext team, StudyService studies, CancellationToken ct) =>
        {
            var details = await studies.GetAsync(team.TeamId, id, ct);
            return details is null ? Results.NotFound() : Results.Ok(StudyView.From(details));
        }).WithName("GetStudy").Produces<StudyView>();

        api.MapGet("/{id:guid}/cells.csv", async (Guid id, TeamContext team, StudyService studies, CancellationToken ct) =>
        {
            var details = await studies.GetAsync(team.TeamId, id, ct);
            return details is null
                ? Results.NotFound()
                : Results.File(Encoding.UTF8.GetBytes(StudyTable.ToCsv(details.Results)), "text/csv", $"study-{id:N}.csv");
        }).WithName("StudyCsv");
    }
}

public sealed record StudyAccepted(Guid Id, string Status, int CellCount);

/// <summary>A study as the API answers it: status, progress, every cell with its run id, results and best strategy, and
/// the λ frontiers. Costs in bps of arrival notional, positive = cost.</summary>
public sealed record StudyView(Guid Id, string Name, string Status, int CellCount, int CellsDone, int CellsFailed, double Progress,
    DateTime CreatedUtc, string CreatedBy, IReadOnlyList<string> Strategies, IReadOnlyList<StudyCellResult> Cells, IReadOnlyList<StudyFrontier> Frontiers)
{
    /// <summary>The best-strategy rule the cells' <c>best.significantVsTwap</c> follows.</summary>
    public string SignificanceRule { get; init; } = "best = lowest mean cost; significantVsTwap when its paired 95% CI against TWAP excludes 0 (TWAP: when every other strategy's lies above 0); clearOfRunnerUp when its 95% CI of the mean lies below the runner-up's";

    public static StudyView From(StudyDetails d) => new(
        d.Study.Id, d.Study.Name, d.Study.Status.ToString(), d.Results.CellCount, d.Results.Done, d.Results.Failed, d.Results.Progress,
        d.Study.CreatedUtc, d.Study.CreatedBy, d.Results.StrategyIds, d.Results.Cells, d.Results.Frontiers);
}
