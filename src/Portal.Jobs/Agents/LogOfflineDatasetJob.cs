using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Agents.Offline;
using Portal.Agents.Training;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;
using Portal.Jobs.Hosting;

namespace Portal.Jobs.Agents;

/// <summary>
/// Logs a stored offline dataset: runs its behaviour policy on its scenario's simulated market for its episodes
/// (<see cref="OfflineLogger"/>, training seed streams only) and stores the file (docs/data-formats.md, "Offline datasets")
/// with its header, in one transaction. Safe to run twice: a logged dataset is left alone, and an interrupted one logs again
/// from scratch, seeded, so identically.
/// </summary>
public sealed class LogOfflineDatasetJob(IDbContextFactory<PortalDbContext> dbFactory, JobsOptions jobsOptions, ILogger<LogOfflineDatasetJob> logger)
{
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Log offline dataset {0}")]
    public async Task ExecuteAsync(Guid datasetId, CancellationToken shutdown)
    {
        OfflineDatasetEntity dataset;
        await using (var db = await dbFactory.CreateDbContextAsync(shutdown))
        {
            var found = await db.OfflineDatasets.SingleOrDefaultAsync(d => d.Id == datasetId, shutdown);
            if (found is null || found.Status is TrainingStatus.Succeeded or TrainingStatus.Failed)
            {
                return;
            }
            found.Status = TrainingStatus.Running;
            found.StartedUtc = DateTime.UtcNow;
            found.HeartbeatUtc = found.StartedUtc;
            found.Attempts++;
            await db.SaveChangesAsync(shutdown);
            dataset = found;
        }
        await using var heartbeat = Outages.Heartbeat(() => BeatAsync(datasetId), jobsOptions.HeartbeatInterval, logger);

        OfflineDataset logged;
        try
        {
            var scenario = ScenarioJson.Parse(dataset.ScenarioJson);
            if (scenario.Replay is not null)
            {
                await FailAsync(datasetId, "Offline datasets are logged on simulated scenarios; this scenario replays a recorded dataset.");
                return;
            }
            var market = MarketSource.For(scenario);
            logged = await Task.Run(() => OfflineLogger.Log(market, dataset.Behaviour, dataset.Episodes, dataset.Seed, cancellationToken: shutdown), CancellationToken.None);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or ArithmeticException)
        {
            logger.LogWarning(e, "Logging offline dataset {DatasetId} failed", datasetId);
            await FailAsync(datasetId, $"{e.GetType().Name}: {e.Message}");
            return;
        }

        using var buffer = new MemoryStream();
        logged.Save(buffer);
        var content = buffer.ToArray();
        var header = JsonSerializer.Serialize(logged.Header, AgentArtifact.JsonOptions);
        await Outages.RetryAsync(() => StoreAsync(datasetId, content, header, logged.Count), jobsOptions.OutageTolerance, logger, $"Storing offline dataset {datasetId}");
    }

    private async Task StoreAsync(Guid datasetId, byte[] content, string header, int transitions)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        // The retrying execution strategy (PostgreSQL) owns the transaction: a retry repeats the whole unit.
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync();
            await db.OfflineDatasetContents.Where(c => c.DatasetId == datasetId).ExecuteDeleteAsync();
            db.OfflineDatasetContents.Add(new OfflineDatasetContent { DatasetId = datasetId, Content = content });
            var stored = await db.OfflineDatasets.SingleAsync(d => d.Id == datasetId);
            stored.HeaderJson = header;
            stored.Transitions = transitions;
            stored.SizeBytes = content.LongLength;
            stored.Status = TrainingStatus.Succeeded;
            stored.FailureReason = null;
            stored.FinishedUtc = DateTime.UtcNow;
            await db.SaveChangesAsync();
            await tx.CommitAsync();
        });
    }

    private async Task BeatAsync(Guid datasetId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.OfflineDatasets.Where(d => d.Id == datasetId && d.Status == TrainingStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.HeartbeatUtc, DateTime.UtcNow));
    }

    private Task FailAsync(Guid datasetId, string reason) =>
        Outages.RetryAsync(async () =>
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            await db.OfflineDatasets.Where(d => d.Id == datasetId)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, TrainingStatus.Failed).SetProperty(d => d.FailureReason, reason).SetProperty(d => d.FinishedUtc, DateTime.UtcNow));
        }, jobsOptions.OutageTolerance, logger, $"Failing offline dataset {datasetId}");
}
