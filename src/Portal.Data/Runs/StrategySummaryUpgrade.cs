using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;

namespace Portal.Data.Runs;

/// <summary>
/// Fills <see cref="RunStrategyResult.Summary"/> on strategies stored before the summary was one JSON column, from the
/// columns they were stored in then (kept, nullable and no longer written: <see cref="PortalDbContext.LegacySummaryColumns"/>).
/// Every value is copied as it was stored, so an old run reads back exactly as before.
/// </summary>
/// <remarks>Idempotent and cheap once done: only rows whose summary is null are read, and an upgraded row has one. Only
/// the summary column is written.</remarks>
public static class StrategySummaryUpgrade
{
    /// <summary>Upgrades every strategy row without a summary; returns how many were filled.</summary>
    public static async Task<int> UpgradeAsync(IDbContextFactory<PortalDbContext> factory, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var filled = 0;
        while (true)
        {
            await using var db = await factory.CreateDbContextAsync(ct);
            var rows = await db.RunStrategyResults.Where(s => s.Summary == null).OrderBy(s => s.RunId).ThenBy(s => s.Index).Take(500)
                .ToListAsync(ct);
            if (rows.Count == 0)
            {
                return filled;
            }
            foreach (var row in rows)
            {
                var entry = db.Entry(row);
                double? D(string name) => (double?)entry.Property(name).CurrentValue;
                double[] A(string name) => (double[]?)entry.Property(name).CurrentValue ?? [];
                row.Summary = new RunStrategySummary
                {
                    P5Bps = D("P5Bps") ?? 0,
                    P50Bps = D("P50Bps") ?? 0,
                    P95Bps = D("P95Bps") ?? 0,
                    Cvar95Bps = D("Cvar95Bps") ?? 0,
                    CostSharpe = D("CostSharpe"),
                    Completion = D("Completion") ?? 0,
                    MeanShortfallCurrency = D("MeanShortfallCurrency") ?? 0,
                    VsTwapMeanBps = D("VsTwapMeanBps"),
                    VsTwapCiLowBps = D("VsTwapCiLowBps"),
                    VsTwapCiHighBps = D("VsTwapCiHighBps"),
                    RegretBps = D("RegretBps"),
                    VsBestStaticMeanBps = D("VsBestStaticMeanBps"),
                    VsBestStaticCiLowBps = D("VsBestStaticCiLowBps"),
                    VsBestStaticCiHighBps = D("VsBestStaticCiHighBps"),
                    VsBestStaticObjectiveBps = D("VsBestStaticObjectiveBps"),
                    VsBestStaticObjectiveCiLowBps = D("VsBestStaticObjectiveCiLowBps"),
                    VsBestStaticObjectiveCiHighBps = D("VsBestStaticObjectiveCiHighBps"),
                    MeanInventory = A("MeanInventory"),
                    InventoryP5 = A("InventoryP5"),
                    InventoryP95 = A("InventoryP95"),
                    MeanParticipation = A("MeanParticipation"),
                    ForcedFraction = D("ForcedFraction") ?? 0,
                    UnfilledFraction = D("UnfilledFraction") ?? 0,
                    CapBreaches = (long?)entry.Property("CapBreaches").CurrentValue ?? 0,
                    MaxParticipation = D("MaxParticipation") ?? 0,
                    OpportunityCostBps = D("OpportunityCostBps") ?? 0,
                };
            }
            await db.SaveChangesAsync(ct);
            filled += rows.Count;
        }
    }
}
