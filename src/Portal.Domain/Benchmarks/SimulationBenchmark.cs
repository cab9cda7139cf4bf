using System.Diagnostics;
using System.Globalization;
using System.Text;
using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Benchmarks;

/// <summary>One timed workload.</summary>
/// <param name="Name">Short id of the workload.</param>
/// <param name="Description">What runs.</param>
/// <param name="Episodes">Episodes per strategy.</param>
/// <param name="Steps">Decision steps per episode.</param>
/// <param name="Strategies">Strategies advanced per episode step (0 for market-only work).</param>
/// <param name="Seconds">Best wall-clock time over the repetitions.</param>
/// <param name="CpuSeconds">Processor time (all threads) of the repetition with the best wall-clock time: less sensitive
/// than wall time to other processes competing for the cores.</param>
public sealed record BenchmarkFigure(string Name, string Description, int Episodes, int Steps, int Strategies, double Seconds, double CpuSeconds)
{
    /// <summary>Strategy-steps per second of processor time.</summary>
    public double StrategyStepsPerCpuSecond => (double)Episodes * Steps * Math.Max(1, Strategies) / CpuSeconds;

    /// <summary>Episodes (of all strategies together) per second.</summary>
    public double EpisodesPerSecond => Episodes / Seconds;

    /// <summary>Episode-steps per second (one market step of one episode).</summary>
    public double EpisodeStepsPerSecond => (double)Episodes * Steps / Seconds;

    /// <summary>Strategy-steps per second (one strategy advanced one step in one episode).</summary>
    public double StrategyStepsPerSecond => (double)Episodes * Steps * Math.Max(1, Strategies) / Seconds;
}

/// <summary>Figures of a benchmark run.</summary>
/// <param name="Figures">One per workload.</param>
/// <param name="ProcessorCount">Logical processors available.</param>
public sealed record BenchmarkReport(IReadOnlyList<BenchmarkFigure> Figures, int ProcessorCount)
{
    /// <summary>How the repetitions are summarised (shown in the header).</summary>
    public string Aggregate { get; init; } = "best of the repetitions";

    /// <summary>A plain-text table of the figures.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        sb.AppendLine(c, $"Simulation benchmark on {ProcessorCount} logical processors ({Aggregate})");
        sb.AppendLine(c, $"{"workload",-29} {"episodes",9} {"steps",6} {"strat",5} {"seconds",8} {"cpu-s",8} {"episodes/s",11} {"ep-steps/s",11} {"strategy-steps/s",17} {"strat-steps/cpu-s",18}");
        foreach (var f in Figures)
        {
            sb.AppendLine(c, $"{f.Name,-29} {f.Episodes,9} {f.Steps,6} {f.Strategies,5} {f.Seconds,8:F4} {f.CpuSeconds,8:F4} {f.EpisodesPerSecond,11:G4} {f.EpisodeStepsPerSecond,11:G4} {f.StrategyStepsPerSecond,17:G4} {f.StrategyStepsPerCpuSecond,18:G4}");
        }

        sb.AppendLine();
        foreach (var f in Figures) sb.AppendLine(c, $"{f.Name}: {f.Description}");
        return sb.ToString();
    }
}

