using Portal.Domain.Scenarios;

namespace Portal.Domain.QualityDiversity;

/// <summary>The objectives of a contiguous range of one generation's candidates: what a shard (a local batch or a job
/// on any worker) returns.</summary>
/// <param name="Generation">Generation.</param>
/// <param name="First">Index of the first candidate within the generation.</param>
/// <param name="Count">Candidates in the range.</param>
/// <param name="Objectives">Candidate-major objectives (Count × niches).</param>
public sealed record MapElitesBatch(int Generation, int First, int Count, double[] Objectives);

/// <summary>MAP-Elites over linear execution policies (Mouret and Clune, 2015, "Illuminating search spaces by mapping
/// elites", arXiv:1504.04909; multi-task niches as in Mouret and Maguire, 2020).</summary>
/// <remarks>
/// <para>Generation 0 draws θ ~ N(0, σ₀²I) around TWAP (θ = 0). Generation g &gt; 0 draws each offspring from the archive as
/// it stood after generation g − 1: a parent chosen uniformly among the niches' elites, varied by the iso-line operator
/// with a second elite (with probability <see cref="MapElitesSettings.IsoLineShare"/>, when two distinct elites exist) or
/// by Gaussian mutation (<see cref="Variation"/>). Candidate i of generation g uses only the counter-based stream keyed by
/// (seed, g, i) (<see cref="CandidateStream"/>).</para>
/// <para>Determinism: a generation's candidates are a function of the archive and (seed, g, i); a range of them is evaluated
/// independently of every other range (<see cref="CandidateEvaluator"/>); the ranges' objectives are merged in candidate
/// order. The archive is therefore identical, bit for bit, for any split into shards, any number of workers or threads,
/// and a range evaluated twice gives the same numbers.</para>
/// </remarks>
public static class MapElites
{
    /// <summary>Generates candidates <paramref name="first"/> … <paramref name="first"/> + <paramref name="count"/> − 1 of
    /// generation <paramref name="generation"/> from the archive as it stood before it.</summary>
    public static double[] Generate(MapElitesArchive archive, MapElitesSettings settings, int generation, int first, int count)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(settings);
        int p = LinearPolicy.ParameterCount;
        var genomes = new double[count * p];
        var parents = Enumerable.Range(0, archive.Grid.Count).Select(archive.Elite).Where(e => e is not null).Select(e => e!).ToArray();
        // Distinct elites: one policy may hold several niches; the line operator needs two different points.
        var distinct = parents.Distinct(new GenomeComparer()).ToArray();
        for (int c = 0; c < count; c++)
        {
            var rng = new CandidateStream(settings.Seed, generation, first + c);
            var child = genomes.AsSpan(c * p, p);
            if (generation == 0 || distinct.Length == 0)
            {
                for (int i = 0; i < p; i++) child[i] = Math.Clamp(settings.InitialStd * rng.Normal(), -settings.ParameterBound, settings.ParameterBound);
                continue;
            }

            var x = distinct[rng.Below(distinct.Length)];
            if (distinct.Length > 1 && rng.Uniform() < settings.IsoLineShare)
            {
                int other = rng.Below(distinct.Length - 1);
                var y = distinct[other >= Array.IndexOf(distinct, x) ? other + 1 : other];
                Variation.IsoLine(x, y, settings.IsoSigma, settings.LineSigma, settings.ParameterBound, ref rng, child);
            }
            else
            {
                Variation.Gaussian(x, settings.MutationStd, settings.ParameterBound, ref rng, child);
            }
        }

