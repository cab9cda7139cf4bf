using System.Text.Json;
using Portal.Application.QualityDiversity;
using Portal.Application.Scenarios;
using Portal.Application.Teams;
using Portal.Data.Entities;
using Portal.Domain.QualityDiversity;
using Portal.Domain.Scenarios;

namespace Portal.Web.Api;

/// <summary>MAP-Elites searches: submitted here, cut into jobs by the workers, read back with their archive. Every route is
/// the caller's team's; another team's search is 404.</summary>
public static class MapElitesEndpoints
{
    public static void MapMapElitesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/map-elites").RequireAuthorization().RequireTeam().WithTags("MAP-Elites");

        api.MapPost("", async (MapElitesSubmission body, TeamContext team, MapElitesService searches, CancellationToken ct) =>
        {
            var access = team.Require();
            if (!access.CanRun) return Results.Problem("Viewers cannot submit MAP-Elites searches.", statusCode: StatusCodes.Status403Forbidden);
            try
            {
                var defaults = new MapElitesRequest();
                var request = new MapElitesRequest
                {
                    Name = body.Name,
                    Scenario = body.Scenario is { } inline ? ScenarioStore.Parse(inline.GetRawText()) : null,
                    Candidates = body.Candidates ?? defaults.Candidates,
                    Batch = body.Batch ?? defaults.Batch,
                    Seed = body.Seed ?? defaults.Seed,
                    EpisodesPerNiche = body.EpisodesPerNiche ?? defaults.EpisodesPerNiche,
                    VolatilityBins = body.VolatilityBins ?? defaults.VolatilityBins,
                    LiquidityBins = body.LiquidityBins ?? defaults.LiquidityBins,
                    Shards = body.Shards ?? defaults.Shards,
                    HoldoutEpisodes = body.HoldoutEpisodes ?? defaults.HoldoutEpisodes,
                };
                var search = await searches.SubmitAsync(access.TeamId, access.UserName, request, ct);
                return Results.Accepted($"/api/map-elites/{search.Id}", new MapElitesAccepted(search.Id, search.Status.ToString(), search.Generations, search.ShardsPerGeneration));
            }
            catch (ScenarioValidationException e)
            {
                return Results.ValidationProblem(e.Errors.GroupBy(x => x.Field).ToDictionary(g => g.Key, g => g.Select(x => x.Message).ToArray()));
            }
        }).WithName("SubmitMapElites").Produces<MapElitesAccepted>(StatusCodes.Status202Accepted).ProducesValidationProblem();

        api.MapGet("/{id:guid}", async (Guid id, TeamContext team, MapElitesService searches, CancellationToken ct) =>
        {
            var details = await searches.GetAsync(team.TeamId, id, ct);
            return details is null ? Results.NotFound() : Results.Ok(MapElitesView.From(details));
        }).WithName("GetMapElites").Produces<MapElitesView>();

        api.MapPost("/{id:guid}/cancel", async (Guid id, TeamContext team, MapElitesService searches, CancellationToken ct) =>
        {
            var access = team.Require();
            if (!access.CanRun) return Results.Problem("Viewers cannot cancel MAP-Elites searches.", statusCode: StatusCodes.Status403Forbidden);
            var outcome = await searches.CancelAsync(access, id, ct);
            return outcome.Outcome switch
            {
                MapElitesCancelOutcome.NotFound => Results.NotFound(),
                MapElitesCancelOutcome.AlreadyFinished => Results.Problem(outcome.Message, statusCode: StatusCodes.Status409Conflict),
                _ => Results.Ok(MapElitesView.From((await searches.GetAsync(access.TeamId, id, ct))!)),
            };
        }).WithName("CancelMapElites").Produces<MapElitesView>().ProducesProblem(StatusCodes.Status409Conflict);
    }
}

/// <summary>Body of <c>POST /api/map-elites</c>; omitted fields take the defaults of <see cref="MapElitesRequest"/>.</summary>
public sealed record MapElitesSubmission(string? Name, JsonElement? Scenario, int? Candidates, int? Batch, long? Seed, int? EpisodesPerNiche,
    int? VolatilityBins, int? LiquidityBins, int? Shards, int? HoldoutEpisodes);

public sealed record MapElitesAccepted(Guid Id, string Status, int Generations, int ShardsPerGeneration);

/// <summary>A search as the API answers it. Objectives are E[C] + λ·Var[C] of the implementation shortfall in bps of arrival
/// notional (lower is better); QD-score in bps; coverage a share of niches. <c>strategies</c> are the ids a run names to
/// trade this archive's elites and router.</summary>
public sealed record MapElitesView(Guid Id, string Name, string Status, string? FailureReason, int Candidates, int Generations, int GenerationsDone,
    double Progress, int ShardsPerGeneration, string? Workers, DateTime CreatedUtc, DateTime? FinishedUtc, double? Coverage, double? QdScore,
    IReadOnlyList<MapElitesIteration> Iterations, IReadOnlyList<NicheElite> Niches, IReadOnlyList<NicheComparison> Comparisons,
    IReadOnlyList<string> Strategies)
{
    public static MapElitesView From(MapElitesDetails d)
    {
        ArgumentNullException.ThrowIfNull(d);
        var s = d.Search;
        string id = s.Id.ToString("N");
        // Only a search that succeeded offers its archive to runs; a cancelled one shows what it found so far.
        var strategies = d.Report is null || s.Status != RunStatus.Succeeded
            ? []
            : d.Report.Niches.Where(n => n.Parameters.Count > 0).Select(n => EliteStrategies.EliteId(id, n.Niche))
                .Append($"{EliteStrategies.ElitePrefix}{id}:generalist").Append($"{EliteStrategies.RouterPrefix}{id}").ToList();
        return new MapElitesView(s.Id, s.Name, s.Status.ToString(), s.FailureReason, s.Candidates, s.Generations, s.GenerationsDone,
            s.Generations == 0 ? 0 : (double)s.GenerationsDone / s.Generations, s.ShardsPerGeneration, s.Workers, s.CreatedUtc, s.FinishedUtc,
            d.Iterations.Count > 0 ? d.Iterations[^1].Coverage : null, d.Iterations.Count > 0 ? d.Iterations[^1].QdScore : null,
            d.Iterations, d.Report?.Niches ?? [], d.Report?.Comparisons ?? [], strategies);
    }
}
