using Portal.Domain.Backtesting;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;
using Portal.Domain.Strategies;

namespace Portal.Domain.QualityDiversity;

/// <summary>A paired comparison of strategy A against strategy B on the same episodes.</summary>
/// <param name="A">Id of A.</param>
/// <param name="B">Id of B.</param>
/// <param name="Cost">Paired difference of mean shortfall A − B in bps (negative = A cheaper), with its 95% interval.</param>
/// <param name="Objective">Paired difference of the objective E + λ·Var, A − B, in bps, with its 95% interval.</param>
public sealed record PairedComparison(string A, string B, PairedDifference Cost, PairedDifference Objective);

/// <summary>Held-out results of one niche.</summary>
/// <param name="Niche">Niche index.</param>
/// <param name="Label">Short label.</param>
/// <param name="Episodes">Independent episodes (the unit of every interval).</param>
/// <param name="MeanCostBps">Mean shortfall per strategy id, bps.</param>
/// <param name="ObjectiveBps">Objective per strategy id, bps.</param>
/// <param name="RouterAccuracy">Share of decisions at which the router believed the true niche.</param>
/// <param name="Comparisons">Specialist vs generalist, router vs oracle, router vs generalist, router vs TWAP.</param>
public sealed record NicheComparison(int Niche, string Label, int Episodes, IReadOnlyDictionary<string, double> MeanCostBps,
    IReadOnlyDictionary<string, double> ObjectiveBps, double RouterAccuracy, IReadOnlyList<PairedComparison> Comparisons);

/// <summary>Each niche's specialist against the generalist, and the regime router against an oracle, the generalist and
/// TWAP, out of sample.</summary>
/// <remarks>
/// <para>Held out twice: the paths come from a seed the search never used (<see cref="HoldoutSeed"/>), and each niche's
/// episodes are spread over <see cref="VariantsPerNiche"/> scenario variants whose volatility and liquidity multipliers are
/// drawn log-uniformly inside the niche's bins (not the bin centres the search trained on), from a counter-based stream.
/// The oracle knows the true niche and trades its specialist throughout; the router must infer it from past data
/// (<see cref="RegimeRouter"/>); the generalist is the single candidate with the lowest mean objective over every niche.
/// All strategies see the same episodes (common random numbers), so every difference is paired; intervals are 95% over
/// independent episodes (<see cref="Statistics.Paired(ReadOnlySpan{double}, ReadOnlySpan{double})"/> and
/// <see cref="Statistics.PairedObjective"/>).</para>
/// </remarks>
public static class SpecialistComparison
{
    /// <summary>Held-out scenario variants per niche.</summary>
    public const int VariantsPerNiche = 4;

    /// <summary>Ids used in the comparison.</summary>
    public const string Specialist = "specialist", Generalist = "generalist", Router = "router", Oracle = "oracle", Twap = "twap";

    /// <summary>The held-out seed of a run seeded <paramref name="seed"/>.</summary>
    public static long HoldoutSeed(long seed) => RandomStream.TaggedSeed(seed, 0x484F_4C44_4F55_54UL); // "HOLDOUT"

    /// <summary>Runs the comparison with <paramref name="episodesPerNiche"/> held-out episodes per niche.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Episodes outside [VariantsPerNiche × 2, 1,000,000] or the archive has no generalist.</exception>
    public static IReadOnlyList<NicheComparison> Run(Scenario baseScenario, MapElitesArchive archive, long seed, int episodesPerNiche)
    {
        ArgumentNullException.ThrowIfNull(archive);
        var generalist = archive.Generalist ?? throw new ArgumentOutOfRangeException(nameof(archive), "The archive holds no candidate yet.");
        var specialists = Enumerable.Range(0, archive.Grid.Count).Select(archive.Elite).ToArray();
        return Run(baseScenario, archive.Grid, specialists, generalist, seed, episodesPerNiche, []);
    }

