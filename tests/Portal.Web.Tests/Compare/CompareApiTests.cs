using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Teams;

namespace Portal.Web.Tests.Compare;

/// <summary>GET /api/compare: the compare view as JSON, CSV and PDF, with the caller's reference run.</summary>
public sealed class CompareApiTests
{
    private static string Scenario(double size, double adv) => ScenarioJson.Serialize(ScenarioPresets.Demo() with
    {
        Name = "compare " + size.ToString(CultureInfo.InvariantCulture),
        Order = ScenarioPresets.Demo().Order with { SizePctAdv = size },
        Market = ScenarioPresets.Demo().Market with { Adv = adv },
    });

    [Fact]
    public async Task Csv_export_parses_as_invariant_numbers_in_every_numeric_column_and_follows_the_chosen_reference()
    {
        await using var server = await PortalServer.StartAsync();
        var team = await server.DemoTeamIdAsync();
        // Costs above a thousand bps and an ADV of millions: a thousands separator would show.
        var a = await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour,
            [("twap", [1200.5, 1300.25, 1250]), ("ac", [10, 12, 11])], scenarioJson: Scenario(2, 5_000_000));
        var b = await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour,
            [("twap", [1000, 1100, 1050]), ("ac", [9, 8, 10])], scenarioJson: Scenario(5, 12_500_000));
        using var client = await server.SignedInClientAsync();

        var response = await client.GetAsync($"/api/compare?runs={a},{b}&reference={b}&format=csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).ToList();
        Assert.All(lines, l => Assert.Equal(4, l.Length));   // section, field, one column per run: no stray commas
        Assert.Equal(["run", "id", b.ToString(), a.ToString()], lines[1]);   // the reference first
        Assert.EndsWith("(reference)", lines[0][2], StringComparison.Ordinal);
        var numeric = lines.Where(l => l[0] is "meanCostBps" or "diffVsReferenceBps" or "diffVsReferenceCiLowBps" or "diffVsReferenceCiHighBps").ToList();
        Assert.Equal(8, numeric.Count);
        foreach (var cell in numeric.SelectMany(l => l.Skip(2)).Where(c => c.Length > 0))
        {
            Assert.True(double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out _), $"'{cell}' is not an invariant number");
        }
        double Value(string section, string strategy, int run) =>
            double.Parse(lines.Single(l => l[0] == section && l[1] == strategy)[2 + run], NumberStyles.Float, CultureInfo.InvariantCulture);
        Assert.Equal(1050, Value("meanCostBps", "twap", 0), 9);
        Assert.Equal(1250.25, Value("meanCostBps", "twap", 1), 9);
        Assert.Equal(200.25, Value("diffVsReferenceBps", "twap", 1), 9);
        Assert.True(Value("diffVsReferenceCiLowBps", "twap", 1) < 200.25 && Value("diffVsReferenceCiHighBps", "twap", 1) > 200.25);
        Assert.Equal("", lines.Single(l => l[0] == "diffVsReferenceBps" && l[1] == "twap")[2]);   // none for the reference itself
        var adv = lines.Single(l => l[0] == "parameter" && l[1] == "market.adv");
        Assert.Equal(12_500_000, double.Parse(adv[2], NumberStyles.Float, CultureInfo.InvariantCulture));
        Assert.Equal(5_000_000, double.Parse(adv[3], NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Json_and_pdf_carry_the_same_comparison_and_bad_requests_are_refused_in_words()
    {
        await using var server = await PortalServer.StartAsync();
        var team = await server.DemoTeamIdAsync();
        var other = await server.CreateTeamAsync("Elsewhere");
        var a = await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour, [("twap", [10, 12, 11]), ("ac", [9, 8, 10])], scenarioJson: Scenario(2, 5_000_000));
        var b = await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour, [("twap", [20, 22, 21])], scenarioJson: Scenario(5, 5_000_000));
        var queued = await server.AddSucceededRunAsync(team, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour, [("twap", [1.0, 2])], RunStatus.Queued);
        var foreign = await server.AddSucceededRunAsync(other, "normal", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour, [("twap", [1.0, 2])]);
        using var client = await server.SignedInClientAsync();

        var json = await client.GetFromJsonAsync<JsonElement>($"/api/compare?runs={a},{b},{queued}");

        Assert.Equal(a, json.GetProperty("reference").GetGuid());   // the first succeeded run by default
        Assert.True(json.GetProperty("runs")[0].GetProperty("reference").GetBoolean());
        var twap = json.GetProperty("strategies").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "twap");
        Assert.Equal(11, twap.GetProperty("runs")[0].GetProperty("meanCostBps").GetDouble(), 9);
        Assert.Equal(10, twap.GetProperty("runs")[1].GetProperty("diffVsReferenceBps").GetDouble(), 9);
        Assert.Equal("worse", twap.GetProperty("runs")[1].GetProperty("verdict").GetString());
        var ac = json.GetProperty("strategies").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "ac");
        Assert.Equal(JsonValueKind.Null, ac.GetProperty("runs")[1].ValueKind);   // run b has no AC
        Assert.Equal([queued], json.GetProperty("unfinished").EnumerateArray().Select(x => x.GetGuid()));

        var pdf = await client.GetAsync($"/api/compare?runs={a},{b}&format=pdf");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        using var document = UglyToad.PdfPig.PdfDocument.Open(await pdf.Content.ReadAsByteArrayAsync());
        var text = string.Join("\n", document.GetPages().Select(p => p.Text));
        Assert.Contains("Comparison of 2 runs", text);
        Assert.Contains("Difference to the reference run (bps)", text);
        Assert.Contains("11.00 [", text);
        Assert.Contains("(reference)", text);

        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/compare?runs={a}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync($"/api/compare?runs={a},{b}&format=xlsx")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.GetAsync($"/api/compare?runs={a},{queued}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/compare?runs={foreign},{Guid.NewGuid()}")).StatusCode);
    }
}
