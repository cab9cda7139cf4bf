using Portal.Domain.Backtesting;
using Portal.Domain.Impact;
using Portal.Domain.Scenarios;
using static Portal.Domain.Tests.Impact.ImpactTestScenarios;

namespace Portal.Domain.Tests.Impact;

public class OwnImpactShareTests
{
    /// <summary>Walks a book whose displacement after u shares is c·u^β with one-share market orders (each fills at the
    /// displacement it meets, then moves it); returns the average displacement paid per share.</summary>
    private static double WalkTheBook(double c, double beta, long shares)
    {
        double paid = 0;
        for (long u = 0; u < shares; u++) paid += c * (Math.Pow(u + 1, beta + 1) - Math.Pow(u, beta + 1)) / (beta + 1); // exact for the share [u, u + 1]
        return paid / shares;
    }

    /// <summary>The same walk with coarse orders, each filling at the displacement it meets (a book of discrete levels).</summary>
    private static double WalkInLevels(double c, double beta, double shares, int levels)
    {
        double paid = 0, du = shares / levels;
        for (int i = 0; i < levels; i++) paid += du * c * Math.Pow((i + 0.5) * du, beta);
        return paid / shares;
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.6)]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void Share_of_own_impact_is_one_over_one_plus_beta_for_a_power_law_book(double beta)
    {
        const double c = 1e-4;
        const long n = 200_000;
        double finalDisplacement = c * Math.Pow(n, beta);
        Assert.Equal(BookShape.OwnImpactShare(beta), WalkTheBook(c, beta, n) / finalDisplacement, 12);
        Assert.Equal(BookShape.OwnImpactShare(beta), WalkInLevels(c, beta, n, 100_000) / finalDisplacement, 6);
    }

    [Fact]
    public void The_block_book_child_pays_what_walking_the_book_costs()
    {
        // Obizhaeva–Wang: depth q shares per unit of price, displacement u/q (β = 1).
        var s = With(new ObizhaevaWangImpactSpec { Depth = 1_250_000 }) with
        {
            Market = With(ImpactModels.ObizhaevaWang).Market with { Impact = new ObizhaevaWangImpactSpec { Depth = 1_250_000 } },
            Episodes = 8,
        };
        Assert.Equal(0.5, ImpactModelFactory.Create(s.Market.Impact).OwnImpactShare);
        double walked = WalkInLevels(1 / 1_250_000.0, 1, s.Quantity, 1_000_000) / s.Market.ArrivalPrice * 1e4;
        var immediate = BacktestRunner.Run(s).Strategies.Single(r => r.StrategyId == "immediate");
        Assert.Equal(walked, immediate.Episodes[0].TemporaryImpactBps, 1e-6 * walked);
    }

    [Fact]
    public void The_geo_child_pays_its_whole_increment()
    {
        var impact = new TransientImpactSpec();
        var s = With(impact) with
        {
            Market = With(impact).Market with { Volume = new VolumeSpec { UShape = 2, Noise = 0 } },
            Episodes = 8,
        };
        Assert.Equal(1.0, ImpactModelFactory.Create(impact).OwnImpactShare);
        double firstStepVolume = s.Market.Adv * (Portal.Domain.Simulation.MarketModel.CumulativeVolume(5.0 / 390, 2));
        double increment = 0.5 * 1e-3 * Math.Sqrt(s.Quantity / firstStepVolume) * 1e4; // G0·γ·(q/V)^β in bps
        var immediate = BacktestRunner.Run(s).Strategies.Single(r => r.StrategyId == "immediate");
        Assert.Equal(increment, immediate.Episodes[0].TemporaryImpactBps, 1e-9 * increment);
    }

    [Fact]
    public void Geo_costs_depend_on_the_realised_volume_path()
    {
        var s = With(ImpactModels.Transient) with { Episodes = 64 };
        var costs = BacktestRunner.Run(s).Strategies.Single(r => r.StrategyId == "twap").Episodes.Select(e => e.TemporaryImpactBps).ToArray();
        Assert.True(costs.Max() - costs.Min() > 0.1 * costs.Average(), "stochastic volume should move the impact cost of a fixed schedule");
        var quiet = s with { Market = s.Market with { Volume = new VolumeSpec { Noise = 0 } } };
        var flat = BacktestRunner.Run(quiet).Strategies.Single(r => r.StrategyId == "twap").Episodes.Select(e => e.TemporaryImpactBps).ToArray();
        Assert.Equal(flat.Min(), flat.Max(), 1e-9);
        Assert.Equal(ExpectedBps(quiet, Twap(12)) - 2, flat[0], 1e-9);
    }
}
