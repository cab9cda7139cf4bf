using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;

namespace Portal.Application.Runs;

/// <summary>What a member changes on a run: each field left null keeps its value (an empty string clears notes; an empty
/// tag list clears the tags; a name cannot be cleared).</summary>
public sealed record RunTrackingUpdate(string? Name, IReadOnlyList<string>? Tags, string? Notes);

/// <summary>A run's name, tags and notes: how a team finds and remembers its runs.</summary>
public sealed class RunTracking(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>Longest run name.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Longest notes.</summary>
    public const int MaxNotesLength = 4000;

    /// <summary>The name trimmed, or null when blank.</summary>
    public static string? CleanName(string? name) => string.IsNullOrWhiteSpace(name) ? null : name.Trim();

    /// <summary>The notes trimmed, or null when blank.</summary>
    public static string? CleanNotes(string? notes) => string.IsNullOrWhiteSpace(notes) ? null : notes.Trim();

    /// <summary>What is wrong with a name, tags or notes, field by field (<c>name</c>, <c>tags</c>, <c>notes</c>).</summary>
    public static IReadOnlyList<ValidationError> Validate(string? name, IReadOnlyList<string>? tags, string? notes)
    {
        var errors = new List<ValidationError>();
        if (CleanName(name) is { Length: > MaxNameLength } n)
        {
            errors.Add(new ValidationError("name", $"is {n.Length} characters long; at most {MaxNameLength}"));
        }
        try
        {
            RunTags.Normalize(tags);
        }
        catch (ArgumentOutOfRangeException e)
        {
            errors.Add(new ValidationError("tags", e.Message.Split(" (Parameter", 2)[0]));
        }
        if (CleanNotes(notes) is { Length: > MaxNotesLength } t)
        {
            errors.Add(new ValidationError("notes", $"are {t.Length} characters long; at most {MaxNotesLength}"));
        }
        return errors;
    }

    /// <summary>Changes a run's name, tags or notes. Returns the updated run, or null when the team has no such run.</summary>
    /// <exception cref="UnauthorizedAccessException"><paramref name="canEdit"/> is false (viewers read runs only).</exception>
    /// <exception cref="ScenarioValidationException">A value is out of range; <see cref="ScenarioValidationException.Errors"/> name the fields.</exception>
    public async Task<Run?> UpdateAsync(Guid teamId, bool canEdit, Guid runId, RunTrackingUpdate update, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (!canEdit)
        {
            throw new UnauthorizedAccessException("Viewers cannot change runs.");
        }
        var errors = Validate(update.Name, update.Tags, update.Notes).ToList();
        if (update.Name is not null && CleanName(update.Name) is null)
        {
            errors.Add(new ValidationError("name", "is empty; a run needs a name"));
        }
        if (errors.Count > 0)
        {
            throw new ScenarioValidationException(errors);
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.Runs.SingleOrDefaultAsync(r => r.Id == runId && r.TeamId == teamId, ct);
        if (run is null)
        {
            return null;
        }
        if (update.Name is not null)
        {
            run.Name = CleanName(update.Name);
        }
        if (update.Tags is not null)
        {
            run.Tags = RunTags.Normalize(update.Tags);
        }
        if (update.Notes is not null)
        {
            run.Notes = CleanNotes(update.Notes);
        }
        await db.SaveChangesAsync(ct);
        return run;
    }
}