        return genomes;
    }

    /// <summary>Evaluates a range of generation <paramref name="generation"/>'s candidates: a shard.</summary>
    public static MapElitesBatch EvaluateBatch(CandidateEvaluator evaluator, MapElitesArchive archive, MapElitesSettings settings, int generation, int first, int count,
        int? maxDegreeOfParallelism = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        var genomes = Generate(archive, settings, generation, first, count);
        var objectives = new double[count * evaluator.Grid.Count];
        evaluator.Evaluate(genomes, objectives, maxDegreeOfParallelism, ct);
        return new MapElitesBatch(generation, first, count, objectives);
    }

    /// <summary>Adds a generation's candidates to the archive from its shards (any order, covering the generation once).</summary>
    /// <exception cref="ArgumentException">The shards leave a gap, overlap, or belong to another generation.</exception>
    public static void Merge(MapElitesArchive archive, MapElitesSettings settings, int generation, IReadOnlyList<MapElitesBatch> batches)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(batches);
        int count = settings.CountOf(generation);
        int niches = archive.Grid.Count;
        int next = 0;
        var ordered = batches.OrderBy(b => b.First).ToArray();
        foreach (var b in ordered)
        {
            if (b.Generation != generation) throw new ArgumentException($"A batch of generation {b.Generation} cannot merge into generation {generation}.", nameof(batches));
            if (b.First != next) throw new ArgumentException($"Batches must cover candidates 0 to {count - 1} once each; candidate {next} is {(b.First > next ? "missing" : "covered twice")}.", nameof(batches));
            if (b.Objectives.Length != b.Count * niches) throw new ArgumentException($"Batch from {b.First} holds {b.Objectives.Length} objectives, expected {b.Count * niches}.", nameof(batches));
            next += b.Count;
        }

        if (next != count) throw new ArgumentException($"Batches cover {next} of {count} candidates.", nameof(batches));
        var genomes = Generate(archive, settings, generation, 0, count);
        int p = LinearPolicy.ParameterCount;
        long start = (long)generation * settings.Batch;
        foreach (var b in ordered)
        {
            for (int c = 0; c < b.Count; c++)
            {
                int i = b.First + c;
                archive.Add(start + i, genomes.AsSpan(i * p, p), b.Objectives.AsSpan(c * niches, niches));
            }
        }

        archive.EndGeneration(generation);
    }

    /// <summary>
    /// The archive a stopped search leaves: every generation its <paramref name="batches"/> cover is merged in order
    /// (<see cref="Merge"/>), then the first generation they cover only in part adds the candidates that were evaluated, in
    /// index order, passing over those that never ran. Batches of later generations cannot exist (a generation starts only
    /// once the one before it is merged) and are refused.
    /// </summary>
    /// <remarks>A partial generation's candidates are the ones a complete run would have generated (each comes from the
    /// stream keyed by (seed, generation, index) and the archive after the previous generation), so every elite of the
    /// result is an elite the complete search would have met.</remarks>
    /// <exception cref="ArgumentException">Batches overlap, hold the wrong number of objectives, or follow a partial generation.</exception>
    public static MapElitesArchive Rebuild(CandidateEvaluator evaluator, MapElitesSettings settings, IReadOnlyList<MapElitesBatch> batches)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(batches);
        var archive = NewArchive(evaluator);
        int niches = archive.Grid.Count;
        var byGeneration = batches.GroupBy(b => b.Generation).OrderBy(g => g.Key).ToList();
        for (int k = 0; k < byGeneration.Count; k++)
        {
            int generation = byGeneration[k].Key;
            if (generation != k) throw new ArgumentException($"Generation {k} has no evaluated candidates, yet generation {generation} has.", nameof(batches));
            var ordered = byGeneration[k].OrderBy(b => b.First).ToArray();
            int count = settings.CountOf(generation);
            if (ordered.Sum(b => b.Count) == count && ordered.Select(b => b.First).SequenceEqual(Starts(ordered)))
            {
                Merge(archive, settings, generation, ordered);
                continue;
            }
            if (k != byGeneration.Count - 1) throw new ArgumentException($"Generation {generation} is incomplete, yet generation {generation + 1} has evaluated candidates.", nameof(batches));
            var genomes = Generate(archive, settings, generation, 0, count);
            int p = LinearPolicy.ParameterCount;
            long start = (long)generation * settings.Batch;
            int next = 0;
            foreach (var b in ordered)
            {
                if (b.First < next || b.First + b.Count > count) throw new ArgumentException($"Batch from {b.First} of generation {generation} overlaps another or lies outside the generation.", nameof(batches));
                if (b.Objectives.Length != b.Count * niches) throw new ArgumentException($"Batch from {b.First} holds {b.Objectives.Length} objectives, expected {b.Count * niches}.", nameof(batches));
                archive.Skip(b.First - next);
                for (int c = 0; c < b.Count; c++)
                {
                    int i = b.First + c;
                    archive.Add(start + i, genomes.AsSpan(i * p, p), b.Objectives.AsSpan(c * niches, niches));
                }
                next = b.First + b.Count;
            }
            archive.EndGeneration(generation);
        }

        return archive;

        static IEnumerable<int> Starts(IReadOnlyList<MapElitesBatch> ordered)
        {
            int next = 0;
            foreach (var b in ordered)
            {
                yield return next;
                next += b.Count;
            }
        }
    }

    /// <summary>A new archive with the reference objectives of θ = 0 on every niche.</summary>
    public static MapElitesArchive NewArchive(CandidateEvaluator evaluator)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        var reference = new double[evaluator.Grid.Count];
        evaluator.Evaluate(new double[LinearPolicy.ParameterCount], reference, 1);
        return new MapElitesArchive(evaluator.Grid, reference);
    }

    /// <summary>Runs MAP-Elites in this process, each generation split into <paramref name="shards"/> ranges evaluated one
    /// after the other and merged (the archive is the same for every shard count).</summary>
    public static MapElitesArchive Run(Scenario baseScenario, MapElitesSettings settings, int shards = 1, int? maxDegreeOfParallelism = null,
        IProgress<MapElitesIteration>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.EnsureValid();
        if (shards is < 1 or > 10_000) throw new ArgumentOutOfRangeException(nameof(shards), shards, "Shards must be in [1, 10,000].");
        var evaluator = new CandidateEvaluator(baseScenario, settings);
        var archive = NewArchive(evaluator);
        for (int g = 0; g < settings.Generations; g++)
        {
            ct.ThrowIfCancellationRequested();
            var batches = Ranges(settings.CountOf(g), shards)
                .Select(r => EvaluateBatch(evaluator, archive, settings, g, r.First, r.Count, maxDegreeOfParallelism, ct))
                .ToList();
            Merge(archive, settings, g, batches);
            progress?.Report(archive.Iterations[^1]);
        }

        return archive;
    }

    /// <summary>Splits <paramref name="count"/> candidates into at most <paramref name="shards"/> contiguous ranges.</summary>
    public static IReadOnlyList<(int First, int Count)> Ranges(int count, int shards)
    {
        int n = Math.Max(1, Math.Min(shards, count));
        var list = new List<(int, int)>(n);
        for (int s = 0; s < n; s++)
        {
            int a = (int)((long)count * s / n), b = (int)((long)count * (s + 1) / n);
            list.Add((a, b - a));
        }

        return list;
    }

    private sealed class GenomeComparer : IEqualityComparer<double[]>
    {
        public bool Equals(double[]? x, double[]? y) => ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y));

        public int GetHashCode(double[] obj)
        {
            var h = new HashCode();
            foreach (double d in obj) h.Add(d);
            return h.ToHashCode();
        }
    }
}
