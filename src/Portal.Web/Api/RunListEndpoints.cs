using System.Globalization;
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
            try
            {
                var q = request.Query;
                var filter = ParseFilter(q);
                var page = Int(q, "page") ?? 1;
                var pageSize = Int(q, "pageSize") ?? 25;
                var result = await runs.ListAsync(access.TeamId, filter, page, pageSize, Str(q, "sort"), ct);
                return Results.Ok(result);
            }
            catch (ArgumentOutOfRangeException e)
            {
                var parameter = e.ParamName ?? "query";
                return Results.ValidationProblem(new Dictionary<string, string[]> { [parameter] = [e.Message.Split(" (Parameter", 2)[0]] },
                    detail: $"Invalid query parameter '{parameter}'.");
            }
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

    private static RunListFilter ParseFilter(IQueryCollection q) => new()
    {
        Text = Str(q, "q"),
        Side = Choice(q, "side", "buy", "sell"),
        SizePctAdvMin = Dbl(q, "sizePctAdvMin"),
        SizePctAdvMax = Dbl(q, "sizePctAdvMax"),
        HorizonMinutesMin = Dbl(q, "horizonMinutesMin"),
        HorizonMinutesMax = Dbl(q, "horizonMinutesMax"),
        Regime = Str(q, "regime"),
        ImpactModel = Str(q, "impactModel"),
        Market = Choice(q, "market", "simulated", "replay"),
        DatasetId = Str(q, "datasetId") is { } d
            ? Guid.TryParse(d, out var g) ? g : throw new ArgumentOutOfRangeException("datasetId", d, "datasetId must be a dataset id (a GUID).")
            : null,
        Status = Str(q, "status") is { } s
            ? Enum.TryParse<RunStatus>(s, ignoreCase: true, out var st) && !int.TryParse(s, out _) ? st
                : throw new ArgumentOutOfRangeException("status", s, $"status must be one of {string.Join(", ", Enum.GetNames<RunStatus>())}.")
            : null,
        BestStrategy = Str(q, "bestStrategy"),
        BestMeanBpsMin = Dbl(q, "meanCostBpsMin"),
        BestMeanBpsMax = Dbl(q, "meanCostBpsMax"),
        TwapMeanBpsMin = Dbl(q, "twapMeanBpsMin"),
        TwapMeanBpsMax = Dbl(q, "twapMeanBpsMax"),
        RegretBpsMax = Dbl(q, "regretBpsMax"),
        CreatedFromUtc = Date(q, "createdFrom"),
        CreatedToUtc = Date(q, "createdTo"),
        Tag = Str(q, "tag"),
    };

    private static string? Str(IQueryCollection q, string name) => q.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v.ToString()) ? v.ToString().Trim() : null;

    private static string? Choice(IQueryCollection q, string name, params string[] allowed) => Str(q, name) is { } v
        ? allowed.FirstOrDefault(a => string.Equals(a, v, StringComparison.OrdinalIgnoreCase))
          ?? throw new ArgumentOutOfRangeException(name, v, $"{name} must be one of {string.Join(", ", allowed)}.")
        : null;

    private static int? Int(IQueryCollection q, string name) => Str(q, name) is { } v
        ? int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : throw new ArgumentOutOfRangeException(name, v, $"{name} must be a whole number.")
        : null;

    private static double? Dbl(IQueryCollection q, string name) => Str(q, name) is { } v
        ? double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d
            : throw new ArgumentOutOfRangeException(name, v, $"{name} must be a number (invariant format, e.g. 2.5).")
        : null;

    private static DateTime? Date(IQueryCollection q, string name) => Str(q, name) is { } v
        ? DateTime.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t
            : throw new ArgumentOutOfRangeException(name, v, $"{name} must be a UTC date or time (ISO 8601, e.g. 2026-01-31 or 2026-01-31T14:00:00Z).")
        : null;
}

/// <summary>Body of <c>PATCH /api/runs/{id}</c>: each field given replaces the run's value.</summary>
public sealed record RunPatch(string? Name, IReadOnlyList<string>? Tags, string? Notes);

/// <summary>A run's name, tags and notes after a change.</summary>
public sealed record RunTrackingView(Guid Id, string Name, IReadOnlyList<string> Tags, string? Notes);
