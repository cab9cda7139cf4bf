using Microsoft.EntityFrameworkCore;
using Portal.Application.Agents;
using Portal.Application.Jobs;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Application.Scenarios;
using Portal.Application.Teams;
using Portal.Domain.Agents;
using Portal.Domain.Scenarios;

namespace Portal.Application.Agents;

/// <summary>What a training request asks for: a saved scenario or an inline one, the algorithm, seeds and budget.</summary>
/// <param name="CurriculumStages">Easier versions of the scenario (smaller order, lower volatility) trained on first, for half the budget; 0 = none.</param>
/// <param name="OfflineDatasetId">A logged offline dataset of the team an offline learner (bcq, td3bc) trains on; the
/// scenario is then the dataset's own (a scenario id or inline scenario may be left out, and must not differ).</param>
/// <param name="Hyperparameters">The algorithm's hyperparameters by JSON name (numbers, booleans or strings per the schema's
/// type, as <see cref="HyperparameterValidator"/> reads them); the ones left out take their defaults. Null = all defaults.</param>
public sealed record TrainingRequest(Guid? ScenarioId, Scenario? Scenario, string Algorithm, int Seeds = 3, long EnvironmentSteps = 50_000, string? Name = null, int CurriculumStages = 0,
    Guid? OfflineDatasetId = null, IReadOnlyDictionary<string, object?>? Hyperparameters = null);

/// <summary>A trained agent's stored seeds, in training order: the first is the policy a run uses unless it chooses another.</summary>
public sealed record AgentSeeds(string StrategyId, Guid AgentId, string Name, IReadOnlyList<long> Seeds)
{
    /// <summary>The default policy's seed (the first trained); null when nothing is stored yet.</summary>
    public long? FirstSeed => Seeds.Count > 0 ? Seeds[0] : null;
}

/// <summary>Starts trainings for the caller's team and lists its trained agents (pages and API).</summary>
public sealed class AgentService(IDbContextFactory<PortalDbContext> dbFactory, IJobQueue queue, IAgentAlgorithmCatalog algorithms, ScenarioStore scenarios)
{
    public const int MaxSeeds = 10;
    public const long MaxEnvironmentSteps = 5_000_000;
    public const int MaxCurriculumStages = 5;

    /// <exception cref="ArgumentException">Unknown algorithm, seeds or steps out of range, or an invalid scenario; the message names the field.</exception>
    /// <exception cref="KeyNotFoundException">The scenario id is not one of the team's.</exception>
    public async Task<TrainedAgentEntity> TrainAsync(TeamAccess access, TrainingRequest request, CancellationToken ct = default)
    {
        access.RequireRole(TeamRole.Analyst, "train agents");
        if (!algorithms.Contains(request.Algorithm))
        {
            throw new ArgumentOutOfRangeException(nameof(request.Algorithm), request.Algorithm, $"algorithm must be one of {string.Join(", ", algorithms.Algorithms.Select(a => a.Id))}.");
        }
        // Every hyperparameter is checked before anything is stored; the agent keeps the full effective set it trains with.
        var hyperparameters = HyperparameterValidator.Require(algorithms.Algorithms.First(a => a.Id == request.Algorithm), request.Hyperparameters);
        if (request.Seeds is < 1 or > MaxSeeds)
        {
            throw new ArgumentOutOfRangeException(nameof(request.Seeds), request.Seeds, $"seeds must be in [1, {MaxSeeds}].");
        }
        if (request.EnvironmentSteps is < 100 or > MaxEnvironmentSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(request.EnvironmentSteps), request.EnvironmentSteps, $"environmentSteps must be in [100, {MaxEnvironmentSteps:N0}].");
        }
        if (request.CurriculumStages is < 0 or > MaxCurriculumStages)
        {
            throw new ArgumentOutOfRangeException(nameof(request.CurriculumStages), request.CurriculumStages, $"curriculumStages must be in [0, {MaxCurriculumStages}].");
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        Scenario scenario;
        if (request.OfflineDatasetId is { } offlineId)
        {
            if (algorithms.Algorithms.FirstOrDefault(a => a.Id == request.Algorithm) is not { Offline: true })
            {
                throw new ArgumentException(
                    $"offlineDatasetId: only offline learners ({string.Join(", ", algorithms.Algorithms.Where(a => a.Offline).Select(a => a.Id))}) train on a stored dataset.",
                    nameof(request.OfflineDatasetId));
            }
            var dataset = await db.OfflineDatasets.AsNoTracking().ForTeam(access).SingleOrDefaultAsync(d => d.Id == offlineId, ct)
                ?? throw new KeyNotFoundException($"Offline dataset {offlineId} not found.");
            if (dataset.Status != TrainingStatus.Succeeded)
            {
                throw new ArgumentException($"offlineDatasetId: the dataset is {dataset.Status.ToString().ToLowerInvariant()}, not logged yet.", nameof(request.OfflineDatasetId));
            }
            scenario = ScenarioStore.Parse(dataset.ScenarioJson);
            if (await scenarios.SavedOrInlineAsync(access, request.ScenarioId, request.Scenario, ct) is { } given
                && ScenarioStore.Serialize(given.Scenario) != dataset.ScenarioJson)
            {
                throw new ArgumentException("scenario: an offline learner trains on its dataset's scenario; leave the scenario out or give that one.", nameof(request.Scenario));
            }
        }
        else
        {
            (scenario, _) = await scenarios.SavedOrInlineAsync(access, request.ScenarioId, request.Scenario, ct)
                ?? throw new ArgumentException("Give a scenarioId or an inline scenario.", nameof(request.Scenario));
        }
        scenario.EnsureValid();
        // A replay scenario trains on the dataset's training segment; it must be one this team can read.
        await scenarios.EnsureReplayIsTheTeamsAsync(access, scenario, ct);
        if (scenario.Replay is not null && request.CurriculumStages > 0)
        {
            throw new ArgumentException("curriculumStages: a replayed dataset has no easier version; train without a curriculum.", nameof(request.CurriculumStages));
        }
        var agent = new TrainedAgentEntity
        {
            TeamId = access.TeamId,
            Name = string.IsNullOrWhiteSpace(request.Name) ? $"{request.Algorithm.ToUpperInvariant()} on {scenario.Name}" : request.Name.Trim(),
            Algorithm = request.Algorithm,
            ScenarioName = scenario.Name,
            ScenarioJson = ScenarioStore.Serialize(scenario),
            Seeds = string.Join(',', Enumerable.Range(1, request.Seeds)),
            EnvironmentSteps = request.EnvironmentSteps,
            CurriculumStages = request.CurriculumStages,
            OfflineDatasetId = request.OfflineDatasetId,
            HyperparametersJson = hyperparameters.ToJson(),
            Status = TrainingStatus.Queued,
            CreatedBy = access.UserName,
        };
        db.TrainedAgents.Add(agent);
        await db.SaveChangesAsync(ct);
        queue.Enqueue(JobKind.Training, agent.Id);
        return agent;
    }

