using Portal.Agents.Common;
using Portal.Agents.Environment;

namespace Portal.Agents.Training;

/// <summary>Per-episode results of one policy on a fixed set of evaluation paths.</summary>
/// <param name="ShortfallBps">Implementation shortfall of each episode, in bps.</param>
/// <param name="ObjectiveBps">Shortfall plus λ·risk penalty of each episode, in bps (what the agents minimise).</param>
public sealed record EpisodeOutcomes(double[] ShortfallBps, double[] ObjectiveBps)
{
    /// <summary>Independent unit of each episode on a replay: the horizon-length block of the segment its window starts in
    /// (episodes drawn from the same block share their market); null for simulated markets, whose episodes are independent.</summary>
    public int[]? Clusters { get; init; }
}

/// <summary>Runs agents and static schedules on the same evaluation paths (common random numbers).</summary>
public static class PolicyEvaluation
{
    /// <summary>Episodes simulated per evaluation batch.</summary>
    public const int BatchSize = 1000;

    /// <summary>Runs a greedy agent for <paramref name="episodes"/> episodes on the evaluation paths keyed by
    /// <paramref name="baseSeed"/> (batch b resets with <see cref="TrainingSession.EvaluationSeed"/>(baseSeed, b), a tagged
    /// stream no training batch or backtest uses).</summary>
    public static EpisodeOutcomes RunAgent(IExecutionAgent agent, MarketSource market, ObservationNormalizer normalizer, int episodes, long baseSeed)
    {
        ArgumentNullException.ThrowIfNull(agent);
        if (agent is IOrderTypeAgent { UsesLimitOrders: true } typed)
        {
            var shares = new double[BatchSize];
            return Run(market, normalizer, episodes, baseSeed, (env, _, fractions) =>
                typed.Act(env.Observations, env.LastPassiveFillShare, env.MaxFraction, env.DecisionIndex, env.Market.Steps, fractions, shares), shares);
        }

        return Run(market, normalizer, episodes, baseSeed, (env, fractions) =>
            agent.Act(env.Observations, env.MaxFraction, env.DecisionIndex, env.Market.Steps, fractions));
    }

    /// <summary>Runs a static schedule of holdings x_0 … x_N on the same paths as <see cref="RunAgent"/>.</summary>
    public static EpisodeOutcomes RunSchedule(IReadOnlyList<double> holdings, MarketSource market, int episodes, long baseSeed)
    {
        double[] f = AlmgrenChrissSolution.FractionsOfRemaining(holdings);
        return Run(market, ObservationNormalizer.Identity, episodes, baseSeed, (env, fractions) =>
            fractions.AsSpan().Fill(f[env.DecisionIndex]));
    }

    /// <summary>Runs the Almgren–Chriss world's schedule (holdings in shares or fractions) on the evaluation paths.</summary>
    public static EpisodeOutcomes RunSchedule(IReadOnlyList<double> holdings, AlmgrenChrissParameters market, int episodes, long baseSeed) =>
        RunSchedule(holdings, MarketSource.For(market), episodes, baseSeed);

    /// <summary>Runs a greedy agent in the Almgren–Chriss world.</summary>
    public static EpisodeOutcomes RunAgent(IExecutionAgent agent, AlmgrenChrissParameters market, ObservationNormalizer normalizer, int episodes, long baseSeed) =>
        RunAgent(agent, MarketSource.For(market), normalizer, episodes, baseSeed);

    private static EpisodeOutcomes Run(MarketSource market, ObservationNormalizer normalizer, int episodes, long baseSeed, Action<ExecutionEnvironment, double[]> decide) =>
        Run(market, normalizer, episodes, baseSeed, (env, _, fractions) => decide(env, fractions));

    /// <summary>Runs a decision rule that also reads the seed each evaluation batch was reset with.</summary>
    internal static EpisodeOutcomes Run(MarketSource market, ObservationNormalizer normalizer, int episodes, long baseSeed, Action<ExecutionEnvironment, long, double[]> decide) =>
        Run(market, normalizer, episodes, baseSeed, decide, null);

