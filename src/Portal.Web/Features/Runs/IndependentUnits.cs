using Portal.Domain.Backtesting;

namespace Portal.Web.Features.Runs;

/// <summary>How pages and reports state what an interval rests on, and when it does not support a ranking.</summary>
public static class IndependentUnits
{
    /// <summary>Below this many independent units a ranking is not supported (<see cref="UnitKinds.RankingThreshold"/>).</summary>
    public const int Threshold = UnitKinds.RankingThreshold;

    /// <summary>The cost Sharpe ratio's definition, for tooltips, the PDF and the docs.</summary>
    public const string SharpeFormula =
        "Cost Sharpe = −mean / std of the shortfall (the minus sign makes a cheaper strategy score higher, as a return's Sharpe ratio would); " +
        "— when undefined: std at most 1e-9 × |mean| (a cost without spread) or fewer than 2 independent units.";

    /// <summary>Shown for an undefined statistic.</summary>
    public const string Undefined = "—";

    /// <summary>e.g. "3 independent windows" or "10,000 independent episodes"; "independent units not recorded" for old runs.</summary>
    public static string Describe(int units, string? kind) => string.IsNullOrEmpty(kind)
        ? "independent units not recorded"
        : $"{units.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} independent {kind}{(units == 1 ? "" : "s")}";

    /// <summary>True when the count is below <see cref="Threshold"/> (or unknown).</summary>
    public static bool TooFewToRank(int units) => units < Threshold;

    /// <summary>The warning shown beside intervals resting on too few units; the intervals themselves stay.</summary>
    public static string Warning(int units, string? kind) =>
        $"Only {Describe(units, kind)} (fewer than {Threshold}): the intervals are shown, but they do not support a ranking.";

    /// <summary>Cost Sharpe with two decimals, <see cref="Undefined"/> when undefined, or n/a when it could not be computed.</summary>
    public static string Sharpe(double? value) => value switch
    {
        null => Undefined,
        { } v when double.IsFinite(v) => v.ToString("F2", System.Globalization.CultureInfo.InvariantCulture),
        _ => "n/a",
    };

    /// <summary>A run's units: the smallest count over its strategies (they share the run's paths, so they agree) and its kind.</summary>
    public static (int Units, string Kind) Of(IEnumerable<Portal.Data.Entities.RunStrategyResult> strategies)
    {
        var list = strategies.ToList();
        return list.Count == 0 ? (0, "") : (list.Min(s => s.IndependentUnits), list.Select(s => s.UnitKind).FirstOrDefault(k => k != "") ?? "");
    }
}
