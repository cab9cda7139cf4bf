using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Portal.Application.Jobs;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Data.Runs;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies;
using Portal.Jobs.Hosting;

namespace Portal.Jobs.Runs;

/// <summary>
/// Runs a simulated run as shards: the run's job cuts it into episode ranges of whole batches (<see cref="PlanAsync"/>),
/// each shard is its own job that any worker can take (<see cref="ExecuteAsync"/>), and the worker finishing the last
/// shard merges them in episode order into the result one job would have stored, bit for bit
/// (<see cref="BacktestRunner.Merge"/>). Each shard stores its own episodes as the run's episode blocks
/// (<see cref="EpisodeStore"/>) and, in the same transaction, a partial result without them; the merge reads the
/// episodes' shortfalls back for the paired statistics and stores only the summaries. A shard's result is stored once
/// under (run, shard), so a shard delivered twice changes nothing; a shard whose worker stops heart-beating is queued
/// again by the <see cref="JobWatchdog"/>.
/// </summary>
public sealed class RunShardJob(
    IDbContextFactory<PortalDbContext> dbFactory,
    RunShardStore shards,
    RunResultStore results,
    EpisodeStore episodes,
    Portal.Application.Reports.RunReports reports,
    Agents.AgentStrategies agents,
    IJobQueue queue,
    JobsOptions jobsOptions,
    ILogger<RunShardJob> logger)
{
    private static readonly TimeSpan CancelPollInterval = TimeSpan.FromMilliseconds(500);

    private string WorkerName => jobsOptions.WorkerName ?? $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>
    /// Called by the run's job once the run is started and its agents loaded: cuts a simulated run longer than
    /// <see cref="JobsOptions.EpisodesPerShard"/> into shards (searching the best static schedule once, for all of them) and
    /// queues every shard not yet finished. Answers false when the run is one job (short, or never cut before).
    /// </summary>
    public async Task<bool> PlanAsync(Guid runId, Scenario scenario, IReadOnlyList<IExecutionStrategy> extra, CancellationToken ct)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            int planned = await db.Runs.Where(r => r.Id == runId).Select(r => r.Shards).SingleAsync(ct);
            if (planned == 0)
            {
                var ranges = BacktestPlan.ShardRanges(scenario.Episodes, Math.Max(1, jobsOptions.EpisodesPerShard));
                if (ranges.Count < 2)
                {
                    return false;
                }
                // The plan every shard shares: strategies that take work to build are built here, once.
                var plan = BacktestPlan.Create(scenario, new BacktestOptions { ExtraStrategies = extra });
                await shards.PlanAsync(runId, ranges, ShardPlan.From(plan).ToJson(), ct);
                logger.LogInformation("Run {RunId} cut into {Shards} shards of up to {Episodes} episodes", runId, ranges.Count, ranges[0].Count);
            }
        }

        var unfinished = await shards.UnfinishedAsync(runId, ct);
        if (unfinished.Count == 0)
        {
            // Every shard finished but the merge did not complete (its worker stopped): merge here.
            await MergeAsync(runId, ct);
            return true;
        }
        foreach (int shard in unfinished)
        {
            queue.EnqueueShard(runId, shard);
        }
        return true;
    }

    // A failing shard fails the same way every time; crashed workers are covered by the storage's re-delivery and the watchdog.
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Backtest run {0} shard {1}")]
    public async Task ExecuteAsync(Guid runId, int shard, CancellationToken shutdown)
    {
        Guid teamId;
        string scenarioJson;
        await using (var db = await dbFactory.CreateDbContextAsync(shutdown))
        {
            var run = await db.Runs.Where(r => r.Id == runId && r.Status == RunStatus.Running && !r.CancelRequested)
                .Select(r => new { r.TeamId, r.ScenarioJson }).SingleOrDefaultAsync(shutdown);
            if (run is null)
            {
                await CancelIfRequestedAsync(db, runId, shutdown);
                logger.LogInformation("Run {RunId} is not running; shard {Shard} has nothing to do", runId, shard);
                return;
            }
            (teamId, scenarioJson) = (run.TeamId, run.ScenarioJson);
        }

        var work = await shards.StartAsync(runId, shard, WorkerName, shutdown);
        if (work is null)
        {
            logger.LogInformation("Shard {Shard} of run {RunId} is already done", shard, runId);
            return;
        }
        await using var heartbeat = Outages.Heartbeat(() => shards.BeatAsync(runId, shard), jobsOptions.HeartbeatInterval, logger);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var cpuAtStart = Environment.CpuUsage.TotalTime;
        BacktestPartial partial;
        BacktestPlan plan;
        var extra = new List<IExecutionStrategy>();
        try
        {
            var scenario = ScenarioJson.Parse(scenarioJson);
            extra.AddRange(await agents.LoadAsync(teamId, scenario.Strategies, shutdown, scenario.StrategySettings.AgentSeed));
            extra.AddRange(ShardPlan.Parse(work.PlanJson).Strategies());
            plan = BacktestPlan.Create(scenario, new BacktestOptions { ExtraStrategies = extra });
            using var cancel = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
            var running = Task.Run(() => BacktestRunner.RunEpisodes(plan, work.FirstEpisode, work.Episodes, null, null, cancel.Token), CancellationToken.None);
            using var ticker = new PeriodicTimer(CancelPollInterval);
            while (!running.IsCompleted)
            {
                await Task.WhenAny(running, ticker.WaitForNextTickAsync(CancellationToken.None).AsTask());
                if (!running.IsCompleted && await IsCancelRequestedAsync(runId, shutdown))
                {
                    await cancel.CancelAsync();
                }
            }
            partial = await running;
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            logger.LogInformation("Shard {Shard} of run {RunId} interrupted by shutdown; it will be picked up again", shard, runId);
            throw;
        }
        catch (OperationCanceledException)
        {
            await FinishAsync(runId, RunStatus.Cancelled, null);
            return;
        }
        catch (Exception e) when (e is ArgumentException or ScenarioValidationException or JsonException or InvalidOperationException or ArithmeticException)
        {
            logger.LogError(e, "Shard {Shard} of run {RunId} failed", shard, runId);
            await FinishAsync(runId, RunStatus.Failed, $"Shard {shard + 1}: {e.GetType().Name}: {e.Message}");
            return;
        }
        finally
        {
            foreach (var strategy in extra.OfType<IDisposable>())
            {
                strategy.Dispose();
            }
        }

        var simulated = clock.Elapsed;
        var cpuSimulated = Environment.CpuUsage.TotalTime - cpuAtStart;
        // The shard's episodes go to the run's episode blocks, once, by this shard; its partial result keeps only what the
        // merge needs besides them.
        List<PackedEpisodes> blocks = partial.KeepEpisodes
            ? [.. Enumerable.Range(0, plan.VisibleCount).Select(s => PackedEpisodes.Pack(s, work.FirstEpisode, partial.EpisodesOf(s)))]
            : [];
        var data = partial.ToBytes(withEpisodes: blocks.Count == 0);
        var packed = clock.Elapsed;
        int done = 0, total = 0;
        bool merge = false;
        await Outages.RetryAsync(async () => (done, total, merge) = await shards.CompleteAsync(runId, shard, data, blocks, WorkerName, CancellationToken.None),
            jobsOptions.OutageTolerance, logger, $"Storing shard {shard} of run {runId}");
        // Where a shard's time goes, wall and processor time apart: a shard slower than its processor time waited for a core.
        logger.LogInformation("Shard {Shard} of run {RunId} done ({Done}/{Total}): episodes {First}–{Last}; planned and simulated in "
            + "{SimulateMs:F0} ms ({SimulateCpuMs:F0} ms of the process's processor time), {Bytes} bytes of partial result and "
            + "{BlockBytes} bytes of episode blocks packed in {PackMs:F0} ms and stored in {StoreMs:F0} ms", shard, runId, done, total,
            work.FirstEpisode, work.FirstEpisode + work.Episodes - 1, simulated.TotalMilliseconds, cpuSimulated.TotalMilliseconds,
            data.Length, blocks.Sum(b => (long)b.Data.Length), (packed - simulated).TotalMilliseconds, (clock.Elapsed - packed).TotalMilliseconds);
        // Only the worker whose shard completed the set merges (two shards finishing together would otherwise both merge).
        if (merge)
        {
            await MergeAsync(runId, CancellationToken.None);
        }
    }

    /// <summary>Merges the run's finished shards in episode order and stores the result and its frozen report (unless
    /// another worker already did: the store keeps one copy).</summary>
    private async Task MergeAsync(Guid runId, CancellationToken ct)
    {
        Guid teamId;
        string scenarioJson;
        string? planJson;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var run = await db.Runs.AsNoTracking().Where(r => r.Id == runId).Select(r => new { r.TeamId, r.ScenarioJson, r.ShardPlanJson, r.Status }).SingleOrDefaultAsync(ct);
            if (run is null || run.Status != RunStatus.Running)
            {
                return;
            }
            (teamId, scenarioJson, planJson) = (run.TeamId, run.ScenarioJson, run.ShardPlanJson);
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var cpuAtStart = Environment.CpuUsage.TotalTime;
        var stored = await shards.ReadAsync(runId, ct);
        if (stored is null)
        {
            logger.LogInformation("Run {RunId} already has its merged result", runId);
            return;
        }

        var scenario = ScenarioJson.Parse(scenarioJson);
        var extra = new List<IExecutionStrategy>();
        BacktestResult result;
        List<PackedEpisodes> carried;
        TimeSpan read = default, merged = default;
        try
        {
            extra.AddRange(await agents.LoadAsync(teamId, scenario.Strategies, ct, scenario.StrategySettings.AgentSeed));
            extra.AddRange(ShardPlan.Parse(planJson).Strategies());
            var plan = BacktestPlan.Create(scenario, new BacktestOptions { ExtraStrategies = extra });
            read = clock.Elapsed;
            var partials = stored.Select(BacktestPartial.FromBytes).ToList();
            result = BacktestRunner.Merge(plan, partials);
            // Shards stored before shards stored their own episode blocks carry their episodes in their partial result.
            carried = [.. partials.Where(p => p.KeepEpisodes)
                .SelectMany(p => Enumerable.Range(0, plan.VisibleCount).Select(s => PackedEpisodes.Pack(s, p.First, p.EpisodesOf(s))))];
            merged = clock.Elapsed;
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            logger.LogError(e, "Run {RunId}: shards could not be merged", runId);
            await FinishAsync(runId, RunStatus.Failed, "Shards could not be merged: " + e.Message);
            return;
        }
        finally
        {
            foreach (var strategy in extra.OfType<IDisposable>())
            {
                strategy.Dispose();
            }
        }

        // The episodes are stored already (by the shards): read back only their numbers and shortfalls, for the paired statistics.
        Dictionary<int, EpisodeColumns> shortfalls = [];
        await Outages.RetryAsync(async () =>
        {
            await episodes.AddMissingAsync(runId, carried, CancellationToken.None);
            shortfalls = (await episodes.ReadShortfallsAsync([runId], CancellationToken.None)).ToDictionary(e => e.Key.StrategyIndex, e => e.Value);
        }, jobsOptions.OutageTolerance, logger, $"Reading the episodes of run {runId}");
        try
        {
            await Outages.RetryAsync(() => results.SaveMergedAsync(runId, result, shortfalls, CancellationToken.None), jobsOptions.OutageTolerance, logger, $"Storing run {runId}");
        }
        catch (ArgumentException e)
        {
            logger.LogError(e, "Run {RunId}: shards' episodes do not match the merged result", runId);
            await FinishAsync(runId, RunStatus.Failed, "Shards could not be merged: " + e.Message);
            return;
        }
        var saved = clock.Elapsed;
        try
        {
            await reports.FreezeAsync(runId, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Report of run {RunId} not frozen at completion; it will be on first view", runId);
        }
        logger.LogInformation("Run {RunId} succeeded: {Strategies} strategies × {Episodes} episodes merged from {Shards} shards; read and "
            + "planned in {ReadMs:F0} ms, unpacked and merged in {MergeMs:F0} ms, shortfalls read back and stored in {SaveMs:F0} ms, report frozen in {FreezeMs:F0} ms; "
            + "{CpuMs:F0} ms of the process's processor time in all", runId,
            result.Strategies.Count, result.Episodes, stored.Count, read.TotalMilliseconds, (merged - read).TotalMilliseconds,
            (saved - merged).TotalMilliseconds, (clock.Elapsed - saved).TotalMilliseconds,
            (Environment.CpuUsage.TotalTime - cpuAtStart).TotalMilliseconds);
    }

    private async Task<bool> IsCancelRequestedAsync(Guid runId, CancellationToken ct)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            return await db.Runs.Where(r => r.Id == runId).Select(r => r.CancelRequested || r.Status != RunStatus.Running).SingleAsync(ct);
        }
        catch (Exception e) when (Outages.IsTransient(e) && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async Task CancelIfRequestedAsync(PortalDbContext db, Guid runId, CancellationToken ct) =>
        await db.Runs.Where(r => r.Id == runId && r.Status == RunStatus.Running && r.CancelRequested)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatus.Cancelled).SetProperty(r => r.FinishedUtc, DateTime.UtcNow), ct);

    private Task FinishAsync(Guid runId, RunStatus status, string? reason) =>
        Outages.RetryAsync(async () =>
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            await db.Runs.Where(r => r.Id == runId && (r.Status == RunStatus.Running || r.Status == RunStatus.Queued))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, status)
                    .SetProperty(r => r.FailureReason, reason)
                    .SetProperty(r => r.FinishedUtc, DateTime.UtcNow));
        }, jobsOptions.OutageTolerance, logger, $"Finishing run {runId}");
}

