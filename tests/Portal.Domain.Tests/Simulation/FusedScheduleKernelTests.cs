using Portal.Domain.Backtesting;
using Portal.Domain.Benchmarks;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies;
using Portal.Testing;

namespace Portal.Domain.Tests.Simulation;

/// <summary>The fused schedule kernel gives exactly the general path's numbers, and runs only where it applies.</summary>
public class FusedScheduleKernelTests
{
    private static readonly BacktestOptions Fused = new() { KeepEpisodes = false, ReferenceStrategies = false };
    private static readonly BacktestOptions General = Fused with { FusedSchedules = false };

    private static void AssertBitIdentical(BacktestResult expected, BacktestResult actual, Scenario scenario)
    {
        Assert.Equal(BacktestReport.ToJson(expected, scenario), BacktestReport.ToJson(actual, scenario));
        Assert.Equal(expected.Strategies.Count, actual.Strategies.Count);
        for (int i = 0; i < expected.Strategies.Count; i++)
        {
            var (e, a) = (expected.Strategies[i], actual.Strategies[i]);
            Assert.Equal(e.StrategyId, a.StrategyId);
            Assert.Equal(e.Summary, a.Summary);
            Assert.Equal(e.MeanInventoryFraction, a.MeanInventoryFraction);
            Assert.Equal(e.InventoryP5Fraction, a.InventoryP5Fraction);
            Assert.Equal(e.InventoryP95Fraction, a.InventoryP95Fraction);
            Assert.Equal(e.MeanParticipation, a.MeanParticipation);
            Assert.Equal(BitConverter.DoubleToInt64Bits(e.MaxParticipation), BitConverter.DoubleToInt64Bits(a.MaxParticipation));
            Assert.Equal(BitConverter.DoubleToInt64Bits(e.MaxParticipationP95), BitConverter.DoubleToInt64Bits(a.MaxParticipationP95));
            Assert.Equal(BitConverter.DoubleToInt64Bits(e.MeanForcedFraction), BitConverter.DoubleToInt64Bits(a.MeanForcedFraction));
            Assert.Equal(BitConverter.DoubleToInt64Bits(e.Summary.MeanShortfallCurrency), BitConverter.DoubleToInt64Bits(a.Summary.MeanShortfallCurrency));
        }
    }

    private static bool Applies(Scenario scenario, BacktestOptions options)
    {
        var plan = BacktestPlan.Create(scenario, options);
        return FusedScheduleKernel.TryCreate(plan.Model, plan.Strategies, scenario.Seed) is not null;
    }

    public static TheoryData<string, int> Workloads() => new()
    {
        { "abm", 3001 },
        { "abm", 517 },
        { "abm", 3 },
        { "gbm", 1999 },
        { "events", 2050 },
        { "ow", 1500 },
        { "no-volume-noise", 700 },
    };

    private static Scenario Workload(string kind, int episodes)
    {
        var bench = SimulationBenchmark.ScheduleScenario(episodes, 40);
        return kind switch
        {
            "abm" => bench,
            "gbm" => bench with { Market = bench.Market with { Price = new PriceSpec { Model = PriceModels.Gbm, DriftPerDay = 0.002 } } },
            // Fixed events (every episode alike) fold into per-step multipliers and offsets.
            "events" => bench with
            {
                Market = bench.Market with
                {
                    Events = [new MarketEvent { AtFraction = 0.3, PriceJumpPct = -2, VolatilityMultiplier = 3, ImpactMultiplier = 2, SpreadMultiplier = 1.5, LiquidityMultiplier = 0.5 }],
                },
            },
            "ow" => bench with { Market = bench.Market with { Impact = new ObizhaevaWangImpactSpec { Depth = 1_250_000, ResiliencePerDay = 50 } } },
            "no-volume-noise" => bench with { Market = bench.Market with { Volume = bench.Market.Volume with { Noise = 0 } }, Seed = 12345 },
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown workload"),
        };
    }

