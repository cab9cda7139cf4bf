using Microsoft.EntityFrameworkCore;
using Portal.Application.Agents;
using Portal.Data;
using Portal.Data.Entities;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Strategies;

namespace Portal.Application.Reports;

/// <summary>
/// What one episode of a stored run looked like, step by step, for the run page's episode explorer: re-simulated from the
/// run's stored scenario and seed (episode i is the random stream (seed, i) whatever batch it ran in), with the same
/// trained policies the run used; nothing is stored.
/// </summary>
public sealed class EpisodeExplorer(IDbContextFactory<PortalDbContext> dbFactory, IAgentStrategyLoader? agents = null)
{
    /// <summary>The trace of episode <paramref name="episode"/> of a succeeded run of the team, or an explanation of why
    /// there is none (replay runs, unreadable scenarios, agents no longer loadable). Null when the team has no such run.</summary>
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

        if (scenario.Replay is not null)
        {
            return new EpisodeExploration(null, "A replay run trades windows of a recorded market: the explorer re-simulates simulated runs only.");
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

        var trace = await Task.Run(() => EpisodeTracer.Trace(scenario, episode, extras), ct);
        return new EpisodeExploration(trace, null);
    }
}

/// <summary>An episode's trace, or why there is none.</summary>
/// <param name="Trace">The re-simulated episode; null exactly when <paramref name="Unavailable"/> says why.</param>
/// <param name="Unavailable">Why the run's episodes cannot be re-simulated.</param>
public sealed record EpisodeExploration(EpisodeTrace? Trace, string? Unavailable);
