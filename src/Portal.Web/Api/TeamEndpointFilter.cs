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
            // A token's team and role were read with the token itself, in this request; a signed-in user's are read now.
            var access = Auth.ApiTokenAuthenticationHandler.ResolvedAccess(http, http.User, out var resolved)
                ? resolver.Use(resolved)
                : await resolver.ResolveAsync(http.User, http.RequestAborted);
            if (access is null)
            {
                return http.Request.RouteValues.ContainsKey("id") ? Results.NotFound() : Results.Forbid();
            }
            return await next(context);
        });
}
