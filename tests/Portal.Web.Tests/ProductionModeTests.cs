using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Data;
using Portal.Testing;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Teams;

namespace Portal.Web.Tests;

/// <summary>The portal as operators run it: PostgreSQL, production environment, no demo seeding unless asked for.</summary>
public sealed class ProductionModeTests
{
    private const string Password = "Production-Password-1";

    [Fact]
    public async Task A_production_start_creates_no_demo_login_and_only_listed_operators_open_the_job_dashboard()
    {
        await using var server = await PortalServer.StartAsync(postgres: true, environment: "Production", settings: new Dictionary<string, string?>
        {
            ["Portal:SeedDemo"] = null,
            ["Portal:Operators:0"] = "Ops@Test.local; someone-else@test.local",
        });
        await using (var db = await server.Db())
        {
            Assert.Equal((0, 0, 0), (await db.Users.CountAsync(), await db.Teams.CountAsync(), await db.Scenarios.CountAsync()));
        }
        await Assert.ThrowsAsync<InvalidOperationException>(() => server.SignedInClientAsync());

        using var ops = await RegisterAsync(server, new CookieContainer(), "ops@test.local", "Operations");
        using var analyst = await RegisterAsync(server, new CookieContainer(), "analyst@test.local", "Analyst");
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };

        foreach (var (client, team) in new[] { (ops, "Operations's team"), (analyst, "Analyst's team") })
        {
            var teams = await client.GetFromJsonAsync<JsonElement>("/api/teams");
            var only = Assert.Single(teams.EnumerateArray());
            Assert.Equal((team, "Admin"), (only.GetProperty("name").GetString(), only.GetProperty("role").GetString()));
        }
        Assert.Equal(HttpStatusCode.OK, (await ops.GetAsync("/hangfire")).StatusCode);
        Assert.True((await analyst.GetAsync("/hangfire")).StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);
        Assert.True((await anonymous.GetAsync("/hangfire")).StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden);
        var health = await anonymous.GetAsync("/health");
        Assert.Equal((HttpStatusCode.OK, "Healthy"), (health.StatusCode, await health.Content.ReadAsStringAsync()));
        await using (var db = await server.Db())
        {
            Assert.Equal(0, await db.Users.CountAsync(u => u.Email == PortalServer.DemoEmail));
        }
    }

    [Fact]
    public async Task A_restarted_portal_accepts_the_login_cookie_it_issued_before_because_its_keys_live_in_the_database()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var production = new Dictionary<string, string?> { ["Portal:SeedDemo"] = null };
        var cookies = new CookieContainer();
        string teamsBefore;
        await using (var first = await PortalServer.StartAsync(settings: production, environment: "Production", existingPostgres: database.ConnectionString))
        {
            using var client = await RegisterAsync(first, cookies, "keeper@test.local", "Keeper");
            teamsBefore = await client.GetStringAsync("/api/teams");
            Assert.True((await client.GetAsync("/hangfire")).StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, "No operators are listed.");
        }
        await using (var db = Context(database.ConnectionString))
        {
            Assert.NotEmpty(await db.DataProtectionKeys.ToListAsync());
        }

        await using var second = await PortalServer.StartAsync(settings: production, environment: "Production", existingPostgres: database.ConnectionString);
        using var again = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = second.BaseAddress };
        var response = await again.GetAsync("/api/teams");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(teamsBefore, await response.Content.ReadAsStringAsync());
        Assert.Contains("Keeper's team", teamsBefore, StringComparison.Ordinal);
    }

    /// <summary>Self-registration through the form, as a browser does it; the client keeps the login cookie.</summary>
    private static async Task<HttpClient> RegisterAsync(PortalServer server, CookieContainer cookies, string email, string name)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        var page = await client.GetStringAsync("/register");
        var antiforgery = Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email, ["displayName"] = name, ["password"] = Password, ["__RequestVerificationToken"] = antiforgery,
        });
        var response = await client.PostAsync("/account/register", form);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString == "/", $"{(int)response.StatusCode} {response.Headers.Location}");
        return client;
    }

    private static PortalDbContext Context(string connectionString)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DataServiceCollectionExtensions.Configure(options, DatabaseProvider.Postgres, connectionString);
        return new PortalDbContext(options.Options);
    }
}