    /// <summary>Runs a decision rule; with <paramref name="passiveShares"/> (filled by the rule) each child is split into a
    /// limit order and a market order (<see cref="ExecutionEnvironment.Step(ReadOnlySpan{double}, ReadOnlySpan{double})"/>).</summary>
    private static EpisodeOutcomes Run(MarketSource market, ObservationNormalizer normalizer, int episodes, long baseSeed, Action<ExecutionEnvironment, long, double[]> decide, double[]? passiveShares)
    {
        ArgumentNullException.ThrowIfNull(market);
        if (episodes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(episodes), episodes, "episodes must be >= 1.");
        }

        int batches = (episodes + BatchSize - 1) / BatchSize;
        var env = new ExecutionEnvironment(market.CreateMarket(BatchSize, MarketPurpose.Evaluation), normalizer);
        var shortfall = new double[episodes];
        var objective = new double[episodes];
        var fractions = new double[BatchSize];
        var replay = env.Market as Portal.Agents.Environment.ReplayMarket;
        var clusters = replay is null ? null : new int[episodes];
        for (int b = 0; b < batches; b++)
        {
            long batchSeed = TrainingSession.EvaluationSeed(baseSeed, b);
            env.Reset(batchSeed);
            while (!env.Done)
            {
                decide(env, batchSeed, fractions);
                if (passiveShares is null) env.Step(fractions);
                else env.Step(fractions, passiveShares);
            }

            int count = Math.Min(BatchSize, episodes - b * BatchSize);
            Array.Copy(env.EpisodeShortfallBps, 0, shortfall, b * BatchSize, count);
            Array.Copy(env.EpisodeObjectiveBps, 0, objective, b * BatchSize, count);
            if (replay is not null && clusters is not null)
            {
                long from = replay.Windows[0].StartNs, horizon = Math.Max(1, replay.Windows[0].EndNs - replay.Windows[0].StartNs);
                for (int e = 0; e < count; e++) clusters[b * BatchSize + e] = (int)((replay.Window(e).StartNs - from) / horizon);
            }
        }

        return new EpisodeOutcomes(shortfall, objective) { Clusters = clusters };
    }
}

/// <summary>Mean of paired differences with its 95% confidence interval over independent units: episodes on a simulated
/// market (normal interval), market windows on a replay (cluster-robust interval over horizon blocks,
/// <see cref="Portal.Domain.Backtesting.Statistics.ClusterMean"/>), so drawing many episodes from a few windows does not
/// narrow it.</summary>
/// <param name="MeanBps">Mean difference (first minus second), bps.</param>
/// <param name="CiLowBps">Lower end of the 95% interval.</param>
/// <param name="CiHighBps">Upper end of the 95% interval.</param>
/// <param name="Pairs">Number of pairs.</param>
public sealed record PairedStatistic(double MeanBps, double CiLowBps, double CiHighBps, int Pairs)
{
    /// <summary>Independent units the interval rests on (pairs of episodes, or replay windows).</summary>
    public int IndependentUnits { get; init; }

    /// <summary>What an independent unit is: <c>episode</c> or <c>window</c>.</summary>
    public string UnitKind { get; init; } = Portal.Domain.Backtesting.UnitKinds.Episode;

    /// <summary>Paired difference a − b over the clusters of <paramref name="clusters"/> (replay), or over episodes when null.</summary>
    public static PairedStatistic Of(IReadOnlyList<double> a, IReadOnlyList<double> b, int[]? clusters)
    {
        if (clusters is null) return Of(a, b);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int n = Math.Min(a.Count, b.Count);
        var d = Portal.Domain.Backtesting.Statistics.Paired(a.Take(n).ToArray(), b.Take(n).ToArray(), clusters.AsSpan(0, n));
        return new PairedStatistic(d.MeanBps, d.CiLowBps, d.CiHighBps, n) { IndependentUnits = d.IndependentUnits, UnitKind = d.UnitKind };
    }

    /// <summary>Paired difference a − b.</summary>
    public static PairedStatistic Of(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int n = Math.Min(a.Count, b.Count);
        if (n < 2)
        {
            throw new ArgumentException("At least two pairs are needed.", nameof(a));
        }

        double mean = 0, m2 = 0;
        for (int i = 0; i < n; i++)
        {
            double d = a[i] - b[i];
            double delta = d - mean;
            mean += delta / (i + 1);
            m2 += delta * (d - mean);
        }

        double half = 1.959963984540054 * Math.Sqrt(m2 / (n - 1) / n);
        return new PairedStatistic(mean, mean - half, mean + half, n) { IndependentUnits = n };
    }
}
