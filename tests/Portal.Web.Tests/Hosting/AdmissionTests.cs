using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace Portal.Web.Tests.Hosting;

/// <summary>
/// Admission of reads (<see cref="Admission"/>): at most so many GET and HEAD requests in progress, the rest served oldest
/// first, a full queue answered 503 at once; writes, the interactive connection, static framework files and the health
/// check never wait; a download gives its permit back when its response starts. Each test holds requests open on gates,
/// so nothing here depends on timing.
/// </summary>
public sealed class AdmissionTests
{
    /// <summary>A minimal app: the admission middleware in front of endpoints that wait on a gate named in the query.</summary>
    private sealed class GatedApp : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _entered = new();

        public ConcurrentQueue<string> Order { get; } = new();

        public HttpClient Client { get; private set; } = null!;

        public ReadAdmission Admission { get; }

        private GatedApp(WebApplication app, ReadAdmission admission)
        {
            _app = app;
            Admission = admission;
        }

        public static async Task<GatedApp> StartAsync(AdmissionOptions options)
        {
            var builder = WebApplication.CreateBuilder();
            builder.WebHost.UseTestServer();
            var app = builder.Build();
            var gated = new GatedApp(app, new ReadAdmission(options));
            app.UsePortalAdmission(gated.Admission);
            async Task Hold(HttpContext ctx)
            {
                var name = ctx.Request.Query["gate"].ToString();
                gated.Order.Enqueue(name);
                gated.Entered(name).TrySetResult();
                await gated.Gate(name).Task;
            }
            foreach (var path in new[] { "/page", "/_blazor/negotiate", "/_framework/blazor.web.js", "/health" })
            {
                app.MapGet(path, async ctx => { await Hold(ctx); await ctx.Response.WriteAsync("ok"); });
            }
            app.MapPost("/page", async ctx => { await Hold(ctx); await ctx.Response.WriteAsync("ok"); });
            app.MapGet("/download", async ctx =>
            {
                ctx.Response.Headers.ContentDisposition = "attachment; filename=episodes.csv";
                await ctx.Response.WriteAsync("episode,cost\n");
                await ctx.Response.Body.FlushAsync();
                await Hold(ctx);
            });
            await app.StartAsync();
            gated.Client = app.GetTestClient();
            return gated;
        }

        public TaskCompletionSource Gate(string name) => _gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        public TaskCompletionSource Entered(string name) => _entered.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

