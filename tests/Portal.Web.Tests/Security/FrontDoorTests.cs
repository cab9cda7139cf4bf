using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Tests.Infrastructure;
using Portal.Web.Tests.Teams;

namespace Portal.Web.Tests.Security;

/// <summary>Sign-in throttling without account disclosure, antiforgery on sign-out, security headers, HTTPS behind a proxy.</summary>
public sealed partial class FrontDoorTests
{
    [Fact]
    public async Task A_person_retrying_passes_a_burst_from_one_address_is_throttled_with_429()
    {
        // The default burst (20 per address); a slow refill keeps the count exact on a loaded machine.
        await using var server = await PortalServer.StartAsync(settings: new Dictionary<string, string?> { ["FrontDoor:AddressPerMinute"] = "1" });
        using var client = NewClient(server);
        var token = await FormTokenAsync(client, "/login");

        // A person: three attempts in quick succession, all answered normally.
        var person = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            person.Add((await LoginAsync(client, token, $"someone{i}@test.local", "Wrong-Password-1")).StatusCode);
        }
        // A script: many accounts from the same address in a burst (the default burst is 20 per address).
        var script = new List<HttpResponseMessage>();
        for (var i = 0; i < 30; i++)
        {
            script.Add(await LoginAsync(client, token, $"victim{i}@test.local", "Wrong-Password-1"));
        }

