using System.Text.Json;
using Portal.Domain.QualityDiversity;
using Portal.Domain.Scenarios;
using Portal.Domain.Simulation;

namespace Portal.Domain.Tests.QualityDiversity;

public class MapElitesTests
{
    private static readonly Scenario Base = MapElitesSettings.DefaultScenario();

    private static MapElitesSettings Small(int candidates = 240, int batch = 40) => new()
    {
        Candidates = candidates,
        Batch = batch,
        Seed = 7,
        EpisodesPerNiche = 8,
    };

    /// <summary>Everything an archive holds, as text with every double written exactly.</summary>
    private static string Fingerprint(MapElitesArchive archive) =>
        JsonSerializer.Serialize(new { niches = archive.Niches(), archive.Generalist, archive.GeneralistCandidate, iterations = archive.Iterations });

    [Theory]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(7, null)]
    [InlineData(40, 1)]
    public void The_archive_is_identical_whatever_the_number_of_shards_and_threads(int shards, int? threads)
    {
        var single = MapElites.Run(Base, Small(), shards: 1, maxDegreeOfParallelism: 1);
        var sharded = MapElites.Run(Base, Small(), shards: shards, maxDegreeOfParallelism: threads);
        Assert.Equal(Fingerprint(single), Fingerprint(sharded));
        Assert.Equal(240, sharded.Evaluated);
        Assert.Equal(6, sharded.Iterations.Count);
    }

    [Fact]
    public void A_different_seed_gives_a_different_archive()
    {
        var a = MapElites.Run(Base, Small(80));
        var b = MapElites.Run(Base, Small(80) with { Seed = 8 });
        Assert.NotEqual(Fingerprint(a), Fingerprint(b));
    }

    [Fact]
    public void Shards_merged_in_any_order_and_a_shard_run_twice_change_nothing()
    {
        var settings = Small(80, 40);
        var evaluator = new CandidateEvaluator(Base, settings);
        var inOrder = MapElites.NewArchive(evaluator);
        var shuffled = MapElites.NewArchive(evaluator);
        for (int g = 0; g < settings.Generations; g++)
        {
            var a = MapElites.EvaluateBatch(evaluator, inOrder, settings, g, 0, 15);
            var b = MapElites.EvaluateBatch(evaluator, inOrder, settings, g, 15, 25);
            var bAgain = MapElites.EvaluateBatch(evaluator, shuffled, settings, g, 15, 25);
            Assert.Equal(b.Objectives, bAgain.Objectives);
            MapElites.Merge(inOrder, settings, g, [a, b]);
            MapElites.Merge(shuffled, settings, g, [bAgain, MapElites.EvaluateBatch(evaluator, shuffled, settings, g, 0, 15)]);
        }

        Assert.Equal(Fingerprint(inOrder), Fingerprint(shuffled));
    }

    [Fact]
    public void Merge_refuses_a_gap_an_overlap_and_another_generation()
    {
        var settings = Small(80, 40);
        var evaluator = new CandidateEvaluator(Base, settings);
        var archive = MapElites.NewArchive(evaluator);
        var first = MapElites.EvaluateBatch(evaluator, archive, settings, 0, 0, 20);
        var rest = MapElites.EvaluateBatch(evaluator, archive, settings, 0, 20, 20);
        Assert.Throws<ArgumentException>(() => MapElites.Merge(archive, settings, 0, [first]));
        Assert.Throws<ArgumentException>(() => MapElites.Merge(archive, settings, 0, [first, first, rest]));
        Assert.Throws<ArgumentException>(() => MapElites.Merge(archive, settings, 1, [first, rest]));
        Assert.Equal(0, archive.Evaluated);
    }

    [Fact]
    public void Packing_candidates_side_by_side_does_not_change_their_objectives()
    {
        var settings = Small();
        var evaluator = new CandidateEvaluator(Base, settings);
        var genomes = MapElites.Generate(MapElites.NewArchive(evaluator), settings, 0, 0, 70);
        var packed = new double[70 * 9];
        evaluator.Evaluate(genomes, packed, 2);
        int p = LinearPolicy.ParameterCount;
        for (int c = 0; c < 70; c += 23)
        {
            var alone = new double[9];
            evaluator.Evaluate(genomes.AsSpan(c * p, p), alone, 1);
            Assert.Equal(alone, packed.AsSpan(c * 9, 9).ToArray());
        }
    }

    [Fact]
    public void A_generation_range_is_the_same_candidates_as_the_whole_generation()
    {
        var settings = Small();
        var evaluator = new CandidateEvaluator(Base, settings);
        var archive = MapElites.NewArchive(evaluator);
        MapElites.Merge(archive, settings, 0, [MapElites.EvaluateBatch(evaluator, archive, settings, 0, 0, 40)]);
        var whole = MapElites.Generate(archive, settings, 1, 0, 40);
        var part = MapElites.Generate(archive, settings, 1, 13, 9);
        int p = LinearPolicy.ParameterCount;
        Assert.Equal(whole.AsSpan(13 * p, 9 * p).ToArray(), part);
    }

    /// <summary>The CI-sized run: 1,000 candidates at the default per-candidate budget (9 niches × 32 episodes × 20 steps).</summary>
    [Fact]
    public void A_thousand_candidate_run_fills_every_niche_and_its_elites_hold_up_on_re_evaluation()
    {
        var settings = new MapElitesSettings { Candidates = 1000, Batch = 100, Seed = 1 };
        Assert.Equal(20, Base.Order.Steps);
        Assert.Equal(9, settings.Grid.Count);
        var archive = MapElites.Run(Base, settings, shards: 4);
        Assert.Equal(1000, archive.Evaluated);
        Assert.Equal(9, archive.Filled);

        // Elites only ever improve: the QD-score never falls and coverage never shrinks between generations.
        for (int g = 1; g < archive.Iterations.Count; g++)
        {
            Assert.True(archive.Iterations[g].QdScore >= archive.Iterations[g - 1].QdScore);
            Assert.True(archive.Iterations[g].Coverage >= archive.Iterations[g - 1].Coverage);
            Assert.True(archive.Iterations[g].GeneralistObjectiveBps <= archive.Iterations[g - 1].GeneralistObjectiveBps);
        }

        // The search finds policies better than TWAP's fraction in most niches (on its own paths).
        Assert.True(archive.Coverage >= 5.0 / 9, $"coverage {archive.Coverage}");

        var evaluator = new CandidateEvaluator(Base, settings);
        var niches = archive.Niches();
        foreach (var n in niches)
        {
            // Re-evaluating an elite gives exactly the objective it was archived with.
            var again = new double[9];
            evaluator.Evaluate([.. n.Parameters], again, 1);
            Assert.Equal(n.EliteObjectiveBps!.Value, again[n.Niche]);
            Assert.Equal(n.ObjectivesBps, again);
            // In sample, no single candidate beats a niche's elite on its niche: the generalist included.
            Assert.True(n.EliteObjectiveBps <= archive.GeneralistObjectives![n.Niche]);
        }

        // The generalist has the lowest mean objective of the elites (it is at least as good as any of them on average).
        Assert.All(niches, n => Assert.True(archive.GeneralistMean <= n.ObjectivesBps.Average() + 1e-12));
    }

    [Fact]
    public void The_reference_is_twap_s_fraction_of_remaining_and_costs_more_with_volatility_under_risk_aversion()
    {
        var settings = Small();
        var archive = MapElites.NewArchive(new CandidateEvaluator(Base, settings));
        var grid = settings.Grid;
        // Same liquidity, higher volatility: a larger variance penalty on the same schedule.
        for (int l = 0; l < grid.LiquidityBins; l++)
        {
            Assert.True(archive.Reference[grid.NicheOf(2, l)] > archive.Reference[grid.NicheOf(0, l)]);
        }
    }

    [Fact]
    public void Settings_out_of_range_name_the_parameter()
    {
        Assert.Equal("Candidates", Assert.Throws<ArgumentOutOfRangeException>(() => new MapElitesSettings { Candidates = 0 }.EnsureValid()).ParamName);
        Assert.Equal("EpisodesPerNiche", Assert.Throws<ArgumentOutOfRangeException>(() => new MapElitesSettings { EpisodesPerNiche = 1 }.EnsureValid()).ParamName);
        Assert.Equal("IsoLineShare", Assert.Throws<ArgumentOutOfRangeException>(() => new MapElitesSettings { IsoLineShare = 1.5 }.EnsureValid()).ParamName);
        Assert.Equal("VolatilityBins", Assert.Throws<ArgumentOutOfRangeException>(() => new NicheGrid { VolatilityBins = 0 }.EnsureValid()).ParamName);
        Assert.Equal("LiquidityLow", Assert.Throws<ArgumentOutOfRangeException>(() => new NicheGrid { LiquidityLow = 5 }.EnsureValid()).ParamName);
    }
}
