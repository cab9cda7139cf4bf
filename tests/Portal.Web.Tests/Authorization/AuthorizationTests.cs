using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Data.Entities;
using Portal.Domain.Scenarios;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Teams;

namespace Portal.Web.Tests.Authorization;

/// <summary>
/// Every endpoint the app maps (read from <see cref="EndpointDataSource"/>, so a new endpoint without a probe here fails)
/// is tried by an anonymous caller, by an admin of another team, and by a viewer of the owning team.
/// </summary>
public sealed class AuthorizationTests : IAsyncLifetime
{
    private const string Marker = "AlphaMarker";
    private const string OutsiderEmail = "outsider@other.test";
    private const string ViewerEmail = "viewer@alpha.test";

    private PortalServer _server = default!;
    private Guid _teamA;
    private Guid _scenarioA;
    private Guid _datasetA;
    private Guid _profileA;
    private Guid _agentA;
    private Guid _offlineA;
    private Guid _runA;
    private Guid _runA2;
    private Guid _tokenA;
    private Guid _studyA;
    private Guid _mapElitesA;
    private string _tokenASecret = "";
    private string _demoUserId = "";

    /// <summary>How a caller who is not allowed must be turned away, per endpoint kind.</summary>
    private enum Kind
    {
        /// <summary>Open to anyone (sign-in pages, infrastructure, the OpenAPI document); holds no team data.</summary>
        Public,
        /// <summary>HTTP API: 401 when anonymous; another team's ids answer 403/404; never another team's data.</summary>
        Api,
        /// <summary>Page: anonymous callers are redirected to /login; another team's data never appears, and a page about
        /// one of another team's items answers 404 with a not-found message.</summary>
        Page,
        /// <summary>Form post of the account pages: anonymous callers are redirected to /login.</summary>
        Form,
        /// <summary>Hangfire dashboard: the operators listed in configuration only.</summary>
        Dashboard,
    }

    /// <param name="TargetsTeamA">The URL or body names team A's resources: an outsider must get 403/404.</param>
    /// <param name="ViewerRefused">A viewer of team A must get 403 (or 404) and change nothing.</param>
    private sealed record Probe(Kind Kind, string Method, string Url, Func<object?>? Body = null, bool TargetsTeamA = false, bool ViewerRefused = false);

