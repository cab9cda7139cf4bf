using Xunit.Abstractions;
using Portal.Domain.Backtesting;
using Portal.Domain.MarketData;
using Portal.Domain.Replay;
using Portal.Domain.Scenarios;
using Portal.Testing;

namespace Portal.Domain.Tests.MarketData;

/// <summary>Replay intervals rest on independent market windows, not on the number of (overlapping) episodes.</summary>
public class ReplayIntervalTests(ITestOutputHelper output)
{
    private static readonly Lazy<MarketDataset> Amzn = new(() =>
        LobsterParser.ParseFiles(SharedData.File(SharedData.AmznMessage5), SharedData.File(SharedData.AmznOrderbook5)));

    private static readonly ReplayOptions Frictionless = new() { Adv = 1e6, TransientImpactFactor = 0, SessionSeconds = 23_400 };

    private static Scenario TinyTwap(int episodes, double horizonMinutes, int steps) => new()
    {
        Name = "coverage",
        Order = new OrderSpec { Side = Side.Sell, SizePctAdv = 1e-3, HorizonMinutes = horizonMinutes, Steps = steps },
        Market = new MarketSpec(),
        Costs = new CostSpec(),
        Episodes = episodes,
        Strategies = ["twap"],
    };

    [Fact]
    public void Synthetic_lobster_day_reads_back_with_its_random_walk_mid()
    {
        var ds = new SyntheticLobster { Seconds = 120, Seed = 3 }.Read();
        Assert.Equal(121, ds.Book.Count);
        for (int i = 0; i < ds.Book.Count; i++)
        {
            Assert.Equal(0.02, ds.Book.Spread(i), 9);
            if (i > 0) Assert.Equal(0.002, Math.Abs(ds.Book.Mid(i) - ds.Book.Mid(i - 1)), 9);
        }
    }

    [Fact]
    public void Windows_are_grouped_by_the_horizon_block_their_start_falls_in()
    {
        // 100 minutes, 30-minute horizon: starts spread over 70 minutes fall in blocks 0, 1 and 2 (a start at exactly 60).
        var ds = new SyntheticLobster { Seconds = 6000, SnapshotSeconds = 10 }.Read();
        var scenario = TinyTwap(8, 30, 5);
        var windows = ReplayRunner.Windows(scenario, ds, Frictionless);
        var blocks = ReplayRunner.WindowBlocks(scenario, ds, Frictionless);
        long first = windows[0].StartNs;
        for (int e = 0; e < windows.Count; e++)
            Assert.Equal((int)((windows[e].StartNs - first) / (30 * 60_000_000_000L)), blocks[e]);
        Assert.Equal([0, 0, 0, 1, 1, 1, 2, 2], blocks);
        var result = ReplayRunner.Run(scenario, ds, Frictionless, new BacktestOptions { ReferenceStrategies = false });
        Assert.Equal(3, result.IndependentUnits);
        Assert.Equal(UnitKinds.Window, result.UnitKind);
        Assert.All(result.Strategies, s => Assert.Equal(3, s.Summary.IndependentUnits));
    }

