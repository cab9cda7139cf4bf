using Portal.Domain.Simulation;

namespace Portal.Domain.QualityDiversity;

/// <summary>An archive's elites, its generalist and its regime router as strategies, with stable ids.</summary>
/// <remarks>Ids: <c>elite:{archiveId}:{niche}</c> for the elite of niche <c>niche</c> (0-based, volatility bin ×
/// liquidity bins + liquidity bin), <c>elite:{archiveId}:generalist</c> and <c>router:{archiveId}</c>. They contain ':', so a
/// scenario names them as external strategies supplied to the runner, as it names trained agents.</remarks>
public static class EliteStrategies
{
    /// <summary>Prefix of elite ids.</summary>
    public const string ElitePrefix = "elite:";

    /// <summary>Prefix of router ids.</summary>
    public const string RouterPrefix = "router:";

    /// <summary>The id of niche <paramref name="niche"/>'s elite.</summary>
    public static string EliteId(string archiveId, int niche) => $"{ElitePrefix}{archiveId}:{niche}";

    /// <summary>The strategies of an archive report.</summary>
    /// <exception cref="ArgumentException">The archive id is empty or contains ':' or whitespace, or the report holds no generalist.</exception>
    public static IReadOnlyList<IExecutionStrategy> FromReport(MapElitesReport report, string archiveId)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (string.IsNullOrWhiteSpace(archiveId) || archiveId.Contains(':', StringComparison.Ordinal) || archiveId.Any(char.IsWhiteSpace))
            throw new ArgumentException($"Archive id '{archiveId}' must be non-empty without ':' or spaces.", nameof(archiveId));
        if (report.Generalist.Count != LinearPolicy.ParameterCount)
            throw new ArgumentException("The archive report holds no generalist.", nameof(report));
        var grid = report.Grid ?? new NicheGrid { VolatilityBins = report.VolatilityBins, LiquidityBins = report.LiquidityBins };
        grid.EnsureValid();
        var list = new List<IExecutionStrategy>();
        var specialists = new double[]?[grid.Count];
        foreach (var n in report.Niches.Where(n => n.Parameters.Count == LinearPolicy.ParameterCount))
        {
            specialists[n.Niche] = [.. n.Parameters];
            list.Add(new LinearPolicyStrategy(EliteId(archiveId, n.Niche), $"Elite {n.Label}", n.Parameters));
        }

        list.Add(new LinearPolicyStrategy($"{ElitePrefix}{archiveId}:generalist", "Generalist", report.Generalist));
        list.Add(new RegimeRouter($"{RouterPrefix}{archiveId}", grid, specialists, [.. report.Generalist]));
        return list;
    }
}