        Assert.All(person, s => Assert.Equal(HttpStatusCode.Redirect, s));
        var throttled = script.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.All(script.Take(17), r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        Assert.InRange(throttled.Count, 12, 13);
        Assert.True(throttled[0].Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("FrontDoor:AddressBurst", await throttled[0].Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Guessing_one_account_from_many_addresses_is_throttled_alike_for_real_and_unknown_accounts_and_never_locks_the_user(bool postgres)
    {
        await using var server = await PortalServer.StartAsync(postgres, new Dictionary<string, string?> { ["FrontDoor:AccountPerMinute"] = "1" });
        await server.CreateUserAsync("analyst@test.local", await server.DemoTeamIdAsync(), Portal.Data.Entities.TeamRole.Analyst);
        using var client = NewClient(server);
        var token = await FormTokenAsync(client, "/login");

        // Five wrong passwords used to lock the real user out; now they are just failures.
        for (var i = 0; i < 6; i++)
        {
            await LoginAsync(client, token, PortalServer.DemoEmail, "Wrong-Password-1", from: $"10.0.0.{i + 1}");
        }
        var real = await LoginAsync(client, token, PortalServer.DemoEmail, PortalServer.DemoPassword, from: "10.0.1.1");
        using var fresh = NewClient(server);
        var freshToken = await FormTokenAsync(fresh, "/login");
        var wrongReal = await LoginAsync(fresh, freshToken, PortalServer.DemoEmail, "Wrong-Password-1", from: "10.0.1.2");
        var wrongUnknown = await LoginAsync(fresh, freshToken, "nobody@test.local", "Wrong-Password-1", from: "10.0.1.3");
        // A distributed guess at one account: each attempt from another address, so only the per-account limit applies.
        var realCodes = new List<HttpStatusCode>();
        var unknownCodes = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            realCodes.Add((await LoginAsync(fresh, freshToken, "analyst@test.local", "Wrong-Password-1", from: $"10.1.0.{i + 1}")).StatusCode);
            unknownCodes.Add((await LoginAsync(fresh, freshToken, "ghost@test.local", "Wrong-Password-1", from: $"10.2.0.{i + 1}")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Redirect, real.StatusCode);
        Assert.Equal("/", real.Headers.Location?.OriginalString);
        Assert.Equal(wrongReal.Headers.Location, wrongUnknown.Headers.Location);
        var page = await fresh.GetStringAsync(wrongUnknown.Headers.Location);
        Assert.Contains("Wrong email or password", page, StringComparison.Ordinal);
        Assert.DoesNotContain("locked", page, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(unknownCodes, realCodes);
        Assert.Equal(10, realCodes.Count(c => c == HttpStatusCode.Redirect));
        Assert.Equal(2, realCodes.Count(c => c == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Registering_a_taken_email_does_not_say_already_taken()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = NewClient(server);
        var token = await FormTokenAsync(client, "/register");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = PortalServer.DemoEmail, ["displayName"] = "Mallory", ["password"] = "Some-Password-9", ["__RequestVerificationToken"] = token,
        });
        var response = await client.PostAsync("/account/register", form);
        var error = Uri.UnescapeDataString(response.Headers.Location!.OriginalString);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("cannot be created", error, StringComparison.Ordinal);
        Assert.DoesNotContain("taken", error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("already", error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Sign_out_needs_the_antiforgery_token_of_the_page()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = await server.SignedInClientAsync();

        var crossSite = await client.PostAsync("/account/logout", new FormUrlEncodedContent([]));
        var stillIn = await client.GetAsync("/api/scenarios");
        var home = await client.GetStringAsync("/");
        var token = TokenPattern().Match(home).Groups[1].Value;
        var own = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        var after = await client.GetAsync("/api/scenarios");

        Assert.Equal(HttpStatusCode.BadRequest, crossSite.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
        Assert.False(string.IsNullOrEmpty(token));
        Assert.Equal(HttpStatusCode.Redirect, own.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Pages_and_api_carry_security_headers_and_https_behind_a_proxy_gets_hsts_and_secure_cookies()
    {
        await using var server = await PortalServer.StartAsync();
        using var client = NewClient(server);

        var page = await client.GetAsync("/login");
        var api = await client.GetAsync("/api/scenarios");
        var missing = await client.GetAsync("/no-such-page");
        // A fresh client, so that the antiforgery cookie is issued again, this time over (forwarded) HTTPS. The client
        // talks plain HTTP to the test server, so it would withhold Secure cookies: it sends them by hand.
        using var secure = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        using var viaProxy = new HttpRequestMessage(HttpMethod.Get, "/login");
        viaProxy.Headers.Add("X-Forwarded-Proto", "https");
        var https = await secure.SendAsync(viaProxy);
        var token = TokenPattern().Match(await https.Content.ReadAsStringAsync()).Groups[1].Value;
        using var signIn = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["email"] = PortalServer.DemoEmail, ["password"] = PortalServer.DemoPassword, ["returnUrl"] = "/", ["__RequestVerificationToken"] = token,
            }),
        };
        signIn.Headers.Add("X-Forwarded-Proto", "https");
        signIn.Headers.Add("Cookie", string.Join("; ", https.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));
        var signedIn = await secure.SendAsync(signIn);

        foreach (var response in new[] { page, api, missing, https })
        {
            Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
            Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
            Assert.Equal("DENY", Header(response, "X-Frame-Options"));
            Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Null(Header(page, "Strict-Transport-Security"));
        Assert.Equal("max-age=31536000", Header(https, "Strict-Transport-Security"));
        var plainCookies = page.Headers.GetValues("Set-Cookie").ToList();
        var httpsCookies = https.Headers.GetValues("Set-Cookie").ToList();
        Assert.All(plainCookies, c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));
        Assert.NotEmpty(httpsCookies);
        Assert.All(httpsCookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
        var authCookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("executionlab.auth=", StringComparison.Ordinal));
        Assert.Contains("secure", authCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", authCookie, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_token_records_its_last_use_at_most_once_a_minute_and_token_creation_is_throttled(bool postgres)
    {
        await using var server = await PortalServer.StartAsync(postgres, new Dictionary<string, string?> { ["FrontDoor:AccountPerMinute"] = "1" });
        using var client = await server.SignedInClientAsync();
        var created = await (await client.PostAsJsonAsync("/api/tokens", new { name = "script" })).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetGuid();
        using var script = new HttpClient { BaseAddress = server.BaseAddress };
        script.DefaultRequestHeaders.Authorization = new("Bearer", created.GetProperty("token").GetString());

        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/scenarios")).StatusCode);
        var first = await LastUsedAsync(server, id);
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/scenarios")).StatusCode);
        var second = await LastUsedAsync(server, id);
        var old = DateTime.UtcNow.AddMinutes(-2);
        await using (var db = await server.Db())
        {
            await db.ApiTokens.Where(t => t.Id == id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedUtc, old));
        }
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync("/api/scenarios")).StatusCode);
        var third = await LastUsedAsync(server, id);
        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 11; i++)
        {
            codes.Add((await client.PostAsJsonAsync("/api/tokens", new { name = $"t{i}" })).StatusCode);
        }

        Assert.NotNull(first);
        Assert.Equal(first, second);
        Assert.True(third > old.AddMinutes(1));
        // One token was made above: nine more fit in the per-account burst of ten.
        Assert.Equal(9, codes.Count(c => c == HttpStatusCode.Created));
        Assert.Equal(2, codes.Count(c => c == HttpStatusCode.TooManyRequests));
    }

    private static async Task<DateTime?> LastUsedAsync(PortalServer server, Guid id)
    {
        await using var db = await server.Db();
        return await db.ApiTokens.Where(t => t.Id == id).Select(t => t.LastUsedUtc).SingleAsync();
    }

    private static HttpClient NewClient(PortalServer server) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };

    private static async Task<string> FormTokenAsync(HttpClient client, string page) =>
        TokenPattern().Match(await client.GetStringAsync(page)).Groups[1].Value;

    private static async Task<HttpResponseMessage> LoginAsync(HttpClient client, string token, string email, string password, string? from = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["email"] = email, ["password"] = password, ["returnUrl"] = "/", ["__RequestVerificationToken"] = token,
            }),
        };
        if (from is not null)
        {
            request.Headers.Add("X-Forwarded-For", from);
        }
        return await client.SendAsync(request);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : null;

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
