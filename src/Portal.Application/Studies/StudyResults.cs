using Portal.Domain.Studies;

namespace Portal.Application.Studies;

/// <summary>One strategy's stored summary in one cell (bps of arrival notional, positive = cost).</summary>
/// <param name="VsTwapBps">Paired difference (this − TWAP) on the cell's common random numbers; null for TWAP itself.</param>
/// <param name="CostSharpe">−mean/std of the cost (cheaper scores higher); null when undefined or not stored.</param>
/// <param name="Cvar95Bps">Mean cost of the worst 5% of episodes; null when not stored.</param>
/// <param name="Episodes">Number of episodes (independent units in simulation) behind the interval; 0 when not stored.</param>
public sealed record StudyStrategyInput(string StrategyId, string DisplayName, double MeanCostBps, double StdBps, double MeanCiLowBps,
    double MeanCiHighBps, double? VsTwapBps, double? VsTwapCiLowBps, double? VsTwapCiHighBps, double? CostSharpe = null, double? Cvar95Bps = null, int Episodes = 0)
{
    /// <summary>A stored strategy's row of its run report as a study cell reads it (<see cref="Episodes"/> counts the
    /// independent units its intervals rest on).</summary>
    public static StudyStrategyInput From(Reports.ReportStrategySummary s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.StrategyId, s.DisplayName, s.MeanBps, s.StdBps, s.MeanCiLowBps, s.MeanCiHighBps, s.VsTwapMeanBps, s.VsTwapCiLowBps,
            s.VsTwapCiHighBps, s.CostSharpe, s.Cvar95Bps, s.IndependentUnits) { Guard = s.Guard };
    }

    /// <summary>For a guarded strategy (<c>guarded:ID</c>): how often each guard fired and its paired cost difference to ID on
    /// the same paths; null otherwise or when not known.</summary>
    public Portal.Domain.Backtesting.GuardResult? Guard { get; init; }
}

/// <summary>One cell as stored: its coordinates, its run and the run's per-strategy summaries (empty until it succeeded).</summary>
public sealed record StudyCellInput(StudyCoordinates Coordinates, Guid? RunId, string Status, double Progress, IReadOnlyList<StudyStrategyInput> Strategies);

/// <summary>A strategy's result in one cell.</summary>
public sealed record StudyStrategyResult(string Id, string DisplayName, double MeanCostBps, double MeanCiLowBps, double MeanCiHighBps, double StdBps,
    double? VsTwapBps, double? VsTwapCiLowBps, double? VsTwapCiHighBps, double? CostSharpe = null, double? Cvar95Bps = null, int Episodes = 0)
{
    /// <summary>For a guarded strategy (<c>guarded:ID</c>): how often each guard fired on this cell's paths and its paired cost
    /// difference (guarded − unguarded) to ID on the same paths, with its 95% interval; null otherwise or when not known.</summary>
    public Portal.Domain.Backtesting.GuardResult? Guard { get; init; }

    /// <summary>Why this (trained or guarded) agent's result is in-sample for this cell's stress variant
    /// (Portal.Domain's StressSampling), or null when it is not or the strategy is no agent.</summary>
    public string? InSample { get; init; }
}

/// <summary>
/// The cheapest strategy of a cell and how sure it is. <see cref="SignificantVsTwap"/>: the best strategy's paired 95% interval
/// against TWAP lies wholly below 0 (TWAP itself is significant when every other strategy's interval lies wholly above 0).
/// <see cref="ClearOfRunnerUp"/>: the best strategy's 95% interval of the mean lies wholly below the runner-up's; on common
/// random numbers the paired interval of their difference is narrower than that (the costs are positively correlated), so
/// this is the stricter, conservative test.
/// </summary>
public sealed record StudyBest(string Id, string DisplayName, double MeanCostBps, string? RunnerUpId, bool SignificantVsTwap, bool ClearOfRunnerUp);

/// <summary>One cell's results.</summary>
public sealed record StudyCellResult(StudyCoordinates Coordinates, Guid? RunId, string Status, double Progress, IReadOnlyList<StudyStrategyResult> Strategies, StudyBest? Best)
{
    /// <summary>The strategy <paramref name="id"/> in this cell, or null.</summary>
    public StudyStrategyResult? Strategy(string id) => Strategies.FirstOrDefault(s => s.Id == id);
}

/// <summary>A point of a strategy's measured frontier: its mean and standard deviation of cost at one λ.</summary>
public sealed record StudyFrontierPoint(double RiskAversion, double MeanCostBps, double StdBps, double MeanCiLowBps, double MeanCiHighBps);

/// <summary>The λ sweep of one line of the grid (every axis but λ fixed, named by <see cref="Group"/>): each strategy's
/// measured mean against standard deviation, and the Almgren–Chriss closed-form frontier where the model has one.</summary>
public sealed record StudyFrontier(string Group, IReadOnlyDictionary<string, IReadOnlyList<StudyFrontierPoint>> Strategies, IReadOnlyList<FrontierPoint>? ClosedForm);

