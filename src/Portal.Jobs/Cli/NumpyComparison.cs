using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Portal.Domain.Benchmarks;

namespace Portal.Jobs.Cli;

/// <summary>
/// The schedule workload (<c>schedules-ac</c>) timed against its vectorised numpy port (<c>benchmarks/numpy_schedules.py</c>),
/// alternately, so both see the same load on a shared machine; medians of the rounds and their ratio.
/// </summary>
public static class NumpyComparison
{
    /// <summary>Where the port lives relative to the repository root.</summary>
    public const string ScriptPath = "benchmarks/numpy_schedules.py";

    /// <summary>Result of the comparison.</summary>
    /// <param name="Rounds">Rounds run (one C# and one numpy timing each).</param>
    /// <param name="StrategySteps">Strategy-steps of one run of the workload.</param>
    /// <param name="CsharpSeconds">Median wall seconds of the engine.</param>
    /// <param name="CsharpCpuSeconds">Median processor seconds of the engine.</param>
    /// <param name="NumpySeconds">Median wall seconds of the numpy port.</param>
    /// <param name="NumpyCpuSeconds">Median processor seconds of the numpy port.</param>
    public sealed record Result(int Rounds, double StrategySteps, double CsharpSeconds, double CsharpCpuSeconds, double NumpySeconds, double NumpyCpuSeconds)
    {
        /// <summary>Engine strategy-steps per wall second over numpy's.</summary>
        public double WallRatio => NumpySeconds / CsharpSeconds;

        /// <summary>Engine strategy-steps per processor second over numpy's.</summary>
        public double CpuRatio => NumpyCpuSeconds / CsharpCpuSeconds;

        /// <summary>Plain-text lines for the bench output.</summary>
        public string ToText()
        {
            var c = CultureInfo.InvariantCulture;
            var sb = new StringBuilder();
            sb.AppendLine(c, $"schedules-ac vs numpy port ({ScriptPath}), alternating, median of {Rounds} rounds:");
            sb.AppendLine(c, $"  C#     {CsharpSeconds,8:F4} s  {CsharpCpuSeconds,8:F4} cpu-s  {StrategySteps / CsharpSeconds,10:G4} strategy-steps/s  {StrategySteps / CsharpCpuSeconds,10:G4} per cpu-s");
            sb.AppendLine(c, $"  numpy  {NumpySeconds,8:F4} s  {NumpyCpuSeconds,8:F4} cpu-s  {StrategySteps / NumpySeconds,10:G4} strategy-steps/s  {StrategySteps / NumpyCpuSeconds,10:G4} per cpu-s");
            sb.AppendLine(c, $"  ratio C#/numpy: {WallRatio:F2}x wall, {CpuRatio:F2}x per cpu-second");
            return sb.ToString();
        }
    }

    /// <summary>Finds the port: the given path, else <see cref="ScriptPath"/> under the working directory or the
    /// application's folder or any of their parents.</summary>
    public static string? FindScript(string? explicitPath)
    {
        if (explicitPath is not null) return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : null;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, ScriptPath);
                if (File.Exists(candidate)) return candidate;
            }
        }

        return null;
    }

    /// <summary>Runs <paramref name="rounds"/> alternating rounds of the workload.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rounds"/> is below 1.</exception>
    /// <exception cref="InvalidOperationException">The port failed (e.g. numpy is missing).</exception>
    public static Result Run(string python, string script, int episodes, int steps, int rounds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        var spec = SimulationBenchmark.ScheduleSpec(episodes, steps);
        var specPath = Path.Combine(Path.GetTempPath(), $"numpy-schedules-{Environment.ProcessId}.json");
        File.WriteAllText(specPath, JsonSerializer.Serialize(spec, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        try
        {
            SimulationBenchmark.TimeScheduleWorkloadOnce(episodes, steps); // warm-up (JIT)
            var cs = new List<(double Wall, double Cpu)>();
            var np = new List<(double Wall, double Cpu)>();
            for (int r = 0; r < rounds; r++)
            {
                cs.Add(SimulationBenchmark.TimeScheduleWorkloadOnce(episodes, steps));
                np.Add(RunPort(python, script, specPath));
            }

            double strategySteps = (double)episodes * spec.Steps * spec.ChildQuantities.Length;
            return new Result(rounds, strategySteps, Median(cs.Select(x => x.Wall)), Median(cs.Select(x => x.Cpu)),
                Median(np.Select(x => x.Wall)), Median(np.Select(x => x.Cpu)));
        }
        finally
        {
            File.Delete(specPath);
        }
    }

    private static (double Wall, double Cpu) RunPort(string python, string script, string specPath)
    {
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(specPath);
        info.ArgumentList.Add("1");
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {python}.");
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{python} {script} exited with {process.ExitCode}: {stderr.Result.Trim()}");
        var parts = output.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2) throw new InvalidOperationException($"Unexpected output of {script}: '{output.Trim()}'.");
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2]);
    }
}
