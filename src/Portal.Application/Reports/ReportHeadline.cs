namespace Portal.Application.Reports;

/// <summary>
/// The figures a desk reads first on a run: the cheapest strategy and what it saves against TWAP, the strategy under study
/// (the run's agent, or the scenario's first strategy) with the confidence interval of its mean cost, its regret against the
/// best static schedule on the run's objective, and how many independent units the intervals rest on. Derived from the
/// report alone, so the page and the PDF print the same numbers.
/// </summary>
/// <param name="Best">The strategy with the lowest mean shortfall.</param>
/// <param name="Chosen">The strategy under study: the first trained agent, else the first strategy of the run.</param>
/// <param name="IndependentUnits">Independent units behind every interval (0 when not recorded).</param>
/// <param name="UnitKind">What a unit is (<c>episode</c> or <c>window</c>).</param>
public sealed record ReportHeadline(ReportStrategySummary Best, ReportStrategySummary Chosen, int IndependentUnits, string UnitKind)
{
    /// <summary>The headline of a report with at least one strategy; null without strategies.</summary>
    public static ReportHeadline? Of(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Strategies.Count == 0) return null;
        var best = report.Strategies.Where(s => double.IsFinite(s.MeanBps)).OrderBy(s => s.MeanBps).FirstOrDefault() ?? report.Strategies[0];
        var chosen = report.Strategies.FirstOrDefault(s => s.StrategyId.StartsWith(Portal.Domain.Strategies.StrategyId.AgentPrefix, StringComparison.Ordinal))
            ?? report.Strategies[0];
        return new ReportHeadline(best, chosen, report.IndependentUnits, report.UnitKind);
    }

    /// <summary>True when the best strategy's paired difference to TWAP is significant at 95% (its interval excludes zero).</summary>
    public bool BestBeatsTwapSignificantly => Best.VsTwapCiHighBps is < 0;
}
