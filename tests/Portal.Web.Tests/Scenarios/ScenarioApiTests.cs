using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Domain.Scenarios;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Teams;

namespace Portal.Web.Tests.Scenarios;

/// <summary>Scenario JSON over the API: a regime named in the JSON is simulated and stored under its own name, and a
/// scenario that is not strictly valid is answered 400 naming the field, with nothing stored.</summary>
public sealed class ScenarioApiTests
{
    private const string Order = """{"side":"sell","sizePctAdv":5,"horizonMinutes":60,"steps":12}""";

    private static JsonElement Body(string market, string extra = "") =>
        JsonDocument.Parse($$"""{"schemaVersion":2,"name":"api regime","order":{{Order}},"market":{{market}}{{extra}}}""").RootElement;

    [Fact]
    public async Task A_regime_named_in_the_json_fills_its_values_and_the_run_is_stored_under_the_regime_it_simulates()
    {
        await using var server = await PortalServer.StartAsync();
        var team = await server.DemoTeamIdAsync();
        using var client = await server.SignedInClientAsync();

        // Saved scenario: only the regime's name is given.
        var created = await client.PostAsJsonAsync("/api/scenarios", Body("""{"regime":"volatile"}"""));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var exported = JsonNode.Parse(await client.GetStringAsync(created.Headers.Location))!;
        Assert.Equal(ScenarioSchema.CurrentVersion, (int)exported["schemaVersion"]!);
        Assert.Equal(("volatile", 0.04, 8.0), ((string?)exported["market"]!["regime"], (double)exported["market"]!["dailyVolatility"]!, (double)exported["market"]!["spread"]!["meanBps"]!));
        var scenarioId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var fromSaved = await SubmitAsync(client, new { scenarioId, episodes = 50 });
        // Inline, with a value that differs from the regime's: the run is custom.
        var edited = await SubmitAsync(client, new { scenario = Body("""{"regime":"volatile","dailyVolatility":0.02}"""), episodes = 50 });
        // What the builder used to export: the label "volatile" on normal values (version 1, no schemaVersion).
        var mislabelled = JsonNode.Parse(ScenarioJson.Serialize(ScenarioPresets.Demo()))!.AsObject();
        mislabelled.Remove("schemaVersion");
        mislabelled["market"]!["regime"] = "volatile";
        var legacy = await SubmitAsync(client, new { scenario = JsonDocument.Parse(mislabelled.ToJsonString()).RootElement, episodes = 50 });

        await using var db = await server.Db();
        var runs = await db.Runs.AsNoTracking().Where(r => r.TeamId == team).ToDictionaryAsync(r => r.Id);
        Assert.Equal("volatile", runs[fromSaved].Regime);
        Assert.Equal(0.04, ScenarioJson.Parse(runs[fromSaved].ScenarioJson).Market.DailyVolatility);
        Assert.Equal("custom", runs[edited].Regime);
        Assert.Equal("custom", ScenarioJson.Parse(runs[edited].ScenarioJson).Market.Regime);
        Assert.Equal("normal", runs[legacy].Regime);
        Assert.Equal(0.02, ScenarioJson.Parse(runs[legacy].ScenarioJson).Market.DailyVolatility);
        Assert.All(runs.Values, r => Assert.Equal(RegimePresets.Derive(ScenarioJson.Parse(r.ScenarioJson).Market), r.Regime));
    }

    private static async Task<Guid> SubmitAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/runs", body);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static string WithOrder(string json) => json.Replace("ORDER", Order, StringComparison.Ordinal);

    private static readonly (string Scenario, string Field)[] Refused =
    [
        ("""{"schemaVersion":2,"order":{"sizePctAdv":5,"horizonMinutes":60,"steps":12},"market":{}}""", "order.side"),
        ("""{"schemaVersion":2,"order":{"side":"buy","sizePctAdv":5,"steps":12},"market":{}}""", "order.horizonMinutes"),
        ("""{"schemaVersion":2,"order":{"side":"buy","sizePctAdv":5,"horizonMinutes":60,"steps":12}}""", "market"),
        (WithOrder("""{"schemaVersion":2,"order":ORDER,"market":{"volatility":0.3}}"""), "market.volatility"),
        (WithOrder("""{"schemaVersion":2,"order":ORDER,"market":{},"strategySettings":{"riskAversion":1e308}}"""), "strategySettings.riskAversion"),
        ("""{"schemaVersion":2,"order":{"side":"buy","sizePctAdv":5,"horizonMinutes":1000000,"steps":12},"market":{}}""", "order.horizonMinutes"),
        (WithOrder("""{"schemaVersion":2,"order":ORDER,"market":{"events":[EVENTS]}}""").Replace("EVENTS", string.Join(',', Enumerable.Repeat("{}", 5000)), StringComparison.Ordinal), "market.events"),
        (WithOrder("""{"schemaVersion":2,"order":ORDER,"market":{"events":[{}]}}"""), "market.events[0]"),
        (WithOrder("""{"schemaVersion":4,"order":ORDER,"market":{}}"""), "schemaVersion"),
    ];

    [Fact]
    public async Task A_scenario_that_is_not_strictly_valid_is_a_400_naming_the_field_and_nothing_is_stored()
    {
        await using var server = await PortalServer.StartAsync();
        var team = await server.DemoTeamIdAsync();
        using var client = await server.SignedInClientAsync();
        int scenariosBefore, runsBefore;
        await using (var db = await server.Db())
        {
            (scenariosBefore, runsBefore) = (db.Scenarios.Count(s => s.TeamId == team), db.Runs.Count(r => r.TeamId == team));
        }
        foreach (var (scenario, field) in Refused)
        {
            var json = JsonDocument.Parse(scenario).RootElement;
            foreach (var response in new[]
            {
                await client.PostAsJsonAsync("/api/scenarios", json),
                await client.PostAsJsonAsync("/api/runs", new { scenario = json }),
            })
            {
                string text = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{field}: {(int)response.StatusCode} {text}");
                Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out _), $"{field}: {text}");
            }
        }

        await using (var db = await server.Db())
        {
            Assert.Equal(scenariosBefore, db.Scenarios.Count(s => s.TeamId == team));
            Assert.Equal(runsBefore, db.Runs.Count(r => r.TeamId == team));
        }
    }
}
