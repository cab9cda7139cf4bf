using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Portal.Testing;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>
/// The real portal on a real Kestrel port (for the browser and for HTTP clients), on a fresh SQLite file or a fresh
/// PostgreSQL database. Settings are the same keys as appsettings.json.
/// </summary>
public sealed class PortalServer : IAsyncDisposable
{
    public const string DemoEmail = "demo@executionlab.local";
    public const string DemoPassword = "Demo-Execution-1";

    private readonly WebApplicationFactory<Program> _factory;
    private readonly string _contentRoot;
    private readonly PostgresTestDatabase? _postgres;

    private PortalServer(WebApplicationFactory<Program> factory, string contentRoot, PostgresTestDatabase? postgres, Uri baseAddress, string? postgresConnectionString)
    {
        _factory = factory;
        _contentRoot = contentRoot;
        _postgres = postgres;
        BaseAddress = baseAddress;
        PostgresConnectionString = postgresConnectionString;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => _factory.Services;

    /// <summary>The PostgreSQL connection string when the server runs on PostgreSQL.</summary>
    public string? PostgresConnectionString { get; }

    /// <param name="postgres">Run on a fresh PostgreSQL database with no in-process job server (separate workers execute).</param>
    /// <param name="settings">Extra configuration, e.g. <c>Jobs:InvisibilityTimeoutSeconds</c>; a null value removes a default of these tests (e.g. <c>Portal:SeedDemo</c>).</param>
    /// <param name="environment">The host environment; Production shows what operators run (error pages, no developer exception page).</param>
    /// <param name="existingPostgres">Run on this PostgreSQL database (kept on dispose) instead of a fresh one, e.g. to restart a server.</param>
    /// <summary>A server that executes its own jobs on either provider, as the embedded default does (a PostgreSQL
    /// portal leaves them to worker processes unless told otherwise), so a browser flow runs end to end on both.</summary>
    public static Task<PortalServer> StartWithJobsAsync(bool postgres) =>
        StartAsync(postgres, postgres ? new Dictionary<string, string?> { ["Jobs:RunServerInProcess"] = "true" } : null);

    public static async Task<PortalServer> StartAsync(
        bool postgres = false, IReadOnlyDictionary<string, string?>? settings = null, string environment = "Development", string? existingPostgres = null)
    {
        var contentRoot = Path.Combine(Path.GetTempPath(), "el-portal-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(contentRoot);
        postgres |= existingPostgres is not null;
        var database = postgres && existingPostgres is null ? await PostgresTestDatabase.CreateAsync() : null;
        var all = new Dictionary<string, string?>
        {
            ["Database:Provider"] = postgres ? "Postgres" : "Sqlite",
            ["Database:ConnectionString"] = postgres ? existingPostgres ?? database!.ConnectionString : $"Data Source={Path.Combine(contentRoot, "portal.db")}",
            ["Portal:SeedDemo"] = "true",
            ["Portal:DemoPassword"] = DemoPassword,
            ["Jobs:PollIntervalSeconds"] = "0.5",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Portal.Web.Features.Account.DemoSeeder"] = "Error",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                all.Remove(key);
            }
            else
            {
                all[key] = value;
            }
        }

        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment(environment);
            b.UseSetting(WebHostDefaults.ServerUrlsKey, "http://127.0.0.1:0");
            foreach (var (key, value) in all)
            {
                b.UseSetting(key, value);
            }
        });
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(a => new Uri(a.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)))
            .First();
        return new PortalServer(factory, contentRoot, database, address, postgres ? existingPostgres ?? database!.ConnectionString : null);
    }

    /// <summary>An HTTP client signed in as the demo user through the login form (cookie auth).</summary>
    public async Task<HttpClient> SignedInClientAsync(string email = DemoEmail, string password = DemoPassword)
    {
        var cookies = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        var loginPage = await client.GetStringAsync("/login");
        var token = System.Text.RegularExpressions.Regex.Match(loginPage, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email,
            ["password"] = password,
            ["returnUrl"] = "/",
            ["__RequestVerificationToken"] = token,
        });
        var response = await client.PostAsync("/account/login", form);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString != "/")
        {
            throw new InvalidOperationException($"Sign-in as {email} failed: {(int)response.StatusCode} {response.Headers.Location}");
        }
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_contentRoot, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a finished process; the temp folder is cleaned by the OS.
        }
    }
}
