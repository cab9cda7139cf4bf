using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests;

public sealed class ApiTests
{
    [Fact]
    public async Task Post_run_answers_202_and_get_returns_status_then_results()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();
        var scenarios = await client.GetFromJsonAsync<JsonElement>("/api/scenarios");
        var scenarioId = scenarios[0].GetProperty("id").GetGuid();

        var response = await client.PostAsJsonAsync("/api/runs", new { scenarioId, episodes = 500, seed = 3 });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        var runId = accepted.GetProperty("id").GetGuid();
        Assert.Equal($"/api/runs/{runId}", response.Headers.Location?.OriginalString);
        var run = await WaitForFinishAsync(client, runId);
        Assert.Equal("Succeeded", run.GetProperty("status").GetString());
        var results = run.GetProperty("results");
        Assert.Equal(["twap", "ac"], results.EnumerateArray().Select(r => r.GetProperty("strategyId").GetString() ?? "").ToArray());
        Assert.All(results.EnumerateArray(), r => Assert.Equal(500, r.GetProperty("episodes").GetInt32()));
    }

    [Fact]
    public async Task An_invalid_inline_scenario_is_rejected_naming_the_field_and_nothing_is_queued()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();
        var scenario = JsonDocument.Parse("""{"name":"bad","order":{"side":"sell","sizePctAdv":5,"horizonMinutes":0,"steps":10},"market":{}}""").RootElement;

        var response = await client.PostAsJsonAsync("/api/runs", new { scenario });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("order.horizonMinutes", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Anonymous_callers_get_401_not_a_login_page()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = new HttpClient { BaseAddress = server.BaseAddress };

        var response = await client.GetAsync($"/api/runs/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    internal static async Task<JsonElement> WaitForFinishAsync(HttpClient client, Guid runId, int timeoutSeconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var run = await client.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}");
            var status = run.GetProperty("status").GetString();
            if (status is "Succeeded" or "Failed" or "Cancelled")
            {
                return run;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Run {runId} still {status} after {timeoutSeconds} s.");
            }
            await Task.Delay(250);
        }
    }
}
