using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Domain.Strategies;
using Portal.Web.Tests.Infrastructure;

namespace Portal.Web.Tests.Strategies;

/// <summary>The API lists what the registries hold, so a script learns the allowed strategy ids, their parameters and the
/// learning algorithms without a copy of any list.</summary>
public sealed class StrategyApiTests
{
    [Fact]
    public async Task Strategies_endpoint_lists_every_registered_baseline_with_its_parameters_and_every_algorithm()
    {
        await using var server = await PortalServer.StartAsync();
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/strategies")).StatusCode);
        using var client = await server.SignedInClientAsync();

        var body = await client.GetFromJsonAsync<JsonElement>("/api/strategies");

        var baselines = body.GetProperty("baselines").EnumerateArray().ToList();
        Assert.Equal(StrategyRegistry.Baselines.Select(b => b.Id), baselines.Select(b => b.GetProperty("id").GetString()));
        Assert.Equal(["twap", "random", "best-static"], baselines.Where(b => b.GetProperty("alwaysCompared").GetBoolean()).Select(b => b.GetProperty("id").GetString()));
        var pov = baselines.Single(b => b.GetProperty("id").GetString() == "pov").GetProperty("parameters").EnumerateArray().Single();
        Assert.Equal("strategySettings.povRatePct", pov.GetProperty("path").GetString());
        Assert.Equal(10, pov.GetProperty("default").GetDouble());
        Assert.Equal("(0, 100]", pov.GetProperty("range").GetString());
        Assert.Equal("agent:", body.GetProperty("agentPrefix").GetString());
        Assert.Equal(["qlearning", "dqn", "ppo", "sac", "bcq", "td3bc"], body.GetProperty("agentAlgorithms").EnumerateArray().Select(a => a.GetProperty("id").GetString()));
        Assert.All(body.GetProperty("agentAlgorithms").EnumerateArray(), a => Assert.NotEmpty(a.GetProperty("parameters").EnumerateArray()));

        // Each hyperparameter carries the registry's declaration beside its name, type and default.
        var dqn = body.GetProperty("agentAlgorithms").EnumerateArray().Single(a => a.GetProperty("id").GetString() == "dqn").GetProperty("parameters").EnumerateArray().ToList();
        var batch = dqn.Single(p => p.GetProperty("name").GetString() == "batchSize");
        Assert.Equal(("int", "256", "transitions", "[1, bufferCapacity]", "bufferCapacity"),
            (batch.GetProperty("type").GetString(), batch.GetProperty("default").GetString(), batch.GetProperty("unit").GetString(),
             batch.GetProperty("range").GetString(), batch.GetProperty("maxOf").GetString()));
        Assert.Equal("Transitions per gradient step.", batch.GetProperty("help").GetString());
        var rate = dqn.Single(p => p.GetProperty("name").GetString() == "learningRate");
        Assert.Equal((0.0, true, 1.0, false, "(0, 1]"), (rate.GetProperty("min").GetDouble(), rate.GetProperty("minExclusive").GetBoolean(),
            rate.GetProperty("max").GetDouble(), rate.GetProperty("maxExclusive").GetBoolean(), rate.GetProperty("range").GetString()));
        var scale = body.GetProperty("agentAlgorithms").EnumerateArray().Single(a => a.GetProperty("id").GetString() == "td3bc")
            .GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "actionScale");
        Assert.Equal(["fraction", "twap-log"], scale.GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()));
    }
}
