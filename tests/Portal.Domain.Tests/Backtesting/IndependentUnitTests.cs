using System.Text.Json.Nodes;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;

namespace Portal.Domain.Tests.Backtesting;

public class IndependentUnitTests
{
    [Theory]
    [InlineData(1, 12.706204736174704)]
    [InlineData(2, 4.302652729749464)]
    [InlineData(3, 3.182446305284263)]
    [InlineData(10, 2.228138851986274)]
    [InlineData(30, 2.042272456301238)]
    [InlineData(1000, 1.962339366)]
    public void Student_t_quantiles_match_the_tables(int df, double expected)
    {
        Assert.Equal(expected, StudentT.Quantile(0.975, df), 6);
        Assert.Equal(-expected, StudentT.Quantile(0.025, df), 6);
    }

    [Fact]
    public void Student_t_rejects_what_has_no_quantile()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StudentT.Quantile(1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => StudentT.Quantile(0.975, 0));
    }

    [Fact]
    public void Cluster_interval_with_one_episode_per_cluster_and_no_neighbours_is_the_t_interval()
    {
        // Clusters 0, 2, 4, 6, 8: no two neighbours, so V = G/(G−1)·Σ(y−ȳ)²/N² = s²/N and the interval is ȳ ± t₄·s/√5.
        double[] y = [1, 4, 2, 8, 5];
        int[] c = [0, 2, 4, 6, 8];
        var m = Statistics.ClusterMean(y, c);
        var (mean, std) = Statistics.MeanStd(y);
        Assert.Equal(mean, m.Mean, 12);
        Assert.Equal(StudentT.Quantile(0.975, 4) * std / Math.Sqrt(5), m.HalfWidth, 10);
        Assert.Equal(5, m.Units);
        Assert.Equal(5, m.Observations);
    }

    [Fact]
    public void Copies_of_the_same_windows_do_not_narrow_the_cluster_interval()
    {
        double[] y = [1, 4, 2, 8, 5];
        int[] c = [0, 2, 4, 6, 8];
        var once = Statistics.ClusterMean(y, c);
        var tenTimes = Statistics.ClusterMean(
            Enumerable.Range(0, 50).Select(i => y[i / 10]).ToArray(), Enumerable.Range(0, 50).Select(i => c[i / 10]).ToArray());
        Assert.Equal(once.Mean, tenTimes.Mean, 12);
        Assert.Equal(once.HalfWidth, tenTimes.HalfWidth, 10);
        Assert.Equal(5, tenTimes.Units);
        // The episode-count interval treats the 50 copies as independent and shrinks by about √10.
        var naive = Statistics.Paired(Enumerable.Range(0, 50).Select(i => y[i / 10]).ToArray(), new double[50]);
        Assert.True(naive.CiHighBps - naive.MeanBps < once.HalfWidth / 2.5);
    }

    [Fact]
    public void Positively_correlated_neighbouring_blocks_widen_the_interval()
    {
        // Sums of deviations per block: +3, +3, −3, −3 (neighbours agree) → lag term 2·(9 − 9 + 9) > 0 widens it.
        double[] y = [4, 4, -2, -2];
        int[] c = [0, 1, 2, 3];
        var m = Statistics.ClusterMean(y, c);
        double s2 = 36, lag = 9 - 9 + 9;
        double v = 4.0 / 3 / 16 * (s2 + 2 * lag);
        Assert.Equal(StudentT.Quantile(0.975, 3) * Math.Sqrt(v), m.HalfWidth, 10);
        // Alternating blocks would give a negative lag term: the plain cluster-robust variance is the floor.
        var alt = Statistics.ClusterMean([3, -3, 3, -3], [0, 1, 2, 3]);
        Assert.Equal(StudentT.Quantile(0.975, 3) * Math.Sqrt(4.0 / 3 / 16 * 36), alt.HalfWidth, 10);
    }

    [Fact]
    public void One_cluster_has_no_interval_and_says_it_rests_on_one_unit()
    {
        var m = Statistics.ClusterMean([1.0, 2, 3], [5, 5, 5]);
        Assert.Equal(1, m.Units);
        Assert.Equal(0, m.HalfWidth);
        var s = Statistics.Summarize([1.0, 2, 3], [1.0, 2, 3], 1, null, null, [5, 5, 5]);
        Assert.Null(s.CostSharpe);
        Assert.Equal(1, s.IndependentUnits);
        Assert.Equal(UnitKinds.Window, s.UnitKind);
    }

    [Theory]
    [InlineData(10.0, 0.0)]
    [InlineData(10.0, 1e-12)]
    [InlineData(0.0, 0.0)]
    public void Cost_sharpe_is_undefined_without_spread(double mean, double std) =>
        Assert.Null(Statistics.CostSharpe(mean, std, 100));

    [Fact]
    public void Cost_sharpe_is_minus_mean_over_std_so_cheaper_scores_higher()
    {
        Assert.Equal(-2.5, Statistics.CostSharpe(10, 4, 100));
        Assert.Equal(0.5, Statistics.CostSharpe(-2, 4, 100));
        Assert.Null(Statistics.CostSharpe(10, 4, 1));
    }

    [Fact]
    public void Immediate_on_the_demo_market_has_no_cost_sharpe_and_json_gives_null()
    {
        // Selling everything at the first step costs the same on every path: its standard deviation is rounding noise
        // (main printed −5.2·10¹³ here).
        var s = ScenarioPresets.Demo() with { Episodes = 2000, Strategies = ["immediate", "twap"] };
        var result = BacktestRunner.Run(s);
        var immediate = result.Strategies.Single(r => r.StrategyId == "immediate");
        Assert.True(immediate.Summary.StdBps <= Statistics.SharpeTolerance * Math.Abs(immediate.Summary.MeanBps),
            $"immediate's std {immediate.Summary.StdBps:E3} should be rounding noise of its mean {immediate.Summary.MeanBps}");
        Assert.Null(immediate.Summary.CostSharpe);
        var twap = result.Strategies.Single(r => r.StrategyId == "twap");
        Assert.NotNull(twap.Summary.CostSharpe);

        var json = JsonNode.Parse(BacktestReport.ToJson(result))!;
        var entry = json["strategies"]!.AsArray().Single(e => (string)e!["id"]! == "immediate")!;
        Assert.True(entry.AsObject().ContainsKey("costSharpe"));
        Assert.Null(entry["costSharpe"]);
        Assert.Contains("—", BacktestReport.ToText(result).Split('\n').Single(l => l.StartsWith("Immediate", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void Simulated_results_count_episodes_as_units()
    {
        var s = ScenarioPresets.Demo() with { Episodes = 300, Strategies = ["twap", "ac"] };
        var result = BacktestRunner.Run(s);
        Assert.Equal(300, result.IndependentUnits);
        Assert.Equal(UnitKinds.Episode, result.UnitKind);
        var ac = result.Strategies.Single(r => r.StrategyId == "ac").Summary;
        Assert.Equal(300, ac.IndependentUnits);
        Assert.Equal(300, ac.VsTwap!.IndependentUnits);
        Assert.Equal(UnitKinds.Episode, ac.VsTwap.UnitKind);
        var json = JsonNode.Parse(BacktestReport.ToJson(result))!;
        Assert.Equal(300, (int)json["independentUnits"]!);
        Assert.Equal("episode", (string)json["unitKind"]!);
        Assert.Equal(300, (int)json["strategies"]![0]!["independentUnits"]!);
        Assert.Equal(300, (int)json["strategies"]![0]!["pairedDiffVsTwapBps"]!["independentUnits"]!);
    }
}