    /// <summary>
    /// Runs the comparison for an archive given by its elites (<paramref name="specialists"/>, one per niche, null for an
    /// empty niche) and <paramref name="generalist"/>, with every strategy of <paramref name="references"/> (e.g. generalist
    /// agents trained on every niche) run on the same held-out episodes and compared with the specialist and the router
    /// (<c>specialist − id</c>, <c>router − id</c>). The references change none of the other numbers: each strategy runs
    /// on its own copy of the same paths.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Episodes outside [VariantsPerNiche × 2, 1,000,000], a specialist
    /// list that is not one per niche, or a reference whose id is empty, repeated or one of this comparison's own ids.</exception>
    public static IReadOnlyList<NicheComparison> Run(Scenario baseScenario, NicheGrid grid, IReadOnlyList<double[]?> specialists, double[] generalist,
        long seed, int episodesPerNiche, IReadOnlyList<IExecutionStrategy> references)
    {
        ArgumentNullException.ThrowIfNull(baseScenario);
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(specialists);
        ArgumentNullException.ThrowIfNull(generalist);
        ArgumentNullException.ThrowIfNull(references);
        if (episodesPerNiche < VariantsPerNiche * 2 || episodesPerNiche > 1_000_000)
            throw new ArgumentOutOfRangeException(nameof(episodesPerNiche), episodesPerNiche, $"Episodes per niche must be in [{VariantsPerNiche * 2}, 1,000,000].");
        if (specialists.Count != grid.Count)
            throw new ArgumentOutOfRangeException(nameof(specialists), specialists.Count, $"Need one specialist per niche ({grid.Count}).");
        string[] own = [Specialist, Generalist, Router, Oracle, Twap];
        var referenceIds = references.Select(r => r.Id).ToArray();
        if (referenceIds.Any(id => string.IsNullOrWhiteSpace(id) || own.Contains(id)) || referenceIds.Distinct().Count() != referenceIds.Length)
            throw new ArgumentOutOfRangeException(nameof(references), string.Join(",", referenceIds), $"Reference ids must be distinct, non-empty and none of {string.Join(", ", own)}.");
        var router = new RegimeRouter(Router, grid, specialists, generalist);
        var gen = new LinearPolicyStrategy(Generalist, "Generalist", generalist);
        long holdout = HoldoutSeed(seed);
        double lambda = baseScenario.StrategySettings.RiskAversion;
        double notional = baseScenario.Quantity * baseScenario.Market.ArrivalPrice;
        var results = new List<NicheComparison>();
        for (int j = 0; j < grid.Count; j++)
        {
            var spec = new LinearPolicyStrategy(Specialist, "Specialist", specialists[j] ?? generalist);
            string[] ids = [Specialist, Generalist, Router, Twap, .. referenceIds];
            var costs = ids.ToDictionary(id => id, _ => new List<double>());
            long correct = 0, decisions = 0;
            int vb = grid.VolatilityBin(j), lb = grid.LiquidityBin(j);
            for (int v = 0; v < VariantsPerNiche; v++)
            {
                int n = episodesPerNiche * (v + 1) / VariantsPerNiche - episodesPerNiche * v / VariantsPerNiche;
                double vm = grid.VolatilityAt(vb + RandomStream.CounterUniform(holdout, j, v, 1));
                double lm = grid.LiquidityAt(lb + RandomStream.CounterUniform(holdout, j, v, 2));
                var scenario = NicheGrid.WithRegime(baseScenario, vm, lm, $"{grid.Label(j)} held-out {v}").EnsureValid();
                long first = (long)v * 1_000_000;
                costs[Specialist].AddRange(EpisodeCosts(scenario, spec, holdout, first, n));
                costs[Generalist].AddRange(EpisodeCosts(scenario, gen, holdout, first, n));
                var counter = new BeliefCounter(router, grid, j);
                costs[Router].AddRange(EpisodeCosts(scenario, counter, holdout, first, n));
                correct += counter.Correct;
                decisions += counter.Decisions;
                costs[Twap].AddRange(EpisodeCosts(scenario, StrategyRegistry.Create(StrategyId.Twap.Value, scenario), holdout, first, n));
                foreach (var r in references) costs[r.Id].AddRange(EpisodeCosts(scenario, r, holdout, first, n));
            }

            var arrays = costs.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
            var bps = arrays.ToDictionary(kv => kv.Key, kv => kv.Value.Average());
            var objective = arrays.ToDictionary(kv => kv.Key, kv => ObjectiveBps(kv.Value, lambda, notional));
            PairedComparison Compare(string a, string b, string aId, string bId) => new(aId, bId,
                Statistics.Paired(arrays[a], arrays[b]),
                Statistics.PairedObjective(Currency(arrays[a], notional), Currency(arrays[b], notional), lambda, notional));
            // The oracle trades the true niche's specialist on every step: on a niche's own paths it is the specialist.
            bps[Oracle] = bps[Specialist];
            objective[Oracle] = objective[Specialist];
            results.Add(new NicheComparison(j, grid.Label(j), arrays[Specialist].Length, bps, objective,
                decisions > 0 ? (double)correct / decisions : 0,
                [
                    Compare(Specialist, Generalist, Specialist, Generalist),
                    Compare(Router, Specialist, Router, Oracle),
                    Compare(Router, Generalist, Router, Generalist),
                    Compare(Router, Twap, Router, Twap),
                    Compare(Specialist, Twap, Oracle, Twap),
                    .. referenceIds.Select(id => Compare(Specialist, id, Specialist, id)),
                    .. referenceIds.Select(id => Compare(Router, id, Router, id)),
                ]));
        }

        return results;
    }

    /// <summary>Per-episode shortfall in bps of <paramref name="strategy"/> on episodes first … first + n − 1.</summary>
    public static double[] EpisodeCosts(Scenario scenario, IExecutionStrategy strategy, long seed, long first, int n)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(strategy);
        var costs = new double[n];
        int batch = Math.Min(n, 512);
        var sim = new ExecutionSimulation(scenario, batch);
        var fractions = new double[batch];
        for (int at = 0; at < n; at += batch)
        {
            int m = Math.Min(batch, n - at);
            sim.Reset(seed, first + at, m);
            var acc = costs.AsSpan(at, m);
            while (!sim.IsDone)
            {
                var f = fractions.AsSpan(0, m);
                strategy.Decide(sim.Context, strategy.UsesObservations ? sim.Observations : [], f);
                var r = sim.Step(f);
                for (int e = 0; e < m; e++) acc[e] += r.CostBps[e];
            }
        }

        return costs;
    }

    private static double[] Currency(double[] bps, double notional) => [.. bps.Select(b => b * notional * 1e-4)];

    private static double ObjectiveBps(double[] bps, double lambda, double notional)
    {
        var (mean, std) = Statistics.MeanStd(bps);
        return mean + lambda * notional * 1e-4 * std * std;
    }

    /// <summary>Passes decisions to the router and counts how often it believed the true niche (single-threaded use).</summary>
    private sealed class BeliefCounter(RegimeRouter router, NicheGrid grid, int truth) : IExecutionStrategy
    {
        public long Correct { get; private set; }

        public long Decisions { get; private set; }

        public string Id => router.Id;

        public string DisplayName => router.DisplayName;

        public void Decide(in DecisionContext context, ReadOnlySpan<Observation> observations, Span<double> fractionOfRemaining)
        {
            foreach (var o in observations)
            {
                Decisions++;
                if (RegimeRouter.Believe(grid, o) == truth) Correct++;
            }

            router.Decide(context, observations, fractionOfRemaining);
        }
    }
}
