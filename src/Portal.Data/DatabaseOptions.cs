namespace Portal.Data;

public enum DatabaseProvider
{
    /// <summary>A local file: the embedded default, nothing to install.</summary>
    Sqlite,
    /// <summary>Production: shared by the web app and any number of workers.</summary>
    Postgres,
}

/// <summary>Bound from the <c>Database</c> configuration section (environment: <c>Database__Provider</c>, <c>Database__ConnectionString</c>).</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>For SQLite defaults to a file under the app's data folder; required for PostgreSQL.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending migrations when the process starts.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    public string ResolveConnectionString(string contentRoot)
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString))
        {
            return ConnectionString;
        }
        if (Provider == DatabaseProvider.Postgres)
        {
            throw new InvalidOperationException(
                "Database:ConnectionString is required when Database:Provider is Postgres " +
                "(for example Host=127.0.0.1;Port=5432;Database=executionlab;Username=portal;Password=...).");
        }
        var folder = Path.Combine(contentRoot, "data");
        Directory.CreateDirectory(folder);
        return $"Data Source={Path.Combine(folder, "executionlab.db")}";
    }
}