    public async Task<List<TrainedAgentEntity>> ListAsync(TeamAccess access, bool trainedOnly, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.TrainedAgents.AsNoTracking()
            .ForTeam(access).Where(a => !trainedOnly || a.Status == TrainingStatus.Succeeded)
            .OrderByDescending(a => a.CreatedUtc).ToListAsync(ct);
    }

    public async Task<(TrainedAgentEntity Agent, List<TrainedAgentSeed> Seeds)?> GetAsync(TeamAccess access, Guid id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var agent = await db.TrainedAgents.AsNoTracking().ForTeam(access).SingleOrDefaultAsync(a => a.Id == id, ct);
        if (agent is null)
        {
            return null;
        }
        var seeds = await db.TrainedAgentSeeds.AsNoTracking().Where(s => s.AgentId == id).OrderBy(s => s.SeedIndex)
            .Select(s => new TrainedAgentSeed { AgentId = s.AgentId, SeedIndex = s.SeedIndex, Seed = s.Seed, Artifact = Array.Empty<byte>(), EvaluationJson = s.EvaluationJson, LearningCurveJson = s.LearningCurveJson })
            .ToListAsync(ct);
        return (agent, seeds);
    }

    /// <summary>
    /// The trained seeds of the team's agents among <paramref name="strategyIds"/>, in training order (the first is the
    /// default policy of a run), so a run can choose one (<c>strategySettings.agentSeed</c>). Other ids are ignored.
    /// </summary>
    public async Task<List<AgentSeeds>> TrainedSeedsAsync(TeamAccess access, IEnumerable<string> strategyIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(strategyIds);
        var ids = strategyIds
            .Select(id => Portal.Domain.Strategies.StrategyId.IsAgentId(id) && Portal.Domain.Strategies.StrategyId.Parse(id).TryGetAgentId(out var g) ? g : (Guid?)null)
            .OfType<Guid>().Distinct().ToArray();
        if (ids.Length == 0)
        {
            return [];
        }
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var agents = await db.TrainedAgents.AsNoTracking().ForTeam(access).Where(a => ids.Contains(a.Id)).Select(a => new { a.Id, a.Name }).ToListAsync(ct);
        var known = agents.Select(a => a.Id).ToArray();
        var seeds = await db.TrainedAgentSeeds.AsNoTracking().Where(s => known.Contains(s.AgentId))
            .Select(s => new { s.AgentId, s.SeedIndex, s.Seed }).ToListAsync(ct);
        return [.. agents.Select(a => new AgentSeeds(StrategyId(a.Id), a.Id, a.Name,
            [.. seeds.Where(s => s.AgentId == a.Id).OrderBy(s => s.SeedIndex).Select(s => s.Seed)]))];
    }

    /// <summary>
    /// The hyperparameters <paramref name="agent"/> trains (or trained) with, every field filled in: the stored set, or its
    /// algorithm's defaults for an agent stored before hyperparameters were (which trained with them). Null when the
    /// algorithm is no longer registered.
    /// </summary>
    public EffectiveHyperparameters? HyperparametersOf(TrainedAgentEntity agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (algorithms.Algorithms.FirstOrDefault(a => a.Id == agent.Algorithm) is not { } algorithm)
        {
            return null;
        }
        var stored = agent.HyperparametersJson is { } json ? HyperparameterValidator.FromJson(json) : null;
        return HyperparameterValidator.Validate(algorithm, stored).Effective;
    }

    /// <summary>The strategy id a scenario uses to run this agent.</summary>
    public static string StrategyId(Guid agentId) => Portal.Domain.Strategies.StrategyId.ForAgent(agentId);
}
