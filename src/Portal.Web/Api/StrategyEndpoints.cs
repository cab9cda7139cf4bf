using Portal.Application.Agents;
using Portal.Domain.Strategies;

namespace Portal.Web.Api;

/// <summary>What a scenario may list, read from the registries: every baseline with the <c>strategySettings</c>
/// parameters it reads (default, range, help), and every learning algorithm a training may ask for.</summary>
public static class StrategyEndpoints
{
    public static void MapStrategyApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/strategies", (IAgentAlgorithmCatalog algorithms) => Results.Ok(new
        {
            Baselines = StrategyRegistry.Baselines.Select(b => new
            {
                b.Id,
                b.Name,
                b.Description,
                b.AlwaysCompared,
                b.ComparedWithAgents,
                Parameters = b.Parameters.Select(p => new { p.Field, p.Path, p.Label, p.Default, p.Min, p.Max, p.MinExclusive, Range = p.RangeText, p.Help }),
            }),
            AgentPrefix = StrategyId.AgentPrefix,
            AgentAlgorithms = algorithms.Algorithms.Select(a => new
            {
                a.Id,
                a.Name,
                a.Description,
                Parameters = a.Parameters.Select(p => new
                {
                    p.Name, p.Type, p.Default, p.Unit, p.Help, p.Range, p.Min, p.Max, p.MinExclusive, p.MaxExclusive, p.MinOf, p.MaxOf, p.Divides, p.AllowedValues,
                }),
            }),
        })).RequireAuthorization().WithTags("Strategies").WithName("ListStrategies");
    }
}
