using System.Text.Json.Nodes;
using Portal.Domain.Scenarios;
using Portal.Jobs.Cli;

namespace Portal.Data.Tests;

/// <summary><c>backtest --regime NAME</c> simulates the regime's values, and the result says which regime that was.</summary>
public sealed class BacktestRegimeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backtest-regime-").FullName;

    private async Task<(int Exit, JsonNode? Result)> BacktestAsync(params string[] args)
    {
        string output = Path.Combine(_dir, $"{Guid.NewGuid():N}.json");
        int exit = await PortalCommandLine.Build().Parse(["backtest", .. args, "--json", output]).InvokeAsync();
        return (exit, File.Exists(output) ? JsonNode.Parse(await File.ReadAllTextAsync(output)) : null);
    }

    [Fact]
    public async Task The_regime_option_sets_the_regimes_values_and_they_are_what_is_simulated()
    {
        var (exit, result) = await BacktestAsync("--regime", "volatile", "--episodes", "300", "--seed", "9", "--strategies", "twap");

        Assert.Equal(0, exit);
        var market = result!["scenarioDefinition"]!["market"]!;
        Assert.Equal("volatile", (string?)market["regime"]);
        Assert.Equal(0.04, (double)market["dailyVolatility"]!);
        Assert.Equal(8.0, (double)market["spread"]!["meanBps"]!);

        // The same values from a scenario file give the same numbers: the option changed the simulated market.
        var volatileDemo = ScenarioPresets.Demo() with { Market = RegimePresets.Apply(ScenarioPresets.Demo().Market, RegimePresets.Volatile) };
        string file = Path.Combine(_dir, "volatile.json");
        await File.WriteAllTextAsync(file, ScenarioJson.Serialize(volatileDemo));
        var (_, fromFile) = await BacktestAsync("--scenario", file, "--episodes", "300", "--seed", "9", "--strategies", "twap");
        var (_, normal) = await BacktestAsync("--episodes", "300", "--seed", "9", "--strategies", "twap");

        static double StdBps(JsonNode r) => (double)r["strategies"]![0]!["stdCostBps"]!;
        Assert.Equal(StdBps(fromFile!), StdBps(result));
        Assert.Equal("normal", (string?)normal!["scenarioDefinition"]!["market"]!["regime"]);
        Assert.True(StdBps(result) > 1.5 * StdBps(normal), $"volatile {StdBps(result)} bps vs normal {StdBps(normal)} bps");
    }

    [Fact]
    public void The_regime_option_keeps_the_scenarios_reference_levels_and_impact_model()
    {
        var ow = ScenarioPresets.ObizhaevaWang();
        var prepared = BacktestCommand.Prepare(ow, RegimePresets.FlashCrash, episodes: 10, seed: null, strategies: null);

        Assert.Equal(RegimePresets.FlashCrash, prepared.Market.Regime);
        Assert.Equal((ow.Market.Adv, ow.Market.Impact.Model, ((ObizhaevaWangImpactSpec)ow.Market.Impact).Depth), (prepared.Market.Adv, prepared.Market.Impact.Model, ((ObizhaevaWangImpactSpec)prepared.Market.Impact).Depth));
        Assert.Equal(-5, Assert.Single(prepared.Market.Events).PriceJumpPct);
        Assert.Equal(10, prepared.Episodes);
    }

    [Fact]
    public async Task An_unknown_regime_is_refused_naming_the_allowed_ones()
    {
        var error = Assert.Throws<ScenarioValidationException>(() => BacktestCommand.Prepare(ScenarioPresets.Demo(), "meltdown", null, null, null));
        Assert.Equal("market.regime", Assert.Single(error.Errors).Field);
        Assert.Contains("liquidity-collapse", error.Message, StringComparison.Ordinal);

        var (exit, result) = await BacktestAsync("--regime", "meltdown");
        Assert.Equal(2, exit);
        Assert.Null(result);
    }

    [Fact]
    public async Task A_scenario_file_with_an_unknown_field_is_refused_naming_it()
    {
        var node = JsonNode.Parse(ScenarioJson.Serialize(ScenarioPresets.Demo()))!;
        node["order"]!["urgency"] = "high";
        string file = Path.Combine(_dir, "unknown.json");
        await File.WriteAllTextAsync(file, node.ToJsonString());

        var (exit, result) = await BacktestAsync("--scenario", file);

        Assert.Equal(2, exit);
        Assert.Null(result);
        Assert.Equal("order.urgency", Assert.Single(Assert.Throws<ScenarioValidationException>(() => ScenarioJson.Parse(node.ToJsonString())).Errors).Field);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
