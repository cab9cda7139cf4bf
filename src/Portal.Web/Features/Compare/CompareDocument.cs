using Portal.Application.Reports;
using Portal.Application.Runs;
using Portal.Data.Entities;

namespace Portal.Web.Features.Compare;

/// <summary>
/// Everything the compare view shows, built once for the page, its CSV and its PDF: the succeeded runs with the reference
/// first, what differs between their scenarios, each strategy's mean cost per run with its difference to the reference,
/// and each run's frozen report (for the cost distributions drawn as overlaid ECDFs).
/// </summary>
/// <param name="TeamName">Team that owns the runs.</param>
/// <param name="Runs">Succeeded runs, the reference first, then in the order they were asked for.</param>
/// <param name="Parameters">Scenario fields whose values differ between the runs.</param>
/// <param name="Rows">Each strategy's cell per run (mean ± 95% CI, difference to the reference).</param>
/// <param name="Reports">Each run's frozen report, in the order of <paramref name="Runs"/> (null when it could not be built).</param>
/// <param name="Missing">Requested runs not found in the team.</param>
/// <param name="Unfinished">Requested runs of the team that have not succeeded (so have no results).</param>
public sealed record CompareDocument(string TeamName, IReadOnlyList<Run> Runs, IReadOnlyList<ParameterDifference> Parameters,
    IReadOnlyList<ComparisonRow> Rows, IReadOnlyList<RunReport?> Reports, int Missing, IReadOnlyList<Run> Unfinished)
{
    /// <summary>Most runs one comparison holds.</summary>
    public const int MaxRuns = 20;

    /// <summary>The reference run (Δ is measured against it).</summary>
    public Run Reference => Runs[0];

    /// <summary>Legend name of run <paramref name="index"/>: its name, and "(reference)" for the reference.</summary>
    public string LegendName(int index) => Runs[index].DisplayName + (index == 0 ? " (reference)" : "");

    /// <summary>Strategies every compared run holds, in the comparison's order (the ones whose distributions overlay).</summary>
    public IReadOnlyList<ComparisonRow> Common => [.. Rows.Where(r => r.Cells.All(c => c is not null))];

    /// <summary>The comparison as CSV: invariant numbers, no thousands separators.</summary>
    public string ToCsv() => ParameterDifferences.ToCsv(Runs, Parameters, Rows);

    /// <summary>
    /// Builds the comparison of the team's runs among <paramref name="ids"/> (at most <see cref="MaxRuns"/>), with
    /// <paramref name="reference"/> as the reference when it is one of the succeeded runs (otherwise the first); null when
    /// none of the runs is the team's.
    /// </summary>
    public static async Task<CompareDocument?> BuildAsync(RunService runs, RunReports reports, TeamAccess access,
        IReadOnlyList<Guid> ids, Guid? reference, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(ids);
        var asked = ids.Distinct().Take(MaxRuns).ToList();
        var found = await runs.GetManyAsync(access, asked, ct);
        if (found.Count == 0)
        {
            return null;
        }

        var ordered = asked.Select(id => found.FirstOrDefault(r => r.Id == id)).OfType<Run>().ToList();
        var succeeded = ordered.Where(r => r.Status == RunStatus.Succeeded).ToList();
        var chosen = succeeded.FirstOrDefault(r => r.Id == reference) ?? succeeded.FirstOrDefault();
        var list = chosen is null ? [] : succeeded.Where(r => r.Id == chosen.Id).Concat(succeeded.Where(r => r.Id != chosen.Id)).ToList();
        var frozen = new List<RunReport?>(list.Count);
        foreach (var run in list)
        {
            frozen.Add(await reports.GetAsync(access.TeamId, run.Id, ct));
        }

        return new CompareDocument(access.TeamName, list, ParameterDifferences.Build([.. list.Select(r => r.ScenarioJson)]),
            list.Count >= 2 ? RunComparison.Build(list) : [], frozen, asked.Count - found.Count,
            [.. ordered.Where(r => r.Status != RunStatus.Succeeded)]);
    }
}
