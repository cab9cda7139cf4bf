using Portal.Application.Datasets;
using Portal.Data.Datasets;
using Portal.Domain.MarketData;

namespace Portal.Web.Features.Datasets;

/// <summary>Bound from the <c>Datasets</c> configuration section.</summary>
public sealed class DatasetOptions
{
    public const string Section = "Datasets";

    /// <summary>Largest upload accepted, all files together (default 1 GB).</summary>
    public long MaxUploadBytes { get; set; } = 1L << 30;
}

/// <summary>
/// One uploaded file: its name (extension and LOBSTER naming matter) and how to open its content. Files are opened one
/// at a time: a browser upload streams over the circuit, and a second open stream would stall the first.
/// </summary>
public sealed record UploadedFile(string FileName, Func<Stream> Open);

/// <summary>
/// Imports uploads for the caller's team (pages and API): spools the streams to a private temp folder, parses and
/// validates them, stores the binary form, and removes the temp files whatever happens. Everything after the upload
/// (listing, calibrating, scenarios) is <see cref="DatasetService"/>.
/// </summary>
public sealed class DatasetImportService(DatasetStore store, DatasetOptions options, LimitsOptions limits, DatasetService datasets)
{
    /// <summary>"auto" picks lobster for a message + orderbook pair, csv otherwise.</summary>
    public static readonly IReadOnlyList<string> Formats = ["auto", "lobster", "csv"];

    /// <exception cref="MarketDataValidationException">The data is rejected; nothing is stored.</exception>
    /// <exception cref="ArgumentException">Wrong number of files, unknown format, missing instrument, or too large.</exception>
    /// <exception cref="LimitExceededException">A name, file name, size or the team's storage quota is past its limit.</exception>
    public async Task<StoredDataset> ImportAsync(TeamAccess access, string? name, string format, string? instrument,
        IReadOnlyList<UploadedFile> files, IProgress<long>? bytesCopied = null, CancellationToken ct = default)
    {
        if (!access.CanRun)
        {
            throw new UnauthorizedAccessException("Viewers cannot upload data.");
        }
        if (files.Count == 0)
        {
            throw new ArgumentException("Choose one or two files (LOBSTER: message and orderbook; CSV: snapshots and/or trades).", nameof(files));
        }
        if (files.Count > 2)
        {
            throw new ArgumentException($"Choose one or two files, not {files.Count}.", nameof(files));
        }
        name = TextRules.CheckName("The dataset name", name, limits.MaxNameLength);
        instrument = TextRules.CheckName("The instrument", instrument, 32, "instrument symbols of at most 32 characters");
        foreach (var file in files)
        {
            TextRules.CheckFileName(file.FileName, limits.MaxFileNameLength);
        }
        var used = await datasets.StoredBytesAsync(access, ct);
        if (used >= limits.MaxTeamStorageBytes)
        {
            throw new LimitExceededException("Limits:MaxTeamStorageBytes",
                $"The team's datasets already take {used:N0} bytes of its {limits.MaxTeamStorageBytes:N0}; delete some before uploading more", StatusCodes.Status413PayloadTooLarge);
        }
        var folder = Directory.CreateTempSubdirectory("el-upload-");
        try
        {
            var paths = new List<string>();
            long total = 0;
            foreach (var file in files)
            {
                var safeName = file.FileName;
                if (paths.Any(p => Path.GetFileName(p) == safeName))
                {
                    throw new ArgumentException($"File name '{file.FileName}' is given twice.", nameof(files));
                }
                var path = Path.Combine(folder.FullName, safeName);
                await using (var source = file.Open())
                await using (var target = File.Create(path))
                {
                    var buffer = new byte[1 << 16];
                    int read;
                    while ((read = await source.ReadAsync(buffer, ct)) > 0)
                    {
                        total += read;
                        if (total > options.MaxUploadBytes)
                        {
                            throw new LimitExceededException("Datasets:MaxUploadBytes", $"The upload is larger than the limit of {options.MaxUploadBytes:N0} bytes", StatusCodes.Status413PayloadTooLarge);
                        }
                        if (used + total > limits.MaxTeamStorageBytes)
                        {
                            throw new LimitExceededException("Limits:MaxTeamStorageBytes",
                                $"The upload would take the team's datasets past {limits.MaxTeamStorageBytes:N0} bytes", StatusCodes.Status413PayloadTooLarge);
                        }
                        await target.WriteAsync(buffer.AsMemory(0, read), ct);
                        bytesCopied?.Report(total);
                    }
                }
                paths.Add(path);
            }
            var resolved = ResolveFormat(format, paths);
            var validation = new ValidationOptions { MaxDecompressedBytes = limits.MaxDecompressedBytes, MaxLineBytes = limits.MaxLineBytes };
            var data = await Task.Run(() => MarketDataImporter.ImportFiles(resolved, paths, instrument.Length == 0 ? null : instrument, validation), ct);
            return await store.SaveAsync(access.TeamId, name, data, access.UserName, ct);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static string ResolveFormat(string format, IReadOnlyList<string> paths)
    {
        var f = (format ?? "auto").Trim().ToLowerInvariant();
        if (f != "auto")
        {
            return f;
        }
        var names = paths.Select(Path.GetFileName).ToList();
        return paths.Count == 2
               && names.Any(n => n!.Contains("_message_", StringComparison.OrdinalIgnoreCase))
               && names.Any(n => n!.Contains("_orderbook_", StringComparison.OrdinalIgnoreCase))
            ? "lobster"
            : "csv";
    }
}
