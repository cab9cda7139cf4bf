using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Jobs.Runs;

/// <summary>
/// In the embedded mode jobs live in memory, so a restart forgets runs that were queued or running. On start this puts
/// them back in the queue; the job's idempotence makes a duplicate harmless.
/// </summary>
public sealed class RequeueUnfinishedRuns(
    IDbContextFactory<PortalDbContext> dbFactory,
    IRunQueue queue,
    ILogger<RequeueUnfinishedRuns> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var unfinished = await db.Runs
            .Where(r => r.Status == RunStatus.Queued || r.Status == RunStatus.Running)
            .OrderBy(r => r.CreatedUtc)
            .Select(r => r.Id)
            .ToListAsync(cancellationToken);
        foreach (var id in unfinished)
        {
            queue.Enqueue(id);
        }
        if (unfinished.Count > 0)
        {
            logger.LogInformation("Re-queued {Count} unfinished runs after a restart", unfinished.Count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