/// <summary>A study's results, built from its cells' stored summaries.</summary>
public sealed record StudyResults(int CellCount, int Succeeded, int Failed, int Running, int Queued, IReadOnlyList<string> StrategyIds,
    IReadOnlyList<StudyCellResult> Cells, IReadOnlyList<StudyFrontier> Frontiers)
{
    /// <summary>Cells finished (succeeded, failed or cancelled).</summary>
    public int Done => Succeeded + Failed;

    /// <summary>Share of the grid's work done, 0 to 1 (running cells count with their progress).</summary>
    public double Progress => CellCount == 0 ? 1 : Cells.Sum(c => c.Status is "Succeeded" or "Failed" or "Cancelled" ? 1 : c.Progress) / CellCount;
}

/// <summary>Builds <see cref="StudyResults"/> from a spec and its cells' stored summaries (the page, the API, the CSV and
/// the command line all read this one model).</summary>
public static class StudyResultsBuilder
{
    /// <summary>Id of the strategy the paired differences are taken against.</summary>
    public const string Twap = "twap";

    public static StudyResults Build(StudySpec spec, IReadOnlyList<StudyCellInput> cells)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(cells);
        var results = cells.OrderBy(c => c.Coordinates.Index).Select(Cell).ToList();
        var ids = results.SelectMany(c => c.Strategies.Select(s => s.Id)).Distinct(StringComparer.Ordinal).ToList();
        int succeeded = cells.Count(c => c.Status == "Succeeded");
        int failed = cells.Count(c => c.Status is "Failed" or "Cancelled");
        int running = cells.Count(c => c.Status == "Running");
        int queued = (int)spec.CellCount - succeeded - failed - running;
        return new StudyResults((int)spec.CellCount, succeeded, failed, running, queued, ids, results, Frontiers(spec, results));
    }

    private static StudyCellResult Cell(StudyCellInput cell)
    {
        var strategies = cell.Strategies
            .Select(s => new StudyStrategyResult(s.StrategyId, s.DisplayName, s.MeanCostBps, s.MeanCiLowBps, s.MeanCiHighBps, s.StdBps, s.VsTwapBps, s.VsTwapCiLowBps, s.VsTwapCiHighBps,
                s.CostSharpe, s.Cvar95Bps, s.Episodes) { Guard = s.Guard })
            .ToList();
        return new StudyCellResult(cell.Coordinates, cell.RunId, cell.Status, cell.Progress, strategies, Best(strategies));
    }

    /// <summary>The cheapest strategy of a cell (lowest mean cost) with its significance; null when the cell has no results.</summary>
    public static StudyBest? Best(IReadOnlyList<StudyStrategyResult> strategies)
    {
        ArgumentNullException.ThrowIfNull(strategies);
        if (strategies.Count == 0) return null;
        var ranked = strategies.OrderBy(s => s.MeanCostBps).ThenBy(s => s.Id, StringComparer.Ordinal).ToList();
        var best = ranked[0];
        var runnerUp = ranked.Count > 1 ? ranked[1] : null;
        bool significant = best.Id == Twap
            ? ranked.Count > 1 && ranked.Skip(1).All(s => s.VsTwapCiLowBps is > 0)
            : best.VsTwapCiHighBps is < 0;
        bool clear = runnerUp is not null && best.MeanCiHighBps < runnerUp.MeanCiLowBps;
        return new StudyBest(best.Id, best.DisplayName, best.MeanCostBps, runnerUp?.Id, significant, clear);
    }

    private static List<StudyFrontier> Frontiers(StudySpec spec, List<StudyCellResult> cells)
    {
        var frontiers = new List<StudyFrontier>();
        if (spec.Axes.RiskAversion.Count < 2) return frontiers;
        foreach (var line in cells.GroupBy(c => c.Coordinates with { Index = 0, RiskAversion = 0 }))
        {
            var first = line.First().Coordinates;
            string group = $"{StudySpec.ValueOf(first, StudyAxisNames.SizePctAdv)}% ADV · {StudySpec.ValueOf(first, StudyAxisNames.HorizonMinutes)} min · {first.Regime}{(first.Stress == StressVariants.None ? "" : " · stress " + first.Stress)} · {first.ImpactModel}";
            var byStrategy = new Dictionary<string, IReadOnlyList<StudyFrontierPoint>>(StringComparer.Ordinal);
            foreach (var id in line.SelectMany(c => c.Strategies.Select(s => s.Id)).Distinct(StringComparer.Ordinal))
            {
                byStrategy[id] = [.. line.OrderBy(c => c.Coordinates.RiskAversion)
                    .Select(c => (c.Coordinates.RiskAversion, S: c.Strategy(id)))
                    .Where(p => p.S is not null)
                    .Select(p => new StudyFrontierPoint(p.RiskAversion, p.S!.MeanCostBps, p.S.StdBps, p.S.MeanCiLowBps, p.S.MeanCiHighBps))];
            }
            var scenario = spec.ScenarioOf(first);
            var lambdas = spec.Axes.RiskAversion;
            var curve = EfficientFrontier.AlmgrenChriss(scenario, EfficientFrontier.Sweep(lambdas.Min(), lambdas.Max()).Concat(lambdas).Distinct().Order());
            frontiers.Add(new StudyFrontier(group, byStrategy, curve));
        }
        return frontiers;
    }
}
