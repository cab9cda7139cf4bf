using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Jobs.Cli;
using Portal.Testing;

namespace Portal.Jobs.Tests.Cli;

/// <summary>
/// The command line opens the portal's default database from any folder, so <c>import --team "Demo desk"</c> finds the
/// team the portal created; one-shot verbs print their one-line summary and nothing else unless asked to be verbose.
/// </summary>
public sealed class SharedDatabaseTests : IDisposable
{
    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("el-cli-home-");

    /// <summary>A user whose local application data is a fresh folder: the default database lives there.</summary>
    private Dictionary<string, string> User => new() { ["XDG_DATA_HOME"] = _home.FullName, ["HOME"] = _home.FullName };

    private string DefaultFile => Path.Combine(_home.FullName, "ExecutionLab", "executionlab.db");

    private async Task<HostProcess> RunAsync(string workingDirectory, params string[] args)
    {
        var process = HostProcess.Start("Portal.Jobs", args, User, workingDirectory);
        await process.WaitForExitAsync(180);
        return process;
    }

    [Fact]
    public void The_portal_and_the_command_line_resolve_the_same_default_database_whatever_their_content_root()
    {
        var portal = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = Directory.CreateDirectory(Path.Combine(_home.FullName, "web")).FullName });
        var cli = new CliHost().CreateBuilder(PortalCommandLine.Build().Parse(["migrate"]));

        var portalDatabase = portal.AddPortalData();
        var cliDatabase = cli.AddPortalData();

        Assert.Equal(DatabaseProvider.Sqlite, cliDatabase.Provider);
        Assert.Equal(portalDatabase.ConnectionString, cliDatabase.ConnectionString);
        Assert.Equal($"Data Source={DatabaseOptions.DefaultSqliteFile}", cliDatabase.ConnectionString);
        Assert.NotEqual(portal.Environment.ContentRootPath, cli.Environment.ContentRootPath);
    }

    [Fact]
    public async Task Import_from_another_folder_finds_the_team_in_the_default_database()
    {
        using var first = await RunAsync(Directory.CreateDirectory(Path.Combine(_home.FullName, "a")).FullName, "migrate");
        Assert.True(first.ExitCode == 0, first.Output);
        Assert.True(File.Exists(DefaultFile), first.Output);
        var teamId = await AddTeamAsync("Demo desk");

        using var import = await RunAsync(Directory.CreateDirectory(Path.Combine(_home.FullName, "b")).FullName,
            "import", "--team", "Demo desk", "--format", "lobster",
            SharedData.File(SharedData.AmznMessage5), SharedData.File(SharedData.AmznOrderbook5));

        Assert.True(import.ExitCode == 0, import.Output);
        var line = Assert.Single(Lines(import.Output));
        Assert.StartsWith("Imported AMZN 2012-06-21", line, StringComparison.Ordinal);
        Assert.EndsWith("for team Demo desk.", line, StringComparison.Ordinal);
        await using var db = Context();
        Assert.Equal(1, await db.Datasets.CountAsync(d => d.TeamId == teamId));
    }

    [Fact]
    public async Task Migrate_prints_one_line_saying_what_it_applied_and_verbose_shows_the_sql()
    {
        using var quiet = await RunAsync(_home.FullName, "migrate");
        using var again = await RunAsync(_home.FullName, "migrate");
        File.Delete(DefaultFile);
        using var verbose = await RunAsync(_home.FullName, "migrate", "--verbose");

        Assert.True(quiet.ExitCode == 0, quiet.Output);
        var line = Assert.Single(Lines(quiet.Output));
        Assert.Matches(@"^Database up to date \(Sqlite\)\. SQLite database .+executionlab\.db: applied \d+ migration\(s\) up to \w+, \d+ in total\.$", line);
        Assert.Contains("nothing to apply", Assert.Single(Lines(again.Output)), StringComparison.Ordinal);
        Assert.True(verbose.ExitCode == 0, verbose.Output);
        Assert.Contains("CREATE TABLE", verbose.Output, StringComparison.Ordinal);
        Assert.Contains("Applying migration", verbose.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_names_the_database_when_the_team_is_not_there()
    {
        using var migrate = await RunAsync(_home.FullName, "migrate");
        await AddTeamAsync("Another desk");

        using var import = await RunAsync(_home.FullName, "import", "--team", "Demo desk", "--format", "lobster",
            SharedData.File(SharedData.AmznMessage5), SharedData.File(SharedData.AmznOrderbook5));

        Assert.Equal(2, import.ExitCode);
        Assert.Contains($"No team named 'Demo desk' in SQLite database {DefaultFile}.", import.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_postgresql_given_as_command_line_settings_migrate_and_import_store_the_dataset_once()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        string[] settings = ["--Database:Provider=Postgres", $"--Database:ConnectionString={database.ConnectionString}"];
        using var migrate = await RunAsync(_home.FullName, ["migrate", .. settings]);
        Assert.True(migrate.ExitCode == 0, migrate.Output);
        Assert.True(Lines(migrate.Output).Length == 1, migrate.Output);
        Assert.StartsWith($"Database up to date (Postgres). PostgreSQL database {database.Name} on ", Assert.Single(Lines(migrate.Output)), StringComparison.Ordinal);
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DataServiceCollectionExtensions.Configure(options, DatabaseProvider.Postgres, database.ConnectionString);
        var team = new Portal.Data.Entities.Team { Name = "Demo desk" };
        await using (var db = new PortalDbContext(options.Options))
        {
            db.Teams.Add(team);
            await db.SaveChangesAsync();
        }
        string[] import = ["import", "--team", "Demo desk", "--format", "lobster", SharedData.File(SharedData.AmznMessage5), SharedData.File(SharedData.AmznOrderbook5), .. settings];

        using var first = await RunAsync(_home.FullName, import);
        using var second = await RunAsync(_home.FullName, import);

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.StartsWith("Imported AMZN 2012-06-21", Assert.Single(Lines(first.Output)), StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.StartsWith("Already stored as dataset", Assert.Single(Lines(second.Output)), StringComparison.Ordinal);
        await using (var db = new PortalDbContext(options.Options))
        {
            Assert.Equal(1, await db.Datasets.CountAsync(d => d.TeamId == team.Id));
        }
        Assert.False(File.Exists(DefaultFile));
    }

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private PortalDbContext Context()
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DataServiceCollectionExtensions.Configure(options, DatabaseProvider.Sqlite, $"Data Source={DefaultFile};Pooling=False");
        return new PortalDbContext(options.Options);
    }

    private async Task<Guid> AddTeamAsync(string name)
    {
        await using var db = Context();
        var team = new Portal.Data.Entities.Team { Name = name };
        db.Teams.Add(team);
        await db.SaveChangesAsync();
        return team.Id;
    }

    public void Dispose() => _home.Delete(recursive: true);
}
