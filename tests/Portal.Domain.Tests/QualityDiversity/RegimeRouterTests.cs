using Portal.Domain.QualityDiversity;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Tests.QualityDiversity;

public class RegimeRouterTests
{
    private static readonly NicheGrid Grid = new();

    private static double[] Theta(double bias) => [bias, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    [Fact]
    public void With_one_policy_everywhere_the_router_is_that_policy()
    {
        var theta = new double[] { 0.3, 1, -0.5, 0.2, 0.4, -0.3, 0.1, 0.2, 0, 0 };
        var router = new RegimeRouter("router", Grid, Enumerable.Repeat<double[]?>(theta, 9).ToList(), null);
        var policy = new LinearPolicyStrategy("p", "p", theta);
        var scenario = Grid.Variant(MapElitesSettings.DefaultScenario(), 2);
        var a = Portal.Domain.QualityDiversity.SpecialistComparison.EpisodeCosts(scenario, router, 9, 0, 64);
        var b = Portal.Domain.QualityDiversity.SpecialistComparison.EpisodeCosts(scenario, policy, 9, 0, 64);
        Assert.Equal(b, a);
    }

    [Fact]
    public void At_the_first_step_nothing_is_known_of_volatility_and_the_router_believes_the_nominal_row()
    {
        var scenario = Grid.Variant(MapElitesSettings.DefaultScenario(), Grid.NicheOf(2, 1));
        var sim = new ExecutionSimulation(scenario, 32);
        sim.Reset(1, 0, 32);
        foreach (var o in sim.Observations) Assert.Equal(1, Grid.VolatilityBin(RegimeRouter.Believe(Grid, o)));
    }

    [Fact]
    public void Late_in_the_horizon_the_router_mostly_believes_the_true_volatility_row_and_liquidity_column()
    {
        foreach (int niche in new[] { Grid.NicheOf(0, 0), Grid.NicheOf(2, 2), Grid.NicheOf(2, 0) })
        {
            var scenario = Grid.Variant(MapElitesSettings.DefaultScenario(), niche);
            var sim = new ExecutionSimulation(scenario, 256);
            sim.Reset(4, 0, 256);
            var twap = new double[256];
            for (int k = 0; k < 15; k++)
            {
                for (int e = 0; e < 256; e++) twap[e] = 1.0 / (20 - k);
                sim.Step(twap);
            }

            int rowRight = 0, columnRight = 0;
            foreach (var o in sim.Observations)
            {
                int believed = RegimeRouter.Believe(Grid, o);
                if (Grid.VolatilityBin(believed) == Grid.VolatilityBin(niche)) rowRight++;
                if (Grid.LiquidityBin(believed) == Grid.LiquidityBin(niche)) columnRight++;
            }

            Assert.True(rowRight > 256 * 0.6, $"niche {niche}: volatility row right {rowRight}/256");
            Assert.True(columnRight > 256 * 0.6, $"niche {niche}: liquidity column right {columnRight}/256");
        }
    }

    [Fact]
    public void An_empty_niche_falls_back_to_the_generalist_and_a_router_needs_some_policy()
    {
        var specialists = new double[]?[9];
        specialists[4] = Theta(1);
        var router = new RegimeRouter("r", Grid, specialists, Theta(-1));
        var scenario = MapElitesSettings.DefaultScenario();
        var ctx = new DecisionContext { Scenario = scenario, Step = 0, Steps = 20 };
        var f = new double[2];
        router.Decide(ctx, [new Observation { RealizedVolatility = 1, Liquidity = 1, SpreadBps = 4 }, new Observation { RealizedVolatility = 5, Liquidity = 1, SpreadBps = 4 }], f);
        Assert.Equal(Math.Exp(1) / 20, f[0], 12);
        Assert.Equal(Math.Exp(-1) / 20, f[1], 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RegimeRouter("r", Grid, new double[]?[9], null));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RegimeRouter("r", Grid, new double[]?[4], Theta(0)));
    }

    [Fact]
    public void The_held_out_comparison_pairs_every_strategy_on_the_same_episodes()
    {
        var settings = new MapElitesSettings { Candidates = 60, Batch = 30, EpisodesPerNiche = 8 };
        var archive = MapElites.Run(MapElitesSettings.DefaultScenario(), settings);
        var results = SpecialistComparison.Run(MapElitesSettings.DefaultScenario(), archive, settings.Seed, 40);
        Assert.Equal(9, results.Count);
        foreach (var r in results)
        {
            Assert.Equal(40, r.Episodes);
            Assert.Equal(r.MeanCostBps[SpecialistComparison.Oracle], r.MeanCostBps[SpecialistComparison.Specialist]);
            Assert.InRange(r.RouterAccuracy, 0, 1);
            Assert.All(r.Comparisons, c => Assert.Equal(40, c.Cost.Pairs));
            var sg = r.Comparisons[0];
            Assert.Equal(r.MeanCostBps[SpecialistComparison.Specialist] - r.MeanCostBps[SpecialistComparison.Generalist], sg.Cost.MeanBps, 9);
            Assert.True(sg.Cost.CiLowBps <= sg.Cost.MeanBps && sg.Cost.MeanBps <= sg.Cost.CiHighBps);
        }
    }
}
