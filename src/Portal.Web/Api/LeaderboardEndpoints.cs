using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Portal.Application.Leaderboards;
using Portal.Data.Entities;

namespace Portal.Web.Api;

/// <summary>The team's leaderboards over HTTP, with the same filters and ranking as the page.</summary>
public static class LeaderboardEndpoints
{
    /// <summary>Each cached page's JSON, written once: a page is one object for as long as the team's runs are unchanged
    /// (<see cref="LeaderboardCache"/>), so every request until then sends the same bytes.</summary>
    private static readonly ConditionalWeakTable<LeaderboardPage, byte[]> Json = new();

    public static void MapLeaderboardApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/leaderboards", async (
                string? regime, SizeBucket? size, HorizonBucket? horizon, string? strategy, LeaderboardOrder? order, int? page, int? pageSize,
                TeamContext team, LeaderboardService leaderboards, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct) =>
            {
                var access = team.Require();
                if (page is < 0 || pageSize is < 1 or > 500)
                {
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["page"] = ["page must be ≥ 0 and pageSize 1 to 500."] });
                }
                var result = await leaderboards.PageAsync(access, new LeaderboardFilter(regime, size, horizon, strategy),
                    order ?? LeaderboardOrder.MeanShortfall, page ?? 0, pageSize ?? 100, ct);
                var bytes = Json.GetValue(result, page => JsonSerializer.SerializeToUtf8Bytes(page, json.Value.SerializerOptions));
                return Results.Bytes(bytes, "application/json; charset=utf-8");
            })
            .RequireAuthorization().RequireTeam().WithTags("Leaderboards").WithName("GetLeaderboard").Produces<LeaderboardPage>();
    }
}
