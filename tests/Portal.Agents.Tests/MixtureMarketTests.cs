using Portal.Agents.Cli;
using Portal.Agents.Environment;
using Portal.Agents.Training;
using Portal.Domain.QualityDiversity;
using Portal.Domain.Simulation;

namespace Portal.Agents.Tests;

/// <summary>A niche mixture deals every batch's paths evenly over the MAP-Elites niche variants; each component is the
/// variant's own market on its own stream, with the niche's volatility in the risk penalty.</summary>
public sealed class MixtureMarketTests
{
    private static readonly NicheGrid Grid = new();

    [Fact]
    public void Paths_are_dealt_to_the_niches_in_turn_and_episodes_of_one_path_stay_together()
    {
        var market = (MixtureMarket)MarketSource.ForNiches(MapElitesSettings.DefaultScenario(), Grid).CreateMarket(256, MarketPurpose.Training);
        market.Reset(5, episodesPerPath: 8);
        var counts = new int[9];
        for (int i = 0; i < 256; i++)
        {
            Assert.Equal(i / 8 % 9, market.ComponentOf(i));
            counts[market.ComponentOf(i)]++;
        }

        // 32 paths over 9 niches: 4 paths for niches 0–4, 3 for niches 5–8.
        Assert.Equal([32, 32, 32, 32, 32, 24, 24, 24, 24], counts);
        Assert.Equal(20, market.Steps);
    }

    [Fact]
    public void Each_episode_is_its_niche_variant_on_the_niche_s_own_stream()
    {
        var scenario = MapElitesSettings.DefaultScenario();
        var source = MarketSource.ForNiches(scenario, Grid);
        var mixture = source.CreateMarket(36, MarketPurpose.Evaluation);
        mixture.Reset(11, episodesPerPath: 2);
        // Niche 7 holds paths 7 and 16, i.e. episodes 14, 15 and 32, 33: alone, its variant runs them as local 0–3.
        double v = Grid.VolatilityCentre(2);
        var alone = new ScenarioMarket(Grid.Variant(scenario, 7), 4, scenario.StrategySettings.RiskAversion * v * v);
        alone.Reset(RandomStream.TaggedSeed(11, 8), episodesPerPath: 2);
        int[] mine = [14, 15, 32, 33];
        var f = new double[36];
        var fa = new double[4];
        var (cost, risk, ca, ra) = (new double[36], new double[36], new double[4], new double[4]);
        for (int k = 0; k < 20; k++)
        {
            for (int i = 0; i < 36; i++) f[i] = (i % 3 + 1) / 20.0;
            for (int j = 0; j < 4; j++)
            {
                fa[j] = f[mine[j]];
                Assert.Equal(alone.Observe(j), mixture.Observe(mine[j]));
                Assert.Equal(alone.MaxFractionOfRemaining(j), mixture.MaxFractionOfRemaining(mine[j]));
            }

            mixture.Step(f, cost, risk);
            alone.Step(fa, ca, ra);
            for (int j = 0; j < 4; j++)
            {
                Assert.Equal(ca[j], cost[mine[j]]);
                Assert.Equal(ra[j], risk[mine[j]]);
                Assert.Equal(alone.LastTradedFraction[j], mixture.LastTradedFraction[mine[j]]);
                Assert.Equal(alone.PriceNoiseBps(j), mixture.PriceNoiseBps(mine[j]));
            }
        }

        Assert.True(mixture.LastStepWasForced);
    }

    [Fact]
    public void The_risk_penalty_of_a_niche_uses_the_niche_s_volatility()
    {
        var scenario = MapElitesSettings.DefaultScenario();
        var mixture = MarketSource.ForNiches(scenario, Grid).CreateMarket(9, MarketPurpose.Training);
        var plain = MarketSource.For(scenario).CreateMarket(1, MarketPurpose.Training);
        mixture.Reset(3);
        plain.Reset(3);
        var (cost, risk, pc, pr) = (new double[9], new double[9], new double[1], new double[1]);
        mixture.Step(new double[9], cost, risk);  // nothing traded: the penalty is λσ²τX², deterministic
        plain.Step(new double[1], pc, pr);
        for (int j = 0; j < 9; j++)
        {
            double m = Grid.VolatilityCentre(Grid.VolatilityBin(j));
            Assert.Equal(pr[0] * m * m, risk[j], 9);
        }
    }

    [Fact]
    public void The_niches_option_builds_the_mixture_and_refuses_what_it_cannot_mix()
    {
        var market = TrainCommand.ReadNiches("3x3", MarketSource.For(MapElitesSettings.DefaultScenario(), 2e-6));
        Assert.Equal(Grid, market.Niches);
        Assert.Equal(2e-6, market.RiskAversion);
        Assert.Equal(9, market.Variants.Count);
        Assert.Null(market.Optimum());
        Assert.Null(AgentTrainer.BestStatic(market));
        Assert.Equal(9, MarketSource.Exposure([market], []).Sources.Count);
        Assert.Equal(new NicheGrid { VolatilityBins = 2, LiquidityBins = 4 }, TrainCommand.ReadNiches("2x4", market).Niches);
        Assert.Throws<ArgumentException>(() => TrainCommand.ReadNiches("3by3", market));
        Assert.Throws<ArgumentException>(() => TrainCommand.ReadNiches("3x3", MarketSource.For(TestMarkets.Desk())));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrainCommand.ReadNiches("0x3", market));
        // A market without niches serialises as before (offline datasets keyed by its hash stay valid).
        Assert.DoesNotContain("niches", System.Text.Json.JsonSerializer.Serialize(MarketSource.For(MapElitesSettings.DefaultScenario()), AgentArtifact.JsonOptions), StringComparison.Ordinal);
    }
}