    private Dictionary<string, Probe> Probes() => new()
    {
        // Pages
        ["GET /"] = new(Kind.Public, "GET", "/"),
        ["GET /login"] = new(Kind.Public, "GET", "/login"),
        ["GET /register"] = new(Kind.Public, "GET", "/register"),
        ["GET /error"] = new(Kind.Public, "GET", "/error"),
        ["GET /not-found"] = new(Kind.Public, "GET", "/not-found"),
        ["GET /status/{Code:int}"] = new(Kind.Public, "GET", "/status/404"),
        ["GET /scenarios"] = new(Kind.Page, "GET", "/scenarios"),
        ["GET /scenarios/new"] = new(Kind.Page, "GET", $"/scenarios/new?cloneOf={_scenarioA}", TargetsTeamA: true),
        ["GET /scenarios/{Id:guid}"] = new(Kind.Page, "GET", $"/scenarios/{_scenarioA}", TargetsTeamA: true),
        ["GET /scenarios/{Id:guid}/edit"] = new(Kind.Page, "GET", $"/scenarios/{_scenarioA}/edit", TargetsTeamA: true),
        ["GET /runs"] = new(Kind.Page, "GET", "/runs"),
        ["GET /runs/{Id:guid}"] = new(Kind.Page, "GET", $"/runs/{_runA}", TargetsTeamA: true),
        ["GET /compare"] = new(Kind.Page, "GET", $"/compare?runs={_runA},{_runA2}", TargetsTeamA: true),
        ["GET /leaderboards"] = new(Kind.Page, "GET", "/leaderboards"),
        ["GET /teams"] = new(Kind.Page, "GET", "/teams"),
        ["GET /team"] = new(Kind.Page, "GET", "/team"),
        ["GET /tokens"] = new(Kind.Page, "GET", "/tokens"),
        // Account form posts
        ["POST /account/login"] = new(Kind.Public, "POST", "/account/login"),
        ["POST /account/register"] = new(Kind.Public, "POST", "/account/register"),
        ["POST /account/logout"] = new(Kind.Form, "POST", "/account/logout"),
        ["POST /account/team"] = new(Kind.Form, "POST", "/account/team", TargetsTeamA: true),
        // API
        ["GET /api/openapi/{documentName}.json"] = new(Kind.Public, "GET", "/api/openapi/v1.json"),
        ["* /health"] = new(Kind.Public, "GET", "/health"),
        ["POST /api/runs"] = new(Kind.Api, "POST", "/api/runs", () => new { scenarioId = _scenarioA, episodes = 10 }, TargetsTeamA: true, ViewerRefused: true),
        ["GET /api/runs"] = new(Kind.Api, "GET", "/api/runs"),
        ["GET /api/runs/{id:guid}"] = new(Kind.Api, "GET", $"/api/runs/{_runA}", TargetsTeamA: true),
        ["PATCH /api/runs/{id:guid}"] = new(Kind.Api, "PATCH", $"/api/runs/{_runA}", () => new { name = "probe" }, TargetsTeamA: true, ViewerRefused: true),
        ["POST /api/runs/{id:guid}/cancel"] = new(Kind.Api, "POST", $"/api/runs/{_runA}/cancel", TargetsTeamA: true, ViewerRefused: true),
        ["GET /api/scenarios/"] = new(Kind.Api, "GET", "/api/scenarios"),
        ["GET /api/scenarios/{id:guid}/json"] = new(Kind.Api, "GET", $"/api/scenarios/{_scenarioA}/json", TargetsTeamA: true),
        ["POST /api/scenarios/"] = new(Kind.Api, "POST", "/api/scenarios", () => JsonDocument.Parse(ScenarioJson.Serialize(ScenarioPresets.Demo() with { Name = "made by a probe" })).RootElement, ViewerRefused: true),
        ["GET /api/teams"] = new(Kind.Api, "GET", "/api/teams"),
        ["POST /api/teams"] = new(Kind.Api, "POST", "/api/teams", () => new { name = "Probe team" }),
        ["GET /api/team/members"] = new(Kind.Api, "GET", "/api/team/members"),
        ["POST /api/team/members"] = new(Kind.Api, "POST", "/api/team/members", () => new { email = "nobody@nowhere.test", role = "Analyst" }, ViewerRefused: true),
        ["PUT /api/team/members/{userId}"] = new(Kind.Api, "PUT", $"/api/team/members/{_demoUserId}", () => new { role = "Viewer" }, TargetsTeamA: true, ViewerRefused: true),
        ["DELETE /api/team/members/{userId}"] = new(Kind.Api, "DELETE", $"/api/team/members/{_demoUserId}", TargetsTeamA: true, ViewerRefused: true),
        ["GET /api/tokens/"] = new(Kind.Api, "GET", "/api/tokens"),
        ["POST /api/tokens/"] = new(Kind.Api, "POST", "/api/tokens", () => new { name = "probe" }, ViewerRefused: true),
        ["DELETE /api/tokens/{id:guid}"] = new(Kind.Api, "DELETE", $"/api/tokens/{_tokenA}", TargetsTeamA: true, ViewerRefused: true),
        ["GET /api/leaderboards"] = new(Kind.Api, "GET", "/api/leaderboards"),
        ["GET /api/strategies"] = new(Kind.Api, "GET", "/api/strategies"),
        ["GET /api/compare"] = new(Kind.Api, "GET", $"/api/compare?runs={_runA},{_runA2}&reference={_runA2}&format=csv", TargetsTeamA: true),
        ["GET /api/runs/{id:guid}/report.pdf"] = new(Kind.Api, "GET", $"/api/runs/{_runA}/report.pdf", TargetsTeamA: true),
        ["GET /api/runs/{id:guid}/summary.csv"] = new(Kind.Api, "GET", $"/api/runs/{_runA}/summary.csv", TargetsTeamA: true),
        ["GET /api/runs/{id:guid}/episodes.csv"] = new(Kind.Api, "GET", $"/api/runs/{_runA}/episodes.csv", TargetsTeamA: true),
        ["POST /api/datasets"] = new(Kind.Api, "POST", "/api/datasets", () => new { files = "not multipart" }, ViewerRefused: true),
        ["GET /api/datasets"] = new(Kind.Api, "GET", "/api/datasets"),
        ["GET /api/datasets/{id:guid}"] = new(Kind.Api, "GET", $"/api/datasets/{_datasetA}", TargetsTeamA: true),
        ["POST /api/datasets/{id:guid}/calibrate"] = new(Kind.Api, "POST", $"/api/datasets/{_datasetA}/calibrate", TargetsTeamA: true, ViewerRefused: true),
        ["GET /api/profiles/{id:guid}"] = new(Kind.Api, "GET", $"/api/profiles/{_profileA}", TargetsTeamA: true),
        ["POST /api/agents/"] = new(Kind.Api, "POST", "/api/agents", () => new { scenarioId = _scenarioA, algorithm = "ppo", seeds = 1, environmentSteps = 100 }, TargetsTeamA: true, ViewerRefused: true),
        ["GET /api/agents/"] = new(Kind.Api, "GET", "/api/agents"),
        ["GET /api/agents/{id:guid}"] = new(Kind.Api, "GET", $"/api/agents/{_agentA}", TargetsTeamA: true),
        ["GET /agents"] = new(Kind.Page, "GET", "/agents"),
        ["GET /agents/{Id:guid}"] = new(Kind.Page, "GET", $"/agents/{_agentA}", TargetsTeamA: true),
        ["GET /datasets"] = new(Kind.Page, "GET", "/datasets"),
        ["GET /datasets/{Id:guid}"] = new(Kind.Page, "GET", $"/datasets/{_datasetA}", TargetsTeamA: true),
        ["* /hangfire/{**path}"] = new(Kind.Dashboard, "GET", "/hangfire"),
        ["GET /studies"] = new(Kind.Page, "GET", "/studies"),
        ["GET /studies/{Id:guid}"] = new(Kind.Page, "GET", $"/studies/{_studyA}", TargetsTeamA: true),
        ["POST /api/studies/"] = new(Kind.Api, "POST", "/api/studies", () => new { scenarioId = _scenarioA, name = "probe", axes = new { sizePctAdv = new[] { 1, 5 } }, }, TargetsTeamA: true, ViewerRefused: true),
        ["GET /api/studies/"] = new(Kind.Api, "GET", "/api/studies"),
        ["GET /api/studies/{id:guid}"] = new(Kind.Api, "GET", $"/api/studies/{_studyA}", TargetsTeamA: true),
        ["GET /api/studies/{id:guid}/cells.csv"] = new(Kind.Api, "GET", $"/api/studies/{_studyA}/cells.csv", TargetsTeamA: true),
        ["POST /api/stress/"] = new(Kind.Api, "POST", "/api/stress", () => new { scenarioId = _scenarioA, name = "probe", variants = new[] { "none", "volatility-spike" } }, TargetsTeamA: true, ViewerRefused: true),
        ["GET /api/stress/{id:guid}"] = new(Kind.Api, "GET", $"/api/stress/{_studyA}", TargetsTeamA: true),
        ["GET /map-elites"] = new(Kind.Page, "GET", "/map-elites"),
        ["GET /map-elites/{Id:guid}"] = new(Kind.Page, "GET", $"/map-elites/{_mapElitesA}", TargetsTeamA: true),
        ["POST /api/map-elites/"] = new(Kind.Api, "POST", "/api/map-elites", () => new { name = "probe", candidates = 0 }, ViewerRefused: true),
        ["GET /api/map-elites/{id:guid}"] = new(Kind.Api, "GET", $"/api/map-elites/{_mapElitesA}", TargetsTeamA: true),
        ["POST /api/map-elites/{id:guid}/cancel"] = new(Kind.Api, "POST", $"/api/map-elites/{_mapElitesA}/cancel", TargetsTeamA: true, ViewerRefused: true),
        ["POST /api/offline-datasets/"] = new(Kind.Api, "POST", "/api/offline-datasets", () => new { scenarioId = _scenarioA, behaviour = "twap", episodes = 10 }, TargetsTeamA: true, ViewerRefused: true),
        ["GET /api/offline-datasets/"] = new(Kind.Api, "GET", "/api/offline-datasets"),
        ["GET /api/offline-datasets/{id:guid}"] = new(Kind.Api, "GET", $"/api/offline-datasets/{_offlineA}", TargetsTeamA: true),
        ["GET /api/offline-datasets/{id:guid}/download"] = new(Kind.Api, "GET", $"/api/offline-datasets/{_offlineA}/download", TargetsTeamA: true),
        ["GET /offline-datasets"] = new(Kind.Page, "GET", "/offline-datasets"),
    };

