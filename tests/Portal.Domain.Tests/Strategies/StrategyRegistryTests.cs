using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Strategies;

namespace Portal.Domain.Tests.Strategies;

/// <summary>
/// The registry is the one list of baselines: every registered baseline runs through a backtest (the look-ahead contract
/// enumerates the same registry in <see cref="LookAhead.LookAheadContractTests"/>), validation and run composition read
/// it, and its parameter schema matches what a new scenario holds.
/// </summary>
public class StrategyRegistryTests
{
    public static TheoryData<string> BaselineIds()
    {
        var data = new TheoryData<string>();
        foreach (var b in StrategyRegistry.Baselines) data.Add(b.Id);
        return data;
    }

    [Theory]
    [MemberData(nameof(BaselineIds))]
    public void Every_registered_baseline_completes_the_order_in_a_backtest(string id)
    {
        var scenario = ScenarioPresets.Demo() with { Episodes = 64, Seed = 3, Strategies = [id] };
        Assert.Empty(scenario.Validate());

        var result = BacktestRunner.Run(scenario);

        var row = Assert.Single(result.Strategies, r => r.StrategyId == id);
        Assert.Equal(64, row.Episodes.Count);
        Assert.All(row.Episodes, e => Assert.True(double.IsFinite(e.ShortfallBps), $"{id}: cost {e.ShortfallBps}"));
        Assert.All(row.Episodes, e => Assert.Equal(0, e.UnfilledQuantity));
        Assert.True(double.IsFinite(row.Summary.MeanBps));
    }

    [Theory]
    [MemberData(nameof(BaselineIds))]
    public void A_registration_creates_the_strategy_under_its_own_id(string id)
    {
        var registration = StrategyRegistry.Find(id)!;
        var strategy = registration.Create(ScenarioPresets.Demo());

        Assert.Equal(id, strategy.Id);
        Assert.False(string.IsNullOrWhiteSpace(registration.Name));
        Assert.False(string.IsNullOrWhiteSpace(registration.Description));
        Assert.Equal(StrategyKind.Baseline, registration.StrategyId.Kind);
    }

    [Fact]
    public void Ids_and_orders_are_unique_and_the_list_keeps_its_display_order()
    {
        var baselines = StrategyRegistry.Baselines;
        Assert.Equal(baselines.Count, baselines.Select(b => b.Id).Distinct().Count());
        Assert.Equal(baselines.Count, baselines.Select(b => b.Order).Distinct().Count());
        Assert.Equal(["immediate", "twap", "twap-passive", "vwap", "vwap-passive", "pegged", "pov", "ac", "ac-neutral", "ow", "random", "best-static", "reopt"], baselines.Select(b => b.Id));
        Assert.Equal(["twap", "random", "best-static"], StrategyRegistry.AlwaysCompared);
        Assert.Equal(3, StrategyRegistry.OrderOf("vwap"));
        Assert.Equal(int.MaxValue, StrategyRegistry.OrderOf("agent:x"));
    }

    [Fact]
    public void Parameter_defaults_are_a_new_scenarios_settings_and_lie_in_their_ranges()
    {
        var settings = new StrategySettings();
        Assert.Equal(["riskAversion", "povRatePct", "limitOffsetBps", "limitTtlPct", "catchUpPct"], StrategyRegistry.Parameters.Select(p => p.Field));
        foreach (var p in StrategyRegistry.Parameters)
        {
            Assert.Equal(p.Default, p.Read(settings));
            Assert.True(p.Allows(p.Default), $"{p.Field} default {p.Default} outside {p.RangeText}");
            Assert.False(string.IsNullOrWhiteSpace(p.Help));
        }
        Assert.Equal("(0, 100]", StrategyParameter.PovRatePct.RangeText);
        Assert.False(StrategyParameter.PovRatePct.Allows(0));
        Assert.True(StrategyParameter.RiskAversion.Allows(0));
    }

    [Fact]
    public void Validation_reads_each_parameters_range_from_the_registry()
    {
        var demo = ScenarioPresets.Demo();
        var pov = Assert.Single((demo with { StrategySettings = new StrategySettings { PovRatePct = 0 } }).Validate());
        Assert.Equal(StrategyParameter.PovRatePct.Path, pov.Field);
        Assert.Contains("(0, 100]", pov.Message, StringComparison.Ordinal);
        var lambda = Assert.Single((demo with { StrategySettings = new StrategySettings { RiskAversion = 2 } }).Validate());
        Assert.Equal("strategySettings.riskAversion", lambda.Field);
        Assert.Contains("[0, 1]", lambda.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Strategy_ids_say_what_they_name()
    {
        var agent = Guid.NewGuid();
        var id = StrategyId.ForAgent(agent);
        Assert.Equal("agent:" + agent.ToString("N"), id.Value);
        Assert.Equal(StrategyKind.Agent, id.Kind);
        Assert.True(id.TryGetAgentId(out var parsed));
        Assert.Equal(agent, parsed);

        Assert.Equal(StrategyKind.Baseline, StrategyId.Parse("twap").Kind);
        Assert.Equal(StrategyKind.Agent, StrategyId.Parse("agent:ppo-7").Kind);
        Assert.False(StrategyId.Parse("agent:ppo-7").TryGetAgentId(out _));
        Assert.True(StrategyId.IsAgentId("agent:ppo-7"));
        Assert.False(StrategyId.IsAgentId("twap"));
        Assert.Equal(StrategyKind.External, StrategyId.Parse("desk:vwap2").Kind);
        Assert.Equal(StrategyKind.Unknown, StrategyId.Parse("magic").Kind);
        Assert.Throws<ArgumentException>(() => StrategyId.Parse(" "));
        Assert.True(StrategyId.Twap.Is("twap"));
        Assert.Equal("best-static", (string)StrategyId.BestStatic);
    }

    [Fact]
    public void An_unknown_baseline_is_refused_with_the_allowed_ids()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => StrategyRegistry.Create("magic", ScenarioPresets.Demo()));
        Assert.Equal("id", ex.ParamName);
        Assert.Contains("twap", ex.Message, StringComparison.Ordinal);
        Assert.Contains("best-static", ex.Message, StringComparison.Ordinal);
    }
}
