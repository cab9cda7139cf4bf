using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Application.Teams;
using Portal.Application.Tokens;
using Portal.Data.Entities;
using Portal.Web.Auth;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Teams;

public sealed class TeamServiceTests
{
    [Fact]
    public async Task The_last_admin_can_be_neither_demoted_nor_removed_until_another_member_is_admin()
    {
        await using var server = await PortalServer.StartAsync();
        var teams = server.Create<TeamService>();
        var team = await server.CreateTeamAsync("Desk");
        var alice = await server.CreateUserAsync("alice@test.local", team, TeamRole.Admin);
        var bob = await server.CreateUserAsync("bob@test.local", team, TeamRole.Analyst);
        var asAlice = await server.AccessAsync(alice);

        await Assert.ThrowsAsync<TeamRuleException>(() => teams.ChangeRoleAsync(asAlice, alice, TeamRole.Analyst));
        await Assert.ThrowsAsync<TeamRuleException>(() => teams.RemoveMemberAsync(asAlice, alice));
        await teams.ChangeRoleAsync(asAlice, bob, TeamRole.Admin);
        await teams.ChangeRoleAsync(asAlice, alice, TeamRole.Viewer);

        var members = await teams.MembersAsync(asAlice);
        Assert.Equal([("alice@test.local", TeamRole.Viewer), ("bob@test.local", TeamRole.Admin)], members.Select(m => (m.Email, m.Role)).OrderBy(x => x.Email));
    }

    [Fact]
    public async Task Only_admins_manage_members_and_unknown_or_duplicate_members_are_refused()
    {
        await using var server = await PortalServer.StartAsync();
        var teams = server.Create<TeamService>();
        var team = await server.CreateTeamAsync("Desk");
        var alice = await server.CreateUserAsync("alice@test.local", team, TeamRole.Admin);
        var bob = await server.CreateUserAsync("bob@test.local", team, TeamRole.Analyst);
        var asBob = await server.AccessAsync(bob);
        var asAlice = await server.AccessAsync(alice);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => teams.AddMemberAsync(asBob, "demo@executionlab.local", TeamRole.Viewer));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => teams.ChangeRoleAsync(asBob, bob, TeamRole.Admin));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => teams.RemoveMemberAsync(asBob, alice));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => teams.AddMemberAsync(asAlice, "nobody@test.local", TeamRole.Viewer));
        await Assert.ThrowsAsync<TeamRuleException>(() => teams.AddMemberAsync(asAlice, "BOB@test.local", TeamRole.Viewer));
        var added = await teams.AddMemberAsync(asAlice, " Demo@ExecutionLab.local ", TeamRole.Viewer);

        Assert.Equal(TeamRole.Viewer, added.Role);
        Assert.Equal(3, (await teams.MembersAsync(asAlice)).Count);
        Assert.Equal(TeamRole.Analyst, (await server.AccessAsync(bob)).Role);
    }

    [Fact]
    public async Task A_removed_member_loses_access_and_their_tokens_at_once()
    {
        await using var server = await PortalServer.StartAsync();
        var team = await server.CreateTeamAsync("Desk");
        var alice = await server.CreateUserAsync("alice@test.local", team, TeamRole.Admin);
        var bob = await server.CreateUserAsync("bob@test.local", team, TeamRole.Analyst);
        var token = await server.Create<TokenService>().CreateAsync(await server.AccessAsync(bob), "bob's script");
        using var script = new HttpClient { BaseAddress = server.BaseAddress };
        script.DefaultRequestHeaders.Authorization = new("Bearer", token.Token);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/scenarios")).StatusCode);
        using var bobCookie = await server.SignedInClientAsync("bob@test.local", TeamWorld.Password);

        await server.Create<TeamService>().RemoveMemberAsync(await server.AccessAsync(alice), bob);

        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/scenarios")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bobCookie.GetAsync("/api/scenarios")).StatusCode);
        // The resolver fills the request's team context, so it lives in a request scope.
        await using var scope = server.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<TeamAccessResolver>().ResolveAsync(new System.Security.Claims.ClaimsPrincipal(
            new System.Security.Claims.ClaimsIdentity([new(System.Security.Claims.ClaimTypes.NameIdentifier, bob)], "test"))));
    }

    [Fact]
    public async Task Registering_creates_the_account_and_a_personal_team_with_its_creator_as_admin()
    {
        await using var server = await PortalServer.StartAsync();

        var (weak, _) = await RegisterAsync(server, "new@test.local", "New Analyst", "short");
        var (ok, client) = await RegisterAsync(server, "new@test.local", "New Analyst", "Good-Password-9");
        var (again, _) = await RegisterAsync(server, "NEW@test.local", "Twin", "Good-Password-9");
        var (longName, _) = await RegisterAsync(server, "long@test.local", new string('x', 100), "Good-Password-9");

        Assert.StartsWith("/register?error=", weak.Headers.Location?.OriginalString);
        Assert.Equal("/", ok.Headers.Location?.OriginalString);
        Assert.StartsWith("/register?error=", again.Headers.Location?.OriginalString);
        Assert.Equal("/", longName.Headers.Location?.OriginalString);
        var teams = await client.GetFromJsonAsync<JsonElement>("/api/teams");
        var only = Assert.Single(teams.EnumerateArray());
        Assert.Equal(("New Analyst's team", "Admin", true), (only.GetProperty("name").GetString(), only.GetProperty("role").GetString(), only.GetProperty("isCurrent").GetBoolean()));
        await using var db = await server.Db();
        Assert.Equal(1, await db.Users.CountAsync(u => u.NormalizedEmail == "NEW@TEST.LOCAL"));
        Assert.Equal(new string('x', 93) + "'s team", (await db.Teams.SingleAsync(t => t.Name.StartsWith("xxx"))).Name);
    }

    [Fact]
    public async Task A_created_team_makes_its_creator_admin_and_becomes_their_current_team()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();

        var created = await client.PostAsJsonAsync("/api/teams", new { name = "  Rates desk " });
        var blank = await client.PostAsJsonAsync("/api/teams", new { name = " " });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, blank.StatusCode);
        var teams = await client.GetFromJsonAsync<JsonElement>("/api/teams");
        var current = teams.EnumerateArray().Single(t => t.GetProperty("isCurrent").GetBoolean());
        Assert.Equal(("Rates desk", "Admin"), (current.GetProperty("name").GetString(), current.GetProperty("role").GetString()));
        Assert.Equal(2, teams.GetArrayLength());
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/api/scenarios")).EnumerateArray());
    }

    /// <summary>Registers through the form as a fresh browser would: fetch the page (antiforgery token), post it.</summary>
    private static async Task<(HttpResponseMessage Response, HttpClient Client)> RegisterAsync(PortalServer server, string email, string name, string password)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        var page = await client.GetStringAsync("/register");
        var antiforgery = Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        return (await client.PostAsync("/account/register", Form(antiforgery, email, name, password)), client);
    }

    private static FormUrlEncodedContent Form(string antiforgery, string email, string name, string password) => new(new Dictionary<string, string>
    {
        ["email"] = email, ["displayName"] = name, ["password"] = password, ["__RequestVerificationToken"] = antiforgery,
    });
}
