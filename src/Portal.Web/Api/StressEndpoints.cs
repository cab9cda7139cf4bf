using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Application.Studies;
using Portal.Domain.Scenarios;
using Portal.Domain.Studies;
using Portal.Web.Features.Studies;

namespace Portal.Web.Api;

/// <summary>Stress reports: strategies and a base scenario across stress variants. A stress report is a study whose axis is
/// the stress variant (<see cref="StressSpec"/>), so each variant is an ordinary queued run and the report is read like a
/// study (also at <c>/api/studies/{id}</c> and on the study page). Every route is the caller's team's.</summary>
public static class StressEndpoints
{
    private static readonly string[] Fields = ["name", "scenario", "scenarioId", "variants", "strategies"];

    public static void MapStressApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/stress").RequireAuthorization().RequireTeam().WithTags("Stress reports");

        api.MapPost("", async (HttpRequest request, TeamContext team, StudyRequests studies, CancellationToken ct) =>
        {
            var access = team.Require();
            if (!access.CanRun) return Results.Problem("Viewers cannot submit stress reports.", statusCode: StatusCodes.Status403Forbidden);
            string body;
            using (var reader = new StreamReader(request.Body, Encoding.UTF8))
            {
                body = await reader.ReadToEndAsync(ct);
            }
            try
            {
                var spec = await studies.ParseAsync(access, ToStudyJson(body), ct);
                var study = await studies.SubmitAsync(access, spec, ct);
                return Results.Accepted($"/api/stress/{study.Id}", new StudyAccepted(study.Id, study.Status.ToString(), study.CellCount));
            }
            catch (ScenarioValidationException e)
            {
                return Results.ValidationProblem(e.Errors.GroupBy(x => x.Field.Replace("axes.stress", "variants", StringComparison.Ordinal))
                    .ToDictionary(g => g.Key, g => g.Select(x => x.Message).ToArray()));
            }
            catch (KeyNotFoundException)
            {
                return Results.NotFound();
            }
        }).WithName("SubmitStressReport").Accepts<object>("application/json").Produces<StudyAccepted>(StatusCodes.Status202Accepted).ProducesValidationProblem();

        api.MapGet("/{id:guid}", async (Guid id, TeamContext team, StudyService studies, CancellationToken ct) =>
        {
            var details = await studies.GetAsync(team.TeamId, id, ct);
            return details is null || details.Spec.Axes.Stress.Count == 0 ? Results.NotFound() : Results.Ok(StressView.From(details));
        }).WithName("GetStressReport").Produces<StressView>();
    }

    /// <summary>The study document of a stress request: <c>variants</c> becomes the stress axis (every variant when absent).</summary>
    /// <exception cref="ScenarioValidationException">The body is not a JSON object, names an unknown field, or its variants are not a list.</exception>
    internal static string ToStudyJson(string body)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            throw new ScenarioValidationException("stress", e.Message.Split(" Path:")[0], e);
        }
        if (root is not JsonObject doc) throw new ScenarioValidationException("stress", "expected a stress report object");
        foreach (var (key, _) in doc)
        {
            if (!Fields.Contains(key, StringComparer.Ordinal))
                throw new ScenarioValidationException(key, $"is not a stress report field; allowed: {string.Join(", ", Fields)}");
        }
        var variants = doc["variants"];
        doc.Remove("variants");
        if (variants is not null and not JsonArray) throw new ScenarioValidationException("variants", $"must be a list of: {string.Join(", ", StressVariants.Names)}");
        doc["axes"] = new JsonObject { ["stress"] = variants is JsonArray { Count: > 0 } list ? list : new JsonArray([.. StressVariants.Names.Select(n => (JsonNode)JsonValue.Create(n))]) };
        if (doc["name"] is null) doc["name"] = "stress report";
        return doc.ToJsonString();
    }
}

/// <summary>A stress report as the API answers it: the study's status and, per variant (its description included), each
/// strategy's mean cost with its 95% interval, std, cost Sharpe, CVaR 95%, paired difference to TWAP with its interval and
/// the number of episodes, and the best strategy with its significance. Costs in bps of arrival notional, positive = cost.</summary>
public sealed record StressView(Guid Id, string Name, string Status, int VariantCount, int VariantsDone, int VariantsFailed, double Progress,
    DateTime CreatedUtc, string CreatedBy, IReadOnlyList<string> Strategies, IReadOnlyList<StressVariantView> Variants)
{
    /// <summary>How the best strategy and its significance are decided, and what the intervals rest on.</summary>
    public string SignificanceRule { get; init; } = "best = lowest mean cost; significantVsTwap when its paired 95% CI against TWAP excludes 0 (TWAP: when every other strategy's lies above 0); intervals are 95% over the stated number of independent simulated episodes";

    public static StressView From(StudyDetails d) => new(
        d.Study.Id, d.Study.Name, d.Study.Status.ToString(), d.Results.CellCount, d.Results.Done, d.Results.Failed, d.Results.Progress,
        d.Study.CreatedUtc, d.Study.CreatedBy, d.Results.StrategyIds,
        [.. d.Results.Cells.Select(c => new StressVariantView(c.Coordinates.Stress, StressVariants.Describe(c.Coordinates.Stress), c.RunId, c.Status, c.Progress, c.Strategies, c.Best))]);
}

/// <summary>One variant of a stress report: its run and results.</summary>
public sealed record StressVariantView(string Variant, string Description, Guid? RunId, string Status, double Progress,
    IReadOnlyList<StudyStrategyResult> Strategies, StudyBest? Best);
