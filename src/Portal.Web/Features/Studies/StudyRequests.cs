using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Application.Studies;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;
using Portal.Domain.Studies;
using Portal.Web.Auth;

namespace Portal.Web.Features.Studies;

/// <summary>Reads study submissions for the caller's team (an inline scenario, or a saved one named by <c>scenarioId</c>)
/// and submits them; the page and the HTTP API both go through here.</summary>
public sealed class StudyRequests(IDbContextFactory<PortalDbContext> dbFactory, StudyService studies)
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
    public async Task<Scenario> SavedScenarioAsync(TeamAccess access, Guid id, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var stored = await db.Scenarios.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id && s.TeamId == access.TeamId, ct)
            ?? throw new KeyNotFoundException($"Scenario {id} not found.");
        return ScenarioJson.Parse(stored.Json);
    }

    /// <exception cref="UnauthorizedAccessException">The caller is a viewer.</exception>
    /// <exception cref="ScenarioValidationException">The spec is invalid or over a limit.</exception>
    public Task<Study> SubmitAsync(TeamAccess access, StudySpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        if (!access.CanRun) throw new UnauthorizedAccessException("Viewers cannot submit studies.");
        return studies.SubmitAsync(access.TeamId, access.UserName, spec, ct);
    }
}
