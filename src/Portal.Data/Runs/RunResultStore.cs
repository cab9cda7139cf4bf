using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Portal.Data.Entities;
using Portal.Domain.Backtesting;

namespace Portal.Data.Runs;

/// <summary>
/// Writes a finished backtest in one transaction: summaries, every episode, and the run's final status. The primary keys
/// (run, strategy, episode) make a second copy impossible, so two workers finishing the same run leave one set of results.
/// </summary>
public sealed class RunResultStore(IDbContextFactory<PortalDbContext> dbFactory, ILogger<RunResultStore> logger)
{
    public async Task SaveAsync(Guid runId, BacktestResult result, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var strategy = db.Database.CreateExecutionStrategy();
        try
        {
            await strategy.ExecuteAsync(async () =>
            {
                db.ChangeTracker.Clear();
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                var run = await db.Runs.SingleAsync(r => r.Id == runId, ct);
                if (run.Status == RunStatus.Succeeded)
                {
                    logger.LogInformation("Run {RunId} already has its results; this copy is dropped", runId);
                    return;
                }

                await db.RunEpisodeResults.Where(e => e.RunId == runId).ExecuteDeleteAsync(ct);
                await db.RunStrategyResults.Where(e => e.RunId == runId).ExecuteDeleteAsync(ct);

                for (var i = 0; i < result.Strategies.Count; i++)
                {
                    db.RunStrategyResults.Add(ToEntity(runId, i, result.Strategies[i]));
                }
                run.Status = RunStatus.Succeeded;
                run.Progress = 1;
                run.FinishedUtc = DateTime.UtcNow;
                run.FailureReason = null;
                run.OptimumName = result.OptimumName;
                run.OptimumExpectedCostBps = result.OptimumExpectedCostBps;
                run.Warnings = [.. result.Warnings];
                await db.SaveChangesAsync(ct);

                await WriteEpisodesAsync(db, tx, runId, result, ct);
                await tx.CommitAsync(ct);
            });
        }
        catch (Exception e) when (e is DbException or DbUpdateException)
        {
            if (!await IsAlreadySucceededAsync(runId, ct))
            {
                throw;
            }
            logger.LogInformation(e, "Another worker stored run {RunId} first; this copy is dropped", runId);
        }
    }

    private async Task<bool> IsAlreadySucceededAsync(Guid runId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Runs.AnyAsync(r => r.Id == runId && r.Status == RunStatus.Succeeded, ct);
    }

    private static RunStrategyResult ToEntity(Guid runId, int index, StrategyResult s) => new()
    {
        RunId = runId,
        Index = index,
        StrategyId = s.StrategyId,
        DisplayName = s.DisplayName,
        Episodes = s.Summary.Episodes,
        MeanBps = s.Summary.MeanBps,
        StdBps = s.Summary.StdBps,
        MeanCiLowBps = s.Summary.MeanCiLowBps,
        MeanCiHighBps = s.Summary.MeanCiHighBps,
        P5Bps = s.Summary.P5Bps,
        P50Bps = s.Summary.P50Bps,
        P95Bps = s.Summary.P95Bps,
        Cvar95Bps = s.Summary.Cvar95Bps,
        CostSharpe = s.Summary.CostSharpe,
        Completion = s.Summary.Completion,
        MeanShortfallCurrency = s.Summary.MeanShortfallCurrency,
        VsTwapMeanBps = s.Summary.VsTwap?.MeanBps,
        VsTwapCiLowBps = s.Summary.VsTwap?.CiLowBps,
        VsTwapCiHighBps = s.Summary.VsTwap?.CiHighBps,
        RegretBps = s.Summary.RegretBps,
        VsBestStaticMeanBps = s.Summary.VsBestStatic?.MeanBps,
        VsBestStaticCiLowBps = s.Summary.VsBestStatic?.CiLowBps,
        VsBestStaticCiHighBps = s.Summary.VsBestStatic?.CiHighBps,
        VsBestStaticObjectiveBps = s.Summary.VsBestStaticObjective?.MeanBps,
        VsBestStaticObjectiveCiLowBps = s.Summary.VsBestStaticObjective?.CiLowBps,
        VsBestStaticObjectiveCiHighBps = s.Summary.VsBestStaticObjective?.CiHighBps,
        IndependentUnits = s.Summary.IndependentUnits,
        UnitKind = s.Summary.UnitKind,
        MeanInventory = s.MeanInventoryFraction,
        InventoryP5 = s.InventoryP5Fraction,
        InventoryP95 = s.InventoryP95Fraction,
        MeanParticipation = s.MeanParticipation,
        ForcedFraction = s.MeanForcedFraction,
        UnfilledFraction = s.MeanUnfilledFraction,
        CapBreaches = s.CapBreaches,
        MaxParticipation = s.MaxParticipation,
        OpportunityCostBps = s.MeanOpportunityCostBps,
    };

