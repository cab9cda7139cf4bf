using Portal.Application.Leaderboards;
using Portal.Data.Entities;

namespace Portal.Web.Api;

/// <summary>The team's leaderboards over HTTP, with the same filters and ranking as the page.</summary>
public static class LeaderboardEndpoints
{
    public static void MapLeaderboardApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/leaderboards", async (
                string? regime, SizeBucket? size, HorizonBucket? horizon, string? strategy, LeaderboardOrder? order, int? page, int? pageSize,
                TeamContext team, LeaderboardService leaderboards, CancellationToken ct) =>
            {
                var access = team.Require();
                if (page is < 0 || pageSize is < 1 or > 500)
                {
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["page"] = ["page must be ≥ 0 and pageSize 1 to 500."] });
                }
                var result = await leaderboards.PageAsync(access, new LeaderboardFilter(regime, size, horizon, strategy),
                    order ?? LeaderboardOrder.MeanShortfall, page ?? 0, pageSize ?? 100, ct);
                return Results.Ok(result);
            })
            .RequireAuthorization().RequireTeam().WithTags("Leaderboards").WithName("GetLeaderboard").Produces<LeaderboardPage>();
    }
}
