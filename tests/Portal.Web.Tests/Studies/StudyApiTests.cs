using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Data.Entities;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Teams;

namespace Portal.Web.Tests.Studies;

/// <summary><c>/api/studies</c>: submit a grid from a saved scenario, watch its cells run as ordinary runs, read the results.</summary>
public sealed class StudyApiTests
{
    [Fact]
    public async Task A_study_runs_each_cell_as_a_run_and_answers_results_per_cell_to_its_team_only()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();
        var scenarios = await client.GetFromJsonAsync<JsonElement>("/api/scenarios");
        var scenarioId = scenarios[0].GetProperty("id").GetGuid();

        var response = await client.PostAsJsonAsync("/api/studies", new
        {
            scenarioId,
            name = "api grid",
            axes = new { sizePctAdv = new[] { 1.0, 5.0 }, riskAversion = new[] { 0, 1e-6 } },
            strategies = new[] { "twap", "ac" },
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = accepted.GetProperty("id").GetGuid();
        Assert.Equal(4, accepted.GetProperty("cellCount").GetInt32());
        Assert.Equal($"/api/studies/{id}", response.Headers.Location?.OriginalString);

        var study = await Polling.UntilAsync(client, $"/api/studies/{id}", s => s.GetProperty("cellsDone").GetInt32() == 4, 180);
        Assert.Equal("Succeeded", study.GetProperty("status").GetString());
        Assert.Equal(1.0, study.GetProperty("progress").GetDouble());
        var cells = study.GetProperty("cells").EnumerateArray().ToList();
        Assert.Equal(4, cells.Count);
        foreach (var cell in cells)
        {
            var runId = cell.GetProperty("runId").GetGuid();
            var run = await client.GetFromJsonAsync<JsonElement>($"/api/runs/{runId}");
            Assert.StartsWith("api grid · ", run.GetProperty("scenarioName").GetString(), StringComparison.Ordinal);
            // The cell's numbers are the run's stored summaries.
            var ac = run.GetProperty("results").EnumerateArray().Single(r => r.GetProperty("strategyId").GetString() == "ac");
            var cellAc = cell.GetProperty("strategies").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "ac");
            Assert.Equal(ac.GetProperty("meanBps").GetDouble(), cellAc.GetProperty("meanCostBps").GetDouble());
            Assert.Equal(ac.GetProperty("vsTwapCiHighBps").GetDouble(), cellAc.GetProperty("vsTwapCiHighBps").GetDouble());
            var best = cell.GetProperty("best");
            var bestMean = best.GetProperty("meanCostBps").GetDouble();
            Assert.All(cell.GetProperty("strategies").EnumerateArray(), s => Assert.True(s.GetProperty("meanCostBps").GetDouble() >= bestMean));
        }
        // Every cell ran on the scenario's seed.
        await using (var db = await server.Db())
        {
            Assert.Single(db.Runs.Where(r => r.StudyId == id).Select(r => r.Seed).Distinct());
        }
        Assert.Equal(2, study.GetProperty("frontiers").GetArrayLength());
        var listed = await client.GetFromJsonAsync<JsonElement>("/api/studies");
        Assert.Contains(listed.EnumerateArray(), s => s.GetProperty("id").GetGuid() == id);
        var csv = await client.GetStringAsync($"/api/studies/{id}/cells.csv");
        Assert.StartsWith("cell,sizePctAdv,horizonMinutes,regime,impactModel,riskAversion,runId,status,strategy,meanCostBps", csv, StringComparison.Ordinal);
        Assert.Equal(1 + 4 * 4, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // twap, ac, random, best-static per cell
        var (csvHeader, csvRows) = Reports.CsvNumberFormatTests.Read(System.Text.Encoding.UTF8.GetBytes(csv));
        Reports.CsvNumberFormatTests.AssertNumeric(
            csvHeader.Except(["regime", "impactModel", "stress", "runId", "status", "strategy", "isBest", "bestSignificantVsTwap", "bestClearOfRunnerUp"]).ToList(), csvRows);

        // Another team sees nothing of it.
        var other = await server.CreateTeamAsync("Other desk");
        await server.CreateUserAsync("other@desk.test", other, TeamRole.Admin);
        using var outsider = await server.SignedInClientAsync("other@desk.test", TeamWorld.Password);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/studies/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/studies/{id}/cells.csv")).StatusCode);
        Assert.Equal(0, (await outsider.GetFromJsonAsync<JsonElement>("/api/studies")).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsJsonAsync("/api/studies", new { scenarioId, axes = new { sizePctAdv = new[] { 1.0 } } })).StatusCode);
    }

    [Fact]
    public async Task An_invalid_study_is_refused_naming_the_field_and_nothing_is_stored()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();
        var scenarioId = (await client.GetFromJsonAsync<JsonElement>("/api/scenarios"))[0].GetProperty("id").GetGuid();

        var badRegime = await client.PostAsJsonAsync("/api/studies", new { scenarioId, axes = new { regime = new[] { "normal", "stormy" } } });
        var tooBig = await client.PostAsJsonAsync("/api/studies", new { scenarioId, axes = new { sizePctAdv = Enumerable.Range(1, 20), horizonMinutes = Enumerable.Range(1, 20).Select(h => h * 10), riskAversion = new[] { 0, 1e-6 } } });
        var unknown = await client.PostAsJsonAsync("/api/studies", new { scenarioId, axes = new { size = new[] { 1 } } });

        Assert.Equal(HttpStatusCode.BadRequest, badRegime.StatusCode);
        Assert.Contains("axes.regime[1]", await badRegime.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, tooBig.StatusCode);
        Assert.Contains("800 cells", await tooBig.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("axes.size", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = await server.Db();
        Assert.Empty(db.Studies);
        Assert.Empty(db.Runs.Where(r => r.StudyId != null));
    }
}
