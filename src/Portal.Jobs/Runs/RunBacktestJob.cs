using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Datasets;
using Portal.Data.Runs;
using Portal.Domain.MarketData;
using Portal.Domain.Replay;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Jobs.Hosting;

namespace Portal.Jobs.Runs;

/// <summary>
/// Executes one stored run, or cuts a long simulated run into shards (<see cref="RunShardJob"/>). Safe to run twice: a finished run is left alone, a run interrupted by a crash is started
/// again from its scenario, and results are written in one transaction whose keys forbid a second copy.
/// </summary>
public sealed class RunBacktestJob(
    IDbContextFactory<PortalDbContext> dbFactory,
    RunResultStore store,
    Portal.Application.Reports.RunReports reports,
    DatasetStore datasets,
    Agents.AgentStrategies agents,
    Portal.Application.Runs.OutOfSampleGuard outOfSample,
    JobsOptions jobsOptions,
    ILogger<RunBacktestJob> logger,
    RunShardJob? sharding = null)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(500);

    // A failing backtest fails the same way every time; crashed workers are covered by the storage's re-delivery.
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Backtest run {0}")]
    public async Task ExecuteAsync(Guid runId, CancellationToken shutdown)
    {
        var started = await StartAsync(runId, shutdown);
        if (started is not var (teamId, scenarioJson, counted))
        {
            return;
        }
        // While this job lives it says so; the watchdog re-queues or fails a running run whose heartbeat stops.
        await using var heartbeat = Outages.Heartbeat(() => BeatAsync(runId), jobsOptions.HeartbeatInterval, logger);

        Scenario scenario;
        try
        {
            scenario = ScenarioJson.Parse(scenarioJson);
        }
        catch (ScenarioValidationException e)
        {
            await FinishAsync(runId, RunStatus.Failed, "Invalid scenario: " + e.Message, shutdown);
            return;
        }

        MarketDataset? recorded = null;
        if (scenario.Replay is { } replay)
        {
            recorded = await datasets.LoadAsync(teamId, replay.DatasetId, shutdown);
            if (recorded is null)
            {
                await FinishAsync(runId, RunStatus.Failed, $"Dataset {replay.DatasetId} (replay.datasetId) is not one of this team's datasets.", shutdown);
                return;
            }
        }

        // Re-check on the data as loaded: an agent trained on it is refused unless the run was submitted in-sample (off
        // the leaderboards); an agent without a training record keeps the run off the leaderboards.
        try
        {
            var sample = await outOfSample.DecideAsync(teamId, scenario, recorded, allowInSample: !counted, shutdown);
            if (!sample.Counted)
            {
                await MarkInSampleAsync(runId, sample.InSampleReason!, shutdown);
            }
        }
        catch (InSampleEvaluationException e)
        {
            await FinishAsync(runId, RunStatus.Failed, e.Message, shutdown);
            return;
        }

        List<IExecutionStrategy> extra;
        try
        {
            extra = await agents.LoadAsync(teamId, scenario.Strategies, shutdown, scenario.StrategySettings.AgentSeed);
        }
        catch (ArgumentException e)
        {
            await FinishAsync(runId, RunStatus.Failed, e.Message, shutdown);
            return;
        }
        // A long simulated run is cut into shards that any worker can take; this job then only queues them. (Without the
        // shard job, as in tests that build this job alone, every run is one job.)
        if (recorded is null && sharding is not null)
        {
            bool sharded;
            try
            {
                sharded = await sharding.PlanAsync(runId, scenario, extra, shutdown);
            }
            catch (ArgumentException e)
            {
                DisposeAll(extra);
                await FinishAsync(runId, RunStatus.Failed, e.Message, CancellationToken.None);
                return;
            }
            if (sharded)
            {
                DisposeAll(extra);
                return;
            }
        }
        var backtestOptions = new BacktestOptions { ExtraStrategies = extra };

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        var progress = new RunProgress(scenario.Episodes);
        using var ticker = new PeriodicTimer(ProgressInterval);
        var backtest = Task.Run(
            () => recorded is null
                ? BacktestRunner.Run(scenario, backtestOptions, progress, cancel.Token)
                : ReplayRunner.Run(scenario, recorded, scenario.Replay!.Options, backtestOptions),
            CancellationToken.None);
        while (!backtest.IsCompleted)
        {
            var tick = ticker.WaitForNextTickAsync(CancellationToken.None).AsTask();
            await Task.WhenAny(backtest, tick);
            if (!backtest.IsCompleted && await ReportProgressAsync(runId, progress.Fraction, shutdown))
            {
                await cancel.CancelAsync();
            }
        }

        BacktestResult result;
        try
        {
            result = await backtest;
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            logger.LogInformation("Run {RunId} interrupted by shutdown; it will be picked up again", runId);
            throw;
        }
        catch (OperationCanceledException)
        {
            await FinishAsync(runId, RunStatus.Cancelled, null, CancellationToken.None);
            return;
        }
        catch (ArgumentException e)
        {
            await FinishAsync(runId, RunStatus.Failed, e.Message, CancellationToken.None);
            return;
        }
        catch (Exception e) when (e is InvalidOperationException or ArithmeticException)
        {
            logger.LogError(e, "Run {RunId} failed", runId);
            await FinishAsync(runId, RunStatus.Failed, $"{e.GetType().Name}: {e.Message}", CancellationToken.None);
            throw;
        }

        foreach (var strategy in extra.OfType<IDisposable>())
        {
            strategy.Dispose();
        }
        // Results computed during a database outage are kept until the database is back (or the tolerance runs out).
        await Outages.RetryAsync(() => store.SaveAsync(runId, result, CancellationToken.None), jobsOptions.OutageTolerance, logger, $"Storing run {runId}");
        logger.LogInformation("Run {RunId} succeeded: {Strategies} strategies × {Episodes} episodes", runId, result.Strategies.Count, result.Episodes);
        // The report is frozen as the run completes, so its page, PDF and CSV never change afterwards. Should this fail,
        // the first view freezes it instead (with the regime breakdown still as of completion).
        try
        {
            await reports.FreezeAsync(runId, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Report of run {RunId} not frozen at completion; it will be on first view", runId);
        }
    }

    private static void DisposeAll(IEnumerable<IExecutionStrategy> strategies)
    {
        foreach (var strategy in strategies.OfType<IDisposable>())
        {
            strategy.Dispose();
        }
    }

    /// <summary>Marks the run as running and returns its team and scenario, or null when there is nothing to do.</summary>
    private async Task<(Guid TeamId, string ScenarioJson, bool Counted)?> StartAsync(Guid runId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.Runs.SingleOrDefaultAsync(r => r.Id == runId, ct);
        if (run is null)
        {
            logger.LogWarning("Run {RunId} no longer exists; nothing to do", runId);
            return null;
        }
        if (run.IsFinished)
        {
            logger.LogInformation("Run {RunId} is already {Status}; nothing to do", runId, run.Status);
            return null;
        }
        if (run.CancelRequested)
        {
            run.Status = RunStatus.Cancelled;
            run.FinishedUtc = DateTime.UtcNow;
            await db.SaveChangesAsync(ct);
            return null;
        }
        run.Status = RunStatus.Running;
        run.Attempts++;
        run.Progress = 0;
        run.StartedUtc = DateTime.UtcNow;
        run.HeartbeatUtc = run.StartedUtc;
        run.WorkerName = jobsOptions.WorkerName ?? $"{Environment.MachineName}:{Environment.ProcessId}";
        await db.SaveChangesAsync(ct);
        return (run.TeamId, run.ScenarioJson, run.IsOutOfSample);
    }

    /// <summary>Stores the progress and answers whether a user asked to cancel. While the database is unreachable the run goes on.</summary>
    private async Task<bool> ReportProgressAsync(Guid runId, double fraction, CancellationToken ct)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await db.Runs.Where(r => r.Id == runId && r.Status == RunStatus.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Progress, Math.Min(fraction, 0.99)), ct);
            return await db.Runs.Where(r => r.Id == runId).Select(r => r.CancelRequested).SingleAsync(ct);
        }
        catch (Exception e) when (Outages.IsTransient(e) && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Progress of run {RunId} not stored (database unreachable: {Message})", runId, e.Message);
            return false;
        }
    }

    private async Task MarkInSampleAsync(Guid runId, string reason, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.Runs.Where(r => r.Id == runId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.IsOutOfSample, false).SetProperty(r => r.InSampleReason, reason), ct);
    }

    private async Task BeatAsync(Guid runId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.Runs.Where(r => r.Id == runId && r.Status == RunStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.HeartbeatUtc, DateTime.UtcNow));
    }

    private Task FinishAsync(Guid runId, RunStatus status, string? reason, CancellationToken ct) =>
        Outages.RetryAsync(async () =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await db.Runs.Where(r => r.Id == runId && r.Status != RunStatus.Succeeded)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, status)
                    .SetProperty(r => r.FailureReason, reason)
                    .SetProperty(r => r.FinishedUtc, DateTime.UtcNow), ct);
        }, jobsOptions.OutageTolerance, logger, $"Finishing run {runId}");

    private sealed class RunProgress(int episodes) : IProgress<int>
    {
        private long _done;

        public double Fraction => episodes <= 0 ? 0 : Math.Clamp((double)Interlocked.Read(ref _done) / episodes, 0, 1);

        public void Report(int value)
        {
            // The runner reports the number of episodes completed so far, from any thread.
            long current;
            do
            {
                current = Interlocked.Read(ref _done);
                if (value <= current)
                {
                    return;
                }
            }
            while (Interlocked.CompareExchange(ref _done, value, current) != current);
        }
    }
}
