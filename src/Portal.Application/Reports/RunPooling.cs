using Portal.Domain.Backtesting;

namespace Portal.Application.Reports;

/// <summary>
/// Pooling of stored run summaries of one strategy (runs i of nᵢ episodes, mean mᵢ, standard deviation sᵢ and 95%
/// interval half-width hᵢ), as the leaderboards and the regime breakdown of a report pool them.
/// </summary>
/// <remarks>
/// From the sufficient statistics N = Σnᵢ, S = Σnᵢmᵢ, Q = Σ[(nᵢ−1)sᵢ² + nᵢmᵢ²] (exactly Σx² over every pooled episode,
/// since each run stores its sample standard deviation) and W = Σ(nᵢhᵢ)²: the pooled mean x̄ = S/N, the pooled sample
/// variance s² = (Q − N·x̄²)/(N−1), and the 95% half-width max(1.96·s/√N, √W/N). The second term carries each run's own
/// interval (window-based on replays), so pooling never narrows a replay interval below what its windows support. Episodes
/// of different runs are independent (each run draws fresh seeds), so pooling them is sound. The leaderboards compute
/// the same four sums in SQL (GROUP BY) and pass them to <see cref="Estimate"/>.
/// </remarks>
public static class RunPooling
{
    /// <summary>The four sums of the runs in <paramref name="runs"/>.</summary>
    public static (long Episodes, double Sum, double SumSquares, double SumWeightedHalf) Sums(
        IEnumerable<(int Episodes, double MeanBps, double StdBps, double CiLowBps, double CiHighBps)> runs)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var (n, sum, squares, weightedHalf) = (0L, 0.0, 0.0, 0.0);
        foreach (var r in runs)
        {
            n += r.Episodes;
            sum += r.MeanBps * r.Episodes;
            squares += (r.Episodes - 1) * r.StdBps * r.StdBps + r.Episodes * r.MeanBps * r.MeanBps;
            weightedHalf += (double)r.Episodes * r.Episodes * (r.CiHighBps - r.CiLowBps) * (r.CiHighBps - r.CiLowBps) / 4;
        }
        return (n, sum, squares, weightedHalf);
    }

    /// <summary>The pooled mean, sample standard deviation (0 below two episodes) and 95% half-width from the four sums.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="episodes"/> is below 1.</exception>
    public static (double Mean, double Std, double Half) Estimate(long episodes, double sum, double sumSquares, double sumWeightedHalf)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(episodes, 1L);
        var n = (double)episodes;
        var mean = sum / n;
        var std = episodes > 1 ? Math.Sqrt(Math.Max(0, (sumSquares - n * mean * mean) / (n - 1))) : 0;
        var half = Math.Max(Statistics.Z95 * std / Math.Sqrt(n), Math.Sqrt(sumWeightedHalf) / n);
        return (mean, std, half);
    }
}
