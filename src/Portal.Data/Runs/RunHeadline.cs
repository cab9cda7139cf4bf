using Portal.Data.Entities;
using Portal.Domain.Scenarios;

namespace Portal.Data.Runs;

/// <summary>
/// The columns the runs list filters and sorts on, copied into the run: the scenario's order parameters and dataset
/// when the run is submitted, the headline results (best strategy, its mean and regret, TWAP's mean) when it succeeds.
/// </summary>
public static class RunHeadline
{
    /// <summary>Copies the scenario parameters the runs list filters on into <paramref name="run"/>.</summary>
    public static void ApplyScenario(Run run, Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(scenario);
        run.Side = scenario.Order.Side == Side.Buy ? "buy" : "sell";
        run.SizePctAdv = scenario.Order.SizePctAdv;
        run.HorizonMinutes = scenario.Order.HorizonMinutes;
        run.DatasetId = scenario.Replay?.DatasetId;
    }

    /// <summary>Copies the headline results of <paramref name="strategies"/> into <paramref name="run"/>: the strategy with the
    /// lowest mean cost (first listed on a tie), its mean and regret, and TWAP's mean; all null when there are none.</summary>
    public static void ApplyResults(Run run, IEnumerable<RunStrategyResult> strategies)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(strategies);
        var list = strategies.OrderBy(s => s.Index).ToList();
        var best = list.Where(s => double.IsFinite(s.MeanBps)).MinBy(s => s.MeanBps);
        run.BestStrategyId = best?.StrategyId;
        run.BestStrategyName = best?.DisplayName;
        run.BestMeanBps = best?.MeanBps;
        run.BestRegretBps = best?.Summary.RegretBps;
        run.TwapMeanBps = list.FirstOrDefault(s => s.StrategyId == Portal.Domain.Strategies.StrategyId.Twap.Value)?.MeanBps;
    }
}
