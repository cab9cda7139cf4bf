using System.Text.Json;
using Hangfire;
using Microsoft.Extensions.Logging;
using Portal.Application.Jobs;
using Portal.Data.Entities;
using Portal.Data.QualityDiversity;
using Portal.Domain.QualityDiversity;
using Portal.Domain.Scenarios;
using Portal.Jobs.Hosting;

namespace Portal.Jobs.QualityDiversity;

/// <summary>
/// Runs a stored MAP-Elites search as jobs: the search's job (<see cref="ExecuteAsync"/>) cuts every generation into
/// candidate ranges and queues the first generation's; each range is its own job (<see cref="ExecuteShardAsync"/>) that any
/// worker takes. A shard rebuilds the archive as it stood before its generation from the stored objectives of every earlier
/// generation (merged in candidate order, <see cref="MapElites.Merge"/>), evaluates its range (<see cref="MapElites.EvaluateBatch"/>)
/// and stores the objectives once; the worker finishing a generation's last shard merges it, records coverage and QD-score
/// and queues the next generation, or, after the last, compares specialists, generalist, router and TWAP out of sample and
/// stores the report.
/// </summary>
/// <remarks>Determinism: candidate i of generation g comes from the stream keyed by (seed, g, i) and the archive after
/// generation g − 1, which every worker rebuilds identically; so the stored archive is the <c>map-elites</c> verb's for the
/// same seed, bit for bit, whatever the number of shards or workers, and a shard delivered twice stores nothing new.</remarks>
public sealed class MapElitesJob(MapElitesStore store, IJobQueue queue, JobsOptions jobsOptions, ILogger<MapElitesJob> logger)
{
    /// <summary>How settings and reports are stored (the scenario format's options, as the verb writes its report).</summary>
    public static JsonSerializerOptions Json => ScenarioJson.Options;

