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

    public PortalDbContext CreateDbContext()
    {
        Interlocked.Increment(ref _created);
        return inner.CreateDbContext();
    }

    public async Task<PortalDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _created);
        return await inner.CreateDbContextAsync(cancellationToken);
    }
}
