using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Portal.Testing;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Datasets;

public sealed class DatasetApiTests
{
    [Fact]
    public async Task A_lobster_upload_is_stored_once_calibrated_and_replayed()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();

        var first = await client.PostAsync("/api/datasets", Upload(SharedData.AmznMessage1, SharedData.AmznOrderbook1));
        Assert.True(first.StatusCode == HttpStatusCode.Created, await first.Content.ReadAsStringAsync());
        var dataset = await first.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("AMZN", dataset.GetProperty("instrument").GetString());
        Assert.Equal("lobster", dataset.GetProperty("format").GetString());
        Assert.True(dataset.GetProperty("tradeRows").GetInt64() > 1000);

        var again = await client.PostAsync("/api/datasets", Upload(SharedData.AmznMessage1, SharedData.AmznOrderbook1));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.True((await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("alreadyStored").GetBoolean());
        Assert.Single((await client.GetFromJsonAsync<JsonElement>("/api/datasets")).EnumerateArray());

        var datasetId = dataset.GetProperty("id").GetGuid();
        var calibrate = await client.PostAsync($"/api/datasets/{datasetId}/calibrate", null);
        Assert.Equal(HttpStatusCode.Accepted, calibrate.StatusCode);
        var profileId = (await calibrate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var profile = await Polling.UntilAsync(client, $"/api/profiles/{profileId}", p => p.GetProperty("status").GetString() is "Succeeded" or "Failed");
        Assert.Equal("Succeeded", profile.GetProperty("status").GetString());
        var figures = profile.GetProperty("profile");
        Assert.True(figures.GetProperty("adv").GetDouble() > 0);
        Assert.InRange(figures.GetProperty("dailyVolatility").GetDouble(), 0.001, 0.2);
        Assert.InRange(figures.GetProperty("meanSpreadBps").GetDouble(), 0.1, 100);

        var scenario = JsonDocument.Parse("""
            {"name":"AMZN replay","order":{"side":"sell","sizePctAdv":0.5,"horizonMinutes":5,"steps":10},"market":{},
             "episodes":50,"seed":5,"strategies":["twap","immediate"],
             "replay":{"datasetId":"DATASET","options":{"segment":"test"}}}
            """.Replace("DATASET", datasetId.ToString(), StringComparison.Ordinal)).RootElement;
        var submitted = await client.PostAsJsonAsync("/api/runs", new { scenario });
        Assert.True(submitted.StatusCode == HttpStatusCode.Accepted, await submitted.Content.ReadAsStringAsync());
        var run = await ApiTests.WaitForFinishAsync(client, (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        Assert.True(run.GetProperty("status").GetString() == "Succeeded", run.ToString());
        var results = run.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("strategyId").GetString()!, r => r.GetProperty("meanBps").GetDouble());
        // Selling everything at once walks the recorded book: it must cost more than spreading the order.
        Assert.True(results["immediate"] > results["twap"], $"immediate {results["immediate"]} bps vs TWAP {results["twap"]} bps");
    }

    [Fact]
    public async Task A_malformed_file_is_rejected_naming_row_column_and_value_and_nothing_is_stored()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();
        var csv = "timestamp,price,size,side\n2024-08-08T00:00:00.000Z,100.5,1,buy\n2024-08-08T00:00:01.000Z,abc,2,sell\n";
        using var content = new MultipartFormDataContent
        {
            { new StringContent("csv"), "format" },
            { new StringContent("TEST"), "instrument" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "files", "trades.csv" },
        };

        var response = await client.PostAsync("/api/datasets", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("trades.csv, row 3, column price", body);
        Assert.Contains("abc", body);
        Assert.Empty((await client.GetFromJsonAsync<JsonElement>("/api/datasets")).EnumerateArray());
    }

    private static MultipartFormDataContent Upload(params string[] names)
    {
        var content = new MultipartFormDataContent { { new StringContent("auto"), "format" } };
        foreach (var name in names)
        {
            content.Add(new StreamContent(File.OpenRead(SharedData.File(name))), "files", name);
        }
        return content;
    }
}
