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

    /// <summary>
    /// For SQLite defaults to <see cref="DefaultSqliteFile"/>, the file the portal and the command line share; required
    /// for PostgreSQL.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending migrations when the process starts.</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>
    /// The embedded default database, one file per user wherever a process starts: <c>executionlab.db</c> in the
    /// <c>ExecutionLab</c> folder of the user's local application data (<c>$XDG_DATA_HOME</c> or
    /// <c>~/.local/share</c> on Linux, <c>%LOCALAPPDATA%</c> on Windows), so <c>dotnet run --project src/Portal.Web</c>, the
    /// published portal and <c>Portal.Jobs import</c> open the same one. Null when the user has no such folder.
    /// </summary>
    public static string? DefaultSqliteFile
    {
        get
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            return string.IsNullOrWhiteSpace(home) || !Path.IsPathRooted(home) ? null : Path.Combine(home, "ExecutionLab", "executionlab.db");
        }
    }

    /// <param name="contentRoot">Used only when the user has no local application data folder: the database is then
    /// <c>data/executionlab.db</c> under it.</param>
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
        var file = DefaultSqliteFile ?? Path.Combine(contentRoot, "data", "executionlab.db");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        return $"Data Source={file}";
    }

    /// <summary>Names the database for people, without secrets: the SQLite file, or PostgreSQL's host, port and database.</summary>
    public string Describe()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            return $"{Provider} database (not resolved)";
        }
        if (Provider == DatabaseProvider.Sqlite)
        {
            return $"SQLite database {new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource}";
        }
        var pg = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
        return $"PostgreSQL database {pg.Database} on {pg.Host}:{pg.Port}";
    }
}
