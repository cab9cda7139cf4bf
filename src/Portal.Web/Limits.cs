namespace Portal.Web;

/// <summary>
/// Bound from the <c>Limits</c> configuration section: what one request or one team may ask of the portal, so that no
/// upload or run can take the service down. Each limit answers 400 or 413 naming its key.
/// </summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>
    /// Largest decompressed size of one uploaded file (default 128 MiB); checked while the file streams in. The parsed
    /// rows of an accepted file are held in memory while they are checked: a 256 MiB bomb of valid rows took the test
    /// process to 946 MB, so the default leaves room under 1 GB.
    /// </summary>
    public long MaxDecompressedBytes { get; set; } = 128L << 20;

    /// <summary>Longest line of an uploaded file (default 64 KiB); checked while the file streams in, before parsing.</summary>
    public int MaxLineBytes { get; set; } = 64 << 10;

    /// <summary>Total stored size of one team's datasets (default 2 GiB).</summary>
    public long MaxTeamStorageBytes { get; set; } = 2L << 30;

    /// <summary>Largest run: episodes × decision steps × strategies compared (default 10¹⁰ strategy-steps).</summary>
    public long MaxRunStrategySteps { get; set; } = 10_000_000_000;

    /// <summary>Queued and running runs one team may have at once (default 8).</summary>
    public int MaxActiveRunsPerTeam { get; set; } = 8;

    /// <summary>Studies with queued or running cells one team may have at once (default 2). A study's cells (at most 400)
    /// do not count against <see cref="MaxActiveRunsPerTeam"/>, which they would fill at once.</summary>
    public int MaxActiveStudiesPerTeam { get; set; } = 2;

    /// <summary>Longest dataset name in characters (default 100, at most 200: the stored column). Team and token names hold 100, scenario names 200.</summary>
    public int MaxNameLength { get; set; } = 100;

    /// <summary>Longest uploaded file name in characters and UTF-8 bytes (default and most 255).</summary>
    public int MaxFileNameLength { get; set; } = 255;

    public void Check()
    {
        if (MaxDecompressedBytes < 1) throw new ArgumentOutOfRangeException(nameof(MaxDecompressedBytes), MaxDecompressedBytes, "Limits:MaxDecompressedBytes must be at least 1.");
        if (MaxLineBytes is < 256 or > 1 << 26) throw new ArgumentOutOfRangeException(nameof(MaxLineBytes), MaxLineBytes, "Limits:MaxLineBytes must be in [256, 64 MiB].");
        if (MaxTeamStorageBytes < 0) throw new ArgumentOutOfRangeException(nameof(MaxTeamStorageBytes), MaxTeamStorageBytes, "Limits:MaxTeamStorageBytes must be 0 or more.");
        if (MaxRunStrategySteps < 1) throw new ArgumentOutOfRangeException(nameof(MaxRunStrategySteps), MaxRunStrategySteps, "Limits:MaxRunStrategySteps must be at least 1.");
        if (MaxActiveRunsPerTeam < 1) throw new ArgumentOutOfRangeException(nameof(MaxActiveRunsPerTeam), MaxActiveRunsPerTeam, "Limits:MaxActiveRunsPerTeam must be at least 1.");
        if (MaxActiveStudiesPerTeam < 1) throw new ArgumentOutOfRangeException(nameof(MaxActiveStudiesPerTeam), MaxActiveStudiesPerTeam, "Limits:MaxActiveStudiesPerTeam must be at least 1.");
        if (MaxNameLength is < 1 or > 200) throw new ArgumentOutOfRangeException(nameof(MaxNameLength), MaxNameLength, "Limits:MaxNameLength must be in [1, 200] (the database column holds 200).");
        if (MaxFileNameLength is < 1 or > 255) throw new ArgumentOutOfRangeException(nameof(MaxFileNameLength), MaxFileNameLength, "Limits:MaxFileNameLength must be in [1, 255].");
    }
}

/// <summary>
/// Rejects control characters (NUL included) in query strings and in the account forms before any handler sees them:
/// PostgreSQL refuses NUL in text, and no filter or name needs them.
/// </summary>
public static class InputRules
{
    public static void UsePortalInputRules(this WebApplication app)
    {
        app.Use(async (ctx, next) =>
        {
            foreach (var (key, values) in ctx.Request.Query)
            {
                if (TextRules.HasControlCharacter(key) || values.Any(v => v is not null && TextRules.HasControlCharacter(v)))
                {
                    await RejectAsync(ctx, $"Query parameter '{Printable(key)}' holds a control character; filters and names are plain text.");
                    return;
                }
            }
            if (ctx.Request.Path.StartsWithSegments("/account") && HttpMethods.IsPost(ctx.Request.Method)
                && ctx.Request.HasFormContentType && !ctx.Request.ContentType!.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
            {
                IFormCollection form;
                try
                {
                    form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
                }
                catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
                {
                    await RejectAsync(ctx, "The form could not be read.");
                    return;
                }
                foreach (var (key, values) in form)
                {
                    if (key != "password" && (TextRules.HasControlCharacter(key) || values.Any(v => v is not null && TextRules.HasControlCharacter(v))))
                    {
                        await RejectAsync(ctx, $"Form field '{Printable(key)}' holds a control character.");
                        return;
                    }
                }
            }
            await next(ctx);
        });
    }

    private static string Printable(string s) => new([.. s.Take(40).Select(c => char.IsControl(c) ? '?' : c)]);

    private static Task RejectAsync(HttpContext ctx, string message) =>
        Results.Problem(message, statusCode: StatusCodes.Status400BadRequest, title: "Control characters are not allowed").ExecuteAsync(ctx);
}

public static class LimitsExtensions
{
    public static void AddPortalLimits(this IHostApplicationBuilder builder)
    {
        var limits = builder.Configuration.GetSection(LimitsOptions.Section).Get<LimitsOptions>() ?? new LimitsOptions();
        limits.Check();
        builder.Services.AddSingleton(limits);
    }
}
