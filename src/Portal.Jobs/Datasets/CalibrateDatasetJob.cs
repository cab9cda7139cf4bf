using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Datasets;
using Portal.Data.Entities;
using Portal.Domain.Calibration;

namespace Portal.Jobs.Datasets;

/// <summary>Calibrates a market profile from a stored dataset. Safe to run twice: a finished profile is left alone.</summary>
public sealed class CalibrateDatasetJob(
    IDbContextFactory<PortalDbContext> dbFactory,
    DatasetStore datasets,
    ILogger<CalibrateDatasetJob> logger)
{
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Calibrate market profile {0}")]
    public async Task ExecuteAsync(Guid profileId, CancellationToken shutdown)
    {
        await using var db = await dbFactory.CreateDbContextAsync(shutdown);
        var profile = await db.MarketProfiles.SingleOrDefaultAsync(p => p.Id == profileId, shutdown);
        if (profile is null || profile.Status is CalibrationStatus.Succeeded or CalibrationStatus.Failed)
        {
            return;
        }
        profile.Status = CalibrationStatus.Running;
        await db.SaveChangesAsync(shutdown);

        try
        {
            var data = await datasets.LoadAsync(profile.TeamId, profile.DatasetId, shutdown)
                ?? throw new InvalidOperationException($"Dataset {profile.DatasetId} no longer exists.");
            var calibrated = await Task.Run(() => MarketCalibrator.Calibrate(data), shutdown);
            profile.Json = calibrated.ToJson();
            profile.Status = CalibrationStatus.Succeeded;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or InvalidDataException or ArithmeticException)
        {
            logger.LogWarning(e, "Calibration {ProfileId} failed", profileId);
            profile.Status = CalibrationStatus.Failed;
            profile.FailureReason = e.Message;
        }
        profile.FinishedUtc = DateTime.UtcNow;
        await db.SaveChangesAsync(CancellationToken.None);
    }
}
