using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Application.Agents;
using Portal.Data;
using Portal.Data.Datasets;
using Portal.Data.Entities;
using Portal.Domain.Backtesting;
using Portal.Domain.MarketData;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;
using Portal.Domain.Strategies;

namespace Portal.Application.Reports;

/// <summary>
/// What one episode of a stored run looked like, step by step, for the run page's episode explorer: re-simulated from the
/// run's stored scenario and seed (episode i is the random stream (seed, i) whatever batch it ran in), with the same
/// trained policies the run used; nothing is stored. A replay run's episode i is its market window i, replayed alone on
/// the team's stored recording (<see cref="ReplayRunner.Trace"/>): the recorded touch over the window, every child's
/// market, limit and expiry fills, and nothing recorded after the window.
/// </summary>
public sealed class EpisodeExplorer(IDbContextFactory<PortalDbContext> dbFactory, IAgentStrategyLoader? agents = null)
{
    /// <summary>The trace of episode <paramref name="episode"/> of a succeeded run of the team, or an explanation of why
    /// there is none (unreadable scenarios, a replayed recording since deleted, agents no longer loadable). Null when the team has no such run.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="episode"/> is outside the run's episodes.</exception>
    public async Task<EpisodeExploration?> TraceAsync(Guid teamId, Guid runId, int episode, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var run = await db.Runs.AsNoTracking().Where(r => r.Id == runId && r.TeamId == teamId && r.Status == RunStatus.Succeeded)
            .Select(r => new { r.ScenarioJson, r.Episodes }).SingleOrDefaultAsync(ct);
        if (run is null)
        {
            return null;
        }

        if (episode < 0 || episode >= run.Episodes)
        {
            throw new ArgumentOutOfRangeException(nameof(episode), episode, $"episode must be in [0, {run.Episodes}).");
        }

        Scenario scenario;
        try
        {
            scenario = ScenarioJson.Parse(run.ScenarioJson);
        }
        catch (Exception e) when (e is ScenarioValidationException or System.Text.Json.JsonException or ArgumentException)
        {
            return new EpisodeExploration(null, "The run's stored scenario no longer reads, so its episodes cannot be re-simulated.");
        }

        MarketDataset? dataset = null;
        if (scenario.Replay is { } replay)
        {
            dataset = await new DatasetStore(dbFactory).LoadAsync(teamId, replay.DatasetId, ct);
            if (dataset is null)
            {
                return new EpisodeExploration(null, "The recording this run replayed is no longer among the team's datasets, so its windows cannot be replayed again.");
            }
        }

        var extras = new List<Portal.Domain.Simulation.IExecutionStrategy>();
        if (scenario.Strategies.Any(StrategyId.IsAgentId))
        {
            if (agents is null)
            {
                return new EpisodeExploration(null, "Trained agents cannot be loaded here, so this run's episodes cannot be re-simulated.");
            }

            try
            {
                extras = await agents.LoadAsync(teamId, scenario.Strategies, ct, scenario.StrategySettings.AgentSeed);
            }
            catch (ArgumentException e)
            {
                return new EpisodeExploration(null, "An agent of this run can no longer be loaded: " + e.Message);
            }
        }

        try
        {
            if (dataset is null)
            {
                var trace = await Task.Run(() => EpisodeTracer.Trace(scenario, episode, extras), ct);
                return new EpisodeExploration(trace, null);
            }

            var replayed = await Task.Run(() => ReplayRunner.Trace(scenario, dataset, episode, scenario.Replay!.Options, extras), ct);
            return Replayed(replayed, dataset);
        }
        finally
        {
            foreach (var strategy in extras.OfType<IDisposable>())
            {
                strategy.Dispose();
            }
        }
    }

    /// <summary>A replayed window's trace with its name and the exchange clock it reads on.</summary>
    private static EpisodeExploration Replayed(EpisodeTrace trace, MarketDataset dataset)
    {
        var window = trace.Window!;
        var zone = ExchangeTimeZone.Of(dataset.Summary.Format);
        var start = ExchangeClock(window.StartNs);
        var end = ExchangeClock(window.EndNs);
        var clock = SessionClock.Exchange(zone, DateOnly.FromDateTime(start), TimeOnly.FromDateTime(start), trace.StepMinutes);
        // To the nearest second, as the chart's clock reads.
        static string T(DateTime t)
        {
            var r = new DateTime((t.Ticks + TimeSpan.TicksPerSecond / 2) / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, DateTimeKind.Unspecified);
            return r.ToString(r.Second == 0 ? "HH:mm" : "HH:mm:ss", CultureInfo.InvariantCulture);
        }
        var name = string.Create(CultureInfo.InvariantCulture,
            $"window {window.Index + 1} of {window.Count}, {start:yyyy-MM-dd} {T(start)}–{T(end)} {zone}");
        return new EpisodeExploration(trace, null) { Window = name, Clock = clock };
    }

    /// <summary>Nanoseconds since 1970 on the exchange's clock as a wall-clock time of that clock.</summary>
    private static DateTime ExchangeClock(long ns) => DateTime.SpecifyKind(DateTime.UnixEpoch.AddTicks(ns / 100), DateTimeKind.Unspecified);
}

/// <summary>An episode's trace, or why there is none.</summary>
/// <param name="Trace">The re-simulated (or replayed) episode; null exactly when <paramref name="Unavailable"/> says why.</param>
/// <param name="Unavailable">Why the run's episodes cannot be re-simulated.</param>
public sealed record EpisodeExploration(EpisodeTrace? Trace, string? Unavailable)
{
    /// <summary>For a replay, the market window the episode traded, as people read it:
    /// "window 3 of 6, 2012-06-21 10:30–11:00 America/New_York" (exchange time); null for a simulated episode.</summary>
    public string? Window { get; init; }

    /// <summary>For a replay, the exchange clock of this window (step 0 at its start); null to read the run's own clock.</summary>
    public SessionClock? Clock { get; init; }
}