/// <summary>Fixed workloads timing the simulator (not a test: figures are reported, never asserted).</summary>
/// <remarks>Workloads: schedule baselines on the Almgren–Chriss model; adaptive baselines on stochastic liquidity with
/// transient impact; the market alone (random numbers and market state); the summary statistics alone; and a naive
/// one-episode-at-a-time scalar loop of the same schedule workload, for comparison.</remarks>
public static class SimulationBenchmark
{
    /// <summary>Runs every workload and returns the best time of each over <paramref name="repetitions"/> runs.</summary>
    public static BenchmarkReport Run(int episodes = 100_000, int steps = 100, int repetitions = 3, int? maxDegreeOfParallelism = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(episodes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(episodes, Scenario.MaxEpisodes);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        // A fixed workload: exactly the listed strategies (and TWAP), as in every earlier measurement.
        var options = new BacktestOptions { KeepEpisodes = false, MaxDegreeOfParallelism = maxDegreeOfParallelism, ReferenceStrategies = false };

        var schedules = ScheduleScenario(episodes, steps);
        var adaptive = AdaptiveScenario(episodes, steps);
        var figures = new List<BenchmarkFigure>
        {
            Time("schedules-ac", "TWAP, VWAP, AC (λ>0), AC (λ=0), Immediate, OW schedules on Almgren–Chriss impact, ABM, noisy volume (BacktestRunner)",
                episodes, steps, schedules.Strategies.Count, repetitions, () => BacktestRunner.Run(schedules, options)),
            Time("schedules-ac-1-thread", "The schedule workload on one thread, for comparison with the naive loop",
                episodes, steps, schedules.Strategies.Count, repetitions, () => BacktestRunner.Run(schedules, options with { MaxDegreeOfParallelism = 1 })),
            Time("schedules-ac-general-1-thread", "The schedule workload on one thread through the general engine (market batch and one book per strategy; the fused kernel off)",
                episodes, steps, schedules.Strategies.Count, repetitions, () => BacktestRunner.Run(schedules, options with { MaxDegreeOfParallelism = 1, FusedSchedules = false })),
            Time("schedules-ac-simulate", "The schedule workload's episodes alone (BacktestRunner.RunEpisodes: kernel and result columns, no summary)",
                episodes, steps, schedules.Strategies.Count, repetitions, () => SimulateOnly(schedules, options)),
            Time("schedules-ac-summarise", "The schedule workload's summary alone (BacktestRunner.Merge of its episodes: every statistic a run reports)",
                episodes, steps, schedules.Strategies.Count, repetitions, SummariseOnly(schedules, options)),
            Time("adaptive-liquidity-transient", "POV and Random on transient impact with stochastic liquidity and spread, volatile regime (BacktestRunner)",
                episodes, steps, adaptive.Strategies.Count, repetitions, () => BacktestRunner.Run(adaptive, options)),
            Time("adaptive-simulate", "The adaptive workload's episodes alone (BacktestRunner.RunEpisodes, no summary)",
                episodes, steps, adaptive.Strategies.Count, repetitions, () => SimulateOnly(adaptive, options)),
            Time("market-only", "Market paths of the schedule workload alone: random numbers, price, volume (no strategy)",
                episodes, steps, 0, repetitions, () => MarketOnly(schedules, maxDegreeOfParallelism)),
            Time("market-only-adaptive", "Market paths of the adaptive workload alone: price, stochastic spread and liquidity, volume",
                episodes, steps, 0, repetitions, () => MarketOnly(adaptive, maxDegreeOfParallelism)),
            Time("summary-statistics", "Summary statistics (sort, percentiles, CVaR, paired CIs) of 6 strategies' costs",
                episodes, steps, 0, repetitions, () => SummaryOnly(episodes)),
            Time("naive-scalar", "Hand-written one-episode-at-a-time loop of the schedule workload's AC model, one thread",
                episodes, steps, schedules.Strategies.Count, repetitions, () => NaiveScalar(schedules)),
        };
        return new BenchmarkReport(figures, Environment.ProcessorCount);
    }

    /// <summary>Runs the schedule workload (<c>schedules-ac</c>) once, untimed warm-up excluded, and returns its wall-clock and
    /// processor seconds: the C# half of an alternating comparison with the numpy port.</summary>
    public static (double Seconds, double CpuSeconds) TimeScheduleWorkloadOnce(int episodes, int steps, int? maxDegreeOfParallelism = null)
    {
        var scenario = ScheduleScenario(episodes, steps);
        var options = new BacktestOptions { KeepEpisodes = false, MaxDegreeOfParallelism = maxDegreeOfParallelism, ReferenceStrategies = false };
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        BacktestRunner.Run(scenario, options);
        double wall = sw.Elapsed.TotalSeconds;
        process.Refresh();
        return (wall, Math.Max((process.TotalProcessorTime - cpu0).TotalSeconds, 1e-6));
    }

    /// <summary>
    /// Cost curves of the schedule workload: the backtest runner (all cores) timed while one of episodes, steps and
    /// strategies varies and the others stay at 100,000 episodes, 100 steps and 6 schedules; the median of
    /// <paramref name="repetitions"/> runs of each point, after one untimed run.
    /// </summary>
    public static IReadOnlyList<BenchmarkFigure> Sweep(int repetitions = 3, int? maxDegreeOfParallelism = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        var points = new List<(string Varies, int Episodes, int Steps, int Strategies)>();
        foreach (int e in (int[])[10_000, 30_000, 100_000, 300_000]) points.Add(("episodes", e, 100, 6));
        foreach (int k in (int[])[10, 30, 100, 300]) points.Add(("steps", 100_000, k, 6));
        foreach (int j in (int[])[1, 2, 3, 6]) points.Add(("strategies", 100_000, 100, j));
        var figures = new List<BenchmarkFigure>();
        var options = new BacktestOptions { KeepEpisodes = false, MaxDegreeOfParallelism = maxDegreeOfParallelism, ReferenceStrategies = false };
        using var process = Process.GetCurrentProcess();
        foreach (var (varies, episodes, steps, strategies) in points)
        {
            var full = ScheduleScenario(episodes, steps);
            var scenario = full with { Strategies = [.. full.Strategies.Take(strategies)] };
            BacktestRunner.Run(scenario, options);
            var wall = new double[repetitions];
            var cpu = new double[repetitions];
            for (int r = 0; r < repetitions; r++)
            {
                GC.Collect();
                process.Refresh();
                var cpu0 = process.TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                BacktestRunner.Run(scenario, options);
                wall[r] = sw.Elapsed.TotalSeconds;
                process.Refresh();
                cpu[r] = Math.Max((process.TotalProcessorTime - cpu0).TotalSeconds, 1e-6);
            }

            figures.Add(new BenchmarkFigure($"sweep-{varies}", $"schedule workload, {varies} varied (median of {repetitions})",
                episodes, steps, strategies, Median(wall), Median(cpu)));
        }

        return figures;
    }

    private static double Median(double[] values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2]);
    }

    /// <summary>The schedule workload's scenario.</summary>
    public static Scenario ScheduleScenario(int episodes, int steps) => ScenarioPresets.Demo() with
    {
        Name = "bench: schedules on Almgren–Chriss",
        Order = new OrderSpec { Side = Side.Sell, SizePctAdv = 5, HorizonMinutes = 390, Steps = steps },
        Episodes = episodes,
        Strategies = ["twap", "vwap", "ac", "ac-neutral", "immediate", "ow"],
    };

    /// <summary>The parameters of the schedule workload (<c>schedules-ac</c>) that an external port needs to run exactly the
    /// same model and schedules (the numpy port in <c>benchmarks/numpy_schedules.py</c>).</summary>
    public static ScheduleWorkloadSpec ScheduleSpec(int episodes, int steps)
    {
        var s = ScheduleScenario(episodes, steps);
        var model = new MarketModel(s);
        var children = new double[s.Strategies.Count][];
        for (int j = 0; j < children.Length; j++)
        {
            var schedule = (Strategies.ScheduleStrategy)StrategyCatalog.Create(s.Strategies[j], s);
            children[j] = new double[model.Steps];
            double remaining = model.Quantity;
            for (int k = 0; k < model.Steps; k++)
            {
                double x = schedule.HoldingsFraction[k];
                double f = k == model.Steps - 1 ? 1 : x > 0 ? Math.Clamp((x - schedule.HoldingsFraction[k + 1]) / x, 0, 1) : 1;
                children[j][k] = f * remaining;
                remaining -= children[j][k];
            }
        }

        return new ScheduleWorkloadSpec(
            Episodes: episodes, Steps: model.Steps, Seed: s.Seed, S0: model.S0, Sign: model.Sign, SigmaAbs: model.SigmaAbs, Tau: model.Tau,
            VolumeNoise: model.VolumeNoise, EtaOverTau: model.EtaOverTau, Gamma: model.Gamma,
            HalfSpread: Math.Max(model.SpreadMeanBps, model.SpreadMinBps) * 0.5e-4 * model.S0 + model.Epsilon,
            ArrivalNotional: model.ArrivalNotional, ExpectedVolume: model.ExpectedVolume.ToArray(), ChildQuantities: children);
    }

    /// <summary>The adaptive workload's scenario.</summary>
    public static Scenario AdaptiveScenario(int episodes, int steps)
    {
        var demo = ScenarioPresets.Demo();
        var market = RegimePresets.Apply(demo.Market, RegimePresets.Volatile) with
        {
            Impact = new TransientImpactSpec { G0 = 0.5, Beta = 0.5, LiquidityScaled = true },
        };
        return demo with
        {
            Name = "bench: adaptive on transient impact and stochastic liquidity",
            Order = new OrderSpec { Side = Side.Sell, SizePctAdv = 5, HorizonMinutes = 390, Steps = steps },
            Market = market,
            Episodes = episodes,
            Strategies = ["pov", "random"],
        };
    }

    private static BenchmarkFigure Time(string name, string description, int episodes, int steps, int strategies, int repetitions, Action work)
    {
        work();
        double best = double.MaxValue, bestCpu = 0;
        using var process = Process.GetCurrentProcess();
        for (int r = 0; r < repetitions; r++)
        {
            GC.Collect();
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            work();
            double wall = sw.Elapsed.TotalSeconds;
            process.Refresh();
            if (wall < best)
            {
                best = wall;
                bestCpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
            }
        }

        return new BenchmarkFigure(name, description, episodes, steps, strategies, best, Math.Max(bestCpu, 1e-6));
    }

    /// <summary>A run without its summary: the episodes and their result columns (handed back for the next run, as
    /// <see cref="BacktestRunner.Run"/> does).</summary>
    private static void SimulateOnly(Scenario s, BacktestOptions options)
    {
        var plan = BacktestPlan.Create(s, options);
        BacktestRunner.RunEpisodes(plan, 0, plan.Episodes, options).ReturnColumns();
    }

    /// <summary>The summary of a run whose episodes ran once, before timing (the merge reads its shard, never changes it).</summary>
    private static Action SummariseOnly(Scenario s, BacktestOptions options)
    {
        var plan = BacktestPlan.Create(s, options);
        var part = BacktestRunner.RunEpisodes(plan, 0, plan.Episodes, options);
        return () => BacktestRunner.Merge(plan, [part]);
    }

    private static void MarketOnly(Scenario s, int? maxDegreeOfParallelism)
    {
        var model = new MarketModel(s);
        int block = BacktestRunner.BlockSize;
        int blocks = (s.Episodes + block - 1) / block;
        var po = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism ?? Environment.ProcessorCount };
        Parallel.For(0, blocks, po, () => (Market: new MarketBlock(model, block), Episodes: new long[block]), (b, _, ws) =>
        {
            int first = b * block;
            int count = Math.Min(block, s.Episodes - first);
            for (int e = 0; e < count; e++) ws.Episodes[e] = first + e;
            ws.Market.Reset(s.Seed, ws.Episodes.AsSpan(0, count));
            for (int k = 0; k < model.Steps; k++) ws.Market.Advance();
            return ws;
        }, _ => { });
    }

    private static void SummaryOnly(int episodes)
    {
        var rng = new RandomStream(1, 0);
        var costs = new double[6][];
        for (int s = 0; s < costs.Length; s++)
        {
            costs[s] = new double[episodes];
            for (int e = 0; e < episodes; e++) costs[s][e] = 10 + 5 * rng.NextNormal();
        }

        for (int s = 0; s < costs.Length; s++)
            Statistics.Summarize(costs[s], costs[s], 1, Statistics.Paired(costs[s], costs[0]), 1);
    }

    /// <summary>The naive reference: one episode at a time, scalar, one thread, same model and schedules as the runner's
    /// schedule workload (ABM, AC linear impact, constant spread; volume noise is drawn to match the random-number work).</summary>
    private static double NaiveScalar(Scenario s)
    {
        var model = new MarketModel(s);
        var strategies = s.Strategies.Select(id => StrategyCatalog.Create(id, s)).Cast<Strategies.ScheduleStrategy>().ToArray();
        int n = model.Steps;
        int sCount = strategies.Length;
        var fractions = new double[sCount][];
        for (int j = 0; j < sCount; j++)
        {
            fractions[j] = new double[n];
            for (int k = 0; k < n; k++)
            {
                double x = strategies[j].HoldingsFraction[k];
                fractions[j][k] = k == n - 1 ? 1 : x > 0 ? (x - strategies[j].HoldingsFraction[k + 1]) / x : 1;
            }
        }

        double hs = Math.Max(model.SpreadMeanBps, model.SpreadMinBps) * 0.5e-4 * model.S0;
        double sigma = model.SigmaAbs * Math.Sqrt(model.Tau);
        var rem = new double[sCount];
        var perm = new double[sCount];
        var cost = new double[sCount];
        double total = 0;
        for (int e = 0; e < s.Episodes; e++)
        {
            var rng = new RandomStream(s.Seed, e);
            Array.Fill(rem, model.Quantity);
            Array.Clear(perm);
            Array.Clear(cost);
            double move = 0;
            for (int k = 0; k < n; k++)
            {
                double volume = model.ExpectedVolume[k] * Math.Exp(model.VolumeNoise * rng.NextNormal() - 0.5 * model.VolumeNoise * model.VolumeNoise);
                for (int j = 0; j < sCount; j++)
                {
                    double q = fractions[j][k] * rem[j];
                    cost[j] += q * (move + perm[j] + model.EtaOverTau * q + hs) + 0 * volume;
                    perm[j] += model.Gamma * q;
                    rem[j] -= q;
                }

                move += model.Sign * sigma * rng.NextNormal();
            }

            for (int j = 0; j < sCount; j++) total += cost[j];
        }

        return total;
    }
}

