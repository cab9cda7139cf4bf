using Portal.Agents.Environment;

namespace Portal.Agents.Training;

/// <summary>Curricula for <see cref="TrainRequest.Curriculum"/>: markets from easy to hard ending at the target.</summary>
public static class Curriculum
{
    /// <summary>
    /// <paramref name="stages"/> easier versions of <paramref name="target"/>, easiest first: stage j of n scales the order
    /// size and the volatility by j/(n+1) (small size and low volatility first); everything else is the target's.
    /// </summary>
    public static IReadOnlyList<MarketSource> EasyToHard(MarketSource target, int stages = 2)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfLessThan(stages, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stages, 10);
        var list = new List<MarketSource>(stages);
        for (int j = 1; j <= stages; j++)
        {
            double scale = (double)j / (stages + 1);
            list.Add(Scaled(target, scale));
        }

        return list;
    }

    /// <summary>The stage a reset should use after <paramref name="stepsDone"/> of <paramref name="totalSteps"/> decisions:
    /// the first <paramref name="share"/> of the budget is split evenly over the <paramref name="easyStages"/> easy stages,
    /// the rest runs on the target (index <paramref name="easyStages"/>).</summary>
    public static int StageAt(long stepsDone, long totalSteps, int easyStages, double share)
    {
        if (easyStages == 0 || totalSteps <= 0)
        {
            return easyStages;
        }

        double progress = (double)stepsDone / totalSteps;
        return progress >= share ? easyStages : Math.Min(easyStages - 1, (int)(progress / share * easyStages));
    }

    private static MarketSource Scaled(MarketSource target, double scale)
    {
        if (target.AlmgrenChriss is { } p)
        {
            return MarketSource.For(p with { Quantity = p.Quantity * scale, Sigma = p.Sigma * scale });
        }

        var s = target.Scenario!;
        if (target.IsReplay)
        {
            throw new ArgumentException("A replayed dataset has no easier version: give the curriculum's markets explicitly.", nameof(target));
        }

        var easier = s with
        {
            Order = s.Order with { SizePctAdv = s.Order.SizePctAdv * scale },
            Market = s.Market with { DailyVolatility = s.Market.DailyVolatility * scale },
        };
        return target.Niches is { } grid ? MarketSource.ForNiches(easier, grid, target.RiskAversion) : MarketSource.For(easier, target.RiskAversion);
    }
}
