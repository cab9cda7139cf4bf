using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Portal.Application.Leaderboards;
using Portal.Data.Entities;
using Portal.Web.Features.Leaderboards;

namespace Portal.Web.Api;

/// <summary>The team's leaderboards over HTTP, with the same filters and ranking as the page.</summary>
public static class LeaderboardEndpoints
{
    /// <summary>Each cached page's JSON, written once: a page is one object for as long as the team's runs are unchanged
    /// (<see cref="LeaderboardCache"/>), so every request until then sends the same bytes.</summary>
    private static readonly ConditionalWeakTable<LeaderboardPage, byte[]> Json = new();

    /// <summary>Rows per page when the query does not say (the page's default is its own).</summary>
    public const int DefaultPageSize = 100;

    public static void MapLeaderboardApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/leaderboards", async (
                HttpRequest request, TeamContext team, LeaderboardService leaderboards, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct) =>
            {
                var access = team.Require();
                // The page's reader of the same query: the same keys, values and messages (blank values left out).
                var ((filter, order, page, pageSize), errors) = LeaderboardAddress.Parse(request.Query, DefaultPageSize);
                if (errors.Count > 0)
                {
                    return Results.ValidationProblem(errors.ToDictionary(e => e.Key, e => new[] { e.Value }),
                        detail: $"Invalid query parameter{(errors.Count > 1 ? "s" : "")} {string.Join(", ", errors.Keys.Select(k => $"'{k}'"))}.");
                }
                var result = await leaderboards.PageAsync(access, filter, order, page, pageSize, ct);
                var bytes = Json.GetValue(result, p => JsonSerializer.SerializeToUtf8Bytes(p, json.Value.SerializerOptions));
                return Results.Bytes(bytes, "application/json; charset=utf-8");
            })
            .RequireAuthorization().RequireTeam().WithTags("Leaderboards").WithName("GetLeaderboard").Produces<LeaderboardPage>().ProducesValidationProblem()
            .WithDescription("Ranked rows per scenario family. Query (blank values are ignored): regime, strategy, size (" +
                             string.Join(", ", Enum.GetNames<SizeBucket>()) + "), horizon (" + string.Join(", ", Enum.GetNames<HorizonBucket>()) +
                             "), order (" + string.Join(", ", Enum.GetNames<LeaderboardOrder>()) + "; MeanShortfall by default), page (0-based), " +
                             $"pageSize (1–{LeaderboardAddress.MaxPageSize}, {DefaultPageSize} by default). The leaderboard page reads the same query.");
    }
}