    public async Task InitializeAsync()
    {
        // The outsider is the operator; the demo login is listed too, and must still be refused.
        _server = await PortalServer.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Portal:Operators:0"] = OutsiderEmail.ToUpperInvariant(),
            ["Portal:Operators:1"] = PortalServer.DemoEmail,
        });
        _teamA = await _server.DemoTeamIdAsync();
        await using (var db = await _server.Db())
        {
            _demoUserId = await db.Users.Where(u => u.Email == PortalServer.DemoEmail).Select(u => u.Id).SingleAsync();
            var scenario = ScenarioPresets.Demo() with { Name = Marker + " scenario" };
            var entity = new ScenarioEntity { TeamId = _teamA, Name = scenario.Name, Json = ScenarioJson.Serialize(scenario), CreatedBy = PortalServer.DemoEmail };
            db.Scenarios.Add(entity);
            await db.SaveChangesAsync();
            _scenarioA = entity.Id;
            var dataset = new Dataset
            {
                TeamId = _teamA, Name = Marker + " dataset", Format = "csv", Instrument = Marker + "X", ContentHash = new string('a', 64),
                TradingDate = new DateTime(2024, 8, 8, 0, 0, 0, DateTimeKind.Utc), CreatedBy = PortalServer.DemoEmail,
            };
            db.Datasets.Add(dataset);
            var profile = new MarketProfileEntity { TeamId = _teamA, DatasetId = dataset.Id, Name = Marker + " profile", Status = CalibrationStatus.Failed, FailureReason = "probe" };
            db.MarketProfiles.Add(profile);
            await db.SaveChangesAsync();
            (_datasetA, _profileA) = (dataset.Id, profile.Id);
            var agent = new TrainedAgentEntity
            {
                TeamId = _teamA, Name = Marker + " agent", Algorithm = "ppo", ScenarioName = Marker + " scenario", ScenarioJson = ScenarioJson.Serialize(scenario),
                Seeds = "1", Status = TrainingStatus.Failed, FailureReason = "probe",
            };
            db.TrainedAgents.Add(agent);
            var offline = new OfflineDatasetEntity
            {
                TeamId = _teamA, Name = Marker + " offline dataset", ScenarioId = _scenarioA, ScenarioName = Marker + " scenario",
                ScenarioJson = ScenarioJson.Serialize(scenario), Behaviour = "twap", Episodes = 2, Status = TrainingStatus.Succeeded, SizeBytes = 11,
            };
            db.OfflineDatasets.Add(offline);
            db.OfflineDatasetContents.Add(new OfflineDatasetContent { DatasetId = offline.Id, Content = Encoding.UTF8.GetBytes(Marker + " file") });
            await db.SaveChangesAsync();
            _agentA = agent.Id;
            _offlineA = offline.Id;
        }
        _runA = await _server.AddSucceededRunAsync(_teamA, Marker + "Regime", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour, [("twap", [1, 2, 3]), ("ac", [0, 1, 2])]);
        _runA2 = await _server.AddSucceededRunAsync(_teamA, Marker + "Regime", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour, [("twap", [2, 3, 4]), ("ac", [1, 1, 1])]);
        await using (var db = await _server.Db())
        {
            await db.Runs.Where(r => r.Id == _runA || r.Id == _runA2).ExecuteUpdateAsync(s => s.SetProperty(r => r.ScenarioName, Marker + " run"));
        }
        await using (var db = await _server.Db())
        {
            var spec = new Portal.Domain.Studies.StudySpec { Name = Marker + " study", Scenario = ScenarioPresets.Demo(), Axes = new() { SizePctAdv = [1, 5] } };
            var study = new Study { TeamId = _teamA, Name = spec.Name, SpecJson = Portal.Domain.Studies.StudyJson.Serialize(spec), CellCount = 2, CreatedBy = PortalServer.DemoEmail };
            db.Studies.Add(study);
            await db.SaveChangesAsync();
            _studyA = study.Id;
            var search = new MapElitesRun
            {
                TeamId = _teamA, Name = Marker + " search", ScenarioJson = ScenarioJson.Serialize(Portal.Domain.QualityDiversity.MapElitesSettings.DefaultScenario()),
                SettingsJson = "{}", Status = RunStatus.Failed, FailureReason = "probe", Candidates = 10, Generations = 1, ShardsPerGeneration = 1,
            };
            db.MapElitesRuns.Add(search);
            await db.SaveChangesAsync();
            _mapElitesA = search.Id;
        }
        var demoAccess = await _server.AccessAsync(_demoUserId);
        var token = await _server.Create<Portal.Application.Tokens.TokenService>().CreateAsync(demoAccess, Marker + " token");
        (_tokenA, _tokenASecret) = (token.Id, token.Token);

        var teamB = await _server.CreateTeamAsync("Other desk");
        await _server.CreateUserAsync(OutsiderEmail, teamB, TeamRole.Admin);
        await _server.CreateUserAsync(ViewerEmail, _teamA, TeamRole.Viewer);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public void Every_mapped_endpoint_has_a_probe()
    {
        var probes = Probes();
        var unknown = MappedEndpoints().Where(e => !probes.ContainsKey(e)).ToList();
        Assert.True(unknown.Count == 0, "Endpoints without an authorization probe (add them to AuthorizationTests.Probes): " + string.Join(", ", unknown));
        var stale = probes.Keys.Except(MappedEndpoints()).ToList();
        Assert.True(stale.Count == 0, "Probes for endpoints that no longer exist: " + string.Join(", ", stale));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_team_endpoints()
    {
        using var anonymous = new HttpClient { BaseAddress = _server.BaseAddress };

        var document = await anonymous.GetFromJsonAsync<JsonElement>("/api/openapi/v1.json");

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Superset(new HashSet<string> { "/api/leaderboards", "/api/tokens", "/api/tokens/{id}", "/api/teams", "/api/team/members", "/api/team/members/{userId}" }, paths.ToHashSet());
    }

    [Fact]
    public async Task Anonymous_callers_get_401_on_the_api_and_the_login_page_elsewhere()
    {
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = _server.BaseAddress };
        var failures = new List<string>();
        foreach (var (key, probe) in Probes().Where(p => p.Value.Kind != Kind.Public))
        {
            using var response = await SendAsync(anonymous, probe, antiforgery: null);
            var body = await response.Content.ReadAsStringAsync();
            var ok = probe.Kind switch
            {
                Kind.Api => response.StatusCode == HttpStatusCode.Unauthorized,
                Kind.Dashboard => response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden,
                _ => response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString.Contains("/login", StringComparison.Ordinal) == true,
            };
            if (!ok || body.Contains(Marker, StringComparison.Ordinal))
            {
                failures.Add($"{key}: {(int)response.StatusCode} {response.Headers.Location}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_member_of_another_team_gets_403_or_404_and_never_sees_the_team_data()
    {
        using var outsider = await _server.SignedInClientAsync(OutsiderEmail, TeamWorld.Password);
        var antiforgery = await AntiforgeryAsync(outsider);
        var before = await CountsAsync();
        var failures = new List<string>();
        // Signing out holds no team data and would end this client's session, so it is only probed anonymously.
        foreach (var (key, probe) in Probes().Where(p => p.Value.Kind is not Kind.Public and not Kind.Dashboard && p.Key != "POST /account/logout"))
        {
            using var response = await SendAsync(outsider, probe, antiforgery);
            var body = await response.Content.ReadAsStringAsync();
            var leaks = new[] { Marker, _runA.ToString(), _scenarioA.ToString(), _tokenA.ToString(), PortalServer.DemoEmail }
                .Where(m => !probe.Url.Contains(m, StringComparison.OrdinalIgnoreCase) && body.Contains(m, StringComparison.OrdinalIgnoreCase)).ToList();
            var refused = response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden;
            var pageNotFound = response.StatusCode == HttpStatusCode.NotFound && body.Contains("id=\"not-found\"", StringComparison.Ordinal);
            if (leaks.Count > 0 || (probe.TargetsTeamA && probe.Kind != Kind.Page && !refused) || (probe.TargetsTeamA && probe.Kind == Kind.Page && !pageNotFound)
                || (int)response.StatusCode >= 500)
            {
                failures.Add($"{key}: {(int)response.StatusCode}, leaked [{string.Join(", ", leaks)}]");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await CountsAsync());
        Assert.Equal(HttpStatusCode.OK, (await TokenClient(_tokenASecret).GetAsync("/api/scenarios")).StatusCode);
    }

    [Fact]
    public async Task Pages_about_an_item_that_does_not_exist_answer_404_with_a_not_found_message()
    {
        using var member = await _server.SignedInClientAsync();
        var teamIds = new[] { _runA, _runA2, _scenarioA, _datasetA, _agentA, _studyA, _mapElitesA }.Select(id => id.ToString()).ToList();
        var pages = Probes().Where(p => p.Value.Kind == Kind.Page && p.Value.TargetsTeamA).ToList();
        var failures = new List<string>();

        foreach (var (key, probe) in pages)
        {
            var url = teamIds.Aggregate(probe.Url, (u, id) => u.Replace(id, Guid.NewGuid().ToString(), StringComparison.Ordinal));
            using var response = await member.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.NotFound || !body.Contains("id=\"not-found\"", StringComparison.Ordinal))
            {
                failures.Add($"{key} ({url}): {(int)response.StatusCode} {body[..Math.Min(body.Length, 300)]}");
            }
        }

        Assert.True(pages.Count >= 7, $"only {pages.Count} pages about one item are probed");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_member_opens_the_pages_about_the_team_items_with_200()
    {
        using var member = await _server.SignedInClientAsync();
        var failures = new List<string>();

        foreach (var (key, probe) in Probes().Where(p => p.Value.Kind == Kind.Page && p.Value.TargetsTeamA))
        {
            using var response = await member.GetAsync(probe.Url);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK || body.Contains("id=\"not-found\"", StringComparison.Ordinal))
            {
                failures.Add($"{key}: {(int)response.StatusCode}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_viewer_cannot_submit_cancel_create_or_delete_and_nothing_changes()
    {
        using var viewer = await _server.SignedInClientAsync(ViewerEmail, TeamWorld.Password);
        var before = await CountsAsync();
        var failures = new List<string>();
        foreach (var (key, probe) in Probes().Where(p => p.Value.ViewerRefused))
        {
            using var response = await SendAsync(viewer, probe, antiforgery: null);
            if (response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.NotFound))
            {
                failures.Add($"{key}: {(int)response.StatusCode}");
            }
        }
        var dashboard = await viewer.GetAsync("/hangfire");
        if (dashboard.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
        {
            failures.Add($"/hangfire: {(int)dashboard.StatusCode}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await CountsAsync());
        await using var db = await _server.Db();
        Assert.Equal(RunStatus.Succeeded, (await db.Runs.SingleAsync(r => r.Id == _runA)).Status);
        Assert.Null((await db.ApiTokens.SingleAsync(t => t.Id == _tokenA)).RevokedUtc);
    }

    [Fact]
    public async Task A_viewer_sees_the_team_data_but_no_enabled_action_on_the_pages()
    {
        using var viewer = await _server.SignedInClientAsync(ViewerEmail, TeamWorld.Password);

        var scenarios = await viewer.GetStringAsync("/scenarios");
        var scenario = await viewer.GetStringAsync($"/scenarios/{_scenarioA}");
        var run = await viewer.GetStringAsync($"/runs/{_runA}");
        var tokens = await viewer.GetStringAsync("/tokens");
        var team = await viewer.GetStringAsync("/team");
        var search = await viewer.GetStringAsync($"/map-elites/{_mapElitesA}");

        Assert.DoesNotContain("id=\"new-scenario\"", scenarios, StringComparison.Ordinal);
        Assert.Contains(Marker + " scenario", scenario, StringComparison.Ordinal);
        Assert.DoesNotContain($"/scenarios/{_scenarioA}/edit", scenario, StringComparison.Ordinal);
        Assert.Matches(new Regex("<button[^>]*id=\"submit-run\"[^>]*disabled|<button[^>]*disabled[^>]*id=\"submit-run\""), scenario);
        Assert.Contains(Marker + " run", run, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"rerun\"", run, StringComparison.Ordinal);
        Assert.Matches(new Regex("<button[^>]*id=\"create-token\"[^>]*disabled|<button[^>]*disabled[^>]*id=\"create-token\""), tokens);
        Assert.DoesNotContain("id=\"add-member\"", team, StringComparison.Ordinal);
        Assert.DoesNotContain("remove-member", team, StringComparison.Ordinal);
        Assert.Matches(new Regex("<button[^>]*id=\"cancel-search\"[^>]*disabled|<button[^>]*disabled[^>]*id=\"cancel-search\""), search);
        Assert.Matches(new Regex("id=\"cancel-reason\"[^>]*>Viewers cannot cancel MAP-Elites searches."), search);
    }

    [Fact]
    public async Task Only_listed_operators_open_the_job_dashboard_and_never_the_demo_login_nor_a_team_admin()
    {
        using var listedOperator = await _server.SignedInClientAsync(OutsiderEmail, TeamWorld.Password);
        using var demoAdmin = await _server.SignedInClientAsync();

        var allowed = await listedOperator.GetAsync("/hangfire");
        var refused = await demoAdmin.GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.True(refused.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{(int)refused.StatusCode}");
    }

    [Fact]
    public async Task A_revoked_token_stops_working_at_once()
    {
        using var admin = await _server.SignedInClientAsync();
        var created = await (await admin.PostAsJsonAsync("/api/tokens", new { name = "to revoke" })).Content.ReadFromJsonAsync<JsonElement>();
        using var script = TokenClient(created.GetProperty("token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/scenarios")).StatusCode);

        var revoke = await admin.DeleteAsync($"/api/tokens/{created.GetProperty("id").GetGuid()}");

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.GetAsync("/api/scenarios")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await script.PostAsJsonAsync("/api/runs", new { scenarioId = _scenarioA })).StatusCode);
    }

    private IEnumerable<string> MappedEndpoints()
    {
        var source = _server.Services.GetRequiredService<EndpointDataSource>();
        foreach (var endpoint in source.Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (IsInfrastructure(endpoint, pattern))
            {
                continue;
            }
            var methods = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods;
            if (methods is null || methods.Count == 0)
            {
                yield return "* " + pattern;
                continue;
            }
            // Pages answer GET and POST (form posts to the same route); the probe is the GET.
            if (methods.Contains("GET"))
            {
                yield return "GET " + pattern;
            }
            foreach (var m in methods.Where(m => m is not "GET" and not "HEAD" && !(methods.Contains("GET") && m == "POST" && IsComponent(endpoint))))
            {
                yield return m + " " + pattern;
            }
        }
    }

    private static bool IsComponent(Endpoint e) => e.Metadata.GetMetadata<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>() is not null;

    /// <summary>Framework plumbing and static files: no team data, identical for everyone.</summary>
    private static bool IsInfrastructure(Endpoint e, string pattern) =>
        pattern.StartsWith("/_blazor", StringComparison.Ordinal) || pattern.StartsWith("/_framework", StringComparison.Ordinal)
        || pattern.StartsWith("/_content", StringComparison.Ordinal) || pattern == "/{**path:file}"
        || e.Metadata.Any(m => m.GetType().Name == "StaticAssetDescriptor");

    private async Task<HttpResponseMessage> SendAsync(HttpClient client, Probe probe, string? antiforgery)
    {
        var request = new HttpRequestMessage(new HttpMethod(probe.Method), probe.Url);
        if (probe.Kind == Kind.Form)
        {
            var form = new Dictionary<string, string> { ["teamId"] = _teamA.ToString(), ["returnUrl"] = "/" };
            if (antiforgery is not null)
            {
                form["__RequestVerificationToken"] = antiforgery;
            }
            request.Content = new FormUrlEncodedContent(form);
        }
        else if (probe.Body?.Invoke() is { } body)
        {
            request.Content = JsonContent.Create(body);
        }
        else if (probe.Method is "POST" or "PUT")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }
        return await client.SendAsync(request);
    }

    private static async Task<string> AntiforgeryAsync(HttpClient client)
    {
        var page = await client.GetStringAsync("/teams");
        return Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
    }

    private HttpClient TokenClient(string token)
    {
        var client = new HttpClient { BaseAddress = _server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>What team A owns: scenarios, runs, members, active tokens, and the demo user's role.</summary>
    private async Task<string> CountsAsync()
    {
        await using var db = await _server.Db();
        var scenarios = await db.Scenarios.CountAsync(s => s.TeamId == _teamA);
        var runs = await db.Runs.CountAsync(r => r.TeamId == _teamA);
        var members = await db.TeamMembers.Where(m => m.TeamId == _teamA).OrderBy(m => m.UserId).Select(m => m.UserId + ":" + m.Role).ToListAsync();
        var tokens = await db.ApiTokens.CountAsync(t => t.TeamId == _teamA && t.RevokedUtc == null);
        var offline = await db.OfflineDatasets.CountAsync(d => d.TeamId == _teamA);
        return $"scenarios {scenarios}, runs {runs}, tokens {tokens}, offline datasets {offline}, members {string.Join(",", members)}";
    }
}
