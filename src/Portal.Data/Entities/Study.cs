namespace Portal.Data.Entities;

public enum StudyStatus
{
    /// <summary>Some cells are queued or running.</summary>
    Running = 0,

    /// <summary>Every cell succeeded.</summary>
    Succeeded = 1,

    /// <summary>Every cell finished and at least one failed or was cancelled.</summary>
    Finished = 2,
}

/// <summary>
/// A study: a base scenario swept over a grid (order size, horizon, regime, impact model, λ). Each cell is an ordinary
/// <see cref="Run"/> carrying <see cref="Run.StudyId"/> and its <see cref="Run.StudyCell"/> index; the spec JSON (the
/// study format of Portal.Domain's StudyJson) is stored as submitted, so the grid can always be expanded again.
/// </summary>
public sealed class Study : ITeamOwned
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid TeamId { get; set; }
    public required string Name { get; set; }
    public required string SpecJson { get; set; }
    /// <summary>Cells in the grid (runs carrying this study's id).</summary>
    public int CellCount { get; set; }
    /// <summary>Running until every cell has finished; then written once from the cells' statuses.</summary>
    public StudyStatus Status { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTime CreatedUtc { get; set; } = DateTime.UtcNow;
    public DateTime? FinishedUtc { get; set; }
}
