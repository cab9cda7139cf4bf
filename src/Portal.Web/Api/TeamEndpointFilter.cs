namespace Portal.Web.Api;

/// <summary>
/// Resolves the caller's team once per API request (into the request's <see cref="TeamContext"/>) and answers a caller
/// without a team before any use case runs, with one policy: a route that names one item (an <c>{id}</c>) answers 404,
/// like any id of another team, so it tells nothing about which ids exist; any other route answers 403.
/// </summary>
public static class TeamEndpointFilter
{
    public static TBuilder RequireTeam<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
        => builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var resolver = http.RequestServices.GetRequiredService<Auth.TeamAccessResolver>();
            if (await resolver.ResolveAsync(http.User, http.RequestAborted) is null)
            {
                return http.Request.RouteValues.ContainsKey("id") ? Results.NotFound() : Results.Forbid();
            }
            return await next(context);
        });
}