    /// <summary>
    /// Coverage: 300 synthetic days, each written as LOBSTER files and replayed with 200 overlapping 10-minute TWAP episodes
    /// (16 blocks of starts). A tiny sell on a constant-spread book with a martingale mid costs exactly the half-spread in
    /// expectation (the timing term (A − M_k)/A has mean 0), so the true mean is h/S0 · 10⁴ = 1 bps up to a relative 10⁻⁵
    /// (Jensen's term of 1/A). Nominal 95% window intervals must cover it about 95% of the time; the old episode-count
    /// interval, which treats 200 overlapping episodes as independent, covers far less often.
    /// </summary>
    [Fact]
    public void Window_intervals_cover_the_true_mean_at_about_the_nominal_rate_and_episode_intervals_do_not()
    {
        const int repetitions = 300;
        const double trueMeanBps = 100 * SyntheticLobster.Tick / 100.0 * 1e4;
        var scenario = TinyTwap(200, 10, 5);
        int covered = 0, naiveCovered = 0;
        var units = new HashSet<int>();
        for (int r = 0; r < repetitions; r++)
        {
            var ds = new SyntheticLobster { Seconds = 170 * 60, SnapshotSeconds = 2, StepTicks = 30, Seed = 1000 + r }.Read();
            var result = ReplayRunner.Run(scenario, ds, Frictionless, new BacktestOptions { ReferenceStrategies = false });
            var twap = result.Strategies.Single(s => s.StrategyId == "twap");
            var s = twap.Summary;
            units.Add(s.IndependentUnits);
            if (s.MeanCiLowBps <= trueMeanBps && trueMeanBps <= s.MeanCiHighBps) covered++;
            double naiveHalf = Statistics.Z95 * s.StdBps / Math.Sqrt(s.Episodes);
            if (Math.Abs(s.MeanBps - trueMeanBps) <= naiveHalf) naiveCovered++;
        }

        double coverage = covered / (double)repetitions, naive = naiveCovered / (double)repetitions;
        output.WriteLine($"coverage over {repetitions} days: window intervals {coverage:P1}, episode-count intervals {naive:P1}");
        Assert.Equal([17], units);
        Assert.InRange(coverage, 0.90, 0.985);
        Assert.True(naive < 0.75, $"episode-count intervals covered {naive:P1}; window intervals {coverage:P1}");
    }

    [Fact]
    public void On_the_amzn_test_segment_the_interval_does_not_shrink_with_more_episodes_from_the_same_windows()
    {
        var ds = Amzn.Value;
        var options = new ReplayOptions { Segment = ReplaySegment.Test };
        var scenario = new Scenario
        {
            Name = "amzn",
            Order = new OrderSpec { Side = Side.Sell, SizePctAdv = 1, HorizonMinutes = 30, Steps = 6 },
            Market = new MarketSpec(),
            Strategies = ["twap", "ac"],
        };
        var backtest = new BacktestOptions { ReferenceStrategies = false, KeepEpisodes = false };
        var few = ReplayRunner.Run(scenario with { Episodes = 40 }, ds, options, backtest);
        var many = ReplayRunner.Run(scenario with { Episodes = 1000 }, ds, options, backtest);
        Assert.Equal(few.IndependentUnits, many.IndependentUnits);
        Assert.InRange(many.IndependentUnits, 2, 4);
        Assert.Equal(UnitKinds.Window, many.UnitKind);
        static double Half(StrategySummary s) => (s.MeanCiHighBps - s.MeanCiLowBps) / 2;
        static double PairedHalf(StrategySummary s) => (s.VsTwap!.CiHighBps - s.VsTwap.CiLowBps) / 2;
        var twapFew = few.Strategies.Single(s => s.StrategyId == "twap").Summary;
        var twapMany = many.Strategies.Single(s => s.StrategyId == "twap").Summary;
        var acFew = few.Strategies.Single(s => s.StrategyId == "ac").Summary;
        var acMany = many.Strategies.Single(s => s.StrategyId == "ac").Summary;
        // Twenty-five times the episodes would shrink an episode-count interval five-fold; the window interval stays put.
        Assert.True(Half(twapMany) > 0.6 * Half(twapFew), $"TWAP half-width {Half(twapFew):F3} → {Half(twapMany):F3} bps");
        Assert.True(PairedHalf(acMany) > 0.6 * PairedHalf(acFew), $"AC − TWAP half-width {PairedHalf(acFew):F3} → {PairedHalf(acMany):F3} bps");
        output.WriteLine($"AMZN test segment, {many.IndependentUnits} windows: TWAP half-width {Half(twapFew):F3} bps (40 episodes) → {Half(twapMany):F3} (1000); AC − TWAP {PairedHalf(acFew):F3} → {PairedHalf(acMany):F3}");
        double naiveMany = Statistics.Z95 * twapMany.StdBps / Math.Sqrt(twapMany.Episodes);
        Assert.True(Half(twapMany) > 3 * naiveMany, $"window half-width {Half(twapMany):F3} vs episode-count {naiveMany:F3} bps");
        Assert.Equal(many.IndependentUnits, acMany.VsTwap!.IndependentUnits);
    }
}
