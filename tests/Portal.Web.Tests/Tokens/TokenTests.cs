using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Data.Entities;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Teams;

namespace Portal.Web.Tests.Tokens;

public sealed class TokenTests
{
    [Fact]
    public async Task A_token_is_shown_once_listed_by_prefix_records_its_last_use_and_stays_in_its_team()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();

        var response = await client.PostAsJsonAsync("/api/tokens", new { name = "nightly" });
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var secret = created.GetProperty("token").GetString()!;
        using var script = new HttpClient { BaseAddress = server.BaseAddress };
        script.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        var demoScenarios = await script.GetFromJsonAsync<JsonElement>("/api/scenarios");
        // The user moves to a new team; the token keeps working in the team it was made for.
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync("/api/teams", new { name = "Second desk" })).StatusCode);
        var viaToken = await script.GetFromJsonAsync<JsonElement>("/api/scenarios");
        var list = await script.GetFromJsonAsync<JsonElement>("/api/tokens");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Matches("^el_[0-9a-f]{48}$", secret);
        Assert.Equal(1, demoScenarios.GetArrayLength());
        Assert.Equal(demoScenarios.ToString(), viaToken.ToString());
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/api/scenarios")).EnumerateArray());
        var listed = Assert.Single(list.EnumerateArray());
        Assert.Equal(secret[..11], listed.GetProperty("prefix").GetString());
        Assert.Equal(JsonValueKind.String, listed.GetProperty("lastUsedUtc").ValueKind);
        Assert.DoesNotContain(secret, list.ToString(), StringComparison.Ordinal);
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/api/tokens")).EnumerateArray());
    }

    [Fact]
    public async Task A_viewer_cannot_create_a_token_and_nobody_revokes_another_users_token()
    {
        await using var server = await PortalServer.StartAsync();
        var team = await server.DemoTeamIdAsync();
        await server.CreateUserAsync("viewer@test.local", team, TeamRole.Viewer);
        await server.CreateUserAsync("analyst@test.local", team, TeamRole.Analyst);
        using var viewer = await server.SignedInClientAsync("viewer@test.local", TeamWorld.Password);
        using var analyst = await server.SignedInClientAsync("analyst@test.local", TeamWorld.Password);
        using var admin = await server.SignedInClientAsync();
        var adminToken = await (await admin.PostAsJsonAsync("/api/tokens", new { name = "admin's" })).Content.ReadFromJsonAsync<JsonElement>();

        var byViewer = await viewer.PostAsJsonAsync("/api/tokens", new { name = "mine" });
        var revokeByAnalyst = await analyst.DeleteAsync($"/api/tokens/{adminToken.GetProperty("id").GetGuid()}");
        var byAnalyst = await analyst.PostAsJsonAsync("/api/tokens", new { name = "" });

        Assert.Equal(HttpStatusCode.Forbidden, byViewer.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, revokeByAnalyst.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, byAnalyst.StatusCode);
        var adminList = await admin.GetFromJsonAsync<JsonElement>("/api/tokens");
        Assert.Equal(JsonValueKind.Null, Assert.Single(adminList.EnumerateArray()).GetProperty("revokedUtc").ValueKind);
    }
}
