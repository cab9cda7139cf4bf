using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Entities;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Application.Runs;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Teams;

namespace Portal.Web.Tests.Scenarios;

/// <summary>
/// Submitting a run that scores an agent on paths it trained on: the API refuses it (problem details 400 naming the
/// seeds); the portal's submission may run it flagged in-sample, stored off the leaderboards. Both providers.
/// </summary>
public sealed class OutOfSampleSubmissionTests
{
    private static readonly Scenario World = ScenarioPresets.Demo() with { Name = "agent world", Episodes = 50 };

    /// <summary>An agent whose training batches drew the untagged streams of seeds 0…99 of <see cref="World"/>.</summary>
    private static async Task<string> AddAgentAsync(PortalServer server, Guid teamId, bool recorded = true)
    {
        await using var db = await server.Db();
        var agent = new TrainedAgentEntity
        {
            TeamId = teamId, Name = "ppo", Algorithm = "ppo", ScenarioName = World.Name, ScenarioJson = ScenarioJson.Serialize(World), Seeds = "0",
            Status = TrainingStatus.Succeeded,
            TrainingExposureJson = recorded
                ? new TrainingExposure { Sources = [OutOfSample.SimulatedTraining(World, [new SeedStreamRange { Purpose = "training", Seed = 0, BatchCount = 100, FirstPathSeed = 0 }])] }.ToJson()
                : null,
        };
        db.TrainedAgents.Add(agent);
        await db.SaveChangesAsync();
        return "agent:" + agent.Id.ToString("N");
    }

    private static JsonElement Inline(Scenario scenario) => JsonDocument.Parse(ScenarioJson.Serialize(scenario)).RootElement;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_api_refuses_an_agent_on_seeds_it_trained_on_with_problem_details_naming_them(bool postgres)
    {
        await using var server = await PortalServer.StartAsync(postgres);
        var team = await server.DemoTeamIdAsync();
        var agent = await AddAgentAsync(server, team);
        using var client = await server.SignedInClientAsync();
        int before;
        await using (var db = await server.Db())
        {
            before = await db.Runs.CountAsync();
        }

        var response = await client.PostAsJsonAsync("/api/runs", new { scenario = Inline(World), seed = 42, strategies = new[] { "twap", agent } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains(agent, detail);
        Assert.Contains("seed 42", detail);
        Assert.Contains("seeds 0–99", detail);
        await using (var db = await server.Db())
        {
            Assert.Equal(before, await db.Runs.CountAsync());
        }

        // A seed the agent never drew is accepted and counts.
        var accepted = await client.PostAsJsonAsync("/api/runs", new { scenario = Inline(World), seed = 100, strategies = new[] { "twap", agent } });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var id = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var view = await client.GetFromJsonAsync<JsonElement>($"/api/runs/{id}");
        Assert.True(view.GetProperty("isOutOfSample").GetBoolean());
        Assert.Equal(JsonValueKind.Null, view.GetProperty("inSampleReason").ValueKind);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_portal_runs_it_flagged_in_sample_on_request_and_an_unrecorded_agent_flagged_unknown(bool postgres)
    {
        await using var server = await PortalServer.StartAsync(postgres);
        var team = await server.DemoTeamIdAsync();
        var agent = await AddAgentAsync(server, team);
        var old = await AddAgentAsync(server, team, recorded: false);
        string userId;
        await using (var db = await server.Db())
        {
            userId = await db.Users.Where(u => u.Email == PortalServer.DemoEmail).Select(u => u.Id).SingleAsync();
        }
        var access = await server.AccessAsync(userId);
        await using var scope = server.Services.CreateAsyncScope();
        var runs = ActivatorUtilities.GetServiceOrCreateInstance<RunService>(scope.ServiceProvider);
        var inSample = World with { Seed = 42, Strategies = ["twap", agent] };

        await Assert.ThrowsAsync<InSampleEvaluationException>(() => runs.SubmitAsync(access, new RunRequest(null, inSample, null, null, null)));
        var flagged = await runs.SubmitAsync(access, new RunRequest(null, inSample, null, null, null, AllowInSample: true));
        var unknown = await runs.SubmitAsync(access, new RunRequest(null, World with { Seed = 42, Strategies = ["twap", old] }, null, null, null));

        await using var check = await server.Db();
        var stored = await check.Runs.AsNoTracking().Where(r => r.Id == flagged.Id || r.Id == unknown.Id).ToDictionaryAsync(r => r.Id);
        Assert.False(stored[flagged.Id].IsOutOfSample);
        Assert.Contains("Run in-sample on request", stored[flagged.Id].InSampleReason);
        Assert.Contains("seed 42", stored[flagged.Id].InSampleReason);
        Assert.False(stored[unknown.Id].IsOutOfSample);
        Assert.Contains("no record of its training data", stored[unknown.Id].InSampleReason);

        // A re-run of the flagged run is submitted flagged again rather than refused.
        var again = await runs.RerunAsync(access, flagged.Id);
        Assert.NotNull(again);
        Assert.False(again.IsOutOfSample);
    }
}
