using System.Text.Json;

namespace Portal.Web.Tests.Hosting;

/// <summary>
/// The web process's garbage collector settings ship in its build output (<c>Portal.Web.runtimeconfig.json</c>, which the
/// web image carries): server GC without dynamic adaptation (DATAS), which under 50 clients paused the pages for a
/// third of the time in many small collections.
/// </summary>
public sealed class WebRuntimeConfigTests
{
    private static JsonElement ConfigProperties()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Portal.Web.runtimeconfig.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void The_web_process_uses_server_gc_without_dynamic_adaptation()
    {
        var properties = ConfigProperties();
        Assert.True(properties.GetProperty("System.GC.Server").GetBoolean());
        Assert.Equal(0, properties.GetProperty("System.GC.DynamicAdaptationMode").GetInt32());
    }
}
