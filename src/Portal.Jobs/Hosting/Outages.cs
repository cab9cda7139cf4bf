using System.Net.Sockets;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Portal.Jobs.Hosting;

/// <summary>
/// Database outages seen from a job: which failures are worth waiting out, a retry loop for the writes that must land
/// (a job's outcome), and a heartbeat that keeps beating — and shrugs off failed beats — while the job computes.
/// </summary>
public static class Outages
{
    /// <summary>Whether <paramref name="e"/> (or what it wraps) says the database could not be reached, rather than that a statement was wrong.</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        NpgsqlException npgsql when npgsql.IsTransient => true,
        RetryLimitExceededException or TimeoutException or IOException or SocketException => true,
        _ => e.InnerException is { } inner && IsTransient(inner),
    };

    /// <summary>Runs <paramref name="write"/>, retrying every two seconds while the database is unreachable, for at most <paramref name="tolerance"/>.</summary>
    public static async Task RetryAsync(Func<Task> write, TimeSpan tolerance, ILogger logger, string what)
    {
        var giveUp = DateTime.UtcNow + tolerance;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await write();
                return;
            }
            catch (Exception e) when (IsTransient(e) && DateTime.UtcNow < giveUp)
            {
                logger.LogWarning("{What} failed (attempt {Attempt}, database unreachable: {Message}); retrying", what, attempt, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
    }

    /// <summary>
    /// Calls <paramref name="beat"/> every <paramref name="interval"/> until disposed. A beat that fails because the
    /// database is unreachable is skipped; the watchdog only acts once beats have been missing for its timeout.
    /// </summary>
    public static IAsyncDisposable Heartbeat(Func<Task> beat, TimeSpan interval, ILogger logger)
    {
        var stop = new CancellationTokenSource();
        var loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token))
                {
                    try
                    {
                        await beat();
                    }
                    catch (Exception e) when (IsTransient(e))
                    {
                        logger.LogWarning("Heartbeat not stored (database unreachable: {Message})", e.Message);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
        });
        return new Beating(stop, loop);
    }

    private sealed class Beating(CancellationTokenSource stop, Task loop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await stop.CancelAsync();
            await loop;
            stop.Dispose();
        }
    }
}