    [Theory]
    [MemberData(nameof(Workloads))]
    public void Fused_kernel_reproduces_the_general_path_bit_for_bit(string kind, int episodes)
    {
        var scenario = Workload(kind, episodes);
        Assert.True(Applies(scenario, Fused), $"the fused kernel should apply to the {kind} workload");
        var fused = BacktestRunner.Run(scenario, Fused);
        var general = BacktestRunner.Run(scenario, General);
        AssertBitIdentical(general, fused, scenario);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void Sharded_fused_runs_are_bit_identical_to_one_process(int shards)
    {
        var scenario = Workload("abm", 2600);
        var single = BacktestRunner.Run(scenario, Fused);
        var plan = BacktestPlan.Create(scenario, Fused);
        var parts = BacktestPlan.ShardRangesByCount(scenario.Episodes, shards).Reverse()
            .Select(r => BacktestPartial.FromBytes(BacktestRunner.RunEpisodes(plan, r.First, r.Count, Fused with { MaxDegreeOfParallelism = 1 }).ToBytes()))
            .ToList();
        AssertBitIdentical(single, BacktestRunner.Merge(plan, parts), scenario);
    }

    /// <summary>Each thread records its episodes' inventory once, after its last batch, and adds every step's 1/volume to
    /// the batch's sums in the kernel's loop: one thread, threads that run several batches each and threads left without a
    /// batch (more threads than the 3 batches of 1,300 episodes, the last one of 276) must all give the general path's
    /// inventory profile, participation and result JSON.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(16)]
    public void Fused_runs_are_bit_identical_to_the_general_path_on_any_number_of_threads(int threads)
    {
        var scenario = Workload("abm", 1300);
        var general = BacktestRunner.Run(scenario, General with { MaxDegreeOfParallelism = 1 });
        var fused = BacktestRunner.Run(scenario, Fused with { MaxDegreeOfParallelism = threads });
        AssertBitIdentical(general, fused, scenario);
        Assert.Equal(scenario.Episodes, fused.Episodes);
        Assert.All(fused.Strategies, r => Assert.Contains(r.MeanParticipation, x => x > 0));
    }

    /// <summary>Workers take the next batch as they finish one, so how many batches each runs depends on the timing: one
    /// worker held back at its first batch until the other has run half of them (or for at most two seconds) must still
    /// give the general path's result JSON, inventory profile and participation.</summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Fused_runs_give_the_same_result_however_the_batches_fall_to_the_workers(int threads)
    {
        var scenario = Workload("abm", 10 * BacktestRunner.BlockSize + 77);
        var general = BacktestRunner.Run(scenario, General with { MaxDegreeOfParallelism = 1 });
        var sink = new HoldingSink(holdUntilReports: 5);
        var fused = BacktestRunner.Run(scenario, Fused with { MaxDegreeOfParallelism = threads }, sink);
        AssertBitIdentical(general, fused, scenario);
        Assert.Equal(11, sink.Reports);
        Assert.Equal(scenario.Episodes, sink.Last);
    }

    [Fact]
    public void A_fused_run_cancelled_between_batches_stops_and_says_so()
    {
        var scenario = Workload("abm", 20 * BacktestRunner.BlockSize);
        using var cts = new CancellationTokenSource();
        int reports = 0;
        var sink = new CallbackSink(_ =>
        {
            Interlocked.Increment(ref reports);
            cts.Cancel();
        });
        Assert.ThrowsAny<OperationCanceledException>(() => BacktestRunner.Run(scenario, Fused with { MaxDegreeOfParallelism = 2 }, sink, cts.Token));
        // Each worker finishes the batch it holds and takes no other.
        Assert.InRange(reports, 1, 2);
    }

    /// <summary>Progress that holds the first thread to report until <c>holdUntilReports</c> reports have come in (at most
    /// two seconds), so that the other workers take more of the batches.</summary>
    private sealed class HoldingSink(int holdUntilReports) : IProgress<int>
    {
        private readonly ManualResetEventSlim _enough = new();
        private int _held = -1;
        private int _reports;
        private int _last;

        public int Reports => Volatile.Read(ref _reports);

        public int Last => Volatile.Read(ref _last);

        public void Report(int value)
        {
            int now = Interlocked.Increment(ref _reports);
            int last;
            do last = Volatile.Read(ref _last);
            while (value > last && Interlocked.CompareExchange(ref _last, value, last) != last);
            if (now >= holdUntilReports) _enough.Set();
            if (Interlocked.CompareExchange(ref _held, Environment.CurrentManagedThreadId, -1) == -1) _enough.Wait(TimeSpan.FromSeconds(2));
        }
    }

    private sealed class CallbackSink(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    [Fact]
    public void Every_example_scenario_s_schedules_get_the_same_numbers_on_both_paths()
    {
        int applied = 0;
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "examples", "scenarios"), "*.json").Order(StringComparer.Ordinal))
        {
            var example = ScenarioJson.Parse(File.ReadAllText(file));
            var schedules = example.Strategies.Where(id => id != StrategyId.BestStatic.Value && StrategyCatalog.Create(id, example) is ScheduleStrategy).ToArray();
            var scenario = example with { Episodes = Math.Min(example.Episodes, 1200), Strategies = [.. schedules] };
            if (!Applies(scenario, Fused)) continue;
            applied++;
            AssertBitIdentical(BacktestRunner.Run(scenario, General), BacktestRunner.Run(scenario, Fused), scenario);
        }

