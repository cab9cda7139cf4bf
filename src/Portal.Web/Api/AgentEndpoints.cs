using System.Text.Json;
using Portal.Data.Entities;
using Portal.Domain.Agents;
using Portal.Domain.Scenarios;

namespace Portal.Web.Api;

/// <summary>Learning agents over HTTP: train on a scenario, follow the training, read the per-seed results.</summary>
public static class AgentEndpoints
{
    public static void MapAgentApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/agents").RequireAuthorization().RequireTeam().WithTags("Agents");

        api.MapPost("/", async (TrainingSubmission body, TeamContext team, AgentService agents, CancellationToken ct) =>
        {
            var access = team.Require();
            if (!access.CanRun) return Results.Problem("Viewers cannot train agents.", statusCode: StatusCodes.Status403Forbidden);
            try
            {
                var scenario = body.Scenario is { } inline ? ScenarioStore.Parse(inline.GetRawText()) : null;
                var hyperparameters = body.Hyperparameters is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } given
                    ? HyperparameterValidator.FromJson(given)
                    : null;
                var agent = await agents.TrainAsync(access, new TrainingRequest(body.ScenarioId, scenario, body.Algorithm ?? "", body.Seeds ?? 3, body.EnvironmentSteps ?? 50_000, body.Name, body.CurriculumStages ?? 0, body.OfflineDatasetId,
                    hyperparameters), ct);
                return Results.Accepted($"/api/agents/{agent.Id}", new { agent.Id, Status = agent.Status.ToString(), StrategyId = AgentService.StrategyId(agent.Id) });
            }
            catch (ScenarioValidationException e)
            {
                return Results.ValidationProblem(e.Errors.GroupBy(x => x.Field).ToDictionary(g => g.Key, g => g.Select(x => x.Message).ToArray()));
            }
            catch (HyperparameterValidationException e)
            {
                return Results.ValidationProblem(e.Errors.GroupBy(x => x.Field).ToDictionary(g => g.Key, g => g.Select(x => x.Message).ToArray()), detail: e.Message);
            }
            catch (ArgumentException e)
            {
                return Results.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest);
            }
            catch (KeyNotFoundException)
            {
                return Results.NotFound();
            }
        }).WithName("TrainAgent");

        api.MapGet("/", async (TeamContext team, AgentService agents, CancellationToken ct) =>
        {
            return Results.Ok((await agents.ListAsync(team.Require(), false, ct)).Select(a => AgentView.From(a, [], agents.HyperparametersOf(a))));
        }).WithName("ListAgents");

        api.MapGet("/{id:guid}", async (Guid id, TeamContext team, AgentService agents, CancellationToken ct) =>
        {
            return await agents.GetAsync(team.Require(), id, ct) is { } found ? Results.Ok(AgentView.From(found.Agent, found.Seeds, agents.HyperparametersOf(found.Agent))) : Results.NotFound();
        }).WithName("GetAgent");
    }
}

/// <param name="Hyperparameters">The algorithm's hyperparameters as a JSON object of name and value (numbers, booleans or
/// strings per the schema <c>GET /api/strategies</c> publishes); the ones left out take their defaults.</param>
public sealed record TrainingSubmission(Guid? ScenarioId, JsonElement? Scenario, string? Algorithm, int? Seeds, long? EnvironmentSteps, string? Name, int? CurriculumStages = null,
    Guid? OfflineDatasetId = null, JsonElement? Hyperparameters = null);

public sealed record SeedView(int SeedIndex, long Seed, JsonElement Evaluation, JsonElement LearningCurve);

public sealed record AgentView(Guid Id, string StrategyId, string Name, string Algorithm, string ScenarioName, string Status, double Progress,
    double? RecentMeanShortfallBps, string? FailureReason, long EnvironmentSteps, string Seeds, JsonElement? Summary, DateTime CreatedUtc,
    DateTime? FinishedUtc, IReadOnlyList<SeedView> SeedResults, int CurriculumStages)
{
    /// <summary>The stored offline dataset an offline learner trained on (null: online, or it logged its own data).</summary>
    public Guid? OfflineDatasetId { get; init; }

    public static AgentView From(TrainedAgentEntity a, IReadOnlyList<TrainedAgentSeed> seeds, EffectiveHyperparameters? hyperparameters = null) => new(
        a.Id, AgentService.StrategyId(a.Id), a.Name, a.Algorithm, a.ScenarioName, a.Status.ToString(), a.Progress, a.RecentMeanShortfallBps,
        a.FailureReason, a.EnvironmentSteps, a.Seeds, a.SummaryJson is null ? null : JsonDocument.Parse(a.SummaryJson).RootElement,
        a.CreatedUtc, a.FinishedUtc,
        seeds.Select(s => new SeedView(s.SeedIndex, s.Seed, JsonDocument.Parse(s.EvaluationJson).RootElement, JsonDocument.Parse(s.LearningCurveJson).RootElement)).ToList(),
        a.CurriculumStages)
    {
        OfflineDatasetId = a.OfflineDatasetId,
        Hyperparameters = hyperparameters is null ? null : JsonDocument.Parse(hyperparameters.ToJson()).RootElement,
        Training = TrainingEstimate.Of(a, DateTime.UtcNow) is { } e
            ? new TrainingProgressView(e.SeedNumber, e.SeedCount, e.SeedShare, e.SeedTimeLeft?.TotalSeconds, e.TotalTimeLeft?.TotalSeconds)
            : null,
    };

    /// <summary>The hyperparameters the agent trains (trained) with, every field filled in (the given values and the defaults).</summary>
    public JsonElement? Hyperparameters { get; init; }

    /// <summary>While training: the seed being trained (k of n), its share done and the estimated seconds left; null otherwise.</summary>
    public TrainingProgressView? Training { get; init; }
}

/// <summary>A running training's progress: seed <paramref name="Seed"/> of <paramref name="Seeds"/> (1-based), the share of its
/// environment steps done, and the estimated training time left for this seed and for all seeds (seconds; null until estimated).</summary>
public sealed record TrainingProgressView(int Seed, int Seeds, double SeedProgress, double? SeedSecondsLeft, double? TotalSecondsLeft);
