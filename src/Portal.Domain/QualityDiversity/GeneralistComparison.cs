using Portal.Domain.Backtesting;

namespace Portal.Domain.QualityDiversity;

/// <summary>The mean over training seeds of per-seed held-out differences A − reference, with a 95% t interval over seeds.</summary>
/// <param name="A">The strategy compared (<c>specialist</c> or <c>router</c>).</param>
/// <param name="B">What it is compared with, e.g. <c>ppo</c> (the mean over the seeds' agents).</param>
/// <param name="MeanBps">Mean over seeds of the per-seed mean difference of the objective, bps (negative = A better).</param>
/// <param name="CiLowBps">Lower end of the 95% Student t interval over seeds (null for one seed).</param>
/// <param name="CiHighBps">Upper end (null for one seed).</param>
/// <param name="Seeds">Independent units: training seeds.</param>
public sealed record AcrossSeedsDifference(string A, string B, double MeanBps, double? CiLowBps, double? CiHighBps, int Seeds)
{
    /// <summary>What an independent unit is.</summary>
    public string UnitKind { get; init; } = "seed";
}

/// <summary>One niche's comparison with the generalist agents, summarised over their training seeds.</summary>
/// <param name="Niche">Niche index.</param>
/// <param name="Label">Niche label.</param>
/// <param name="Episodes">Held-out episodes (the unit of each per-seed interval).</param>
/// <param name="SpecialistObjectiveBps">The specialist's held-out objective.</param>
/// <param name="RouterObjectiveBps">The router's held-out objective.</param>
/// <param name="AgentObjectiveBps">The agents' held-out objective, mean over seeds.</param>
/// <param name="SpecialistGain">Relative gain of the specialist over the agents, (agents − specialist) / agents (null when the
/// agents' objective is not positive); +0.10 = the specialist's objective is 10% lower.</param>
/// <param name="RouterGain">The same for the router.</param>
/// <param name="Specialist">Specialist − agent over seeds.</param>
/// <param name="Router">Router − agent over seeds.</param>
public sealed record NicheAcrossSeeds(int Niche, string Label, int Episodes, double SpecialistObjectiveBps, double RouterObjectiveBps, double AgentObjectiveBps,
    double? SpecialistGain, double? RouterGain, AcrossSeedsDifference Specialist, AcrossSeedsDifference Router);

/// <summary>Best, worst and overall relative gain of a strategy over the generalist agents across the niches.</summary>
/// <param name="BestNiche">Label of the niche with the largest gain.</param>
/// <param name="Best">Largest gain.</param>
/// <param name="WorstNiche">Label of the niche with the smallest gain.</param>
/// <param name="Worst">Smallest gain.</param>
/// <param name="Overall">Gain on the mean objective over the niches: (Σ agents − Σ A) / Σ agents.</param>
public sealed record RelativeGains(string BestNiche, double Best, string WorstNiche, double Worst, double Overall);

/// <summary>
/// Summarises a held-out <see cref="SpecialistComparison"/> run with several generalist agents (one per training seed) as
/// references: per niche, specialist − agent and router − agent as the mean over seeds of the per-seed paired mean
/// differences with a 95% Student t interval over seeds (df = seeds − 1), and the relative gains of the published
/// MAP-Elites execution table (best cell, worst cell, overall, against a generalist PPO).
/// </summary>
/// <remarks>Each seed's difference is itself a paired mean over the same held-out episodes (common random numbers), so the t
/// interval over seeds measures how much the comparison depends on which agent training produced, the spread the
/// per-seed episode intervals cannot show. Relative gain of A in a niche: (O_agent − O_A) / O_agent with O the objective
/// E + λ·Var in bps and O_agent the mean over seeds; overall: (Σ_j O_agent,j − Σ_j O_A,j) / Σ_j O_agent,j, the gain on
/// the mean objective over the niches.</remarks>
public static class GeneralistComparison
{
    /// <summary>Per niche, specialist and router against the agents <paramref name="agentIds"/>, summarised over them.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No agent, or an agent missing from a niche's comparisons.</exception>
    public static IReadOnlyList<NicheAcrossSeeds> Summarise(IReadOnlyList<NicheComparison> niches, IReadOnlyList<string> agentIds, string label = "ppo")
    {
        ArgumentNullException.ThrowIfNull(niches);
        ArgumentNullException.ThrowIfNull(agentIds);
        if (agentIds.Count == 0) throw new ArgumentOutOfRangeException(nameof(agentIds), 0, "At least one agent is needed.");
        return [.. niches.Select(n =>
        {
            double Diff(string a, string id) => (n.Comparisons.FirstOrDefault(c => c.A == a && c.B == id)
                ?? throw new ArgumentOutOfRangeException(nameof(agentIds), id, $"Niche {n.Niche} has no {a} − {id} comparison.")).Objective.MeanBps;
            double agent = agentIds.Average(id => n.ObjectiveBps.TryGetValue(id, out var o)
                ? o
                : throw new ArgumentOutOfRangeException(nameof(agentIds), id, $"Niche {n.Niche} has no objective for {id}."));
            double spec = n.ObjectiveBps[SpecialistComparison.Specialist], router = n.ObjectiveBps[SpecialistComparison.Router];
            return new NicheAcrossSeeds(n.Niche, n.Label, n.Episodes, spec, router, agent, Gain(agent, spec), Gain(agent, router),
                Across(SpecialistComparison.Specialist, label, [.. agentIds.Select(id => Diff(SpecialistComparison.Specialist, id))]),
                Across(SpecialistComparison.Router, label, [.. agentIds.Select(id => Diff(SpecialistComparison.Router, id))]));
        })];
    }

