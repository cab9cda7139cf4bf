using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Application.Leaderboards;

/// <summary>
/// Leaderboards computed once per state of the team's runs and shared by every request until a run succeeds or one is
/// deleted: each request asks the database only for that state (<see cref="VersionAsync"/>: one index-only count over the
/// team's succeeded runs), never writes, and recomputes nothing while it is unchanged.
/// </summary>
/// <remarks>
/// What a leaderboard rests on is the set of the team's succeeded runs and what was stored with them when they succeeded.
/// Runs are never changed back from Succeeded, so a run added to or removed from that set changes its count or its latest
/// finish or creation time. One process's cache: every portal process keeps its own, and each checks the state per request.
/// </remarks>
public sealed class LeaderboardCache
{
    /// <summary>Entries kept before the cache starts again (filters × orders × pages of a few teams).</summary>
    public const int MaxEntries = 1024;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The state of a team's succeeded runs: how many, the latest finish and the latest creation.</summary>
    public readonly record struct Version(int Runs, DateTime? LastFinishedUtc, DateTime? LastCreatedUtc);

    private sealed record Entry(Version Version, Lazy<Task<object>> Value);

    /// <summary>The current state of the team's succeeded runs (served from the (team, status, finished, created) index).</summary>
    public static async Task<Version> VersionAsync(PortalDbContext db, Guid teamId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var state = await db.Runs.AsNoTracking().Where(r => r.TeamId == teamId && r.Status == RunStatus.Succeeded)
            .GroupBy(r => 1)
            .Select(g => new { Runs = g.Count(), Finished = g.Max(r => r.FinishedUtc), Created = g.Max(r => (DateTime?)r.CreatedUtc) })
            .FirstOrDefaultAsync(ct);
        return state is null ? default : new Version(state.Runs, state.Finished, state.Created);
    }

    /// <summary>The value cached under <paramref name="key"/> for <paramref name="version"/>, computed once by
    /// <paramref name="compute"/> (which must not depend on one request's cancellation) when absent, stale or failed.</summary>
    public async Task<T> GetAsync<T>(string key, Version version, Func<Task<T>> compute) where T : class
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(compute);
        if (_entries.Count > MaxEntries)
        {
            _entries.Clear();
        }
        Entry Fresh() => new(version, new Lazy<Task<object>>(async () => await compute()));
        var entry = _entries.AddOrUpdate(key, _ => Fresh(),
            (_, old) => old.Version == version && !old.Value.Value.IsFaulted && !old.Value.Value.IsCanceled ? old : Fresh());
        try
        {
            return (T)await entry.Value.Value;
        }
        catch
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            throw;
        }
    }
}
