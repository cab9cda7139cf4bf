using System.Net.Http.Json;
using System.Text.Json;

namespace Portal.Web.Tests.Infrastructure;

/// <summary>Polls an API resource until it reaches a final state.</summary>
public static class Polling
{
    public static async Task<JsonElement> UntilAsync(HttpClient client, string url, Func<JsonElement, bool> done, int timeoutSeconds = 300)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var value = await client.GetFromJsonAsync<JsonElement>(url);
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{url} not done after {timeoutSeconds} s: {value}");
            await Task.Delay(250);
        }
    }
}
