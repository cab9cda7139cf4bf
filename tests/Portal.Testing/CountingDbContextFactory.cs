using Microsoft.EntityFrameworkCore;
using Portal.Data;

namespace Portal.Testing;

/// <summary>A context factory for tests that counts the contexts created through it, so a test can tell how many
/// database reads a use case made (each of the portal's reads opens its own context). Safe to call from several threads.</summary>
public sealed class CountingDbContextFactory(IDbContextFactory<PortalDbContext> inner) : IDbContextFactory<PortalDbContext>
{
    private int _created;

    /// <summary>Contexts created so far.</summary>
    public int Created => Volatile.Read(ref _created);

    /// <summary>When set, <see cref="CreateDbContextAsync"/> counts the context at once but creates it only when this task
    /// completes, so a test can hold a read in flight for as long as it needs (instead of hoping the database is slow).</summary>
    public Task? Gate { get; set; }

    public PortalDbContext CreateDbContext()
    {
        Interlocked.Increment(ref _created);
        return inner.CreateDbContext();
    }

    public async Task<PortalDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _created);
        if (Gate is { } gate)
        {
            await gate.WaitAsync(cancellationToken);
        }
        return await inner.CreateDbContextAsync(cancellationToken);
    }
}
