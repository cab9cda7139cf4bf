using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Portal.Application.Agents;
using Portal.Data;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Agents;

/// <summary>
/// Hyperparameters set from the portal: the API checks them against the algorithm's schema, stores the full effective set
/// with the agent and returns it; the training job trains with it; the training form offers one field per hyperparameter
/// and the agent's page shows what it trained with.
/// </summary>
public sealed class AgentHyperparameterTests
{
    public static TheoryData<bool> OnPostgres => [false, true];

    private static JsonElement SmallScenario(string name) => JsonDocument.Parse(ScenarioJson.Serialize(
        ScenarioPresets.Demo() with { Name = name, Episodes = 60, Seed = 5, Order = ScenarioPresets.Demo().Order with { Steps = 6 } })).RootElement;

    private static async Task<int> StoredAgentsAsync(PortalServer server)
    {
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await db.TrainedAgents.CountAsync();
    }

    [Theory]
    [MemberData(nameof(OnPostgres))]
    public async Task Posted_hyperparameters_are_checked_stored_and_returned_with_the_defaults_filled_in(bool postgres)
    {
        await using var server = await PortalServer.StartAsync(postgres: postgres);
        using var client = await server.SignedInClientAsync();
        var scenario = SmallScenario("hyper world");

        var bad = await client.PostAsJsonAsync("/api/agents", new
        {
            scenario, algorithm = "qlearning", seeds = 1, environmentSteps = 600,
            hyperparameters = new { learningRate = -1, limitOrders = true },
        });
        var unknown = await client.PostAsJsonAsync("/api/agents", new { scenario, algorithm = "qlearning", hyperparameters = new { clipRange = 0.2 } });
        var wrongType = await client.PostAsJsonAsync("/api/agents", new { scenario, algorithm = "qlearning", hyperparameters = new { limitOrders = "yes" } });
        var notAnObject = await client.PostAsJsonAsync("/api/agents", new { scenario, algorithm = "qlearning", hyperparameters = new[] { 1, 2 } });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("hyperparameters.learningRate: is -1, allowed range (0, 1]",
            Assert.Single(problem.GetProperty("errors").GetProperty("hyperparameters.learningRate").EnumerateArray()).GetString());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("hyperparameters.clipRange: unknown for qlearning; known: parallelEpisodes,", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Equal("hyperparameters.limitOrders: is \"yes\", must be true or false",
            (await wrongType.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("hyperparameters.limitOrders")[0].GetString());
        Assert.Equal(HttpStatusCode.BadRequest, notAnObject.StatusCode);
        Assert.Contains("hyperparameters: must be a JSON object", await notAnObject.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await StoredAgentsAsync(server));

        var response = await client.PostAsJsonAsync("/api/agents", new
        {
            scenario, algorithm = "qlearning", seeds = 1, environmentSteps = 600,
            hyperparameters = new { learningRate = 0.2, limitOrders = true, remainingBuckets = 12 },
        });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal(1, await StoredAgentsAsync(server));

        var agent = await client.GetFromJsonAsync<JsonElement>($"/api/agents/{id}");
        var hyper = agent.GetProperty("hyperparameters");
        Assert.Equal(0.2, hyper.GetProperty("learningRate").GetDouble());
        Assert.True(hyper.GetProperty("limitOrders").GetBoolean());
        Assert.Equal(12, hyper.GetProperty("remainingBuckets").GetInt32());
        // The rest are the defaults the agent trains with, every field present.
        Assert.Equal(64, hyper.GetProperty("parallelEpisodes").GetInt32());
        Assert.Equal(0.02, hyper.GetProperty("epsilonEnd").GetDouble());
        Assert.Equal(9, hyper.EnumerateObject().Count());

        // An agent posted without hyperparameters stores and returns the defaults.
        var plain = await client.PostAsJsonAsync("/api/agents", new { scenario, algorithm = "qlearning", seeds = 1, environmentSteps = 600 });
        var plainId = (await plain.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var plainHyper = (await client.GetFromJsonAsync<JsonElement>($"/api/agents/{plainId}")).GetProperty("hyperparameters");
        Assert.False(plainHyper.GetProperty("limitOrders").GetBoolean());
        Assert.Equal(0.05, plainHyper.GetProperty("learningRate").GetDouble());
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var stored = await db.TrainedAgents.AsNoTracking().SingleAsync(a => a.Id == id);
        Assert.Contains("\"limitOrders\":true", stored.HyperparametersJson, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_qlearning_agent_trained_through_the_portal_with_limit_orders_is_an_order_type_strategy_and_one_without_is_not()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();
        var scenario = SmallScenario("order types");

        var strategies = new Dictionary<bool, IExecutionStrategy>();
        foreach (bool limitOrders in new[] { true, false })
        {
            var response = await client.PostAsJsonAsync("/api/agents", new
            {
                scenario, algorithm = "qlearning", seeds = 1, environmentSteps = 1200, hyperparameters = new { limitOrders, parallelEpisodes = 16 },
            });
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
            var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
            var id = accepted.GetProperty("id").GetGuid();
            var agent = await Polling.UntilAsync(client, $"/api/agents/{id}", a => a.GetProperty("status").GetString() is "Succeeded" or "Failed");
            Assert.True(agent.GetProperty("status").GetString() == "Succeeded", agent.ToString());

            await using var db = await server.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
            var teamId = await db.TrainedAgents.Where(a => a.Id == id).Select(a => a.TeamId).SingleAsync();
            var loader = server.Services.GetRequiredService<IAgentStrategyLoader>();
            strategies[limitOrders] = Assert.Single(await loader.LoadAsync(teamId, [accepted.GetProperty("strategyId").GetString()!], CancellationToken.None));
        }

        Assert.IsAssignableFrom<IOrderTypeStrategy>(strategies[true]);
        Assert.False(strategies[false] is IOrderTypeStrategy);
    }

    [Fact]
    public async Task The_training_form_shows_a_refused_hyperparameter_at_its_field_and_the_agent_page_shows_the_value_trained_with()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();
        var created = await client.PostAsync("/api/scenarios", new StringContent(SmallScenario("form world").GetRawText(), System.Text.Encoding.UTF8, "application/json"));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());

        await using var session = await Browser.OpenAsync(server);
        var page = session.Page;
        Guid agentId = default;
        await page.ScriptAsync("agent-hyperparameters", async step =>
        {
            step("sign in and open the training form");
            await page.SignInAsDemoAsync();
            await page.GotoAsync("/agents");
            await page.WaitForInteractiveAsync();

            step("choose the scenario and tabular Q-learning");
            await page.Locator(".mud-input-control.mud-select", new PageLocatorOptions { Has = page.Locator("#agent-scenario") }).ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new PageLocatorOptions { HasText = "form world" }).ClickAsync();
            await page.Locator(".mud-input-control.mud-select", new PageLocatorOptions { Has = page.Locator("#agent-algorithm") }).ClickAsync();
            await page.Locator(".mud-popover-open .mud-list-item", new PageLocatorOptions { HasText = "qlearning" }).ClickAsync();
            await page.FillAsync("#agent-seeds", "1");
            await page.FillAsync("#agent-steps", "600");

            step("open the advanced hyperparameters: one field per schema entry, defaults pre-filled");
            await page.Locator("#advanced-hyperparameters .mud-expand-panel-header").ClickAsync();
            var field = page.Locator("#hyper-field-learningRate");
            await Assertions.Expect(page.Locator("#hyper-learningRate")).ToHaveValueAsync("0.05");
            await Assertions.Expect(field).ToContainTextAsync("Allowed: more than 0 and at most 1.");
            await Assertions.Expect(page.Locator("#hyper-field-limitOrders")).ToContainTextAsync("Market orders only");
            await Assertions.Expect(page.Locator("#hyperparameter-fields .hyperparameter-field")).ToHaveCountAsync(9);

            step("an out-of-range value is refused at its field");
            await page.FillAsync("#hyper-learningRate", "-1");
            await Assertions.Expect(field).ToHaveAttributeAsync("data-invalid", "true");
            await Assertions.Expect(field.Locator(".mud-input-helper-text")).ToContainTextAsync("Must be more than 0 and at most 1; -1 is not.");
            await Assertions.Expect(page.Locator("#train-agent")).ToBeDisabledAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "agent-hyperparameters-form.png"), FullPage = true });

            step("fixed, the agent trains with it");
            await page.FillAsync("#hyper-learningRate", "0.2");
            await Assertions.Expect(field).ToHaveAttributeAsync("data-invalid", "false");
            await Assertions.Expect(page.Locator("#hyperparameters-changed")).ToContainTextAsync("1 changed");
            await page.ClickAsync("#train-agent");
            // The address is enough (the page is waited for below): the load event did not always come within 30 s on a loaded machine.
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/agents/[0-9a-f-]{36}$"), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
            agentId = Guid.Parse(page.Url.Split('/')[^1]);
            await page.WaitForInteractiveAsync();

            step("the agent page shows the value it trained with");
            var row = page.Locator("#hyperparameter-table tr[data-name='learningRate']");
            await Assertions.Expect(row).ToHaveAttributeAsync("data-value", "0.2");
            await Assertions.Expect(row).ToHaveAttributeAsync("data-changed", "true");
            await Assertions.Expect(row.Locator(".hyperparameter-value")).ToHaveTextAsync("0.2");
            await Assertions.Expect(page.Locator("#hyperparameter-table tr[data-name='limitOrders'] .hyperparameter-value")).ToHaveTextAsync("Market orders only");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "agent-hyperparameters-page.png"), FullPage = true });
        });

        var agent = await client.GetFromJsonAsync<JsonElement>($"/api/agents/{agentId}");
        Assert.Equal(0.2, agent.GetProperty("hyperparameters").GetProperty("learningRate").GetDouble());
        Assert.Equal("qlearning", agent.GetProperty("algorithm").GetString());
    }
}
