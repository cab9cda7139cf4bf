using System.CommandLine;
using Portal.Domain.Benchmarks;
using Portal.Domain.MarketData;

namespace Portal.Jobs.Cli;

/// <summary><c>bench</c>: fixed-workload benchmarks of the simulator and of market-data parsing and replay.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var episodes = new Option<int>("--episodes") { Description = "Episodes per simulation workload.", DefaultValueFactory = _ => 100_000 };
        var steps = new Option<int>("--steps") { Description = "Decision steps per episode.", DefaultValueFactory = _ => 100 };
        var repetitions = new Option<int>("--repetitions") { Description = "Timed repetitions; the median is reported.", DefaultValueFactory = _ => 3 };
        var data = new Option<DirectoryInfo?>("--data") { Description = "Folder with the shared market data samples; adds the parse and replay benchmarks." };
        var numpyRounds = new Option<int>("--numpy-rounds") { Description = "Alternating rounds of the schedule workload against its numpy port (benchmarks/numpy_schedules.py); 0 skips the comparison.", DefaultValueFactory = _ => 5 };
        var python = new Option<string>("--python") { Description = "Python interpreter with numpy (Debian: python3-numpy).", DefaultValueFactory = _ => "/usr/bin/python3" };
        var numpyScript = new Option<FileInfo?>("--numpy-script") { Description = "Path of the numpy port (default: found under the working directory)." };
        var sweep = new Option<bool>("--sweep") { Description = "Only the cost curves of the schedule workload against episodes, steps and strategies (medians of --repetitions)." };
        var command = new Command("bench", "Run the fixed-workload benchmarks and print medians.") { episodes, steps, repetitions, data, numpyRounds, python, numpyScript, sweep };
        command.SetAction(parse =>
        {
            if (parse.GetValue(sweep))
            {
                var curves = new BenchmarkReport(SimulationBenchmark.Sweep(parse.GetValue(repetitions)), Environment.ProcessorCount) { Aggregate = "median of the repetitions" };
                parse.InvocationConfiguration.Output.WriteLine(curves.ToText());
                return 0;
            }

            var report = SimulationBenchmark.Run(parse.GetValue(episodes), parse.GetValue(steps), parse.GetValue(repetitions));
            parse.InvocationConfiguration.Output.WriteLine(report.ToText());
            if (parse.GetValue(numpyRounds) > 0)
            {
                var script = NumpyComparison.FindScript(parse.GetValue(numpyScript)?.FullName);
                if (script is null) parse.InvocationConfiguration.Output.WriteLine($"numpy comparison skipped: {NumpyComparison.ScriptPath} not found (run from the repository or pass --numpy-script).");
                else
                {
                    try
                    {
                        var cmp = NumpyComparison.Run(parse.GetValue(python)!, script, parse.GetValue(episodes), parse.GetValue(steps), parse.GetValue(numpyRounds));
                        parse.InvocationConfiguration.Output.WriteLine(cmp.ToText());
                    }
                    catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
                    {
                        parse.InvocationConfiguration.Output.WriteLine($"numpy comparison skipped: {ex.Message}");
                    }
                }
            }

            if (parse.GetValue(data) is { } folder)
            {
                var m = MarketDataBenchmark.Run(folder.FullName, parse.GetValue(repetitions));
                parse.InvocationConfiguration.Output.WriteLine($"LOBSTER parse + validate: {m.LobsterRows:N0} rows, median {m.LobsterRowsPerSecond / 1e6:F2} M rows/s ({m.LobsterMegabytesPerSecond:F0} MB/s)");
                parse.InvocationConfiguration.Output.WriteLine($"Binary form: {m.BinaryBytes / 1e6:F1} MB, write {m.BinaryWriteMilliseconds:F0} ms, read {m.BinaryReadMilliseconds:F0} ms");
                parse.InvocationConfiguration.Output.WriteLine($"Replay: {m.ReplayBookUpdates:N0} book updates, median {m.ReplayBookUpdatesPerSecond / 1e6:F2} M updates/s");
            }
            return 0;
        });
        return command;
    }
}