    /// <summary>Best, worst and overall gain of the specialists (or, with <paramref name="router"/>, the router).</summary>
    /// <exception cref="ArgumentOutOfRangeException">No niche has a defined gain.</exception>
    public static RelativeGains Gains(IReadOnlyList<NicheAcrossSeeds> niches, bool router = false)
    {
        ArgumentNullException.ThrowIfNull(niches);
        var defined = niches.Where(n => (router ? n.RouterGain : n.SpecialistGain) is not null).ToArray();
        if (defined.Length == 0) throw new ArgumentOutOfRangeException(nameof(niches), niches.Count, "No niche has a positive agent objective.");
        double G(NicheAcrossSeeds n) => (router ? n.RouterGain : n.SpecialistGain)!.Value;
        var best = defined.MaxBy(G)!;
        var worst = defined.MinBy(G)!;
        double agents = niches.Sum(n => n.AgentObjectiveBps);
        double a = niches.Sum(n => router ? n.RouterObjectiveBps : n.SpecialistObjectiveBps);
        return new RelativeGains(best.Label, G(best), worst.Label, G(worst), (agents - a) / agents);
    }

    /// <summary>Mean of <paramref name="perSeed"/> with a 95% Student t interval (df = n − 1; none for one seed).</summary>
    public static AcrossSeedsDifference Across(string a, string b, IReadOnlyList<double> perSeed)
    {
        ArgumentNullException.ThrowIfNull(perSeed);
        if (perSeed.Count == 0) throw new ArgumentOutOfRangeException(nameof(perSeed), 0, "At least one seed is needed.");
        int n = perSeed.Count;
        double mean = perSeed.Average();
        if (n == 1) return new AcrossSeedsDifference(a, b, mean, null, null, 1);
        double sd = Math.Sqrt(perSeed.Sum(x => (x - mean) * (x - mean)) / (n - 1));
        double half = StudentT.Quantile(0.975, n - 1) * sd / Math.Sqrt(n);
        return new AcrossSeedsDifference(a, b, mean, mean - half, mean + half, n);
    }

    private static double? Gain(double agent, double other) => agent > 0 ? (agent - other) / agent : null;
}

/// <summary>A generalist agent in an <see cref="ArchiveComparisonReport"/>.</summary>
/// <param name="Id">Its id in the comparisons (e.g. <c>ppo-1</c>).</param>
/// <param name="Algorithm">Algorithm id.</param>
/// <param name="Seed">Training seed.</param>
/// <param name="EnvironmentSteps">Training decisions.</param>
/// <param name="TrainingSeconds">Training wall time.</param>
/// <param name="Training">What it trained on, in words.</param>
public sealed record ComparedAgent(string Id, string Algorithm, long Seed, long EnvironmentSteps, double TrainingSeconds, string Training);

/// <summary>A stored MAP-Elites archive compared out of sample with generalist agents (the <c>map-elites --archive</c> report).</summary>
/// <param name="Candidates">Candidates of the archive's search.</param>
/// <param name="Seed">The search's seed (the held-out paths derive from it, <see cref="SpecialistComparison.HoldoutSeed"/>).</param>
/// <param name="EpisodesPerNiche">In-sample episodes per niche of the search.</param>
/// <param name="VolatilityBins">Rows of the grid.</param>
/// <param name="LiquidityBins">Columns of the grid.</param>
/// <param name="HoldoutEpisodes">Held-out episodes per niche.</param>
/// <param name="Agents">The generalist agents, one per training seed.</param>
/// <param name="Comparisons">Per niche, the held-out comparison with every agent as a reference.</param>
/// <param name="AcrossSeeds">Per niche, specialist − agent and router − agent over the agents' seeds.</param>
/// <param name="SpecialistGains">Relative gains of the specialists over the agents (null without agents).</param>
/// <param name="RouterGains">Relative gains of the router over the agents (null without agents).</param>
public sealed record ArchiveComparisonReport(int Candidates, long Seed, int EpisodesPerNiche, int VolatilityBins, int LiquidityBins, int HoldoutEpisodes,
    IReadOnlyList<ComparedAgent> Agents, IReadOnlyList<NicheComparison> Comparisons, IReadOnlyList<NicheAcrossSeeds> AcrossSeeds,
    RelativeGains? SpecialistGains, RelativeGains? RouterGains)
{
    /// <summary>Wall time of the comparison in seconds.</summary>
    public double WallSeconds { get; init; }

    /// <summary>The published anchor the gains are set beside.</summary>
    public string PublishedAnchor { get; init; } =
        "MAP-Elites execution specialists on a 3×3 volatility × liquidity grid against a generalist PPO: best cell +10.3%, worst −30.2%, overall −2.4%";
}
