using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Agents.Common;
using Portal.Agents.Training;
using Portal.Application.Agents;
using Portal.Data;
using Portal.Data.Datasets;
using Portal.Data.Entities;
using Portal.Domain.MarketData;
using Portal.Domain.Scenarios;
using Portal.Jobs.Hosting;

namespace Portal.Jobs.Agents;

/// <summary>
/// Trains an agent on its scenario with every requested seed and stores each seed's policy with its held-out
/// evaluation and learning curve, plus a summary over all seeds. A replay scenario loads the team's dataset named by
/// <c>replay.datasetId</c>, trains on its training segment and evaluates on its test segment. Safe to run twice: a
/// finished agent is left alone and an interrupted one trains again from scratch (seeded, so identically).
/// </summary>
public sealed class TrainAgentJob(IDbContextFactory<PortalDbContext> dbFactory, DatasetStore datasets, JobsOptions jobsOptions, ILogger<TrainAgentJob> logger)
{
    /// <summary>Episodes of the held-out evaluation each seed's policy gets after training.</summary>
    public const int EvaluationEpisodes = 2000;

    /// <summary>Evaluation paths are drawn from this seed, never used for training.</summary>
    public const long EvaluationSeed = 9_000_001;

    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Train agent {0}")]
    public async Task ExecuteAsync(Guid agentId, CancellationToken shutdown)
    {
        TrainedAgentEntity agent;
        await using (var db = await dbFactory.CreateDbContextAsync(shutdown))
        {
            var found = await db.TrainedAgents.SingleOrDefaultAsync(a => a.Id == agentId, shutdown);
            if (found is null || found.Status is TrainingStatus.Succeeded or TrainingStatus.Failed)
            {
                return;
            }
            found.Status = TrainingStatus.Running;
            found.Progress = 0;
            found.CurrentSeedIndex = null;
            found.SeedProgress = null;
            found.SeedSecondsLeft = null;
            found.SeedSecondsTotal = null;
            found.ProgressUtc = null;
            found.StartedUtc = DateTime.UtcNow;
            found.HeartbeatUtc = found.StartedUtc;
            found.Attempts++;
            await db.SaveChangesAsync(shutdown);
            agent = found;
        }
        // While this job lives it says so; the watchdog re-queues or fails a running training whose heartbeat stops.
        await using var heartbeat = Outages.Heartbeat(() => BeatAsync(agentId), jobsOptions.HeartbeatInterval, logger);

        TrainRequest request;
        try
        {
            var scenario = ScenarioJson.Parse(agent.ScenarioJson);
            MarketDataset? recorded = null;
            if (scenario.Replay is { } replay)
            {
                recorded = await datasets.LoadAsync(agent.TeamId, replay.DatasetId, shutdown);
                if (recorded is null)
                {
                    await FinishAsync(agentId, TrainingStatus.Failed, $"Dataset {replay.DatasetId} (replay.datasetId) is not one of this team's datasets.");
                    return;
                }
            }

            var market = recorded is null ? MarketSource.For(scenario) : MarketSource.For(scenario, recorded);
            Portal.Agents.Offline.OfflineDataset? offline = null;
            if (agent.OfflineDatasetId is { } offlineId)
            {
                offline = await LoadOfflineDatasetAsync(agent.TeamId, offlineId, shutdown);
                if (offline is null)
                {
                    await FinishAsync(agentId, TrainingStatus.Failed, $"Offline dataset {offlineId} is not a logged dataset of this team.");
                    return;
                }
            }
            request = new TrainRequest
            {
                Algorithm = agent.Algorithm,
                Market = market,
                Seeds = agent.Seeds.Split(',').Select(long.Parse).ToArray(),
                EnvironmentSteps = agent.EnvironmentSteps,
                // The hyperparameters stored with the agent (checked again: the schema may have changed since); none = defaults.
                Hyperparameters = agent.HyperparametersJson is { } stored
                    ? AgentAlgorithms.Get(agent.Algorithm).CreateHyperparameters(Portal.Domain.Agents.HyperparameterValidator.FromJson(stored))
                    : null,
                EvaluationEpisodes = EvaluationEpisodes,
                EvaluationSeed = EvaluationSeed,
                TorchThreads = Math.Max(1, Environment.ProcessorCount),
                Curriculum = agent.CurriculumStages > 0 ? Curriculum.EasyToHard(market, agent.CurriculumStages) : [],
                // Every seed learns from the same stored dataset (and is compared with its behaviour on its own paths).
                Offline = offline is null ? null : new OfflineDataRequest { Dataset = offline },
            }.Validated();
        }
        catch (ArgumentException e)
        {
            await FinishAsync(agentId, TrainingStatus.Failed, e.Message);
            return;
        }

        var total = request.EnvironmentSteps * request.Seeds.Count;
        var last = DateTime.MinValue;
        var lastSeed = -1;
        var progress = new Progress<TrainingProgress>(p =>
        {
            // At most one write a second, but always the first report of a new seed, so "seed k of n" never lags.
            if (p.SeedIndex == lastSeed && DateTime.UtcNow - last < TimeSpan.FromSeconds(1)) return;
            last = DateTime.UtcNow;
            lastSeed = p.SeedIndex;
            var done = (double)(p.SeedIndex * request.EnvironmentSteps + p.EnvironmentSteps) / total;
            var seed = SeedProgressReport.From(p.SeedIndex, p.EnvironmentSteps, p.TotalEnvironmentSteps, p.Elapsed);
            _ = ReportAsync(agentId, Math.Min(done, 0.99), p.RecentMeanShortfallBps, seed);
        });

        TrainedAgentSet set;
        try
        {
            set = await Task.Run(() => AgentTrainer.Train(request, progress, shutdown), CancellationToken.None);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or ArithmeticException)
        {
            logger.LogWarning(e, "Training {AgentId} failed", agentId);
            await FinishAsync(agentId, TrainingStatus.Failed, $"{e.GetType().Name}: {e.Message}");
            return;
        }

        var seeds = new List<TrainedAgentSeed>();
        for (var i = 0; i < set.Agents.Count; i++)
        {
            using var buffer = new MemoryStream();
            set.Agents[i].Artifact.Save(buffer);
            seeds.Add(new TrainedAgentSeed
            {
                AgentId = agentId,
                SeedIndex = i,
                Seed = set.Agents[i].Artifact.Seed,
                Artifact = buffer.ToArray(),
                EvaluationJson = JsonSerializer.Serialize(set.Agents[i].Evaluation, AgentArtifact.JsonOptions),
                LearningCurveJson = JsonSerializer.Serialize(set.Agents[i].Artifact.LearningCurve, AgentArtifact.JsonOptions),
                // A run may choose any seed's policy (strategySettings.agentSeed): the out-of-sample check compares what that seed saw.
                TrainingExposureJson = set.Agents[i].Artifact.Exposure?.ToJson(),
            });
        }
        var summary = JsonSerializer.Serialize(set.Summary, AgentArtifact.JsonOptions);
        // Backtests use the first seed's policy by default (AgentStrategies): its exposure is the agent's own.
        var exposure = set.Agents[0].Artifact.Exposure?.ToJson();

        await Outages.RetryAsync(() => StoreAsync(agentId, seeds, summary, exposure), jobsOptions.OutageTolerance, logger, $"Storing agent {agentId}");
    }

