using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.QualityDiversity;

/// <summary>Evaluates linear policies on every niche of a grid with common random numbers.</summary>
/// <remarks>
/// <para>Candidate c's objective on niche j is the mean-variance objective of the run, <c>E[C] + λ·Var[C]</c> (C the
/// implementation shortfall in currency, λ the scenario's <c>strategySettings.riskAversion</c>, Almgren and Chriss, 2000,
/// eq. 8), estimated over episodes 0 … E − 1 of niche j's variant (<see cref="NicheGrid.Variant"/>) drawn from the random
/// streams (seed, episode) and expressed in bps of arrival notional: <c>mean + λ·N·10⁻⁴·s²</c> with the costs in bps, N
/// the notional and s² the sample variance. Every candidate sees the same paths (common random numbers), so differences
/// between candidates are paired.</para>
/// <para>Speed: candidates are packed side by side into one simulation batch of up to 512 episodes (each candidate's
/// E episodes keyed 0 … E − 1; an episode's path depends only on its key, never on its slot), so the market kernels run on
/// long vectors; the step loop allocates nothing. Each candidate's numbers depend on its own episodes only, and every
/// reduction is in episode order, so results are bit-identical whatever the packing, the shard or the thread.</para>
/// </remarks>
public sealed class CandidateEvaluator
{
    /// <summary>Largest simulation batch.</summary>
    public const int TargetBatch = 512;

    private readonly Scenario[] _variants;
    private readonly int _episodes;
    private readonly int _perBlock;
    private readonly long _seed;
    private readonly double _varianceWeight;

    /// <summary>Creates an evaluator for the niches of <paramref name="settings"/> on <paramref name="baseScenario"/>.</summary>
    /// <exception cref="ScenarioValidationException">A niche variant is invalid.</exception>
    public CandidateEvaluator(Scenario baseScenario, MapElitesSettings settings)
    {
        ArgumentNullException.ThrowIfNull(baseScenario);
        ArgumentNullException.ThrowIfNull(settings);
        settings.EnsureValid();
        Grid = settings.Grid;
        _variants = [.. Enumerable.Range(0, Grid.Count).Select(j => Grid.Variant(baseScenario, j).EnsureValid())];
        _episodes = settings.EpisodesPerNiche;
        _perBlock = Math.Max(1, TargetBatch / _episodes);
        _seed = EvaluationSeed(settings.Seed);
        double notional = baseScenario.Quantity * baseScenario.Market.ArrivalPrice;
        _varianceWeight = baseScenario.StrategySettings.RiskAversion * notional * 1e-4;
        Steps = baseScenario.Order.Steps;
    }

    /// <summary>The niches.</summary>
    public NicheGrid Grid { get; }

    /// <summary>Decision steps per episode.</summary>
    public int Steps { get; }

    /// <summary>The seed of the evaluation paths of a run seeded <paramref name="seed"/> (kept apart from held-out paths).</summary>
    public static long EvaluationSeed(long seed) => RandomStream.TaggedSeed(seed, 0x5144_4556_414CUL); // "QDEVAL"

    /// <summary>The niches' scenario variants.</summary>
    public IReadOnlyList<Scenario> Variants => _variants;

    /// <summary>The objective in bps from per-episode costs in bps: mean + λ·N·10⁻⁴·s².</summary>
    public double Objective(ReadOnlySpan<double> costBps)
    {
        double mean = 0;
        foreach (double c in costBps) mean += c;
        mean /= costBps.Length;
        double ss = 0;
        foreach (double c in costBps) ss += (c - mean) * (c - mean);
        return mean + _varianceWeight * (costBps.Length > 1 ? ss / (costBps.Length - 1) : 0);
    }

    /// <summary>Evaluates candidates on every niche.</summary>
    /// <param name="genomes">Candidates' parameters laid end to end (<see cref="LinearPolicy.ParameterCount"/> each).</param>
    /// <param name="objectives">Output, candidate-major: objective of candidate c on niche j at c × niches + j.</param>
    /// <param name="maxDegreeOfParallelism">Threads (null = every core).</param>
    /// <param name="ct">Cancels between blocks of candidates.</param>
    public void Evaluate(ReadOnlySpan<double> genomes, Span<double> objectives, int? maxDegreeOfParallelism = null, CancellationToken ct = default)
    {
        int p = LinearPolicy.ParameterCount;
        if (genomes.Length % p != 0) throw new ArgumentException($"Genomes must hold a multiple of {p} numbers.", nameof(genomes));
        int count = genomes.Length / p;
        if (objectives.Length < count * Grid.Count) throw new ArgumentException($"Need room for {count * Grid.Count} objectives.", nameof(objectives));
        var g = genomes.ToArray();
        var o = new double[count * Grid.Count];
        int blocks = (count + _perBlock - 1) / _perBlock;
        var po = new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = maxDegreeOfParallelism ?? Environment.ProcessorCount };
        Parallel.For(0, blocks, po, () => new Workspace(this), (b, _, ws) =>
        {
            int first = b * _perBlock;
            int n = Math.Min(_perBlock, count - first);
            ws.Run(g.AsSpan(first * p, n * p), o.AsSpan(first * Grid.Count, n * Grid.Count));
            return ws;
        }, _ => { });
        o.CopyTo(objectives);
    }

    /// <summary>Per-thread buffers: one simulation per niche, reused for every block.</summary>
    private sealed class Workspace
    {
        private readonly CandidateEvaluator _owner;
        private readonly ExecutionSimulation[] _sims;
        private readonly long[] _keys;
        private readonly double[] _fractions;
        private readonly double[] _costs;

        public Workspace(CandidateEvaluator owner)
        {
            _owner = owner;
            int size = owner._perBlock * owner._episodes;
            _sims = [.. owner._variants.Select(v => new ExecutionSimulation(v, size))];
            _keys = new long[size];
            _fractions = new double[size];
            _costs = new double[size];
        }

        public void Run(ReadOnlySpan<double> genomes, Span<double> objectives)
        {
            int p = LinearPolicy.ParameterCount;
            int e = _owner._episodes;
            int candidates = genomes.Length / p;
            int n = candidates * e;
            int niches = _sims.Length;
            for (int i = 0; i < n; i++) _keys[i] = i % e;
            var costs = _costs.AsSpan(0, n);
            var fractions = _fractions.AsSpan(0, n);
            for (int j = 0; j < niches; j++)
            {
                var sim = _sims[j];
                double spread = sim.Scenario.Market.Spread.MeanBps;
                int steps = sim.Steps;
                sim.Reset(_owner._seed, _keys.AsSpan(0, n));
                costs.Clear();
                for (int k = 0; k < steps; k++)
                {
                    var obs = sim.Observations;
                    int left = steps - k;
                    for (int c = 0; c < candidates; c++)
                    {
                        var theta = genomes.Slice(c * p, p);
                        int at = c * e;
                        for (int i = at; i < at + e; i++) fractions[i] = LinearPolicy.Fraction(theta, obs[i], spread, left);
                    }

                    var r = sim.Step(fractions);
                    var stepCost = r.CostBps;
                    for (int i = 0; i < n; i++) costs[i] += stepCost[i];
                }

                for (int c = 0; c < candidates; c++) objectives[c * niches + j] = _owner.Objective(costs.Slice(c * e, e));
            }
        }
    }
}
