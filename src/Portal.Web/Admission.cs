using System.Threading.RateLimiting;

namespace Portal.Web;

/// <summary>Bound from the <c>Admission</c> configuration section: how many reads the portal works on at once, and how many
/// may wait for their turn.</summary>
public sealed class AdmissionOptions
{
    public const string Section = "Admission";

    /// <summary>Reads (GET and HEAD of pages and of the API) the portal works on at once; 0, the default, is eight per
    /// processor. A read waits for a database answer about as long as it computes, so the processors stay busy well
    /// below the default; far above it, requests in flight share the processors and PostgreSQL's backends among
    /// themselves and the slowest wait longest.</summary>
    public int MaxConcurrentReads { get; set; }

    /// <summary>Reads that may wait for their turn, served oldest first (default 2,000); a read beyond them is answered
    /// 503 at once, so a flood costs bounded memory.</summary>
    public int QueueLimit { get; set; } = 2_000;

    /// <summary>The number of reads worked on at once that <see cref="MaxConcurrentReads"/> stands for.</summary>
    public int Permits => MaxConcurrentReads > 0 ? MaxConcurrentReads : 8 * Environment.ProcessorCount;

    public void Check()
    {
        if (MaxConcurrentReads < 0) throw new ArgumentOutOfRangeException(nameof(MaxConcurrentReads), MaxConcurrentReads, "Admission:MaxConcurrentReads must be 0 (eight per processor) or more.");
        if (QueueLimit < 0) throw new ArgumentOutOfRangeException(nameof(QueueLimit), QueueLimit, "Admission:QueueLimit must be 0 or more.");
    }
}

/// <summary>
/// Admission of reads: at most <see cref="AdmissionOptions.Permits"/> GET and HEAD requests are worked on at once, and
/// the rest wait in one queue, oldest first. Under a crowd of clients each read then waits its turn instead of sharing
/// the processors with every other read in flight, so the slowest answer stays close to the typical one.
/// </summary>
/// <remarks>
/// Not admitted, so never queued: writes (they are few, and an upload may stream for minutes), the interactive pages'
/// connections (<c>/_blazor</c>, WebSockets), the framework's and the packages' static files, and the health check (a
/// probe must see the process, not the queue). A download (a response with <c>Content-Disposition</c>: a report, a CSV, a
/// dataset) gives its permit back when its response starts, so a client that reads slowly never holds one.
/// </remarks>
public static class Admission
{
    public static void AddPortalAdmission(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(AdmissionOptions.Section).Get<AdmissionOptions>() ?? new AdmissionOptions();
        options.Check();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<ReadAdmission>();
    }

    /// <summary>Admits reads through the registered <see cref="ReadAdmission"/> (see <see cref="Admission"/>).</summary>
    public static void UsePortalAdmission(this IApplicationBuilder app) =>
        app.UsePortalAdmission(app.ApplicationServices.GetRequiredService<ReadAdmission>());

    /// <summary>Admits reads through <paramref name="admission"/> (see <see cref="Admission"/>).</summary>
    public static void UsePortalAdmission(this IApplicationBuilder app, ReadAdmission admission)
    {
        ArgumentNullException.ThrowIfNull(admission);
        var options = admission.Options;
        var limiter = admission.Limiter;
        app.Use(async (ctx, next) =>
        {
            if (!Admitted(ctx))
            {
                await next(ctx);
                return;
            }
            RateLimitLease lease;
            try
            {
                lease = await limiter.AcquireAsync(1, ctx.RequestAborted);
            }
            catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
            {
                return; // The client left while waiting: nothing to answer, no permit taken.
            }
            using var permit = new Permit(lease);
            if (!lease.IsAcquired)
            {
                ctx.Response.Headers.RetryAfter = "1";
                await Results.Problem(
                    $"The portal is already answering {options.Permits} reads with {options.QueueLimit} waiting (Admission:MaxConcurrentReads, Admission:QueueLimit); try again in a second.",
                    statusCode: StatusCodes.Status503ServiceUnavailable, title: "Busy").ExecuteAsync(ctx);
                return;
            }
            ctx.Response.OnStarting(static state =>
            {
                var (response, permit) = ((HttpResponse, Permit))state;
                if (response.Headers.ContentDisposition.Count > 0)
                {
                    permit.Dispose();
                }
                return Task.CompletedTask;
            }, (ctx.Response, permit));
            await next(ctx);
        });
    }

    private static bool Admitted(HttpContext ctx)
    {
        var request = ctx.Request;
        if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) || ctx.WebSockets.IsWebSocketRequest)
        {
            return false;
        }
        var path = request.Path;
        return !(path.StartsWithSegments("/_blazor") || path.StartsWithSegments("/_framework") || path.StartsWithSegments("/_content")
            || path.StartsWithSegments(PortalHealth.Path));
    }

    /// <summary>A lease given back once, by whichever of the download's start and the request's end comes first.</summary>
    private sealed class Permit(RateLimitLease lease) : IDisposable
    {
        private int _returned;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _returned, 1) == 0)
            {
                lease.Dispose();
            }
        }
    }
}

/// <summary>The queue of reads: one per process, oldest first.</summary>
public sealed class ReadAdmission : IDisposable
{
    public ReadAdmission(AdmissionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Check();
        Options = options;
        Limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.Permits,
            QueueLimit = options.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public AdmissionOptions Options { get; }

    internal ConcurrencyLimiter Limiter { get; }

    /// <summary>Reads waiting for their turn now.</summary>
    public long Waiting => Limiter.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <summary>Reads being worked on now.</summary>
    public long InProgress => Options.Permits - (Limiter.GetStatistics()?.CurrentAvailablePermits ?? Options.Permits);

    public void Dispose() => Limiter.Dispose();
}
