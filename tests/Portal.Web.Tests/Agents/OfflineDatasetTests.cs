using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Portal.Domain.Scenarios;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Agents;

/// <summary>An offline dataset logged from the browser and an offline learner trained on it (tiny budgets), then read back
/// over the API: the behaviour's own performance, the downloadable file, and the agent beside its behaviour and the best
/// static schedule.</summary>
public sealed class OfflineDatasetTests
{
    [Theory]
    [InlineData(false, "bcq")]
    [InlineData(true, "td3bc")]
    public async Task A_dataset_logged_in_the_browser_is_listed_with_its_behaviour_downloadable_and_trains_an_offline_agent_shown_beside_behaviour_and_best_static(bool postgres, string algorithm)
    {
        await using var server = await PortalServer.StartWithJobsAsync(postgres);
        using var client = await server.SignedInClientAsync();
        var scenario = ScenarioPresets.Demo() with { Name = "offline world", Episodes = 50, Seed = 11, Order = ScenarioPresets.Demo().Order with { Steps = 6 } };
        var created = await client.PostAsync("/api/scenarios", new StringContent(ScenarioJson.Serialize(scenario), System.Text.Encoding.UTF8, "application/json"));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var scenarioId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var bad = await client.PostAsJsonAsync("/api/offline-datasets", new { scenarioId, behaviour = "random", episodes = 10 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("noisy-twap", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Guid datasetId = default, agentId = default;
        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;
        await page.ScriptAsync("offline-dataset-flow", async step =>
        {
            step("sign in");
            await page.SignInAsDemoAsync();
            step("open offline datasets");
            await page.GotoAsync("/offline-datasets");
            await page.WaitForInteractiveAsync();
            await page.Locator("#no-offline-datasets").WaitForAsync();
            step("log 40 noisy-TWAP episodes");
            await page.Locator(".mud-input-control.mud-select", new PageLocatorOptions { Has = page.Locator("#offline-scenario") }).ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new PageLocatorOptions { HasText = "offline world" }).ClickAsync();
            await page.FillAsync("#offline-episodes", "40");
            await page.ClickAsync("#log-offline-dataset");
            var row = page.Locator("#offline-dataset-table tbody tr").First;
            await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "Succeeded", new LocatorAssertionsToHaveAttributeOptions { Timeout = 120_000 });
            datasetId = Guid.Parse((await row.GetAttributeAsync("data-dataset-id"))!);
            await Assertions.Expect(row).ToContainTextAsync("noisy-twap");
            await Assertions.Expect(row.Locator(".offline-download")).ToHaveAttributeAsync("href", $"/api/offline-datasets/{datasetId}/download");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "offline-datasets-page.png"), FullPage = true });

            step($"train {algorithm} on it from the list");
            await row.Locator(".offline-train").ClickAsync();
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/agents\\?offlineDataset="));
            await page.WaitForInteractiveAsync();
            await page.Locator("#agent-offline-dataset").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
            if (algorithm != "bcq")
            {
                await page.Locator(".mud-input-control.mud-select", new PageLocatorOptions { Has = page.Locator("#agent-algorithm") }).ClickAsync();
                await page.Locator(".mud-popover-open .mud-list-item", new PageLocatorOptions { HasText = algorithm }).ClickAsync();
            }
            await page.FillAsync("#agent-seeds", "2");
            await page.FillAsync("#agent-steps", "100");
            await page.ClickAsync("#train-agent");
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/agents/[0-9a-f-]{36}$"));
            agentId = Guid.Parse(page.Url.Split('/')[^1]);
            await page.WaitForInteractiveAsync();
            await Assertions.Expect(page.Locator("#agent-status")).ToHaveAttributeAsync("data-status", "Succeeded", new LocatorAssertionsToHaveAttributeOptions { Timeout = 300_000 });
            step("the agent beside its behaviour and the best static schedule");
            await Assertions.Expect(page.Locator("#offline-table tbody tr")).ToHaveCountAsync(2);
            await Assertions.Expect(page.Locator("#offline-table tbody tr").First).ToContainTextAsync("noisy-twap");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "offline-agent-page.png"), FullPage = true });
        });

        // The API reads the same dataset: the behaviour's own performance with its interval and episode count, and the file.
        var listed = (await client.GetFromJsonAsync<JsonElement>("/api/offline-datasets")).EnumerateArray().Single();
        Assert.Equal(datasetId, listed.GetProperty("id").GetGuid());
        var performance = listed.GetProperty("behaviourPerformance");
        Assert.Equal(40, performance.GetProperty("episodes").GetInt32());
        Assert.True(performance.GetProperty("ciLowBps").GetDouble() < performance.GetProperty("meanShortfallBps").GetDouble());
        Assert.True(performance.GetProperty("meanShortfallBps").GetDouble() < performance.GetProperty("ciHighBps").GetDouble());
        Assert.Equal(40 * 5, listed.GetProperty("transitions").GetInt32());
        var download = await client.GetAsync(listed.GetProperty("downloadUrl").GetString());
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.Equal(listed.GetProperty("sizeBytes").GetInt64(), bytes.LongLength);
        await using (var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress))
        {
            var magic = new byte[8];
            await gzip.ReadExactlyAsync(magic);
            Assert.Equal("ELXOFFL\0"u8.ToArray(), magic);
        }

        var agent = await client.GetFromJsonAsync<JsonElement>($"/api/agents/{agentId}");
        Assert.Equal(algorithm, agent.GetProperty("algorithm").GetString());
        Assert.Equal(datasetId, agent.GetProperty("offlineDatasetId").GetGuid());
        var evaluation = agent.GetProperty("seedResults")[0].GetProperty("evaluation");
        Assert.Equal("noisy-twap", evaluation.GetProperty("behaviour").GetString());
        Assert.Equal(40, evaluation.GetProperty("offlineData").GetProperty("episodes").GetInt32());

        // An online learner cannot take the dataset; nor can another id.
        var online = await client.PostAsJsonAsync("/api/agents", new { algorithm = "ppo", offlineDatasetId = datasetId, seeds = 1, environmentSteps = 100 });
        Assert.Equal(HttpStatusCode.BadRequest, online.StatusCode);
        var missing = await client.PostAsJsonAsync("/api/agents", new { algorithm = "bcq", offlineDatasetId = Guid.NewGuid(), seeds = 1, environmentSteps = 100 });
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