        Assert.True(applied >= 3, $"the fused kernel applied to {applied} example scenarios");
    }

    [Fact]
    public void The_kernel_stays_out_where_the_book_cannot_stay_uniform()
    {
        var bench = SimulationBenchmark.ScheduleScenario(600, 20);
        Assert.True(Applies(bench, Fused));
        // An adaptive strategy, a participation cap, execution noise, jumps, stochastic liquidity: the general path runs.
        Assert.False(Applies(bench with { Strategies = ["twap", "pov"] }, Fused));
        Assert.False(Applies(bench with { Constraints = bench.Constraints with { MaxParticipationPct = 10 } }, Fused));
        Assert.False(Applies(bench with { Costs = bench.Costs with { SlippageNoiseBps = 1 } }, Fused));
        Assert.False(Applies(bench with { Market = bench.Market with { Price = bench.Market.Price with { JumpIntensityPerDay = 2, JumpStdBps = 10 } } }, Fused));
        Assert.False(Applies(SimulationBenchmark.AdaptiveScenario(600, 20) with { Strategies = ["twap", "vwap"] }, Fused));
        // The reference strategies bring Random along.
        Assert.False(Applies(bench, new BacktestOptions { KeepEpisodes = false }));
    }

    [Fact]
    public void Schedules_on_the_fused_path_meet_their_closed_form_expected_cost()
    {
        // ABM without drift and linear impact: a schedule's expected shortfall is the closed form of KnownOptimum.ExpectedCost
        // (the timing term has mean 0); the fused path's Monte Carlo mean must agree within its standard error.
        var scenario = Workload("abm", 20_000);
        Assert.True(Applies(scenario, Fused));
        var result = BacktestRunner.Run(scenario, Fused);
        double toBps = 1e4 / (scenario.Market.ArrivalPrice * scenario.Quantity);
        foreach (var s in result.Strategies)
        {
            var schedule = (ScheduleStrategy)StrategyCatalog.Create(s.StrategyId, scenario);
            double expected = KnownOptimum.ExpectedCost(scenario, schedule.HoldingsFraction) * toBps;
            double se = s.Summary.StdBps / Math.Sqrt(result.Episodes);
            Assert.InRange(s.Summary.MeanBps - expected, -4 * se - 1e-9, 4 * se + 1e-9);
        }
    }
}