        /// <summary>Sends a request whose handler holds until <see cref="Gate"/>(<paramref name="gate"/>) opens.</summary>
        public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string gate, CancellationToken ct = default) =>
            Client.SendAsync(new HttpRequestMessage(method, $"{path}?gate={gate}"), HttpCompletionOption.ResponseHeadersRead, ct);

        public async ValueTask DisposeAsync()
        {
            foreach (var gate in _gates.Values) gate.TrySetResult();
            Client.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
            Admission.Dispose();
        }
    }

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Waits until <paramref name="condition"/> holds (a state reached, not a time measured).</summary>
    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 30 s.");
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task Reads_beyond_the_permits_wait_and_are_served_oldest_first()
    {
        await using var app = await GatedApp.StartAsync(new AdmissionOptions { MaxConcurrentReads = 2, QueueLimit = 10 });
        var a = app.SendAsync(HttpMethod.Get, "/page", "a");
        var b = app.SendAsync(HttpMethod.Get, "/page", "b");
        await app.Entered("a").Task.WaitAsync(Patience);
        await app.Entered("b").Task.WaitAsync(Patience);
        // Three more arrive one after another while both permits are held: none of them starts.
        var waiting = new List<Task<HttpResponseMessage>>();
        foreach (var name in new[] { "c", "d", "e" })
        {
            waiting.Add(app.SendAsync(HttpMethod.Get, "/page", name));
            await UntilAsync(() => app.Admission.Waiting == waiting.Count);
        }
        Assert.Equal(2, app.Admission.InProgress);
        Assert.Equal(["a", "b"], app.Order);
        foreach (var name in new[] { "c", "d", "e" }) app.Gate(name).TrySetResult();

        // Each permit given back lets in the oldest waiting read.
        app.Gate("b").TrySetResult();
        Assert.Equal(HttpStatusCode.OK, (await b.WaitAsync(Patience)).StatusCode);
        await app.Entered("c").Task.WaitAsync(Patience);
        app.Gate("a").TrySetResult();
        Assert.Equal(HttpStatusCode.OK, (await a.WaitAsync(Patience)).StatusCode);
        foreach (var response in await Task.WhenAll(waiting).WaitAsync(Patience)) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["a", "b", "c", "d", "e"], app.Order);
    }

    [Fact]
    public async Task A_read_beyond_a_full_queue_is_answered_503_at_once_naming_the_settings()
    {
        await using var app = await GatedApp.StartAsync(new AdmissionOptions { MaxConcurrentReads = 1, QueueLimit = 1 });
        var held = app.SendAsync(HttpMethod.Get, "/page", "held");
        await app.Entered("held").Task.WaitAsync(Patience);
        var queued = app.SendAsync(HttpMethod.Get, "/page", "queued");
        await UntilAsync(() => app.Admission.Waiting == 1);

        // The queue's one place is taken (the queued read cannot have started: the only permit is held).
        var rejected = await app.SendAsync(HttpMethod.Get, "/page", "rejected").WaitAsync(Patience);
        Assert.False(queued.IsCompleted);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, rejected.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), rejected.Headers.RetryAfter?.Delta);
        var body = await rejected.Content.ReadAsStringAsync();
        Assert.Contains("Admission:MaxConcurrentReads", body, StringComparison.Ordinal);
        Assert.Contains("Admission:QueueLimit", body, StringComparison.Ordinal);
        Assert.DoesNotContain("rejected", app.Order);

        app.Gate("held").TrySetResult();
        app.Gate("queued").TrySetResult();
        Assert.Equal(HttpStatusCode.OK, (await held.WaitAsync(Patience)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await queued.WaitAsync(Patience)).StatusCode);
        Assert.Equal(["held", "queued"], app.Order);
    }

    [Theory]
    [InlineData("POST", "/page")]
    [InlineData("GET", "/_blazor/negotiate")]
    [InlineData("GET", "/_framework/blazor.web.js")]
    [InlineData("GET", "/health")]
    public async Task Writes_the_interactive_connection_framework_files_and_the_health_check_never_wait(string method, string path)
    {
        await using var app = await GatedApp.StartAsync(new AdmissionOptions { MaxConcurrentReads = 1, QueueLimit = 0 });
        var held = app.SendAsync(HttpMethod.Get, "/page", "held");
        await app.Entered("held").Task.WaitAsync(Patience);

        var other = app.SendAsync(new HttpMethod(method), path, "other");
        await app.Entered("other").Task.WaitAsync(Patience);
        app.Gate("other").TrySetResult();
        Assert.Equal(HttpStatusCode.OK, (await other.WaitAsync(Patience)).StatusCode);
        // The read still holds the only permit: another read is refused.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await app.SendAsync(HttpMethod.Get, "/page", "refused").WaitAsync(Patience)).StatusCode);
        app.Gate("held").TrySetResult();
        Assert.Equal(HttpStatusCode.OK, (await held.WaitAsync(Patience)).StatusCode);
    }

    [Fact]
    public async Task A_download_gives_its_permit_back_when_its_response_starts()
    {
        await using var app = await GatedApp.StartAsync(new AdmissionOptions { MaxConcurrentReads = 1, QueueLimit = 0 });
        // The download's headers and first line arrive while its handler is still writing (held on its gate).
        using var download = await app.SendAsync(HttpMethod.Get, "/download", "download").WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        await app.Entered("download").Task.WaitAsync(Patience);

        var page = app.SendAsync(HttpMethod.Get, "/page", "page");
        await app.Entered("page").Task.WaitAsync(Patience);
        app.Gate("page").TrySetResult();
        Assert.Equal(HttpStatusCode.OK, (await page.WaitAsync(Patience)).StatusCode);
        // The page gave its permit back at its end: the next read is admitted too.
        var next = app.SendAsync(HttpMethod.Get, "/page", "next");
        app.Gate("next").TrySetResult();
        Assert.Equal(HttpStatusCode.OK, (await next.WaitAsync(Patience)).StatusCode);
        app.Gate("download").TrySetResult();
        Assert.Equal("episode,cost\n", await download.Content.ReadAsStringAsync().WaitAsync(Patience));
    }

    [Fact]
    public async Task A_client_that_leaves_while_waiting_takes_no_permit()
    {
        await using var app = await GatedApp.StartAsync(new AdmissionOptions { MaxConcurrentReads = 1, QueueLimit = 5 });
        var held = app.SendAsync(HttpMethod.Get, "/page", "held");
        await app.Entered("held").Task.WaitAsync(Patience);
        using var leaving = new CancellationTokenSource();
        var left = app.SendAsync(HttpMethod.Get, "/page", "left", leaving.Token);
        await UntilAsync(() => app.Admission.Waiting == 1);
        var after = app.SendAsync(HttpMethod.Get, "/page", "after");
        await UntilAsync(() => app.Admission.Waiting == 2);
        await leaving.CancelAsync();
        // The waiting read leaves the queue at once (the test client may or may not report the cancellation).
        await UntilAsync(() => app.Admission.Waiting == 1);
        try
        {
            await left.WaitAsync(Patience);
        }
        catch (OperationCanceledException)
        {
        }

        app.Gate("after").TrySetResult();
        app.Gate("held").TrySetResult();
        Assert.Equal(HttpStatusCode.OK, (await held.WaitAsync(Patience)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await after.WaitAsync(Patience)).StatusCode);
        Assert.Equal(["held", "after"], app.Order);
    }

    [Theory]
    [InlineData(-1, 10, "Admission:MaxConcurrentReads")]
    [InlineData(4, -1, "Admission:QueueLimit")]
    public void Bad_settings_are_refused_naming_the_key(int permits, int queue, string key)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new AdmissionOptions { MaxConcurrentReads = permits, QueueLimit = queue }.Check());
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_is_eight_reads_per_processor()
    {
        Assert.Equal(8 * Environment.ProcessorCount, new AdmissionOptions().Permits);
        Assert.Equal(3, new AdmissionOptions { MaxConcurrentReads = 3 }.Permits);
    }
}