    private string WorkerName => jobsOptions.WorkerName ?? $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>Plans a queued search and queues the shards it waits for (or finishes it when every shard is done). Safe to
    /// deliver again at any time: it resumes where the search stands.</summary>
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("MAP-Elites {0}")]
    public async Task ExecuteAsync(Guid searchId, CancellationToken shutdown)
    {
        var work = await store.ReadAsync(searchId, shutdown);
        if (work is null || work.Status is not (RunStatus.Queued or RunStatus.Running))
        {
            logger.LogInformation("MAP-Elites search {Search} is not waiting to run", searchId);
            return;
        }
        if (!TryParse(work, out var scenario, out var settings, out var error))
        {
            await store.FailAsync(searchId, error, CancellationToken.None);
            return;
        }

        await store.PlanAsync(searchId, g => MapElites.Ranges(settings.CountOf(g), work.ShardsPerGeneration), shutdown);
        var (generation, open) = await store.NextAsync(searchId, work.Generations, shutdown);
        if (generation > 0 && (work.GenerationsDone < generation || generation == work.Generations))
        {
            // Every shard of the previous generation finished but its merge was not recorded (its worker stopped): do it here.
            var evaluator = new CandidateEvaluator(scenario, settings);
            var archive = await RebuildAsync(searchId, evaluator, settings, generation - 2, shutdown);
            await AdvanceAsync(searchId, work, scenario, settings, archive, generation - 1, recovering: true, shutdown);
            return;
        }
        foreach (int shard in open)
        {
            queue.EnqueueMapElitesShard(searchId, generation, shard);
        }
        logger.LogInformation("MAP-Elites search {Search}: generation {Generation} of {Generations}, {Shards} shards queued", searchId, generation + 1,
            work.Generations, open.Count);
    }

    /// <summary>Evaluates one candidate range and, when it completes its generation, merges it and moves the search on.</summary>
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("MAP-Elites {0} generation {1} shard {2}")]
    public async Task ExecuteShardAsync(Guid searchId, int generation, int shard, CancellationToken shutdown)
    {
        var work = await store.ReadAsync(searchId, shutdown);
        if (work is null || work.Status != RunStatus.Running)
        {
            logger.LogInformation("MAP-Elites search {Search} is not running; shard {Generation}/{Shard} has nothing to do", searchId, generation, shard);
            return;
        }
        if (!await store.ReadyAsync(searchId, generation, shutdown))
        {
            // Queued early (a repeated delivery): the generation's parents are not known yet; it is queued again when they are.
            logger.LogInformation("MAP-Elites search {Search}: generation {Generation} waits for the one before", searchId, generation);
            return;
        }
        if (!TryParse(work, out var scenario, out var settings, out var error))
        {
            await store.FailAsync(searchId, error, CancellationToken.None);
            return;
        }
        var range = await store.StartAsync(searchId, generation, shard, WorkerName, shutdown);
        if (range is not var (first, count))
        {
            logger.LogInformation("MAP-Elites search {Search}: shard {Generation}/{Shard} is already done", searchId, generation, shard);
            return;
        }

        MapElitesArchive archive;
        MapElitesBatch? batch;
        CandidateEvaluator evaluator;
        await using (Outages.Heartbeat(() => store.BeatAsync(searchId, generation, shard), jobsOptions.HeartbeatInterval, logger))
        {
            try
            {
                evaluator = new CandidateEvaluator(scenario, settings);
                archive = await RebuildAsync(searchId, evaluator, settings, generation - 1, shutdown);
                batch = await EvaluateUnlessCancelledAsync(searchId, evaluator, archive, settings, generation, shard, first, count, shutdown);
            }
            catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
            {
                logger.LogInformation("MAP-Elites search {Search}: shard {Generation}/{Shard} interrupted by shutdown", searchId, generation, shard);
                throw;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or ArithmeticException)
            {
                logger.LogError(e, "MAP-Elites search {Search}: shard {Generation}/{Shard} failed", searchId, generation, shard);
                await store.FailAsync(searchId, $"Generation {generation + 1}, shard {shard + 1}: {e.GetType().Name}: {e.Message}", CancellationToken.None);
                return;
            }
        }

        if (batch is null) return;

        int done = 0, total = 0;
        await Outages.RetryAsync(async () => (done, total) = await store.CompleteAsync(searchId, generation, shard, batch.Objectives, WorkerName, CancellationToken.None),
            jobsOptions.OutageTolerance, logger, $"Storing MAP-Elites shard {generation}/{shard} of {searchId}");
        logger.LogInformation("MAP-Elites search {Search}: generation {Generation} shard {Shard} done ({Done}/{Total}), candidates {First}–{Last}",
            searchId, generation, shard, done, total, first, first + count - 1);
        if (done == total && await store.IsRunningAsync(searchId, CancellationToken.None))
        {
            await AdvanceAsync(searchId, work, scenario, settings, archive, generation, recovering: false, CancellationToken.None);
        }
    }

    /// <summary>
    /// Evaluates candidates <paramref name="first"/> … <paramref name="first"/> + <paramref name="count"/> − 1 in slices of a few
    /// simulation blocks per core, asking before each slice after the first whether the search is still running: a search
    /// cancelled meanwhile stops this shard at that candidate boundary, and null is returned (nothing is stored).
    /// </summary>
    /// <remarks>Slicing changes no number: each candidate's objectives depend on its own episodes only (see
    /// <see cref="CandidateEvaluator"/>).</remarks>
    private async Task<MapElitesBatch?> EvaluateUnlessCancelledAsync(Guid searchId, CandidateEvaluator evaluator, MapElitesArchive archive, MapElitesSettings settings,
        int generation, int shard, int first, int count, CancellationToken shutdown)
    {
        var genomes = MapElites.Generate(archive, settings, generation, first, count);
        int p = LinearPolicy.ParameterCount, niches = evaluator.Grid.Count;
        var objectives = new double[count * niches];
        int slice = Math.Max(1, CandidateEvaluator.TargetBatch / settings.EpisodesPerNiche) * Environment.ProcessorCount * 4;
        for (int at = 0; at < count; at += slice)
        {
            if (at > 0 && !await store.IsRunningAsync(searchId, shutdown))
            {
                logger.LogInformation("MAP-Elites search {Search} is no longer running: shard {Generation}/{Shard} stopped after {Done} of {Count} candidates, storing nothing",
                    searchId, generation, shard, at, count);
                return null;
            }
            int from = at, n = Math.Min(slice, count - at);
            await Task.Run(() => evaluator.Evaluate(genomes.AsSpan(from * p, n * p), objectives.AsSpan(from * niches, n * niches), null, shutdown), CancellationToken.None);
        }

        return new MapElitesBatch(generation, first, count, objectives);
    }

    /// <summary>The archive after generations 0 … <paramref name="throughGeneration"/>, rebuilt from their stored objectives.</summary>
    private async Task<MapElitesArchive> RebuildAsync(Guid searchId, CandidateEvaluator evaluator, MapElitesSettings settings, int throughGeneration, CancellationToken ct)
    {
        var archive = MapElites.NewArchive(evaluator);
        if (throughGeneration < 0) return archive;
        var results = await store.ResultsAsync(searchId, throughGeneration, ct);
        foreach (var generation in results.GroupBy(r => r.Generation).OrderBy(g => g.Key))
        {
            if (generation.Key != archive.Iterations.Count)
                throw new InvalidOperationException($"Generation {archive.Iterations.Count} has no stored objectives.");
            MapElites.Merge(archive, settings, generation.Key, [.. generation.Select(r => new MapElitesBatch(r.Generation, r.First, r.Count, r.Objectives))]);
        }
        if (archive.Iterations.Count != throughGeneration + 1)
            throw new InvalidOperationException($"Generations 0 to {throughGeneration} must be stored before generation {throughGeneration + 1} starts.");
        return archive;
    }

    /// <summary>Merges generation <paramref name="generation"/> into the archive as it stood before it, records the progress,
    /// and queues the next generation or stores the report.</summary>
    private async Task AdvanceAsync(Guid searchId, MapElitesWork work, Scenario scenario, MapElitesSettings settings, MapElitesArchive archive, int generation,
        bool recovering, CancellationToken ct)
    {
        try
        {
            var batches = await store.ResultsAsync(searchId, generation, ct);
            MapElites.Merge(archive, settings, generation, [.. batches.Where(b => b.Generation == generation)
                .Select(r => new MapElitesBatch(r.Generation, r.First, r.Count, r.Objectives))]);
        }
        catch (ArgumentException e)
        {
            logger.LogError(e, "MAP-Elites search {Search}: generation {Generation} could not be merged", searchId, generation);
            await store.FailAsync(searchId, $"Generation {generation + 1} could not be merged: {e.Message}", CancellationToken.None);
            return;
        }

        bool moved = false;
        await Outages.RetryAsync(async () => moved |= await store.RecordGenerationAsync(searchId, generation, JsonSerializer.Serialize(archive.Iterations, Json), CancellationToken.None),
            jobsOptions.OutageTolerance, logger, $"Recording generation {generation} of MAP-Elites search {searchId}");
        if (!moved && !recovering)
        {
            // Another worker finished this generation's last shard at the same moment and moves the search on: queuing the
            // next generation (or comparing the final archive on held-out episodes) twice would only repeat its work.
            logger.LogInformation("MAP-Elites search {Search}: generation {Generation} was moved on by another worker", searchId, generation + 1);
            return;
        }
        if (!await store.IsRunningAsync(searchId, ct))
        {
            // Cancelled meanwhile: the archive it had then is its result; nothing more is queued or compared.
            logger.LogInformation("MAP-Elites search {Search} is no longer running; generation {Generation} ends it", searchId, generation + 1);
            return;
        }
        if (generation + 1 < work.Generations)
        {
            foreach (int shard in await store.UnfinishedAsync(searchId, generation + 1, ct))
            {
                queue.EnqueueMapElitesShard(searchId, generation + 1, shard);
            }
            return;
        }

        double wall = work.StartedUtc is { } started ? Math.Max(0, (DateTime.UtcNow - started).TotalSeconds) : 0;
        var comparisons = work.HoldoutEpisodes > 0
            ? await Task.Run(() => SpecialistComparison.Run(scenario, archive, settings.Seed, work.HoldoutEpisodes), CancellationToken.None)
            : [];
        var report = MapElitesReport.Of(scenario, settings, archive, comparisons) with { WallSeconds = wall };
        await Outages.RetryAsync(() => store.SucceedAsync(searchId, JsonSerializer.Serialize(report, Json), CancellationToken.None),
            jobsOptions.OutageTolerance, logger, $"Storing MAP-Elites search {searchId}");
        logger.LogInformation("MAP-Elites search {Search} succeeded: {Candidates} candidates, coverage {Coverage:P0}, QD-score {QdScore:F2} bps",
            searchId, settings.Candidates, report.Coverage, report.QdScore);
    }

    private static bool TryParse(MapElitesWork work, out Scenario scenario, out MapElitesSettings settings, out string error)
    {
        try
        {
            scenario = ScenarioJson.Parse(work.ScenarioJson);
            settings = (JsonSerializer.Deserialize<MapElitesSettings>(work.SettingsJson, Json) ?? throw new JsonException("Empty settings.")).EnsureValid();
            error = "";
            return true;
        }
        catch (Exception e) when (e is ScenarioValidationException or JsonException or ArgumentException)
        {
            scenario = null!;
            settings = null!;
            error = "Invalid search: " + e.Message;
            return false;
        }
    }
}
