using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Data.Entities;

namespace Portal.Application.Leaderboards;

/// <summary>
/// Leaderboards computed once per state of the team's runs and shared by every request until a run succeeds or one is
/// deleted: each request asks the database only for that state (<see cref="CurrentVersionAsync"/>: one index-only count
/// over the team's succeeded runs, served from the (team, status, finished, created) index and shared by requests that
/// arrive together), never writes, and
/// recomputes nothing while it is unchanged.
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

    private static readonly CompiledQuery<Func<PortalDbContext, Guid, CancellationToken, Task<Version>>> ReadVersion = new(() =>
        EF.CompileAsyncQuery((PortalDbContext db, Guid teamId, CancellationToken ct) =>
            db.Runs.AsNoTracking().Where(r => r.TeamId == teamId && r.Status == RunStatus.Succeeded)
                .GroupBy(r => 1)
                .Select(g => new Version(g.Count(), g.Max(r => r.FinishedUtc), g.Max(r => (DateTime?)r.CreatedUtc)))
                .FirstOrDefault()));

    /// <summary>Reads of a team's state: the one in flight, and the one that starts when it ends.</summary>
    private sealed class Reads
    {
        public TaskCompletionSource<Version>? Running;
        public TaskCompletionSource<Version>? Next;
    }

    private readonly ConcurrentDictionary<Guid, Reads> _reads = new();

    /// <summary>
    /// The state of the team's succeeded runs as of a read that started after this call: requests that arrive together
    /// share one read. A request joins the read queued to start when the one in flight ends (or starts one when none is in
    /// flight), never the one already in flight, which may have read before the request arrived; so a request never sees an
    /// older state than the database held when it asked, and under load the database answers one state read per read's
    /// duration instead of one per request.
    /// </summary>
    public Task<Version> CurrentVersionAsync(IDbContextFactory<PortalDbContext> dbFactory, Guid teamId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dbFactory);
        var reads = _reads.GetOrAdd(teamId, _ => new Reads());
        TaskCompletionSource<Version> mine;
        lock (reads)
        {
            if (reads.Next is { } queued)
            {
                mine = queued;
            }
            else
            {
                mine = new TaskCompletionSource<Version>(TaskCreationOptions.RunContinuationsAsynchronously);
                if (reads.Running is null)
                {
                    reads.Running = mine;
                    _ = ReadAsync(dbFactory, teamId, reads, mine);
                }
                else
                {
                    reads.Next = mine;
                }
            }
        }
        return mine.Task.WaitAsync(ct);
    }

    private static async Task ReadAsync(IDbContextFactory<PortalDbContext> dbFactory, Guid teamId, Reads reads, TaskCompletionSource<Version> read)
    {
        while (true)
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
                read.SetResult(await ReadVersion.For(db)(db, teamId, CancellationToken.None));
            }
            catch (Exception e)
            {
                read.SetException(e);
            }
            lock (reads)
            {
                var next = reads.Next;
                reads.Running = next;
                reads.Next = null;
                if (next is null)
                {
                    return;
                }
                read = next;
            }
        }
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
