using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Datasets;
using Portal.Data.Entities;
using Portal.Domain.Calibration;
using Portal.Jobs.Hosting;

namespace Portal.Jobs.Datasets;

/// <summary>
/// Calibrates a market profile from a stored dataset. Safe to run twice: a finished profile is left alone. A heartbeat
/// says the job is alive; its outcome waits out a database outage of up to <see cref="JobsOptions.OutageToleranceSeconds"/>.
/// </summary>
public sealed class CalibrateDatasetJob(
    IDbContextFactory<PortalDbContext> dbFactory,
    DatasetStore datasets,
    JobsOptions jobsOptions,
    ILogger<CalibrateDatasetJob> logger)
{
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Calibrate market profile {0}")]
    public async Task ExecuteAsync(Guid profileId, CancellationToken shutdown)
    {
        Guid teamId, datasetId;
        await using (var db = await dbFactory.CreateDbContextAsync(shutdown))
        {
            var profile = await db.MarketProfiles.SingleOrDefaultAsync(p => p.Id == profileId, shutdown);
            if (profile is null || profile.Status is CalibrationStatus.Succeeded or CalibrationStatus.Failed)
            {
                return;
            }
            profile.Status = CalibrationStatus.Running;
            profile.Attempts++;
            profile.HeartbeatUtc = DateTime.UtcNow;
            await db.SaveChangesAsync(shutdown);
            (teamId, datasetId) = (profile.TeamId, profile.DatasetId);
        }
        await using var heartbeat = Outages.Heartbeat(() => BeatAsync(profileId), jobsOptions.HeartbeatInterval, logger);

        CalibrationStatus status;
        string? json = null, reason = null;
        try
        {
            var data = await datasets.LoadAsync(teamId, datasetId, shutdown)
                ?? throw new InvalidOperationException($"Dataset {datasetId} no longer exists.");
            var calibrated = await Task.Run(() => MarketCalibrator.Calibrate(data), shutdown);
            json = calibrated.ToJson();
            status = CalibrationStatus.Succeeded;
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or ArithmeticException
                                      || (e is InvalidOperationException && !Outages.IsTransient(e)))
        {
            logger.LogWarning(e, "Calibration {ProfileId} failed", profileId);
            status = CalibrationStatus.Failed;
            reason = e.Message;
        }

        await Outages.RetryAsync(async () =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
            await db.MarketProfiles.Where(p => p.Id == profileId && p.Status != CalibrationStatus.Succeeded)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(p => p.Status, status)
                    .SetProperty(p => p.Json, json)
                    .SetProperty(p => p.FailureReason, reason)
                    .SetProperty(p => p.FinishedUtc, DateTime.UtcNow));
        }, jobsOptions.OutageTolerance, logger, $"Storing calibration {profileId}");
    }

    private async Task BeatAsync(Guid profileId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.MarketProfiles.Where(p => p.Id == profileId && p.Status == CalibrationStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.HeartbeatUtc, DateTime.UtcNow));
    }
}