    private static async Task WriteEpisodesAsync(PortalDbContext db, IDbContextTransaction tx, Guid runId, BacktestResult result, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        if (connection is NpgsqlConnection npgsql)
        {
            await CopyEpisodesAsync(npgsql, runId, result, ct);
            return;
        }

        // SQLite: one prepared statement reused for every row inside the transaction.
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx.GetDbTransaction();
        cmd.CommandText =
            """
            INSERT INTO "RunEpisodeResults" ("RunId","StrategyIndex","Episode","ShortfallBps","ShortfallCurrency","ArrivalSlippageBps",
              "VwapSlippageBps","SpreadAndFeesBps","TemporaryImpactBps","PermanentImpactBps","TimingBps","ForcedQuantity","MaxParticipation")
            VALUES ($run,$s,$e,$p0,$p1,$p2,$p3,$p4,$p5,$p6,$p7,$p8,$p9)
            """;
        var run = Add(cmd, "$run");
        var s = Add(cmd, "$s");
        var e = Add(cmd, "$e");
        var p = Enumerable.Range(0, 10).Select(i => Add(cmd, "$p" + i)).ToArray();
        await cmd.PrepareAsync(ct);
        run.Value = runId.ToString().ToUpperInvariant();
        for (var i = 0; i < result.Strategies.Count; i++)
        {
            s.Value = i;
            foreach (var ep in result.Strategies[i].Episodes)
            {
                e.Value = ep.Episode;
                var values = Values(ep);
                for (var k = 0; k < values.Length; k++)
                {
                    p[k].Value = values[k];
                }
                await cmd.ExecuteNonQueryAsync(ct);
            }
        }
    }

    private static async Task CopyEpisodesAsync(NpgsqlConnection connection, Guid runId, BacktestResult result, CancellationToken ct)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            """
            COPY "RunEpisodeResults" ("RunId","StrategyIndex","Episode","ShortfallBps","ShortfallCurrency","ArrivalSlippageBps",
              "VwapSlippageBps","SpreadAndFeesBps","TemporaryImpactBps","PermanentImpactBps","TimingBps","ForcedQuantity","MaxParticipation")
            FROM STDIN (FORMAT BINARY)
            """, ct);
        for (var i = 0; i < result.Strategies.Count; i++)
        {
            foreach (var ep in result.Strategies[i].Episodes)
            {
                await importer.StartRowAsync(ct);
                await importer.WriteAsync(runId, NpgsqlDbType.Uuid, ct);
                await importer.WriteAsync(i, NpgsqlDbType.Integer, ct);
                await importer.WriteAsync(ep.Episode, NpgsqlDbType.Integer, ct);
                foreach (var v in Values(ep))
                {
                    await importer.WriteAsync(v, NpgsqlDbType.Double, ct);
                }
            }
        }
        await importer.CompleteAsync(ct);
    }

    private static double[] Values(EpisodeResult ep) =>
    [
        ep.ShortfallBps, ep.ShortfallCurrency, ep.ArrivalSlippageBps, ep.VwapSlippageBps, ep.SpreadAndFeesBps,
        ep.TemporaryImpactBps, ep.PermanentImpactBps, ep.TimingBps, ep.ForcedQuantity, ep.MaxParticipation,
    ];

    private static DbParameter Add(DbCommand cmd, string name)
    {
        var parameter = cmd.CreateParameter();
        parameter.ParameterName = name;
        cmd.Parameters.Add(parameter);
        return parameter;
    }
}
