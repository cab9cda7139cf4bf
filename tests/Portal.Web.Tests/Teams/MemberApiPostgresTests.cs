using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Portal.Data.Entities;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Teams;

/// <summary>Member changes over the API in production mode on PostgreSQL, where they run inside the retrying execution strategy.</summary>
public sealed class MemberApiPostgresTests
{
    [Fact]
    public async Task An_admin_changes_roles_and_removes_members_through_the_api_on_postgres()
    {
        await using var server = await PortalServer.StartAsync(postgres: true, environment: "Production");
        var team = await server.CreateTeamAsync("Desk");
        var alice = await server.CreateUserAsync("alice@test.local", team, TeamRole.Admin);
        var bob = await server.CreateUserAsync("bob@test.local", team, TeamRole.Analyst);
        var carol = await server.CreateUserAsync("carol@test.local", team, TeamRole.Viewer);
        using var client = await server.SignedInClientAsync("alice@test.local", TeamWorld.Password);

        var promote = await client.PutAsJsonAsync($"/api/team/members/{bob}", new { role = "Admin" });
        var stepDown = await client.PutAsJsonAsync($"/api/team/members/{alice}", new { role = "Analyst" });
        var stillAnalyst = await client.DeleteAsync($"/api/team/members/{carol}");
        using var bobClient = await server.SignedInClientAsync("bob@test.local", TeamWorld.Password);
        var remove = await bobClient.DeleteAsync($"/api/team/members/{carol}");
        var removeAgain = await bobClient.DeleteAsync($"/api/team/members/{carol}");
        var lastAdmin = await bobClient.PutAsJsonAsync($"/api/team/members/{bob}", new { role = "Viewer" });

        Assert.True(promote.StatusCode == HttpStatusCode.NoContent, await promote.Content.ReadAsStringAsync());
        Assert.True(stepDown.StatusCode == HttpStatusCode.NoContent, await stepDown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, stillAnalyst.StatusCode);
        Assert.True(remove.StatusCode == HttpStatusCode.NoContent, await remove.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, removeAgain.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, lastAdmin.StatusCode);
        var members = await bobClient.GetFromJsonAsync<JsonElement>("/api/team/members");
        Assert.Equal(
            [("alice@test.local", "Analyst"), ("bob@test.local", "Admin")],
            members.EnumerateArray().Select(m => (m.GetProperty("email").GetString(), m.GetProperty("role").GetString())).OrderBy(m => m.Item1));
    }

    [Fact]
    public async Task A_put_or_delete_that_fails_on_the_server_answers_problem_details_with_its_status_not_405()
    {
        await using var server = await PortalServer.StartAsync(postgres: true, environment: "Production");
        var team = await server.CreateTeamAsync("Desk");
        await server.CreateUserAsync("alice@test.local", team, TeamRole.Admin);
        var bob = await server.CreateUserAsync("bob@test.local", team, TeamRole.Analyst);
        using var client = await server.SignedInClientAsync("alice@test.local", TeamWorld.Password);
        var malformed = await client.PutAsync($"/api/team/members/{bob}", new StringContent("{\"role\":", System.Text.Encoding.UTF8, "application/json"));

        // The members table disappears under the running app: every member request now fails inside the server.
        await using (var connection = new NpgsqlConnection(server.PostgresConnectionString))
        {
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand("ALTER TABLE \"TeamMembers\" RENAME TO \"TeamMembersAway\"", connection);
            await cmd.ExecuteNonQueryAsync();
        }
        var put = await client.PutAsJsonAsync($"/api/team/members/{bob}", new { role = "Admin" });
        var delete = await client.DeleteAsync($"/api/team/members/{bob}");

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        foreach (var response in new[] { put, delete })
        {
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(500, problem.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
            Assert.DoesNotContain("TeamMembers", problem.ToString(), StringComparison.Ordinal);
        }
    }
}
