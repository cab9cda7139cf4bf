using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Application.Jobs;
using Portal.Application.Scenarios;
using Portal.Application.Teams;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Application.Agents;

/// <summary>What a request to log an offline dataset asks for: a saved scenario of the team, a behaviour policy, episodes and a seed.</summary>
public sealed record OfflineDatasetRequest(Guid ScenarioId, string Behaviour, int Episodes = 1_000, long Seed = 1, string? Name = null);

/// <summary>How the behaviour policy did on its own logged episodes (read from the stored file's header).</summary>
/// <param name="Episodes">Logged episodes: independent simulated paths, the unit of the interval.</param>
/// <param name="MeanShortfallBps">Mean implementation shortfall, bps of the arrival value.</param>
/// <param name="CiLowBps">Lower end of the 95% interval of the mean.</param>
/// <param name="CiHighBps">Upper end of that interval.</param>
/// <param name="MeanObjectiveBps">Mean shortfall + λ·risk penalty, bps.</param>
public sealed record BehaviourPerformanceView(int Episodes, double MeanShortfallBps, double CiLowBps, double CiHighBps, double MeanObjectiveBps);

/// <summary>
/// Offline datasets of the caller's team (docs/offline-rl.md): log one for a saved scenario and a behaviour policy (a job on
/// the workers), list them with the behaviour's own performance, and read the file for download or training.
/// </summary>
public sealed class OfflineDatasetService(IDbContextFactory<PortalDbContext> dbFactory, IJobQueue queue, ScenarioStore scenarios)
{
    /// <summary>Behaviour policies a stored dataset may be logged with (Portal.Agents' BehaviourPolicy.Kinds; a test keeps
    /// the two lists equal). A stored agent as behaviour is a command-line feature (<c>agent:PATH</c>).</summary>
    public static IReadOnlyList<string> Behaviours { get; } = ["twap", "noisy-twap", "ac", "pov", "mixture"];

    public const int MinEpisodes = 2;
    public const int MaxEpisodes = 100_000;

    /// <summary>Stores the request and queues the logging job.</summary>
    /// <exception cref="UnauthorizedAccessException">The caller is a viewer.</exception>
    /// <exception cref="ArgumentException">Unknown behaviour, episodes or seed out of range, or a replay scenario; the message names the field.</exception>
    /// <exception cref="KeyNotFoundException">The scenario id is not one of the team's.</exception>
    public async Task<OfflineDatasetEntity> LogAsync(TeamAccess access, OfflineDatasetRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(request);
        access.RequireRole(TeamRole.Analyst, "log offline datasets");
        if (!Behaviours.Contains(request.Behaviour))
        {
            throw new ArgumentOutOfRangeException(nameof(request.Behaviour), request.Behaviour, $"behaviour must be one of {string.Join(", ", Behaviours)}.");
        }
        if (request.Episodes is < MinEpisodes or > MaxEpisodes)
        {
            throw new ArgumentOutOfRangeException(nameof(request.Episodes), request.Episodes, $"episodes must be in [{MinEpisodes}, {MaxEpisodes:N0}].");
        }
        if (request.Seed < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(request.Seed), request.Seed, "seed must be >= 0.");
        }
        var scenario = await scenarios.SavedAsync(access, request.ScenarioId, ct);
        scenario.EnsureValid();
        if (scenario.Replay is not null)
        {
            throw new ArgumentException("scenarioId: offline datasets are logged on simulated scenarios; this one replays a recorded dataset.", nameof(request.ScenarioId));
        }
        var entity = new OfflineDatasetEntity
        {
            TeamId = access.TeamId,
            Name = string.IsNullOrWhiteSpace(request.Name) ? $"{request.Behaviour} on {scenario.Name}" : request.Name.Trim(),
            ScenarioId = request.ScenarioId,
            ScenarioName = scenario.Name,
            ScenarioJson = ScenarioStore.Serialize(scenario),
            Behaviour = request.Behaviour,
            Episodes = request.Episodes,
            Seed = request.Seed,
            Status = TrainingStatus.Queued,
            CreatedBy = access.UserName,
        };
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.OfflineDatasets.Add(entity);
        await db.SaveChangesAsync(ct);
        queue.Enqueue(JobKind.OfflineDataset, entity.Id);
        return entity;
    }

    /// <summary>The team's offline datasets, newest first (without their files).</summary>
    public async Task<List<OfflineDatasetEntity>> ListAsync(TeamAccess access, bool loggedOnly = false, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.OfflineDatasets.AsNoTracking().ForTeam(access)
            .Where(d => !loggedOnly || d.Status == TrainingStatus.Succeeded)
            .OrderByDescending(d => d.CreatedUtc).ToListAsync(ct);
    }

    /// <summary>One of the team's offline datasets (without its file); null when it is another team's or does not exist.</summary>
    public async Task<OfflineDatasetEntity?> GetAsync(TeamAccess access, Guid id, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.OfflineDatasets.AsNoTracking().ForTeam(access).SingleOrDefaultAsync(d => d.Id == id, ct);
    }

    /// <summary>The stored file (gzip binary, docs/data-formats.md) of a logged dataset of the team, with a file name;
    /// null when it is another team's, does not exist or is not logged yet.</summary>
    public async Task<(string FileName, byte[] Content)?> DownloadAsync(TeamAccess access, Guid id, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var dataset = await db.OfflineDatasets.AsNoTracking().ForTeam(access)
            .Where(d => d.Id == id && d.Status == TrainingStatus.Succeeded).Select(d => new { d.Id, d.Behaviour }).SingleOrDefaultAsync(ct);
        if (dataset is null)
        {
            return null;
        }
        var content = await db.OfflineDatasetContents.AsNoTracking().Where(c => c.DatasetId == id).Select(c => c.Content).SingleOrDefaultAsync(ct);
        return content is null ? null : ($"offline-{dataset.Behaviour}-{dataset.Id:N}.elxoff", content);
    }

    /// <summary>The behaviour's performance on its logged episodes, read from the stored header JSON; null until logged.</summary>
    public static BehaviourPerformanceView? Performance(OfflineDatasetEntity dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.HeaderJson is null)
        {
            return null;
        }
        using var doc = JsonDocument.Parse(dataset.HeaderJson);
        if (!TryGet(doc.RootElement, "performance", out var p))
        {
            return null;
        }
        return new BehaviourPerformanceView(
            Get(p, "episodes").GetInt32(), Get(p, "meanShortfallBps").GetDouble(), Get(p, "ciLowBps").GetDouble(),
            Get(p, "ciHighBps").GetDouble(), Get(p, "meanObjectiveBps").GetDouble());
    }

    private static JsonElement Get(JsonElement e, string name) =>
        TryGet(e, name, out var v) ? v : throw new JsonException($"The stored dataset header has no '{name}'.");

    private static bool TryGet(JsonElement e, string name, out JsonElement value)
    {
        foreach (var property in e.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }
        value = default;
        return false;
    }
}
