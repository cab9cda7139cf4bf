using Portal.Agents.Environment;
using Portal.Agents.Offline;
using Portal.Agents.Training;

namespace Portal.Agents.Tests;

/// <summary>Logged offline datasets: known answers of the behaviours, the file format, and determinism.</summary>
public sealed class OfflineDatasetTests
{
    /// <summary>A small Almgren–Chriss world (the published offline set-up's units with eight steps).</summary>
    internal static AlmgrenChrissParameters World(double sigma = 0.5, double riskAversion = 0) => new()
    {
        Quantity = 1000, ArrivalPrice = 100, Sigma = sigma, Horizon = 8, Steps = 8, Epsilon = 0, Eta = 0.01, Gamma = 0.001,
        RiskAversion = riskAversion, StepVolume = 1_000_000,
    };

    [Fact]
    public void A_twap_log_without_volatility_costs_exactly_the_closed_form_and_logs_one_action_per_step()
    {
        var p = World(sigma: 0);
        var market = MarketSource.For(p);

        var data = OfflineLogger.Log(market, "twap", episodes: 30, seed: 4);

        double expectedBps = AlmgrenChrissSolution.ExpectedCost(p, AlmgrenChrissSolution.TwapHoldings(p)) / p.Notional * 1e4;
        Assert.Equal(30, data.Header.Episodes);
        Assert.Equal(30 * 7, data.Count);
        Assert.Equal(expectedBps, data.Header.Performance.MeanShortfallBps, 9);
        Assert.Equal(0, data.Header.Performance.StdShortfallBps, 9);
        for (int row = 0; row < data.Count; row++)
        {
            int k = row % 7;
            Assert.Equal(1.0 / (8 - k), data.Fractions[row], 6);
            Assert.Equal(k == 6, data.Dones[row]);
        }
    }

    [Fact]
    public void Rewards_of_each_logged_episode_add_up_to_its_negated_objective()
    {
        var market = MarketSource.For(World(riskAversion: 5e-6));

        var data = OfflineLogger.Log(market, "noisy-twap", episodes: 40, seed: 9, priceNoiseControlVariate: false);

        var returns = Enumerable.Range(0, 40).Select(e => data.Rewards.Skip(e * 7).Take(7).Sum(r => (double)r)).ToArray();
        Assert.Equal(-data.Header.Performance.MeanObjectiveBps, returns.Average(), 2);
        Assert.True(data.Header.Performance.CiLowBps < data.Header.Performance.MeanShortfallBps);
        Assert.True(data.Header.Performance.CiHighBps > data.Header.Performance.MeanShortfallBps);
    }

    [Fact]
    public void The_ac_behaviour_trades_the_closed_form_schedule_and_noisy_twap_scatters_around_twap()
    {
        var p = World(riskAversion: 5e-6);
        var market = MarketSource.For(p);
        var optimal = AlmgrenChrissSolution.FractionsOfRemaining(AlmgrenChrissSolution.OptimalHoldings(p));

        var ac = OfflineLogger.Log(market, "ac", episodes: 5, seed: 1);
        var noisy = OfflineLogger.Log(market, "noisy-twap", episodes: 400, seed: 1);

        for (int row = 0; row < ac.Count; row++)
        {
            Assert.Equal(optimal[row % 7], ac.Fractions[row], 5);
        }

        var first = Enumerable.Range(0, 400).Select(e => (double)noisy.Fractions[e * 7]).ToArray();
        Assert.InRange(first.Average(), 0.9 / 8, 1.1 / 8);  // a mean-one factor on TWAP's 1/8 (±3.8 standard errors)
        Assert.True(first.Distinct().Count() > 300);
    }

    [Theory]
    [InlineData("pov")]
    [InlineData("mixture")]
    public void Every_logged_action_is_a_legal_fraction_of_the_mask(string behaviour)
    {
        var data = OfflineLogger.Log(MarketSource.For(World()), behaviour, episodes: 50, seed: 2);

        Assert.All(data.Actions, a => Assert.InRange(a, 0f, 1f));
        Assert.All(Enumerable.Range(0, data.Count), i => Assert.InRange(data.Fractions[i], 0f, data.MaxFractions[i] + 1e-6f));
        Assert.Equal(behaviour, data.Header.Behaviour);
    }

    [Fact]
    public void A_dataset_survives_its_file_format_and_the_same_seed_logs_the_same_data()
    {
        var market = MarketSource.For(World());
        var data = OfflineLogger.Log(market, "mixture", episodes: 60, seed: 3);
        using var file = new MemoryStream();
        data.Save(file);

        file.Position = 0;
        var header = OfflineDataset.ReadHeader(file);
        file.Position = 0;
        var back = OfflineDataset.Load(file);
        var again = OfflineLogger.Log(market, "mixture", episodes: 60, seed: 3);

        Assert.Equal(data.Header, header);
        Assert.Equal(data.Header, back.Header);
        Assert.Equal(OfflineDataset.FormatVersion, back.Header.Version);
        Assert.Equal(OfflineDataset.HashOf(market), back.Header.ScenarioHash);
        Assert.Equal(data.Observations, back.Observations);
        Assert.Equal(data.Actions, back.Actions);
        Assert.Equal(data.Rewards, back.Rewards);
        Assert.Equal(data.NextObservations, back.NextObservations);
        Assert.Equal(data.Dones, back.Dones);
        Assert.Equal(data.Rewards, again.Rewards);
        Assert.Equal(data.Actions, again.Actions);
    }

    [Fact]
    public void A_file_that_is_not_a_dataset_and_an_unknown_behaviour_are_refused()
    {
        using var file = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Compress, leaveOpen: true))
        {
            gzip.Write("NOTADATASET....."u8);
        }

        file.Position = 0;
        Assert.Throws<InvalidDataException>(() => OfflineDataset.Load(file));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => BehaviourPolicy.Create("vwap", MarketSource.For(World())));
        Assert.Equal("spec", ex.ParamName);
    }

    [Fact]
    public void A_dataset_from_another_market_is_refused_before_training()
    {
        var data = OfflineLogger.Log(MarketSource.For(World()), "twap", episodes: 5, seed: 1);
        var request = new TrainRequest
        {
            Algorithm = "td3bc",
            Market = MarketSource.For(World(riskAversion: 5e-6)),
            Offline = new OfflineDataRequest { Dataset = data },
        };

        var ex = Assert.Throws<ArgumentException>(() => request.Validated());
        Assert.Contains("another market", ex.Message, StringComparison.Ordinal);
    }
}
