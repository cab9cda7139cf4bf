using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Testing;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Teams;

namespace Portal.Web.Tests.Security;

/// <summary>Each configurable limit answers 400 or 413 naming its configuration key, and nothing past it is stored.</summary>
public sealed class LimitsTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Run_budget_and_active_run_quota_answer_400_naming_their_limits(bool postgres)
    {
        await using var server = await PortalServer.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Jobs:RunServerInProcess"] = "false",
            ["Limits:MaxActiveRunsPerTeam"] = "2",
        });
        using var client = await server.SignedInClientAsync();
        var scenarioId = (await client.GetFromJsonAsync<JsonElement>("/api/scenarios"))[0].GetProperty("id").GetGuid();

        // The run the probe got accepted: 2,000,000 episodes × 100,000 steps, against the default budget.
        var demo = System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync($"/api/scenarios/{scenarioId}/json"))!.AsObject();
        demo["episodes"] = 2_000_000;
        demo["order"]!["steps"] = 100_000;
        demo["order"]!["horizonMinutes"] = 11_000;
        var huge = await client.PostAsJsonAsync("/api/runs", new { scenario = demo });
        var first = await client.PostAsJsonAsync("/api/runs", new { scenarioId, episodes = 100 });
        var second = await client.PostAsJsonAsync("/api/runs", new { scenarioId, episodes = 100 });
        var third = await client.PostAsJsonAsync("/api/runs", new { scenarioId, episodes = 100 });

        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        var budget = await huge.Content.ReadAsStringAsync();
        Assert.Contains("Limits:MaxRunStrategySteps", budget, StringComparison.Ordinal);
        Assert.Contains("2,000,000 episodes", budget, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, third.StatusCode);
        Assert.Contains("Limits:MaxActiveRunsPerTeam", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = await server.Db();
        Assert.Equal(2, await db.Runs.CountAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Concurrent_submissions_never_pass_the_active_run_quota_together(bool postgres)
    {
        const int quota = 3;
        const int submissions = 16;
        await using var server = await PortalServer.StartAsync(postgres, new Dictionary<string, string?>
        {
            ["Jobs:RunServerInProcess"] = "false",
            ["Limits:MaxActiveRunsPerTeam"] = quota.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var clients = new List<HttpClient>();
        for (var i = 0; i < 4; i++)
        {
            clients.Add(await server.SignedInClientAsync());
        }
        var scenarioId = (await clients[0].GetFromJsonAsync<JsonElement>("/api/scenarios"))[0].GetProperty("id").GetGuid();

        using var start = new ManualResetEventSlim();
        var posts = Enumerable.Range(0, submissions).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await clients[i % clients.Count].PostAsJsonAsync("/api/runs", new { scenarioId, episodes = 100 });
        })).ToList();
        start.Set();
        var answers = await Task.WhenAll(posts);

        Assert.Equal(quota, answers.Count(a => a.StatusCode == HttpStatusCode.Accepted));
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.Accepted))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("Limits:MaxActiveRunsPerTeam", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        await using var db = await server.Db();
        Assert.Equal(quota, await db.Runs.CountAsync());
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Storage_quota_names_and_file_names_answer_400_or_413_naming_their_limits(bool postgres)
    {
        await using var server = await PortalServer.StartAsync(postgres, new Dictionary<string, string?> { ["Limits:MaxTeamStorageBytes"] = "2000000" });
        using var client = await server.SignedInClientAsync();
        var trades = await File.ReadAllBytesAsync(SharedData.File(SharedData.BinanceTrades));
        var ticker = await File.ReadAllBytesAsync(SharedData.File(SharedData.BinanceBookTicker));

        var longName = await UploadAsync(client, SharedData.BinanceTrades, trades, name: new string('n', 5000));
        var nulName = await UploadAsync(client, SharedData.BinanceTrades, trades, name: "desk\0data");
        var dot = await UploadAsync(client, "..", trades);
        var path = await UploadAsync(client, "dir/" + SharedData.BinanceTrades, trades);
        var longFile = await UploadAsync(client, new string('f', 252) + ".csv", trades);
        var stored = await UploadAsync(client, SharedData.BinanceTrades, trades);
        var overQuota = await UploadAsync(client, SharedData.BinanceBookTicker, ticker);
        var team = await client.PostAsJsonAsync("/api/teams", new { name = new string('t', 5000) });
        var teamNul = await client.PostAsJsonAsync("/api/teams", new { name = "desk\u0000two" });
        var token = await client.PostAsJsonAsync("/api/tokens", new { name = new string('k', 5000) });
        var filter = await client.GetAsync("/api/leaderboards?regime=normal%00&strategy=twap");

        Assert.Equal(HttpStatusCode.BadRequest, longName.Status);
        Assert.Contains("Limits:MaxNameLength", longName.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, nulName.Status);
        Assert.Contains("control character", nulName.Body, StringComparison.Ordinal);
        foreach (var (status, body) in new[] { dot, path, longFile })
        {
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains("Limits:MaxFileNameLength", body, StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.Created, stored.Status);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, overQuota.Status);
        Assert.Contains("Limits:MaxTeamStorageBytes", overQuota.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, team.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, teamNul.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, token.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, filter.StatusCode);
        Assert.Contains("control character", await filter.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = await server.Db();
        Assert.Equal(1, await db.Datasets.CountAsync());
        Assert.Equal(1, await db.Teams.CountAsync());
        Assert.Equal(0, await db.ApiTokens.CountAsync());
    }

    private static async Task<(HttpStatusCode Status, string Body)> UploadAsync(HttpClient client, string fileName, byte[] content, string? name = null)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentDisposition = new("form-data") { Name = "\"files\"", FileName = "\"" + fileName + "\"" };
        form.Add(file);
        form.Add(new StringContent("csv"), "format");
        if (name is not null) form.Add(new StringContent(name, Encoding.UTF8), "name");
        using var response = await client.PostAsync("/api/datasets", form);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
