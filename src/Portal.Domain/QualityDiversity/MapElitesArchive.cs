namespace Portal.Domain.QualityDiversity;

/// <summary>One niche of an archive: its elite (lowest objective on the niche so far) and the reference it is judged by.</summary>
/// <param name="Niche">Niche index (volatility bin × liquidity bins + liquidity bin).</param>
/// <param name="Label">Short label.</param>
/// <param name="VolatilityMultiplier">Volatility multiplier at the bin centre.</param>
/// <param name="LiquidityMultiplier">Liquidity multiplier at the bin centre.</param>
/// <param name="ReferenceObjectiveBps">Objective of θ = 0 (TWAP's fraction of remaining) on the niche.</param>
/// <param name="EliteObjectiveBps">Objective of the elite on the niche (null when empty).</param>
/// <param name="EliteCandidate">Global index of the elite candidate (null when empty).</param>
/// <param name="Parameters">The elite's parameters (empty when empty).</param>
/// <param name="ObjectivesBps">The elite's objective on every niche (empty when empty).</param>
public sealed record NicheElite(int Niche, string Label, double VolatilityMultiplier, double LiquidityMultiplier,
    double ReferenceObjectiveBps, double? EliteObjectiveBps, long? EliteCandidate, IReadOnlyList<double> Parameters, IReadOnlyList<double> ObjectivesBps)
{
    /// <summary>Improvement of the elite over the reference in bps (positive = better), null when empty.</summary>
    public double? ImprovementBps => EliteObjectiveBps is { } o ? ReferenceObjectiveBps - o : null;
}

/// <summary>The archive after one generation.</summary>
/// <param name="Generation">Zero-based generation.</param>
/// <param name="Evaluated">Candidates evaluated so far.</param>
/// <param name="Filled">Niches holding an elite.</param>
/// <param name="Coverage">Share of niches whose elite beats the reference (θ = 0, TWAP) on the niche.</param>
/// <param name="QdScore">QD-score: Σ over niches of max(0, reference − elite objective), in bps.</param>
/// <param name="GeneralistObjectiveBps">Mean objective over niches of the best single candidate so far.</param>
public sealed record MapElitesIteration(int Generation, long Evaluated, int Filled, double Coverage, double QdScore, double GeneralistObjectiveBps);

/// <summary>A MAP-Elites archive: per niche the candidate with the lowest objective on it, the generalist (the candidate
/// with the lowest mean objective over every niche), and coverage and QD-score per generation.</summary>
/// <remarks>
/// <para>Every candidate is evaluated on every niche and competes for each niche's cell on its objective there: the
/// multi-task form of MAP-Elites (Mouret and Maguire, 2020, "Quality Diversity for Multi-task Optimization", GECCO; the
/// archive of Mouret and Clune, 2015, "Illuminating search spaces by mapping elites"). A niche holds an elite from the first
/// candidate on, so coverage counts the niches whose elite beats the reference policy θ = 0 (TWAP's fraction of remaining)
/// on the niche, and the QD-score (Pugh, Soros and Stanley, 2016) sums the elites' improvements over the reference,
/// max(0, reference − elite), so that it is non-negative and grows as the archive improves.</para>
/// <para>Candidates are added in global index order and an elite is replaced only by a strictly lower objective (ties keep
/// the earlier candidate), so the archive is a pure function of the candidates' objectives in index order.</para>
/// </remarks>
public sealed class MapElitesArchive
{
    private readonly double[][] _elites;
    private readonly double[][] _eliteObjectives;
    private readonly double[] _eliteObjective;
    private readonly long[] _eliteCandidate;
    private readonly List<MapElitesIteration> _iterations = [];

