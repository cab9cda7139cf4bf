using System.Text.Json;

namespace Portal.Jobs.Tests.Hosting;

/// <summary>
/// The worker's runtime settings ship in its build output (<c>Portal.Jobs.runtimeconfig.json</c>, which the worker image
/// carries), not only in a launch script: methods with loops compiled optimised at once (a worker runs the merge, the
/// result's store and the report once per run) and idle thread-pool threads that block instead of spinning.
/// </summary>
public sealed class WorkerRuntimeConfigTests
{
    private static JsonElement ConfigProperties()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Portal.Jobs.runtimeconfig.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").Clone();
    }

    [Fact]
    public void The_worker_compiles_methods_with_loops_optimised_from_their_first_call()
    {
        Assert.False(ConfigProperties().GetProperty("System.Runtime.TieredCompilation.QuickJitForLoops").GetBoolean());
    }

    [Fact]
    public void The_worker_thread_pool_does_not_spin_between_database_statements()
    {
        Assert.Equal(0, ConfigProperties().GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }
}
