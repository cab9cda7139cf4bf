using Portal.Jobs.Cli;

namespace Portal.Jobs.Tests.Cli;

/// <summary>The bench's comparison with the numpy port: what it hands the port, how it reads its timings, and what it
/// prints when the port is missing. A stand-in interpreter replaces python, so nothing here depends on numpy.</summary>
public sealed class NumpyComparisonTests
{
    [Fact]
    public void The_port_receives_the_workload_and_its_median_timings_give_the_ratio()
    {
        var dir = Directory.CreateTempSubdirectory("numpy-comparison-");
        try
        {
            // Fails unless it is handed a spec with the schedules' child quantities; otherwise reports 2 s wall, 1 s cpu.
            var port = Path.Combine(dir.FullName, "port.sh");
            File.WriteAllText(port, "grep -q '\"childQuantities\"' \"$1\" && grep -q '\"episodes\":300' \"$1\" && [ \"$2\" = 1 ] && echo '2.0 1.0 42' || exit 3\n");

            var result = NumpyComparison.Run("/bin/sh", port, episodes: 300, steps: 10, rounds: 3);

            Assert.Equal(3, result.Rounds);
            Assert.Equal(2.0, result.NumpySeconds);
            Assert.Equal(1.0, result.NumpyCpuSeconds);
            Assert.Equal(300.0 * 10 * 6, result.StrategySteps);
            Assert.True(result.CsharpSeconds > 0);
            Assert.Equal(2.0 / result.CsharpSeconds, result.WallRatio, 12);
            Assert.Contains("ratio C#/numpy", result.ToText(), StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(Path.GetTempPath(), $"numpy-schedules-{Environment.ProcessId}.json"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_failing_port_is_reported_with_its_error()
    {
        var dir = Directory.CreateTempSubdirectory("numpy-comparison-");
        try
        {
            var port = Path.Combine(dir.FullName, "port.sh");
            File.WriteAllText(port, "echo 'No module named numpy' >&2; exit 1\n");
            var ex = Assert.Throws<InvalidOperationException>(() => NumpyComparison.Run("/bin/sh", port, 100, 10, 1));
            Assert.Contains("No module named numpy", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_repository_port_is_found_from_the_test_folder_and_a_missing_one_is_not()
    {
        var found = NumpyComparison.FindScript(null);
        Assert.NotNull(found);
        Assert.EndsWith(Path.Combine("benchmarks", "numpy_schedules.py"), found, StringComparison.Ordinal);
        Assert.Null(NumpyComparison.FindScript(Path.Combine(Path.GetTempPath(), "no-such-port.py")));
    }
}