    /// <summary>Creates an empty archive over <paramref name="grid"/> with the reference objectives per niche.</summary>
    public MapElitesArchive(NicheGrid grid, IReadOnlyList<double> referenceObjectives)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(referenceObjectives);
        if (referenceObjectives.Count != grid.Count)
            throw new ArgumentOutOfRangeException(nameof(referenceObjectives), referenceObjectives.Count, $"Need one reference objective per niche ({grid.Count}).");
        Grid = grid;
        Reference = [.. referenceObjectives];
        _elites = new double[grid.Count][];
        _eliteObjectives = new double[grid.Count][];
        _eliteObjective = Enumerable.Repeat(double.PositiveInfinity, grid.Count).ToArray();
        _eliteCandidate = Enumerable.Repeat(-1L, grid.Count).ToArray();
    }

    /// <summary>The niches.</summary>
    public NicheGrid Grid { get; }

    /// <summary>Objective of θ = 0 per niche.</summary>
    public IReadOnlyList<double> Reference { get; }

    /// <summary>Candidates added so far.</summary>
    public long Evaluated { get; private set; }

    private long _next;

    /// <summary>The generalist's parameters (null before the first candidate).</summary>
    public double[]? Generalist { get; private set; }

    /// <summary>The generalist's objective on every niche.</summary>
    public double[]? GeneralistObjectives { get; private set; }

    /// <summary>The generalist's global candidate index (−1 before the first candidate).</summary>
    public long GeneralistCandidate { get; private set; } = -1;

    /// <summary>The generalist's mean objective over the niches.</summary>
    public double GeneralistMean { get; private set; } = double.PositiveInfinity;

    /// <summary>Coverage and QD-score after each generation.</summary>
    public IReadOnlyList<MapElitesIteration> Iterations => _iterations;

    /// <summary>The elite of niche <paramref name="niche"/>, or null.</summary>
    public double[]? Elite(int niche) => _elites[niche];

    /// <summary>Niches holding an elite.</summary>
    public int Filled => _elites.Count(e => e is not null);

    /// <summary>Niches whose elite beats the reference.</summary>
    public double Coverage => Enumerable.Range(0, Grid.Count).Count(j => _eliteObjective[j] < Reference[j]) / (double)Grid.Count;

    /// <summary>Σ max(0, reference − elite) over the niches, in bps.</summary>
    public double QdScore => Enumerable.Range(0, Grid.Count).Sum(j => _elites[j] is null ? 0 : Math.Max(0, Reference[j] - _eliteObjective[j]));

    /// <summary>Adds one candidate (in global index order).</summary>
    /// <exception cref="ArgumentException">The candidate index is not the next one, or the sizes are wrong.</exception>
    public void Add(long candidate, ReadOnlySpan<double> parameters, ReadOnlySpan<double> objectives)
    {
        if (candidate != _next) throw new ArgumentException($"Candidates are added in index order: expected {_next}, got {candidate}.", nameof(candidate));
        if (parameters.Length != LinearPolicy.ParameterCount) throw new ArgumentException($"A candidate has {LinearPolicy.ParameterCount} parameters.", nameof(parameters));
        if (objectives.Length != Grid.Count) throw new ArgumentException($"A candidate has one objective per niche ({Grid.Count}).", nameof(objectives));
        double mean = 0;
        for (int j = 0; j < objectives.Length; j++)
        {
            double o = objectives[j];
            mean += o;
            if (o < _eliteObjective[j])
            {
                _eliteObjective[j] = o;
                _elites[j] = parameters.ToArray();
                _eliteObjectives[j] = objectives.ToArray();
                _eliteCandidate[j] = candidate;
            }
        }

        mean /= objectives.Length;
        if (mean < GeneralistMean)
        {
            GeneralistMean = mean;
            Generalist = parameters.ToArray();
            GeneralistObjectives = objectives.ToArray();
            GeneralistCandidate = candidate;
        }

        Evaluated++;
        _next = candidate + 1;
    }

    /// <summary>Passes over <paramref name="candidates"/> candidates that were never evaluated (a cancelled search's shards that
    /// did not run): the next candidate added is that many indices further on, and <see cref="Evaluated"/> does not count them.</summary>
    public void Skip(long candidates)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(candidates);
        _next += candidates;
    }

    /// <summary>Records the coverage and QD-score at the end of generation <paramref name="generation"/>.</summary>
    public void EndGeneration(int generation) =>
        _iterations.Add(new MapElitesIteration(generation, Evaluated, Filled, Coverage, QdScore, GeneralistMean));

    /// <summary>The niches with their elites.</summary>
    public IReadOnlyList<NicheElite> Niches() => [.. Enumerable.Range(0, Grid.Count).Select(j => new NicheElite(
        j, Grid.Label(j), Grid.VolatilityCentre(Grid.VolatilityBin(j)), Grid.LiquidityCentre(Grid.LiquidityBin(j)), Reference[j],
        _elites[j] is null ? null : _eliteObjective[j], _elites[j] is null ? null : _eliteCandidate[j],
        _elites[j] ?? [], _eliteObjectives[j] ?? []))];
}
