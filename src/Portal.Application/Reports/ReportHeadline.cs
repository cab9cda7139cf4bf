namespace Portal.Application.Reports;

/// <summary>
/// The figures a desk reads first on a run: the cheapest strategy and what it saves against TWAP, the strategy under study
/// (the run's agent, or the first strategy besides TWAP) with the confidence interval of its mean cost, its regret against the
/// best static schedule on the run's objective, and how many independent units the intervals rest on. Derived from the
/// report alone, so the page and the PDF print the same numbers.
/// </summary>
/// <param name="Best">The strategy with the lowest mean shortfall.</param>
/// <param name="Chosen">The strategy under study: the first trained agent, else the run's first strategy besides TWAP (TWAP only when it is alone).</param>
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
        // Without an agent the first strategy besides TWAP: TWAP is the reference every difference is taken against.
        var chosen = report.Strategies.FirstOrDefault(s => Portal.Domain.Strategies.StrategyId.IsAgentId(s.StrategyId))
            ?? report.Strategies.FirstOrDefault(s => !Portal.Domain.Strategies.StrategyId.Twap.Is(s.StrategyId))
            ?? report.Strategies[0];
        return new ReportHeadline(best, chosen, report.IndependentUnits, report.UnitKind);
    }

    /// <summary>True when the strategy under study is a trained agent (else the run has none).</summary>
    public bool ChosenIsAgent => Portal.Domain.Strategies.StrategyId.IsAgentId(Chosen.StrategyId);

    /// <summary>True when the run lists TWAP alone: there is no strategy under study, only the reference.</summary>
    public bool ChosenIsReference => Portal.Domain.Strategies.StrategyId.Twap.Is(Chosen.StrategyId);

    /// <summary>True when the best strategy's paired difference to TWAP is significant at 95% (its interval excludes zero).</summary>
    public bool BestBeatsTwapSignificantly => Best.VsTwapCiHighBps is < 0;
}
