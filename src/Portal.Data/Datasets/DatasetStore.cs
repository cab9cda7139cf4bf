using Microsoft.EntityFrameworkCore;
using Portal.Data.Entities;
using Portal.Domain.MarketData;

namespace Portal.Data.Datasets;

/// <summary>The outcome of storing a dataset: the stored row, and whether the team already had identical content.</summary>
public sealed record StoredDataset(Dataset Dataset, bool AlreadyStored);

/// <summary>
/// Stores parsed market data in the database in its binary form (chunked, one transaction) and reads it back for any
/// worker. A failed store leaves nothing behind; identical content for the same team is recognised by its hash.
/// </summary>
public sealed class DatasetStore(IDbContextFactory<PortalDbContext> dbFactory)
{
    /// <summary>Chunk size: keeps every row well under the providers' blob limits and lets reads stream.</summary>
    public const int ChunkBytes = 4 << 20;

    public async Task<StoredDataset> SaveAsync(Guid teamId, string name, MarketDataset data, string createdBy, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var existing = await db.Datasets.AsNoTracking().SingleOrDefaultAsync(d => d.TeamId == teamId && d.ContentHash == data.ContentHash, ct);
        if (existing is not null)
        {
            return new StoredDataset(existing, true);
        }

        var bytes = DatasetWriter.ToBytes(data);
        var summary = data.Summary;
        var dataset = new Dataset
        {
            TeamId = teamId,
            Name = string.IsNullOrWhiteSpace(name) ? $"{summary.Instrument} {summary.Date:yyyy-MM-dd}" : name.Trim(),
            Format = summary.Format,
            Instrument = summary.Instrument,
            TradingDate = summary.Date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            StartTimeNs = summary.StartTimeNs,
            EndTimeNs = summary.EndTimeNs,
            Levels = data.Book.Levels,
            BookRows = data.Book.Count,
            TradeRows = data.Trades.Count,
            ContentHash = data.ContentHash,
            SizeBytes = bytes.Length,
            SourceFiles = string.Join(", ", data.SourceFiles),
            CreatedBy = createdBy,
        };
        var strategy = db.Database.CreateExecutionStrategy();
        try
        {
            await strategy.ExecuteAsync(async () =>
            {
                db.ChangeTracker.Clear();
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                db.Datasets.Add(dataset);
                await db.SaveChangesAsync(ct);
                for (int offset = 0, index = 0; offset < bytes.Length || index == 0; offset += ChunkBytes, index++)
                {
                    var length = Math.Min(ChunkBytes, bytes.Length - offset);
                    db.DatasetChunks.Add(new DatasetChunk { DatasetId = dataset.Id, Index = index, Data = bytes.AsSpan(offset, length).ToArray() });
                    await db.SaveChangesAsync(ct);
                    db.ChangeTracker.Clear();
                }
                await tx.CommitAsync(ct);
            });
        }
        catch (DbUpdateException)
        {
            // Two identical uploads at once: the unique (team, hash) index let one through.
            await using var check = await dbFactory.CreateDbContextAsync(ct);
            var winner = await check.Datasets.AsNoTracking().SingleOrDefaultAsync(d => d.TeamId == teamId && d.ContentHash == data.ContentHash, ct);
            if (winner is null)
            {
                throw;
            }
            return new StoredDataset(winner, true);
        }
        return new StoredDataset(dataset, false);
    }

    /// <summary>Reads a dataset of the team back into memory, or null when the team has no such dataset.</summary>
    public async Task<MarketDataset?> LoadAsync(Guid teamId, Guid datasetId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var dataset = await db.Datasets.AsNoTracking().SingleOrDefaultAsync(d => d.Id == datasetId && d.TeamId == teamId, ct);
        if (dataset is null)
        {
            return null;
        }
        using var buffer = new MemoryStream(checked((int)dataset.SizeBytes));
        var count = await db.DatasetChunks.CountAsync(c => c.DatasetId == datasetId, ct);
        for (var i = 0; i < count; i++)
        {
            var chunk = await db.DatasetChunks.AsNoTracking().Where(c => c.DatasetId == datasetId && c.Index == i).Select(c => c.Data).SingleAsync(ct);
            buffer.Write(chunk);
        }
        if (buffer.Length != dataset.SizeBytes)
        {
            throw new InvalidDataException($"Dataset {datasetId} is incomplete: {buffer.Length} of {dataset.SizeBytes} bytes stored.");
        }
        buffer.Position = 0;
        return DatasetReader.Read(buffer);
    }
}
