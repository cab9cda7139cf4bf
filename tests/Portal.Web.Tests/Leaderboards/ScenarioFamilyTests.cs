using Portal.Data.Entities;
using Portal.Domain.Scenarios;

namespace Portal.Web.Tests.Leaderboards;

public sealed class ScenarioFamilyTests
{
    [Fact]
    public void Families_name_the_impact_model_family_and_the_market_source()
    {
        var transient = ScenarioPresets.Demo() with { Market = ScenarioPresets.Demo().Market with { Impact = new TransientImpactSpec() } };
        var ow = ScenarioPresets.Demo() with { Market = ScenarioPresets.Demo().Market with { Impact = new ObizhaevaWangImpactSpec() } };
        var replay = ScenarioPresets.Demo() with { Replay = new ReplaySpec { DatasetId = Guid.NewGuid() } };
        // Custom values (no preset has 3.14% volatility), whatever the label says: the regime is derived from the values.
        var custom = ScenarioPresets.Demo() with { Market = ScenarioPresets.Demo().Market with { DailyVolatility = 0.0314 } };

        var families = new[] { ScenarioFamily.Of(transient), ScenarioFamily.Of(ow), ScenarioFamily.Of(replay, "AMZN"), ScenarioFamily.Of(custom) };

        Assert.Equal([ImpactModels.Transient, ImpactModels.ObizhaevaWang, ScenarioFamily.RecordedBook, ScenarioPresets.Demo().Market.Impact.Model],
            families.Select(f => f.ImpactFamily));
        Assert.Equal([ScenarioFamily.Simulated, ScenarioFamily.Simulated, "replay · AMZN", ScenarioFamily.SimulatedCustom], families.Select(f => f.MarketSource));
        // Same regime and buckets, yet two different worlds: the leaderboard keeps them apart; a replay is its own regime.
        Assert.Equal(families[0].Regime, families[1].Regime);
        Assert.Equal(3, families.Take(3).Select(f => (f.Regime, f.Size, f.Horizon, f.ImpactFamily, f.MarketSource)).Distinct().Count());
        Assert.Equal(ScenarioFamily.ReplayRegime, families[2].Regime);
        Assert.Equal(RegimePresets.Custom, families[3].Regime);
        var run = new Run { ScenarioName = "replay", ScenarioJson = "{}" };
        families[2].ApplyTo(run);
        Assert.Equal((ScenarioFamily.RecordedBook, "replay · AMZN"), (run.ImpactFamily, run.MarketSource));
    }

    [Theory]
    [InlineData(0.5, SizeBucket.UpTo1Pct)]
    [InlineData(1.0, SizeBucket.UpTo1Pct)]
    [InlineData(1.0001, SizeBucket.UpTo5Pct)]
    [InlineData(5.0, SizeBucket.UpTo5Pct)]
    [InlineData(10.0, SizeBucket.UpTo10Pct)]
    [InlineData(10.01, SizeBucket.Over10Pct)]
    public void Order_sizes_fall_in_the_buckets_with_inclusive_upper_edges(double pct, SizeBucket expected) =>
        Assert.Equal(expected, ScenarioFamily.SizeOf(pct));

    [Theory]
    [InlineData(5.0, HorizonBucket.UpTo5Min)]
    [InlineData(5.5, HorizonBucket.UpTo30Min)]
    [InlineData(30.0, HorizonBucket.UpTo30Min)]
    [InlineData(60.0, HorizonBucket.UpTo1Hour)]
    [InlineData(61.0, HorizonBucket.UpTo1Day)]
    [InlineData(390.0, HorizonBucket.UpTo1Day)]
    [InlineData(391.0, HorizonBucket.Longer)]
    public void Horizons_fall_in_the_buckets_with_inclusive_upper_edges(double minutes, HorizonBucket expected) =>
        Assert.Equal(expected, ScenarioFamily.HorizonOf(minutes));

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Sizes_and_horizons_that_are_not_positive_and_finite_are_refused_naming_the_parameter(double value)
    {
        Assert.Equal("sizePctAdv", Assert.Throws<ArgumentOutOfRangeException>(() => ScenarioFamily.SizeOf(value)).ParamName);
        Assert.Equal("horizonMinutes", Assert.Throws<ArgumentOutOfRangeException>(() => ScenarioFamily.HorizonOf(value)).ParamName);
    }

    [Fact]
    public void A_trading_day_is_the_scenarios_own_length()
    {
        Assert.Equal(HorizonBucket.UpTo1Day, ScenarioFamily.HorizonOf(480, tradingMinutesPerDay: 480));
        Assert.Equal(HorizonBucket.Longer, ScenarioFamily.HorizonOf(481, tradingMinutesPerDay: 480));
        Assert.Equal("tradingMinutesPerDay", Assert.Throws<ArgumentOutOfRangeException>(() => ScenarioFamily.HorizonOf(30, 0)).ParamName);
    }

    [Fact]
    public void A_scenario_family_is_the_regime_its_values_belong_to_and_buckets()
    {
        var demo = ScenarioPresets.Demo();
        var scenario = demo with { Order = demo.Order with { SizePctAdv = 5, HorizonMinutes = 60 }, Market = RegimePresets.Apply(demo.Market, RegimePresets.Volatile) };

        Assert.Equal(new ScenarioFamily("volatile", SizeBucket.UpTo5Pct, HorizonBucket.UpTo1Hour)
        {
            ImpactFamily = demo.Market.Impact.Model,
            MarketSource = ScenarioFamily.Simulated,
        }, ScenarioFamily.Of(scenario));
        // A label the values do not have is not what the run simulates.
        Assert.Equal("normal", ScenarioFamily.Of(demo with { Market = demo.Market with { Regime = "volatile" } }).Regime);
        Assert.Equal("custom", ScenarioFamily.Of(scenario with { Market = scenario.Market with { DailyVolatility = 0.05 } }).Regime);
        Assert.Equal("replay", ScenarioFamily.Of(scenario with { Replay = new ReplaySpec { DatasetId = Guid.NewGuid() } }).Regime);
    }
}