/// <summary>The schedule workload's model and schedules in plain numbers (serialised for the numpy port).</summary>
/// <param name="Episodes">Episodes.</param>
/// <param name="Steps">Decision steps per episode.</param>
/// <param name="Seed">Random seed.</param>
/// <param name="S0">Arrival price.</param>
/// <param name="Sign">+1 buy, −1 sell.</param>
/// <param name="SigmaAbs">Daily volatility in currency.</param>
/// <param name="Tau">Step length in days.</param>
/// <param name="VolumeNoise">Standard deviation of the log-normal volume noise.</param>
/// <param name="EtaOverTau">Linear temporary impact per share traded in a step (η/τ).</param>
/// <param name="Gamma">Linear permanent impact per share (γ).</param>
/// <param name="HalfSpread">Half spread plus fixed cost per share (currency).</param>
/// <param name="ArrivalNotional">S0 × order quantity.</param>
/// <param name="ExpectedVolume">Expected market volume of each step.</param>
/// <param name="ChildQuantities">Per strategy, shares traded at each step.</param>
public sealed record ScheduleWorkloadSpec(int Episodes, int Steps, long Seed, double S0, double Sign, double SigmaAbs, double Tau,
    double VolumeNoise, double EtaOverTau, double Gamma, double HalfSpread, double ArrivalNotional, double[] ExpectedVolume, double[][] ChildQuantities);