    private async Task<Portal.Agents.Offline.OfflineDataset?> LoadOfflineDatasetAsync(Guid teamId, Guid datasetId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var content = await db.OfflineDatasets.AsNoTracking()
            .Where(d => d.Id == datasetId && d.TeamId == teamId && d.Status == TrainingStatus.Succeeded)
            .Join(db.OfflineDatasetContents.AsNoTracking(), d => d.Id, c => c.DatasetId, (d, c) => c.Content)
            .SingleOrDefaultAsync(ct);
        if (content is null)
        {
            return null;
        }
        using var stream = new MemoryStream(content);
        return Portal.Agents.Offline.OfflineDataset.Load(stream);
    }

    private async Task StoreAsync(Guid agentId, List<TrainedAgentSeed> seeds, string summary, string? exposure)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(CancellationToken.None))
        {
            // The retrying execution strategy (PostgreSQL) owns the transaction: a retry repeats the whole unit.
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                db.ChangeTracker.Clear();
                await using var tx = await db.Database.BeginTransactionAsync();
                await db.TrainedAgentSeeds.Where(s => s.AgentId == agentId).ExecuteDeleteAsync();
                db.TrainedAgentSeeds.AddRange(seeds);
                var stored = await db.TrainedAgents.SingleAsync(a => a.Id == agentId);
                stored.SummaryJson = summary;
                stored.TrainingExposureJson = exposure;
                stored.Status = TrainingStatus.Succeeded;
                stored.Progress = 1;
                stored.FailureReason = null;
                stored.FinishedUtc = DateTime.UtcNow;
                await db.SaveChangesAsync();
                await tx.CommitAsync();
            });
        }
    }

    private async Task ReportAsync(Guid agentId, double progress, double recentBps, SeedProgressReport seed)
    {
        try
        {
            await StoreProgressAsync(agentId, progress, recentBps, seed, DateTime.UtcNow);
        }
        catch (Exception e) when (e is DbUpdateException || Outages.IsTransient(e))
        {
            logger.LogDebug(e, "Progress of {AgentId} not stored", agentId);
        }
    }

    /// <summary>
    /// Stores a running training's progress: the overall share, the recent shortfall, and the current seed with its share
    /// and time left (what the agents pages show, so a reloaded page or another portal instance reads the same). A training
    /// that is no longer running is left alone.
    /// </summary>
    public async Task StoreProgressAsync(Guid agentId, double progress, double recentBps, SeedProgressReport seed, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(seed);
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.TrainedAgents.Where(a => a.Id == agentId && a.Status == TrainingStatus.Running)
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.Progress, progress)
                .SetProperty(a => a.RecentMeanShortfallBps, double.IsFinite(recentBps) ? recentBps : null)
                .SetProperty(a => a.CurrentSeedIndex, seed.SeedIndex)
                .SetProperty(a => a.SeedProgress, seed.SeedShare)
                .SetProperty(a => a.SeedSecondsLeft, seed.SeedSecondsLeft)
                .SetProperty(a => a.SeedSecondsTotal, seed.SeedSecondsTotal)
                .SetProperty(a => a.ProgressUtc, nowUtc));
    }

    private async Task BeatAsync(Guid agentId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.TrainedAgents.Where(a => a.Id == agentId && a.Status == TrainingStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.HeartbeatUtc, DateTime.UtcNow));
    }

    private Task FinishAsync(Guid agentId, TrainingStatus status, string? reason) =>
        Outages.RetryAsync(async () =>
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            await db.TrainedAgents.Where(a => a.Id == agentId)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.Status, status).SetProperty(a => a.FailureReason, reason).SetProperty(a => a.FinishedUtc, DateTime.UtcNow));
        }, jobsOptions.OutageTolerance, logger, $"Finishing agent {agentId}");
}