/// <summary>
/// What every shard of a run shares that takes work to build, stored with the run (<see cref="Run.ShardPlanJson"/>): the
/// best static schedule, searched once before the run is cut, so every shard runs the same schedule without searching.
/// </summary>
/// <param name="Version">Format version (1).</param>
/// <param name="Schedules">Schedules built once: id, name, holdings (fractions of the order, steps + 1 points) and warnings.</param>
public sealed record ShardPlan(int Version, IReadOnlyList<ShardPlan.Schedule> Schedules)
{
    /// <summary>A schedule built once for every shard.</summary>
    public sealed record Schedule(string Id, string Name, double[] Holdings, IReadOnlyList<string> Warnings);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The schedules of <paramref name="plan"/> worth building once (the best static schedule).</summary>
    public static ShardPlan From(BacktestPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return new ShardPlan(1, [.. plan.Strategies.OfType<ScheduleStrategy>()
            .Where(s => StrategyId.BestStatic.Is(s.Id))
            .Select(s => new Schedule(s.Id, s.DisplayName, s.HoldingsFraction, s.Warnings))]);
    }

    /// <summary>Reads a stored plan; an absent one has no schedules.</summary>
    /// <exception cref="JsonException">The stored plan is not one.</exception>
    public static ShardPlan Parse(string? json) =>
        string.IsNullOrEmpty(json) ? new ShardPlan(1, []) : JsonSerializer.Deserialize<ShardPlan>(json, Json) ?? throw new JsonException("Empty shard plan.");

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The stored schedules as strategies, to hand to every shard as extra strategies.</summary>
    public IEnumerable<IExecutionStrategy> Strategies() =>
        Schedules.Select(s => new ScheduleStrategy(s.Id, s.Name, s.Holdings) { Warnings = s.Warnings });
}
