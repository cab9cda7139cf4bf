using Portal.Domain.Scenarios;

namespace Portal.Domain.QualityDiversity;

/// <summary>What a MAP-Elites run produced, as written by the <c>map-elites</c> verb and the portal.</summary>
/// <param name="Candidates">Candidates evaluated.</param>
/// <param name="Batch">Candidates per generation.</param>
/// <param name="Seed">Seed.</param>
/// <param name="EpisodesPerNiche">Episodes per niche per candidate.</param>
/// <param name="Steps">Decision steps per episode.</param>
/// <param name="VolatilityBins">Rows of the grid.</param>
/// <param name="LiquidityBins">Columns of the grid.</param>
/// <param name="ParameterNames">Names of a policy's parameters.</param>
/// <param name="Niches">Per niche: reference, elite and its objectives on every niche.</param>
/// <param name="Generalist">The generalist's parameters.</param>
/// <param name="GeneralistObjectivesBps">The generalist's objective per niche.</param>
/// <param name="Iterations">Coverage and QD-score per generation.</param>
/// <param name="Comparisons">Held-out comparison per niche (empty when skipped).</param>
public sealed record MapElitesReport(int Candidates, int Batch, long Seed, int EpisodesPerNiche, int Steps, int VolatilityBins, int LiquidityBins,
    IReadOnlyList<string> ParameterNames, IReadOnlyList<NicheElite> Niches, IReadOnlyList<double> Generalist, IReadOnlyList<double> GeneralistObjectivesBps,
    IReadOnlyList<MapElitesIteration> Iterations, IReadOnlyList<NicheComparison> Comparisons)
{
    /// <summary>The niche grid with its bounds (null in reports written before it was recorded: the default bounds).</summary>
    public NicheGrid? Grid { get; init; }

    /// <summary>Wall time of the search in seconds (0 when not measured).</summary>
    public double WallSeconds { get; init; }

    /// <summary>Candidates per second of wall time (0 when not measured).</summary>
    public double CandidatesPerSecond => WallSeconds > 0 ? Candidates / WallSeconds : 0;

    /// <summary>Coverage at the end.</summary>
    public double Coverage => Iterations.Count > 0 ? Iterations[^1].Coverage : 0;

    /// <summary>QD-score at the end.</summary>
    public double QdScore => Iterations.Count > 0 ? Iterations[^1].QdScore : 0;

    /// <summary>Builds the report of an archive.</summary>
    public static MapElitesReport Of(Scenario baseScenario, MapElitesSettings settings, MapElitesArchive archive, IReadOnlyList<NicheComparison> comparisons)
    {
        ArgumentNullException.ThrowIfNull(baseScenario);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(archive);
        return new MapElitesReport(settings.Candidates, settings.Batch, settings.Seed, settings.EpisodesPerNiche, baseScenario.Order.Steps,
            settings.Grid.VolatilityBins, settings.Grid.LiquidityBins, LinearPolicy.ParameterNames, archive.Niches(),
            archive.Generalist ?? [], archive.GeneralistObjectives ?? [], archive.Iterations, comparisons ?? []) { Grid = settings.Grid };
    }
}
