using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;
using Portal.Application.Scenarios;
using Portal.Application.Teams;
using Portal.Domain.Studies;

namespace Portal.Application.Studies;

/// <summary>Reads study submissions for the caller's team (an inline scenario, or a saved one named by <c>scenarioId</c>)
/// and submits them; the page and the HTTP API both go through here.</summary>
public sealed class StudyRequests(ScenarioStore scenarios, StudyService studies)
{
    /// <summary>Reads a study JSON document; <c>scenarioId</c> (a saved scenario of the team) may stand for the inline scenario.</summary>
    /// <exception cref="ScenarioValidationException">The document is invalid; the errors name the field.</exception>
    public async Task<StudySpec> ParseAsync(TeamAccess access, string json, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new ScenarioValidationException("study", e.Message.Split(" Path:")[0], e);
        }
        if (root is JsonObject doc && doc["scenarioId"] is { } idNode)
        {
            doc.Remove("scenarioId");
            if (idNode.GetValueKind() != JsonValueKind.String || !Guid.TryParse(idNode.GetValue<string>(), out var id))
                throw new ScenarioValidationException("scenarioId", "must be a saved scenario's id (a GUID)");
            return StudyJson.Parse(doc.ToJsonString(), await SavedScenarioAsync(access, id, ct));
        }
        return StudyJson.Parse(json);
    }

    /// <summary>A saved scenario of the team.</summary>
    /// <exception cref="KeyNotFoundException">The id is not one of the team's scenarios (answered 404, as for runs).</exception>
    public Task<Scenario> SavedScenarioAsync(TeamAccess access, Guid id, CancellationToken ct = default) => scenarios.SavedAsync(access, id, ct);

    /// <exception cref="UnauthorizedAccessException">The caller is a viewer.</exception>
    /// <exception cref="ScenarioValidationException">The spec is invalid or over a limit.</exception>
    public Task<Study> SubmitAsync(TeamAccess access, StudySpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        access.RequireRole(TeamRole.Analyst, "submit studies");
        return studies.SubmitAsync(access.TeamId, access.UserName, spec, ct);
    }
}
