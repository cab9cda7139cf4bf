using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Portal.Data;

/// <summary>
/// A compiled query (<c>EF.CompileAsyncQuery</c>) for each model it runs against. A compiled query binds to the first
/// model it executes with, and SQLite's and PostgreSQL's models differ; one process normally uses one provider, but tests
/// and tools may use both, so each model gets its own compiled delegate.
/// </summary>
/// <typeparam name="TQuery">The delegate <c>EF.CompileAsyncQuery</c> returns.</typeparam>
public sealed class CompiledQuery<TQuery>(Func<TQuery> compile) where TQuery : Delegate
{
    private readonly ConcurrentDictionary<IModel, TQuery> _byModel = new();

    /// <summary>The query compiled for <paramref name="db"/>'s model.</summary>
    public TQuery For(PortalDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return _byModel.GetOrAdd(db.Model, _ => compile());
    }
}
