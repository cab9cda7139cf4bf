using Portal.Domain.QualityDiversity;
using Portal.Domain.Strategies;

namespace Portal.Domain.Tests.QualityDiversity;

/// <summary>Generalist agents as references of the held-out comparison, and their summary over training seeds.</summary>
public sealed class GeneralistComparisonTests
{
    [Fact]
    public void Across_seeds_is_the_mean_with_a_student_t_interval()
    {
        var a = GeneralistComparison.Across("specialist", "ppo", [1.0, 2.0, 6.0]);
        // mean 3, sd √7, t(0.975, 2) = 4.302653 → half-width 4.302653·√7/√3.
        double half = 4.302652729911275 * Math.Sqrt(7) / Math.Sqrt(3);
        Assert.Equal(3, a.MeanBps, 12);
        Assert.Equal(3 - half, a.CiLowBps!.Value, 6);
        Assert.Equal(3 + half, a.CiHighBps!.Value, 6);
        Assert.Equal(3, a.Seeds);
        var one = GeneralistComparison.Across("router", "ppo", [2.5]);
        Assert.Null(one.CiLowBps);
        Assert.Equal(2.5, one.MeanBps);
    }

    [Fact]
    public void Gains_name_the_best_and_worst_niche_and_the_overall_gain_on_the_summed_objective()
    {
        NicheAcrossSeeds N(int j, double spec, double agent) => new(j, $"n{j}", 10, spec, spec, agent, (agent - spec) / agent, (agent - spec) / agent,
            GeneralistComparison.Across("specialist", "ppo", [spec - agent]), GeneralistComparison.Across("router", "ppo", [spec - agent]));
        var g = GeneralistComparison.Gains([N(0, 9, 10), N(1, 26, 20), N(2, 30, 30)]);
        Assert.Equal("n0", g.BestNiche);
        Assert.Equal(0.1, g.Best, 12);
        Assert.Equal("n1", g.WorstNiche);
        Assert.Equal(-0.3, g.Worst, 12);
        Assert.Equal((60.0 - 65.0) / 60.0, g.Overall, 12);
    }

    [Fact]
    public void A_reference_changes_no_other_number_and_a_copy_of_twap_compares_like_twap()
    {
        var settings = new MapElitesSettings { Candidates = 40, Batch = 20, EpisodesPerNiche = 8 };
        var scenario = MapElitesSettings.DefaultScenario();
        var archive = MapElites.Run(scenario, settings);
        var plain = SpecialistComparison.Run(scenario, archive, settings.Seed, 16);
        var specialists = Enumerable.Range(0, archive.Grid.Count).Select(archive.Elite).ToArray();
        var twapCopies = new[] { new Renamed(StrategyRegistry.Create(StrategyId.Twap.Value, scenario), "twap-a"), new Renamed(StrategyRegistry.Create(StrategyId.Twap.Value, scenario), "twap-b") };
        var with = SpecialistComparison.Run(scenario, archive.Grid, specialists, archive.Generalist!, settings.Seed, 16, twapCopies);
        Assert.Equal(plain.Count, with.Count);
        for (int j = 0; j < plain.Count; j++)
        {
            foreach (var (id, value) in plain[j].ObjectiveBps) Assert.Equal(value, with[j].ObjectiveBps[id]);
            Assert.Equal(plain[j].RouterAccuracy, with[j].RouterAccuracy);
            Assert.Equal(plain[j].Comparisons, with[j].Comparisons.Take(plain[j].Comparisons.Count));
            Assert.Equal(with[j].ObjectiveBps["twap"], with[j].ObjectiveBps["twap-a"]);
            var vsTwap = with[j].Comparisons.Single(c => c.A == "oracle" && c.B == "twap");
            var vsCopy = with[j].Comparisons.Single(c => c.A == "specialist" && c.B == "twap-b");
            Assert.Equal(vsTwap.Objective.MeanBps, vsCopy.Objective.MeanBps, 12);
            Assert.Equal(vsTwap.Cost.CiLowBps, vsCopy.Cost.CiLowBps, 12);
            Assert.Contains(with[j].Comparisons, c => c.A == "router" && c.B == "twap-a");
        }

        var summary = GeneralistComparison.Summarise(with, ["twap-a", "twap-b"], "twap copies");
        Assert.All(summary, s =>
        {
            Assert.Equal(with[s.Niche].ObjectiveBps["twap"], s.AgentObjectiveBps, 12);
            Assert.Equal(0, s.Specialist.CiHighBps!.Value - s.Specialist.CiLowBps!.Value, 9);  // identical seeds: no spread
            Assert.Equal(2, s.Specialist.Seeds);
        });
        Assert.Throws<ArgumentOutOfRangeException>(() => SpecialistComparison.Run(scenario, archive.Grid, specialists, archive.Generalist!, settings.Seed, 16,
            [new Renamed(StrategyRegistry.Create(StrategyId.Twap.Value, scenario), "router")]));
        Assert.Throws<ArgumentOutOfRangeException>(() => GeneralistComparison.Summarise(with, ["missing"]));
    }

    private sealed class Renamed(Portal.Domain.Simulation.IExecutionStrategy inner, string id) : Portal.Domain.Simulation.IExecutionStrategy
    {
        public string Id => id;

        public string DisplayName => id;

        public bool UsesObservations => inner.UsesObservations;

        public void Decide(in Portal.Domain.Simulation.DecisionContext context, ReadOnlySpan<Portal.Domain.Simulation.Observation> observations, Span<double> fractionOfRemaining) =>
            inner.Decide(context, observations, fractionOfRemaining);
    }
}
