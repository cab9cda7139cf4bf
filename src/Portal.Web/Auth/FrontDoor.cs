using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;

namespace Portal.Web.Auth;

/// <summary>Bound from the <c>FrontDoor</c> configuration section: sign-in throttling, proxies and response headers.</summary>
public sealed class FrontDoorOptions
{
    public const string Section = "FrontDoor";

    /// <summary>Attempts one client address may make at once on a guarded endpoint (sign-in, registration, token creation).</summary>
    public int AddressBurst { get; set; } = 20;

    /// <summary>Attempts per minute one client address gets back after a burst (default 120: two a second).</summary>
    public int AddressPerMinute { get; set; } = 120;

    /// <summary>Attempts at once against one account (an e-mail for sign-in and registration, a user for token creation).</summary>
    public int AccountBurst { get; set; } = 10;

    /// <summary>Attempts per minute one account gets back after a burst (default 10).</summary>
    public int AccountPerMinute { get; set; } = 10;

    /// <summary>
    /// Addresses of reverse proxies whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> are honoured, besides
    /// loopback. Behind a proxy in another container, list its address (or its network in <see cref="KnownNetworks"/>).
    /// </summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>Networks (CIDR, e.g. <c>172.16.0.0/12</c>) whose proxies' forwarded headers are honoured.</summary>
    public string[] KnownNetworks { get; set; } = [];

    /// <summary><c>max-age</c> of the HSTS header sent on HTTPS responses, in days (0: no header).</summary>
    public int HstsMaxAgeDays { get; set; } = 365;

    public void Check()
    {
        if (AddressBurst < 1) throw new ArgumentOutOfRangeException(nameof(AddressBurst), AddressBurst, "FrontDoor:AddressBurst must be at least 1.");
        if (AddressPerMinute < 1) throw new ArgumentOutOfRangeException(nameof(AddressPerMinute), AddressPerMinute, "FrontDoor:AddressPerMinute must be at least 1.");
        if (AccountBurst < 1) throw new ArgumentOutOfRangeException(nameof(AccountBurst), AccountBurst, "FrontDoor:AccountBurst must be at least 1.");
        if (AccountPerMinute < 1) throw new ArgumentOutOfRangeException(nameof(AccountPerMinute), AccountPerMinute, "FrontDoor:AccountPerMinute must be at least 1.");
        if (HstsMaxAgeDays < 0) throw new ArgumentOutOfRangeException(nameof(HstsMaxAgeDays), HstsMaxAgeDays, "FrontDoor:HstsMaxAgeDays must be 0 or more.");
    }
}

/// <summary>Marks an endpoint whose attempts are throttled per client address and per account.</summary>
/// <param name="Kind">Which bucket family: <c>login</c>, <c>register</c> or <c>token</c>.</param>
public sealed record GuardedEndpoint(string Kind);

/// <summary>
/// The portal's front door: forwarded headers from trusted proxies (so HTTPS behind a proxy gives <c>Secure</c> cookies
/// and HSTS), security headers on every response, and ASP.NET Core rate limiting on sign-in, registration and token
/// creation, chained per client address and per account.
/// </summary>
public static class FrontDoor
{
    private const string AccountItem = "frontdoor.account";

    public static void AddPortalFrontDoor(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(FrontDoorOptions.Section).Get<FrontDoorOptions>() ?? new FrontDoorOptions();
        options.Check();
        builder.Services.AddSingleton(options);
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in options.KnownProxies)
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in options.KnownNetworks)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(ctx => Partition(ctx, "address", Address(ctx), options.AddressBurst, options.AddressPerMinute)),
                PartitionedRateLimiter.Create<HttpContext, string>(ctx => Partition(ctx, "account", ctx.Items[AccountItem] as string, options.AccountBurst, options.AccountPerMinute)));
            o.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 60;
                http.Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
                var message = $"Too many attempts: try again in {retry} s (limits FrontDoor:AddressBurst/AddressPerMinute per client address and FrontDoor:AccountBurst/AccountPerMinute per account).";
                await Results.Problem(message, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many attempts").ExecuteAsync(http);
            };
        });
    }

    /// <summary>Before authentication: trusted forwarded headers, then security headers on every response.</summary>
    public static void UsePortalFrontDoor(this WebApplication app)
    {
        app.UseForwardedHeaders();
        var options = app.Services.GetRequiredService<FrontDoorOptions>();
        app.Use((ctx, next) =>
        {
            ctx.Response.OnStarting(() =>
            {
                var headers = ctx.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                headers.XFrameOptions = "DENY";
                if (!headers.ContainsKey("Content-Security-Policy"))
                {
                    headers.ContentSecurityPolicy = "frame-ancestors 'none'";
                }
                if (ctx.Request.IsHttps && options.HstsMaxAgeDays > 0)
                {
                    headers.StrictTransportSecurity = $"max-age={(long)options.HstsMaxAgeDays * 86_400}";
                }
                return Task.CompletedTask;
            });
            return next(ctx);
        });
    }

    /// <summary>After authentication: names the account an attempt is about, then applies the limits.</summary>
    public static void UsePortalRateLimits(this WebApplication app)
    {
        app.Use(async (ctx, next) =>
        {
            if (ctx.GetEndpoint()?.Metadata.GetMetadata<GuardedEndpoint>() is { } guarded)
            {
                ctx.Items[AccountItem] = guarded.Kind == "token"
                    ? ctx.User.FindFirstValue(ClaimTypes.NameIdentifier)
                    : await FormEmailAsync(ctx);
            }
            await next(ctx);
        });
        app.UseRateLimiter();
    }

    private static RateLimitPartition<string> Partition(HttpContext ctx, string scope, string? key, int burst, int perMinute)
    {
        if (ctx.GetEndpoint()?.Metadata.GetMetadata<GuardedEndpoint>() is not { } guarded || key is null)
        {
            return RateLimitPartition.GetNoLimiter("");
        }
        return RateLimitPartition.GetTokenBucketLimiter($"{guarded.Kind}|{scope}|{key}", _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1.0 / perMinute),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static string Address(HttpContext ctx) => ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>The normalised e-mail of a sign-in or registration form; every unreadable form shares one bucket.</summary>
    private static async Task<string> FormEmailAsync(HttpContext ctx)
    {
        if (!ctx.Request.HasFormContentType)
        {
            return "(no form)";
        }
        try
        {
            var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
            var email = form["email"].ToString().Trim().ToUpperInvariant();
            return email.Length is 0 or > 256 ? "(no e-mail)" : email;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return "(unreadable form)";
        }
    }
}
